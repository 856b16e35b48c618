"""Two or three of the plan and its scenarios side by side, and the same as CSV and Excel.

``?s=baseline&s=12&s=15`` names what is compared, the first being the reference the
others' differences are marked against. A scenario of another organization is not found.
"""

import csv
from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from planner import compare, exports
from planner.forms import BASELINE
from planner.models import Membership, Scenario
from planner.planning import load_plan
from planner.views.access import READ, org_context, organization_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chosen(request: HttpRequest, scenarios: list[Scenario]) -> tuple[list[str], str]:
    """The keys ``?s=`` names, in order and each once, and what is wrong with them."""
    by_key = {str(scenario.pk): scenario for scenario in scenarios}
    keys: list[str] = []
    for raw in request.GET.getlist("s"):
        key = raw.strip()
        if key != BASELINE and key not in by_key:
            # Another organization's scenario, a deleted one or nonsense: nothing to show.
            raise Http404("No such scenario.")
        if key not in keys:
            keys.append(key)
    if not keys:
        # Nothing chosen yet: the plan and its first scenarios (the plan alone if it has
        # none, which the page says).
        return [BASELINE, *list(by_key)[: compare.MAX_COMPARED - 1]], ""
    if len(keys) < compare.MIN_COMPARED:
        return keys, _("Choose two or three of the plan and its scenarios to compare.")
    if len(keys) > compare.MAX_COMPARED:
        return keys, _("Compare at most three at once: untick one.")
    return keys, ""


def _compared(membership: Membership, keys: list[str], scenarios: list[Scenario]):
    """Each plan compared, read in a fixed number of queries whatever its rows."""
    organization = membership.organization
    by_key = {str(scenario.pk): scenario for scenario in scenarios}
    compared = []
    for key in keys:
        scenario = by_key.get(key)
        if scenario is not None:
            scenario.organization = organization
        name = scenario.name if scenario else _("Plan (baseline)")
        plan = load_plan(organization, scenario=scenario)
        compared.append(compare.Compared.of(key, name, plan))
    return compared


@organization_view(get=READ)
def compare_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    scenarios = list(membership.organization.scenarios.all())
    keys, error = _chosen(request, scenarios)
    context = org_context(
        membership,
        "compare",
        choices=[(BASELINE, _("Plan (baseline)")), *((str(s.pk), s.name) for s in scenarios)],
        keys=keys,
        error=error,
    )
    if not error:
        compared = _compared(membership, keys, scenarios)
        context.update(
            compared=compared,
            rows=compare.rows(compared),
            summary=compare.summary(compared),
            query="&".join(f"s={key}" for key in keys),
        )
    return render(
        request,
        "planner/compare.html",
        context,
        status=422 if error and request.GET.getlist("s") else 200,
    )


def _export(request: HttpRequest, membership: Membership):
    """What the export compares, or the reason it cannot (a choice the page refuses too)."""
    scenarios = list(membership.organization.scenarios.all())
    keys, error = _chosen(request, scenarios)
    if error:
        return None, HttpResponse(error, status=422, content_type="text/plain; charset=utf-8")
    return _compared(membership, keys, scenarios), None


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filename(membership: Membership, extension: str) -> str:
    return f"compare-{membership.organization.slug}-{timezone.localdate().isoformat()}.{extension}"


@organization_view(get=READ)
def compare_csv(request: HttpRequest, membership: Membership) -> HttpResponse:
    """One row per plan × quarter × role: ``scenario``, then the roadmap CSV's columns."""
    compared, refused = _export(request, membership)
    if refused:
        return refused
    rows = compare.export_rows(compared, membership.organization)
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow(compare.COMPARE_COLUMNS)
        for row in rows:
            yield writer.writerow(row)

    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(membership, "csv")}"'},
    )


@organization_view(get=READ)
def compare_xlsx(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The CSV's rows as an Excel workbook: typed cells, the header frozen, no formulas."""
    compared, refused = _export(request, membership)
    if refused:
        return refused
    values = compare.export_values(compared, membership.organization)
    content = exports.workbook("Comparison", compare.COMPARE_COLUMNS, values)
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_filename(membership, "xlsx")}"'},
    )
