"""Planned hires on the Team & hires page: plan, edit, delete, and mark one hired.

Every successful htmx write answers with ``HX-Trigger: planChanged`` so the gap panel on
the page fetches itself again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from planner import services
from planner.forms import (
    HireForm,
    add_service_errors,
)
from planner.models import Membership, PlannedHire
from planner.planning import current_quarter
from planner.quarters import Quarter
from planner.team_page import (
    HIRE_ROW,
    PAGE,
    HireRow,
    Redraw,
    hire_form,
    hire_row,
    hire_summary,
    mark_hired_form,
    new_hire_form,
    page_context,
    team_url,
)
from planner.views.access import WRITE, org_context, organization_view, plan_changed
from planner.views.refusals import (
    NOT_SAVED,
    Refusal,
    answer_delete,
    attempt_delete,
    with_version,
)


def _get_hire(membership: Membership, pk: int) -> PlannedHire:
    """A hire of the plan or scenario the request names: a scenario's hires are not
    reached from the plan's pages, nor the plan's from a scenario's."""
    hires = PlannedHire.objects.select_related("team_member")
    hire = get_object_or_404(
        hires, pk=pk, organization=membership.organization, scenario=membership.scenario
    )
    hire.scenario = membership.scenario
    return hire


def _row_response(
    request: HttpRequest, membership: Membership, row: HireRow, status: int = 200
) -> HttpResponse:
    context = org_context(membership, "team", row=row)
    return render(request, HIRE_ROW, context, status=status)


@organization_view(post=WRITE)
def hire_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = new_hire_form(current_quarter(organization), request.POST)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.HIRE_FIELDS}
        try:
            hire = services.hire_create(
                organization=organization,
                actor=request.user,
                scenario=membership.scenario,
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(
                    request,
                    _("Planned a %(role)s hire.") % {"role": hire.get_role_display().lower()},
                )
                return redirect(team_url(organization.slug, f"hire-{hire.pk}", membership.scenario))
            context = page_context(request, membership, Redraw(added_hire=hire.pk))
            return plan_changed(render(request, f"{PAGE}#hire-section", context))
    context = page_context(request, membership, Redraw(hire_form=form))
    template = f"{PAGE}#hire-section" if request.htmx else PAGE
    return render(request, template, context, status=422)


def _edit_response(
    request: HttpRequest,
    membership: Membership,
    hire: PlannedHire,
    form: HireForm,
    status: int = 200,
    refusal: Refusal | None = None,
) -> HttpResponse:
    if request.htmx:
        row = HireRow(hire, hire.team_member, mode="edit", form=form, refusal=refusal)
        return _row_response(request, membership, row, status)
    context = org_context(membership, "team", hire=hire, form=form, refusal=refusal)
    return render(request, "planner/hire_edit.html", context, status=status)


@organization_view(get=WRITE, post=WRITE)
def hire_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET: the edit form (a row with htmx, else a page; ``?cancel=1`` the plain row)."""
    organization = membership.organization
    hire = _get_hire(membership, pk)
    now = current_quarter(organization)
    if request.method == "GET":
        if request.htmx and request.GET.get("cancel"):
            row = hire_row(hire, hire.team_member, organization)
            return _row_response(request, membership, row)
        return _edit_response(request, membership, hire, hire_form(hire, now))
    form = hire_form(hire, now, request.POST)
    if not form.is_valid():
        hire.refresh_from_db()  # the form wrote what was typed onto the instance
        return _edit_response(request, membership, hire, form, status=422)
    fields = {name: form.cleaned_data[name] for name in services.HIRE_FIELDS}
    try:
        services.hire_update(
            hire=hire, actor=request.user, expected_version=form.cleaned_data["version"], **fields
        )
    except services.StaleEdit as error:
        current = error.current
        form = hire_form(current, now, with_version(request.POST, current.version))
        refusal = Refusal.stale(error, NOT_SAVED)
        return _edit_response(request, membership, current, form, 409, refusal)
    except ValidationError as error:
        add_service_errors(form, error)
        hire.refresh_from_db()
        return _edit_response(request, membership, hire, form, status=422)
    if not request.htmx:
        messages.success(
            request, _("Saved the %(role)s hire.") % {"role": hire.get_role_display().lower()}
        )
        return redirect(team_url(organization.slug, f"hire-{hire.pk}", membership.scenario))
    # A changed status or cost changes the section's summary too: it comes out of band.
    context = org_context(
        membership,
        "team",
        row=hire_row(hire, hire.team_member, organization, saved=True),
        summary=hire_summary(organization, membership.scenario),
    )
    return plan_changed(render(request, f"{PAGE}#hire-saved", context))


@organization_view(get=WRITE, post=WRITE)
def hire_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST deletes.

    The POST names the version the person saw: a hire changed since is not deleted.
    """
    organization = membership.organization
    hire = _get_hire(membership, pk)

    def confirm(refusal: Refusal | None = None) -> HttpResponse:
        shown = refusal.current if refusal and refusal.current else hire
        context = org_context(membership, "team", hire=shown, refusal=refusal)
        status = refusal.status if refusal else 200
        return render(request, "planner/hire_confirm_delete.html", context, status=status)

    def section(refusal: Refusal | None) -> HttpResponse:
        rows = {}
        if refusal is not None:
            shown = refusal.current or hire
            rows[pk] = hire_row(shown, shown.team_member, organization, refusal=refusal)
        context = page_context(request, membership, Redraw(hire_rows=rows))
        response = render(request, f"{PAGE}#hire-section", context)
        return response if refusal else plan_changed(response)

    if request.method == "GET":
        return confirm()
    done = gettext("Deleted the %(role)s hire for %(quarter)s.") % {
        "role": hire.get_role_display().lower(),
        "quarter": Quarter.from_ordinal(hire.target_quarter),
    }
    refusal = attempt_delete(
        request,
        lambda version: services.hire_delete(
            hire=hire, actor=request.user, expected_version=version
        ),
    )
    return answer_delete(
        request,
        refusal,
        done=done,
        done_url=team_url(organization.slug, "", membership.scenario),
        fragment=section,
        confirm=confirm,
    )


@organization_view(get=WRITE, post=WRITE)
def hire_mark_hired(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The person who filled the hire joins the team; the hire stops counting as planned.

    In the plan alone: the team is the same in every scenario, so a scenario's hire
    becomes a person only once the scenario is made the plan.
    """
    organization = membership.organization
    if membership.scenario is not None:
        messages.error(
            request,
            _(
                "Nothing was changed: a hire is marked hired in the plan alone. Make this "
                "scenario the plan first."
            ),
        )
        url = team_url(organization.slug, "hire-section", membership.scenario)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    hire = _get_hire(membership, pk)
    now = current_quarter(organization)
    if request.method == "GET":
        form = mark_hired_form(hire, now)
        if request.htmx:
            row = HireRow(hire, hire.team_member, mode="hired", form=form)
            return _row_response(request, membership, row)
        context = org_context(membership, "team", hire=hire, form=form)
        return render(request, "planner/hire_mark_hired.html", context)
    form = mark_hired_form(hire, now, request.POST)
    refusal = None
    if form.is_valid():
        try:
            member = services.hire_mark_hired(
                hire=hire,
                actor=request.user,
                name=form.cleaned_data["name"],
                start_quarter=form.cleaned_data["start_quarter"],
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleEdit as error:
            hire, refusal = error.current, Refusal.stale(error, NOT_SAVED)
            form = mark_hired_form(hire, now, with_version(request.POST, hire.version))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(
                    request,
                    _("%(name)s joined the team from %(start_quarter)s.")
                    % {
                        "name": member.name,
                        "start_quarter": Quarter.from_ordinal(member.start_quarter),
                    },
                )
                return redirect(
                    team_url(organization.slug, f"member-{member.pk}", membership.scenario)
                )
            redraw = Redraw(added_member=member.pk)
            context = page_context(request, membership, redraw)
            return plan_changed(render(request, f"{PAGE}#team-sections", context))
    status = refusal.status if refusal else 422
    if not request.htmx:
        context = org_context(membership, "team", hire=hire, form=form, refusal=refusal)
        return render(request, "planner/hire_mark_hired.html", context, status=status)
    # The form posts to the sections (a success re-renders both): answer in kind.
    row = HireRow(hire, hire.team_member, mode="hired", form=form, refusal=refusal)
    context = page_context(request, membership, Redraw(hire_rows={hire.pk: row}))
    return render(request, f"{PAGE}#team-sections", context, status=status)
