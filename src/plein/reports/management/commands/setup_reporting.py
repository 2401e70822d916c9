"""./plein setup_reporting: create the organisation's recovery key and receipt salt, and show the key once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plein.core.models import Organisation
from plein.core.selectors import default_organisation
from plein.reports import crypto, services


class Command(BaseCommand):
    help = (
        "Set up the reporting channel for an organisation: make the recovery key (shown once, never stored) and the "
        "receipt salt. Refuses when it has been set up already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="slug of the organisation (default: the configured one)")

    def handle(self, *args, **options):
        slug = options.get("organisation")
        organisation = Organisation.objects.filter(slug=slug).first() if slug else default_organisation()
        if organisation is None:
            raise CommandError("No organisation found. Load one first (./plein demo or the people import).")
        try:
            record, recovery_key = services.set_up_reporting(organisation=organisation, actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Reporting has been set up for {organisation.name}.\n")
        self.stdout.write("RECOVERY KEY (shown only now; print it or write it down and keep it offline, in a safe):\n")
        self.stdout.write(f"\n    {recovery_key}\n\n")
        self.stdout.write(f"Fingerprint: {crypto.fingerprint(bytes(record.recovery_public_key))}\n")
        self.stdout.write(
            "Whoever has this key can read every report. It is needed only when every handler of a channel is gone "
            "(./plein recover_access).\n"
        )
