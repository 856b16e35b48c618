"""A large organization, and optionally many small ones, to measure the planner at scale.

The defaults build the organization of the performance figures in docs/performance.md:
40 quarters of headcount, 20 segments, 300 people in seat and 1,000 planned hires.
``--tenants 500`` adds 500 small organizations (8 quarters, 10 people in seat, 4 hires,
each with its own owner) so the tables hold other customers' rows too, as in production.
``--history`` adds recorded changes to the large organization, for the history page and
for backups of a long-lived organization.

Rows are written with ``bulk_create`` in one transaction rather than through the services,
so the defaults take seconds; the values stay inside every database constraint. The
command refuses to run when an organization it would create already exists.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from planner import rules
from planner.models import (
    Change,
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)
from planner.planning import current_quarter
from planner.quarters import Quarter
from planner.validators import for_terminal

BATCH = 2000
TENANT_QUARTERS, TENANT_PEOPLE, TENANT_HIRES, TENANT_SEGMENTS = 8, 10, 4, 2
HIRE_NOTES = ("", "", "Backfill.", "Pairs with product marketing on launches.")


def tenant_slug(slug: str, n: int) -> str:
    return f"{slug}-tenant-{n:04d}"


def owner_username(slug: str) -> str:
    return f"{slug}-owner"


class Command(BaseCommand):
    help = "Creates a large organization (and optionally many small ones) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="scale", help="Web address of the large org.")
        parser.add_argument("--name", default="Scale Corp", help="Name of the large org.")
        parser.add_argument("--quarters", type=int, default=40)
        parser.add_argument("--segments", type=int, default=20)
        parser.add_argument("--people", type=int, default=300, help="Team members in seat.")
        parser.add_argument("--hires", type=int, default=1000, help="Planned hires.")
        parser.add_argument(
            "--tenants", type=int, default=0, help="Small organizations to add beside it."
        )
        parser.add_argument(
            "--history", type=int, default=0, help="Recorded changes of the large org."
        )
        parser.add_argument(
            "--password",
            default="",
            help="Password of every owner created; a random one is made and printed if unset.",
        )

    def handle(self, *args, **options):
        for name in ("quarters", "segments", "people", "hires", "tenants", "history"):
            if options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if options["quarters"] > 400:
            raise CommandError("--quarters is at most 400 (a century of fiscal years).")
        slug = options["slug"]
        slugs = [slug] + [tenant_slug(slug, n) for n in range(1, options["tenants"] + 1)]
        taken = Organization.objects.filter(slug__in=slugs).values_list("slug", flat=True)
        if taken:
            raise CommandError(
                f"An organization at {for_terminal(sorted(taken)[0])!r} already exists; "
                "choose another --slug or use a fresh database."
            )
        usernames = [owner_username(s) for s in slugs]
        if get_user_model().objects.filter(username__in=usernames).exists():
            raise CommandError(
                "Owner accounts for these organizations already exist; choose another --slug."
            )
        password = options["password"] or secrets.token_urlsafe(12)
        # One hash for every owner: hashing is slow on purpose, and these are test logins.
        password_hash = make_password(password)
        with transaction.atomic():
            owners = get_user_model().objects.bulk_create(
                get_user_model()(
                    username=username,
                    email=f"{username}@example.com",
                    password=password_hash,
                )
                for username in usernames
            )
            organizations = Organization.objects.bulk_create(
                [Organization(name=options["name"], slug=slug)]
                + [
                    Organization(name=f"Tenant {n:04d}", slug=tenant_slug(slug, n))
                    for n in range(1, options["tenants"] + 1)
                ],
                batch_size=BATCH,
            )
            Membership.objects.bulk_create(
                (
                    Membership(user=owner, organization=org, role=Membership.Role.OWNER)
                    for owner, org in zip(owners, organizations, strict=True)
                ),
                batch_size=BATCH,
            )
            large = organizations[0]
            self._fill(
                large,
                quarters=options["quarters"],
                segments=options["segments"],
                people=options["people"],
                hires=options["hires"],
            )
            for tenant in organizations[1:]:
                self._fill(
                    tenant,
                    quarters=TENANT_QUARTERS,
                    segments=TENANT_SEGMENTS,
                    people=TENANT_PEOPLE,
                    hires=TENANT_HIRES,
                )
            self._history(large, owners[0], options["history"])
        self.stdout.write(
            f"Created {for_terminal(large.name)} at /o/{large.slug}/: {options['quarters']} "
            f"quarters, {options['segments']} segments, {options['people']} team members, "
            f"{options['hires']} planned hires, {options['history']} recorded changes; "
            f"and {options['tenants']} small organizations."
        )
        if options["tenants"]:
            self.stdout.write(
                f"Each small organization's owner is {owner_username(tenant_slug(slug, 1))} "
                "and so on, with the same password."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Log in as {for_terminal(owners[0].username)} / {password}")
        )

    def _fill(self, org: Organization, *, quarters, segments, people, hires) -> None:
        # Half the quarters are actuals, half forecast, so every page has both.
        first = current_quarter(org) - quarters // 2
        HeadcountSnapshot.objects.bulk_create(
            (
                HeadcountSnapshot(
                    organization=org,
                    quarter=first + n,
                    sales=40 + n * 60,
                    customer_success=10 + n * 20,
                    other=5 + n * 10,
                )
                for n in range(quarters)
            ),
            batch_size=BATCH,
        )
        Segment.objects.bulk_create(
            (Segment(organization=org, name=f"Segment {n + 1}") for n in range(segments)),
            batch_size=BATCH,
        )
        span = max(quarters, 1)
        members = TeamMember.objects.bulk_create(
            (
                TeamMember(
                    organization=org,
                    role=rules.ROLES[n % len(rules.ROLES)],
                    name=f"Person {n + 1}",
                    start_quarter=first + n % span,
                    # One in ten has left, a year after starting.
                    end_quarter=first + n % span + 4 if n % 10 == 9 else None,
                )
                for n in range(people)
            ),
            batch_size=BATCH,
        )
        # Hired hires point at a team member while there are members left to point at.
        unclaimed = iter(members)
        rows = []
        for n in range(hires):
            status = rules.HIRE_STATUSES[n % len(rules.HIRE_STATUSES)]
            rows.append(
                PlannedHire(
                    organization=org,
                    role=rules.ROLES[n % len(rules.ROLES)],
                    target_quarter=first + n % span,
                    status=status,
                    annual_cost=90000 + (n % 7) * 5000 if n % 3 else None,
                    notes=HIRE_NOTES[n % len(HIRE_NOTES)],
                    team_member=next(unclaimed, None) if status == rules.HIRED else None,
                )
            )
        PlannedHire.objects.bulk_create(rows, batch_size=BATCH)

    def _history(self, org: Organization, actor, count: int) -> None:
        # Edits of the headcount, cycling through the quarters the organization has.
        first = current_quarter(org) - 20
        Change.objects.bulk_create(
            (
                Change(
                    organization=org,
                    actor=actor,
                    action=Change.Action.UPDATED,
                    entity="headcount",
                    label=Quarter.from_ordinal(first + n % 40).label,
                    diff={"sales": [100 + n % 50, 101 + n % 50]},
                )
                for n in range(count)
            ),
            batch_size=BATCH,
        )
