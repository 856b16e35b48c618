"""Backup and restore of one organization: export_org, import_org and planner.backup.

The round trips write the file out and read it back in, so on each database the suite runs
on (SQLite, PostgreSQL) they prove the file alone carries everything. Every refusal checks
its message and that nothing was written.
"""

import copy
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import backup, rules, services
from planner.models import (
    Change,
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    RoleCost,
    Scenario,
    Segment,
    TeamMember,
    VerifiedEmail,
)
from tests.factories import MembershipFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
VERSION_1_FILE = ROOT / "tests" / "fixtures" / "northwind-backup-v1.json"
HOSTILE = "<script>alert(\"x\")</script> & 'q' \\ Zoë 日本語 🚀"


def add_hostile_rows(organization: Organization) -> None:
    """Unicode and markup everywhere, an exact cost, an ended member, a second hired hire,
    three roles, an author who is no longer a member and a change nobody signed."""
    user_model = get_user_model()
    owner = Membership.objects.get(organization=organization, role="owner").user
    editor = user_model.objects.create_user(
        username="zoë.o-brien", email="o'brien+plans@example.com"
    )
    viewer = user_model.objects.create_user(username="viewer", email="viewer@example.com")
    former = user_model.objects.create_user(username="former", email="Former@example.com")
    services.membership_create(organization=organization, user=editor, role="editor", actor=owner)
    services.membership_create(organization=organization, user=viewer, role="viewer", actor=owner)
    services.segment_create(organization=organization, actor=former, name=HOSTILE)
    services.organization_update(
        organization=organization,
        actor=editor,
        name="Northwind «Software» & Co. 🚀",
        leader_has_adult_learning=True,
    )
    first = HeadcountSnapshot.objects.filter(organization=organization).first()
    services.snapshot_update(snapshot=first, actor=editor, sales=first.sales + 1)
    services.team_member_create(
        organization=organization,
        actor=owner,
        role=rules.CS_ENABLEMENT,
        name='Ødegård, "Ann" <b>bold</b>',
        start_quarter=first.quarter,
        end_quarter=first.quarter + 3,
        annual_cost=Decimal("99999.99"),
    )
    hire = services.hire_create(
        organization=organization,
        actor=owner,
        role=rules.SALES_ENABLEMENT,
        target_quarter=first.quarter + 2,
        status=rules.APPROVED,
        annual_cost=Decimal("123456.78"),
        notes=f'Line one\nLine two: =SUM(A1) "quoted" \\ {HOSTILE}\ttabbed',
    )
    services.hire_mark_hired(hire=hire, actor=owner, name='Jürgen "JJ" O\'Neil')
    services.hire_create(
        organization=organization,
        actor=None,
        role=rules.ENABLEMENT_LIAISON,
        target_quarter=first.quarter + 9,
        notes="",
    )
    # A scenario with its own forecast, hires and inputs, a change made in it, and a
    # deleted one whose name only the history keeps.
    scenario = services.scenario_create(organization=organization, actor=owner, name=HOSTILE)
    services.scenario_update(scenario=scenario, actor=editor, target_ratio=40, verticals=4)
    row = scenario.snapshots.order_by("quarter").last()
    services.snapshot_update(snapshot=row, actor=editor, sales=row.sales + 100)
    gone = services.scenario_create(organization=organization, actor=owner, name="Freeze")
    services.scenario_delete(scenario=gone, actor=owner, expected_version=gone.version)


def verify(*users) -> None:
    """Each user has confirmed their current e-mail address."""
    for user in users:
        VerifiedEmail.objects.update_or_create(user=user, defaults={"email": user.email.lower()})


def verify_everyone() -> None:
    verify(*get_user_model().objects.exclude(email=""))


@pytest.fixture
def northwind() -> Organization:
    """The demo organization, with every account's e-mail verified."""
    call_command("seed_demo", allow_without_debug=True, stdout=StringIO())
    organization = Organization.objects.get(slug="northwind")
    add_hostile_rows(organization)
    verify_everyone()
    return Organization.objects.get(pk=organization.pk)


def export(slug: str) -> dict:
    out = StringIO()
    call_command("export_org", slug, stdout=out)
    return json.loads(out.getvalue())


def import_file(path, *args, **options) -> str:
    out = StringIO()
    call_command("import_org", str(path), *args, stdout=out, **options)
    return out.getvalue()


def write(tmp_path: Path, document) -> Path:
    path = tmp_path / "backup.json"
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(text, encoding="utf-8")
    return path


def without_slug(document: dict) -> dict:
    document = copy.deepcopy(document)
    del document["organization"]["slug"]
    return document


def row_counts() -> dict[str, int]:
    """Every planner table, and the accounts, which an import may create."""
    models = [*apps.get_app_config("planner").get_models(), get_user_model()]
    return {model._meta.label: model.objects.count() for model in models}


# --- export --------------------------------------------------------------------------------


def test_the_export_is_marked_with_its_format_and_version(northwind):
    document = export("northwind")
    assert document["format"] == "enablement-planner-organization"
    assert document["version"] == 4
    assert list(document) == [
        "format",
        "version",
        "organization",
        "members",
        "segments",
        "snapshots",
        "team_members",
        "planned_hires",
        "role_costs",
        "scenarios",
        "changes",
    ]


def test_the_manager_flag_is_carried_by_the_backup(northwind):
    TeamMember.objects.filter(organization__slug="northwind").update(is_manager=True)
    document = export("northwind")
    assert all(member["is_manager"] for member in document["team_members"])
    assert not any(hire["is_manager"] for hire in document["planned_hires"])


def test_it_exports_every_column_but_the_primary_key(northwind):
    """A column added later fails here until the backup carries it."""
    document = export("northwind")

    def columns(model, *, carried_as=None, left_out=()):
        names = {field.name for field in model._meta.concrete_fields}
        names -= {"id", "organization", *left_out}
        return {carried_as.get(name, name) if carried_as else name for name in names}

    # The revisions count this server's writes, for what it keeps: not the plan's data.
    assert set(document["organization"]) == columns(Organization, left_out=Organization.REVISIONS)
    # Memberships carry who and what role, not when they were granted.
    assert columns(Membership, carried_as={"user": "email"}, left_out={"created_at"}) <= set(
        document["members"][0]
    )
    assert columns(Segment) <= set(document["segments"][0])
    # A scenario's rows are carried inside it, so a row's scenario is where it is written.
    assert columns(HeadcountSnapshot, left_out={"scenario"}) <= set(document["snapshots"][0])
    assert columns(TeamMember) <= set(document["team_members"][0])
    assert columns(PlannedHire, left_out={"scenario"}) <= set(document["planned_hires"][0])
    assert columns(RoleCost) <= set(document["role_costs"][0])
    assert columns(Change) <= set(document["changes"][0])
    scenario = document["scenarios"][0]
    assert columns(Scenario) <= set(scenario)
    assert columns(HeadcountSnapshot, left_out={"scenario"}) <= set(scenario["snapshots"][0])
    assert columns(PlannedHire, left_out={"scenario"}) <= set(scenario["planned_hires"][0])


def test_it_exports_people_by_email_and_quarters_as_ordinal_and_label(northwind):
    document = export("northwind")
    assert document["members"] == [
        {"email": "demo@example.com", "role": "owner"},
        {"email": "o'brien+plans@example.com", "role": "editor"},
        {"email": "viewer@example.com", "role": "viewer"},
    ]
    actors = {change["actor"] for change in document["changes"]}
    assert {"demo@example.com", "Former@example.com", None} <= actors
    snapshot = document["snapshots"][0]
    first = HeadcountSnapshot.objects.filter(organization=northwind).first()
    assert snapshot["quarter"] == first.quarter
    assert snapshot["quarter_label"] == northwind.quarter_label(first.quarter)
    assert snapshot["version"] == 2


def test_it_exports_costs_as_exact_strings_and_hires_by_local_key(northwind):
    document = export("northwind")
    team = {member["key"]: member for member in document["team_members"]}
    assert all(key.startswith("team-member-") for key in team)
    hired = {
        team[hire["team_member"]]["name"]: hire
        for hire in document["planned_hires"]
        if hire["team_member"]
    }
    assert set(hired) == {"Priya Nair", 'Jürgen "JJ" O\'Neil'}
    assert hired['Jürgen "JJ" O\'Neil']["annual_cost"] == "123456.78"
    assert hired["Priya Nair"]["annual_cost"] == "118000.00"
    assert all(hire["status"] == "hired" for hire in hired.values())
    assert None in {hire["annual_cost"] for hire in document["planned_hires"]}
    ended = next(member for member in document["team_members"] if member["end_quarter"])
    assert ended["end_quarter"] == ended["start_quarter"] + 3
    assert ended["end_quarter_label"].startswith("FY")


def test_it_exports_the_history_in_time_order_with_iso_times(northwind):
    changes = export("northwind")["changes"]
    assert len(changes) == Change.objects.filter(organization=northwind).count()
    times = [change["at"] for change in changes]
    assert times == sorted(times)
    assert all(time.endswith("+00:00") for time in times)
    stored = sorted(Change.objects.filter(organization=northwind).values_list("at", flat=True))
    assert times == [at.isoformat(timespec="microseconds") for at in stored]


def test_it_writes_one_row_a_line(northwind):
    """So the file is written as the rows are read, and a diff shows which rows changed."""
    out = StringIO()
    call_command("export_org", "northwind", stdout=out)
    lines = out.getvalue().splitlines()
    document = json.loads(out.getvalue())
    change_lines = [line for line in lines if line.lstrip().startswith('{"actor"')]
    assert len(change_lines) == len(document["changes"])
    assert json.loads(change_lines[0].strip().rstrip(",")) == document["changes"][0]


def test_the_export_is_the_same_each_time(northwind):
    first, second = StringIO(), StringIO()
    call_command("export_org", "northwind", stdout=first)
    call_command("export_org", "northwind", stdout=second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().isascii()


def test_it_refuses_an_unknown_slug(northwind):
    with pytest.raises(CommandError, match="No organization has the slug 'southwind'"):
        call_command("export_org", "southwind", stdout=StringIO())


def test_it_refuses_to_export_a_member_without_email(northwind):
    nobody = UserFactory(username="no-mail", email="")
    MembershipFactory(organization=northwind, user=nobody, role="viewer")
    out = StringIO()
    with pytest.raises(CommandError, match="these accounts have none: no-mail"):
        call_command("export_org", "northwind", stdout=out)
    assert out.getvalue() == ""


def test_it_refuses_a_hire_that_became_another_organizations_team_member(northwind):
    elsewhere = TeamMemberFactory()
    hire = PlannedHire.objects.filter(organization=northwind, team_member__isnull=False).first()
    PlannedHire.objects.filter(pk=hire.pk).update(team_member=elsewhere)
    out = StringIO()
    with pytest.raises(CommandError, match="became a team member of another organization"):
        call_command("export_org", "northwind", stdout=out)
    assert out.getvalue() == ""


# --- round trips ---------------------------------------------------------------------------


def test_export_import_export_under_a_new_slug_gives_the_same_document(northwind, tmp_path):
    original = export("northwind")
    path = write(tmp_path, original)

    output = import_file(path, slug="northwind-copy")

    assert "Imported Northwind «Software» & Co. 🚀 as northwind-copy: 3 members" in output
    assert "Left out" not in output
    copied = export("northwind-copy")
    assert copied["organization"]["slug"] == "northwind-copy"
    assert without_slug(copied) == without_slug(original)


def test_a_file_restores_everything_into_emptied_tables(northwind, tmp_path):
    original = export("northwind")
    stored_times = sorted(Change.objects.values_list("at", flat=True))
    people = list(get_user_model().objects.values_list("username", "email"))
    path = write(tmp_path, original)
    Organization.objects.all().delete()
    get_user_model().objects.all().delete()
    assert set(row_counts().values()) == {0}
    for username, email in people:
        verify(UserFactory(username=username, email=email))

    import_file(path)

    assert export("northwind") == original
    restored = Organization.objects.get(slug="northwind")
    assert sorted(Change.objects.values_list("at", flat=True)) == stored_times
    assert restored.created_at.isoformat() == original["organization"]["created_at"]
    costs = set(PlannedHire.objects.values_list("annual_cost", flat=True))
    assert Decimal("123456.78") in costs
    hired = PlannedHire.objects.get(team_member__name='Jürgen "JJ" O\'Neil')
    assert hired.status == "hired"
    assert Segment.objects.get(name=HOSTILE).version == 1
    # One quarter of the plan and one of the scenario were edited once.
    assert HeadcountSnapshot.objects.filter(version=2, scenario=None).count() == 1
    assert HeadcountSnapshot.objects.filter(version=2, scenario__isnull=False).count() == 1


def test_it_reads_the_file_from_stdin(northwind):
    original = export("northwind")
    out = StringIO()

    call_command(
        "import_org", "-", slug="from-stdin", stdin=StringIO(json.dumps(original)), stdout=out
    )

    assert "as from-stdin" in out.getvalue()
    assert without_slug(export("from-stdin")) == without_slug(original)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_history_page_reads_every_change_a_file_may_hold(
    northwind, client, tmp_path, settings, zone
):
    """Whatever the check lets in, the History page shows, even at the ends of the calendar
    in the time zones furthest from UTC: the pages and the format agree."""
    settings.TIME_ZONE = zone
    document = export("northwind")
    odd = {
        "actor": None,
        "action": "updated",
        "entity": "planned hire",
        "label": "",
        "diff": {
            "annual_cost": [None, "0"],
            "fiscal_year_start_month": [13, 0],
            "leader_has_adult_learning": [True, None],
            "role": ["not a role", 7],
            "zz_unknown_field": [-(2**63), "x" * 2000],
        },
        "at": "9998-12-31T23:59:59.999999+00:00",
    }
    earliest = {**odd, "diff": {}, "at": "0002-01-01T00:00:00+00:00"}
    document["changes"] = [earliest, *document["changes"], odd]
    import_file(write(tmp_path, document), slug="odd")
    client.force_login(get_user_model().objects.get(username="demo"))

    url = reverse("history", args=["odd"])
    last_page = -(-len(document["changes"]) // 50)
    newest, oldest = client.get(url), client.get(url, {"page": last_page})

    assert newest.status_code == oldest.status_code == 200
    assert "Zz unknown field" in newest.content.decode()
    assert "0001" in oldest.content.decode() or "0002" in oldest.content.decode()


def test_it_writes_in_batches_and_keeps_every_time(northwind, tmp_path, monkeypatch):
    """Short INSERTs with the file's times in them, and no UPDATE over the rows after."""
    monkeypatch.setattr(backup, "BATCH_SIZE", 3)
    original = export("northwind")
    changes = len(original["changes"])
    assert changes > 3 * 2

    with CaptureQueriesContext(connection) as queries:
        import_file(write(tmp_path, original), slug="batched")

    statements = [query["sql"] for query in queries.captured_queries]
    history_inserts = [sql for sql in statements if sql.startswith('INSERT INTO "planner_change"')]
    assert len(history_inserts) == -(-changes // 3)
    assert not [sql for sql in statements if sql.startswith("UPDATE")]
    assert without_slug(export("batched")) == without_slug(original)


# --- version 1 files -----------------------------------------------------------------------


def version_1_document() -> dict:
    return json.loads(VERSION_1_FILE.read_text(encoding="utf-8"))


def test_upgrading_version_1_drops_the_usernames_and_nothing_else():
    old = version_1_document()
    assert old["version"] == 1

    new = backup.upgrade_from_version_1(copy.deepcopy(old))

    assert new["version"] == 2
    assert new["members"] == [
        {"email": member["email"], "role": member["role"]} for member in old["members"]
    ]
    unchanged = set(old) - {"version", "members"}
    assert {key: new[key] for key in unchanged} == {key: old[key] for key in unchanged}


def test_a_version_1_file_still_imports(db):
    """The file was written by the version 1 exporter, before version 2 existed."""
    old = version_1_document()
    for member in old["members"]:
        verify(UserFactory(username=member["username"], email=member["email"]))
    verify(UserFactory(username="former", email="Former@example.com"))

    output = import_file(VERSION_1_FILE)

    assert "Imported Northwind «Software» & Co. 🚀 as northwind: 3 members" in output
    assert export("northwind") == backup.upgrade(old)


def test_upgrading_version_2_adds_no_managers_and_no_costs_and_changes_nothing_else():
    old = backup.upgrade_from_version_1(version_1_document())
    new = backup.upgrade_from_version_2(copy.deepcopy(old))
    assert new["version"] == 3
    assert new["team_members"] == [
        {**row, "is_manager": False, "annual_cost": None} for row in old["team_members"]
    ]
    assert new["planned_hires"] == [{**row, "is_manager": False} for row in old["planned_hires"]]
    assert new["organization"] == {"currency": "USD", **old["organization"]}
    assert new["role_costs"] == []
    unchanged = set(old) - {"version", "team_members", "planned_hires", "organization"}
    assert {key: new[key] for key in unchanged} == {key: old[key] for key in unchanged}


def test_upgrading_version_3_adds_no_scenarios_and_changes_nothing_else():
    old = backup.upgrade_from_version_2(backup.upgrade_from_version_1(version_1_document()))
    new = backup.upgrade_from_version_3(copy.deepcopy(old))
    assert new["version"] == 4
    assert new["scenarios"] == []
    assert list(new).index("scenarios") == list(new).index("changes") - 1
    assert new["changes"] == [
        {**change, "scenario": None, "scenario_name": ""} for change in old["changes"]
    ]
    unchanged = set(old) - {"version", "changes"}
    assert {key: new[key] for key in unchanged} == {key: old[key] for key in unchanged}


def test_scenarios_and_the_changes_made_in_them_survive_a_round_trip(northwind, tmp_path):
    original = export("northwind")
    import_file(write(tmp_path, original), slug="northwind-copy")
    copy_ = Organization.objects.get(slug="northwind-copy")
    scenario = Scenario.objects.get(organization=copy_)
    assert (scenario.name, scenario.target_ratio, scenario.verticals) == (HOSTILE, 40, 4)
    assert scenario.snapshots.count() == len(original["scenarios"][0]["snapshots"]) > 0
    assert scenario.hires.count() == len(original["scenarios"][0]["planned_hires"]) > 0
    in_scenario = Change.objects.filter(organization=copy_, entity="headcount", scenario=scenario)
    assert in_scenario.count() == 1
    gone = Change.objects.get(organization=copy_, scenario_name="Freeze", action="deleted")
    assert gone.scenario is None


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda d: d["scenarios"][0]["planned_hires"][0].update(team_member="team-member-1"),
            "a scenario's hire is never a team member",
        ),
        (
            # Hired is a fact of the plan: a scenario's hire with no person would be a seat
            # filled by no one, and the plan's once the scenario is made the plan.
            lambda d: d["scenarios"][0]["planned_hires"][0].update(status="hired"),
            "a scenario's hire is never hired",
        ),
        (lambda d: d["changes"][-1].update(scenario="scenario-99"), "no scenario has the key"),
        (
            lambda d: d["scenarios"].append(copy.deepcopy(d["scenarios"][0])),
            "appears twice",
        ),
        (lambda d: d["scenarios"][0].update(target_ratio=1), "scenarios.0.target_ratio"),
    ],
)
def test_a_file_with_a_broken_scenario_is_refused_whole(northwind, tmp_path, spoil, message):
    document = export("northwind")
    spoil(document)
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        import_file(write(tmp_path, document), slug="elsewhere")
    assert message in str(refused.value)
    assert row_counts() == before


# --- who gets a role -----------------------------------------------------------------------


def test_an_account_that_registered_someone_elses_email_gets_no_role(northwind, tmp_path):
    """The account that signed up first with an address is not its owner until verified."""
    document = export("northwind")
    Organization.objects.all().delete()
    get_user_model().objects.exclude(username="demo").delete()
    squatter = UserFactory(username="squatter", email="o'brien+plans@example.com")
    path = write(tmp_path, document)

    output = import_file(path)

    restored = Organization.objects.get(slug="northwind")
    assert not Membership.objects.filter(user=squatter).exists()
    assert list(restored.memberships.values_list("user__username", "role")) == [("demo", "owner")]
    assert "1 member," in output
    assert (
        "Left out, as no account here has verified their e-mail: "
        "o'brien+plans@example.com (editor), viewer@example.com (viewer)."
    ) in output


def test_a_verification_of_an_old_address_does_not_count(northwind, tmp_path):
    document = export("northwind")
    editor = get_user_model().objects.get(username="zoë.o-brien")
    Organization.objects.all().delete()
    # The account now says it is someone else's address, which it never confirmed.
    editor.email = "viewer@example.com"
    editor.save()
    get_user_model().objects.filter(username="viewer").delete()

    output = import_file(write(tmp_path, document))

    assert not Membership.objects.filter(user=editor).exists()
    assert "viewer@example.com (viewer)" in output


def test_changes_by_unverified_authors_are_kept_without_an_author(northwind, tmp_path):
    document = export("northwind")
    Organization.objects.all().delete()
    VerifiedEmail.objects.filter(user__username="former").delete()
    path = write(tmp_path, document)

    output = import_file(path)

    by_former = [c for c in document["changes"] if c["actor"] == "Former@example.com"]
    assert by_former
    restored = Change.objects.filter(organization__slug="northwind")
    assert restored.count() == len(document["changes"])
    assert restored.filter(actor__username="former").count() == 0
    assert restored.filter(actor=None).count() == sum(
        1 for c in document["changes"] if c["actor"] in (None, "Former@example.com")
    )
    assert "Past changes by these people keep no author" in output
    assert "former@example.com" in output
    assert "o'brien" not in output.split("keep no author")[1]


def test_it_refuses_a_file_whose_owners_have_no_verified_account(northwind, tmp_path):
    document = export("northwind")
    Organization.objects.all().delete()
    VerifiedEmail.objects.filter(user__username="demo").delete()
    path = write(tmp_path, document)
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        import_file(path)

    message = str(refused.value)
    assert "would have no owner, so nothing was imported" in message
    assert "verified the e-mail of demo@example.com" in message
    assert "--owner EMAIL" in message
    assert row_counts() == before


def test_the_operator_names_an_owner_with_a_verified_account(northwind, tmp_path):
    document = export("northwind")
    Organization.objects.all().delete()
    VerifiedEmail.objects.filter(user__username="demo").delete()
    path = write(tmp_path, document)

    output = import_file(path, owner="VIEWER@example.com")

    roles = dict(
        Membership.objects.filter(organization__slug="northwind").values_list(
            "user__username", "role"
        )
    )
    assert roles == {"viewer": "owner", "zoë.o-brien": "editor"}
    assert "demo@example.com (owner)" in output


def test_it_refuses_an_owner_without_a_verified_account(northwind, tmp_path):
    document = export("northwind")
    Organization.objects.all().delete()
    UserFactory(username="newcomer", email="newcomer@example.com")
    path = write(tmp_path, document)
    before = row_counts()

    with pytest.raises(CommandError, match="No account here has verified the e-mail newcomer@"):
        import_file(path, owner="newcomer@example.com")

    assert row_counts() == before


def test_creating_missing_users_is_refused_with_the_reason(northwind, tmp_path):
    document = export("northwind")
    Organization.objects.all().delete()
    path = write(tmp_path, document)
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        import_file(path, create_missing_users=True)

    assert "--create-missing-users was removed" in str(refused.value)
    assert "verified" in str(refused.value)
    assert row_counts() == before


# --- refusals ------------------------------------------------------------------------------


def test_it_refuses_an_organization_whose_slug_exists(northwind, tmp_path):
    path = write(tmp_path, export("northwind"))
    before = row_counts()
    with pytest.raises(CommandError, match=r"slug 'northwind' already exists.*--slug NEW"):
        import_file(path)
    assert row_counts() == before


def test_a_restore_that_fails_late_leaves_nothing_behind(northwind, tmp_path, monkeypatch):
    """The last batch of history fails after everything else was written; all is undone."""
    document = export("northwind")
    path = write(tmp_path, document)
    before = row_counts()
    monkeypatch.setattr(backup, "BATCH_SIZE", 5)
    real_insert = backup._insert
    written = {}

    def insert_then_fail(model, instances, **options):
        if model is not Change:
            return real_insert(model, instances, **options)
        rows = list(instances)
        real_insert(model, rows[:-1], **options)
        written["changes"] = Change.objects.filter(organization__slug="late").count()
        raise DataError("value too long for the last change")

    monkeypatch.setattr(backup, "_insert", insert_then_fail)

    with pytest.raises(CommandError) as refused:
        import_file(path, slug="late")

    assert written["changes"] == len(document["changes"]) - 1
    assert "The database refused the file, so nothing was imported" in str(refused.value)
    assert "value too long for the last change" in str(refused.value)
    assert row_counts() == before


def _set(path: str, value):
    """Sets the value at ``path`` like ``snapshots.3.sales`` in a document."""

    def change(document):
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


def _delete(path: str):
    def change(document):
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return change


def _duplicate_quarter(document):
    document["snapshots"][1]["quarter"] = document["snapshots"][0]["quarter"]


def _hire_without_member(document):
    hired = next(hire for hire in document["planned_hires"] if hire["team_member"])
    hired["team_member"] = "team-member-99"


def _two_hires_one_member(document):
    hired = [hire for hire in document["planned_hires"] if hire["team_member"]]
    hired[1]["team_member"] = hired[0]["team_member"]


def _duplicate_member(document):
    document["members"].append({**document["members"][0], "email": "DEMO@example.com"})


def _first_diff_field(document):
    """The name of a field in the diff of changes.1, to spoil its value."""
    return next(iter(document["changes"][1]["diff"]))


def _spoil_diff(value):
    def change(document):
        document["changes"][1]["diff"][_first_diff_field(document)] = value

    return change


PAIR = "must be a [before, after] pair, each null, true, false, a whole number or a string"

INVALID = [
    ("format", _set("format", "something-else"), "format is 'something-else'"),
    ("version", _set("version", 5), "version 5; this planner reads versions 1 to 4"),
    ("version as text", _set("version", "3"), "version '3'"),
    ("missing manager flag", _delete("team_members.0.is_manager"), "is_manager: Field required"),
    ("version as true", _set("version", True), "version True"),
    ("missing list", _delete("snapshots"), "snapshots: Field required"),
    ("missing key", _delete("planned_hires.0.status"), "planned_hires.0.status: Field required"),
    ("unknown key", _set("segments.0.colour", "red"), "segments.0.colour: Extra inputs are not"),
    ("a username after version 1", _set("members.0.username", "demo"), "members.0.username: Extra"),
    ("list as object", _set("members", {}), "members: Input should be a valid array"),
    ("row as list", _set("segments.1", []), "segments.1: Input should be an object"),
    ("count as text", _set("snapshots.3.sales", "12"), "snapshots.3.sales: Input should be a"),
    (
        "negative count",
        _set("snapshots.3.sales", -1),
        "snapshots.3.sales: Input should be greater than or equal to 0",
    ),
    (
        "count beyond the column",
        _set("snapshots.3.sales", 2**31),
        "snapshots.3.sales: Input should be less than or equal to 2147483647",
    ),
    ("count as true", _set("snapshots.3.other", True), "snapshots.3.other: Input should be a"),
    (
        "fractional count",
        _set("snapshots.2.customer_success", 2.5),
        "snapshots.2.customer_success: Input should be a valid integer",
    ),
    (
        "flag as text",
        _set("organization.leader_has_adult_learning", "yes"),
        "organization.leader_has_adult_learning: Input should be a valid boolean",
    ),
    (
        "month out of range",
        _set("organization.fiscal_year_start_month", 13),
        "organization.fiscal_year_start_month: Input should be less than or equal to 12",
    ),
    (
        "unknown team role",
        _set("team_members.0.role", "wizard"),
        "team_members.0.role: Input should be 'enablement_leader', 'adult_learning_specialist'",
    ),
    (
        "unknown member role",
        _set("members.1.role", "admin"),
        "members.1.role: Input should be 'owner', 'editor' or 'viewer'",
    ),
    (
        "not an e-mail",
        _set("members.1.email", "nobody"),
        "members.1.email: must be an e-mail address",
    ),
    (
        "unknown status",
        _set("planned_hires.0.status", "on_hold"),
        "planned_hires.0.status: Input should be 'planned', 'approved', 'recruiting', 'hired'",
    ),
    ("unknown action", _set("changes.0.action", "moved"), "changes.0.action: Input should be"),
    (
        "quarter out of range",
        _set("snapshots.0.quarter", 12),
        "snapshots.0.quarter: Input should be greater than or equal to 8000",
    ),
    (
        "end before start",
        _set("team_members.0.end_quarter", 8000),
        "team_members.0.end_quarter: must come after the start quarter",
    ),
    (
        "cost as a number",
        _set("planned_hires.0.annual_cost", 123456.78),
        "planned_hires.0.annual_cost: must be an amount ≥ 0 written as a string, with at most "
        '10 digits before the point and 2 after, like "123456.78"',
    ),
    ("negative cost", _set("planned_hires.0.annual_cost", "-5.00"), "annual_cost: must be"),
    ("cost in cents", _set("planned_hires.0.annual_cost", "1.001"), "annual_cost: must be"),
    ("time as a number", _set("changes.2.at", 1700000000), "changes.2.at: must be an ISO 8601"),
    ("time not a time", _set("changes.2.at", "yesterday"), "changes.2.at: must be an ISO 8601"),
    (
        "time without offset",
        _set("changes.2.at", "2026-01-31T09:30:00"),
        "changes.2.at: must give its offset from UTC",
    ),
    (
        "time that overflows in UTC",
        _set("changes.2.at", "0001-01-01T00:30:00+01:00"),
        "changes.2.at: must fall between the years 2 and 9998 in UTC",
    ),
    (
        "time at the end of the calendar",
        _set("changes.2.at", "9999-12-31T23:00:00+00:00"),
        "changes.2.at: must fall between the years 2 and 9998 in UTC",
    ),
    (
        "row time that overflows in UTC",
        _set("team_members.1.created_at", "0001-01-01T00:30:00+01:00"),
        "team_members.1.created_at: must fall between the years 2 and 9998 in UTC",
    ),
    ("diff as list", _set("changes.1.diff", []), "changes.1.diff: Input should be an object"),
    ("diff value a single value", _spoil_diff(3), PAIR),
    ("diff value one of a pair", _spoil_diff([3]), PAIR),
    ("diff value three values", _spoil_diff([1, 2, 3]), PAIR),
    ("diff value an object", _spoil_diff({"before": 1, "after": 2}), PAIR),
    ("diff value a nested list", _spoil_diff([[1], 2]), PAIR),
    ("diff value a float", _spoil_diff([1.5, 2]), PAIR),
    ("diff value a NUL", _spoil_diff(["a\x00", "b"]), PAIR),
    (
        "diff cost not an amount",
        _set("changes.1.diff", {"annual_cost": [None, "sNaN"]}),
        "changes.1.diff: annual_cost: each value must be null or an amount written as a string",
    ),
    (
        "diff field not a field name",
        _set("changes.1.diff", {"<b>Sales</b>": [1, 2]}),
        "changes.1.diff.<b>Sales</b>.[key]: must be a field name in lower case",
    ),
    (
        "empty name",
        _set("segments.0.name", "  "),
        "segments.0.name: Enter a name with at least one visible character.",
    ),
    (
        "control character in a name",
        _set("team_members.1.name", "Ann\x1b[31m"),
        "team_members.1.name: Use letters, digits and punctuation only: this contains a "
        "control character",
    ),
    (
        "line break in an organization name",
        _set("organization.name", "North\nwind"),
        "organization.name: Use letters, digits and punctuation only",
    ),
    (
        "control character in a history label",
        _set("changes.3.label", "x\x07"),
        "changes.3.label: Use letters, digits and punctuation only",
    ),
    ("NUL in notes", _set("planned_hires.1.notes", "a\x00b"), "must not contain NUL characters"),
    ("duplicate quarters", _duplicate_quarter, "snapshots.1: "),
    (
        "hire of a missing team member",
        _hire_without_member,
        "team_member: no team member has the key 'team-member-99'",
    ),
    ("two hires, one member", _two_hires_one_member, "team_member: 'team-member-"),
    ("same member twice", _duplicate_member, "members.3: DEMO@example.com appears twice"),
    (
        "name too long",
        _set("segments.2.name", "x" * 81),
        "segments.2.name: String should have at most 80 characters",
    ),
    (
        "notes too long",
        _set("planned_hires.1.notes", "x" * 2001),
        "planned_hires.1.notes: String should have at most 2000 characters",
    ),
    (
        "label too long",
        _set("changes.4.label", "x" * 201),
        "changes.4.label: String should have at most 200 characters",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_it_refuses_an_invalid_file_as_a_whole(valid_document, tmp_path, change, message):
    document = copy.deepcopy(valid_document)
    change(document)
    path = write(tmp_path, document)
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        import_file(path, slug="restored")

    assert message in str(refused.value)
    assert row_counts() == before


def test_it_names_every_problem_at_once(valid_document, tmp_path):
    document = copy.deepcopy(valid_document)
    document["snapshots"][3]["sales"] = -1
    document["planned_hires"][0]["status"] = "on_hold"
    path = write(tmp_path, document)

    with pytest.raises(CommandError) as refused:
        import_file(path, slug="restored")

    message = str(refused.value)
    assert message.startswith("The file is not a valid organization backup; nothing was imported")
    assert "snapshots.3.sales: Input should be greater than or equal to 0" in message
    assert "planned_hires.0.status: Input should be" in message


def test_a_refusal_prints_no_control_characters(valid_document, tmp_path):
    """A name can hold characters that drive a terminal; the message shows them escaped."""
    document = copy.deepcopy(valid_document)
    name = "Evil\u202e\u200bname"
    document["segments"][0]["name"] = name
    document["segments"][1]["name"] = name
    path = write(tmp_path, document)

    with pytest.raises(CommandError) as refused:
        import_file(path, slug="restored")

    message = str(refused.value)
    assert "segments.1: 'Evil\\u202e\\u200bname' appears twice" in message
    assert "\u202e" not in message


def test_the_report_prints_no_control_characters(northwind, tmp_path):
    document = export("northwind")
    document["organization"]["name"] = "Northwind\u202e"
    path = write(tmp_path, document)

    output = import_file(path, slug="restored")

    assert "Imported Northwind\\u202e as restored" in output
    assert "\u202e" not in output


def spoiled_text(valid_document, placeholder: str, replacement: str) -> str:
    """The document as JSON text, with ``placeholder`` (a JSON string) replaced."""
    return json.dumps(valid_document).replace(json.dumps(placeholder), replacement, 1)


def test_it_refuses_a_5000_digit_integer(valid_document, tmp_path):
    document = copy.deepcopy(valid_document)
    document["snapshots"][3]["sales"] = "HUGE"
    path = write(tmp_path, spoiled_text(document, "HUGE", "9" * 5000))
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        import_file(path, slug="restored")

    assert "The file is not JSON, so nothing was imported: number out of range at line 1" in str(
        refused.value
    )
    assert row_counts() == before


def test_it_refuses_json_nested_10000_deep(valid_document, tmp_path):
    document = copy.deepcopy(valid_document)
    document["changes"][0]["diff"] = "DEEP"
    path = write(tmp_path, spoiled_text(document, "DEEP", "[" * 10_000 + "]" * 10_000))
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        import_file(path, slug="restored")

    assert "The file is not JSON, so nothing was imported: nested too deeply (recursion " in str(
        refused.value
    )
    assert "at line 1 column" in str(refused.value)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "The file is not JSON, so nothing was imported: key must be a string"),
        ("", "The file is not JSON, so nothing was imported: EOF while parsing a value"),
        ('{"a": "\\ud800"}', "The file is not JSON, so nothing was imported: "),
        ("[1, 2]", "not an organization backup: expected an object"),
        ('{"format": 5}', "its format is 5, expected 'enablement-planner-organization'"),
    ],
    ids=["broken", "empty", "lone surrogate", "a list", "another format"],
)
def test_it_refuses_a_file_that_is_not_a_json_object(db, tmp_path, text, message):
    path = write(tmp_path, text)
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        import_file(path)
    assert message in str(refused.value)
    assert row_counts() == before


def test_it_refuses_a_file_larger_than_the_limit_without_reading_it(db, tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (1024 * 1024 + 1))
    before = row_counts()

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(backup, "read", no_reading)

    with pytest.raises(CommandError) as refused:
        import_file(path, max_size=1)

    assert "is larger than 1 MB, the most an import reads; nothing was imported" in str(
        refused.value
    )
    assert "--max-size MEGABYTES" in str(refused.value)
    assert row_counts() == before


def test_the_size_limit_holds_for_standard_input(db):
    before = row_counts()
    with pytest.raises(CommandError, match="- is larger than 1 MB"):
        call_command(
            "import_org",
            "-",
            max_size=1,
            stdin=StringIO(" " * (1024 * 1024 + 1)),
            stdout=StringIO(),
        )
    assert row_counts() == before


def test_the_size_limit_is_at_least_one_megabyte(db, tmp_path):
    with pytest.raises(CommandError, match="--max-size is in megabytes and must be at least 1"):
        import_file(write(tmp_path, "{}"), max_size=0)


def test_the_default_limit_is_200_megabytes(db, tmp_path):
    path = tmp_path / "sparse.json"
    with path.open("wb") as file:
        file.truncate(200 * 1024 * 1024 + 1)  # sparse: takes no disk space
    with pytest.raises(CommandError, match="larger than 200 MB"):
        import_file(path)


def test_it_refuses_a_file_it_cannot_read(db, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.json: No such file"):
        import_file(tmp_path / "missing.json")


def test_it_refuses_an_invalid_new_slug(northwind, tmp_path):
    path = write(tmp_path, export("northwind"))
    before = row_counts()
    with pytest.raises(CommandError, match=r"organization\.slug: Enter a valid"):
        import_file(path, slug="not a slug")
    assert row_counts() == before


# --- across databases ----------------------------------------------------------------------


def _manage(database: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "true"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory) -> Path:
    """An SQLite database file holding the seeded organization, written by manage.py."""
    database = tmp_path_factory.mktemp("source") / "planner.sqlite3"
    hostile = (
        "from planner.models import Organization; from tests.test_backup import "
        "add_hostile_rows; add_hostile_rows(Organization.objects.get(slug='northwind'))"
    )
    for command in (["migrate", "-v0"], ["seed_demo"], ["shell", "-c", hostile]):
        result = _manage(database, *command)
        assert result.returncode == 0, result.stderr
    return database


@pytest.fixture(scope="module")
def valid_document(sqlite_source) -> dict:
    """The seeded organization's export, for the refusals to spoil one way each.

    Nobody in it has an account here: a file is checked before any person is looked up."""
    result = _manage(sqlite_source, "export_org", "northwind")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_unknown_slug_exits_non_zero(sqlite_source):
    result = _manage(sqlite_source, "export_org", "southwind")
    assert result.returncode != 0
    assert "No organization has the slug 'southwind'" in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="moves a backup from SQLite to PostgreSQL; runs when DATABASE_URL is PostgreSQL",
)
def test_an_export_from_sqlite_imports_into_postgresql(sqlite_source, tmp_path):
    result = _manage(sqlite_source, "export_org", "northwind")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "northwind.json"
    path.write_text(result.stdout, encoding="utf-8")

    document = json.loads(result.stdout)
    for member in document["members"]:
        verify(UserFactory(email=member["email"]))
    verify(UserFactory(email="Former@example.com"))

    import_file(path)

    assert export("northwind") == document


def test_costs_survive_the_round_trip_and_a_version_2_file_imports_without_any(northwind, tmp_path):
    document = export("northwind")
    assert document["organization"]["currency"] == "USD"
    assert {cost["role"] for cost in document["role_costs"]} == set(rules.ROLES)
    assert "99999.99" in {member["annual_cost"] for member in document["team_members"]}
    import_file(write(tmp_path, document), slug="copy")
    assert without_slug(export("copy")) == without_slug(document)

    old = copy.deepcopy(document)
    old["version"] = 2
    del old["organization"]["currency"], old["role_costs"], old["scenarios"]
    for member in old["team_members"]:
        del member["annual_cost"]
    import_file(write(tmp_path, old), slug="old")
    restored = Organization.objects.get(slug="old")
    assert restored.currency == "USD"
    assert not RoleCost.objects.filter(organization=restored).exists()
    assert not TeamMember.objects.filter(organization=restored, annual_cost__isnull=False).exists()
