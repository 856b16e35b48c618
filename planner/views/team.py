"""The enablement team in seat and the planned hires, each row edited in place.

Every successful htmx write answers with ``HX-Trigger: planChanged`` so the gap panel on
the page fetches itself again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from planner import rules, services
from planner.forms import DeleteForm, HireForm, MarkHiredForm, TeamMemberForm, add_service_errors
from planner.gap_panel import gap_context
from planner.models import Membership, PlannedHire, TeamMember
from planner.planning import Plan, current_quarter, load_plan
from planner.quarters import Quarter
from planner.views.access import READ, WRITE, org_context, organization_view, plan_changed

PAGE = "planner/team.html"
MEMBER_ROW = "planner/_team_member.html"
HIRE_ROW = "planner/_hire.html"
QUARTERS_AROUND = 12  # how far back and ahead of the current quarter the selects reach

SEAT_STATUSES = {"in_seat": "In seat", "left": "Left", "later": "Starts later"}
NEW_HIRE_STATUSES = sorted(rules.OPEN_HIRE_STATUSES, key=rules.HIRE_STATUSES.index)
STALE = "Changed by someone else since you opened it"


# --- building blocks ------------------------------------------------------------------------


def quarter_window(now: int, *stored: int | None) -> list[int]:
    """The quarters a select offers: a window around now, plus any value already stored."""
    around = range(now - QUARTERS_AROUND, now + QUARTERS_AROUND + 1)
    return sorted({*around, *(quarter for quarter in stored if quarter is not None)})


def seat_status(member: TeamMember, now: int) -> str:
    if member.start_quarter > now:
        return "later"
    return "in_seat" if member.as_seat().in_seat(now) else "left"


def hire_statuses(hire: PlannedHire) -> list[str]:
    """A hired hire stays hired (its person is on the team); the others may be cancelled."""
    if hire.status == rules.HIRED:
        return [rules.HIRED]
    return [*NEW_HIRE_STATUSES, rules.CANCELLED]


def _member_row(member: TeamMember, now: int, **extra) -> dict:
    status = seat_status(member, now)
    return {"member": member, "status": status, "status_label": SEAT_STATUSES[status], **extra}


def _hire_row(hire: PlannedHire, became: TeamMember | None, **extra) -> dict:
    return {"hire": hire, "became": became, **extra}


def _new_member_form(now: int, data: QueryDict | None = None, *, leader_first=False):
    initial = {"start_quarter": now, "role": rules.ENABLEMENT_LEADER if leader_first else ""}
    return TeamMemberForm(
        data, ordinals=quarter_window(now), initial=initial, auto_id="new-member-%s"
    )


def _member_form(member: TeamMember, now: int, data: QueryDict | None = None):
    return TeamMemberForm(
        data,
        instance=member,
        initial={"version": member.version},
        ordinals=quarter_window(now, member.start_quarter, member.end_quarter),
        auto_id=f"member-{member.pk}-%s",
    )


def _new_hire_form(now: int, data: QueryDict | None = None) -> HireForm:
    return HireForm(
        data,
        ordinals=quarter_window(now),
        statuses=NEW_HIRE_STATUSES,
        initial={"target_quarter": now + 1},
        auto_id="new-hire-%s",
    )


def _hire_form(hire: PlannedHire, now: int, data: QueryDict | None = None) -> HireForm:
    return HireForm(
        data,
        instance=hire,
        initial={"version": hire.version},
        ordinals=quarter_window(now, hire.target_quarter),
        statuses=hire_statuses(hire),
        auto_id=f"hire-{hire.pk}-%s",
    )


def _mark_hired_form(hire: PlannedHire, now: int, data: QueryDict | None = None):
    return MarkHiredForm(
        data,
        ordinals=quarter_window(now, hire.target_quarter),
        initial={"start_quarter": hire.target_quarter, "version": hire.version},
        auto_id=f"hire-{hire.pk}-hired-%s",
    )


def _with_version(data: QueryDict, version: int) -> QueryDict:
    """What the editor typed, now against the current version, so saving again applies it."""
    data = data.copy()
    data["version"] = str(version)
    return data


def _hire_summary(hires: list[PlannedHire]) -> dict:
    """How many hires are still open and what they cost a year, for the section's summary."""
    open_hires = [hire for hire in hires if hire.counts]
    costs = [hire.annual_cost for hire in open_hires if hire.annual_cost is not None]
    return {
        "open_hire_count": len(open_hires),
        "open_hire_cost": sum(costs) if costs else None,
        "uncosted_count": len(open_hires) - len(costs),
    }


def _page_context(membership: Membership, plan: Plan, **overrides) -> dict:
    """The whole page; ``rows`` maps ("member"|"hire", pk) to what replaces that row."""
    now = current_quarter(plan.organization)
    replaced = overrides.pop("rows", {})
    members = {member.pk: member for member in plan.team}
    context = org_context(
        membership,
        "team",
        now=now,
        member_rows=[
            _member_row(member, now, **replaced.get(("member", member.pk), {}))
            for member in plan.team
        ],
        hire_rows=[
            _hire_row(hire, members.get(hire.team_member_id), **replaced.get(("hire", hire.pk), {}))
            for hire in plan.hires
        ],
        member_form=overrides.pop("member_form", None)
        or _new_member_form(now, leader_first=not plan.team),
        hire_form=overrides.pop("hire_form", None) or _new_hire_form(now),
        **_hire_summary(plan.hires),
        compact=True,
        **gap_context(plan, None),
    )
    context.update(overrides)
    return context


def _team_url(slug: str, anchor: str = "") -> str:
    return reverse("team", args=[slug]) + (f"#{anchor}" if anchor else "")


# --- the page ---------------------------------------------------------------------------------


@organization_view(get=READ)
def team(request: HttpRequest, membership: Membership) -> HttpResponse:
    plan = load_plan(membership.organization)
    return render(request, PAGE, _page_context(membership, plan))


# --- team members -----------------------------------------------------------------------------


@organization_view(post=WRITE)
def team_member_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = _new_member_form(current_quarter(organization), request.POST)
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
                messages.success(request, f"Added {member.name} to the team.")
                return redirect(_team_url(membership.organization.slug, f"member-{member.pk}"))
            context = _page_context(membership, load_plan(organization), added_member=member.pk)
            return plan_changed(render(request, f"{PAGE}#member-section", context))
    context = _page_context(membership, load_plan(organization), member_form=form)
    template = f"{PAGE}#member-section" if request.htmx else PAGE
    return render(request, template, context, status=422)


def _member_row_response(
    request: HttpRequest,
    membership: Membership,
    member: TeamMember,
    status: int = 200,
    **extra,
) -> HttpResponse:
    now = current_quarter(membership.organization)
    context = org_context(membership, "team", row=_member_row(member, now, **extra))
    if extra.get("saved"):
        # The planned hire this person came from names them: keep that row in step.
        hire = PlannedHire.objects.filter(team_member=member).first()
        if hire is not None:
            context["linked_hire_row"] = _hire_row(hire, member)
    return render(request, MEMBER_ROW, context, status=status)


def _member_edit_response(
    request: HttpRequest,
    membership: Membership,
    member: TeamMember,
    form: TeamMemberForm,
    status: int = 200,
    stale: TeamMember | None = None,
) -> HttpResponse:
    if request.htmx:
        return _member_row_response(
            request, membership, member, status, mode="edit", form=form, stale=stale
        )
    context = org_context(membership, "team", member=member, form=form, stale=stale)
    return render(request, "planner/team_member_edit.html", context, status=status)


@organization_view(get=WRITE, post=WRITE)
def team_member_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET: the edit form (a row with htmx, else a page; ``?cancel=1`` the plain row)."""
    member = get_object_or_404(TeamMember, pk=pk, organization=membership.organization)
    now = current_quarter(membership.organization)
    if request.method == "GET":
        if request.htmx and request.GET.get("cancel"):
            return _member_row_response(request, membership, member)
        return _member_edit_response(request, membership, member, _member_form(member, now))
    form = _member_form(member, now, request.POST)
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
        current = error.current
        form = _member_form(current, now, _with_version(request.POST, current.version))
        return _member_edit_response(request, membership, current, form, status=409, stale=current)
    except ValidationError as error:
        add_service_errors(form, error)
        member.refresh_from_db()
        return _member_edit_response(request, membership, member, form, status=422)
    if not request.htmx:
        messages.success(request, f"Saved {member.name}.")
        return redirect(_team_url(membership.organization.slug, f"member-{member.pk}"))
    return plan_changed(_member_row_response(request, membership, member, saved=True))


@organization_view(get=WRITE, post=WRITE)
def team_member_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST deletes.

    The POST names the version the person saw: someone changed since is not deleted.
    """
    organization = membership.organization
    member = get_object_or_404(TeamMember, pk=pk, organization=organization)
    if request.method == "GET":
        hire = PlannedHire.objects.filter(team_member=member).first()
        context = org_context(membership, "team", member=member, from_hire=hire)
        return render(request, "planner/team_member_confirm_delete.html", context)
    form = DeleteForm(request.POST)
    status, stale = 422, None
    if form.is_valid():
        name = member.name
        try:
            services.team_member_delete(
                member=member, actor=request.user, expected_version=form.cleaned_data["version"]
            )
        except services.StaleEdit as error:
            status, stale = 409, error.current
        else:
            if not request.htmx:
                messages.success(request, f"Removed {name} from the team.")
                return redirect("team", membership.organization.slug)
            # Both sections: a hire this person came from no longer names them.
            context = _page_context(membership, load_plan(organization))
            return plan_changed(render(request, f"{PAGE}#team-sections", context))
    if not request.htmx:
        current = stale or member
        context = org_context(
            membership,
            "team",
            member=current,
            from_hire=PlannedHire.objects.filter(team_member=current).first(),
            stale=stale,
            error=form.message,
        )
        return render(request, "planner/team_member_confirm_delete.html", context, status=status)
    # The sections as they are now, the reason on the row the person tried to delete.
    row = {"delete_stale": stale is not None, "delete_error": form.message}
    context = _page_context(membership, load_plan(organization), rows={("member", pk): row})
    return render(request, f"{PAGE}#team-sections", context, status=status)


# --- planned hires ----------------------------------------------------------------------------


@organization_view(post=WRITE)
def hire_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = _new_hire_form(current_quarter(organization), request.POST)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.HIRE_FIELDS}
        try:
            hire = services.hire_create(organization=organization, actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, f"Planned a {hire.get_role_display().lower()} hire.")
                return redirect(_team_url(membership.organization.slug, f"hire-{hire.pk}"))
            context = _page_context(membership, load_plan(organization), added_hire=hire.pk)
            return plan_changed(render(request, f"{PAGE}#hire-section", context))
    context = _page_context(membership, load_plan(organization), hire_form=form)
    template = f"{PAGE}#hire-section" if request.htmx else PAGE
    return render(request, template, context, status=422)


def _get_hire(membership: Membership, pk: int) -> PlannedHire:
    hires = PlannedHire.objects.select_related("team_member")
    return get_object_or_404(hires, pk=pk, organization=membership.organization)


def _hire_row_response(
    request: HttpRequest, membership: Membership, hire: PlannedHire, status: int = 200, **extra
) -> HttpResponse:
    context = org_context(membership, "team", row=_hire_row(hire, hire.team_member, **extra))
    return render(request, HIRE_ROW, context, status=status)


def _hire_edit_response(
    request: HttpRequest,
    membership: Membership,
    hire: PlannedHire,
    form: HireForm,
    status: int = 200,
    stale: PlannedHire | None = None,
) -> HttpResponse:
    if request.htmx:
        return _hire_row_response(
            request, membership, hire, status, mode="edit", form=form, stale=stale
        )
    context = org_context(membership, "team", hire=hire, form=form, stale=stale)
    return render(request, "planner/hire_edit.html", context, status=status)


@organization_view(get=WRITE, post=WRITE)
def hire_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET: the edit form (a row with htmx, else a page; ``?cancel=1`` the plain row)."""
    hire = _get_hire(membership, pk)
    now = current_quarter(membership.organization)
    if request.method == "GET":
        if request.htmx and request.GET.get("cancel"):
            return _hire_row_response(request, membership, hire)
        return _hire_edit_response(request, membership, hire, _hire_form(hire, now))
    form = _hire_form(hire, now, request.POST)
    if not form.is_valid():
        hire.refresh_from_db()  # the form wrote what was typed onto the instance
        return _hire_edit_response(request, membership, hire, form, status=422)
    fields = {name: form.cleaned_data[name] for name in services.HIRE_FIELDS}
    try:
        services.hire_update(
            hire=hire, actor=request.user, expected_version=form.cleaned_data["version"], **fields
        )
    except services.StaleEdit as error:
        current = error.current
        form = _hire_form(current, now, _with_version(request.POST, current.version))
        return _hire_edit_response(request, membership, current, form, status=409, stale=current)
    except ValidationError as error:
        add_service_errors(form, error)
        hire.refresh_from_db()
        return _hire_edit_response(request, membership, hire, form, status=422)
    if not request.htmx:
        messages.success(request, f"Saved the {hire.get_role_display().lower()} hire.")
        return redirect(_team_url(membership.organization.slug, f"hire-{hire.pk}"))
    response = _hire_row_response(request, membership, hire, saved=True)
    # A changed status or cost changes the section's summary too: send it out of band.
    hires = list(PlannedHire.objects.filter(organization=membership.organization))
    summary = render(
        request,
        "planner/team.html#hire-summary",
        {**_hire_summary(hires), "oob": True},
    )
    response.content += summary.content
    return plan_changed(response)


@organization_view(get=WRITE, post=WRITE)
def hire_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST deletes.

    The POST names the version the person saw: a hire changed since is not deleted.
    """
    organization = membership.organization
    hire = _get_hire(membership, pk)
    if request.method == "GET":
        context = org_context(membership, "team", hire=hire)
        return render(request, "planner/hire_confirm_delete.html", context)
    form = DeleteForm(request.POST)
    status, stale = 422, None
    if form.is_valid():
        label = (
            f"{hire.get_role_display().lower()} hire for "
            f"{Quarter.from_ordinal(hire.target_quarter)}"
        )
        try:
            services.hire_delete(
                hire=hire, actor=request.user, expected_version=form.cleaned_data["version"]
            )
        except services.StaleEdit as error:
            status, stale = 409, error.current
        else:
            if not request.htmx:
                messages.success(request, f"Deleted the {label}.")
                return redirect("team", membership.organization.slug)
            context = _page_context(membership, load_plan(organization))
            return plan_changed(render(request, f"{PAGE}#hire-section", context))
    if not request.htmx:
        context = org_context(
            membership, "team", hire=stale or hire, stale=stale, error=form.message
        )
        return render(request, "planner/hire_confirm_delete.html", context, status=status)
    # The section as it is now, the reason on the row the person tried to delete.
    row = {"delete_stale": stale is not None, "delete_error": form.message}
    context = _page_context(membership, load_plan(organization), rows={("hire", pk): row})
    return render(request, f"{PAGE}#hire-section", context, status=status)


@organization_view(get=WRITE, post=WRITE)
def hire_mark_hired(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The person who filled the hire joins the team; the hire stops counting as planned."""
    organization = membership.organization
    hire = _get_hire(membership, pk)
    now = current_quarter(organization)
    if request.method == "GET":
        form = _mark_hired_form(hire, now)
        if request.htmx:
            return _hire_row_response(request, membership, hire, mode="hired", form=form)
        context = org_context(membership, "team", hire=hire, form=form)
        return render(request, "planner/hire_mark_hired.html", context)
    form = _mark_hired_form(hire, now, request.POST)
    status, stale = 422, None
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
            hire, stale, status = error.current, error.current, 409
            form = _mark_hired_form(hire, now, _with_version(request.POST, hire.version))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(
                    request,
                    f"{member.name} joined the team from "
                    f"{Quarter.from_ordinal(member.start_quarter)}.",
                )
                return redirect(_team_url(membership.organization.slug, f"member-{member.pk}"))
            context = _page_context(membership, load_plan(organization), added_member=member.pk)
            return plan_changed(render(request, f"{PAGE}#team-sections", context))
    if not request.htmx:
        context = org_context(membership, "team", hire=hire, form=form, stale=stale)
        return render(request, "planner/hire_mark_hired.html", context, status=status)
    # The form posts to the sections (a success re-renders both): answer in kind.
    row = {"mode": "hired", "form": form, "stale": stale}
    context = _page_context(membership, load_plan(organization), rows={("hire", hire.pk): row})
    return render(request, f"{PAGE}#team-sections", context, status=status)
