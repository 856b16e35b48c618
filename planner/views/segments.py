"""The segments on the settings page: add, rename and delete, each row redrawn in place."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from planner import services
from planner.forms import SegmentForm
from planner.models import Membership, Segment
from planner.settings_page import SETTINGS_TEMPLATE, segment_row, settings_context
from planner.views.access import WRITE, org_context, organization_view, plan_changed
from planner.views.refusals import (
    NOT_SAVED,
    Refusal,
    answer_delete,
    attempt_delete,
    with_version,
)


def _segments_response(
    request: HttpRequest, membership: Membership, status: int = 200, **overrides
) -> HttpResponse:
    """The whole page, or for htmx the segments section alone."""
    context = settings_context(membership, **overrides)
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
                messages.success(
                    request, _("Added the segment “%(name)s”.") % {"name": segment.name}
                )
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
            status, row = 409, segment_row(current, organization, form=retry, refusal=refusal)
        except ValidationError as error:
            form.add_error("name", error.messages)
        else:
            if not request.htmx:
                messages.success(
                    request, _("Renamed the segment to “%(name)s”.") % {"name": segment.name}
                )
                return redirect("organization_settings", membership.organization.slug)
            row = segment_row(segment, organization, saved=True)
            context = org_context(membership, "settings", row=row)
            return plan_changed(render(request, "planner/_segment.html", context))
    if row is None:
        # Validation wrote the typed name onto the segment; the row shows the stored one.
        segment.refresh_from_db()
        row = segment_row(segment, organization, form=form)
    if request.htmx:
        context = org_context(membership, "settings", row=row)
        return render(request, "planner/_segment.html", context, status=status)
    return render(request, SETTINGS_TEMPLATE, settings_context(membership, row=row), status=status)


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
        row = segment_row(refusal.current or segment, organization, refusal=refusal)
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
        done=gettext("Deleted the segment “%(name)s”.") % {"name": segment.name},
        done_url=reverse("organization_settings", args=[organization.slug]),
        fragment=segments,
        confirm=confirm,
    )
