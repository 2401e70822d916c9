"""``./plein backup FILE``: a consistent archive of the database and the stored files (plein.core.services.backup)."""

from django.core.management.base import BaseCommand, CommandError

from plein.core.services.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup (.tar.gz) of the database and the stored (encrypted) files while the server keeps "
        "serving, with a manifest of versions, the migration state and the SHA-256 of every member."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, ending in .tar.gz or .tgz")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE when it exists")

    def handle(self, *args, **options):
        try:
            result = create_backup(options["file"], overwrite=options["overwrite"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Backup written to {result.path}: {manifest['versions']['database']} database ({rows} rows, "
            f"{manifest['audit_head']['seq']} audit events), {manifest['storage']['files']} stored files "
            f"({manifest['storage']['bytes']} bytes). Keep it as safe as the database itself."
        )
