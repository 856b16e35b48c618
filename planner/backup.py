"""One organization as a JSON document, and back.

``export_organization`` turns an organization into plain JSON values; ``import_organization``
checks a whole document before it writes anything, then recreates the organization inside
one transaction. Exporting, importing and exporting again gives the same document.

What the file holds, and why:

- People are named by email, the one thing two installations share: members (with their
  username and role) and the authors of past changes are found again by email on import.
- Quarters are the stored ordinals; each comes with a label such as ``FY2027 Q1`` for people
  reading the file, which import ignores.
- Annual costs are strings, so that no amount passes through a binary float.
- A hire that was hired names the team member it became by a key local to the file, never a
  database id. Pending invitations are not part of a backup: they expire within days and
  their links carry secrets.
- Rows keep their versions and timestamps, and the change history its times, so a restored
  organization reads the same as the one that was exported.
- Lists are sorted in Python, not by the database, so SQLite and PostgreSQL write the same
  file for the same organization whatever their collations.
"""

import datetime
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, models, transaction

from planner import rules, services
from planner.models import (
    Change,
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)
from planner.quarters import MAX_ORDINAL, MIN_ORDINAL, Quarter

FORMAT = "enablement-planner-organization"
VERSION = 1

# Shown at most; a file with a hundred errors has one mistake repeated.
MAX_ERRORS_SHOWN = 20

TIMESTAMP_FIELDS = ("created_at", "updated_at")
# What a person edits, plus what identifies the organization and dates its rows.
ORGANIZATION_FIELDS = ("slug", *services.ORGANIZATION_FIELDS, "version", *TIMESTAMP_FIELDS)


class BackupError(Exception):
    """The organization cannot be exported, or the file cannot be imported; says why."""


# --- export --------------------------------------------------------------------------------


def export_organization(organization: Organization) -> dict[str, Any]:
    """The organization and every row that belongs to it, as JSON-ready values."""
    memberships = list(Membership.objects.filter(organization=organization).select_related("user"))
    changes = list(Change.objects.filter(organization=organization).select_related("actor"))
    _check_emails(memberships, changes)

    team = sorted(
        TeamMember.objects.filter(organization=organization),
        key=lambda member: (member.start_quarter, member.name, member.pk),
    )
    keys = {member.pk: f"team-member-{number}" for number, member in enumerate(team, 1)}
    hires = sorted(
        PlannedHire.objects.filter(organization=organization),
        key=lambda hire: (hire.target_quarter, hire.role, hire.pk),
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "organization": {
            field: _timestamp(getattr(organization, field))
            if field in TIMESTAMP_FIELDS
            else getattr(organization, field)
            for field in ORGANIZATION_FIELDS
        },
        "members": sorted(
            (
                {"email": m.user.email, "username": m.user.get_username(), "role": m.role}
                for m in memberships
            ),
            key=lambda member: (member["email"].lower(), member["email"], member["username"]),
        ),
        "segments": [
            {"name": segment.name, **_row_meta(segment)}
            for segment in sorted(
                Segment.objects.filter(organization=organization),
                key=lambda segment: (segment.name, segment.pk),
            )
        ],
        "snapshots": [
            {
                **_quarter("quarter", snapshot.quarter),
                "sales": snapshot.sales,
                "customer_success": snapshot.customer_success,
                "other": snapshot.other,
                **_row_meta(snapshot),
            }
            for snapshot in sorted(
                HeadcountSnapshot.objects.filter(organization=organization),
                key=lambda snapshot: snapshot.quarter,
            )
        ],
        "team_members": [
            {
                "key": keys[member.pk],
                "role": member.role,
                "name": member.name,
                **_quarter("start_quarter", member.start_quarter),
                **_quarter("end_quarter", member.end_quarter),
                **_row_meta(member),
            }
            for member in team
        ],
        "planned_hires": [
            {
                "role": hire.role,
                **_quarter("target_quarter", hire.target_quarter),
                "status": hire.status,
                "annual_cost": None if hire.annual_cost is None else f"{hire.annual_cost:.2f}",
                "notes": hire.notes,
                "team_member": _team_member_key(hire, keys),
                **_row_meta(hire),
            }
            for hire in hires
        ],
        "changes": [
            {
                "actor": change.actor.email if change.actor else None,
                "action": change.action,
                "entity": change.entity,
                "label": change.label,
                "diff": _sorted_keys(change.diff),
                "at": _timestamp(change.at),
            }
            for change in sorted(changes, key=lambda change: (change.at, change.pk))
        ],
    }


def _check_emails(memberships: list[Membership], changes: list[Change]) -> None:
    """Refuses to write a file that could not find its people again on import."""
    people = {m.user.pk: m.user for m in memberships}
    people.update({c.actor.pk: c.actor for c in changes if c.actor is not None})
    without = sorted(user.get_username() for user in people.values() if not user.email)
    if without:
        raise BackupError(
            "A backup finds people again by email, and these accounts have none: "
            f"{', '.join(without)}. Give each an email address, then export again."
        )
    by_email: dict[str, list[str]] = {}
    for user in people.values():
        by_email.setdefault(user.email.lower(), []).append(user.get_username())
    shared = sorted(
        f"{email} ({', '.join(sorted(names))})"
        for email, names in by_email.items()
        if len(names) > 1
    )
    if shared:
        raise BackupError(
            "A backup finds people again by email, and these accounts share one: "
            f"{'; '.join(shared)}. Give each its own email address, then export again."
        )


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _row_meta(row: models.Model) -> dict[str, Any]:
    return {
        "version": row.version,
        "created_at": _timestamp(row.created_at),
        "updated_at": _timestamp(row.updated_at),
    }


def _quarter(field: str, ordinal: int | None) -> dict[str, Any]:
    label = None if ordinal is None else Quarter.from_ordinal(ordinal).label
    return {field: ordinal, f"{field}_label": label}


def _team_member_key(hire: PlannedHire, keys: dict[int, str]) -> str | None:
    if hire.team_member_id is None:
        return None
    if hire.team_member_id not in keys:
        raise BackupError(f"{hire} became a team member of another organization.")
    return keys[hire.team_member_id]


def _sorted_keys(value: Any) -> Any:
    """JSON with object keys in order: PostgreSQL's jsonb reorders them, SQLite does not."""
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


# --- reading and checking a file -----------------------------------------------------------


def parse(text: str) -> dict[str, Any]:
    """The document in ``text``; BackupError if it is not a JSON object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BackupError(
            f"The file is not JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    if not isinstance(data, dict):
        raise BackupError("The file is JSON but not an organization backup: expected an object.")
    return data


class _Invalid(Exception):
    pass


Check = Callable[[Any], Any]


def _whole(minimum: int, maximum: int | None = None) -> Check:
    if maximum is None:
        message = f"must be a whole number ≥ {minimum}"
    else:
        message = f"must be a whole number from {minimum} to {maximum}"

    def check(value: Any) -> int:
        # bool is an int in Python, but true is no headcount.
        if type(value) is not int or value < minimum or (maximum is not None and value > maximum):
            raise _Invalid(message)
        return value

    return check


def _quarter_ordinal(value: Any) -> int:
    if type(value) is not int or not MIN_ORDINAL <= value <= MAX_ORDINAL:
        raise _Invalid(
            f"must be a quarter ordinal from {MIN_ORDINAL} ({Quarter.from_ordinal(MIN_ORDINAL)}) "
            f"to {MAX_ORDINAL} ({Quarter.from_ordinal(MAX_ORDINAL)})"
        )
    return value


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _text(*, blank: bool = False, max_length: int | None = None) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Invalid("must be a string")
        if not blank and not value.strip():
            raise _Invalid("must not be empty")
        # Model validation checks the length of short text only; a text area's is up to us.
        if max_length is not None and len(value) > max_length:
            raise _Invalid(f"must be at most {max_length} characters (it has {len(value)})")
        if "\x00" in value:
            raise _Invalid("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Invalid("must be valid Unicode text (it holds a lone surrogate)") from None
        return value

    return check


def _label(value: Any) -> Any:
    """Quarter labels are for people reading the file; the ordinal beside one decides."""
    if value is not None and not isinstance(value, str):
        raise _Invalid("must be a string such as “FY2027 Q1”, or null")
    return value


def _choice(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise _Invalid(f"must be one of {', '.join(choices)}")
        return value

    return check


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


def _moment(value: Any) -> datetime.datetime:
    example = "like 2026-01-31T09:30:00.000000+00:00"
    if not isinstance(value, str):
        raise _Invalid(f"must be an ISO 8601 date and time as a string, {example}")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"must be an ISO 8601 date and time, {example}") from None
    if moment.tzinfo is None:
        raise _Invalid(f"must give its offset from UTC, {example}")
    return moment.astimezone(datetime.UTC)


_AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


def _amount(value: Any) -> Decimal:
    if not isinstance(value, str) or not _AMOUNT.match(value):
        raise _Invalid(
            "must be an amount ≥ 0 written as a string, with at most 10 digits before the "
            'point and 2 after, like "123456.78"'
        )
    return Decimal(value)


def _object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise _Invalid("must be an object")
    return value


_MEMBER_ROLES = tuple(Membership.Role.values)
_ROW_META = {"version": _whole(1), "created_at": _moment, "updated_at": _moment}

# Every key of each kind of row, with its check; keys ending in _label may be left out.
SCHEMA: dict[str, dict[str, Check]] = {
    "organization": {
        "name": _text(),
        "slug": _text(),
        "fiscal_year_start_month": _whole(1, 12),
        "target_ratio": _whole(rules.MIN_TARGET_RATIO, rules.MAX_TARGET_RATIO),
        "leader_has_adult_learning": _boolean,
        "leader_strategic_share": _whole(0, 100),
        "reports_to": _choice(tuple(Organization.ReportsTo.values)),
        "hiring_lead_time": _whole(0, 4),
        "stage_one_focus": _choice(tuple(Organization.Focus.values)),
        **_ROW_META,
    },
    "members": {"email": _text(), "username": _text(), "role": _choice(_MEMBER_ROLES)},
    "segments": {"name": _text(), **_ROW_META},
    "snapshots": {
        "quarter": _quarter_ordinal,
        "quarter_label": _label,
        "sales": _whole(0),
        "customer_success": _whole(0),
        "other": _whole(0),
        **_ROW_META,
    },
    "team_members": {
        "key": _text(),
        "role": _choice(rules.ROLES),
        "name": _text(),
        "start_quarter": _quarter_ordinal,
        "start_quarter_label": _label,
        "end_quarter": _optional(_quarter_ordinal),
        "end_quarter_label": _label,
        **_ROW_META,
    },
    "planned_hires": {
        "role": _choice(rules.ROLES),
        "target_quarter": _quarter_ordinal,
        "target_quarter_label": _label,
        "status": _choice(rules.HIRE_STATUSES),
        "annual_cost": _optional(_amount),
        "notes": _text(blank=True, max_length=PlannedHire._meta.get_field("notes").max_length),
        "team_member": _optional(_text()),
        **_ROW_META,
    },
    "changes": {
        "actor": _optional(_text()),
        "action": _choice(tuple(Change.Action.values)),
        "entity": _text(),
        "label": _text(blank=True),
        "diff": _object,
        "at": _moment,
    },
}
LISTS = ("members", "segments", "snapshots", "team_members", "planned_hires", "changes")


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def row(self, path: str, value: Any, schema: dict[str, Check]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
            return None
        clean = {}
        for key, check in schema.items():
            if key not in value:
                if not key.endswith("_label"):
                    self.fail(f"{path}.{key}", "missing")
                continue
            try:
                clean[key] = check(value[key])
            except _Invalid as invalid:
                self.fail(f"{path}.{key}", str(invalid))
        for key in sorted(set(value) - set(schema)):
            self.fail(f"{path}.{key}", "unknown key")
        return clean

    def unique(
        self, section: str, rows: list, key: str, describe: Callable = str, fold: Callable = str
    ) -> None:
        seen: dict[Any, int] = {}
        for index, row in enumerate(rows):
            value = fold(row[key])
            if value in seen:
                self.fail(
                    f"{section}[{index}].{key}",
                    f"{describe(row[key])} appears twice (also {section}[{seen[value]}])",
                )
            else:
                seen[value] = index


def check(data: dict[str, Any]) -> dict[str, Any]:
    """The document's values, parsed; BackupError listing every problem if any."""
    if data.get("format") != FORMAT:
        raise BackupError(
            f"This is not an Enablement Planner organization backup: its format is "
            f"{data.get('format')!r}, expected {FORMAT!r}."
        )
    if type(data.get("version")) is not int or data["version"] != VERSION:
        raise BackupError(
            f"This backup is version {data.get('version')!r}; this planner reads version "
            f"{VERSION} only."
        )
    checker = _Checker()
    clean: dict[str, Any] = {}
    for key in sorted(set(data) - {"format", "version", "organization", *LISTS}):
        checker.fail(key, "unknown key")
    if "organization" in data:
        clean["organization"] = checker.row(
            "organization", data["organization"], SCHEMA["organization"]
        )
    else:
        checker.fail("organization", "missing")
    for section in LISTS:
        if section not in data:
            checker.fail(section, "missing")
        elif not isinstance(data[section], list):
            checker.fail(section, "must be a list")
        else:
            clean[section] = [
                checker.row(f"{section}[{index}]", row, SCHEMA[section])
                for index, row in enumerate(data[section])
            ]
    if checker.errors:
        raise _invalid_file(checker.errors)

    checker.unique("members", clean["members"], "email", fold=str.lower)
    checker.unique("segments", clean["segments"], "name", repr)
    checker.unique("snapshots", clean["snapshots"], "quarter", _quarter_name, fold=int)
    checker.unique("team_members", clean["team_members"], "key", lambda key: f"key {key!r}")
    for index, member in enumerate(clean["team_members"]):
        if member["end_quarter"] is not None and member["end_quarter"] <= member["start_quarter"]:
            checker.fail(
                f"team_members[{index}].end_quarter",
                f"must come after the start quarter ({_quarter_name(member['start_quarter'])})",
            )
    keys = {member["key"] for member in clean["team_members"]}
    linked: dict[str, int] = {}
    for index, hire in enumerate(clean["planned_hires"]):
        key = hire["team_member"]
        if key is None:
            continue
        path = f"planned_hires[{index}].team_member"
        if key not in keys:
            checker.fail(path, f"no team member has the key {key!r}")
        elif key in linked:
            checker.fail(path, f"{key!r} is already linked to planned_hires[{linked[key]}]")
        else:
            linked[key] = index
    if checker.errors:
        raise _invalid_file(checker.errors)
    return clean


def _quarter_name(ordinal: int) -> str:
    return f"{ordinal} ({Quarter.from_ordinal(ordinal)})"


def _invalid_file(errors: list[str]) -> BackupError:
    lines = errors[:MAX_ERRORS_SHOWN]
    if len(errors) > MAX_ERRORS_SHOWN:
        lines.append(f"… and {len(errors) - MAX_ERRORS_SHOWN} more")
    return BackupError(
        "The file is not a valid organization backup; nothing was imported.\n"
        + "\n".join(f"  {line}" for line in lines)
    )


# --- import --------------------------------------------------------------------------------


def referenced_emails(clean: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Members' emails, then the emails of past changes' authors who are not members."""
    members = [member["email"] for member in clean["members"]]
    known = {email.lower() for email in members}
    authors = sorted(
        {
            change["actor"]
            for change in clean["changes"]
            if change["actor"] is not None and change["actor"].lower() not in known
        },
        key=str.lower,
    )
    # Spelled differently by two changes, one author is still one address.
    unique_authors = list({email.lower(): email for email in authors}.values())
    return members, unique_authors


def missing_users(data: dict[str, Any]) -> list[str]:
    """Emails in the file that no account has (and that an import would have to create)."""
    members, authors = referenced_emails(check(data))
    found = _users_by_email([*members, *authors])
    return [email for email in [*members, *authors] if email.lower() not in found]


def import_organization(
    data: dict[str, Any], *, slug: str | None = None, create_missing_users: bool = False
) -> Organization:
    """Recreates the organization in ``data``, under ``slug`` if given; all or nothing.

    People are found by email. A missing one refuses the file, unless
    ``create_missing_users`` creates their accounts without a usable password.
    """
    clean = check(data)
    fields = clean["organization"]
    if slug is not None:
        fields["slug"] = slug
    try:
        return _write(clean, create_missing_users=create_missing_users)
    except (IntegrityError, DataError) as error:
        # Checked first, so only a concurrent write or a database's own limit gets here.
        raise BackupError(
            f"The database refused the file, so nothing was imported: {error}"
        ) from error


def _write(clean: dict[str, Any], *, create_missing_users: bool) -> Organization:
    fields = clean["organization"]
    with transaction.atomic():
        if Organization.objects.filter(slug=fields["slug"]).exists():
            raise BackupError(
                f"An organization with the slug {fields['slug']!r} already exists. "
                "Import under another slug with --slug NEW."
            )
        users = _resolve_users(clean, create=create_missing_users)

        organization = Organization(**{field: fields[field] for field in ORGANIZATION_FIELDS})
        _save(organization, "organization")
        Organization.objects.filter(pk=organization.pk).update(
            created_at=fields["created_at"], updated_at=fields["updated_at"]
        )
        organization.created_at = fields["created_at"]
        organization.updated_at = fields["updated_at"]

        for index, member in enumerate(clean["members"]):
            membership = Membership(
                organization=organization, user=users[member["email"].lower()], role=member["role"]
            )
            _save(membership, f"members[{index}]")

        _create_rows(
            Segment,
            "segments",
            clean["segments"],
            lambda row: Segment(organization=organization, name=row["name"]),
        )
        _create_rows(
            HeadcountSnapshot,
            "snapshots",
            clean["snapshots"],
            lambda row: HeadcountSnapshot(
                organization=organization,
                quarter=row["quarter"],
                sales=row["sales"],
                customer_success=row["customer_success"],
                other=row["other"],
            ),
        )
        team = _create_rows(
            TeamMember,
            "team_members",
            clean["team_members"],
            lambda row: TeamMember(
                organization=organization,
                role=row["role"],
                name=row["name"],
                start_quarter=row["start_quarter"],
                end_quarter=row["end_quarter"],
            ),
        )
        team_by_key = {
            row["key"]: member for row, member in zip(clean["team_members"], team, strict=True)
        }
        _create_rows(
            PlannedHire,
            "planned_hires",
            clean["planned_hires"],
            lambda row: PlannedHire(
                organization=organization,
                role=row["role"],
                target_quarter=row["target_quarter"],
                status=row["status"],
                annual_cost=row["annual_cost"],
                notes=row["notes"],
                team_member=team_by_key.get(row["team_member"]),
            ),
        )
        _create_changes(organization, clean["changes"], users)
    return organization


def _users_by_email(emails: list[str]) -> dict[str, list]:
    wanted = {email.lower() for email in emails}
    found: dict[str, list] = {}
    if not wanted:
        return found
    query = models.Q()
    for email in wanted:
        query |= models.Q(email__iexact=email)
    for user in get_user_model().objects.filter(query).order_by("pk"):
        found.setdefault(user.email.lower(), []).append(user)
    return found


def _resolve_users(clean: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """Each email of the file (lower-cased) to its account, created if allowed."""
    members, authors = referenced_emails(clean)
    found = _users_by_email([*members, *authors])
    shared = sorted(email for email, users in found.items() if len(users) > 1)
    if shared:
        raise BackupError(
            "Several accounts share each of these emails, so the file cannot say whom it "
            f"means: {', '.join(shared)}. Give each account its own email address first."
        )
    missing_members = [email for email in members if email.lower() not in found]
    missing_authors = [email for email in authors if email.lower() not in found]
    if (missing_members or missing_authors) and not create:
        parts = []
        if missing_members:
            parts.append(f"members {', '.join(missing_members)}")
        if missing_authors:
            parts.append(f"authors of past changes {', '.join(missing_authors)}")
        raise BackupError(
            f"No account has the email of these people: {'; '.join(parts)}. Create their "
            "accounts first, or import with --create-missing-users to create them without "
            "a password."
        )
    users = {email: matches[0] for email, matches in found.items()}
    usernames = {member["email"].lower(): member["username"] for member in clean["members"]}
    for index, member in enumerate(clean["members"]):
        if member["email"].lower() not in users:
            users[member["email"].lower()] = _create_user(
                member["email"], usernames[member["email"].lower()], f"members[{index}]"
            )
    for email in missing_authors:
        username = re.sub(r"[^\w.@+-]", "", email)[:150] or "user"
        users[email.lower()] = _create_user(email, username, f"changes (author {email})")
    return users


def _create_user(email: str, username: str, path: str):
    user_model = get_user_model()
    candidate, number = username, 2
    while user_model.objects.filter(username=candidate).exists():
        suffix = f"-{number}"
        candidate, number = username[: 150 - len(suffix)] + suffix, number + 1
    user = user_model(username=candidate, email=email)
    # Nobody knows a password for them; an operator sets one (manage.py changepassword).
    user.set_unusable_password()
    _save(user, path)
    return user


def _create_rows(
    model: type[models.Model],
    section: str,
    rows: list[dict[str, Any]],
    build: Callable[[dict[str, Any]], models.Model],
) -> list[models.Model]:
    """Saves one row per entry, then puts back the versions and timestamps of the file."""
    instances = []
    for index, row in enumerate(rows):
        instance = build(row)
        instance.version = row["version"]
        _save(instance, f"{section}[{index}]")
        instances.append(instance)
    # Saving stamps the rows with the current time; the file's times replace it.
    for instance, row in zip(instances, rows, strict=True):
        instance.created_at = row["created_at"]
        instance.updated_at = row["updated_at"]
    model.objects.bulk_update(instances, TIMESTAMP_FIELDS)
    return instances


def _create_changes(
    organization: Organization, rows: list[dict[str, Any]], users: dict[str, Any]
) -> None:
    changes = []
    for index, row in enumerate(rows):
        change = Change(
            organization=organization,
            actor=None if row["actor"] is None else users[row["actor"].lower()],
            action=row["action"],
            entity=row["entity"],
            label=row["label"],
            diff=row["diff"],
        )
        # The organization and the authors were saved or found just above; checking that
        # they exist would cost two queries for each of possibly thousands of changes.
        _full_clean(change, f"changes[{index}]", exclude=["organization", "actor"])
        changes.append(change)
    Change.objects.bulk_create(changes)
    # Creating stamps each change with the current time; the file's times replace it.
    for change, row in zip(changes, rows, strict=True):
        change.at = row["at"]
    Change.objects.bulk_update(changes, ["at"])


def _save(instance: models.Model, path: str) -> None:
    _full_clean(instance, path)
    instance.save()


def _full_clean(instance: models.Model, path: str, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        errors = []
        for field, messages in error.message_dict.items():
            where = path if field == NON_FIELD_ERRORS else f"{path}.{field}"
            errors.extend(f"{where}: {message}" for message in messages)
        raise _invalid_file(errors) from None
