"""The hiring roadmap, quarter by quarter, and its CSV and Excel exports. Read-only for every
member."""

import csv

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from planner import exports, summary
from planner.models import Membership
from planner.page_cache import kept, render_page
from planner.planning import current_quarter, load_plan
from planner.views.access import READ, org_context, organization_view


@organization_view(get=READ)
def roadmap(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization

    def content() -> dict:
        plan = load_plan(organization, scenario=membership.scenario)
        quarters = plan.roadmap()
        budget = summary.money(plan, quarters)
        return org_context(
            membership,
            "roadmap",
            quarters=quarters,
            budget=budget,
            charts=summary.roadmap_charts(quarters, budget),
            stage_alerts=plan.stage_crossings(quarters),
            now=current_quarter(organization),
            lead=plan.lead_time,
        )

    return render_page(request, membership, "planner/roadmap.html", "roadmap", content)


def _file_stem(membership: Membership) -> str:
    """The organization's slug, and the scenario's id when the export is of a scenario."""
    stem = membership.organization.slug
    if membership.scenario is not None:
        stem += f"-scenario-{membership.scenario.pk}"
    return stem


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


@organization_view(get=READ)
def roadmap_csv(request: HttpRequest, membership: Membership) -> StreamingHttpResponse:
    organization = membership.organization

    def lines() -> list[str]:
        plan = load_plan(organization, scenario=membership.scenario)
        roadmap = plan.roadmap()
        rows = exports.roadmap_rows(roadmap, organization, plan.roadmap_costs(roadmap))
        writer = csv.writer(_Echo(), lineterminator="\r\n")
        # The byte-order mark tells spreadsheet software the file is UTF-8.
        return ["\ufeff", writer.writerow(exports.ROADMAP_COLUMNS), *map(writer.writerow, rows)]

    filename = f"roadmap-{_file_stem(membership)}-{timezone.localdate().isoformat()}.csv"
    return StreamingHttpResponse(
        iter(kept(request, membership, "roadmap_csv", lines)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@organization_view(get=READ)
def roadmap_xlsx(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The CSV's rows as an Excel workbook: numbers, dates and text each typed, no formulas."""
    organization = membership.organization
    plan = load_plan(organization, scenario=membership.scenario)
    roadmap = plan.roadmap()
    content = exports.roadmap_workbook(roadmap, organization, plan.roadmap_costs(roadmap))
    filename = f"roadmap-{_file_stem(membership)}-{timezone.localdate().isoformat()}.xlsx"
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
