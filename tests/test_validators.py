"""Names people read back: no control characters, nothing blank-looking, safe on a terminal."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from planner import forms, rules, services
from planner.models import Organization, Segment
from planner.validators import for_terminal, validate_plain_text, validate_text_block
from tests.factories import FY2027_Q1, OrganizationFactory

# Finding 9: each of these was accepted as a name.
CONTROL = ["Ada\x1b[31m", "Ada\x07", "Ada\rLovelace", "Ada\nLovelace", "Ada\tL", "\x00"]
BLANK_LOOKING = ["\u200b", "\u200b\u200b", "\u2060", "\u202e", "\u00a0\u200b"]
FINE = ["Ada Lovelace", "Zoë Ólafsdóttir", "O'Brien-Smith", "李小龍", "EMEA / DACH"]


@pytest.mark.parametrize("value", CONTROL)
def test_a_name_with_a_control_character_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_plain_text(value)
    assert error.value.code == "control_character"


@pytest.mark.parametrize("value", BLANK_LOOKING)
def test_a_name_with_nothing_to_see_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_plain_text(value)
    assert error.value.code == "blank_looking"


@pytest.mark.parametrize("value", FINE)
def test_ordinary_names_are_accepted(value):
    validate_plain_text(value)
    validate_text_block(value)


def test_a_text_block_keeps_its_line_breaks_and_tabs():
    validate_text_block("Budget approved.\r\n\tStart in Q2.\n")
    validate_text_block("")


@pytest.mark.parametrize("value", ["Notes\x1b[2J", "bell\x07", "\x00"])
def test_a_text_block_refuses_other_control_characters(value):
    with pytest.raises(ValidationError, match="control character"):
        validate_text_block(value)


def test_a_text_block_of_nothing_visible_is_refused():
    with pytest.raises(ValidationError, match="at least one visible character"):
        validate_text_block("\u200b\n")


def test_terminal_output_shows_invisible_characters_as_escapes():
    assert for_terminal("Ada\x1b[31m\u200b") == "Ada\\x1b[31m\\u200b"
    assert for_terminal("Zoë") == "Zoë"


# --- where they apply: every name field, beside that field ----------------------------------


def _organization_form(name):
    data = {
        "name": name,
        "fiscal_year_start_month": 1,
        "target_ratio": 50,
        "leader_strategic_share": 20,
        "reports_to": Organization.ReportsTo.CRO,
        "hiring_lead_time": 1,
        "stage_one_focus": Organization.Focus.ONBOARDING,
    }
    return forms.OrganizationForm(data), "name"


def _segment_form(name):
    return forms.SegmentForm({"name": name}, organization=OrganizationFactory()), "name"


def _team_member_form(name):
    data = {"name": name, "role": rules.ENABLEMENT_LEADER, "start_quarter": FY2027_Q1}
    return forms.TeamMemberForm(data, ordinals=[FY2027_Q1]), "name"


def _hire_notes_form(notes):
    data = {
        "role": rules.SALES_ENABLEMENT,
        "target_quarter": FY2027_Q1,
        "status": rules.PLANNED,
        "notes": notes,
    }
    form = forms.HireForm(data, ordinals=[FY2027_Q1], statuses=[rules.PLANNED])
    form.instance.organization = OrganizationFactory()
    return form, "notes"


def _mark_hired_form(name):
    data = {"name": name, "start_quarter": FY2027_Q1, "version": 1}
    return forms.MarkHiredForm(data, ordinals=[FY2027_Q1]), "name"


def _signup_form(username):
    password = "a-long-passphrase-77"
    data = {"username": username, "email": "a@example.com", "password1": password}
    return forms.SignupForm({**data, "password2": password}), "username"


NAME_FORMS = [
    _organization_form,
    _segment_form,
    _team_member_form,
    _mark_hired_form,
    _signup_form,
]


@pytest.mark.django_db
@pytest.mark.parametrize("make", NAME_FORMS)
@pytest.mark.parametrize(
    "value, message",
    [
        ("Ada\x1b[31m", "contains a control character"),
        ("Ada\nLovelace", "contains a control character"),
        ("\u200b", "at least one visible character"),
    ],
)
def test_each_name_field_refuses_it_beside_the_field(make, value, message):
    form, field = make(value)
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("make", NAME_FORMS)
def test_each_name_field_accepts_an_ordinary_name(make):
    form, field = make("Zoë O'Brien")
    if make is _signup_form:
        form, field = make("zoe.obrien")
    assert field not in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, message",
    [("Fine\nline two", None), ("Notes\x1b[2J", "control character"), ("\u200b", "visible")],
)
def test_hire_notes_keep_line_breaks_and_refuse_other_controls(value, message):
    form, field = _hire_notes_form(value)
    if message is None:
        assert field not in form.errors
    else:
        assert any(message in error for error in form.errors[field]), form.errors


def test_an_organization_named_with_an_escape_is_refused_and_nothing_saved(client, user):
    client.force_login(user)
    data = _organization_form("Acme\x1b]0;pwned\x07")[0].data
    response = client.post(reverse("organization_create"), data)
    assert response.status_code == 422
    assert "contains a control character" in response.content.decode()
    assert not Organization.objects.exists()


def test_a_sign_up_with_an_invisible_username_is_refused_and_nothing_saved(client, db):
    data = _signup_form("\u200b")[0].data
    response = client.post(reverse("signup"), data)
    assert response.status_code == 422
    assert "at least one visible character" in response.content.decode()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_a_service_refuses_it_too():
    organization = OrganizationFactory()
    with pytest.raises(ValidationError):
        services.segment_create(organization=organization, actor=None, name="EMEA\x1b[0m")
    assert not Segment.objects.exists()
