"""Importing headcount from a file: upload, preview, apply, and the template to start from.

Access for each role is proven for these URLs by tests/test_isolation.py.
"""

import csv
import io
import time
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from planner import imports, services
from planner.models import Change, HeadcountSnapshot
from planner.quarters import Quarter
from planner.views.headcount_import import PAYLOAD_SALT
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    SnapshotFactory,
    ten_scenarios,
)

HEADER = "quarter,sales,customer_success,other"


def label(ordinal: int) -> str:
    return Quarter.from_ordinal(ordinal).label


def url(organization, name="headcount_import"):
    return reverse(name, args=[organization.slug])


def csv_file(*lines: str, name: str = "headcount.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode(), "text/csv")


def xlsx_file(*rows, name: str = "headcount.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in [HEADER.split(","), *rows]:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, organization, file):
    return client.post(url(organization), {"file": file})


def payload_of(response) -> str:
    return response.context["payload"]


def apply(client, organization, payload: str):
    return client.post(url(organization, "headcount_import_apply"), {"preview": payload})


def state(organization):
    rows = HeadcountSnapshot.objects.filter(organization=organization).order_by("quarter")
    return [(s.quarter, s.sales, s.customer_success, s.other, s.version) for s in rows]


@pytest.fixture
def stored(organization, now):
    """This quarter and the next are saved; the file will match one and change the other."""
    return [
        SnapshotFactory(organization=organization, quarter=now, sales=40, customer_success=12),
        SnapshotFactory(organization=organization, quarter=now + 1, sales=44, customer_success=12),
    ]


# --- the way in -----------------------------------------------------------------------------


def test_the_headcount_page_leads_editors_to_the_import(client, organization, editor):
    client.force_login(editor)
    body = client.get(reverse("headcount", args=[organization.slug])).content.decode()
    assert f'href="{url(organization)}"' in body
    assert "Import from a file" in body


def test_the_headcount_page_offers_viewers_no_import(client, organization, viewer):
    client.force_login(viewer)
    body = client.get(reverse("headcount", args=[organization.slug])).content.decode()
    assert url(organization) not in body


def test_the_upload_page_explains_the_file_and_offers_the_template(client, organization, editor):
    organization.fiscal_year_start_month = 2
    organization.save()
    client.force_login(editor)
    response = client.get(url(organization))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file"' in body and 'name="file"' in body
    assert f"at most {imports.MAX_ROWS} quarters and 1.0\xa0MB" in body
    # The start date of FY2027 Q1 in a February fiscal year.
    assert "<code>2026-02-01</code> for FY2027 Q1" in body
    assert f'href="{url(organization, "headcount_import_template_xlsx")}"' in body
    assert f'href="{url(organization, "headcount_import_template_csv")}"' in body


# --- the preview ----------------------------------------------------------------------------


def test_the_preview_lists_what_is_added_and_changed_and_saves_nothing(
    client, organization, editor, now, stored
):
    client.force_login(editor)
    history = Change.objects.count()
    before = state(organization)
    response = upload(
        client,
        organization,
        csv_file(
            f"{label(now)},40,12,5",  # as stored
            f"{label(now + 1)},46,12,5",  # sales 44 → 46
            f"{label(now + 2)},50,14,6",  # new
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing is saved yet" in body
    assert "1 quarter to add" in body and "1 quarter to change" in body
    added = body[
        body.index('id="import-added"') : body.index("</table>", body.index("import-added"))
    ]
    assert label(now + 2) in added
    assert ">50<" in added and ">70<" in added
    changed = body[body.index('id="import-changed"') :]
    changed = changed[: changed.index("</table>")]
    assert "<del>44</del>" in changed and "<ins>46</ins>" in changed
    assert "<del>61</del>" in changed and "<ins>63</ins>" in changed
    assert label(now) not in added + changed
    assert f"1 quarter is already as in the file and stays as it is: {label(now)}." in body
    assert "Import 2 quarters" in body
    assert state(organization) == before
    assert Change.objects.count() == history


def test_a_file_that_matches_what_is_stored_offers_nothing_to_import(
    client, organization, editor, now, stored
):
    client.force_login(editor)
    response = upload(client, organization, csv_file(f"{label(now)},40,12,5"))
    body = response.content.decode()
    assert "there is nothing to import" in body
    assert 'id="import-apply"' not in body


def test_the_preview_carries_a_signed_payload_and_nothing_in_the_session(
    client, organization, editor, now
):
    client.force_login(editor)
    session_before = dict(client.session)
    response = upload(client, organization, csv_file(f"{label(now)},40,12,5"))
    payload = signing.loads(payload_of(response), salt=PAYLOAD_SALT)
    assert payload == {
        "organization": organization.pk,
        "user": editor.pk,
        "scenario": None,
        "rows": [[now, 40, 12, 5, None]],
    }
    assert f'name="preview" value="{payload_of(response)}"' in response.content.decode()
    assert dict(client.session) == session_before


# --- applying -------------------------------------------------------------------------------


def test_applying_saves_every_quarter_and_records_each_in_the_history(
    client, organization, editor, now, stored
):
    client.force_login(editor)
    preview = upload(
        client,
        organization,
        csv_file(f"{label(now)},40,12,5", f"{label(now + 1)},46,12,5", f"{label(now + 2)},50,14,6"),
    )
    response = apply(client, organization, payload_of(preview))
    assert response.status_code == 302
    assert response.url == reverse("headcount", args=[organization.slug])
    assert state(organization) == [
        (now, 40, 12, 5, 1),
        (now + 1, 46, 12, 5, 2),
        (now + 2, 50, 14, 6, 1),
    ]
    changes = Change.objects.filter(organization=organization, actor=editor)
    assert sorted(changes.values_list("action", "label")) == [
        ("created", label(now + 2)),
        ("updated", label(now + 1)),
    ]
    page = client.get(response.url).content.decode()
    assert "Headcount imported: 1 quarter added, 1 changed, 1 already as in the file." in page


def test_an_excel_file_is_imported_in_one_step_after_its_preview(client, organization, editor, now):
    client.force_login(editor)
    rows = [[label(now + n), 10 + n, 5, 1] for n in range(6)]
    preview = upload(client, organization, xlsx_file(*rows))
    assert "6 quarters to add" in preview.content.decode()
    apply(client, organization, payload_of(preview))
    assert state(organization) == [(now + n, 10 + n, 5, 1, 1) for n in range(6)]


def test_a_quarter_changed_since_the_preview_refuses_the_import_and_shows_it_as_it_is_now(
    client, organization, editor, owner, now, stored
):
    client.force_login(editor)
    preview = upload(
        client, organization, csv_file(f"{label(now + 1)},46,12,5", f"{label(now + 2)},50,14,6")
    )
    # Meanwhile the owner saves the quarter the file changes.
    stored[1].sales = 45
    stored[1].version = 2
    stored[1].save()
    before = state(organization)
    history = Change.objects.count()
    response = apply(client, organization, payload_of(preview))
    body = response.content.decode()
    assert response.status_code == 409
    assert f"Nothing was imported: someone else changed {label(now + 1)} since your preview" in (
        body
    )
    assert state(organization) == before
    assert Change.objects.count() == history
    # The new preview compares the file with the quarter as it is now, and applies.
    assert "<del>45</del>" in body and "<ins>46</ins>" in body
    assert apply(client, organization, payload_of(response)).status_code == 302
    assert state(organization)[1:] == [(now + 1, 46, 12, 5, 3), (now + 2, 50, 14, 6, 1)]


def test_applying_a_preview_with_nothing_to_change_saves_nothing_and_says_so(
    client, organization, editor, now, stored
):
    client.force_login(editor)
    preview = upload(client, organization, csv_file(f"{label(now)},40,12,5"))
    before = state(organization)
    response = apply(client, organization, payload_of(preview))
    assert response.status_code == 302
    assert state(organization) == before
    page = client.get(response.url).content.decode()
    assert "Nothing to import: every quarter of the file is already as it says." in page


def test_an_import_that_loses_a_race_for_a_new_quarter_is_refused_with_the_reason(
    client, organization, editor, now
):
    client.force_login(editor)
    preview = upload(client, organization, csv_file(f"{label(now)},40,12,5"))
    # The version check passed, then someone else's new quarter was saved first.
    clash = ValidationError(services.CLASHED)
    with mock.patch.object(services, "snapshots_import", side_effect=clash):
        response = apply(client, organization, payload_of(preview))
    assert response.status_code == 422
    assert "Someone saved the same thing a moment ago" in response.content.decode()
    assert 'type="file"' in response.content.decode()


def tampered(payload: str) -> str:
    head, _, signature = payload.rpartition(":")
    return head + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda payload, o, u: tampered(payload), "This preview could not be read"),
        (lambda payload, o, u: "", "This preview could not be read"),
        (
            # Numbers of one's own choosing, signed with another purpose's salt.
            lambda payload, o, u: signing.dumps(
                {"organization": o.pk, "user": u.pk, "rows": [[1, 1, 1, 1, None]]}
            ),
            "This preview could not be read",
        ),
        (
            lambda payload, o, u: signing.dumps(
                {**signing.loads(payload, salt=PAYLOAD_SALT), "user": u.pk + 1000},
                salt=PAYLOAD_SALT,
                compress=True,
            ),
            "made for another organization, scenario or person",
        ),
    ],
)
def test_a_payload_that_was_not_made_for_this_apply_is_refused_and_nothing_saved(
    client, organization, editor, now, make, message
):
    client.force_login(editor)
    preview = upload(client, organization, csv_file(f"{label(now)},40,12,5"))
    response = apply(client, organization, make(payload_of(preview), organization, editor))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'type="file"' in response.content.decode()
    assert state(organization) == []


def test_a_payload_from_another_organization_is_refused(client, organization, editor, now):
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=editor, role="editor")
    client.force_login(editor)
    preview = upload(client, other, csv_file(f"{label(now)},40,12,5"))
    response = apply(client, organization, payload_of(preview))
    assert response.status_code == 422
    assert "made for another organization, scenario or person" in response.content.decode()
    assert state(organization) == state(other) == []


def test_a_preview_older_than_an_hour_is_refused(client, organization, editor, now):
    client.force_login(editor)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3601):
        preview = upload(client, organization, csv_file(f"{label(now)},40,12,5"))
    response = apply(client, organization, payload_of(preview))
    assert response.status_code == 422
    assert "This preview is more than an hour old" in response.content.decode()
    assert state(organization) == []


# --- bad files ------------------------------------------------------------------------------


def test_every_problem_of_a_file_is_listed_beside_the_field_and_nothing_saved(
    client, organization, editor, now
):
    client.force_login(editor)
    response = upload(
        client,
        organization,
        csv_file(f"{label(now)},40,12,5", f"{label(now + 1)},x,12,5", f"{label(now)},1,-1,1"),
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was imported." in body
    assert "Fix these 3 problems in the file and upload it again" in body
    assert "Line 3, sales: “x” is not a number" in body
    assert "Line 4, customer_success: “-1” is negative" in body
    assert f"Line 4, quarter: {label(now)} is already on line 2." in body
    assert 'aria-describedby="import-file-help import-problems"' in body
    assert 'aria-invalid="true"' in body
    assert state(organization) == []


def test_a_formula_in_a_workbook_is_refused_as_a_formula(client, organization, editor, now):
    client.force_login(editor)
    response = upload(client, organization, xlsx_file([label(now), "=10*4", 12, 5]))
    assert response.status_code == 422
    assert "Line 2, sales: “=10*4” is a formula, not a number" in response.content.decode()
    assert state(organization) == []


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (None, "Choose a CSV or Excel file to import."),
        (SimpleUploadedFile("empty.csv", b""), "The file is empty"),
        (SimpleUploadedFile("notes.pdf", b"%PDF-1.7"), "Choose a CSV (.csv) or Excel (.xlsx)"),
        (SimpleUploadedFile("fake.xlsx", b"quarter,sales"), "This is not an Excel workbook"),
    ],
)
def test_a_missing_empty_or_wrong_file_is_refused_with_a_reason(
    client, organization, editor, file, message
):
    client.force_login(editor)
    response = client.post(url(organization), {"file": file} if file else {})
    assert response.status_code == 422
    assert message in response.content.decode()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    client, organization, editor, now, settings
):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(editor)
    big = csv_file(*[f"{label(now)},40,12,5"] * 60)
    assert big.size > 1024
    with mock.patch.object(imports, "read_headcount") as read:
        response = upload(client, organization, big)
    read.assert_not_called()
    body = response.content.decode()
    assert response.status_code == 422
    assert f"This file is {filesizeformat(big.size)}; files up to" in body
    assert "files up to 1.0\xa0KB can be imported" in body


# --- the template ---------------------------------------------------------------------------


def test_the_csv_template_has_the_header_and_two_example_quarters(
    client, organization, viewer, now
):
    client.force_login(viewer)
    response = client.get(url(organization, "headcount_import_template_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="headcount-template.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        list(imports.COLUMNS),
        [label(now), "40", "12", "5"],
        [label(now + 1), "44", "12", "6"],
    ]


def test_the_excel_template_has_the_header_and_two_typed_example_quarters(
    client, organization, viewer, now
):
    client.force_login(viewer)
    response = client.get(url(organization, "headcount_import_template_xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="headcount-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert list(sheet.iter_rows(values_only=True)) == [
        imports.COLUMNS,
        (label(now), 40, 12, 5),
        (label(now + 1), 44, 12, 6),
    ]
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("headcount_import_template_csv", "template.csv"),
        ("headcount_import_template_xlsx", "template.xlsx"),
    ],
)
def test_the_template_as_downloaded_previews_two_quarters(
    client, organization, editor, now, name, filename
):
    client.force_login(editor)
    content = client.get(url(organization, name)).content
    response = upload(client, organization, SimpleUploadedFile(filename, content))
    assert response.status_code == 200
    assert "2 quarters to add" in response.content.decode()


# --- query counts ---------------------------------------------------------------------------


def test_the_upload_page_runs_a_fixed_number_of_queries(
    client, organization, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    # session, user, membership with its organization, the organization switcher
    with django_assert_max_num_queries(4):
        assert client.get(url(organization)).status_code == 200


def test_the_preview_runs_a_fixed_number_of_queries_whatever_the_file(
    client, organization, editor, django_assert_max_num_queries
):
    first = Quarter(2001, 1)
    for n in range(0, imports.MAX_ROWS, 2):
        SnapshotFactory(organization=organization, quarter=(first + n).ordinal)
    lines = [f"{(first + n).label},{n},1,1" for n in range(imports.MAX_ROWS)]
    ten_scenarios(organization)
    client.force_login(editor)
    # session, user, membership with its organization, the stored quarters of the file,
    # the organization switcher
    with django_assert_max_num_queries(5):
        response = upload(client, organization, csv_file(*lines))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (len(preview.added), len(preview.changed)) == (200, 200)


# --- into a scenario -----------------------------------------------------------------------


def test_a_file_imports_into_the_scenario_the_page_shows_and_nowhere_else(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now, sales=50)
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    other = services.scenario_create(organization=organization, actor=None, name="Freeze")
    plan_before = list(HeadcountSnapshot.objects.filter(scenario=None).values_list())
    client.force_login(owner)
    in_scenario = f"?scenario={scenario.pk}"
    response = client.post(
        url(organization) + in_scenario,
        {"file": csv_file(f"{label(now)},70,0,0", f"{label(now + 1)},90,0,0")},
    )
    assert response.status_code == 200
    assert "scenario “Growth”" in response.content.decode()
    payload = payload_of(response)
    # The preview applies to its own scenario alone, not the plan nor another scenario.
    for elsewhere in ("", f"?scenario={other.pk}"):
        refused = client.post(
            url(organization, "headcount_import_apply") + elsewhere, {"preview": payload}
        )
        assert refused.status_code == 422
        assert "another organization, scenario or person" in refused.content.decode()
    response = client.post(
        url(organization, "headcount_import_apply") + in_scenario, {"preview": payload}
    )
    assert response.status_code == 302
    assert response.url == reverse("headcount", args=[organization.slug]) + in_scenario
    assert list(scenario.snapshots.order_by("quarter").values_list("sales", flat=True)) == [70, 90]
    assert list(HeadcountSnapshot.objects.filter(scenario=None).values_list()) == plan_before
    assert not other.snapshots.exclude(sales=50).exists()


def test_a_scenario_s_file_may_not_hold_the_plan_s_actual_quarters(
    client, organization, owner, now
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    response = client.post(
        url(organization) + f"?scenario={scenario.pk}",
        {"file": csv_file(f"{label(now - 1)},70,0,0", f"{label(now)},90,0,0")},
    )
    assert response.status_code == 422
    assert "the plan&#x27;s actuals" in response.content.decode()
    assert not HeadcountSnapshot.objects.exists()
