"""Backup and restore of one organization: export_org, import_org and planner.backup.

The round trips write the file out and read it back in, so on each database the suite runs
on (SQLite, PostgreSQL) they prove the file alone carries everything.
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

from planner import backup, rules, services
from planner.models import (
    Change,
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture
def northwind() -> Organization:
    call_command("seed_demo", allow_without_debug=True, stdout=StringIO())
    organization = Organization.objects.get(slug="northwind")
    add_hostile_rows(organization)
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
    assert document["version"] == 1
    assert list(document) == [
        "format",
        "version",
        "organization",
        "members",
        "segments",
        "snapshots",
        "team_members",
        "planned_hires",
        "changes",
    ]


# Columns added while the backup format is being rewritten: each one is still to be carried
# (and given a format step, as files written before it lack it). The strict expected
# failure below turns into a failure of its own once the backup carries them.
NOT_YET_IN_BACKUP = {"is_manager"}


@pytest.mark.xfail(strict=True, reason="the backup does not carry is_manager yet")
def test_the_manager_flag_is_carried_by_the_backup(northwind):
    document = export("northwind")
    assert "is_manager" in document["team_members"][0]
    assert "is_manager" in document["planned_hires"][0]


def test_it_exports_every_column_but_the_primary_key(northwind):
    """A column added later fails here until the backup carries it."""
    document = export("northwind")

    def columns(model, *, carried_as=None, left_out=()):
        names = {field.name for field in model._meta.concrete_fields}
        names -= {"id", "organization", *left_out, *NOT_YET_IN_BACKUP}
        return {carried_as.get(name, name) if carried_as else name for name in names}

    assert set(document["organization"]) == columns(Organization)
    # Memberships carry who and what role, not when they were granted.
    assert columns(Membership, carried_as={"user": "email"}, left_out={"created_at"}) <= set(
        document["members"][0]
    )
    assert columns(Segment) <= set(document["segments"][0])
    assert columns(HeadcountSnapshot) <= set(document["snapshots"][0])
    assert columns(TeamMember) <= set(document["team_members"][0])
    assert columns(PlannedHire) <= set(document["planned_hires"][0])
    assert columns(Change) <= set(document["changes"][0])


def test_it_exports_people_by_email_and_quarters_as_ordinal_and_label(northwind):
    document = export("northwind")
    assert document["members"] == [
        {"email": "demo@example.com", "username": "demo", "role": "owner"},
        {"email": "o'brien+plans@example.com", "username": "zoë.o-brien", "role": "editor"},
        {"email": "viewer@example.com", "username": "viewer", "role": "viewer"},
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
    assert times == [backup._timestamp(at) for at in stored]


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
    with pytest.raises(CommandError, match="these accounts have none: no-mail"):
        call_command("export_org", "northwind", stdout=StringIO())


# --- round trips ---------------------------------------------------------------------------


def test_export_import_export_under_a_new_slug_gives_the_same_document(northwind, tmp_path):
    original = export("northwind")
    path = write(tmp_path, original)

    output = import_file(path, slug="northwind-copy")

    assert "Imported Northwind «Software» & Co. 🚀 as northwind-copy" in output
    copied = export("northwind-copy")
    assert copied["organization"]["slug"] == "northwind-copy"
    assert without_slug(copied) == without_slug(original)


def test_a_file_restores_everything_into_emptied_tables(northwind, tmp_path):
    original = export("northwind")
    stored_times = sorted(Change.objects.values_list("at", flat=True))
    path = write(tmp_path, original)
    Organization.objects.all().delete()
    get_user_model().objects.all().delete()
    assert set(row_counts().values()) == {0}

    output = import_file(path, create_missing_users=True)

    assert export("northwind") == original
    assert "Former@example.com" in output
    restored = Organization.objects.get(slug="northwind")
    assert sorted(Change.objects.values_list("at", flat=True)) == stored_times
    assert restored.created_at.isoformat() == original["organization"]["created_at"]
    costs = set(PlannedHire.objects.values_list("annual_cost", flat=True))
    assert Decimal("123456.78") in costs
    hired = PlannedHire.objects.get(team_member__name='Jürgen "JJ" O\'Neil')
    assert hired.status == "hired"
    assert Segment.objects.get(name=HOSTILE).version == 1
    assert HeadcountSnapshot.objects.filter(version=2).count() == 1


def test_it_reads_the_file_from_stdin(northwind):
    original = export("northwind")
    out = StringIO()

    call_command(
        "import_org", "-", slug="from-stdin", stdin=StringIO(json.dumps(original)), stdout=out
    )

    assert "as from-stdin" in out.getvalue()
    assert without_slug(export("from-stdin")) == without_slug(original)


# --- refusals ------------------------------------------------------------------------------


def test_it_refuses_an_organization_whose_slug_exists(northwind, tmp_path):
    path = write(tmp_path, export("northwind"))
    before = row_counts()
    with pytest.raises(CommandError, match=r"slug 'northwind' already exists.*--slug NEW"):
        import_file(path)
    assert row_counts() == before


def test_it_refuses_members_whose_email_no_account_has(northwind, tmp_path):
    document = export("northwind")
    Organization.objects.all().delete()
    get_user_model().objects.exclude(username="demo").delete()
    path = write(tmp_path, document)
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        import_file(path)

    message = str(refused.value)
    assert "members o'brien+plans@example.com, viewer@example.com" in message
    assert "authors of past changes Former@example.com" in message
    assert "demo@example.com" not in message
    assert "--create-missing-users" in message
    assert row_counts() == before


def test_it_creates_missing_members_without_a_password_when_asked(northwind, tmp_path):
    document = export("northwind")
    Organization.objects.all().delete()
    get_user_model().objects.exclude(username="demo").delete()
    UserFactory(username="viewer", email="someone-else@example.com")
    path = write(tmp_path, document)

    output = import_file(path, create_missing_users=True)

    assert "o'brien+plans@example.com, viewer@example.com, Former@example.com" in output
    user_model = get_user_model()
    editor = user_model.objects.get(email="o'brien+plans@example.com")
    assert editor.username == "zoë.o-brien"
    assert not editor.has_usable_password()
    # The username was taken by someone else: the new account gets the next free one.
    assert user_model.objects.get(email="viewer@example.com").username == "viewer-2"
    assert user_model.objects.get(username="demo").has_usable_password()
    assert export("northwind")["members"] == [
        {**member, "username": "viewer-2"} if member["username"] == "viewer" else member
        for member in document["members"]
    ]


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


INVALID = [
    ("format", _set("format", "something-else"), "format is 'something-else'"),
    ("version", _set("version", 2), "version 2; this planner reads version 1"),
    ("version as text", _set("version", "1"), "version '1'"),
    ("missing list", _delete("snapshots"), "snapshots: missing"),
    ("missing key", _delete("planned_hires.0.status"), "planned_hires[0].status: missing"),
    ("unknown key", _set("segments.0.colour", "red"), "segments[0].colour: unknown key"),
    ("list as object", _set("members", {}), "members: must be a list"),
    ("row as list", _set("segments.1", []), "segments[1]: must be an object"),
    (
        "count as text",
        _set("snapshots.3.sales", "12"),
        "snapshots[3].sales: must be a whole number ≥ 0",
    ),
    (
        "negative count",
        _set("snapshots.3.sales", -1),
        "snapshots[3].sales: must be a whole number ≥ 0",
    ),
    (
        "count as true",
        _set("snapshots.3.other", True),
        "snapshots[3].other: must be a whole number ≥ 0",
    ),
    (
        "fractional count",
        _set("snapshots.2.customer_success", 2.5),
        "snapshots[2].customer_success: must be a whole number ≥ 0",
    ),
    (
        "flag as text",
        _set("organization.leader_has_adult_learning", "yes"),
        "organization.leader_has_adult_learning: must be true or false",
    ),
    (
        "month out of range",
        _set("organization.fiscal_year_start_month", 13),
        "organization.fiscal_year_start_month: must be a whole number from 1 to 12",
    ),
    (
        "unknown team role",
        _set("team_members.0.role", "wizard"),
        "team_members[0].role: must be one of enablement_leader, adult_learning_specialist",
    ),
    (
        "unknown member role",
        _set("members.1.role", "admin"),
        "members[1].role: must be one of owner, editor, viewer",
    ),
    (
        "unknown status",
        _set("planned_hires.0.status", "on_hold"),
        "planned_hires[0].status: must be one of planned, approved, recruiting, hired, cancelled",
    ),
    ("unknown action", _set("changes.0.action", "moved"), "changes[0].action: must be one of"),
    (
        "quarter out of range",
        _set("snapshots.0.quarter", 12),
        "snapshots[0].quarter: must be a quarter ordinal from 8000 (FY2000 Q1)",
    ),
    (
        "end before start",
        _set("team_members.0.end_quarter", 8000),
        "team_members[0].end_quarter: must come after the start quarter",
    ),
    (
        "cost as a number",
        _set("planned_hires.0.annual_cost", 123456.78),
        "planned_hires[0].annual_cost: must be an amount ≥ 0 written as a string, with at most "
        '10 digits before the point and 2 after, like "123456.78"',
    ),
    ("negative cost", _set("planned_hires.0.annual_cost", "-5.00"), "annual_cost: must be"),
    ("cost in cents", _set("planned_hires.0.annual_cost", "1.001"), "annual_cost: must be"),
    ("time as a number", _set("changes.2.at", 1700000000), "changes[2].at: must be an ISO 8601"),
    ("time not a time", _set("changes.2.at", "yesterday"), "changes[2].at: must be an ISO 8601"),
    (
        "time without offset",
        _set("changes.2.at", "2026-01-31T09:30:00"),
        "changes[2].at: must give its offset from UTC",
    ),
    ("diff as list", _set("changes.1.diff", []), "changes[1].diff: must be an object"),
    ("empty name", _set("segments.0.name", "  "), "segments[0].name: must not be empty"),
    ("NUL in a name", _set("team_members.1.name", "a\x00b"), "must not contain NUL characters"),
    ("duplicate quarters", _duplicate_quarter, "snapshots[1].quarter: "),
    (
        "hire of a missing team member",
        _hire_without_member,
        "team_member: no team member has the key 'team-member-99'",
    ),
    ("two hires, one member", _two_hires_one_member, "team_member: 'team-member-"),
    ("same member twice", _duplicate_member, "members[3].email: DEMO@example.com appears twice"),
    # Caught by full_clean() after earlier rows were written: the transaction undoes them.
    (
        "name too long",
        _set("segments.2.name", "x" * 81),
        "segments[2].name: Ensure this value has at most 80 characters (it has 81).",
    ),
    (
        "notes too long",
        _set("planned_hires.1.notes", "x" * 2001),
        "planned_hires[1].notes: must be at most 2000 characters (it has 2001)",
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
        import_file(path, create_missing_users=True)

    assert message in str(refused.value)
    assert row_counts() == before


def test_the_last_row_is_checked_after_the_others_were_written(valid_document, tmp_path):
    """So the refusal of a bad last change proves the transaction undoes everything."""
    document = copy.deepcopy(valid_document)
    last = len(document["changes"]) - 1
    document["changes"][last]["label"] = "x" * 201
    path = write(tmp_path, document)
    before = row_counts()

    with pytest.raises(CommandError, match=rf"changes\[{last}\]\.label: Ensure"):
        import_file(path, create_missing_users=True)

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
    assert "snapshots[3].sales: must be a whole number ≥ 0" in message
    assert "planned_hires[0].status: must be one of" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "The file is not JSON: Expecting property name enclosed in double quotes"),
        ("", "The file is not JSON: Expecting value at line 1, column 1."),
        ("[1, 2]", "not an organization backup: expected an object"),
    ],
    ids=["broken", "empty", "a list"],
)
def test_it_refuses_a_file_that_is_not_a_json_object(db, tmp_path, text, message):
    path = write(tmp_path, text)
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        import_file(path)
    assert message in str(refused.value)
    assert row_counts() == before


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
    """The seeded organization's export, for the refusals to spoil one way each."""
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

    import_file(path, create_missing_users=True)

    assert export("northwind") == json.loads(result.stdout)
