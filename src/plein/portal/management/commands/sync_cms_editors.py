"""``./plein sync_cms_editors``: bring every account's Wagtail groups in line with its roles.

The CMS does this for each user on every request to /cms/; this command does it for everyone at once, for example
after roles were changed in bulk. Access to the CMS itself always follows the role, whatever the groups say.
"""

from django.core.management.base import BaseCommand

from plein.portal import services


class Command(BaseCommand):
    help = "Bring the Wagtail groups of every editor and integrity coordinator in line with their roles."

    def handle(self, *args, **options):
        services.ensure_cms_groups()
        changed = services.sync_all_cms_groups()
        self.stdout.write(f"CMS groups changed for {changed} account(s).")
