"""Who may manage the API tokens: the functional administrator. The tokens themselves carry scopes, not roles."""

import rules

from plein.core.rules import is_functional_admin

rules.add_perm("api.manage_tokens", is_functional_admin)
