"""Headcount from a CSV or Excel file: upload, preview, apply; and a template to fill in.

The preview and its signed payload are ``planner.headcount_preview``'s, shared with the
growth forecast. The apply step saves exactly what was previewed, or nothing: a payload that
was changed, is older or was made for someone else is refused, and so is the whole import
when any of its quarters changed since the preview.
"""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from planner import exports, imports, rules, services
from planner.forms import HeadcountImportForm
from planner.headcount_preview import (
    Unreadable,
    UnreadablePreview,
    preview_context,
    unsign,
)
from planner.models import Membership
from planner.planning import current_quarter
from planner.quarters import Quarter
from planner.views.access import READ, WRITE, org_context, organization_view, plan_redirect
from planner.views.refusals import Refusal

PAYLOAD_SALT = "planner.headcount-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXPIRED = _("This preview is more than an hour old. Nothing was imported: upload the file again.")
UNREADABLE = _(
    "This preview could not be read, so nothing was imported: upload the file again to see "
    "a new one."
)
ELSEWHERE = _(
    "This preview was made for another organization, scenario or person. Nothing was imported."
)
WHY = {
    Unreadable.EXPIRED: EXPIRED,
    Unreadable.TAMPERED: UNREADABLE,
    Unreadable.ELSEWHERE: ELSEWHERE,
}


@organization_view(get=WRITE, post=WRITE)
def headcount_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET: the upload form. POST: the file read, then its preview or every problem in it."""
    if request.method == "GET":
        return _upload_page(request, membership, HeadcountImportForm())
    form = HeadcountImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, membership, form, status=422)
    upload = form.cleaned_data["file"]
    reading = imports.read_headcount(
        upload.read(),
        upload.name or "",
        fiscal_year_start_month=membership.organization.fiscal_year_start_month,
    )
    if reading.problems:
        form.add_error("file", [str(problem) for problem in reading.problems])
        return _upload_page(request, membership, form, status=422)
    now = current_quarter(membership.organization)
    if membership.scenario is not None and min(reading.headcounts, default=now) < now:
        form.add_error("file", services.SCENARIO_ACTUALS)
        return _upload_page(request, membership, form, status=422)
    return _preview_page(request, membership, reading.headcounts, filename=upload.name)


@organization_view(post=WRITE)
def headcount_import_apply(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    try:
        headcounts, versions = unsign(
            request.POST.get("preview", ""), membership, salt=PAYLOAD_SALT
        )
    except UnreadablePreview as error:
        refusal = Refusal(status=422, message=WHY[error.why])
        return _upload_page(request, membership, HeadcountImportForm(), refusal=refusal)
    try:
        imported = services.snapshots_import(
            organization=organization,
            actor=request.user,
            rows=headcounts,
            expected_versions=versions,
            scenario=membership.scenario,
        )
    except services.StaleImport as stale:
        labels = ", ".join(Quarter.from_ordinal(quarter).label for quarter in stale.quarters)
        message = gettext(
            "Nothing was imported: someone else changed %(labels)s since your "
            "preview. This preview compares the file with the headcount as it is "
            "now: import again to apply it."
        ) % {"labels": labels}
        refusal = Refusal(status=409, message=message)
        return _preview_page(request, membership, headcounts, refusal=refusal)
    except ValidationError as error:
        refusal = Refusal.invalid(error)
        return _upload_page(request, membership, HeadcountImportForm(), refusal=refusal)
    messages.success(request, _done(imported))
    return plan_redirect(membership, "headcount")


@organization_view(get=READ)
def headcount_import_template_csv(request: HttpRequest, membership: Membership) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(imports.COLUMNS)
    writer.writerows(_template_rows(membership))
    # The byte-order mark tells spreadsheet software the file is UTF-8.
    return HttpResponse(
        "\ufeff" + out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="headcount-template.csv"'},
    )


@organization_view(get=READ)
def headcount_import_template_xlsx(request: HttpRequest, membership: Membership) -> HttpResponse:
    content = exports.workbook("Headcount", imports.COLUMNS, _template_rows(membership))
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="headcount-template.xlsx"'},
    )


def _template_rows(membership: Membership) -> list[list[str | int]]:
    return imports.template_rows(Quarter.from_ordinal(current_quarter(membership.organization)))


# --- pages ---------------------------------------------------------------------------------


def _upload_page(
    request: HttpRequest,
    membership: Membership,
    form: HeadcountImportForm,
    *,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    context = org_context(
        membership,
        "headcount",
        form=form,
        refusal=refusal,
        max_rows=imports.MAX_ROWS,
        columns=imports.COLUMNS,
        example=imports.template_rows(imports.EXAMPLE),
        example_start=imports.EXAMPLE.start_date(membership.organization.fiscal_year_start_month),
        max_bytes=settings.IMPORT_MAX_BYTES,
    )
    status = refusal.status if refusal else status
    return render(request, "planner/headcount_import.html", context, status=status)


def _preview_page(
    request: HttpRequest,
    membership: Membership,
    headcounts: dict[int, rules.Headcount],
    *,
    filename: str = "",
    refusal: Refusal | None = None,
) -> HttpResponse:
    """The file's quarters against the stored ones, and the signed payload."""
    context = org_context(
        membership,
        "headcount",
        **preview_context(membership, headcounts, salt=PAYLOAD_SALT),
        filename=filename,
        refusal=refusal,
    )
    status = refusal.status if refusal else 200
    return render(request, "planner/headcount_import_preview.html", context, status=status)


def _done(imported: services.Imported) -> str:
    parts = []
    if imported.added:
        parts.append(
            ngettext("%(count)s quarter added", "%(count)s quarters added", len(imported.added))
            % {"count": len(imported.added)}
        )
    if imported.changed:
        parts.append(gettext("%(changed)s changed") % {"changed": len(imported.changed)})
    if imported.unchanged:
        parts.append(
            gettext("%(unchanged)s already as in the file") % {"unchanged": imported.unchanged}
        )
    if not (imported.added or imported.changed):
        return _("Nothing to import: every quarter of the file is already as it says.")
    return gettext("Headcount imported: %(parts)s.") % {"parts": ", ".join(parts)}
