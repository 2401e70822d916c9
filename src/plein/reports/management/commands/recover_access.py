"""./plein recover_access --channel CODE --handler E-MAIL: restore access with the organisation's recovery key.

The recovery key is read from standard input (typed without echo at a terminal), never from the command line, so it
does not end up in the shell history or the process list.
"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plein.core.models import Organisation, User
from plein.core.selectors import default_organisation
from plein.reports import crypto, services
from plein.reports.models import Channel


class Command(BaseCommand):
    help = (
        "Give a handler access to every report of a channel, with the organisation's recovery key (read from "
        "standard input). The handler must be in the channel's team and have set up their vault. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--channel", required=True, help="code of the channel")
        parser.add_argument("--handler", required=True, help="e-mail address of the handler who gets access")
        parser.add_argument("--organisation", help="slug of the organisation (default: the configured one)")

    def read_key(self) -> str:
        stdin = getattr(self, "_stdin", None) or sys.stdin
        if stdin.isatty():
            return getpass.getpass("Recovery key (not shown while you type): ")
        return stdin.readline()

    def handle(self, *args, **options):
        slug = options.get("organisation")
        organisation = Organisation.objects.filter(slug=slug).first() if slug else default_organisation()
        if organisation is None:
            raise CommandError("No organisation found.")
        channel = Channel.objects.filter(organisation=organisation, code=options["channel"]).first()
        if channel is None:
            raise CommandError(f"There is no channel with the code {options['channel']!r}.")
        handler = User.objects.filter(email__iexact=options["handler"]).first()
        if handler is None:
            raise CommandError(f"There is no account with the e-mail address {options['handler']!r}.")
        try:
            private_key = crypto.parse_recovery_key(self.read_key())
        except crypto.CryptoError as exc:
            raise CommandError("That is not a valid recovery key. Check it for typing errors.") from exc
        try:
            granted = services.recover_access(channel=channel, recovery_private_key=private_key, grantee=handler)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{handler} now has access to {granted} more reports of {channel.name}.\n")
