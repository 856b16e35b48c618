"""A demo organization to explore: two years of growth from a team of one into stage 2."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from planner import rules, services
from planner.models import Organization, has_verified_email
from planner.planning import current_quarter
from planner.validators import for_terminal

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "enable-the-field-2026"
DEMO_SLUG = "northwind"

# Customer-facing headcount: 8 quarters of actuals, then 4 of forecast (sales, CS, other).
HISTORY = [
    (20, 8, 4),
    (23, 9, 5),
    (27, 10, 6),
    (30, 12, 7),
    (36, 14, 8),
    (44, 17, 10),
    (55, 21, 12),
    (66, 26, 14),
]
FORECAST = [(80, 31, 16), (110, 44, 22), (150, 60, 30), (200, 80, 40)]
CURRENCY = "USD"
# Fully loaded annual cost per role, and of a manager seat where the role has managers.
ROLE_COSTS = {
    rules.ENABLEMENT_LEADER: (Decimal(185000), None),
    rules.ADULT_LEARNING_SPECIALIST: (Decimal(112000), None),
    rules.PROGRAM_MANAGER: (Decimal(118000), None),
    rules.CS_ENABLEMENT: (Decimal(105000), Decimal(140000)),
    rules.SALES_ENABLEMENT: (Decimal(110000), Decimal(145000)),
    rules.PRODUCT_ENABLEMENT: (Decimal(120000), Decimal(150000)),
    rules.ENABLEMENT_LIAISON: (Decimal(98000), Decimal(130000)),
}


class Command(BaseCommand):
    help = "Creates the demo user and the Northwind demo organization (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="URL to print.")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even with DEBUG off, for a deliberate demo server: the demo login's "
            "password is public.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates a login whose password is printed here and in the README; "
                "with DEBUG off that would be a public account on a real deployment. Run it "
                "with DEBUG=true, or pass --allow-without-debug for a deliberate demo server."
            )
        user_model = get_user_model()
        with transaction.atomic():
            user, _ = user_model.objects.get_or_create(
                username=DEMO_USERNAME, defaults={"email": "demo@example.com"}
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            # Confirmed, so that the demo account can accept invitations sent to it.
            if not has_verified_email(user):
                services.verified_email_confirm(user=user, email=user.email)
            organization = Organization.objects.filter(slug=DEMO_SLUG).first()
            if organization is None:
                organization = self._create_organization(user)
                self.stdout.write("Created the Northwind demo organization.")
            else:
                self.stdout.write("The Northwind demo organization is already there.")
        # The URL comes from the command line; printed as typed it could drive the terminal.
        self.stdout.write(
            self.style.SUCCESS(
                f"\nEnablement Planner: {for_terminal(options['url'])}\n"
                f"Log in as {for_terminal(user.get_username())} / {DEMO_PASSWORD}\n"
            )
        )

    def _create_organization(self, user) -> Organization:
        organization = services.organization_create(
            name="Northwind Software",
            slug=DEMO_SLUG,
            owner=user,
            fiscal_year_start_month=2,
            target_ratio=50,
            leader_has_adult_learning=False,
            leader_strategic_share=30,
            reports_to=Organization.ReportsTo.VP_SALES,
            hiring_lead_time=1,
            stage_one_focus=Organization.Focus.ONBOARDING,
            currency=CURRENCY,
        )
        services.role_costs_update(
            organization=organization,
            actor=user,
            costs={
                role: services.RoleCostInput(cost, manager, None)
                for role, (cost, manager) in ROLE_COSTS.items()
            },
        )
        now = current_quarter(organization)
        first = now - len(HISTORY)
        for offset, (sales, cs, other) in enumerate(HISTORY + FORECAST):
            services.snapshot_create(
                organization=organization,
                actor=user,
                quarter=first + offset,
                sales=sales,
                customer_success=cs,
                other=other,
            )
        for name in ("Mid-market", "Enterprise", "Public sector"):
            services.segment_create(organization=organization, actor=user, name=name)
        team = [
            (rules.ENABLEMENT_LEADER, "Maya Kowalski", first),
            (rules.SALES_ENABLEMENT, "Tom Reyes", now - 3),
        ]
        for role, name, start in team:
            services.team_member_create(
                organization=organization, actor=user, role=role, name=name, start_quarter=start
            )
        hired = services.hire_create(
            organization=organization,
            actor=user,
            role=rules.PROGRAM_MANAGER,
            target_quarter=now - 1,
            status=rules.RECRUITING,
            annual_cost=118000,
            notes="Owns the onboarding program and QBR cadence.",
        )
        services.hire_mark_hired(hire=hired, actor=user, name="Priya Nair")
        hires = [
            (rules.ADULT_LEARNING_SPECIALIST, now, rules.APPROVED, 112000, "Backfills ID work."),
            (rules.CS_ENABLEMENT, now + 1, rules.RECRUITING, 105000, ""),
            (rules.PRODUCT_ENABLEMENT, now + 2, rules.PLANNED, 120000, "Pairs with PMM."),
            (rules.ENABLEMENT_LIAISON, now + 1, rules.CANCELLED, 98000, "Folded into CS role."),
        ]
        for role, target, status, cost, notes in hires:
            services.hire_create(
                organization=organization,
                actor=user,
                role=role,
                target_quarter=target,
                status=status,
                annual_cost=cost,
                notes=notes,
            )
        return organization
