"""Every write to the planner: validated, atomic, version-checked and recorded.

Functions are ``<entity>_<verb>(*, ...)``. Each validates with ``full_clean()`` before it
saves, refuses an update or a delete made from a stale copy (``StaleEdit``), and records a
``Change`` with the values before and after.
"""

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from planner import rules
from planner.models import (
    Change,
    Entity,
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
    UserPreferences,
    VerifiedEmail,
    has_verified_email,
    share_token_digest,
)
from planner.planning import current_quarter, plan_snapshots
from planner.quarters import MAX_ORDINAL, MIN_ORDINAL, Quarter


class StaleEdit(Exception):
    """The row changed since the editor loaded it; ``current`` is the row as it is now."""

    def __init__(self, current: models.Model):
        super().__init__(_("This was changed by someone else since you opened it."))
        self.current = current


class RowGone(Exception):
    """The row was deleted by someone else since the editor loaded it."""

    def __init__(self, message: str = _("This was deleted by someone else since you opened it.")):
        super().__init__(message)


class Keep:
    """The default of an update's field arguments: leave the stored value as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()


def _given(**fields: Any) -> dict[str, Any]:
    """The fields an update was asked to change (those not left at ``KEEP``)."""
    return {name: value for name, value in fields.items() if value is not KEEP}


ORGANIZATION_FIELDS = (
    "name",
    "fiscal_year_start_month",
    "target_ratio",
    "leader_has_adult_learning",
    "leader_strategic_share",
    "reports_to",
    "hiring_lead_time",
    "stage_one_focus",
    "currency",
)
SNAPSHOT_FIELDS = ("sales", "customer_success", "other")
TEAM_MEMBER_FIELDS = ("role", "name", "start_quarter", "end_quarter", "is_manager", "annual_cost")
HIRE_FIELDS = ("role", "target_quarter", "status", "annual_cost", "notes", "is_manager")
ROLE_COST_FIELDS = ("annual_cost", "manager_annual_cost")
SCENARIO_FIELDS = (
    "name",
    "target_ratio",
    "hiring_lead_time",
    "leader_has_adult_learning",
    "verticals",
)
# The planning inputs a scenario holds of its own; the plan's are the organization's (and
# its verticals the number of its segments).
SCENARIO_INPUTS = ("target_ratio", "hiring_lead_time", "leader_has_adult_learning")
SHARE_LINK_FIELDS = ("hint", "expires_at")


# --- recording -----------------------------------------------------------------------------


def _display(instance: models.Model, field: str) -> Any:
    value = getattr(instance, field)
    if value is None or isinstance(value, bool | int | str):
        if field in ("quarter", "start_quarter", "end_quarter", "target_quarter") and value:
            return Quarter.from_ordinal(value).label
        return value
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    if isinstance(value, Decimal):
        # 90000 and 90000.00 are one amount: record them alike, so re-saving is no change.
        return f"{value:.{instance._meta.get_field(field).decimal_places}f}"
    return str(value)


def _label(instance: models.Model) -> str:
    # History is read within one organization: name the row without repeating it.
    if isinstance(instance, HeadcountSnapshot):
        return Quarter.from_ordinal(instance.quarter).label
    if isinstance(instance, Membership):
        return str(instance.user)[:200]
    return str(instance)[:200]


def _touch(organization: Organization | int, *, headcount_only: bool = False) -> None:
    """One more on the organization's revisions, in the caller's transaction.

    Every write calls it, through ``_record`` or beside its own ``Change``: kept pages are
    keyed by the revision (planner/page_cache.py). The update also locks the organization's
    row until the write commits, so revisions follow the order writes become visible in.
    A write of headcount alone leaves the people revision, under which the team, hires and
    costs are kept (planner.planning.load_plan), where it was; every other write moves it.
    """
    pk = organization if isinstance(organization, int) else organization.pk
    moved = {"revision": models.F("revision") + 1}
    if not headcount_only:
        moved["people_revision"] = models.F("people_revision") + 1
    Organization.objects.filter(pk=pk).update(**moved)


def _record(
    *,
    organization: Organization,
    actor,
    action: str,
    entity: Entity,
    instance: models.Model,
    fields: Iterable[str],
    before: dict[str, Any] | None = None,
) -> None:
    after = {field: _display(instance, field) for field in fields}
    # A scenario's row names its scenario; the plan's rows (scenario NULL) name none.
    if isinstance(instance, Scenario):
        scenario = instance
    else:
        scenario = instance.scenario if getattr(instance, "scenario_id", None) else None
    if action == Change.Action.CREATED:
        diff = {field: [None, value] for field, value in after.items()}
    elif action == Change.Action.DELETED:
        diff = {field: [value, None] for field, value in after.items()}
    else:
        before = before or {}
        diff = {f: [before.get(f), v] for f, v in after.items() if before.get(f) != v}
    if diff or action != Change.Action.UPDATED:  # an update that changed nothing is not told
        Change.objects.create(
            organization=organization,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            entity=entity,
            label=_label(instance),
            diff=diff,
            scenario=scenario,
            scenario_name=scenario.name if scenario else "",
        )
    # Even an edit that changes no value bumps the row's version, which pages show. Last:
    # the update locks the organization's row until the write commits, and every other
    # write to the organization waits for that lock.
    _touch(organization, headcount_only=entity == Entity.HEADCOUNT)


CLASHED = _(
    "Someone saved the same thing a moment ago, so this would duplicate it. "
    "Reload the page to see it."
)


def _create(instance: models.Model, *, actor, entity: Entity, fields: Iterable[str]):
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
            _record(
                organization=instance.organization,
                actor=actor,
                action=Change.Action.CREATED,
                entity=entity,
                instance=instance,
                fields=fields,
            )
    except IntegrityError:
        # full_clean passed, so another request won the race for the same natural key.
        raise ValidationError(CLASHED) from None
    return instance


def _update(
    instance: models.Model,
    *,
    actor,
    entity: Entity,
    expected_version: int | None,
    allowed: Iterable[str],
    changes: dict[str, Any],
    organization: Organization | None = None,
):
    """Applies ``changes`` if the row is still at ``expected_version``; else StaleEdit.

    The row is re-read under a lock so that two saves from pages loaded at the same time
    cannot both pass the version check.
    """
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here.")
    try:
        return _apply_update(
            instance,
            actor=actor,
            entity=entity,
            expected_version=expected_version,
            allowed=allowed,
            changes=changes,
            organization=organization,
        )
    except IntegrityError:
        raise ValidationError(CLASHED) from None


def _apply_update(
    instance: models.Model,
    *,
    actor,
    entity: Entity,
    expected_version: int | None,
    allowed: Iterable[str],
    changes: dict[str, Any],
    organization: Organization | None,
):
    with transaction.atomic():
        current = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
        if current is None:
            raise RowGone()
        if expected_version is not None and current.version != expected_version:
            raise StaleEdit(current)
        if hasattr(instance, "organization_id") and organization is None:
            current.organization = instance.organization
        _same_scenario(current, instance)
        before = {field: _display(current, field) for field in allowed}
        for field, value in changes.items():
            setattr(current, field, value)
        # Only editable fields can break a rule here: re-checking the organization key
        # and the natural key on every cell edit would cost queries and prove nothing.
        fixed = [f.name for f in current._meta.fields if f.name not in allowed]
        current.full_clean(exclude=fixed)
        if {field: _display(current, field) for field in allowed} == before:
            # Saved as it was: no change to record, so none to make. A new version alone
            # would refuse the next edit from every page that shows this row.
            return _refreshed(instance, current, changes)
        current.version += 1
        current.save()
        _record(
            organization=organization or instance.organization,
            actor=actor,
            action=Change.Action.UPDATED,
            entity=entity,
            instance=current,
            fields=allowed,
            before=before,
        )
    return _refreshed(instance, current, changes)


def _refreshed(instance: models.Model, current: models.Model, changes: dict[str, Any]):
    """``instance`` as the row now stands, for the page that answers the edit."""
    for field in (*changes, "version", "updated_at"):
        setattr(instance, field, getattr(current, field))
    return instance


def _same_scenario(current: models.Model, instance: models.Model) -> None:
    """Hands the re-read row the scenario already in hand, so recording it reads nothing."""
    if getattr(instance, "scenario_id", None) and current.scenario_id == instance.scenario_id:
        current.scenario = instance.scenario


def _delete(
    instance: models.Model, *, actor, entity: Entity, fields: Iterable[str], expected_version: int
) -> None:
    """Deletes the row if it is still at ``expected_version``; else StaleEdit.

    Locked like an update: a delete from a page loaded before someone's edit must not
    silently throw that edit away.
    """
    with transaction.atomic():
        current = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
        if current is None:
            raise RowGone()
        current.organization = instance.organization
        _same_scenario(current, instance)
        if current.version != expected_version:
            raise StaleEdit(current)
        _record(
            organization=instance.organization,
            actor=actor,
            action=Change.Action.DELETED,
            entity=entity,
            instance=current,
            fields=fields,
        )
        current.delete()


# --- scenarios -----------------------------------------------------------------------------


def _plan_inputs(organization: Organization) -> dict[str, Any]:
    inputs = {field: getattr(organization, field) for field in SCENARIO_INPUTS}
    return {**inputs, "verticals": organization.segments.count()}


def _copy_rows(organization: Organization, source: Scenario | None, target: Scenario) -> None:
    """Copies the forecast (current quarter on) and the hires not yet hired of the plan
    (``source`` None) or of a scenario into ``target``, in two queries and two inserts."""
    now = current_quarter(organization)
    snapshots = HeadcountSnapshot.objects.filter(
        organization=organization, scenario=source, quarter__gte=now
    )
    HeadcountSnapshot.objects.bulk_create(
        HeadcountSnapshot(
            organization=organization,
            scenario=target,
            quarter=row.quarter,
            sales=row.sales,
            customer_success=row.customer_success,
            other=row.other,
        )
        for row in snapshots
    )
    hires = PlannedHire.objects.filter(organization=organization, scenario=source).exclude(
        status=rules.HIRED
    )
    PlannedHire.objects.bulk_create(
        PlannedHire(
            organization=organization,
            scenario=target,
            role=hire.role,
            target_quarter=hire.target_quarter,
            status=hire.status,
            annual_cost=hire.annual_cost,
            notes=hire.notes,
            is_manager=hire.is_manager,
        )
        for hire in hires
    )


def scenario_create(
    *, organization: Organization, actor, name: str, source: Scenario | None = None
) -> Scenario:
    """A named scenario, as a copy of the plan (``source`` None) or of another scenario:
    its planning inputs, its forecast from the current quarter on, its hires not yet hired.

    Actual quarters, the team in seat and hired hires are facts every scenario shares.
    """
    inputs = (
        _plan_inputs(organization)
        if source is None
        else {field: getattr(source, field) for field in (*SCENARIO_INPUTS, "verticals")}
    )
    scenario = Scenario(organization=organization, name=name, **inputs)
    scenario.full_clean()
    try:
        with transaction.atomic():
            scenario.save()
            _copy_rows(organization, source, scenario)
            _record(
                organization=organization,
                actor=actor,
                action=Change.Action.CREATED,
                entity=Entity.SCENARIO,
                instance=scenario,
                fields=SCENARIO_FIELDS,
            )
    except IntegrityError:
        raise ValidationError({"name": CLASHED}) from None
    return scenario


def scenario_update(
    *,
    scenario: Scenario,
    actor,
    expected_version: int | None = None,
    name: str | Keep = KEEP,
    target_ratio: int | Keep = KEEP,
    hiring_lead_time: int | Keep = KEEP,
    leader_has_adult_learning: bool | Keep = KEEP,
    verticals: int | Keep = KEEP,
) -> Scenario:
    """Renames a scenario or changes its planning inputs; the plan's stay as they are."""
    changes = _given(
        name=name,
        target_ratio=target_ratio,
        hiring_lead_time=hiring_lead_time,
        leader_has_adult_learning=leader_has_adult_learning,
        verticals=verticals,
    )
    return _update(
        scenario,
        actor=actor,
        entity=Entity.SCENARIO,
        expected_version=expected_version,
        allowed=SCENARIO_FIELDS,
        changes=changes,
    )


def scenario_delete(*, scenario: Scenario, actor, expected_version: int) -> None:
    """Deletes a scenario with its forecast and hires; the history keeps its name."""
    _delete(
        scenario,
        actor=actor,
        entity=Entity.SCENARIO,
        fields=SCENARIO_FIELDS,
        expected_version=expected_version,
    )


def _free_name(organization: Organization, wanted: str) -> str:
    """``wanted``, or numbered; scenario names are unique whatever their case."""
    taken = {name.lower() for name in organization.scenarios.values_list("name", flat=True)}
    name, n = wanted, 2
    while name.lower() in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name


def promotion_state(organization: Organization, scenario: Scenario, *, lock: bool = False) -> str:
    """What making ``scenario`` the plan would move, as a short fingerprint: the versions of
    the plan's and the scenario's forecast rows and open hires, the organization's inputs
    and its number of segments. The confirmation page carries it, so that a promotion of
    rows changed since the page was shown is refused. Three queries, whatever the rows.
    """
    now = current_quarter(organization)
    mine = models.Q(scenario=None) | models.Q(scenario=scenario)
    snapshots = HeadcountSnapshot.objects.filter(mine, organization=organization, quarter__gte=now)
    hires = PlannedHire.objects.filter(mine, organization=organization).exclude(status=rules.HIRED)
    if lock:
        snapshots, hires = snapshots.select_for_update(), hires.select_for_update()
    state = [
        organization.version,
        scenario.version,
        organization.segments.count(),
        list(snapshots.order_by("pk").values_list("pk", "scenario_id", "version")),
        list(hires.order_by("pk").values_list("pk", "scenario_id", "version")),
    ]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]


def scenario_promote(
    *,
    scenario: Scenario,
    actor,
    expected_version: int,
    old_plan_name: str,
    expected_state: str | None = None,
) -> Scenario:
    """Makes ``scenario`` the plan, in one transaction; returns the old plan, kept as a
    scenario named ``old_plan_name`` (made unique).

    The plan's forecast (current quarter on) and hires not yet hired move to the new
    scenario, the promoted scenario's move to the plan, its inputs become the
    organization's, and the number of verticals is met by adding segments ("Vertical 3")
    or removing the newest ones. Actual quarters, the team and hired hires stay put.

    With ``expected_state`` (``promotion_state`` as the confirmation showed it), rows of
    the plan or the scenario changed since raise ``StaleEdit`` and nothing changes.
    """
    organization = scenario.organization
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        current = Scenario.objects.select_for_update().filter(pk=scenario.pk).first()
        if current is None:
            raise RowGone("This scenario was deleted by someone else.")
        current.organization = locked
        if current.version != expected_version:
            raise StaleEdit(current)
        if expected_state is not None and expected_state != promotion_state(
            locked, current, lock=True
        ):
            raise StaleEdit(current)
        now = current_quarter(locked)
        old_plan = Scenario(
            organization=locked,
            name=_free_name(locked, old_plan_name[: Scenario._meta.get_field("name").max_length]),
            **_plan_inputs(locked),
        )
        old_plan.full_clean()
        old_plan.save()
        try:
            # A quarter added to the plan between these two statements (a paste does not
            # wait for the organization's lock) would be a second plan row for a quarter:
            # the unique constraint refuses it, and the promotion is refused as stale.
            with transaction.atomic():
                HeadcountSnapshot.objects.filter(
                    organization=locked, scenario=None, quarter__gte=now
                ).update(scenario=old_plan, version=models.F("version") + 1)
                HeadcountSnapshot.objects.filter(
                    organization=locked, scenario=current, quarter__gte=now
                ).update(scenario=None, version=models.F("version") + 1)
        except IntegrityError:
            raise StaleEdit(current) from None
        PlannedHire.objects.filter(organization=locked, scenario=None).exclude(
            status=rules.HIRED
        ).update(scenario=old_plan, version=models.F("version") + 1)
        PlannedHire.objects.filter(organization=locked, scenario=current).update(
            scenario=None, version=models.F("version") + 1
        )
        before = {field: _display(locked, field) for field in SCENARIO_INPUTS}
        for field in SCENARIO_INPUTS:
            setattr(locked, field, getattr(current, field))
        locked.version += 1
        locked.save()
        _match_verticals(locked, actor, current.verticals)
        _record(
            organization=locked,
            actor=actor,
            action=Change.Action.CREATED,
            entity=Entity.SCENARIO,
            instance=old_plan,
            fields=SCENARIO_FIELDS,
        )
        _record(
            organization=locked,
            actor=actor,
            action=Change.Action.UPDATED,
            entity=Entity.SETTINGS,
            instance=locked,
            fields=SCENARIO_INPUTS,
            before=before,
        )
        Change.objects.create(
            organization=locked,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=Change.Action.DELETED,
            entity=Entity.SCENARIO,
            label=f"{current.name} → plan"[:200],
            scenario_name=current.name,
            diff={"made the plan": [current.name, None]},
        )
        current.delete()
    organization.refresh_from_db()
    return old_plan


def _match_verticals(organization: Organization, actor, wanted: int) -> None:
    segments = list(organization.segments.order_by("pk"))
    for n in range(len(segments) + 1, wanted + 1):
        name = _free_segment_name(segments, gettext("Vertical %(n)d") % {"n": n})
        segment_create(organization=organization, actor=actor, name=name)
    for segment in reversed(segments[wanted:]):
        segment.organization = organization
        segment_delete(segment=segment, actor=actor, expected_version=segment.version)


def _free_segment_name(segments: list[Segment], wanted: str) -> str:
    taken = {segment.name.lower() for segment in segments}
    name, n = wanted, 2
    while name.lower() in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name


# --- organizations -------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def organization_create(
    *,
    name: str,
    owner,
    slug: str = "",
    fiscal_year_start_month: int | Keep = KEEP,
    target_ratio: int | Keep = KEEP,
    leader_has_adult_learning: bool | Keep = KEEP,
    leader_strategic_share: int | Keep = KEEP,
    reports_to: str | Keep = KEEP,
    hiring_lead_time: int | Keep = KEEP,
    stage_one_focus: str | Keep = KEEP,
    currency: str | Keep = KEEP,
) -> Organization:
    """Creates an organization with ``owner`` as its first owner; unset fields get defaults."""
    settings = _given(
        fiscal_year_start_month=fiscal_year_start_month,
        target_ratio=target_ratio,
        leader_has_adult_learning=leader_has_adult_learning,
        leader_strategic_share=leader_strategic_share,
        reports_to=reports_to,
        hiring_lead_time=hiring_lead_time,
        stage_one_focus=stage_one_focus,
        currency=currency,
    )
    organization = Organization(name=name.strip(), slug=slug or _unique_slug(name), **settings)
    organization.full_clean()
    try:
        with transaction.atomic():
            organization.save()
            Membership.objects.create(
                user=owner, organization=organization, role=Membership.Role.OWNER
            )
            _record(
                organization=organization,
                actor=owner,
                action=Change.Action.CREATED,
                entity=Entity.ORGANIZATION,
                instance=organization,
                fields=ORGANIZATION_FIELDS,
            )
    except IntegrityError:
        # Another organization took the same web address between the check and the save.
        raise ValidationError(
            {"name": _("An organization with this name was created a moment ago; try again.")}
        ) from None
    return organization


def organization_update(
    *,
    organization: Organization,
    actor,
    expected_version: int | None = None,
    name: str | Keep = KEEP,
    fiscal_year_start_month: int | Keep = KEEP,
    target_ratio: int | Keep = KEEP,
    leader_has_adult_learning: bool | Keep = KEEP,
    leader_strategic_share: int | Keep = KEEP,
    reports_to: str | Keep = KEEP,
    hiring_lead_time: int | Keep = KEEP,
    stage_one_focus: str | Keep = KEEP,
    currency: str | Keep = KEEP,
) -> Organization:
    changes = _given(
        name=name,
        fiscal_year_start_month=fiscal_year_start_month,
        target_ratio=target_ratio,
        leader_has_adult_learning=leader_has_adult_learning,
        leader_strategic_share=leader_strategic_share,
        reports_to=reports_to,
        hiring_lead_time=hiring_lead_time,
        stage_one_focus=stage_one_focus,
        currency=currency,
    )
    return _update(
        organization,
        actor=actor,
        entity=Entity.SETTINGS,
        expected_version=expected_version,
        allowed=ORGANIZATION_FIELDS,
        changes=changes,
        organization=organization,
    )


# --- segments ------------------------------------------------------------------------------


def segment_create(*, organization: Organization, actor, name: str) -> Segment:
    segment = Segment(organization=organization, name=name.strip())
    return _create(segment, actor=actor, entity=Entity.SEGMENT, fields=("name",))


def segment_update(
    *, segment: Segment, actor, expected_version: int | None = None, name: str
) -> Segment:
    return _update(
        segment,
        actor=actor,
        entity=Entity.SEGMENT,
        expected_version=expected_version,
        allowed=("name",),
        changes={"name": name.strip()},
    )


def segment_delete(*, segment: Segment, actor, expected_version: int) -> None:
    _delete(
        segment,
        actor=actor,
        entity=Entity.SEGMENT,
        fields=("name",),
        expected_version=expected_version,
    )


# --- headcount -----------------------------------------------------------------------------


def snapshot_create(
    *,
    organization: Organization,
    actor,
    quarter: int,
    sales: int = 0,
    customer_success: int = 0,
    other: int = 0,
    scenario: Scenario | None = None,
) -> HeadcountSnapshot:
    if scenario is not None and quarter < current_quarter(organization):
        # No page would show it: a scenario shows the plan's actuals before this quarter.
        raise ValidationError(
            {
                "quarter": gettext(
                    "In a scenario, headcount starts at the current quarter: the quarters "
                    "before it are the plan's actuals."
                )
            }
        )
    snapshot = HeadcountSnapshot(
        organization=organization,
        scenario=scenario,
        quarter=quarter,
        sales=sales,
        customer_success=customer_success,
        other=other,
    )
    return _create(snapshot, actor=actor, entity=Entity.HEADCOUNT, fields=SNAPSHOT_FIELDS)


def snapshot_add_next(
    *, organization: Organization, actor, default_quarter: int, scenario: Scenario | None = None
):
    """Adds the quarter after the latest one, pre-filled from it (or ``default_quarter``).

    In a scenario the latest quarter is the latest it shows (its forecast, else the plan's
    actuals), and the new quarter is its own, never before the current quarter.
    """
    latest = plan_snapshots(organization, scenario).order_by("quarter").last()
    if latest is None:
        return snapshot_create(
            organization=organization, actor=actor, quarter=default_quarter, scenario=scenario
        )
    quarter = latest.quarter + 1
    if scenario is not None:
        quarter = max(quarter, current_quarter(organization))
    return snapshot_create(
        organization=organization,
        actor=actor,
        scenario=scenario,
        quarter=quarter,
        sales=latest.sales,
        customer_success=latest.customer_success,
        other=latest.other,
    )


def snapshot_update(
    *,
    snapshot: HeadcountSnapshot,
    actor,
    expected_version: int | None = None,
    sales: int | Keep = KEEP,
    customer_success: int | Keep = KEEP,
    other: int | Keep = KEEP,
) -> HeadcountSnapshot:
    changes = _given(sales=sales, customer_success=customer_success, other=other)
    return _update(
        snapshot,
        actor=actor,
        entity=Entity.HEADCOUNT,
        expected_version=expected_version,
        allowed=SNAPSHOT_FIELDS,
        changes=changes,
    )


def snapshot_delete(*, snapshot: HeadcountSnapshot, actor, expected_version: int) -> None:
    _delete(
        snapshot,
        actor=actor,
        entity=Entity.HEADCOUNT,
        fields=("quarter", *SNAPSHOT_FIELDS),
        expected_version=expected_version,
    )


MAX_PASTED_QUARTERS = 40  # ten years of quarters in one paste


def snapshots_paste(
    *,
    organization: Organization,
    actor,
    first_quarter: int,
    rows: Sequence[rules.Headcount],
    expected_versions: Mapping[int, int] | None = None,
    scenario: Scenario | None = None,
) -> list[HeadcountSnapshot]:
    """Headcount for consecutive quarters from ``first_quarter``, as pasted from a sheet.

    In ``scenario`` (None: the plan) the quarters are its forecast, from the current quarter
    on: the quarters before it are the plan's actuals, read-only there.

    All or nothing: a quarter that does not exist yet is created, an existing one updated,
    in one transaction. Every quarter is checked before anything is saved, and a
    ``ValidationError`` names each quarter and value that was refused. With
    ``expected_versions`` (quarter → version, as the page showed them) a quarter changed or
    added by someone else since raises ``StaleEdit`` and nothing is saved. The history
    records each quarter's change, all at once.
    """
    if not rows:
        raise ValidationError({"rows": _("There is nothing to paste.")})
    if len(rows) > MAX_PASTED_QUARTERS:
        raise ValidationError(
            {
                "rows": gettext(
                    "Paste at most %(max_pasted_quarters)s quarters at a time (%(rows)s given)."
                )
                % {"max_pasted_quarters": MAX_PASTED_QUARTERS, "rows": len(rows)}
            }
        )
    quarters = range(first_quarter, first_quarter + len(rows))
    if first_quarter < MIN_ORDINAL or quarters[-1] > MAX_ORDINAL:
        raise ValidationError(
            {
                "rows": gettext(
                    "The planner covers %(min_ordinal)s to %(max_ordinal)s: these"
                    " %(rows)s rows would run past it."
                )
                % {
                    "min_ordinal": Quarter.from_ordinal(MIN_ORDINAL).label,
                    "max_ordinal": Quarter.from_ordinal(MAX_ORDINAL).label,
                    "rows": len(rows),
                }
            }
        )
    if scenario is not None and first_quarter < current_quarter(organization):
        raise ValidationError(
            {
                "first_quarter": gettext(
                    "In a scenario, paste from the current quarter on: the quarters before "
                    "it are the plan's actuals."
                )
            }
        )
    try:
        return _paste(organization, actor, quarters, rows, expected_versions, scenario)
    except IntegrityError:
        # Someone added one of these quarters between the lock and the save.
        raise ValidationError({"rows": CLASHED}) from None


def _paste(
    organization: Organization,
    actor,
    quarters: range,
    rows: Sequence[rules.Headcount],
    expected_versions: Mapping[int, int] | None,
    scenario: Scenario | None = None,
) -> list[HeadcountSnapshot]:
    with transaction.atomic():
        existing = {
            snapshot.quarter: snapshot
            for snapshot in HeadcountSnapshot.objects.select_for_update().filter(
                organization=organization, scenario=scenario, quarter__in=quarters
            )
        }
        if expected_versions is not None:
            for quarter, snapshot in sorted(existing.items()):
                if expected_versions.get(quarter) != snapshot.version:
                    raise StaleEdit(snapshot)
        errors = []
        saved = []
        for quarter, headcount in zip(quarters, rows, strict=True):
            snapshot = existing.get(quarter) or HeadcountSnapshot(
                organization=organization, scenario=scenario, quarter=quarter
            )
            snapshot.organization = organization
            snapshot.scenario = scenario
            before = (
                {field: _display(snapshot, field) for field in SNAPSHOT_FIELDS}
                if snapshot.pk
                else None
            )
            snapshot.sales = headcount.sales
            snapshot.customer_success = headcount.customer_success
            snapshot.other = headcount.other
            try:
                # The natural key is locked above; re-checking it per row would prove nothing.
                snapshot.full_clean(exclude=["organization", "scenario"], validate_unique=False)
            except ValidationError as error:
                label = Quarter.from_ordinal(quarter).label
                errors.extend(f"{label}: {message}" for message in error.messages)
                continue
            saved.append((snapshot, before))
        if errors:
            raise ValidationError({"rows": errors})
        for snapshot, before in saved:
            if before is not None:
                snapshot.version += 1
            snapshot.save()
            _record(
                organization=organization,
                actor=actor,
                action=Change.Action.UPDATED if before is not None else Change.Action.CREATED,
                entity=Entity.HEADCOUNT,
                instance=snapshot,
                fields=SNAPSHOT_FIELDS,
                before=before,
            )
    return [snapshot for snapshot, _ in saved]


SCENARIO_ACTUALS = gettext_lazy(
    "A scenario's headcount starts at the current quarter: the quarters before it are the "
    "plan's actuals, the same in every scenario. Leave them out of the file, or import it "
    "into the plan."
)


class StaleImport(Exception):
    """Quarters of an import changed since its preview; ``quarters`` are their ordinals."""

    def __init__(self, quarters: list[int]):
        labels = ", ".join(Quarter.from_ordinal(quarter).label for quarter in quarters)
        super().__init__(
            gettext("Changed by someone else since the preview: %(labels)s.") % {"labels": labels}
        )
        self.quarters = quarters


@dataclass(frozen=True)
class Imported:
    """The quarters an import added and changed, and how many it found as they were."""

    added: tuple[int, ...]
    changed: tuple[int, ...]
    unchanged: int


def snapshots_import(
    *,
    organization: Organization,
    actor,
    rows: Mapping[int, rules.Headcount],
    expected_versions: Mapping[int, int | None],
    not_before: int | None = None,
    scenario: Scenario | None = None,
) -> Imported:
    """Saves the headcount of many quarters at once, or of none.

    ``expected_versions`` holds, for every quarter of ``rows``, the version its preview was
    compared with (None: the quarter did not exist). If any quarter is not at that version
    now, nothing is saved (``StaleImport``). Quarters that match the file are left alone;
    the others are created or updated one by one, each recorded in the history as usual,
    all in one transaction. With ``not_before`` (a growth forecast, which never changes an
    actual quarter), a quarter before it refuses the whole import. In ``scenario`` the
    quarters are its forecast: none may come before the current quarter, which are the
    plan's actuals.
    """
    if set(expected_versions) != set(rows):
        raise ValueError(_("Every quarter of an import needs the version it was previewed at."))
    if scenario is not None and min(rows, default=MAX_ORDINAL) < current_quarter(organization):
        raise ValidationError(SCENARIO_ACTUALS)
    if not_before is not None and rows and min(rows) < not_before:
        raise ValidationError(
            gettext(
                "Nothing was saved: %(quarter)s is an actual quarter now, and a forecast "
                "never changes one. Start the forecast in %(first)s or later."
            )
            % {
                "quarter": Quarter.from_ordinal(min(rows)).label,
                "first": Quarter.from_ordinal(not_before).label,
            }
        )
    added, changed = [], []
    with transaction.atomic():
        stored = {
            snapshot.quarter: snapshot
            for snapshot in HeadcountSnapshot.objects.select_for_update().filter(
                organization=organization, scenario=scenario, quarter__in=list(rows)
            )
        }
        moved = [
            quarter
            for quarter in sorted(rows)
            if (stored[quarter].version if quarter in stored else None)
            != expected_versions[quarter]
        ]
        if moved:
            raise StaleImport(moved)
        for quarter, headcount in sorted(rows.items()):
            counts = {field: getattr(headcount, field) for field in SNAPSHOT_FIELDS}
            snapshot = stored.get(quarter)
            if snapshot is None:
                snapshot_create(
                    organization=organization,
                    actor=actor,
                    quarter=quarter,
                    scenario=scenario,
                    **counts,
                )
                added.append(quarter)
            elif snapshot.as_headcount() != headcount:
                snapshot.organization = organization
                snapshot.scenario = scenario
                snapshot_update(
                    snapshot=snapshot, actor=actor, expected_version=snapshot.version, **counts
                )
                changed.append(quarter)
    return Imported(tuple(added), tuple(changed), len(rows) - len(added) - len(changed))


# --- team ----------------------------------------------------------------------------------


def team_member_create(
    *,
    organization: Organization,
    actor,
    role: str,
    name: str,
    start_quarter: int,
    end_quarter: int | None = None,
    is_manager: bool = False,
    annual_cost: Decimal | None = None,
) -> TeamMember:
    member = TeamMember(
        organization=organization,
        role=role,
        name=name.strip(),
        start_quarter=start_quarter,
        end_quarter=end_quarter,
        is_manager=is_manager,
        annual_cost=annual_cost,
    )
    return _create(member, actor=actor, entity=Entity.TEAM_MEMBER, fields=TEAM_MEMBER_FIELDS)


def team_member_update(
    *,
    member: TeamMember,
    actor,
    expected_version: int | None = None,
    role: str | Keep = KEEP,
    name: str | Keep = KEEP,
    start_quarter: int | Keep = KEEP,
    end_quarter: int | Keep | None = KEEP,
    is_manager: bool | Keep = KEEP,
    annual_cost: Decimal | Keep | None = KEEP,
) -> TeamMember:
    changes = _given(
        role=role,
        name=name,
        start_quarter=start_quarter,
        end_quarter=end_quarter,
        is_manager=is_manager,
        annual_cost=annual_cost,
    )
    return _update(
        member,
        actor=actor,
        entity=Entity.TEAM_MEMBER,
        expected_version=expected_version,
        allowed=TEAM_MEMBER_FIELDS,
        changes=changes,
    )


def team_member_delete(*, member: TeamMember, actor, expected_version: int) -> None:
    _delete(
        member,
        actor=actor,
        entity=Entity.TEAM_MEMBER,
        fields=TEAM_MEMBER_FIELDS,
        expected_version=expected_version,
    )


# --- planned hires -------------------------------------------------------------------------


def hire_create(
    *,
    organization: Organization,
    actor,
    role: str,
    target_quarter: int,
    status: str = rules.PLANNED,
    annual_cost=None,
    notes: str = "",
    is_manager: bool = False,
    scenario: Scenario | None = None,
) -> PlannedHire:
    if status == rules.HIRED:
        raise ValidationError({"status": _("Add the person to the team, or mark a hire as hired.")})
    hire = PlannedHire(
        organization=organization,
        scenario=scenario,
        role=role,
        target_quarter=target_quarter,
        status=status,
        annual_cost=annual_cost,
        notes=notes,
        is_manager=is_manager,
    )
    return _create(hire, actor=actor, entity=Entity.PLANNED_HIRE, fields=HIRE_FIELDS)


def hire_update(
    *,
    hire: PlannedHire,
    actor,
    expected_version: int | None = None,
    role: str | Keep = KEEP,
    target_quarter: int | Keep = KEEP,
    status: str | Keep = KEEP,
    annual_cost: Decimal | Keep | None = KEEP,
    notes: str | Keep = KEEP,
    is_manager: bool | Keep = KEEP,
) -> PlannedHire:
    changes = _given(
        role=role,
        target_quarter=target_quarter,
        status=status,
        annual_cost=annual_cost,
        notes=notes,
        is_manager=is_manager,
    )
    if changes.get("status") == rules.HIRED and hire.status != rules.HIRED:
        raise ValidationError({"status": _("Use “Mark as hired” so the person joins the team.")})
    return _update(
        hire,
        actor=actor,
        entity=Entity.PLANNED_HIRE,
        expected_version=expected_version,
        allowed=HIRE_FIELDS,
        changes=changes,
    )


def hire_delete(*, hire: PlannedHire, actor, expected_version: int) -> None:
    _delete(
        hire,
        actor=actor,
        entity=Entity.PLANNED_HIRE,
        fields=HIRE_FIELDS,
        expected_version=expected_version,
    )


MAX_HIRES_AT_ONCE = 50


def hires_plan(
    *,
    organization: Organization,
    actor,
    role: str,
    target_quarter: int,
    count: int,
    is_manager: bool = False,
    scenario: Scenario | None = None,
) -> list[PlannedHire]:
    """Plans ``count`` hires of one role for one quarter at once: all or none, and one
    change in the history that says how many."""
    if not 1 <= count <= MAX_HIRES_AT_ONCE:
        raise ValidationError(
            {
                "count": gettext(
                    "Plan from 1 to %(max_hires_at_once)s hires at a time, not %(count)s."
                )
                % {"max_hires_at_once": MAX_HIRES_AT_ONCE, "count": count}
            }
        )
    hires = [
        PlannedHire(
            organization=organization,
            scenario=scenario,
            role=role,
            target_quarter=target_quarter,
            status=rules.PLANNED,
            is_manager=is_manager,
        )
        for _n in range(count)
    ]
    hires[0].full_clean()  # the hires are alike: one check answers for all of them
    with transaction.atomic():
        PlannedHire.objects.bulk_create(hires)
        _touch(organization)
        Change.objects.create(
            organization=organization,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=Change.Action.CREATED,
            entity=Entity.PLANNED_HIRE,
            label=f"{count} × {hires[0]}"[:200],
            scenario=scenario,
            scenario_name=scenario.name if scenario else "",
            diff={
                "count": [None, count],
                **{field: [None, _display(hires[0], field)] for field in HIRE_FIELDS},
            },
        )
    return hires


# What several hires can be set to at once from the list; planned is where they start, and
# hired needs a name ("Mark hired").
BULK_STATUSES = (rules.APPROVED, rules.RECRUITING, rules.CANCELLED)


@dataclass(frozen=True)
class RefusedHire:
    """A hire a bulk change left as it was, and why; ``current`` is the row as it is now."""

    pk: int
    message: str
    current: PlannedHire | None = None


@dataclass(frozen=True)
class StatusChanges:
    changed: list[PlannedHire]
    refused: list[RefusedHire]


HIRE_GONE = _("Deleted by someone else since you opened the page.")
HIRE_CHANGED = _("Changed by someone else since you opened the page.")
HIRE_IS_HIRED = _("Already hired: the person is on the team.")


def hires_set_status(
    *,
    organization: Organization,
    actor,
    changes: Sequence[tuple[int, int]],
    status: str,
    scenario: Scenario | None = None,
) -> StatusChanges:
    """Sets the status of several hires, each (pk, version as the page showed it).

    Row by row, not all or nothing: a hire still as the person saw it is changed, and each
    one deleted, changed by someone else meanwhile, or already hired is left as it is and
    listed in ``refused`` with the reason, so that one stale row does not undo the rest.
    The rows changed are saved together, and each is recorded in the history. Only the
    hires of ``scenario`` (None: the plan's) are found.
    """
    if status not in BULK_STATUSES:
        raise ValidationError({"status": _("Choose approved, recruiting or cancelled.")})
    if not changes:
        raise ValidationError({"hires": _("Select at least one hire.")})
    expected = dict(changes)
    changed, refused = [], []
    with transaction.atomic():
        found = {
            hire.pk: hire
            for hire in PlannedHire.objects.select_for_update()
            .filter(organization=organization, scenario=scenario, pk__in=expected)
            .order_by("pk")
        }
        for pk, version in expected.items():
            hire = found.get(pk)
            if hire is None:
                refused.append(RefusedHire(pk, HIRE_GONE))
                continue
            hire.organization = organization
            hire.scenario = scenario
            if hire.version != version:
                refused.append(RefusedHire(pk, HIRE_CHANGED, hire))
            elif hire.status == rules.HIRED:
                refused.append(RefusedHire(pk, HIRE_IS_HIRED, hire))
            elif hire.status != status:
                hire_update(hire=hire, actor=actor, expected_version=version, status=status)
                changed.append(hire)
            else:
                changed.append(hire)  # already there: nothing to write
    return StatusChanges(changed=changed, refused=refused)


def hire_mark_hired(
    *,
    hire: PlannedHire,
    actor,
    name: str,
    start_quarter: int | None = None,
    expected_version: int | None = None,
) -> TeamMember:
    """The hire joins the team from ``start_quarter`` (default: its target quarter)."""
    with transaction.atomic():
        # Decide on the row as it is now, under a lock: a hire cancelled or hired a moment
        # ago in another tab must not gain a second person.
        current = PlannedHire.objects.select_for_update().filter(pk=hire.pk).first()
        if current is None:
            raise RowGone(_("This hire was deleted by someone else since you opened it."))
        if expected_version is not None and current.version != expected_version:
            raise StaleEdit(current)
        if current.status not in rules.OPEN_HIRE_STATUSES:
            raise ValidationError(
                {
                    "status": gettext("A %(current)s hire cannot be marked hired.")
                    % {"current": current.get_status_display().lower()}
                }
            )
        member = team_member_create(
            organization=hire.organization,
            actor=actor,
            role=hire.role,
            name=name,
            start_quarter=start_quarter if start_quarter is not None else hire.target_quarter,
            is_manager=current.is_manager,
            # The cost budgeted for the hire is what the person is expected to cost.
            annual_cost=current.annual_cost,
        )
        _update(
            hire,
            actor=actor,
            entity=Entity.PLANNED_HIRE,
            expected_version=expected_version,
            allowed=HIRE_FIELDS,
            changes={"status": rules.HIRED},
        )
        PlannedHire.objects.filter(pk=hire.pk).update(team_member=member)
        hire.team_member = member
    return member


# --- role costs ----------------------------------------------------------------------------


class RoleCostInput(NamedTuple):
    """What the costs form asks for one role: empty ``annual_cost`` removes its default."""

    annual_cost: Decimal | None
    manager_annual_cost: Decimal | None
    expected_version: int | None  # None: the role had no cost when the form was loaded


def role_costs_update(
    *, organization: Organization, actor, costs: Mapping[str, RoleCostInput]
) -> list[RoleCost]:
    """Sets the default annual costs of the roles in ``costs``; all or nothing.

    Each role's row is re-read under a lock; one changed, added or removed since the form
    was loaded refuses the whole table with ``StaleEdit`` carrying that row (or, for a row
    removed since, a ``RowGone``). Each role that changes is recorded as its own change.
    """
    unknown = set(costs) - set(rules.ROLES)
    if unknown:
        raise ValueError(f"Not roles: {', '.join(sorted(unknown))}.")
    errors: dict[str, list[str]] = {}
    for role, wanted in costs.items():
        if wanted.annual_cost is None and wanted.manager_annual_cost is not None:
            errors[f"{role}-annual_cost"] = [
                _("Enter the role's cost too: a manager cost alone has nothing to differ from.")
            ]
    if errors:
        raise ValidationError(errors)
    try:
        return _save_role_costs(organization=organization, actor=actor, costs=costs)
    except IntegrityError:
        # Two first saves of the same role at once: the unique key kept the first.
        raise ValidationError(CLASHED) from None


def _save_role_costs(
    *, organization: Organization, actor, costs: Mapping[str, RoleCostInput]
) -> list[RoleCost]:
    with transaction.atomic():
        current = {
            row.role: row
            for row in RoleCost.objects.select_for_update().filter(organization=organization)
        }
        for role, wanted in costs.items():
            row = current.get(role)
            if row is None and wanted.expected_version is not None:
                raise RowGone(_("A role's cost was removed by someone else since you opened it."))
            if row is not None and row.version != wanted.expected_version:
                raise StaleEdit(row)
        saved = []
        for role, wanted in costs.items():
            row = current.get(role)
            if wanted.annual_cost is None:
                if row is not None:
                    _record(
                        organization=organization,
                        actor=actor,
                        action=Change.Action.DELETED,
                        entity=Entity.ROLE_COST,
                        instance=row,
                        fields=ROLE_COST_FIELDS,
                    )
                    row.delete()
                continue
            if row is None:
                row = RoleCost(
                    organization=organization,
                    role=role,
                    annual_cost=wanted.annual_cost,
                    manager_annual_cost=wanted.manager_annual_cost,
                )
                row.full_clean()
                row.save()
                _record(
                    organization=organization,
                    actor=actor,
                    action=Change.Action.CREATED,
                    entity=Entity.ROLE_COST,
                    instance=row,
                    fields=ROLE_COST_FIELDS,
                )
            else:
                before = {name: _display(row, name) for name in ROLE_COST_FIELDS}
                row.annual_cost = wanted.annual_cost
                row.manager_annual_cost = wanted.manager_annual_cost
                row.full_clean(exclude=["organization", "role"])
                after = {name: _display(row, name) for name in ROLE_COST_FIELDS}
                if after != before:
                    row.version += 1
                    row.save()
                    _record(
                        organization=organization,
                        actor=actor,
                        action=Change.Action.UPDATED,
                        entity=Entity.ROLE_COST,
                        instance=row,
                        fields=ROLE_COST_FIELDS,
                        before=before,
                    )
            saved.append(row)
    return saved


# --- share links ---------------------------------------------------------------------------

# Opening a link is recorded at most once an hour per link: a leader flicking through the
# summary in a meeting is one visit, and the history stays readable.
SHARE_OPEN_RECORDED_EVERY = timedelta(hours=1)


def share_link_create(*, organization: Organization, actor, days: int) -> tuple[ShareLink, str]:
    """A new read-only link to the summary; returns it and its token, shown only now."""
    if not 1 <= days <= ShareLink.MAX_DAYS:
        raise ValidationError(
            {
                "days": gettext(
                    "A link lasts 1 to %(max_days)s days; enter a number in that range."
                )
                % {"max_days": ShareLink.MAX_DAYS}
            }
        )
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        organization=organization,
        token_digest=share_token_digest(token),
        hint=token[:6],
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    with transaction.atomic():
        link.save()
        _record(
            organization=organization,
            actor=actor,
            action=Change.Action.CREATED,
            entity=Entity.SHARE_LINK,
            instance=link,
            fields=SHARE_LINK_FIELDS,
        )
    return link, token


def share_link_revoke(*, link: ShareLink, actor) -> ShareLink:
    """Stops the link working; a link revoked already stays as it was."""
    with transaction.atomic():
        current = ShareLink.objects.select_for_update().filter(pk=link.pk).first()
        if current is None:
            raise RowGone()
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.revoked_by = actor
            current.save(update_fields=["revoked_at", "revoked_by"])
            _record(
                organization=link.organization,
                actor=actor,
                action=Change.Action.DELETED,
                entity=Entity.SHARE_LINK,
                instance=current,
                fields=SHARE_LINK_FIELDS,
            )
    return current


def share_link_open(token: str) -> ShareLink | None:
    """The usable link for ``token``, its opening noted; None when there is none."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            ShareLink.objects.select_for_update()
            .select_related("organization")
            .usable(now)
            .filter(token_digest=share_token_digest(token))
            .first()
        )
        if link is None:
            return None
        fields = ["last_opened_at"]
        link.last_opened_at = now
        recorded = link.last_recorded_at
        if recorded is None or now - recorded >= SHARE_OPEN_RECORDED_EVERY:
            link.last_recorded_at = now
            fields.append("last_recorded_at")
            _touch(link.organization_id)
            Change.objects.create(
                organization=link.organization,
                actor=None,
                action=Change.Action.UPDATED,
                entity=Entity.SHARE_LINK,
                label=_label(link),
                diff={"opened": [None, "by someone with the link"]},  # stored: stays English
            )
        link.save(update_fields=fields)
    return link


# --- members -------------------------------------------------------------------------------


def membership_create(*, organization: Organization, user, role: str, actor=None) -> Membership:
    membership = Membership(organization=organization, user=user, role=role)
    membership.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            membership.save()
            _record(
                organization=organization,
                actor=actor,
                action=Change.Action.CREATED,
                entity=Entity.MEMBER,
                instance=membership,
                fields=("role",),
            )
    except IntegrityError:
        raise ValidationError(
            _("%(user)s is already a member of %(organization)s.")
            % {"user": user, "organization": organization}
        ) from None
    return membership


def _lock_owners(organization: Organization) -> list[Membership]:
    """Locks the owner memberships until the transaction ends.

    Of two concurrent demotions or removals, the second waits here and then counts the
    owners the first one left, so both cannot pass the last-owner check.
    """
    owners = Membership.objects.filter(organization=organization, role=Membership.Role.OWNER)
    return list(owners.select_for_update().order_by("pk"))


class LastOwner(ValidationError):
    """Refused: the organization would be left without an owner."""


def _locked_membership(membership: Membership, *, actor, stays_owner: bool = False):
    """The membership as it is now, locked; LastOwner if the last owner would go."""
    owners = _lock_owners(membership.organization)
    current = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if current is None:
        raise ValidationError(_("%(user)s is no longer a member.") % {"user": membership.user})
    current.user, current.organization = membership.user, membership.organization
    if not stays_owner and current.role == Membership.Role.OWNER and len(owners) <= 1:
        if actor.pk == current.user_id:
            message = gettext(
                "You are the last owner of %(organization)s. Make someone else an owner first: "
                "an organization always keeps at least one."
            )
        else:
            message = gettext(
                "%(user)s is the last owner of %(organization)s. Make someone else an owner "
                "first: an organization always keeps at least one."
            )
        raise LastOwner(message % {"user": current.user, "organization": current.organization})
    return current


def membership_update(*, membership: Membership, actor, role: str) -> Membership:
    """Changes a member's role; the last owner cannot be demoted."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose owner, editor or viewer.")})
    with transaction.atomic():
        current = _locked_membership(
            membership, actor=actor, stays_owner=role == Membership.Role.OWNER
        )
        before = {"role": current.role}
        current.role = role
        current.save(update_fields=["role"])
        _record(
            organization=membership.organization,
            actor=actor,
            action=Change.Action.UPDATED,
            entity=Entity.MEMBER,
            instance=current,
            fields=("role",),
            before=before,
        )
    membership.role = role
    return membership


def membership_delete(*, membership: Membership, actor) -> None:
    """Removes a member, or lets one leave (``actor`` is then the member); never the last owner."""
    with transaction.atomic():
        current = _locked_membership(membership, actor=actor)
        _record(
            organization=membership.organization,
            actor=actor,
            action=Change.Action.DELETED,
            entity=Entity.MEMBER,
            instance=current,
            fields=("role",),
        )
        current.delete()


# --- invitations ---------------------------------------------------------------------------

INVITATION_SALT = "planner.invitation"
INVITATION_FIELDS = ("email", "role")


class AlreadyMember(ValidationError):
    """The person invited, or accepting, is in the organization already."""


class InvitationUnusable(Exception):
    """An invitation link that cannot be accepted; ``reason`` says which way."""

    reason = ""
    title = ""

    def __init__(self):
        super().__init__(self.title)


class InvitationInvalid(InvitationUnusable):
    reason, title = "invalid", _("This invitation link is not valid")


class InvitationExpired(InvitationUnusable):
    reason, title = "expired", _("This invitation has expired")


class InvitationWithdrawn(InvitationUnusable):
    reason, title = "withdrawn", _("This invitation is no longer valid")


class InvitationUsed(InvitationUnusable):
    reason, title = "used", _("This invitation has already been used")


class InvitationForAnotherAddress(InvitationUnusable):
    reason, title = "another_address", _("This invitation is for another address")


def invitation_is_for(invitation: Invitation, user) -> bool:
    """Whether ``user`` has confirmed receiving mail at the address the invitation went to."""
    return (user.email or "").lower() == invitation.email and has_verified_email(user)


def invitation_token(invitation: Invitation) -> str:
    """The signed, timestamped credential in the emailed link."""
    return TimestampSigner(salt=INVITATION_SALT).sign(f"{invitation.pk}.{invitation.key}")


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, if it can still be accepted; else InvitationUnusable."""
    signer = TimestampSigner(salt=INVITATION_SALT)
    try:
        value = signer.unsign(token, max_age=Invitation.VALID_FOR)
    except SignatureExpired:
        raise InvitationExpired() from None
    except BadSignature:
        raise InvitationInvalid() from None
    pk, _sep, key = value.partition(".")
    if not pk.isdigit():
        raise InvitationInvalid()
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=int(pk), key=key)
        .first()
    )
    if invitation is None:  # revoked, or replaced by a newer invitation
        raise InvitationWithdrawn()
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    if invitation.is_expired:
        raise InvitationExpired()
    return invitation


def invitation_create(*, organization: Organization, actor, email: str, role: str) -> Invitation:
    """Invites ``email``; a pending invitation for the same address is replaced."""
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise AlreadyMember(
            {
                "email": gettext("%(email)s is already a member of %(organization)s.")
                % {"email": email, "organization": organization}
            }
        )
    invitation = Invitation(organization=organization, email=email, role=role, invited_by=actor)
    try:
        with transaction.atomic():
            # Deleting the old row is what makes its emailed link stop working.
            organization.invitations.pending().filter(email=email).delete()
            invitation.full_clean()
            invitation.save()
            _record(
                organization=organization,
                actor=actor,
                action=Change.Action.CREATED,
                entity=Entity.INVITATION,
                instance=invitation,
                fields=INVITATION_FIELDS,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "email": gettext(
                    "%(email)s was invited a moment ago by someone else; reload to see it."
                )
                % {"email": email}
            }
        ) from None
    return invitation


def invitation_revoke(*, invitation: Invitation, actor) -> None:
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was accepted already; remove the member instead."))
    # Invitations carry no version: nobody edits one, so there is no newer edit to lose.
    with transaction.atomic():
        _record(
            organization=invitation.organization,
            actor=actor,
            action=Change.Action.DELETED,
            entity=Entity.INVITATION,
            instance=invitation,
            fields=INVITATION_FIELDS,
        )
        invitation.delete()


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """``user`` joins with the invited role; the invitation is used up."""
    organization = invitation.organization
    with transaction.atomic():
        # Locked, so that the same link posted twice at once joins once.
        current = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if current is None:
            raise InvitationWithdrawn()
        if current.accepted_at is not None:
            raise InvitationUsed()
        if current.is_expired:
            raise InvitationExpired()
        if Membership.objects.filter(organization=organization, user=user).exists():
            raise AlreadyMember(
                gettext("You are already a member of %(organization)s.")
                % {"organization": organization}
            )
        if not invitation_is_for(current, user):
            raise InvitationForAnotherAddress()
        membership = membership_create(
            organization=organization, user=user, role=current.role, actor=user
        )
        current.organization = organization
        current.accepted_at, current.accepted_by = timezone.now(), user
        current.save(update_fields=["accepted_at", "accepted_by"])
        _record(
            organization=organization,
            actor=user,
            action=Change.Action.UPDATED,
            entity=Entity.INVITATION,
            instance=current,
            fields=("accepted_by",),
            before={"accepted_by": None},
        )
    invitation.accepted_at, invitation.accepted_by = current.accepted_at, user
    return membership


# --- accounts: confirming an e-mail address ------------------------------------------------

EMAIL_CONFIRMATION_SALT = "planner.email-confirmation"
EMAIL_CONFIRMATION_VALID_FOR = timedelta(days=3)


class EmailConfirmationUnusable(Exception):
    """A confirmation link that confirms nothing; ``title`` says why."""

    title = ""

    def __init__(self):
        super().__init__(self.title)


class EmailConfirmationInvalid(EmailConfirmationUnusable):
    title = _("This confirmation link is not valid")


class EmailConfirmationExpired(EmailConfirmationUnusable):
    title = _("This confirmation link has expired")
    expired = True


class EmailConfirmationOutdated(EmailConfirmationUnusable):
    title = _("This link confirms an address the account no longer uses")


def email_confirmation_token(user) -> str:
    """The signed, timestamped credential in the emailed link: this account, this address."""
    signer = TimestampSigner(salt=EMAIL_CONFIRMATION_SALT)
    return signer.sign_object({"user": user.pk, "email": user.email.lower()})


def email_confirmation_from_token(token: str):
    """``(user, email)`` a link confirms, while the account still uses that address."""
    signer = TimestampSigner(salt=EMAIL_CONFIRMATION_SALT)
    try:
        value = signer.unsign_object(token, max_age=EMAIL_CONFIRMATION_VALID_FOR)
    except SignatureExpired:
        raise EmailConfirmationExpired() from None
    except (BadSignature, ValueError, TypeError):
        raise EmailConfirmationInvalid() from None
    if not isinstance(value, dict) or not isinstance(value.get("user"), int):
        raise EmailConfirmationInvalid()
    email = value.get("email")
    user = get_user_model().objects.filter(pk=value["user"], is_active=True).first()
    if user is None or not isinstance(email, str):
        raise EmailConfirmationInvalid()
    if (user.email or "").lower() != email:
        raise EmailConfirmationOutdated()
    return user, email


def email_in_use_elsewhere(*, user, email: str) -> bool:
    """Whether another account uses ``email``: it gets a notice, never a confirmation link."""
    others = get_user_model().objects.exclude(pk=user.pk)
    return others.filter(email__iexact=email.strip()).exists()


def verified_email_confirm(*, user, email: str) -> VerifiedEmail:
    """Records that ``user`` receives mail at ``email``, their current address."""
    email = email.lower()
    if (user.email or "").lower() != email:
        raise EmailConfirmationOutdated()
    if email_in_use_elsewhere(user=user, email=email):
        raise ValidationError(
            _(
                "Another account uses this address, so it cannot be confirmed for this one. "
                "Log in to that account, or reset its password."
            )
        )
    with transaction.atomic():
        proof, _created = VerifiedEmail.objects.update_or_create(
            user=user, defaults={"email": email, "verified_at": timezone.now()}
        )
    return proof


def user_email_change(*, user, email: str):
    """Sets a new address; it counts as unconfirmed until its own link is followed."""
    user.email = get_user_model().objects.normalize_email(email.strip())
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=["email"])
        # The old proof would count again if the address were changed back; it must not.
        VerifiedEmail.objects.filter(user=user).delete()
    return user


def user_language_set(*, user, language: str) -> UserPreferences:
    """Remembers the interface language ``user`` reads in, one of settings.LANGUAGES."""
    preferences, _created = UserPreferences.objects.get_or_create(
        user=user, defaults={"language": language}
    )
    if preferences.language != language:
        preferences.language = language
        preferences.full_clean()
        preferences.save(update_fields=["language"])
    return preferences
