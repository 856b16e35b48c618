"""Scenarios: the list, a new one as a copy, rename and inputs, duplicate, delete, and
"make this the plan". Plain forms: each write redirects, so the pages need no JavaScript."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from planner import services
from planner.forms import ScenarioCreateForm, ScenarioForm, add_service_errors, require_version
from planner.models import Membership, Scenario
from planner.planning import load_plan
from planner.scenarios_page import promotion_changes
from planner.views.access import READ, WRITE, org_context, organization_view
from planner.views.refusals import Refusal, answer_delete, attempt_delete


def _scenario(membership: Membership, pk: int) -> Scenario:
    """The organization's scenario ``pk``; another organization's is not found."""
    scenario = get_object_or_404(Scenario, pk=pk, organization=membership.organization)
    scenario.organization = membership.organization
    return scenario


def _list(request: HttpRequest, membership: Membership, form, status: int = 200):
    context = org_context(membership, "scenarios", scenarios=form.scenarios.values(), form=form)
    return render(request, "planner/scenarios.html", context, status=status)


@organization_view(get=READ, post=WRITE)
def scenarios(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The scenarios beside the plan; an editor starts a new one as a copy of any of them."""
    organization = membership.organization
    existing = list(organization.scenarios.all())
    if request.method == "GET":
        return _list(
            request, membership, ScenarioCreateForm(organization=organization, scenarios=existing)
        )
    form = ScenarioCreateForm(request.POST, organization=organization, scenarios=existing)
    if form.is_valid():
        try:
            scenario = services.scenario_create(
                organization=organization,
                actor=request.user,
                name=form.cleaned_data["name"],
                source=form.source_scenario,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Created the scenario “%(name)s”. Its forecast is below: change it freely, "
                    "the plan stays as it is."
                )
                % {"name": scenario.name},
            )
            return redirect(
                f"{reverse('headcount', args=[organization.slug])}?scenario={scenario.pk}"
            )
    return _list(request, membership, form, status=422)


@organization_view(get=WRITE, post=WRITE)
def scenario_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A scenario's name and planning inputs; the plan's own inputs are in settings."""
    scenario = _scenario(membership, pk)
    organization = membership.organization
    status, refusal = 200, None
    if request.method == "GET":
        form = ScenarioForm(
            instance=scenario, organization=organization, initial={"version": scenario.version}
        )
    else:
        # The form validates into a copy, so that the service compares and records the
        # scenario as it was read (a second read could find it deleted meanwhile).
        form = ScenarioForm(request.POST, instance=copy.copy(scenario), organization=organization)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in services.SCENARIO_FIELDS}
            try:
                services.scenario_update(
                    scenario=scenario,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    **fields,
                )
            except services.StaleEdit as error:
                refusal = Refusal.stale(
                    error,
                    _(
                        "Not saved: someone changed this scenario "
                        "since you opened it. It is shown as it is now."
                    ),
                )
                form = ScenarioForm(
                    instance=error.current,
                    organization=organization,
                    initial={"version": error.current.version},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Saved the scenario “%(name)s”.") % {"name": scenario.name}
                )
                return redirect("scenarios", organization.slug)
        status = refusal.status if refusal else 422
    context = org_context(membership, "scenarios", edited=scenario, form=form, refusal=refusal)
    return render(request, "planner/scenario_edit.html", context, status=status)


@organization_view(post=WRITE)
def scenario_duplicate(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A copy of the scenario under a free name ("Copy of …"), to change on its own."""
    source = _scenario(membership, pk)
    organization = membership.organization
    taken = {name.lower() for name in organization.scenarios.values_list("name", flat=True)}
    base = _("Copy of %(name)s") % {"name": source.name}
    name, n = base[:80], 2
    while name.lower() in taken:
        name, n = f"{base[:74]} ({n})", n + 1
    try:
        copy = services.scenario_create(
            organization=organization, actor=request.user, name=name, source=source
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Created “%(name)s”.") % {"name": copy.name})
    return redirect("scenarios", organization.slug)


@organization_view(get=WRITE, post=WRITE)
def scenario_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the scenario, its forecast and its hires."""
    scenario = _scenario(membership, pk)
    organization = membership.organization

    def confirm(refusal: Refusal | None = None) -> HttpResponse:
        shown = refusal.current if refusal and refusal.current else scenario
        context = org_context(membership, "scenarios", edited=shown, refusal=refusal)
        status = refusal.status if refusal else 200
        return render(request, "planner/scenario_confirm_delete.html", context, status=status)

    if request.method == "GET":
        return confirm()
    refusal = attempt_delete(
        request,
        lambda version: services.scenario_delete(
            scenario=scenario, actor=request.user, expected_version=version
        ),
    )
    return answer_delete(
        request,
        refusal,
        done=_("Deleted the scenario “%(name)s”.") % {"name": scenario.name},
        done_url=reverse("scenarios", args=[organization.slug]),
        fragment=lambda refusal: confirm(refusal),
        confirm=confirm,
    )


@organization_view(get=WRITE, post=WRITE)
def scenario_promote(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Makes the scenario the plan, after a page that lists what changes; the old plan
    is kept as a scenario named after today."""
    scenario = _scenario(membership, pk)
    organization = membership.organization
    refusal = None
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            require_version({"version": int(version) if version.isdigit() else None})
            old_plan = services.scenario_promote(
                scenario=scenario,
                actor=request.user,
                expected_version=int(version),
                expected_state=request.POST.get("state", ""),
                old_plan_name=_("Plan before %(date)s")
                % {"date": formats.date_format(timezone.localdate(), "Y-m-d")},
            )
        except services.StaleEdit as error:
            refusal = Refusal.stale(
                error,
                _(
                    "Not made the plan: someone changed this scenario or the plan since you "
                    "opened this page. Check what changes again below."
                ),
            )
            scenario = error.current
        except ValidationError as error:
            refusal = Refusal.invalid(error)
        else:
            messages.success(
                request,
                _(
                    "“%(name)s” is now the plan. The plan as it was is kept as the scenario "
                    "“%(old)s”."
                )
                % {"name": scenario.name, "old": old_plan.name},
            )
            return redirect("gap", organization.slug)
    plan = load_plan(organization)
    proposed = load_plan(organization, scenario=scenario)
    context = org_context(
        membership,
        "scenarios",
        edited=scenario,
        changes=promotion_changes(plan, proposed),
        # What the page shows, checked when it is confirmed: see services.promotion_state.
        state=services.promotion_state(organization, scenario),
        refusal=refusal,
    )
    status = refusal.status if refusal else 200
    return render(request, "planner/scenario_promote.html", context, status=status)
