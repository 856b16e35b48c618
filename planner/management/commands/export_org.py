"""Writes one organization to stdout as a JSON backup: manage.py export_org SLUG > file.json"""

import json

from django.core.management.base import BaseCommand, CommandError

from planner import backup
from planner.models import Organization


class Command(BaseCommand):
    help = (
        "Writes the organization with this slug, its members, plan and change history to "
        "stdout as JSON. Restore it with import_org."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The organization's slug, as in its URLs.")

    def handle(self, *args, **options):
        slug = options["slug"]
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {slug!r}.")
        try:
            document = backup.export_organization(organization)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        # ASCII escapes keep the file intact through any terminal or pipe encoding.
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=True))
