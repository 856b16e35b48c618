"""One organization as a JSON document, and back.

The pydantic models below are the format, described once: the exporter fills them and
writes each row as it goes, and the importer validates a file against them in strict mode
before it writes anything. Exporting, importing and exporting again gives the same document.

What the file holds, and why:

- People are named by e-mail, the one thing two installations share: members (with their
  role) and the authors of past changes. An import trusts an address only where an account
  here has verified it (``verified_email_users``); nobody else is given a role.
- Quarters are the stored ordinals; each comes with a label such as ``FY2027 Q1`` for people
  reading the file, which import ignores.
- Annual costs are strings, so that no amount passes through a binary float.
- A hire that was hired names the team member it became by a key local to the file, never a
  database id. Pending invitations are not part of a backup: they expire within days and
  their links carry secrets.
- Rows keep their versions and timestamps, and the change history its times, so a restored
  organization reads the same as the one that was exported.
- Lists are sorted in Python (or by columns without a collation), so SQLite and PostgreSQL
  write the same file for the same organization.

Version 2 differs from version 1 in one way: members no longer carry the username of the
installation they came from (``upgrade_from_version_1``). Version 3 adds whether a team
member or a planned hire is one of the role's managers (``upgrade_from_version_2``: no one
was, before). Version 4 adds scenarios, each with its inputs, its forecast quarters and its
hires inside it, and the scenario a change was made in (``upgrade_from_version_3``: a file
from before had none). Older files are upgraded step by step on import (``upgrade``).
"""

import datetime
import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

import pydantic_core
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, connection, models, transaction
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    field_validator,
)
from pydantic import ValidationError as SchemaError
from pydantic.functional_validators import AfterValidator
from pydantic_core import PydanticCustomError

from planner import rules, services
from planner.models import (
    MAX_VERTICALS,
    Change,
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    RoleCost,
    Scenario,
    Segment,
    TeamMember,
    verified_email_users,
)
from planner.money import DEFAULT_CURRENCY
from planner.quarters import MAX_ORDINAL, MIN_ORDINAL, Quarter
from planner.validators import validate_plain_text

FORMAT = "enablement-planner-organization"
VERSION = 4

# Shown at most; a file with a hundred errors has one mistake repeated.
MAX_ERRORS_SHOWN = 20
# Rows per INSERT: each statement stays short, so nothing holds the database for long.
BATCH_SIZE = 1000
# The largest whole number the database's integer columns hold.
MAX_COUNT = 2**31 - 1


class BackupError(Exception):
    """The organization cannot be exported, or the file cannot be imported; says why.

    ``lines`` is the message, line by line, for a caller that prints each one safely.
    """

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


# --- the format ----------------------------------------------------------------------------


def _fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _plain_text(value: str) -> str:
    problem = _plain_text_problem(value)
    if problem is not None:
        raise _fail("plain_text", problem)
    return value


# A history repeats the same few labels and e-mails thousands of times: check each once.
@functools.lru_cache(maxsize=4096)
def _plain_text_problem(value: str) -> str | None:
    try:
        validate_plain_text(value)
    except ValidationError as error:
        return error.messages[0]
    return None


def _no_nul(value: str) -> str:
    if "\x00" in value:
        # PostgreSQL cannot store it; nobody types it.
        raise _fail("nul_character", "must not contain NUL characters")
    return value


def _email(value: str) -> str:
    if not _is_email(value):
        raise _fail("email", "must be an e-mail address")
    return value


@functools.lru_cache(maxsize=4096)
def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _moment(value: Any) -> datetime.datetime:
    example = "like 2026-01-31T09:30:00.000000+00:00"
    if not isinstance(value, str):
        raise _fail("moment_type", f"must be an ISO 8601 date and time as a string, {example}")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise _fail("moment", f"must be an ISO 8601 date and time, {example}") from None
    if moment.tzinfo is None:
        raise _fail("moment_offset", f"must give its offset from UTC, {example}")
    try:
        moment = moment.astimezone(datetime.UTC)
    except OverflowError:
        moment = None
    # A day's margin at each end, so that pages can show it in any time zone.
    if moment is None or not _EARLIEST <= moment <= _LATEST:
        raise _fail("moment_range", "must fall between the years 2 and 9998 in UTC")
    return moment


_EARLIEST = datetime.datetime(2, 1, 1, tzinfo=datetime.UTC)
_LATEST = datetime.datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


_AMOUNT = re.compile(r"\d{1,10}(\.\d{1,2})?")


def _amount(value: Any) -> Decimal:
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise _fail(
            "amount",
            "must be an amount ≥ 0 written as a string, with at most 10 digits before the "
            'point and 2 after, like "123456.78"',
        )
    return Decimal(value)


MAX_DIFF_TEXT = 2000


def _pair(value: Any) -> list:
    """A history entry's value: exactly [before, after], each what the recorder writes."""
    message = (
        "must be a [before, after] pair, each null, true, false, a whole number or a string "
        f"of at most {MAX_DIFF_TEXT} characters without NUL"
    )
    if not isinstance(value, list) or len(value) != 2:
        raise _fail("diff_pair", message)
    for item in value:
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int) and -(2**63) <= item < 2**63:
            continue
        if isinstance(item, str) and len(item) <= MAX_DIFF_TEXT and "\x00" not in item:
            continue
        raise _fail("diff_pair", message)
    return value


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _field_name(value: str) -> str:
    if not _FIELD_NAME.fullmatch(value):
        raise _fail("field_name", "must be a field name in lower case, like customer_success")
    return value


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


def _name(model: type[models.Model], name: str = "name"):
    """A one-line name people read back, as long as its column allows."""
    return Annotated[
        str, Field(min_length=1, max_length=_max_length(model, name)), AfterValidator(_plain_text)
    ]


def _choice(values: Iterable[str]):
    return Literal[tuple(values)]


Whole = Annotated[int, Field(ge=0, le=MAX_COUNT)]
RowVersion = Annotated[int, Field(ge=1, le=MAX_COUNT)]
QuarterOrdinal = Annotated[int, Field(ge=MIN_ORDINAL, le=MAX_ORDINAL)]
QuarterLabel = Annotated[str, Field(max_length=20)] | None
Moment = Annotated[datetime.datetime, PlainValidator(_moment), PlainSerializer(_timestamp)]
Amount = Annotated[Decimal, PlainValidator(_amount), PlainSerializer(lambda cost: f"{cost:.2f}")]
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
FieldName = Annotated[str, AfterValidator(_field_name)]


class _Entry(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _Row(_Entry):
    version: RowVersion
    created_at: Moment
    updated_at: Moment


class OrganizationEntry(_Row):
    slug: Annotated[str, Field(max_length=_max_length(Organization, "slug"))]
    name: _name(Organization)
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)]
    target_ratio: Annotated[int, Field(ge=rules.MIN_TARGET_RATIO, le=rules.MAX_TARGET_RATIO)]
    leader_has_adult_learning: bool
    leader_strategic_share: Annotated[int, Field(ge=0, le=100)]
    reports_to: _choice(Organization.ReportsTo.values)
    hiring_lead_time: Annotated[int, Field(ge=0, le=4)]
    stage_one_focus: _choice(Organization.Focus.values)
    currency: Annotated[str, Field(min_length=3, max_length=3)]


class MemberEntry(_Entry):
    email: Email
    role: _choice(Membership.Role.values)


class SegmentEntry(_Row):
    name: _name(Segment)


class SnapshotEntry(_Row):
    quarter: QuarterOrdinal
    quarter_label: QuarterLabel = None
    sales: Whole
    customer_success: Whole
    other: Whole


class TeamMemberEntry(_Row):
    key: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_plain_text)]
    role: _choice(rules.ROLES)
    name: _name(TeamMember)
    start_quarter: QuarterOrdinal
    start_quarter_label: QuarterLabel = None
    end_quarter: QuarterOrdinal | None
    end_quarter_label: QuarterLabel = None
    is_manager: bool
    annual_cost: Amount | None


class PlannedHireEntry(_Row):
    role: _choice(rules.ROLES)
    target_quarter: QuarterOrdinal
    target_quarter_label: QuarterLabel = None
    status: _choice(rules.HIRE_STATUSES)
    annual_cost: Amount | None
    notes: Annotated[
        str, Field(max_length=_max_length(PlannedHire, "notes")), AfterValidator(_no_nul)
    ]
    team_member: Annotated[str, Field(min_length=1, max_length=40)] | None
    is_manager: bool


class RoleCostEntry(_Row):
    role: _choice(rules.ROLES)
    annual_cost: Amount
    manager_annual_cost: Amount | None


ScenarioKey = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_plain_text)]


class ScenarioEntry(_Row):
    """A scenario with its own rows: forecast quarters and hires, never linked to a team
    member (a hire becomes a person in the plan alone)."""

    key: ScenarioKey
    name: _name(Scenario)
    target_ratio: Annotated[int, Field(ge=rules.MIN_TARGET_RATIO, le=rules.MAX_TARGET_RATIO)]
    hiring_lead_time: Annotated[int, Field(ge=0, le=4)]
    leader_has_adult_learning: bool
    verticals: Annotated[int, Field(ge=0, le=MAX_VERTICALS)]
    snapshots: list[SnapshotEntry]
    planned_hires: list[PlannedHireEntry]


class ChangeEntry(_Entry):
    actor: Email | None
    action: _choice(Change.Action.values)
    entity: _name(Change, "entity")
    # What the row was called at the time; may be empty, never a control character.
    label: Annotated[
        str,
        Field(max_length=_max_length(Change, "label")),
        AfterValidator(lambda label: _plain_text(label) if label else label),
    ]
    # What the History page shows: each field's value before and after.
    diff: dict[FieldName, Annotated[list, PlainValidator(_pair)]]
    at: Moment
    # The scenario it was made in, by its key in the file (None: gone, or the plan), and
    # its name at the time.
    scenario: ScenarioKey | None = None
    scenario_name: Annotated[
        str,
        Field(max_length=_max_length(Change, "scenario_name")),
        AfterValidator(lambda name: _plain_text(name) if name else name),
    ] = ""

    @field_validator("diff")
    @classmethod
    def _costs_are_amounts(cls, diff: dict[str, list]) -> dict[str, list]:
        # The History page reads these as amounts; "sNaN" would stop it.
        for name in ("annual_cost", "manager_annual_cost"):
            for value in diff.get(name, ()):
                if value is None or (isinstance(value, str) and _AMOUNT.fullmatch(value)):
                    continue
                raise _fail(
                    "diff_amount",
                    f"{name}: each value must be null or an amount written as a string, "
                    'like "123456.78"',
                )
        return diff


class Backup(_Entry):
    format: Literal[FORMAT]
    version: Literal[VERSION]
    organization: OrganizationEntry
    members: list[MemberEntry]
    segments: list[SegmentEntry]
    snapshots: list[SnapshotEntry]
    team_members: list[TeamMemberEntry]
    planned_hires: list[PlannedHireEntry]
    role_costs: list[RoleCostEntry]
    scenarios: list[ScenarioEntry]
    changes: list[ChangeEntry]


class _Header(BaseModel):
    """Just enough of a file to tell whether, and how, to read the rest."""

    model_config = ConfigDict(extra="ignore")
    format: Any = None
    version: Any = None


def upgrade_from_version_1(document: dict[str, Any]) -> dict[str, Any]:
    """A version 1 document as version 2: members lose the username of their old account.

    Version 2 places people by verified e-mail only and creates no accounts, so a username
    from another installation no longer means anything; nothing else changed meaning.
    """
    upgraded: dict[str, Any] = {**document, "version": 2}
    if isinstance(document.get("members"), list):
        upgraded["members"] = [
            {key: value for key, value in member.items() if key != "username"}
            if isinstance(member, dict)
            else member
            for member in document["members"]
        ]
    return upgraded


def upgrade_from_version_2(document: dict[str, Any]) -> dict[str, Any]:
    """A version 2 document as version 3, which added managers (RULES.md B step 10: no
    seat or hire was a manager's before) and costs: the default currency, as a new
    organization gets, no cost of their own for team members and no default costs per
    role, so the restored plan costs nothing until someone sets them."""
    upgraded: dict[str, Any] = {**document, "version": 3}
    if isinstance(document.get("organization"), dict):
        upgraded["organization"] = {"currency": DEFAULT_CURRENCY, **document["organization"]}
    if isinstance(document.get("team_members"), list):
        upgraded["team_members"] = [
            {**member, "is_manager": False, "annual_cost": None}
            if isinstance(member, dict)
            else member
            for member in document["team_members"]
        ]
    if isinstance(document.get("planned_hires"), list):
        upgraded["planned_hires"] = [
            {**hire, "is_manager": False} if isinstance(hire, dict) else hire
            for hire in document["planned_hires"]
        ]
    # Before the history, as the exporter writes it.
    items = list(upgraded.items())
    at = next((i for i, (key, _) in enumerate(items) if key == "changes"), len(items))
    return dict([*items[:at], ("role_costs", []), *items[at:]])


def upgrade_from_version_3(document: dict[str, Any]) -> dict[str, Any]:
    """A version 3 document as version 4, which added scenarios: a file from before has
    none, and none of its changes was made in one."""
    upgraded: dict[str, Any] = {**document, "version": 4}
    if isinstance(document.get("changes"), list):
        upgraded["changes"] = [
            {**change, "scenario": None, "scenario_name": ""}
            if isinstance(change, dict)
            else change
            for change in document["changes"]
        ]
    items = list(upgraded.items())
    at = next((i for i, (key, _) in enumerate(items) if key == "changes"), len(items))
    return dict([*items[:at], ("scenarios", []), *items[at:]])


UPGRADES = {1: upgrade_from_version_1, 2: upgrade_from_version_2, 3: upgrade_from_version_3}


def upgrade(document: dict[str, Any]) -> dict[str, Any]:
    """A document of any earlier version as the current one, one version at a time."""
    while document.get("version") in UPGRADES:
        document = UPGRADES[document["version"]](document)
    return document


# --- export --------------------------------------------------------------------------------


def export_lines(organization: Organization) -> Iterator[str]:
    """The organization and every row that belongs to it, as lines of one JSON document.

    Written a row at a time, so a history of any length takes the memory of one row; a
    BackupError, if any, comes before the first line. Read
    in one repeatable-read transaction on PostgreSQL (unless a caller's transaction is open),
    so every line is of the same moment.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        memberships = list(
            Membership.objects.filter(organization=organization).select_related("user")
        )
        authors = get_user_model().objects.filter(
            pk__in=Change.objects.filter(organization=organization).values("actor")
        )
        emails = _emails({m.user for m in memberships} | set(authors))

        team = sorted(
            TeamMember.objects.filter(organization=organization),
            key=lambda member: (member.start_quarter, member.name, member.pk),
        )
        keys = {member.pk: f"team-member-{number}" for number, member in enumerate(team, 1)}
        # Built before the first line, so that a refusal leaves no half-written file.
        hires = [
            PlannedHireEntry.model_construct(
                role=hire.role,
                **_quarter("target_quarter", hire.target_quarter),
                status=hire.status,
                annual_cost=hire.annual_cost,
                notes=hire.notes,
                team_member=_team_member_key(hire, keys),
                is_manager=hire.is_manager,
                **_row_meta(hire),
            )
            for hire in sorted(
                PlannedHire.objects.filter(organization=organization, scenario=None),
                key=lambda hire: (hire.target_quarter, hire.role, hire.pk),
            )
        ]

        yield "{"
        yield f'  "format": {json.dumps(FORMAT)},'
        yield f'  "version": {VERSION},'
        yield f'  "organization": {_json(_organization_entry(organization))},'
        yield from _json_list(
            "members",
            sorted(
                (MemberEntry.model_construct(email=m.user.email, role=m.role) for m in memberships),
                key=lambda member: (member.email.lower(), member.email),
            ),
        )
        segments = Segment.objects.filter(organization=organization)
        yield from _json_list(
            "segments",
            (
                SegmentEntry.model_construct(name=segment.name, **_row_meta(segment))
                for segment in sorted(segments, key=lambda segment: (segment.name, segment.pk))
            ),
        )
        yield from _json_list(
            "snapshots",
            (
                SnapshotEntry.model_construct(
                    **_quarter("quarter", snapshot.quarter),
                    sales=snapshot.sales,
                    customer_success=snapshot.customer_success,
                    other=snapshot.other,
                    **_row_meta(snapshot),
                )
                for snapshot in HeadcountSnapshot.objects.filter(
                    organization=organization, scenario=None
                ).order_by("quarter")
            ),
        )
        yield from _json_list(
            "team_members",
            (
                TeamMemberEntry.model_construct(
                    key=keys[member.pk],
                    role=member.role,
                    name=member.name,
                    **_quarter("start_quarter", member.start_quarter),
                    **_quarter("end_quarter", member.end_quarter),
                    is_manager=member.is_manager,
                    annual_cost=member.annual_cost,
                    **_row_meta(member),
                )
                for member in team
            ),
        )
        yield from _json_list("planned_hires", hires)
        yield from _json_list(
            "role_costs",
            (
                RoleCostEntry.model_construct(
                    role=cost.role,
                    annual_cost=cost.annual_cost,
                    manager_annual_cost=cost.manager_annual_cost,
                    **_row_meta(cost),
                )
                for cost in sorted(
                    RoleCost.objects.filter(organization=organization),
                    key=lambda cost: rules.ROLES.index(cost.role),
                )
            ),
        )
        scenarios = sorted(
            Scenario.objects.filter(organization=organization), key=lambda s: (s.name, s.pk)
        )
        scenario_keys = {s.pk: f"scenario-{number}" for number, s in enumerate(scenarios, 1)}
        yield from _json_list(
            "scenarios", _scenario_entries(organization, scenarios, scenario_keys)
        )
        # Times and ids sort alike on every database, so the database may sort these.
        changes = (
            Change.objects.filter(organization=organization)
            .order_by("at", "pk")
            .values_list(
                "actor_id",
                "action",
                "entity",
                "label",
                "diff",
                "at",
                "scenario_id",
                "scenario_name",
            )
            .iterator(chunk_size=BATCH_SIZE)
        )
        yield from _json_list(
            "changes",
            (
                ChangeEntry.model_construct(
                    actor=emails.get(actor_id),
                    action=action,
                    entity=entity,
                    label=label,
                    # PostgreSQL's jsonb reorders keys, SQLite does not.
                    diff=dict(sorted(diff.items())) if isinstance(diff, dict) else diff,
                    at=at,
                    scenario=scenario_keys.get(scenario_id),
                    scenario_name=scenario_name,
                )
                for actor_id, action, entity, label, diff, at, scenario_id, scenario_name in changes
            ),
            last=True,
        )
        yield "}"


def _snapshot_entry(snapshot: HeadcountSnapshot) -> SnapshotEntry:
    return SnapshotEntry.model_construct(
        **_quarter("quarter", snapshot.quarter),
        sales=snapshot.sales,
        customer_success=snapshot.customer_success,
        other=snapshot.other,
        **_row_meta(snapshot),
    )


def _scenario_entries(
    organization: Organization, scenarios: list[Scenario], keys: dict[int, str]
) -> Iterator[ScenarioEntry]:
    """Each scenario with its rows: two queries for all of them, whatever their number."""
    snapshots: dict[int, list[HeadcountSnapshot]] = {}
    for snapshot in HeadcountSnapshot.objects.filter(
        organization=organization, scenario__isnull=False
    ).order_by("quarter"):
        snapshots.setdefault(snapshot.scenario_id, []).append(snapshot)
    hires: dict[int, list[PlannedHire]] = {}
    for hire in sorted(
        PlannedHire.objects.filter(organization=organization, scenario__isnull=False),
        key=lambda hire: (hire.target_quarter, hire.role, hire.pk),
    ):
        hires.setdefault(hire.scenario_id, []).append(hire)
    for scenario in scenarios:
        yield ScenarioEntry.model_construct(
            key=keys[scenario.pk],
            name=scenario.name,
            target_ratio=scenario.target_ratio,
            hiring_lead_time=scenario.hiring_lead_time,
            leader_has_adult_learning=scenario.leader_has_adult_learning,
            verticals=scenario.verticals,
            snapshots=[_snapshot_entry(s) for s in snapshots.get(scenario.pk, [])],
            planned_hires=[
                PlannedHireEntry.model_construct(
                    role=hire.role,
                    **_quarter("target_quarter", hire.target_quarter),
                    status=hire.status,
                    annual_cost=hire.annual_cost,
                    notes=hire.notes,
                    team_member=None,
                    is_manager=hire.is_manager,
                    **_row_meta(hire),
                )
                for hire in hires.get(scenario.pk, [])
            ],
            **_row_meta(scenario),
        )


def _json(entry: BaseModel) -> str:
    # ASCII escapes keep the file intact through any terminal or pipe encoding.
    return entry.model_dump_json(ensure_ascii=True)


def _json_list(name: str, entries: Iterable[BaseModel], *, last: bool = False) -> Iterator[str]:
    """``"name": [`` and one entry a line, each but the last followed by a comma."""
    after = "" if last else ","
    previous = None
    for entry in entries:
        if previous is None:
            yield f'  "{name}": ['
        else:
            yield f"    {previous},"
        previous = _json(entry)
    if previous is None:
        yield f'  "{name}": []{after}'
    else:
        yield f"    {previous}"
        yield f"  ]{after}"


def _organization_entry(organization: Organization) -> OrganizationEntry:
    return OrganizationEntry.model_construct(
        slug=organization.slug,
        **{name: getattr(organization, name) for name in services.ORGANIZATION_FIELDS},
        **_row_meta(organization),
    )


def _emails(people: set) -> dict[int, str]:
    """Each person's e-mail by account id; refuses a file that could not name them."""
    without = sorted(user.get_username() for user in people if not user.email)
    if without:
        raise BackupError(
            "A backup names people by e-mail, and these accounts have none: "
            f"{', '.join(without)}. Give each an e-mail address, then export again."
        )
    by_email: dict[str, list[str]] = {}
    for user in people:
        by_email.setdefault(user.email.lower(), []).append(user.get_username())
    shared = sorted(
        f"{email} ({', '.join(sorted(names))})"
        for email, names in by_email.items()
        if len(names) > 1
    )
    if shared:
        raise BackupError(
            "A backup names people by e-mail, and these accounts share one: "
            f"{'; '.join(shared)}. Give each its own e-mail address, then export again."
        )
    return {user.pk: user.email for user in people}


def _row_meta(row: models.Model) -> dict[str, Any]:
    return {"version": row.version, "created_at": row.created_at, "updated_at": row.updated_at}


def _quarter(name: str, ordinal: int | None) -> dict[str, Any]:
    label = None if ordinal is None else Quarter.from_ordinal(ordinal).label
    return {name: ordinal, f"{name}_label": label}


def _team_member_key(hire: PlannedHire, keys: dict[int, str]) -> str | None:
    if hire.team_member_id is None:
        return None
    if hire.team_member_id not in keys:
        raise BackupError(f"{hire} became a team member of another organization.")
    return keys[hire.team_member_id]


# --- reading a file ------------------------------------------------------------------------


def read(raw: bytes) -> Backup:
    """The backup in ``raw``, checked whole; BackupError naming every problem and where."""
    try:
        header = _Header.model_validate_json(raw)
    except SchemaError as error:
        raise _not_a_backup(error) from None
    if header.format != FORMAT:
        raise BackupError(
            "This is not an Enablement Planner organization backup: its format is "
            f"{_short(header.format)}, expected {FORMAT!r}."
        )
    if type(header.version) is int and header.version in UPGRADES:
        raw = pydantic_core.to_json(upgrade(pydantic_core.from_json(raw)))
    elif type(header.version) is not int or header.version != VERSION:
        raise BackupError(
            f"This backup is version {_short(header.version)}; this planner reads versions 1 "
            f"to {VERSION}."
        )
    try:
        backup = Backup.model_validate_json(raw)
    except SchemaError as error:
        raise _invalid_file(
            f"{_path(problem['loc'])}: {problem['msg']}"
            for problem in error.errors(include_url=False, include_input=False)
        ) from None
    problems = _inconsistencies(backup)
    if problems:
        raise _invalid_file(problems)
    return backup


def _not_a_backup(error: SchemaError) -> BackupError:
    problem = error.errors(include_url=False, include_input=False)[0]
    if problem["type"] == "json_invalid":
        detail = problem["ctx"]["error"]
        if detail.startswith("recursion limit exceeded"):
            detail = f"nested too deeply ({detail})"
        return BackupError(f"The file is not JSON, so nothing was imported: {detail}.")
    return BackupError("The file is JSON but not an organization backup: expected an object.")


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str | int | float | bool | None) else "not a value"
    return text if len(text) <= 60 else text[:57] + "…"


def _path(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "(the whole file)"


def _inconsistencies(backup: Backup) -> list[str]:
    """What no single entry shows: duplicates, and references to rows that are not there."""
    problems: list[str] = []

    def unique(section: str, values: list, describe=str) -> None:
        seen: dict[Any, int] = {}
        for index, (value, shown) in enumerate(values):
            if value in seen:
                problems.append(
                    f"{section}.{index}: {describe(shown)} appears twice (also {section}."
                    f"{seen[value]})"
                )
            else:
                seen[value] = index

    unique("members", [(m.email.lower(), m.email) for m in backup.members])
    unique("segments", [(s.name, s.name) for s in backup.segments], repr)
    unique("snapshots", [(s.quarter, s.quarter) for s in backup.snapshots], _quarter_name)
    unique("team_members", [(t.key, t.key) for t in backup.team_members], "key {!r}".format)
    for index, member in enumerate(backup.team_members):
        if member.end_quarter is not None and member.end_quarter <= member.start_quarter:
            problems.append(
                f"team_members.{index}.end_quarter: must come after the start quarter "
                f"({_quarter_name(member.start_quarter)})"
            )
    keys = {member.key for member in backup.team_members}
    linked: dict[str, int] = {}
    for index, hire in enumerate(backup.planned_hires):
        key = hire.team_member
        if key is None:
            continue
        path = f"planned_hires.{index}.team_member"
        if key not in keys:
            problems.append(f"{path}: no team member has the key {key!r}")
        elif key in linked:
            problems.append(f"{path}: {key!r} is already linked to planned_hires.{linked[key]}")
        else:
            linked[key] = index
    unique("scenarios", [(s.key, s.key) for s in backup.scenarios], "key {!r}".format)
    unique("scenarios", [(s.name.lower(), s.name) for s in backup.scenarios], repr)
    for index, scenario in enumerate(backup.scenarios):
        unique(
            f"scenarios.{index}.snapshots",
            [(s.quarter, s.quarter) for s in scenario.snapshots],
            _quarter_name,
        )
        for number, hire in enumerate(scenario.planned_hires):
            if hire.team_member is not None:
                problems.append(
                    f"scenarios.{index}.planned_hires.{number}.team_member: a scenario's hire "
                    "is never a team member; must be null"
                )
            if hire.status == rules.HIRED:
                problems.append(
                    f"scenarios.{index}.planned_hires.{number}.status: a scenario's hire "
                    "is never hired (a hire is marked hired in the plan alone)"
                )
    scenario_keys = {scenario.key for scenario in backup.scenarios}
    for index, change in enumerate(backup.changes):
        if change.scenario is not None and change.scenario not in scenario_keys:
            problems.append(
                f"changes.{index}.scenario: no scenario has the key {change.scenario!r}"
            )
    return problems


def _quarter_name(ordinal: int) -> str:
    return f"{ordinal} ({Quarter.from_ordinal(ordinal)})"


def _invalid_file(errors: Iterable[str]) -> BackupError:
    errors = list(errors)
    lines = [f"  {line}" for line in errors[:MAX_ERRORS_SHOWN]]
    if len(errors) > MAX_ERRORS_SHOWN:
        lines.append(f"  … and {len(errors) - MAX_ERRORS_SHOWN} more")
    return BackupError("The file is not a valid organization backup; nothing was imported.", *lines)


# --- import --------------------------------------------------------------------------------


@dataclass
class Restored:
    """What an import wrote, and whom it could not place."""

    organization: Organization
    counts: dict[str, int] = field(default_factory=dict)
    # Members of the file that no account here has verified, with their role: left out.
    left_out: list[tuple[str, str]] = field(default_factory=list)
    # Authors of past changes that no account here has verified: their changes keep no author.
    unknown_authors: list[str] = field(default_factory=list)


def import_organization(
    backup: Backup, *, slug: str | None = None, owner: str | None = None
) -> Restored:
    """Recreates the organization in ``backup``, under ``slug`` if given; all or nothing.

    People are placed only on accounts whose e-mail is verified. ``owner`` names one more
    such account, by e-mail, to own the organization whatever the file says.
    """
    try:
        with transaction.atomic():
            return _write(backup, slug=slug or backup.organization.slug, owner=owner)
    except (IntegrityError, DataError) as error:
        # Checked first, so only a concurrent write or a database's own limit gets here.
        raise BackupError(
            "The database refused the file, so nothing was imported:", f"  {error}"
        ) from error


def _write(backup: Backup, *, slug: str, owner: str | None) -> Restored:
    if Organization.objects.filter(slug=slug).exists():
        raise BackupError(
            f"An organization with the slug {slug!r} already exists. "
            "Import under another slug with --slug NEW."
        )
    roles, left_out = _memberships(backup, owner)
    organization = _create_organization(backup.organization, slug)
    restored = Restored(organization=organization, left_out=left_out)

    Membership.objects.bulk_create(
        Membership(organization=organization, user=user, role=role) for user, role in roles
    )
    restored.counts["members"] = len(roles)
    restored.counts["segments"] = _insert(
        Segment,
        (
            _timed(Segment(organization=organization, name=entry.name), entry)
            for entry in backup.segments
        ),
    )
    restored.counts["snapshots"] = _insert(
        HeadcountSnapshot,
        (
            _timed(
                HeadcountSnapshot(
                    organization=organization,
                    quarter=entry.quarter,
                    sales=entry.sales,
                    customer_success=entry.customer_success,
                    other=entry.other,
                ),
                entry,
            )
            for entry in backup.snapshots
        ),
    )
    team = [
        _timed(
            TeamMember(
                organization=organization,
                role=entry.role,
                name=entry.name,
                start_quarter=entry.start_quarter,
                end_quarter=entry.end_quarter,
                is_manager=entry.is_manager,
                annual_cost=entry.annual_cost,
            ),
            entry,
        )
        for entry in backup.team_members
    ]
    restored.counts["team_members"] = _insert(TeamMember, team, with_ids=True)
    keys = (entry.key for entry in backup.team_members)
    team_by_key = dict(zip(keys, team, strict=True))
    restored.counts["planned_hires"] = _insert(
        PlannedHire,
        (
            _timed(
                PlannedHire(
                    organization=organization,
                    role=entry.role,
                    target_quarter=entry.target_quarter,
                    status=entry.status,
                    annual_cost=entry.annual_cost,
                    notes=entry.notes,
                    team_member=team_by_key.get(entry.team_member),
                    is_manager=entry.is_manager,
                ),
                entry,
            )
            for entry in backup.planned_hires
        ),
    )
    restored.counts["role_costs"] = _insert(
        RoleCost,
        (
            _timed(
                RoleCost(
                    organization=organization,
                    role=entry.role,
                    annual_cost=entry.annual_cost,
                    manager_annual_cost=entry.manager_annual_cost,
                ),
                entry,
            )
            for entry in backup.role_costs
        ),
    )

    scenarios = _write_scenarios(backup, organization, restored)
    emails = {entry.actor.lower() for entry in backup.changes if entry.actor is not None}
    authors = verified_email_users(emails)
    restored.unknown_authors = sorted(emails - set(authors))
    restored.counts["changes"] = _insert(
        Change,
        (
            Change(
                organization=organization,
                actor=None if entry.actor is None else authors.get(entry.actor.lower()),
                action=entry.action,
                entity=entry.entity,
                label=entry.label,
                diff=entry.diff,
                at=entry.at,
                scenario=scenarios.get(entry.scenario),
                scenario_name=entry.scenario_name,
            )
            for entry in backup.changes
        ),
    )
    return restored


def _write_scenarios(
    backup: Backup, organization: Organization, restored: Restored
) -> dict[str, Scenario]:
    """The file's scenarios and their rows; each scenario by its key in the file."""
    scenarios = {
        entry.key: _timed(
            Scenario(
                organization=organization,
                name=entry.name,
                target_ratio=entry.target_ratio,
                hiring_lead_time=entry.hiring_lead_time,
                leader_has_adult_learning=entry.leader_has_adult_learning,
                verticals=entry.verticals,
            ),
            entry,
        )
        for entry in backup.scenarios
    }
    restored.counts["scenarios"] = _insert(Scenario, scenarios.values(), with_ids=True)
    restored.counts["scenario_snapshots"] = _insert(
        HeadcountSnapshot,
        (
            _timed(
                HeadcountSnapshot(
                    organization=organization,
                    scenario=scenarios[entry.key],
                    quarter=row.quarter,
                    sales=row.sales,
                    customer_success=row.customer_success,
                    other=row.other,
                ),
                row,
            )
            for entry in backup.scenarios
            for row in entry.snapshots
        ),
    )
    restored.counts["scenario_hires"] = _insert(
        PlannedHire,
        (
            _timed(
                PlannedHire(
                    organization=organization,
                    scenario=scenarios[entry.key],
                    role=hire.role,
                    target_quarter=hire.target_quarter,
                    status=hire.status,
                    annual_cost=hire.annual_cost,
                    notes=hire.notes,
                    is_manager=hire.is_manager,
                ),
                hire,
            )
            for entry in backup.scenarios
            for hire in entry.planned_hires
        ),
    )
    return scenarios


def _memberships(backup: Backup, owner: str | None) -> tuple[list[tuple[Any, str]], list]:
    """Who gets which role: members of the file whose e-mail an account here has verified,
    plus ``owner``; and the members left out. Refuses an organization nobody would own."""
    accounts = verified_email_users(member.email for member in backup.members)
    roles: dict[Any, str] = {}
    left_out = []
    for member in backup.members:
        user = accounts.get(member.email.lower())
        if user is None:
            left_out.append((member.email, member.role))
        else:
            roles[user] = member.role
    if owner is not None:
        user = verified_email_users([owner]).get(owner.lower())
        if user is None:
            raise BackupError(
                f"No account here has verified the e-mail {owner}, so it cannot own the "
                "restored organization; nothing was imported."
            )
        roles[user] = Membership.Role.OWNER
    if Membership.Role.OWNER not in roles.values():
        owners = [m.email for m in backup.members if m.role == Membership.Role.OWNER]
        raise BackupError(
            "The restored organization would have no owner, so nothing was imported: no "
            "account here has verified the e-mail of "
            f"{', '.join(owners) if owners else 'an owner (the file names none)'}.",
            "Ask an owner to sign up and verify their e-mail, or name an account with a "
            "verified e-mail to own it with --owner EMAIL.",
        )
    return list(roles.items()), left_out


def _create_organization(entry: OrganizationEntry, slug: str) -> Organization:
    fields = {name: getattr(entry, name) for name in services.ORGANIZATION_FIELDS}
    organization = Organization(slug=slug, **fields)
    try:
        # The slug may come from the command line rather than the checked file.
        organization.full_clean()
    except ValidationError as error:
        raise _invalid_file(
            f"organization{'' if name == NON_FIELD_ERRORS else '.' + name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ) from None
    _timed(organization, entry)
    _insert(Organization, [organization], with_ids=True)
    return organization


def _timed(instance: models.Model, entry: _Row) -> models.Model:
    instance.version = entry.version
    instance.created_at = entry.created_at
    instance.updated_at = entry.updated_at
    return instance


def _insert(
    model: type[models.Model], instances: Iterable[models.Model], *, with_ids: bool = False
) -> int:
    """Inserts ``instances`` a batch at a time, with their values as they are.

    bulk_create() would stamp ``auto_now`` columns with the current time; this is the raw
    insert that loaddata relies on, so the file's timestamps go in as they are, with no
    second pass of updates. ``with_ids`` sets each instance's new primary key.
    """
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    returning = model._meta.db_returning_fields if with_ids else None
    count = 0
    batch: list[models.Model] = []

    def flush() -> None:
        rows = model._base_manager._insert(
            batch, fields=fields, returning_fields=returning, raw=True
        )
        if with_ids:
            for instance, row in zip(batch, rows, strict=True):
                instance.pk = row[0]
                instance._state.adding = False
        batch.clear()

    for instance in instances:
        batch.append(instance)
        count += 1
        if len(batch) == BATCH_SIZE:
            flush()
    if batch:
        flush()
    return count
