"""./plein create_api_token --name NAME --scope SCOPE [--scope SCOPE] [--days N] [--organisation SLUG]

Makes an API token for an integration and prints it once, on standard output; a summary goes to standard error.
The token itself is not stored (only its digest), so it cannot be shown again. Audited as ``api_token.create``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plein.api.models import Scope
from plein.api.services import DEFAULT_DAYS, MAX_DAYS, create_token
from plein.core.models import Organisation
from plein.core.selectors import default_organisation


class Command(BaseCommand):
    help = (
        "Make an API token for an integration, for example the HR system (--scope hr.sync). The token is printed "
        "once; store it in the other system. See docs/api.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The name of the integration, for example “HR system”.")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            dest="scopes",
            help="What the token may do; repeat for more than one scope.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"How many days the token is valid (1 to {MAX_DAYS}; default {DEFAULT_DAYS}).",
        )
        parser.add_argument("--organisation", help="The organisation's code (slug); default: the default organisation.")

    def handle(self, *args, **options):
        slug = options.get("organisation")
        organisation = Organisation.objects.filter(slug=slug).first() if slug else default_organisation()
        if organisation is None:
            raise CommandError(
                f"There is no organisation with the code “{slug}”."
                if slug
                else "There is no organisation yet. Create one first, for example with ./plein demo."
            )
        try:
            token, raw = create_token(
                organisation=organisation, name=options["name"], scopes=options["scopes"], days=options["days"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        expires = timezone.localtime(token.expires_at).strftime("%d-%m-%Y %H:%M")
        self.stderr.write(
            f"Token {token.prefix} for “{token.name}” ({organisation.name}), scopes {', '.join(token.scopes)}, "
            f"valid until {expires}. It is shown once: store it now.\n"
        )
        self.stdout.write(raw)
