"""Who may do what in the reporting channel. Deny by default.

Reading is limited twice: by these rules (a handling role and membership of the channel's team, with a wrapped key
for the report) and by cryptography (without an unlocked vault nobody can decrypt). The functional administrator sets
up channels and teams but holds no key, so cannot read reports. Managers, HR, auditors and everybody else get nothing.
"""

import rules

from plein.core import roles as R
from plein.core.object_rules import object_rule
from plein.core.rules import has_role, is_functional_admin

HANDLER_ROLES = (R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY)

is_handler = has_role(*HANDLER_ROLES)

_TEAM_SCOPE = (
    "channel team",
    "only for the channels whose team they are in, and for those channels' reports unless the reporter or the team "
    "excluded them; investigators only for the cases assigned to them",
)


@object_rule(*_TEAM_SCOPE, roles=HANDLER_ROLES)
def is_channel_member(user, channel) -> bool:
    from plein.reports.models import ChannelMembership

    if channel is None or not getattr(user, "is_authenticated", False):
        return False
    return ChannelMembership.objects.filter(channel_id=channel.pk, user_id=user.pk).exists()


@object_rule(*_TEAM_SCOPE, roles=HANDLER_ROLES)
def is_report_recipient(user, report) -> bool:
    """A member of the report's channel team for whom the report key is wrapped (so not excluded, not removed)."""
    from django.db.models import Exists

    from plein.reports.models import ChannelMembership, ReportKey

    if report is None or not getattr(user, "is_authenticated", False):
        return False
    member = ChannelMembership.objects.filter(channel_id=report.channel_id, user_id=user.pk)
    if not (
        ReportKey.objects.filter(report_id=report.pk, kind=ReportKey.Kind.HANDLER, user_id=user.pk)
        .filter(Exists(member))
        .exists()
    ):  # one query for both conditions (issue 12): every report and case page asks this
        return False
    from plein.dossiers.selectors import investigator_only, is_assigned_to_report

    # Investigators (without another handling role) see only the cases assigned to them (plein.dossiers).
    return not investigator_only(user) or is_assigned_to_report(report, user)


rules.add_perm("reports.use_vault", is_handler)
rules.add_perm("reports.view_inbox", is_handler)
rules.add_perm("reports.view_report", is_handler & is_report_recipient)
rules.add_perm("reports.grant_access", is_handler & is_channel_member)
rules.add_perm("reports.manage_channels", is_functional_admin)
