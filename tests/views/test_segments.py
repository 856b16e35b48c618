"""The segments on the settings page (planner/views/segments.py)."""

import json

import pytest
from django.urls import reverse

from planner import services
from planner.models import Change, Segment
from tests.factories import SegmentFactory

HTMX = {"HX-Request": "true"}

ALLOWED = ["owner", "editor"]


def login(client, request, who: str):
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


# --- segments: add -------------------------------------------------------------------------


def add_url(organization) -> str:
    return reverse("segment_create", args=[organization.slug])


@pytest.mark.parametrize("who", ALLOWED)
def test_owners_and_editors_add_a_segment(client, request, organization, who):
    login(client, request, who)
    response = client.post(add_url(organization), {"name": "  Healthcare "})
    assert response.status_code == 302
    assert response.url == reverse("organization_settings", args=[organization.slug])
    assert list(organization.segments.values_list("name", flat=True)) == ["Healthcare"]


def test_adding_a_segment_with_htmx_returns_the_segment_list(client, owner, organization):
    client.force_login(owner)
    response = client.post(add_url(organization), {"name": "Healthcare"}, headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="segments"' in response.content
    segment = Segment.objects.get()
    assert f'id="segment-{segment.pk}"'.encode() in response.content
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the segment"),
        ("   ", "Enter a name for the segment"),
        ("x" * 81, "Keep the name to 80 characters or fewer"),
        ("HEALTHCARE", "There is already a segment called “HEALTHCARE”."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_adding_a_bad_segment_name_is_refused_with_a_message(
    client, owner, organization, name, message, htmx
):
    SegmentFactory(organization=organization, name="Healthcare")
    client.force_login(owner)
    headers = HTMX if htmx else {}
    response = client.post(add_url(organization), {"name": name}, headers=headers)
    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert ("<html" in content) is not htmx
    assert "HX-Trigger" not in response.headers
    assert list(Segment.objects.values_list("name", flat=True)) == ["Healthcare"]


def test_the_same_segment_name_is_fine_in_another_organization(client, owner, organization):
    SegmentFactory(name="Healthcare")
    client.force_login(owner)
    client.post(add_url(organization), {"name": "healthcare"})
    assert organization.segments.get().name == "healthcare"


# --- segments: rename ----------------------------------------------------------------------


@pytest.fixture
def segment(organization):
    return SegmentFactory(organization=organization, name="Healthcare")


def update_url(segment) -> str:
    return reverse("segment_update", args=[segment.organization.slug, segment.pk])


@pytest.mark.parametrize("who", ALLOWED)
def test_owners_and_editors_rename_a_segment(client, request, segment, who):
    login(client, request, who)
    response = client.post(update_url(segment), {"name": "Life sciences", "version": 1})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.name == "Life sciences"
    assert segment.version == 2


def test_renaming_with_htmx_swaps_the_row(client, owner, segment):
    client.force_login(owner)
    response = client.post(
        update_url(segment), {"name": "Life sciences", "version": 1}, headers=HTMX
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith(f'<tr id="segment-{segment.pk}"')
    assert 'hx-swap="outerHTML"' in content
    assert "Life sciences" in content
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])


def test_a_segment_can_change_the_case_of_its_own_name(client, owner, segment):
    client.force_login(owner)
    client.post(update_url(segment), {"name": "HEALTHCARE", "version": 1})
    segment.refresh_from_db()
    assert segment.name == "HEALTHCARE"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the segment"),
        ("y" * 81, "Keep the name to 80 characters or fewer"),
        ("retail", "There is already a segment called “retail”."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_renaming_to_a_bad_name_is_refused_with_a_message(
    client, owner, segment, name, message, htmx
):
    SegmentFactory(organization=segment.organization, name="Retail")
    client.force_login(owner)
    headers = HTMX if htmx else {}
    response = client.post(update_url(segment), {"name": name, "version": 1}, headers=headers)
    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert ("<html" in content) is not htmx
    assert "HX-Trigger" not in response.headers
    segment.refresh_from_db()
    assert segment.name == "Healthcare"
    assert segment.version == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_a_stale_rename_is_refused_and_shows_the_current_name(client, owner, editor, segment, htmx):
    services.segment_update(segment=segment, actor=editor, expected_version=1, name="Pharma")
    client.force_login(owner)
    headers = HTMX if htmx else {}
    response = client.post(
        update_url(segment), {"name": "Life sciences", "version": 1}, headers=headers
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Changed by someone else since you opened it</strong>: now “Pharma”." in content
    # The form keeps the typed name against the current version: saving again applies it.
    assert 'value="Life sciences"' in content
    assert 'name="version" value="2"' in content
    assert ("<html" in content) is not htmx
    segment.refresh_from_db()
    assert segment.name == "Pharma"


# --- segments: delete ----------------------------------------------------------------------


def delete_url(segment) -> str:
    return reverse("segment_delete", args=[segment.organization.slug, segment.pk])


def rename(client, segment, name: str, **kwargs):
    return client.post(update_url(segment), {"name": name, "version": segment.version}, **kwargs)


@pytest.mark.parametrize("who", ALLOWED)
def test_deleting_asks_for_confirmation_without_javascript(client, request, segment, who):
    login(client, request, who)
    response = client.get(delete_url(segment))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert "Delete the segment “Healthcare”?" in response.content.decode()
    assert b'<input type="hidden" name="version" value="1">' in response.content
    assert Segment.objects.filter(pk=segment.pk).exists()


@pytest.mark.parametrize("who", ALLOWED)
def test_owners_and_editors_delete_a_segment(client, request, segment, who):
    login(client, request, who)
    response = client.post(delete_url(segment), {"version": 1})
    assert response.status_code == 302
    assert response.url == reverse("organization_settings", args=[segment.organization.slug])
    assert not Segment.objects.exists()


def test_deleting_with_htmx_returns_the_segment_list(client, owner, segment):
    client.force_login(owner)
    response = client.post(delete_url(segment), {"version": 1}, headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="segments-empty"' in response.content
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    assert not Segment.objects.exists()


def test_deleting_with_the_current_version_works_after_a_rename(client, owner, segment):
    client.force_login(owner)
    rename(client, segment, "Life sciences")
    response = client.post(delete_url(segment), {"version": 2}, headers=HTMX)
    assert response.status_code == 200
    assert not Segment.objects.exists()


def test_an_htmx_delete_from_before_a_rename_is_refused(client, owner, editor, segment):
    client.force_login(editor)
    rename(client, segment, "Life sciences")
    client.force_login(owner)
    response = client.post(delete_url(segment), {"version": 1}, headers=HTMX)
    assert response.status_code == 409
    assert "HX-Trigger" not in response.headers
    content = response.content.decode()
    assert "<html" not in content and 'id="segments"' in content
    assert (
        f'id="segment-{segment.pk}-stale"><p><strong>Changed by someone else since you opened '
        "it</strong>: now “Life sciences”. Nothing was deleted" in content
    )
    assert """hx-vals='{"version": "2"}'""" in content
    assert Segment.objects.get(pk=segment.pk).name == "Life sciences"
    assert not Change.objects.filter(entity="segment", action="deleted").exists()


def test_a_delete_without_javascript_from_before_a_rename_shows_the_current_name(
    client, owner, editor, segment
):
    client.force_login(editor)
    rename(client, segment, "Life sciences")
    client.force_login(owner)
    response = client.post(delete_url(segment), {"version": 1})
    assert response.status_code == 409
    content = response.content.decode()
    assert "<html" in content and "Delete the segment “Life sciences”?" in content
    assert "Changed by someone else since you opened it</strong>: now “Life sciences”" in content
    assert '<input type="hidden" name="version" value="2">' in content
    assert Segment.objects.get(pk=segment.pk).name == "Life sciences"


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("data", [{}, {"version": ""}, {"version": "abc"}, {"version": "0"}])
def test_a_delete_without_a_version_is_refused(client, owner, segment, data, htmx):
    client.force_login(owner)
    response = client.post(delete_url(segment), data, headers=HTMX if htmx else {})
    assert response.status_code == 422
    content = response.content.decode()
    assert ("<html" in content) is not htmx
    assert "does not say which version" in content
    assert Segment.objects.filter(pk=segment.pk).exists()
    assert not Change.objects.filter(entity="segment", action="deleted").exists()


def test_the_delete_button_confirms_with_htmx(client, owner, segment):
    client.force_login(owner)
    response = client.get(reverse("organization_settings", args=[segment.organization.slug]))
    content = response.content.decode()
    assert f'href="{delete_url(segment)}"' in content
    assert f'hx-post="{delete_url(segment)}"' in content
    assert 'hx-confirm="Delete the segment' in content


def test_the_delete_button_sends_the_rows_current_version(client, owner, segment):
    client.force_login(owner)
    response = rename(client, segment, "Life sciences", headers=HTMX)
    # The renamed row replaces the old one whole, its delete button with the new version.
    delete = f"""hx-post="{delete_url(segment)}" hx-vals='{{"version": "2"}}'"""
    assert delete in response.content.decode()
    settings = client.get(reverse("organization_settings", args=[segment.organization.slug]))
    assert delete in settings.content.decode()


def test_deleting_rejects_other_methods(client, owner, segment):
    client.force_login(owner)
    assert client.put(delete_url(segment)).status_code == 405
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_deleting_is_recorded(client, owner, segment):
    client.force_login(owner)
    client.post(delete_url(segment), {"version": 1})
    change = Change.objects.get(entity="segment", action="deleted")
    assert change.actor == owner
    assert change.diff == {"name": ["Healthcare", None]}
