"""Every write to the planner: validated, atomic, version-checked and recorded.

Functions are ``<entity>_<verb>(*, ...)``. Each validates with ``full_clean()`` before it
saves, refuses an update or a delete made from a stale copy (``StaleEdit``), and records a
``Change`` with the values before and after.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from planner import rules
from planner.models import (
    Change,
    Entity,
    HeadcountSnapshot,
    Invitation,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
    VerifiedEmail,
    has_verified_email,
)
from planner.quarters import Quarter


class StaleEdit(Exception):
    """The row changed since the editor loaded it; ``current`` is the row as it is now."""

    def __init__(self, current: models.Model):
        super().__init__("This was changed by someone else since you opened it.")
        self.current = current


class RowGone(Exception):
    """The row was deleted by someone else since the editor loaded it."""

    def __init__(self, message: str = "This was deleted by someone else since you opened it."):
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
)
SNAPSHOT_FIELDS = ("sales", "customer_success", "other")
TEAM_MEMBER_FIELDS = ("role", "name", "start_quarter", "end_quarter")
HIRE_FIELDS = ("role", "target_quarter", "status", "annual_cost", "notes")


# --- recording -----------------------------------------------------------------------------


def _display(instance: models.Model, field: str) -> Any:
    value = getattr(instance, field)
    if value is None or isinstance(value, bool | int | str):
        if field in ("quarter", "start_quarter", "end_quarter", "target_quarter") and value:
            return Quarter.from_ordinal(value).label
        return value
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
    if action == Change.Action.CREATED:
        diff = {field: [None, value] for field, value in after.items()}
    elif action == Change.Action.DELETED:
        diff = {field: [value, None] for field, value in after.items()}
    else:
        before = before or {}
        diff = {f: [before.get(f), v] for f, v in after.items() if before.get(f) != v}
        if not diff:
            return
    Change.objects.create(
        organization=organization,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        entity=entity,
        label=_label(instance),
        diff=diff,
    )


CLASHED = (
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
        before = {field: _display(current, field) for field in allowed}
        for field, value in changes.items():
            setattr(current, field, value)
        # Only editable fields can break a rule here: re-checking the organization key
        # and the natural key on every cell edit would cost queries and prove nothing.
        fixed = [f.name for f in current._meta.fields if f.name not in allowed]
        current.full_clean(exclude=fixed)
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
    for field in (*changes, "version", "updated_at"):
        setattr(instance, field, getattr(current, field))
    return instance


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
            {"name": "An organization with this name was created a moment ago; try again."}
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
) -> HeadcountSnapshot:
    snapshot = HeadcountSnapshot(
        organization=organization,
        quarter=quarter,
        sales=sales,
        customer_success=customer_success,
        other=other,
    )
    return _create(snapshot, actor=actor, entity=Entity.HEADCOUNT, fields=SNAPSHOT_FIELDS)


def snapshot_add_next(*, organization: Organization, actor, default_quarter: int):
    """Adds the quarter after the latest one, pre-filled from it (or ``default_quarter``)."""
    latest = HeadcountSnapshot.objects.filter(organization=organization).last()
    if latest is None:
        return snapshot_create(organization=organization, actor=actor, quarter=default_quarter)
    return snapshot_create(
        organization=organization,
        actor=actor,
        quarter=latest.quarter + 1,
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


class StaleImport(Exception):
    """Quarters of an import changed since its preview; ``quarters`` are their ordinals."""

    def __init__(self, quarters: list[int]):
        labels = ", ".join(Quarter.from_ordinal(quarter).label for quarter in quarters)
        super().__init__(f"Changed by someone else since the preview: {labels}.")
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
) -> Imported:
    """Saves the headcount of many quarters at once, or of none.

    ``expected_versions`` holds, for every quarter of ``rows``, the version its preview was
    compared with (None: the quarter did not exist). If any quarter is not at that version
    now, nothing is saved (``StaleImport``). Quarters that match the file are left alone;
    the others are created or updated one by one, each recorded in the history as usual,
    all in one transaction.
    """
    if set(expected_versions) != set(rows):
        raise ValueError("Every quarter of an import needs the version it was previewed at.")
    added, changed = [], []
    with transaction.atomic():
        stored = {
            snapshot.quarter: snapshot
            for snapshot in HeadcountSnapshot.objects.select_for_update().filter(
                organization=organization, quarter__in=list(rows)
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
                snapshot_create(organization=organization, actor=actor, quarter=quarter, **counts)
                added.append(quarter)
            elif snapshot.as_headcount() != headcount:
                snapshot.organization = organization
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
) -> TeamMember:
    member = TeamMember(
        organization=organization,
        role=role,
        name=name.strip(),
        start_quarter=start_quarter,
        end_quarter=end_quarter,
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
) -> TeamMember:
    changes = _given(role=role, name=name, start_quarter=start_quarter, end_quarter=end_quarter)
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
) -> PlannedHire:
    if status == rules.HIRED:
        raise ValidationError({"status": "Add the person to the team, or mark a hire as hired."})
    hire = PlannedHire(
        organization=organization,
        role=role,
        target_quarter=target_quarter,
        status=status,
        annual_cost=annual_cost,
        notes=notes,
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
) -> PlannedHire:
    changes = _given(
        role=role,
        target_quarter=target_quarter,
        status=status,
        annual_cost=annual_cost,
        notes=notes,
    )
    if changes.get("status") == rules.HIRED and hire.status != rules.HIRED:
        raise ValidationError({"status": "Use “Mark as hired” so the person joins the team."})
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
            raise RowGone("This hire was deleted by someone else since you opened it.")
        if expected_version is not None and current.version != expected_version:
            raise StaleEdit(current)
        if current.status not in rules.OPEN_HIRE_STATUSES:
            raise ValidationError(
                {"status": f"A {current.get_status_display().lower()} hire cannot be marked hired."}
            )
        member = team_member_create(
            organization=hire.organization,
            actor=actor,
            role=hire.role,
            name=name,
            start_quarter=start_quarter if start_quarter is not None else hire.target_quarter,
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
        raise ValidationError(f"{user} is already a member of {organization}.") from None
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
        raise ValidationError(f"{membership.user} is no longer a member.")
    current.user, current.organization = membership.user, membership.organization
    if not stays_owner and current.role == Membership.Role.OWNER and len(owners) <= 1:
        who = "You are" if actor.pk == current.user_id else f"{current.user} is"
        raise LastOwner(
            f"{who} the last owner of {current.organization}. Make someone else an owner "
            "first: an organization always keeps at least one."
        )
    return current


def membership_update(*, membership: Membership, actor, role: str) -> Membership:
    """Changes a member's role; the last owner cannot be demoted."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose owner, editor or viewer."})
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
    reason, title = "invalid", "This invitation link is not valid"


class InvitationExpired(InvitationUnusable):
    reason, title = "expired", "This invitation has expired"


class InvitationWithdrawn(InvitationUnusable):
    reason, title = "withdrawn", "This invitation is no longer valid"


class InvitationUsed(InvitationUnusable):
    reason, title = "used", "This invitation has already been used"


class InvitationForAnotherAddress(InvitationUnusable):
    reason, title = "another_address", "This invitation is for another address"


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
    pk, _, key = value.partition(".")
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
        raise AlreadyMember({"email": f"{email} is already a member of {organization}."})
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
            {"email": f"{email} was invited a moment ago by someone else; reload to see it."}
        ) from None
    return invitation


def invitation_revoke(*, invitation: Invitation, actor) -> None:
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was accepted already; remove the member instead.")
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
            raise AlreadyMember(f"You are already a member of {organization}.")
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
    title = "This confirmation link is not valid"


class EmailConfirmationExpired(EmailConfirmationUnusable):
    title = "This confirmation link has expired"


class EmailConfirmationOutdated(EmailConfirmationUnusable):
    title = "This link confirms an address the account no longer uses"


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
            "Another account uses this address, so it cannot be confirmed for this one. "
            "Log in to that account, or reset its password."
        )
    with transaction.atomic():
        proof, _ = VerifiedEmail.objects.update_or_create(
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
