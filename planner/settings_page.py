"""The settings page: the organization's settings, its role costs and its segments.

Shared by the views that redraw it (``views/organizations.py`` for the settings and role
costs, ``views/segments.py`` for the segments).
"""

from dataclasses import dataclass

from planner import services
from planner.forms import OrganizationForm, RoleCostsForm, SegmentForm
from planner.models import Membership, Organization, RoleCost, Segment
from planner.views.access import org_context
from planner.views.refusals import Refusal

SETTINGS_TEMPLATE = "planner/organization_settings.html"


def settings_form(organization: Organization, membership: Membership) -> OrganizationForm:
    return OrganizationForm(
        instance=organization,
        initial={"version": organization.version},
        read_only=not membership.can_edit,
    )


def _shown(form: OrganizationForm, name: str, value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    choices = dict(getattr(form.fields[name], "choices", ()))
    return str(choices.get(value, value))


def differences(form: OrganizationForm, current: Organization) -> list[tuple[str, str, str]]:
    """(label, what this editor typed, what is stored now) for each field that differs."""
    return [
        (
            form[name].label,
            _shown(form, name, form.cleaned_data[name]),
            _shown(form, name, getattr(current, name)),
        )
        for name in services.ORGANIZATION_FIELDS
        if form.cleaned_data[name] != getattr(current, name)
    ]


@dataclass(frozen=True)
class SegmentRow:
    """One segment of the settings page, with its rename form."""

    segment: Segment
    form: SegmentForm
    refusal: Refusal | None = None
    saved: bool = False


def segment_row(
    segment: Segment,
    organization: Organization,
    *,
    form: SegmentForm | None = None,
    refusal: Refusal | None = None,
    saved: bool = False,
) -> SegmentRow:
    if form is None:
        form = SegmentForm(
            instance=segment, organization=organization, initial={"version": segment.version}
        )
    return SegmentRow(segment=segment, form=form, refusal=refusal, saved=saved)


def settings_context(
    membership: Membership,
    *,
    form: OrganizationForm | None = None,
    add_form: SegmentForm | None = None,
    row: SegmentRow | None = None,
    costs_form: RoleCostsForm | None = None,
    **extra,
) -> dict:
    """The settings page; ``row`` replaces the row of the segment it holds."""
    organization = membership.organization
    rows = [
        row
        if row is not None and row.segment.pk == segment.pk
        else segment_row(segment, organization)
        for segment in organization.segments.all()
    ]
    return org_context(
        membership,
        "settings",
        form=form or settings_form(organization, membership),
        add_form=add_form or SegmentForm(organization=organization),
        segment_rows=rows,
        costs_form=costs_form or role_costs_form(membership),
        **extra,
    )


def role_costs_form(membership: Membership, data=None) -> RoleCostsForm:
    costs = list(RoleCost.objects.filter(organization=membership.organization))
    return RoleCostsForm(data, costs=costs, read_only=not membership.can_edit)
