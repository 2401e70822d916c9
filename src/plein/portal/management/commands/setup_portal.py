"""``./plein setup_portal``: create what the portal needs in Wagtail (idempotent).

The home page as the root of the site, the news and documents overviews, the Wagtail groups "Editors" and
"Integrity coordinators" with their permissions, and the editorial workflow "Review by the integrity coordinator".
Then it brings every editor's group membership in line with their roles. Run it after ``migrate``; running it again
changes nothing that is already there.
"""

from django.core.management.base import BaseCommand

from plein.portal import services


class Command(BaseCommand):
    help = "Create the portal's home page, overviews, CMS groups and editorial workflow (idempotent)."

    def handle(self, *args, **options):
        setup = services.ensure_portal_setup()
        synced = services.sync_all_cms_groups()
        made = ", ".join(setup.created) if setup.created else "nothing new"
        self.stdout.write(f"Portal ready ({made}); CMS groups brought in line for {synced} account(s).")
