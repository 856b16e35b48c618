"""Recreates an organization from a JSON backup: manage.py import_org file.json (or - for stdin)"""

import sys

from django.core.management.base import BaseCommand, CommandError

from planner import backup


class Command(BaseCommand):
    help = (
        "Recreates an organization from a file written by export_org, all or nothing. "
        "Members are found by email."
    )
    # Tests hand the command a stdin of their own, as createsuperuser's do.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file, or - to read standard input.")
        parser.add_argument("--slug", help="Import under this slug instead of the one in the file.")
        parser.add_argument(
            "--create-missing-users",
            action="store_true",
            help="Create an account without a usable password for each email in the file "
            "that no account has, instead of refusing the file.",
        )

    def handle(self, *args, **options):
        data = self._read(options["file"], options.get("stdin") or sys.stdin)
        try:
            created = backup.missing_users(data) if options["create_missing_users"] else []
            organization = backup.import_organization(
                data, slug=options["slug"], create_missing_users=options["create_missing_users"]
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None

        counts = [
            (organization.memberships.count(), "member", "members"),
            (organization.segments.count(), "segment", "segments"),
            (organization.snapshots.count(), "quarter of headcount", "quarters of headcount"),
            (organization.team_members.count(), "team member", "team members"),
            (organization.planned_hires.count(), "planned hire", "planned hires"),
            (organization.changes.count(), "change", "changes"),
        ]
        summary = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {organization.name} as {organization.slug}: {summary}.")
        )
        if created:
            self.stdout.write(
                f"Created accounts without a password for {', '.join(created)}. They cannot "
                "log in, nor reset a password, until an operator sets one with "
                "manage.py changepassword USERNAME."
            )

    def _read(self, path: str, stdin) -> dict:
        try:
            if path == "-":
                text = stdin.read()
            else:
                with open(path, encoding="utf-8-sig") as file:
                    text = file.read()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text, so not a backup.") from None
        try:
            return backup.parse(text)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
