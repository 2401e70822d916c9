"""Signals of the reporting channel, for the handling side (``plein.dossiers``) without a dependency on it.

Both are sent inside the transaction that stores the change, so a receiver's writes commit or roll back with it.
Receivers get plain objects only, never content.
"""

from django.dispatch import Signal

# sender=Report, report=<Report>: a new report was stored.
report_received = Signal()
# sender=Report, report=<Report>, actor=<User>: receipt was confirmed to the reporter.
report_acknowledged = Signal()
