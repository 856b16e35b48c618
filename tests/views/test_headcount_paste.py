"""Rows pasted from a spreadsheet into the grid (planner/views/headcount_paste.py)."""

from django.urls import reverse

from planner.models import Change, HeadcountSnapshot
from planner.quarters import Quarter
from tests.factories import (
    SnapshotFactory,
    TeamMemberFactory,
    ten_scenarios,
)

HTMX = {"HX-Request": "true"}


def page_url(organization):
    return reverse("headcount", args=[organization.slug])


# --- pasting from a spreadsheet ---------------------------------------------------------------


def paste_url(organization):
    return reverse("snapshots_paste", args=[organization.slug])


def paste(first_quarter, text, versions=""):
    return {"first_quarter": first_quarter, "text": text, "versions": versions}


def test_a_block_pasted_into_a_row_fills_that_quarter_and_the_ones_after(
    client, organization, editor, now, snapshot
):
    client.force_login(editor)
    text = "40\t12\t5\r\n1,200\t300\t20\n\n45\t15\t6\n"
    response = client.post(
        paste_url(organization), paste(now, text, f"{now}:{snapshot.version}"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="headcount-grid"' in html
    assert "Pasted 3 quarters" in html
    assert "planChanged" in response["HX-Trigger"]
    stored = HeadcountSnapshot.objects.filter(organization=organization).order_by("quarter")
    assert [(s.quarter, s.sales, s.customer_success, s.other) for s in stored] == [
        (now, 40, 12, 5),
        (now + 1, 1200, 300, 20),
        (now + 2, 45, 15, 6),
    ]


def test_a_paste_with_a_bad_cell_saves_nothing_and_names_the_row_and_column(
    client, organization, editor, now, snapshot
):
    client.force_login(editor)
    text = "Sales,CS,Other\n40,12,5\n41,lots,5\n42,13\n"
    response = client.post(paste_url(organization), paste(now, text, f"{now}:1"), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was pasted" in html
    assert "Row 2, customer success: “lots” is not a whole number of people." in html
    assert "Row 3 has 2 values" in html
    assert "41,lots,5" in html  # what was pasted stays in the form to fix
    assert HeadcountSnapshot.objects.get().sales == snapshot.sales
    assert not HeadcountSnapshot.objects.filter(quarter=now + 1).exists()
    assert not Change.objects.exists()


def test_a_paste_over_a_quarter_changed_meanwhile_is_refused_whole(
    client, organization, editor, now, snapshot
):
    client.force_login(editor)
    HeadcountSnapshot.objects.filter(pk=snapshot.pk).update(version=2, sales=77)
    response = client.post(
        paste_url(organization), paste(now - 1, "1\t2\t3\n4\t5\t6", f"{now}:1"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else since you opened the page" in html
    assert 'value="77"' in html  # the grid shows their numbers
    assert f'value="{now}:2"' in html  # pasting again is checked against those
    assert HeadcountSnapshot.objects.count() == 1


def test_without_javascript_the_paste_form_redirects_with_a_message(
    client, organization, owner, now
):
    client.force_login(owner)
    page = client.get(page_url(organization)).content.decode()
    assert "Paste from a spreadsheet" in page and 'name="text"' in page
    response = client.post(paste_url(organization), paste(now, "10,2,1\n20,4,2"), follow=True)
    assert response.redirect_chain == [(page_url(organization), 302)]
    assert f"Pasted 2 quarters: {Quarter.from_ordinal(now).label} to" in response.content.decode()
    assert HeadcountSnapshot.objects.count() == 2


def test_without_javascript_a_refused_paste_shows_the_page_with_the_reasons(
    client, organization, owner, now
):
    client.force_login(owner)
    response = client.post(paste_url(organization), paste(now, "10,2,-1"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" in html and "“-1” is not a whole number of people." in html
    assert '<details class="add-form paste-form" id="paste" open>' in html


def test_viewers_get_no_paste_form_and_no_paste_handler(client, organization, viewer, snapshot):
    client.force_login(viewer)
    html = client.get(page_url(organization)).content.decode()
    assert "Paste from a spreadsheet" not in html
    assert "data-paste-url" not in html and "paste.js" not in html


def test_a_paste_runs_a_fixed_number_of_queries_per_quarter(
    client, organization, owner, now, django_assert_max_num_queries
):
    for n in range(40):
        SnapshotFactory(organization=organization, quarter=now - 45 + n)
    TeamMemberFactory.create_batch(30, organization=organization)
    ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership; the grid for the form (5: its snapshots, then team, hires,
    # segments and role costs for the plan); savepoint, the quarters locked; per quarter
    # (9): the model's constraints checked, the insert, the revision, the change; release;
    # the grid again (5) for the redrawn grid and its panel. Not a query for the 40 others.
    for first, rows in ((now, 1), (now + 5, 4)):
        with django_assert_max_num_queries(16 + 9 * rows):
            response = client.post(
                paste_url(organization), paste(first, "1\t2\t3\n" * rows), headers=HTMX
            )
        assert response.status_code == 200
