"""Requests in a character set the site cannot read: a clear 400, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.middleware import _unreadable_charset

UNREADABLE = ["utf-16", "UTF-16LE", "utf-32", "cp037", "nonsense", "latin-1", "utf8", ""]


@pytest.fixture
def browser(db):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("login"))  # sets the CSRF cookie
    return client


def _post(client: Client, charset: str, *, token: bool):
    body = b"username=ada&password=secret"
    if token:
        body += b"&csrfmiddlewaretoken=" + client.cookies["csrftoken"].value.encode()
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    # generic(), unlike post(), sends the bytes as they are whatever charset is declared.
    return client.generic("POST", reverse("login"), body, content_type=content_type)


@pytest.mark.parametrize("charset", UNREADABLE)
@pytest.mark.parametrize("token", [True, False])
def test_a_form_in_an_unreadable_charset_is_refused_with_a_400(browser, charset, token):
    response = _post(browser, charset, token=token)
    assert response.status_code == 400
    assert "send forms as UTF-8" in response.content.decode()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8"])
def test_a_utf8_form_is_read_as_usual(browser, charset):
    response = _post(browser, charset, token=True)
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_an_unreadable_charset_is_refused_on_any_method(browser):
    response = browser.get(reverse("login"), headers={"content-type": "text/plain; charset=x"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content_type, refused",
    [
        ("multipart/form-data; boundary=x; charset=utf-16", True),
        ("multipart/form-data; boundary=x; charset=latin-1", False),
        ("application/json", False),
        ("", False),
    ],
)
def test_other_media_types_need_an_ascii_compatible_charset(content_type, refused):
    assert bool(_unreadable_charset(content_type)) is refused


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content_type=st.one_of(
        st.text(max_size=60),
        st.builds(
            "{}; charset={}".format,
            st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data"]),
            st.one_of(st.text(max_size=20), st.sampled_from(UNREADABLE)),
        ),
    )
)
def test_no_content_type_header_answers_500(browser, content_type):
    # A header value carries no NUL; a server would refuse one before the app sees it.
    content_type = content_type.replace("\x00", "")
    body = b"username=ada&password=secret"
    response = browser.generic("POST", reverse("login"), body, content_type=content_type)
    assert response.status_code < 500, (content_type, response.status_code)
