from django.core.management.base import BaseCommand, CommandError

from plein.core.services.audit import verify_full


class Command(BaseCommand):
    help = (
        "Verify the whole hash chain of the audit log from the first event, and record the result (the audit log "
        "page shows it). Exits 0 when intact, 1 naming the first bad event."
    )

    def handle(self, *args, **options):
        result = verify_full()
        if not result.ok:
            raise CommandError(
                f"Audit log is NOT intact: first bad event #{result.first_bad_seq}: {result.reason} "
                f"({result.checked} events checked before it)."
            )
        self.stdout.write(f"Audit log intact: {result.checked} events checked.")
