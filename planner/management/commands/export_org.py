"""Writes one organization to stdout as a JSON backup: manage.py export_org SLUG > file.json"""

from django.core.management.base import BaseCommand, CommandError

from planner import backup
from planner.models import Organization
from planner.validators import for_terminal


class Command(BaseCommand):
    help = (
        "Writes the organization with this slug, its members, plan and change history to "
        "stdout as JSON, a row at a time. Restore it with import_org."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The organization's slug, as in its URLs.")

    def handle(self, *args, **options):
        slug = options["slug"]
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {for_terminal(repr(slug))}.")
        lines = backup.export_lines(organization)
        try:
            # The first line comes only once every person in the file has a usable e-mail.
            first = next(lines)
        except backup.BackupError as error:
            raise CommandError("\n".join(for_terminal(line) for line in error.lines)) from None
        self.stdout.write(first)
        for line in lines:
            self.stdout.write(line)
