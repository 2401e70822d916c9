"""Token authentication and scope permissions of the REST API.

``Authorization: Bearer <token>`` is the only way in: the API has no session authentication, so there is no cookie
and no CSRF surface. A request without a token, or with a token that is unknown, expired or revoked, gets 401 with a
JSON error that says what is wrong; a valid token without the scope a view needs gets 403.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from .models import ApiToken
from .services import TokenError, authenticate_token, token_label

KEYWORD = "Bearer"


class TokenClient:
    """``request.user`` for a request with a valid token: an integration, not a person. It holds no permissions."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.organisation = token.organisation

    def __str__(self) -> str:
        return token_label(self.token)

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer plein_<prefix>_<secret>``. Other schemes are not ours: the request stays anonymous."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be “Bearer” followed by one space and the token."),
                code="token_invalid",
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("The API token contains characters that a token never has. Check that you copied it correctly."),
                code="token_invalid",
            ) from None
        try:
            token = authenticate_token(raw)
        except TokenError as exc:
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from None
        return TokenClient(token), token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a request without valid credentials.
        return f'{KEYWORD} realm="api"'


class HasScope(BasePermission):
    """The token must hold every scope in the view's ``required_scopes``. A view that names none is refused:
    deny by default."""

    message = _("This API token may not do this.")
    code = "insufficient_scope"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False  # DRF answers 401: no (valid) token was sent
        required = list(getattr(view, "required_scopes", None) or [])
        if not required:
            self.message = _("This part of the API is not open to any token.")
            return False
        missing = [scope for scope in required if not token.has_scope(scope)]
        if missing:
            self.message = _(
                "This API token may not do this: it needs the scope %(scopes)s. Ask the functional administrator "
                "for a token with that scope."
            ) % {"scopes": ", ".join(missing)}
            return False
        return True
