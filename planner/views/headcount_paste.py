"""Rows pasted from a spreadsheet into the headcount grid."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from planner import services
from planner.forms import add_service_errors
from planner.headcount_page import load_grid, page_context, paste_form
from planner.models import Membership
from planner.planning import current_quarter
from planner.quarters import Quarter
from planner.views.access import WRITE, organization_view, plan_changed, plan_redirect


@organization_view(post=WRITE)
def snapshots_paste(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Rows pasted from a spreadsheet fill consecutive quarters, all or nothing.

    From the grid (a paste into a cell, sent by ``static/planner/paste.js``) or from the
    "Paste from a spreadsheet" form. Every refused value is listed with its row and column,
    and nothing is saved; a quarter changed by someone else since the page was loaded
    refuses the whole paste (409), the grid showing their numbers.
    """
    organization = membership.organization
    now = current_quarter(organization)
    form = paste_form(load_grid(organization, membership.scenario), now, request.POST)
    status = 422
    if form.is_valid():
        first = form.cleaned_data["first_quarter"]
        try:
            saved = services.snapshots_paste(
                organization=organization,
                actor=request.user,
                first_quarter=first,
                rows=form.cleaned_data["text"],
                expected_versions=form.cleaned_data["versions"],
                scenario=membership.scenario,
            )
        except services.StaleEdit as error:
            status = 409
            form = paste_form(load_grid(organization, membership.scenario), now, request.POST)
            form.is_valid()
            form.add_error(
                None,
                gettext(
                    "Nothing was pasted: %(quarter)s was changed by someone else "
                    "since you opened the page, and the grid now shows their "
                    "numbers. Paste again to replace them."
                )
                % {"quarter": Quarter.from_ordinal(error.current.quarter)},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            first_label = Quarter.from_ordinal(saved[0].quarter).label
            last_label = Quarter.from_ordinal(saved[-1].quarter).label
            if len(saved) > 1:
                done = ngettext(
                    "Pasted %(count)s quarter: %(first)s to %(last)s.",
                    "Pasted %(count)s quarters: %(first)s to %(last)s.",
                    len(saved),
                ) % {"count": len(saved), "first": first_label, "last": last_label}
            else:
                done = gettext("Pasted 1 quarter: %(first)s.") % {"first": first_label}
            if not request.htmx:
                messages.success(request, done)
                return plan_redirect(membership, "headcount")
            grid = load_grid(organization, membership.scenario)
            context = page_context(membership, grid, panel_quarter=first, oob=True, pasted=done)
            return plan_changed(render(request, "planner/headcount.html#headcount-grid", context))
    grid = load_grid(organization, membership.scenario)
    # A fresh form's versions: pasting again must be checked against the grid shown now.
    form.data = form.data.copy()
    form.data["versions"] = paste_form(grid, now).initial["versions"]
    context = page_context(membership, grid, paste_form=form, oob=True, paste_open=True)
    template = "planner/headcount.html#headcount-grid" if request.htmx else "planner/headcount.html"
    return render(request, template, context, status=status)
