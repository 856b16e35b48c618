"""Tables of the planner.

Quarters are stored as integer ordinals (``planner.quarters``): they sort, compare and do
arithmetic in SQL and Python alike, and the organization's fiscal-year start month turns
them into labels and start dates.

Every row a person edits carries a ``version`` that services bump on each save, so an
edit made from a stale page can be refused instead of silently overwriting a newer one.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from planner import rules
from planner.money import DEFAULT_CURRENCY, validate_currency
from planner.quarters import MAX_ORDINAL, MIN_ORDINAL, Quarter
from planner.validators import validate_plain_text, validate_text_block


class QuarterField(models.PositiveIntegerField):
    """A fiscal quarter as its ordinal (fiscal_year * 4 + quarter - 1)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "validators", [MinValueValidator(MIN_ORDINAL), MaxValueValidator(MAX_ORDINAL)]
        )
        super().__init__(*args, **kwargs)


def _quarter_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": MIN_ORDINAL, f"{field}__lte": MAX_ORDINAL})


ROLE_CHOICES = [(role, rules.ROLE_NAMES[role]) for role in rules.ROLES]


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Organization(Versioned):
    class ReportsTo(models.TextChoices):
        CRO = "cro", _("Chief Revenue Officer")
        VP_SALES = "vp_sales", _("VP Sales")
        MARKETING = "marketing", _("Marketing")
        CUSTOMER_SUCCESS = "customer_success", _("Customer Success")
        REVENUE_OPERATIONS = "revenue_operations", _("Revenue Operations")
        PEOPLE = "people", _("HR / People")
        CEO = "ceo", _("CEO")
        OTHER = "other", _("Other")

    class Focus(models.TextChoices):
        ONBOARDING = "onboarding", rules.STAGE_1_FOCUSES["onboarding"]
        CONTENT = "content", rules.STAGE_1_FOCUSES["content"]
        PROCESS = "process", rules.STAGE_1_FOCUSES["process"]

    name = models.CharField(
        max_length=120,
        validators=[validate_plain_text],
        help_text=_("Your company or business unit, as your CRO would name it."),
    )
    slug = models.SlugField(max_length=60, unique=True)
    # One more after every write to anything the organization holds, in that write's
    # transaction (planner.services._touch): drawn pages are kept under it
    # (planner/page_cache.py). Only that update writes it; see ``save``.
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    # One more after every write but a headcount edit, in the same update: the team, hires,
    # costs and segments a plan reads are kept under it (planner.planning.load_plan), so a
    # headcount edit's answer does not read them again. Only that update writes it.
    people_revision = models.PositiveBigIntegerField(default=0, editable=False)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "The month your fiscal year starts. FY2027 is the year that ends in 2027. "
            "Changing it keeps every quarter's name (FY2027 Q1 stays FY2027 Q1) but moves the "
            "calendar months it covers, and with them which quarters count as actual."
        ),
    )
    target_ratio = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_TARGET_RATIO,
        validators=[
            MinValueValidator(rules.MIN_TARGET_RATIO),
            MaxValueValidator(rules.MAX_TARGET_RATIO),
        ],
        help_text=_(
            "Customer-facing people per enablement person. The article's typical "
            "organization runs one enablement person per 50."
        ),
    )
    leader_has_adult_learning = models.BooleanField(
        default=False,
        help_text=_(
            "Does the enablement leader have adult-learning (instructional design) "
            "expertise? If not, an adult-learning specialist is the first hire in stage 2."
        ),
    )
    leader_strategic_share = models.PositiveSmallIntegerField(
        default=25,
        validators=[MaxValueValidator(100)],
        # xgettext:no-python-format
        help_text=_(
            "How much of the leader's time goes to strategy today, in percent. "
            "Compared with what the stage calls for: 25% at 0–50, 50% at 51–500, all above."
        ),
    )
    reports_to = models.CharField(
        max_length=32,
        choices=ReportsTo.choices,
        default=ReportsTo.VP_SALES,
        help_text=_(
            "Whom enablement reports to. Inside the revenue team it is closer to the "
            "field; outside it, more strategic. Above 2000 customer-facing, report to the CRO."
        ),
    )
    hiring_lead_time = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(4)],
        help_text=_("Quarters from opening a requisition to the hire starting (0–4)."),
    )
    stage_one_focus = models.CharField(
        max_length=16,
        choices=Focus.choices,
        default=Focus.ONBOARDING,
        help_text=_("A team of one focuses on one activity above all."),
    )
    currency = models.CharField(
        max_length=3,
        default=DEFAULT_CURRENCY,
        validators=[validate_currency],
        help_text=_("Every cost is in this currency (ISO 4217 code) and shown with it."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="organization_fiscal_month_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    target_ratio__gte=rules.MIN_TARGET_RATIO,
                    target_ratio__lte=rules.MAX_TARGET_RATIO,
                ),
                name="organization_target_ratio_range",
            ),
            models.CheckConstraint(
                condition=Q(leader_strategic_share__lte=100),
                name="organization_strategic_share_range",
            ),
            models.CheckConstraint(
                condition=Q(hiring_lead_time__lte=4), name="organization_lead_time_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # Moved by planner.services._touch alone.
    REVISIONS = ("revision", "people_revision")

    def save(self, *args, **kwargs) -> None:
        # An organization read before a write elsewhere holds older revisions: saving it
        # whole would take them back to a state whose pages and people are still kept.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.REVISIONS
            ]
        elif kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [
                f for f in kwargs["update_fields"] if f not in self.REVISIONS
            ]
        super().save(*args, **kwargs)

    def quarter_label(self, ordinal: int) -> str:
        return Quarter.from_ordinal(ordinal).label

    def quarter_start(self, ordinal: int):
        return Quarter.from_ordinal(ordinal).start_date(self.fiscal_year_start_month)


class MembershipQuerySet(models.QuerySet):
    def of_user(self, user) -> "MembershipQuerySet":
        """The user's memberships with their organizations, by organization name."""
        return (
            self.filter(user=user)
            .select_related("organization")
            .order_by("organization__name", "organization__pk")
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    # Not a column: the scenario the request names (``?scenario=<id>``), which
    # ``organization_view`` resolves within the organization; None is the plan itself.
    scenario: "Scenario | None" = None

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "editor", "viewer"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class Segment(Versioned):
    """A vertical or product team; from stage 2 each gets an enablement liaison (A.4)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="segments"
    )
    name = models.CharField(max_length=80, validators=[validate_plain_text])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="segment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


MAX_VERTICALS = 200  # a scenario's verticals are a count; the plan's are Segment rows


class Scenario(Versioned):
    """A named "what if" beside the organization's plan (the baseline).

    The baseline is no scenario: its snapshots and hires have ``scenario`` NULL and its
    planning inputs are the organization's. A scenario holds its own copy of the inputs
    (verticals as a count, all the rules read of them), its own forecast quarters and its
    own planned hires; actual quarters, the team in seat and role costs stay shared.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(max_length=80, validators=[validate_plain_text])
    target_ratio = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_TARGET_RATIO,
        validators=[
            MinValueValidator(rules.MIN_TARGET_RATIO),
            MaxValueValidator(rules.MAX_TARGET_RATIO),
        ],
    )
    hiring_lead_time = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(4)]
    )
    leader_has_adult_learning = models.BooleanField(default=False)
    verticals = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_VERTICALS)]
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="scenario_unique_name"),
            models.CheckConstraint(
                condition=Q(
                    target_ratio__gte=rules.MIN_TARGET_RATIO,
                    target_ratio__lte=rules.MAX_TARGET_RATIO,
                ),
                name="scenario_target_ratio_range",
            ),
            models.CheckConstraint(
                condition=Q(hiring_lead_time__lte=4), name="scenario_lead_time_range"
            ),
            models.CheckConstraint(
                condition=Q(verticals__lte=MAX_VERTICALS), name="scenario_verticals_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HeadcountSnapshot(Versioned):
    """Customer-facing headcount of one quarter, actual or forecast.

    A row with ``scenario`` NULL belongs to the plan (the baseline); a scenario's rows are
    its own forecast. The natural key is (organization, quarter) within the baseline and
    (scenario, quarter) within a scenario.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="snapshots"
    )
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    quarter = QuarterField()
    sales = models.PositiveIntegerField(default=0)
    customer_success = models.PositiveIntegerField(default=0)
    other = models.PositiveIntegerField(
        default=0, help_text=_("Other customer-facing: support, partner teams and the like.")
    )

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "quarter"],
                condition=Q(scenario__isnull=True),
                name="snapshot_unique_quarter",
            ),
            models.UniqueConstraint(
                fields=["scenario", "quarter"],
                condition=Q(scenario__isnull=False),
                name="snapshot_unique_scenario_quarter",
            ),
            models.CheckConstraint(
                condition=Q(sales__gte=0, customer_success__gte=0, other__gte=0),
                name="snapshot_counts_non_negative",
            ),
            models.CheckConstraint(
                condition=_quarter_in_range("quarter"), name="snapshot_quarter_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {Quarter.from_ordinal(self.quarter)}"

    # What each count's own validator (a positive integer) already refuses: the database
    # keeps the constraint, but checking it in ``full_clean`` again would cost a savepoint
    # and a query on every cell edit.
    CHECKED_BY_FIELDS = ("snapshot_counts_non_negative",)

    def get_constraints(self):
        return [
            (model, [c for c in constraints if c.name not in self.CHECKED_BY_FIELDS])
            for model, constraints in super().get_constraints()
        ]

    @property
    def total(self) -> int:
        return self.sales + self.customer_success + self.other

    def as_headcount(self) -> rules.Headcount:
        return rules.Headcount(
            sales=self.sales, customer_success=self.customer_success, other=self.other
        )


class TeamMember(Versioned):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="team_members"
    )
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    name = models.CharField(max_length=120, validators=[validate_plain_text])
    start_quarter = QuarterField()
    end_quarter = QuarterField(
        null=True, blank=True, help_text=_("The first quarter they are no longer in seat.")
    )
    is_manager = models.BooleanField(
        default=False,
        help_text=_("Leads other enablement people in the same role (RULES.md B step 10)."),
    )
    annual_cost = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Fully loaded annual cost, if it differs from the role's default in settings."),
    )

    class Meta:
        ordering = ["start_quarter", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_quarter__isnull=True)
                | Q(end_quarter__gt=models.F("start_quarter")),
                name="team_member_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(role__in=rules.ROLES), name="team_member_role_valid"
            ),
            models.CheckConstraint(
                condition=_quarter_in_range("start_quarter"), name="team_member_start_range"
            ),
            models.CheckConstraint(
                condition=Q(end_quarter__isnull=True) | _quarter_in_range("end_quarter"),
                name="team_member_end_range",
            ),
            models.CheckConstraint(
                condition=Q(annual_cost__isnull=True) | Q(annual_cost__gte=0),
                name="team_member_cost_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def as_seat(self) -> rules.TeamSeat:
        return rules.TeamSeat(
            role=self.role,
            start=self.start_quarter,
            end=self.end_quarter,
            is_manager=self.is_manager,
        )


class PlannedHire(Versioned):
    class Status(models.TextChoices):
        PLANNED = rules.PLANNED, _("Planned")
        APPROVED = rules.APPROVED, _("Approved")
        RECRUITING = rules.RECRUITING, _("Recruiting")
        HIRED = rules.HIRED, _("Hired")
        CANCELLED = rules.CANCELLED, _("Cancelled")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="planned_hires"
    )
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.CASCADE, related_name="hires"
    )
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    target_quarter = QuarterField(help_text=_("The quarter the hire should be in seat."))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    annual_cost = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Fully loaded annual cost, for finance. Optional."),
    )
    notes = models.TextField(blank=True, max_length=2000, validators=[validate_text_block])
    is_manager = models.BooleanField(
        default=False,
        help_text=_("Will lead other enablement people in the same role (RULES.md B step 10)."),
    )
    team_member = models.OneToOneField(
        TeamMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hire",
        help_text=_("The team member this hire became once marked hired."),
    )

    class Meta:
        ordering = ["target_quarter", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=rules.HIRE_STATUSES), name="planned_hire_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(role__in=rules.ROLES), name="planned_hire_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(annual_cost__isnull=True) | Q(annual_cost__gte=0),
                name="planned_hire_cost_non_negative",
            ),
            models.CheckConstraint(
                condition=_quarter_in_range("target_quarter"), name="planned_hire_quarter_range"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(role)s for %(quarter)s") % {
            "role": self.get_role_display(),
            "quarter": Quarter.from_ordinal(self.target_quarter),
        }

    @property
    def counts(self) -> bool:
        return self.status in rules.OPEN_HIRE_STATUSES

    def as_hire(self) -> rules.Hire:
        return rules.Hire(
            role=self.role,
            target=self.target_quarter,
            status=self.status,
            is_manager=self.is_manager,
        )


class RoleCost(Versioned):
    """A role's default fully loaded annual cost, in the organization's currency.

    A team member or planned hire with its own ``annual_cost`` overrides it. A manager seat
    (RULES.md B step 10) costs ``manager_annual_cost``, or the role's cost when that is empty.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="role_costs"
    )
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    annual_cost = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    manager_annual_cost = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "role"], name="role_cost_unique_role"),
            models.CheckConstraint(condition=Q(role__in=rules.ROLES), name="role_cost_role_valid"),
            models.CheckConstraint(
                condition=Q(annual_cost__gte=0)
                & (Q(manager_annual_cost__isnull=True) | Q(manager_annual_cost__gte=0)),
                name="role_cost_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(rules.ROLE_NAMES[self.role])


class Entity(models.TextChoices):
    """What a recorded change was made to, in the words the history shows."""

    ORGANIZATION = "organization", _("organization")  # its creation, with its first settings
    SETTINGS = "settings", _("settings")
    SEGMENT = "segment", _("segment")
    HEADCOUNT = "headcount", _("headcount")
    TEAM_MEMBER = "team member", _("team member")
    PLANNED_HIRE = "planned hire", _("planned hire")
    MEMBER = "member", _("member")
    INVITATION = "invitation", _("invitation")
    ROLE_COST = "role cost", _("role cost")
    SHARE_LINK = "share link", _("share link")
    SCENARIO = "scenario", _("scenario")


class Change(models.Model):
    """One recorded change: who did what to which row, with the values before and after."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        DELETED = "deleted", _("Deleted")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    entity = models.CharField(max_length=40, choices=Entity.choices)
    # The scenario whose rows changed; NULL for the plan itself (and once it is deleted,
    # when ``scenario_name`` still tells which it was).
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scenario_name = models.CharField(max_length=80, blank=True)
    label = models.CharField(max_length=200)  # what the row was called at the time
    # {field: [before, after]}; created rows have None before, deleted rows None after.
    diff = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organization", "-at"], name="change_org_recent")]

    def __str__(self) -> str:
        return f"{self.action} {self.entity} {self.label}"


def _invitation_key() -> str:
    return secrets.token_urlsafe(16)


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        """Not yet accepted; expired ones included, so an owner sees whom to invite again."""
        return self.filter(accepted_at__isnull=True)


class Invitation(models.Model):
    """An owner's invitation for an email address to join with a role.

    The emailed link signs the id and ``key``; it works once (``accepted_at``) and for
    ``VALID_FOR`` after it was sent. The key keeps a link naming this row alone, even
    where ids could come round again (a database restored from a backup).
    """

    VALID_FOR = timedelta(days=7)

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)  # stored lower-case
    role = models.CharField(max_length=8, choices=Membership.Role.choices)
    key = models.CharField(max_length=32, default=_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "editor", "viewer"]), name="invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def expires_at(self):
        return self.created_at + self.VALID_FOR

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class VerifiedEmailQuerySet(models.QuerySet):
    def current(self) -> "VerifiedEmailQuerySet":
        """Proofs still valid: the user's address is the one they confirmed."""
        # Lower() and "=", not iexact: SQLite would read the stored address as a LIKE pattern.
        return self.alias(user_email=Lower("user__email")).filter(user_email=models.F("email"))


class VerifiedEmail(models.Model):
    """The address a user proved they receive mail at, by following a signed link.

    It proves the account's e-mail only while ``user.email`` still equals ``email``, so
    changing the address needs a new confirmation without anything to reset. Invitations
    and restores trust an address only through this row (``verified_email_users``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_email"
    )
    email = models.EmailField(max_length=254)  # stored lower-case
    verified_at = models.DateTimeField(default=timezone.now)

    objects = VerifiedEmailQuerySet.as_manager()

    def __str__(self) -> str:
        return self.email


class UserPreferences(models.Model):
    """What a user chose for themselves: for now, the interface's language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return self.language


def has_verified_email(user) -> bool:
    """Whether ``user``'s current e-mail address is the one they confirmed."""
    if not getattr(user, "is_authenticated", False) or not user.email:
        return False
    return VerifiedEmail.objects.current().filter(user=user).exists()


def verified_email_users(emails) -> dict:
    """Accounts by lower-case e-mail, for those of ``emails`` that a user has verified."""
    wanted = {email.lower() for email in emails}
    proofs = VerifiedEmail.objects.current().filter(email__in=wanted).select_related("user")
    return {proof.email: proof.user for proof in proofs}


def share_token_digest(token: str) -> str:
    """What is stored of a share link's token: its SHA-256, so a database leak opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLinkQuerySet(models.QuerySet):
    def usable(self, now=None) -> "ShareLinkQuerySet":
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ShareLink(models.Model):
    """A read-only link to an organization's leadership summary, for people who are not
    members. Only the token's digest is stored: the link is shown once, when it is made."""

    DEFAULT_DAYS = 30
    MAX_DAYS = 90

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="share_links"
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, so an owner can tell two links apart.
    hint = models.CharField(max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_opened_at = models.DateTimeField(null=True, blank=True)
    # When an opening was last written to the history (at most one entry an hour).
    last_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.hint}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired
