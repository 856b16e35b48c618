"""Recreates an organization from a JSON backup: manage.py import_org file.json (or - for stdin)"""

import codecs
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from planner import backup
from planner.validators import for_terminal

DEFAULT_MAX_SIZE = 200  # megabytes (MiB)
MEGABYTE = 1024 * 1024

SECTIONS = [
    ("members", "member", "members"),
    ("segments", "segment", "segments"),
    ("snapshots", "quarter of headcount", "quarters of headcount"),
    ("team_members", "team member", "team members"),
    ("planned_hires", "planned hire", "planned hires"),
    ("scenarios", "scenario", "scenarios"),
    ("changes", "change", "changes"),
]


class Command(BaseCommand):
    help = (
        "Recreates an organization from a file written by export_org, all or nothing. "
        "Members get their role only where an account here has verified their e-mail; the "
        "others are listed and left out."
    )
    # Tests hand the command a stdin of their own, as createsuperuser's do.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file, or - to read standard input.")
        parser.add_argument("--slug", help="Import under this slug instead of the one in the file.")
        parser.add_argument(
            "--owner",
            metavar="EMAIL",
            help="Make the account with this verified e-mail an owner of the restored "
            "organization, for when no owner in the file has a verified account here.",
        )
        parser.add_argument(
            "--max-size",
            type=int,
            default=DEFAULT_MAX_SIZE,
            metavar="MEGABYTES",
            help=f"Refuse a larger file without reading it (default {DEFAULT_MAX_SIZE}).",
        )
        # Removed: kept only to explain why, rather than fail as an unknown option.
        parser.add_argument(
            "--create-missing-users",
            action="store_true",
            help="Removed: a restore creates no accounts. Using it says why.",
        )

    def handle(self, *args, **options):
        if options["create_missing_users"]:
            raise CommandError(
                "--create-missing-users was removed: a restore gives roles only to accounts "
                "whose e-mail is verified, so an account it created would get none. Import "
                "without it; members without a verified account are listed and left out, "
                "and can be invited once they have one."
            )
        if options["max_size"] < 1:
            raise CommandError("--max-size is in megabytes and must be at least 1.")
        limit = options["max_size"] * MEGABYTE
        try:
            # The file's bytes are let go once checked: the checked rows are all import needs.
            checked = backup.read(
                self._read(options["file"], options.get("stdin") or sys.stdin, limit)
            )
            restored = backup.import_organization(
                checked, slug=options["slug"], owner=options["owner"]
            )
        except backup.BackupError as error:
            raise CommandError("\n".join(for_terminal(line) for line in error.lines)) from None

        organization = restored.organization
        summary = ", ".join(
            f"{n} {one if n == 1 else many}"
            for n, one, many in ((restored.counts[key], one, many) for key, one, many in SECTIONS)
        )
        self._say(
            self.style.SUCCESS,
            f"Imported {organization.name} as {organization.slug}: {summary}.",
        )
        if restored.left_out:
            people = ", ".join(f"{email} ({role})" for email, role in restored.left_out)
            self._say(
                self.style.WARNING,
                "Left out, as no account here has verified their e-mail: "
                f"{people}. Invite them once they have one.",
            )
        if restored.unknown_authors:
            self._say(
                self.style.WARNING,
                "Past changes by these people keep no author, as no account here has "
                f"verified their e-mail: {', '.join(restored.unknown_authors)}. The History "
                "page shows them as by someone no longer here.",
            )

    def _say(self, style, message: str) -> None:
        self.stdout.write(style(for_terminal(message)))

    def _read(self, path: str, stdin, limit: int) -> bytes:
        """The file's bytes; refused before reading when larger than ``limit``."""
        too_large = (
            f"{for_terminal(path)} is larger than {limit // MEGABYTE} MB, the most an import "
            "reads; nothing was imported. Raise the limit with --max-size MEGABYTES."
        )
        try:
            if path == "-":
                source = getattr(stdin, "buffer", stdin)
                raw = source.read(limit + 1)
            else:
                with open(path, "rb") as file:
                    if os.fstat(file.fileno()).st_size > limit:
                        raise CommandError(too_large)
                    raw = file.read(limit + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {for_terminal(path)}: {error.strerror}.") from None
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogatepass")
        if len(raw) > limit:
            raise CommandError(too_large)
        return raw.removeprefix(codecs.BOM_UTF8)
