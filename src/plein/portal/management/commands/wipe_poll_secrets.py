"""``./plein wipe_poll_secrets``: forget the secret of every poll that has ended (idempotent; run it regularly)."""

from django.core.management.base import BaseCommand

from plein.portal import services


class Command(BaseCommand):
    help = "Forget the per-poll secret of every poll that has ended, so its markers can no longer be tied to anyone."

    def handle(self, *args, **options):
        self.stdout.write(f"Secrets wiped: {services.wipe_ended_poll_secrets()}.")
