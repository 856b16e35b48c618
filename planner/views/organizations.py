"""The user's organizations, creating one, its settings and its segments."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from planner import services
from planner.forms import OrganizationForm, RoleCostsForm, SegmentForm, add_service_errors
from planner.models import Membership, Organization, RoleCost, Segment
from planner.views.access import READ, WRITE, org_context, organization_view, plan_changed
from planner.views.refusals import (
    NOT_SAVED,
    Refusal,
    answer_delete,
    attempt_delete,
    with_version,
)

SETTINGS_TEMPLATE = "planner/organization_settings.html"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.of_user(request.user)
    return render(request, "planner/home.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS}
        try:
            organization = services.organization_create(owner=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Created {organization.name}. Start with your customer-facing headcount: "
                "pick a quarter and fill it in.",
            )
            return redirect("headcount", organization.slug)
    status = 422 if form.errors else 200
    return render(request, "planner/organization_form.html", {"form": form}, status=status)


# --- settings ------------------------------------------------------------------------------


def _settings_form(organization: Organization, membership: Membership) -> OrganizationForm:
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


def _differences(form: OrganizationForm, current: Organization) -> list[tuple[str, str, str]]:
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


def _segment_row(
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


def _settings_context(
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
        else _segment_row(segment, organization)
        for segment in organization.segments.all()
    ]
    return org_context(
        membership,
        "settings",
        form=form or _settings_form(organization, membership),
        add_form=add_form or SegmentForm(organization=organization),
        segment_rows=rows,
        costs_form=costs_form or _costs_form(membership),
        **extra,
    )


def _costs_form(membership: Membership, data=None) -> RoleCostsForm:
    costs = list(RoleCost.objects.filter(organization=membership.organization))
    return RoleCostsForm(data, costs=costs, read_only=not membership.can_edit)


@organization_view(get=READ, post=WRITE)
def organization_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Everyone in the organization sees the settings; editors and owners change them."""
    organization = membership.organization
    if request.method == "GET":
        return render(request, SETTINGS_TEMPLATE, _settings_context(membership))
    form = OrganizationForm(request.POST, instance=organization)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS}
        try:
            services.organization_update(
                organization=organization,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except services.StaleEdit as error:
            current = error.current
            membership.organization = current
            context = _settings_context(
                membership,
                form=_settings_form(current, membership),
                stale=True,
                differences=_differences(form, current),
            )
            return render(request, SETTINGS_TEMPLATE, context, status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Settings saved. The gap and roadmap use them from now on.")
            return redirect("organization_settings", membership.organization.slug)
    # Validation wrote the typed values onto the organization; the page shows the stored ones.
    organization.refresh_from_db()
    return render(request, SETTINGS_TEMPLATE, _settings_context(membership, form=form), status=422)


# --- role costs ----------------------------------------------------------------------------


@organization_view(post=WRITE)
def role_costs(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Saves every role's default annual cost at once; the form is on the settings page."""
    organization = membership.organization
    form = _costs_form(membership, request.POST)
    if form.is_valid():
        try:
            services.role_costs_update(
                organization=organization, actor=request.user, costs=form.costs()
            )
        except (services.StaleEdit, services.RowGone):
            context = _settings_context(membership, costs_stale=True)
            return render(request, SETTINGS_TEMPLATE, context, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Costs saved, in {organization.currency}. The roadmap, gap and team pages show "
                "them from now on.",
            )
            return redirect(reverse("organization_settings", args=[organization.slug]) + "#costs")
    context = _settings_context(membership, costs_form=form)
    return render(request, SETTINGS_TEMPLATE, context, status=422)


# --- segments ------------------------------------------------------------------------------


def _segments_response(
    request: HttpRequest, membership: Membership, status: int = 200, **overrides
) -> HttpResponse:
    """The whole page, or for htmx the segments section alone."""
    context = _settings_context(membership, **overrides)
    template = SETTINGS_TEMPLATE + ("#segments" if request.htmx else "")
    response = render(request, template, context, status=status)
    return plan_changed(response) if request.htmx and status == 200 else response


@organization_view(post=WRITE)
def segment_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = SegmentForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            segment = services.segment_create(
                organization=organization, actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error("name", error.messages)
        else:
            if not request.htmx:
                messages.success(request, f"Added the segment “{segment.name}”.")
                return redirect("organization_settings", membership.organization.slug)
            return _segments_response(request, membership, added=segment)
    return _segments_response(request, membership, status=422, add_form=form)


@organization_view(post=WRITE)
def segment_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Renames a segment; htmx swaps its row, a plain form gets the page back."""
    organization = membership.organization
    segment = get_object_or_404(Segment, pk=pk, organization=organization)
    form = SegmentForm(request.POST, instance=segment, organization=organization)
    status, row = 422, None
    if form.is_valid():
        try:
            services.segment_update(
                segment=segment,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                name=form.cleaned_data["name"],
            )
        except services.StaleEdit as error:
            # The rename form keeps what this editor typed, now against the current version.
            current = error.current
            retry = SegmentForm(
                with_version(request.POST, current.version),
                instance=current,
                organization=organization,
            )
            retry.is_valid()
            current.refresh_from_db()  # validation wrote the typed name onto it
            refusal = Refusal.stale(error, NOT_SAVED)
            status, row = 409, _segment_row(current, organization, form=retry, refusal=refusal)
        except ValidationError as error:
            form.add_error("name", error.messages)
        else:
            if not request.htmx:
                messages.success(request, f"Renamed the segment to “{segment.name}”.")
                return redirect("organization_settings", membership.organization.slug)
            row = _segment_row(segment, organization, saved=True)
            context = org_context(membership, "settings", row=row)
            return plan_changed(render(request, "planner/_segment.html", context))
    if row is None:
        # Validation wrote the typed name onto the segment; the row shows the stored one.
        segment.refresh_from_db()
        row = _segment_row(segment, organization, form=form)
    if request.htmx:
        context = org_context(membership, "settings", row=row)
        return render(request, "planner/_segment.html", context, status=status)
    return render(request, SETTINGS_TEMPLATE, _settings_context(membership, row=row), status=status)


@organization_view(get=WRITE, post=WRITE)
def segment_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST deletes.

    The POST names the version the person saw: a segment renamed since is not deleted.
    """
    organization = membership.organization
    segment = get_object_or_404(Segment, pk=pk, organization=organization)

    def confirm(refusal: Refusal | None = None) -> HttpResponse:
        shown = refusal.current if refusal and refusal.current else segment
        context = org_context(membership, "settings", segment=shown, refusal=refusal)
        status = refusal.status if refusal else 200
        return render(request, "planner/segment_confirm_delete.html", context, status=status)

    def segments(refusal: Refusal | None) -> HttpResponse:
        # The segments as they are now, the reason on the row the person tried to delete.
        if refusal is None:
            return _segments_response(request, membership)
        row = _segment_row(refusal.current or segment, organization, refusal=refusal)
        return _segments_response(request, membership, status=refusal.status, row=row)

    if request.method == "GET":
        return confirm()
    refusal = attempt_delete(
        request,
        lambda version: services.segment_delete(
            segment=segment, actor=request.user, expected_version=version
        ),
    )
    return answer_delete(
        request,
        refusal,
        done=f"Deleted the segment “{segment.name}”.",
        done_url=reverse("organization_settings", args=[organization.slug]),
        fragment=segments,
        confirm=confirm,
    )
