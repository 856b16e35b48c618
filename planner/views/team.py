"""The Team & hires page, and the people in seat, each row edited in place.

Every successful htmx write answers with ``HX-Trigger: planChanged`` so the gap panel on
the page fetches itself again. The planned hires on the same page are in ``hires.py``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from planner import services
from planner.forms import TeamMemberForm, add_service_errors
from planner.models import Membership, PlannedHire, TeamMember
from planner.page_cache import render_page
from planner.planning import current_quarter
from planner.team_page import (
    MEMBER_ROW,
    PAGE,
    Redraw,
    hire_row,
    member_form,
    member_row,
    new_member_form,
    page_context,
    team_url,
)
from planner.views.access import READ, WRITE, org_context, organization_view, plan_changed
from planner.views.refusals import (
    NOT_SAVED,
    Refusal,
    answer_delete,
    attempt_delete,
    with_version,
)

SECTIONS = frozenset({"member-section", "hire-section"})


def _refused_in_a_scenario(request: HttpRequest, membership: Membership) -> HttpResponse | None:
    """The people in seat are the same in every scenario: changed from the plan alone, as
    a hire is marked hired there alone. None on the plan's page."""
    if membership.scenario is None:
        return None
    messages.error(
        request,
        _(
            "Nothing was changed: the people in seat are the same in every scenario. Change "
            "them on the plan's Team & hires page."
        ),
    )
    url = team_url(membership.organization.slug, "member-section", membership.scenario)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@organization_view(get=READ)
@vary_on_headers("HX-Request")
def team(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The page; a filter or a page of one list asks for that list's section alone."""
    if (
        request.htmx
        and request.htmx.target in SECTIONS
        and not request.htmx.history_restore_request
    ):
        return render(request, f"{PAGE}#{request.htmx.target}", page_context(request, membership))
    return render_page(request, membership, PAGE, "team", lambda: page_context(request, membership))


@organization_view(post=WRITE)
def team_member_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    if refused := _refused_in_a_scenario(request, membership):
        return refused
    organization = membership.organization
    form = new_member_form(current_quarter(organization), request.POST)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.TEAM_MEMBER_FIELDS}
        try:
            member = services.team_member_create(
                organization=organization, actor=request.user, **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Added %(name)s to the team.") % {"name": member.name})
                return redirect(
                    team_url(organization.slug, f"member-{member.pk}", membership.scenario)
                )
            redraw = Redraw(added_member=member.pk)
            context = page_context(request, membership, redraw)
            return plan_changed(render(request, f"{PAGE}#member-section", context))
    context = page_context(request, membership, Redraw(member_form=form))
    template = f"{PAGE}#member-section" if request.htmx else PAGE
    return render(request, template, context, status=422)


def _member_row_response(
    request: HttpRequest,
    membership: Membership,
    member: TeamMember,
    status: int = 200,
    **details,
) -> HttpResponse:
    now = current_quarter(membership.organization)
    context = org_context(membership, "team", row=member_row(member, now, **details))
    if details.get("saved"):
        # The planned hire this person came from names them: keep that row in step.
        hire = PlannedHire.objects.filter(team_member=member).first()
        if hire is not None:
            context["linked_hire_row"] = hire_row(hire, member, membership.organization)
    return render(request, MEMBER_ROW, context, status=status)


def _member_edit_response(
    request: HttpRequest,
    membership: Membership,
    member: TeamMember,
    form: TeamMemberForm,
    status: int = 200,
    refusal: Refusal | None = None,
) -> HttpResponse:
    if request.htmx:
        return _member_row_response(
            request, membership, member, status, mode="edit", form=form, refusal=refusal
        )
    context = org_context(membership, "team", member=member, form=form, refusal=refusal)
    return render(request, "planner/team_member_edit.html", context, status=status)


@organization_view(get=WRITE, post=WRITE)
def team_member_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET: the edit form (a row with htmx, else a page; ``?cancel=1`` the plain row)."""
    organization = membership.organization
    if refused := _refused_in_a_scenario(request, membership):
        return refused
    member = get_object_or_404(TeamMember, pk=pk, organization=organization)
    now = current_quarter(organization)
    if request.method == "GET":
        if request.htmx and request.GET.get("cancel"):
            return _member_row_response(request, membership, member)
        return _member_edit_response(request, membership, member, member_form(member, now))
    form = member_form(member, now, request.POST)
    if not form.is_valid():
        member.refresh_from_db()  # the form wrote what was typed onto the instance
        return _member_edit_response(request, membership, member, form, status=422)
    fields = {name: form.cleaned_data[name] for name in services.TEAM_MEMBER_FIELDS}
    try:
        services.team_member_update(
            member=member,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **fields,
        )
    except services.StaleEdit as error:
        refusal = Refusal.stale(error, NOT_SAVED)
        current = error.current
        form = member_form(current, now, with_version(request.POST, current.version))
        return _member_edit_response(request, membership, current, form, 409, refusal)
    except ValidationError as error:
        add_service_errors(form, error)
        member.refresh_from_db()
        return _member_edit_response(request, membership, member, form, status=422)
    if not request.htmx:
        messages.success(request, _("Saved %(name)s.") % {"name": member.name})
        return redirect(team_url(organization.slug, f"member-{member.pk}", membership.scenario))
    return plan_changed(_member_row_response(request, membership, member, saved=True))


@organization_view(get=WRITE, post=WRITE)
def team_member_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST deletes.

    The POST names the version the person saw: someone changed since is not deleted.
    """
    organization = membership.organization
    if refused := _refused_in_a_scenario(request, membership):
        return refused
    member = get_object_or_404(TeamMember, pk=pk, organization=organization)

    def confirm(refusal: Refusal | None = None) -> HttpResponse:
        shown = refusal.current if refusal and refusal.current else member
        context = org_context(
            membership,
            "team",
            member=shown,
            from_hire=PlannedHire.objects.filter(team_member=shown).first(),
            refusal=refusal,
        )
        status = refusal.status if refusal else 200
        return render(request, "planner/team_member_confirm_delete.html", context, status=status)

    def sections(refusal: Refusal | None) -> HttpResponse:
        # Both sections: a hire this person came from no longer names them.
        redraw = Redraw(refused_members={pk: refusal} if refusal else {})
        context = page_context(request, membership, redraw)
        response = render(request, f"{PAGE}#team-sections", context)
        return response if refusal else plan_changed(response)

    if request.method == "GET":
        return confirm()
    name = member.name
    refusal = attempt_delete(
        request,
        lambda version: services.team_member_delete(
            member=member, actor=request.user, expected_version=version
        ),
    )
    return answer_delete(
        request,
        refusal,
        done=gettext("Removed %(name)s from the team.") % {"name": name},
        done_url=team_url(organization.slug, "", membership.scenario),
        fragment=sections,
        confirm=confirm,
    )
