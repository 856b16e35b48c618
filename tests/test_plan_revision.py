"""Every write to an organization moves its revision, the key its drawn pages are kept under.

``planner.page_cache`` serves a page again for as long as ``plan_revision`` of its
organization stays the same, so a write that left the revision where it was would leave
every kept page showing the plan as it was before. Each public function of
``planner.services`` is either in ``WRITES``, with a call that makes a real change, or in
``NOT_ORGANIZATION_WRITES`` with the reason it changes nothing a page of an organization
shows; a new function must take its place in one of them before the suite passes again.
The apply steps of an import and of a growth forecast, and a restore from a backup, are
held to the same promise.
"""

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner import backup, rules, services
from planner.models import (
    Change,
    HeadcountSnapshot,
    Invitation,
    Membership,
    Organization,
    PlannedHire,
    RoleCost,
    Scenario,
    Segment,
    ShareLink,
    TeamMember,
)
from planner.page_cache import plan_revision
from planner.planning import current_quarter, load_plan
from planner.quarters import Quarter
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PlannedHireFactory,
    RoleCostFactory,
    ScenarioFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Plan:
    """An organization with one row of every kind, made before the revision is read."""

    organization: Organization
    owner: object
    editor: object
    now: int
    snapshot: HeadcountSnapshot
    member: TeamMember
    hire: PlannedHire
    segment: Segment
    role_cost: RoleCost
    scenario: Scenario
    scenario_snapshot: HeadcountSnapshot
    scenario_hire: PlannedHire
    link: ShareLink
    token: str
    invitation: Invitation
    invitee: object  # the account the invitation was sent to, not yet a member


@pytest.fixture
def plan() -> Plan:
    owner = UserFactory(verified=True)
    # Made through the service, so the organization's history starts before any case.
    organization = services.organization_create(name="Northwind", owner=owner)
    editor = MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user
    now = current_quarter(organization)
    scenario = ScenarioFactory(organization=organization, name="Growth")
    link, token = services.share_link_create(organization=organization, actor=owner, days=30)
    return Plan(
        organization=organization,
        owner=owner,
        editor=editor,
        now=now,
        snapshot=SnapshotFactory(
            organization=organization, quarter=now, sales=60, customer_success=20, other=10
        ),
        member=TeamMemberFactory(organization=organization, name="Ada", start_quarter=now - 2),
        hire=PlannedHireFactory(
            organization=organization,
            role=rules.SALES_ENABLEMENT,
            target_quarter=now + 1,
            annual_cost=Decimal("95000.00"),
        ),
        segment=SegmentFactory(organization=organization, name="Healthcare"),
        role_cost=RoleCostFactory(organization=organization, role=rules.ENABLEMENT_LEADER),
        scenario=scenario,
        scenario_snapshot=SnapshotFactory(
            organization=organization, scenario=scenario, quarter=now + 1, sales=80
        ),
        scenario_hire=PlannedHireFactory(
            organization=organization, scenario=scenario, target_quarter=now + 2
        ),
        link=link,
        token=token,
        invitation=services.invitation_create(
            organization=organization,
            actor=owner,
            email="newcomer@example.com",
            role=Membership.Role.EDITOR,
        ),
        invitee=UserFactory(email="newcomer@example.com", verified=True),
    )


# --- the writes -----------------------------------------------------------------------------

# Each case makes one real change through the service and returns the organization it
# wrote to, when that is not the plan's own (a new organization).
Case = Callable[[Plan], Organization | None]


def headcount(sales: int, customer_success: int = 10, other: int = 5) -> rules.Headcount:
    return rules.Headcount(sales=sales, customer_success=customer_success, other=other)


def promote(p: Plan) -> None:
    services.scenario_promote(
        scenario=p.scenario,
        actor=p.owner,
        expected_version=p.scenario.version,
        old_plan_name="Plan before the promotion",
        expected_state=services.promotion_state(p.organization, p.scenario),
    )


def costs(p: Plan, role: str, annual_cost: Decimal | None, version: int | None) -> None:
    services.role_costs_update(
        organization=p.organization,
        actor=p.owner,
        costs={role: services.RoleCostInput(annual_cost, None, version)},
    )


def accept(p: Plan) -> None:
    services.invitation_accept(invitation=p.invitation, user=p.invitee)


# (function of planner.services, what the case does, the case)
WRITES: list[tuple[str, str, Case]] = [
    # scenarios
    (
        "scenario_create",
        "a copy of the plan",
        lambda p: services.scenario_create(
            organization=p.organization, actor=p.owner, name="Hiring freeze"
        ),
    ),
    (
        "scenario_create",
        "a copy of a scenario",
        lambda p: services.scenario_create(
            organization=p.organization, actor=p.owner, name="Growth again", source=p.scenario
        ),
    ),
    (
        "scenario_update",
        "its inputs",
        lambda p: services.scenario_update(
            scenario=p.scenario, actor=p.owner, expected_version=p.scenario.version, verticals=3
        ),
    ),
    (
        "scenario_delete",
        "with its rows",
        lambda p: services.scenario_delete(
            scenario=p.scenario, actor=p.owner, expected_version=p.scenario.version
        ),
    ),
    ("scenario_promote", "made the plan", promote),
    # the organization
    (
        "organization_create",
        "a new organization",
        lambda p: services.organization_create(name="Contoso", owner=p.owner),
    ),
    (
        "organization_update",
        "its settings",
        lambda p: services.organization_update(
            organization=p.organization,
            actor=p.owner,
            expected_version=p.organization.version,
            target_ratio=40,
        ),
    ),
    # segments
    (
        "segment_create",
        "a new segment",
        lambda p: services.segment_create(
            organization=p.organization, actor=p.owner, name="Retail"
        ),
    ),
    (
        "segment_update",
        "renamed",
        lambda p: services.segment_update(
            segment=p.segment, actor=p.owner, expected_version=p.segment.version, name="Health"
        ),
    ),
    (
        "segment_delete",
        "removed",
        lambda p: services.segment_delete(
            segment=p.segment, actor=p.owner, expected_version=p.segment.version
        ),
    ),
    # headcount
    (
        "snapshot_create",
        "a quarter of the plan",
        lambda p: services.snapshot_create(
            organization=p.organization, actor=p.editor, quarter=p.now + 4, sales=70
        ),
    ),
    (
        "snapshot_create",
        "a quarter of a scenario",
        lambda p: services.snapshot_create(
            organization=p.organization,
            actor=p.editor,
            quarter=p.now + 4,
            sales=90,
            scenario=p.scenario,
        ),
    ),
    (
        "snapshot_add_next",
        "the next quarter",
        lambda p: services.snapshot_add_next(
            organization=p.organization, actor=p.editor, default_quarter=p.now
        ),
    ),
    (
        "snapshot_update",
        "a count",
        lambda p: services.snapshot_update(
            snapshot=p.snapshot, actor=p.editor, expected_version=p.snapshot.version, sales=61
        ),
    ),
    (
        "snapshot_update",
        "a count in a scenario",
        lambda p: services.snapshot_update(
            snapshot=p.scenario_snapshot,
            actor=p.editor,
            expected_version=p.scenario_snapshot.version,
            sales=81,
        ),
    ),
    (
        "snapshot_delete",
        "a quarter",
        lambda p: services.snapshot_delete(
            snapshot=p.snapshot, actor=p.editor, expected_version=p.snapshot.version
        ),
    ),
    (
        "snapshots_paste",
        "one quarter changed, one added",
        lambda p: services.snapshots_paste(
            organization=p.organization,
            actor=p.editor,
            first_quarter=p.now,
            rows=[headcount(61), headcount(62)],
            expected_versions={p.now: p.snapshot.version},
        ),
    ),
    (
        "snapshots_import",
        "one quarter added",
        lambda p: services.snapshots_import(
            organization=p.organization,
            actor=p.editor,
            rows={p.now + 1: headcount(65)},
            expected_versions={p.now + 1: None},
        ),
    ),
    (
        "snapshots_import",
        "one quarter changed",
        lambda p: services.snapshots_import(
            organization=p.organization,
            actor=p.editor,
            rows={p.now: headcount(64)},
            expected_versions={p.now: p.snapshot.version},
        ),
    ),
    # the team
    (
        "team_member_create",
        "a new person",
        lambda p: services.team_member_create(
            organization=p.organization,
            actor=p.editor,
            role=rules.CS_ENABLEMENT,
            name="Grace",
            start_quarter=p.now,
        ),
    ),
    (
        "team_member_update",
        "an end quarter",
        lambda p: services.team_member_update(
            member=p.member, actor=p.editor, expected_version=p.member.version, end_quarter=p.now
        ),
    ),
    (
        "team_member_delete",
        "removed",
        lambda p: services.team_member_delete(
            member=p.member, actor=p.editor, expected_version=p.member.version
        ),
    ),
    # planned hires
    (
        "hire_create",
        "a hire of the plan",
        lambda p: services.hire_create(
            organization=p.organization,
            actor=p.editor,
            role=rules.CS_ENABLEMENT,
            target_quarter=p.now + 2,
        ),
    ),
    (
        "hire_create",
        "a hire of a scenario",
        lambda p: services.hire_create(
            organization=p.organization,
            actor=p.editor,
            role=rules.CS_ENABLEMENT,
            target_quarter=p.now + 2,
            scenario=p.scenario,
        ),
    ),
    (
        "hire_update",
        "its notes",
        lambda p: services.hire_update(
            hire=p.hire, actor=p.editor, expected_version=p.hire.version, notes="Backfill"
        ),
    ),
    (
        "hire_update",
        "a scenario's hire",
        lambda p: services.hire_update(
            hire=p.scenario_hire,
            actor=p.editor,
            expected_version=p.scenario_hire.version,
            target_quarter=p.now + 3,
        ),
    ),
    (
        "hire_delete",
        "removed",
        lambda p: services.hire_delete(
            hire=p.hire, actor=p.editor, expected_version=p.hire.version
        ),
    ),
    (
        "hires_plan",
        "three at once",
        lambda p: services.hires_plan(
            organization=p.organization,
            actor=p.editor,
            role=rules.SALES_ENABLEMENT,
            target_quarter=p.now + 3,
            count=3,
        ),
    ),
    (
        "hires_set_status",
        "approved",
        lambda p: services.hires_set_status(
            organization=p.organization,
            actor=p.editor,
            changes=[(p.hire.pk, p.hire.version)],
            status=rules.APPROVED,
        ),
    ),
    (
        "hire_mark_hired",
        "joins the team",
        lambda p: services.hire_mark_hired(
            hire=p.hire, actor=p.editor, name="Grace", expected_version=p.hire.version
        ),
    ),
    # role costs
    (
        "role_costs_update",
        "a role's cost changed",
        lambda p: costs(p, rules.ENABLEMENT_LEADER, Decimal("120000"), p.role_cost.version),
    ),
    (
        "role_costs_update",
        "a role's cost added",
        lambda p: costs(p, rules.SALES_ENABLEMENT, Decimal("90000"), None),
    ),
    (
        "role_costs_update",
        "a role's cost removed",
        lambda p: costs(p, rules.ENABLEMENT_LEADER, None, p.role_cost.version),
    ),
    # share links
    (
        "share_link_create",
        "a new link",
        lambda p: services.share_link_create(organization=p.organization, actor=p.owner, days=7),
    ),
    (
        "share_link_revoke",
        "revoked",
        lambda p: services.share_link_revoke(link=p.link, actor=p.owner),
    ),
    (
        # Later openings within the hour only note the time on the link, which the members
        # page alone shows (drawn for each request, never kept); the history is not told.
        "share_link_open",
        "its first opening",
        lambda p: services.share_link_open(p.token),
    ),
    # members and invitations
    (
        "membership_create",
        "a new member",
        lambda p: services.membership_create(
            organization=p.organization, user=UserFactory(), role="viewer", actor=p.owner
        ),
    ),
    (
        "membership_update",
        "a new role",
        lambda p: services.membership_update(
            membership=Membership.objects.get(user=p.editor), actor=p.owner, role="viewer"
        ),
    ),
    (
        "membership_delete",
        "removed",
        lambda p: services.membership_delete(
            membership=Membership.objects.get(user=p.editor), actor=p.owner
        ),
    ),
    (
        "invitation_create",
        "a new invitation",
        lambda p: services.invitation_create(
            organization=p.organization, actor=p.owner, email="other@example.com", role="viewer"
        ),
    ),
    (
        "invitation_create",
        "one that replaces a pending one",
        lambda p: services.invitation_create(
            organization=p.organization, actor=p.owner, email=p.invitation.email, role="viewer"
        ),
    ),
    (
        "invitation_revoke",
        "withdrawn",
        lambda p: services.invitation_revoke(invitation=p.invitation, actor=p.owner),
    ),
    ("invitation_accept", "the invitee joins", accept),
]

# Public functions of planner.services that change nothing an organization's pages show.
NOT_ORGANIZATION_WRITES: dict[str, str] = {
    "promotion_state": "reads: the fingerprint a promotion's confirmation carries",
    "invitation_is_for": "reads: whether an account may accept an invitation",
    "invitation_token": "reads: signs the link of an invitation",
    "invitation_from_token": "reads: the invitation a link names",
    "email_confirmation_token": "reads: signs the link that confirms an address",
    "email_confirmation_from_token": "reads: the account and address a link confirms",
    "email_in_use_elsewhere": "reads: whether another account uses an address",
    "verified_email_confirm": "an account's confirmed address, which no organization holds",
    "user_email_change": "an account's address, which no organization holds",
    "user_language_set": "an account's language: pages are kept per language already",
}


def public_functions() -> set[str]:
    return {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    }


def test_every_public_function_of_the_services_is_held_to_the_revision():
    covered = {name for name, _what, _case in WRITES}
    assert not covered & set(NOT_ORGANIZATION_WRITES), "both a write and not one"
    unplaced = public_functions() - covered - set(NOT_ORGANIZATION_WRITES)
    assert not unplaced, (
        f"Add a case to WRITES, or a reason to NOT_ORGANIZATION_WRITES, for: {sorted(unplaced)}"
    )
    gone = (covered | set(NOT_ORGANIZATION_WRITES)) - public_functions()
    assert not gone, f"No longer in planner.services: {sorted(gone)}"


@pytest.mark.parametrize(
    "case", [case for _name, _what, case in WRITES], ids=[f"{n}: {w}" for n, w, _c in WRITES]
)
def test_each_write_moves_the_revision(plan, case):
    before = plan_revision(plan.organization)
    assert before > 0  # the organization was created through the service

    written = case(plan)

    if not isinstance(written, Organization) or written == plan.organization:
        assert plan_revision(plan.organization) > before
    else:
        assert plan_revision(written) > 0


def people_revision(organization: Organization) -> int:
    return Organization.objects.values_list("people_revision", flat=True).get(pk=organization.pk)


def people(organization: Organization) -> dict:
    """What the plan and each scenario read but their headcount (``planning.People``)."""
    plans = [load_plan(organization)] + [
        load_plan(organization, scenario=scenario) for scenario in organization.scenarios.all()
    ]
    return {
        plan.scenario.pk if plan.scenario else None: (plan.people.key, plan.verticals)
        for plan in plans
    }


HEADCOUNT_WRITES = [
    (name, what, case) for name, what, case in WRITES if name.startswith("snapshot")
]


@pytest.mark.parametrize(
    "case", [case for _name, _what, case in WRITES], ids=[f"{n}: {w}" for n, w, _c in WRITES]
)
def test_each_write_that_changes_the_people_moves_their_revision(plan, case):
    """The team, hires, costs and segments are kept per people revision
    (``planning.load_plan``): a write that changed them and left it would leave every
    process reading the people as they were."""
    before, revision = people(plan.organization), people_revision(plan.organization)

    case(plan)

    if people(plan.organization) != before:
        assert people_revision(plan.organization) > revision


@pytest.mark.parametrize(
    "case",
    [case for _name, _what, case in HEADCOUNT_WRITES],
    ids=[f"{n}: {w}" for n, w, _c in HEADCOUNT_WRITES],
)
def test_a_headcount_write_leaves_the_people_revision_alone(plan, case):
    """So that the answer to a headcount edit reads the headcount alone."""
    before, revision = people(plan.organization), people_revision(plan.organization)

    case(plan)

    assert people(plan.organization) == before
    assert people_revision(plan.organization) == revision


class RecordingRefused(Exception):
    """The history could not take the change."""


def everything() -> dict[str, list[dict]]:
    """Every row of every table of the planner but the history, as it is now."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("planner").get_models()
        if model is not Change
    }


@pytest.mark.parametrize(
    "case", [case for _name, _what, case in WRITES], ids=[f"{n}: {w}" for n, w, _c in WRITES]
)
def test_each_write_is_recorded_in_its_own_transaction(plan, case, monkeypatch):
    """A change the history refuses is a change not made: the row and its record are
    saved together or not at all, so no kept page can miss a write that became visible."""
    rows = everything()

    def refuse(*args, **kwargs):
        raise RecordingRefused()

    monkeypatch.setattr(Change.objects, "create", refuse)
    with pytest.raises(RecordingRefused):
        case(plan)
    monkeypatch.undo()

    assert everything() == rows


# --- edits that change no value ---------------------------------------------------------------

# Each saves every field as the page showed it: nothing to record, and nothing may change.
SAME_VALUES: list[tuple[str, Case]] = [
    (
        "snapshot_update",
        lambda p: services.snapshot_update(
            snapshot=p.snapshot,
            actor=p.editor,
            expected_version=p.snapshot.version,
            sales=p.snapshot.sales,
            customer_success=p.snapshot.customer_success,
            other=p.snapshot.other,
        ),
    ),
    (
        "team_member_update",
        lambda p: services.team_member_update(
            member=p.member, actor=p.editor, expected_version=p.member.version, name="Ada"
        ),
    ),
    (
        "hire_update",
        lambda p: services.hire_update(
            hire=p.hire,
            actor=p.editor,
            expected_version=p.hire.version,
            # 95000 and 95000.00 are one amount.
            annual_cost=Decimal("95000"),
            notes=p.hire.notes,
        ),
    ),
    (
        "segment_update",
        lambda p: services.segment_update(
            segment=p.segment, actor=p.owner, expected_version=p.segment.version, name="Healthcare"
        ),
    ),
    (
        "scenario_update",
        lambda p: services.scenario_update(
            scenario=p.scenario,
            actor=p.owner,
            expected_version=p.scenario.version,
            name=p.scenario.name,
            target_ratio=p.scenario.target_ratio,
        ),
    ),
    (
        "organization_update",
        lambda p: services.organization_update(
            organization=p.organization,
            actor=p.owner,
            expected_version=p.organization.version,
            name=p.organization.name,
            target_ratio=p.organization.target_ratio,
        ),
    ),
]


def shown() -> dict[str, list[dict]]:
    """What an organization's pages may show, versions included; not its revision."""
    rows = everything()
    for label in rows:
        for row in rows[label]:
            row.pop("revision", None)
            row.pop("updated_at", None)
    return rows


@pytest.mark.parametrize(
    "case", [case for _n, case in SAME_VALUES], ids=[n for n, _c in SAME_VALUES]
)
def test_an_edit_that_changes_no_value_changes_nothing_or_moves_the_revision(plan, case):
    """A kept page carries each row's version in its forms: a version moved without the
    revision would refuse every later edit from that page as made by someone else."""
    before, rows = plan_revision(plan.organization), shown()

    case(plan)

    assert shown() == rows or plan_revision(plan.organization) > before


# --- through the pages: an import and a growth forecast applied -----------------------------


def label(ordinal: int) -> str:
    return Quarter.from_ordinal(ordinal).label


def test_applying_an_import_moves_the_revision(client, plan):
    client.force_login(plan.editor)
    slug = plan.organization.slug
    lines = ["quarter,sales,customer_success,other", f"{label(plan.now + 1)},70,20,10"]
    upload = SimpleUploadedFile("headcount.csv", "\n".join(lines).encode(), "text/csv")
    preview = client.post(reverse("headcount_import", args=[slug]), {"file": upload})
    assert preview.status_code == 200
    before = plan_revision(plan.organization)

    response = client.post(
        reverse("headcount_import_apply", args=[slug]), {"preview": preview.context["payload"]}
    )

    assert response.status_code == 302
    assert plan_revision(plan.organization) > before


def test_applying_a_growth_forecast_moves_the_revision(client, plan):
    client.force_login(plan.editor)
    slug = plan.organization.slug
    form = {
        "method": "rate",
        "first": plan.now + 1,
        "last": plan.now + 2,
        "start": "",
        "sales_rate": "15",
        "customer_success_rate": "0",
        "other_rate": "0",
    }
    preview = client.post(reverse("headcount_forecast", args=[slug]), form)
    assert preview.status_code == 200
    before = plan_revision(plan.organization)

    response = client.post(
        reverse("headcount_forecast_apply", args=[slug]), {"preview": preview.context["payload"]}
    )

    assert response.status_code == 302
    assert plan_revision(plan.organization) > before


# --- a restore --------------------------------------------------------------------------------


def restore(organization: Organization, slug: str, spoil=None) -> Organization:
    document = json.loads("".join(backup.export_lines(organization)))
    if spoil:
        spoil(document)
    checked = backup.read(json.dumps(document).encode())
    return backup.import_organization(checked, slug=slug).organization


def test_a_restored_organization_starts_its_own_revisions_and_its_writes_move_them(plan):
    """A restore builds a new organization: its pages are kept under its own new id, so its
    revisions start again, and each write after the restore moves them."""
    services.snapshot_update(snapshot=plan.snapshot, actor=plan.editor, sales=61)

    restored = restore(plan.organization, "northwind-restored")

    before = plan_revision(restored)
    assert restored.pk != plan.organization.pk
    segment = restored.segments.get()
    services.segment_update(segment=segment, actor=plan.owner, name="Health")
    assert plan_revision(restored) > before


def test_writes_move_the_revision_of_an_organization_restored_with_a_later_clock(plan):
    """A backup from a server whose clock ran ahead holds changes dated later than this
    server's now: the writes made after the restore must still move the revision."""

    def ahead(document):
        for change in document["changes"]:
            change["at"] = "2999-01-01T00:00:00.000000+00:00"

    restored = restore(plan.organization, "northwind-ahead", spoil=ahead)

    before = plan_revision(restored)
    segment = restored.segments.get()
    services.segment_update(segment=segment, actor=plan.owner, name="Health")
    assert plan_revision(restored) > before


def test_a_write_to_another_organization_leaves_the_revision_alone(plan):
    before = plan_revision(plan.organization)
    other = OrganizationFactory()
    services.segment_create(organization=other, actor=None, name="Retail")
    assert plan_revision(plan.organization) == before
