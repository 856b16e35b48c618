"""Growth forecast: coming quarters' headcount from a growth rate or a target, previewed.

The form's quarters are shown with the import's preview (``planner.headcount_preview``):
what they add and change against the stored quarters, applied all or nothing through
``services.snapshots_import``, as an import from a file is. A forecast never changes an
actual quarter, one before the current quarter: the form refuses a range that starts in the
past, and the service refuses the whole forecast if a quarter has become actual since the
preview.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from planner import rules, services
from planner.forms import FORECAST_FUNCTIONS, GrowthForecastForm
from planner.headcount_preview import Unreadable, UnreadablePreview, preview_context, unsign
from planner.models import Membership
from planner.planning import current_quarter, plan_snapshots
from planner.quarters import Quarter
from planner.views.access import WRITE, org_context, organization_view, plan_redirect
from planner.views.refusals import Refusal

PAYLOAD_SALT = "planner.headcount-forecast"


def _unreadable(why: Unreadable) -> str:
    return {
        Unreadable.EXPIRED: gettext(
            "This preview is more than an hour old. Nothing was saved: preview the forecast again."
        ),
        Unreadable.TAMPERED: gettext(
            "This preview could not be read, so nothing was saved: preview the forecast again."
        ),
        Unreadable.ELSEWHERE: gettext(
            "This preview was made for another organization, scenario or person. Nothing was saved."
        ),
    }[why]


@organization_view(get=WRITE, post=WRITE)
def headcount_forecast(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET: the form. POST: the quarters it would fill, previewed, or what is wrong."""
    form = _form(membership, request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return _form_page(request, membership, form)
    if not form.is_valid():
        return _form_page(request, membership, form, status=422)
    return _preview_page(request, membership, form.cleaned_data["rows"], form.cleaned_data)


@organization_view(post=WRITE)
def headcount_forecast_apply(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    try:
        headcounts, versions = unsign(
            request.POST.get("preview", ""), membership, salt=PAYLOAD_SALT
        )
    except UnreadablePreview as error:
        refusal = Refusal(status=422, message=_unreadable(error.why))
        return _form_page(request, membership, _form(membership), refusal=refusal)
    try:
        saved = services.snapshots_import(
            organization=organization,
            actor=request.user,
            rows=headcounts,
            expected_versions=versions,
            not_before=current_quarter(organization),
            scenario=membership.scenario,
        )
    except services.StaleImport as stale:
        labels = ", ".join(Quarter.from_ordinal(quarter).label for quarter in stale.quarters)
        message = gettext(
            "Nothing was saved: someone else changed %(quarters)s since your preview. This "
            "preview compares the forecast with the headcount as it is now: save again to "
            "apply it."
        ) % {"quarters": labels}
        refusal = Refusal(status=409, message=message)
        return _preview_page(request, membership, headcounts, refusal=refusal)
    except ValidationError as error:
        refusal = Refusal.invalid(error)
        return _form_page(request, membership, _form(membership), refusal=refusal)
    written = len(saved.added) + len(saved.changed)
    messages.success(
        request,
        ngettext(
            "Forecast saved: %(count)s quarter filled.",
            "Forecast saved: %(count)s quarters filled.",
            written,
        )
        % {"count": written},
    )
    return plan_redirect(membership, "headcount")


def _form(membership: Membership, data=None) -> GrowthForecastForm:
    """The form against the quarters of the plan or scenario shown: one query."""
    organization = membership.organization
    rows = (
        plan_snapshots(organization, membership.scenario)
        .order_by("quarter")
        .values_list("quarter", "sales", "customer_success", "other")
    )
    headcounts = {quarter: rules.Headcount(*counts) for quarter, *counts in rows}
    return GrowthForecastForm(data, headcounts=headcounts, now=current_quarter(organization))


def _form_page(
    request: HttpRequest,
    membership: Membership,
    form: GrowthForecastForm,
    *,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    fields = [
        (name, form[f"{function}_rate"], form[f"{function}_target"])
        for function, name in FORECAST_FUNCTIONS
    ]
    context = org_context(
        membership, "headcount", form=form, functions=fields, refusal=refusal, now=form.now
    )
    status = refusal.status if refusal else status
    return render(request, "planner/headcount_forecast.html", context, status=status)


def _preview_page(
    request: HttpRequest,
    membership: Membership,
    headcounts: dict[int, rules.Headcount],
    basis: dict | None = None,
    *,
    refusal: Refusal | None = None,
) -> HttpResponse:
    """The forecast's quarters against the stored ones, and the signed payload."""
    context = org_context(
        membership,
        "headcount",
        **preview_context(membership, headcounts, salt=PAYLOAD_SALT),
        forecast=True,
        basis=basis,
        now=current_quarter(membership.organization),
        refusal=refusal,
    )
    status = refusal.status if refusal else 200
    return render(request, "planner/headcount_import_preview.html", context, status=status)
