"""``./plein restore FILE``: restore a backup into an empty installation (plein.core.services.backup)."""

from django.core.management.base import BaseCommand, CommandError

from plein.core.services.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by './plein backup' into an empty installation: checks every checksum first, "
        "restores the database and the stored files, compares the row counts and verifies the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive made by ./plein backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even when this installation already has data (it is overwritten) or the backup is newer",
        )

    def handle(self, *args, **options):
        try:
            result = restore_backup(options["file"], force=options["force"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {result.manifest['created_at']}: {result.files} stored files; audit log intact "
            f"({result.audit_events} events checked)."
        )
        if result.pending_migrations:
            self.stdout.write(
                f"This version has {len(result.pending_migrations)} migrations that the backup predates: run "
                "./plein migrate before starting the server."
            )
