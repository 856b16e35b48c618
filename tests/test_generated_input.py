"""Generated input to every form endpoint: refused cleanly or accepted, never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import rules
from planner.forecast import FUNCTIONS as FORECAST_FUNCTIONS
from planner.models import Membership
from planner.quarters import Quarter
from planner.services import ORGANIZATION_FIELDS
from tests.factories import MembershipFactory, OrganizationFactory, SnapshotFactory
from tests.url_catalogue import ORG_URLS, make_target

FIELDS = sorted(
    {
        *ORGANIZATION_FIELDS,
        "version",
        "sales",
        "customer_success",
        "other",
        "quarter",
        # the growth forecast
        "method",
        "first",
        "last",
        "start",
        *(f"{function}_{way}" for function in FORECAST_FUNCTIONS for way in ("rate", "target")),
        "name",
        "role",
        "start_quarter",
        "end_quarter",
        "target_quarter",
        "status",
        "annual_cost",
        "notes",
        "email",
        "username",
        "password",
        "password1",
        "password2",
        "old_password",
        "new_password1",
        "new_password2",
        "next",
    }
)
NEAR_VALID = [
    *rules.ROLES,
    *rules.HIRE_STATUSES,
    "owner",
    "editor",
    "viewer",
    "cro",
    "onboarding",
    "on",
    "rate",
    "target",
    "-100",
    "100.01",
    str(Quarter(2027, 4).ordinal),
    str(Quarter(2027, 1).ordinal),
    "FY2027 Q1",
    "0",
    "1",
    "50",
    "2001",
    "1e3",
    "NaN",
    "Infinity",
    "-0",
    "0x10",
    "12345678901234567890",
    "=cmd|' /C calc'!A0",
    "a@b.co",
    "",
    "x",
    "logout",
    "home",
    "//evil.example.com/",
    "/\\evil.example.com",
    "/o/x/",
]
VALUES = st.one_of(
    st.sampled_from(NEAR_VALID),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=2000, max_size=2100),
    st.just("\x00"),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), VALUES, max_size=10)
POSTABLE = [name for name, route in ORG_URLS]
PUBLIC_FORMS = [
    "signup",
    "login",
    "password_reset",
    "organization_create",
    "password_change",
    "account",
    "email_confirmation_send",
]
LOGGED_IN_FORMS = {"organization_create", "password_change", "account", "email_confirmation_send"}

GENERATED = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _never_a_server_error(client: Client, url: str, data: dict) -> None:
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(url, data, headers=headers)
        assert response.status_code < 500, (url, data, response.status_code)


@pytest.mark.parametrize("name", POSTABLE)
@GENERATED
@given(data=FORMS)
def test_organization_forms_never_fail_on_generated_input(db, name, data):
    organization = OrganizationFactory()
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    SnapshotFactory(organization=organization)
    target = make_target(name, organization)
    kwargs = {"slug": organization.slug}
    if target is not None:
        kwargs["pk"] = target.pk
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    _never_a_server_error(client, reverse(name, kwargs=kwargs), data)


@pytest.mark.parametrize("name", PUBLIC_FORMS)
@GENERATED
@given(data=FORMS)
def test_account_forms_never_fail_on_generated_input(db, name, data):
    client = Client(raise_request_exception=False)
    if name in LOGGED_IN_FORMS:
        client.force_login(MembershipFactory().user)
    _never_a_server_error(client, reverse(name), data)


@GENERATED
@given(token=st.text(max_size=200), data=FORMS)
def test_invitation_links_never_fail_on_generated_tokens(db, token, data):
    client = Client(raise_request_exception=False)
    client.force_login(MembershipFactory().user)
    url = reverse("invitation_accept", args=["x"]).replace("/x/", "/") + quote(token, safe="") + "/"
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code < 500, (token, response.status_code)


@GENERATED
@given(
    next_url=st.one_of(st.sampled_from(NEAR_VALID), st.text(max_size=60)), signed_in=st.booleans()
)
def test_signup_never_fails_on_a_generated_next(db, next_url, signed_in):
    """Finding 6: any ``next`` without "/" or "." was resolved as a view name, a 500."""
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(MembershipFactory().user)
    response = client.get(reverse("signup"), {"next": next_url})
    assert response.status_code < 500, (next_url, response.status_code)
    if response.status_code == 302:
        assert response.url.startswith("/") and not response.url.startswith("//")


@GENERATED
@given(token=st.text(max_size=200), data=FORMS)
def test_confirmation_links_never_fail_on_generated_tokens(db, token, data):
    client = Client(raise_request_exception=False)
    url = reverse("email_confirm", args=["x"]).replace("/x/", "/") + quote(token, safe="") + "/"
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code < 500, (token, response.status_code)
