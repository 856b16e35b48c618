"""The login throttle: who gets paused, by which address, and what clears it."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from planner.login_throttle import client_address
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
LIMIT = settings.AXES_FAILURE_LIMIT


def login(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_forty_guesses_between_own_logins_lock_the_victim(client, db):
    """Finding 1, replayed: four wrong guesses for the victim, then a login to the attacker's
    own account from the same address, ten times over."""
    UserFactory(username="victim")
    UserFactory(username="attacker")
    statuses = []
    for _ in range(10):
        statuses += [login(client, "victim", "guess").status_code for _ in range(4)]
        login(client, "attacker", PASSWORD)
        client.logout()
    assert statuses[LIMIT - 1] == 429
    assert login(client, "victim", PASSWORD, address="10.9.9.9").status_code == 429


def test_a_success_clears_its_own_usernames_failures_only(client, db):
    UserFactory(username="ada")
    for _ in range(LIMIT - 1):
        login(client, "ada", "wrong")
        login(client, "grace", "wrong", address="10.0.0.7")
    assert login(client, "ada", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="ada").exists()
    assert AccessAttempt.objects.get(username="grace").failures_since_start == LIMIT - 1


def test_an_own_login_does_not_clear_an_addresses_failures(client, db):
    UserFactory(username="attacker")
    for n in range(LIMIT - 1):
        login(client, f"someone{n}", "guess")
    assert login(client, "attacker", PASSWORD).status_code == 302
    client.logout()
    assert login(client, "someone-else", "guess").status_code == 429


def test_the_lockout_page_says_when_to_try_again_and_offers_a_reset(client, db):
    UserFactory(username="ada")
    for _ in range(LIMIT):
        response = login(client, "ada", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert f"Try again in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert reverse("password_reset") in page


def test_a_password_reset_lifts_the_pause_on_that_username(client, db):
    user = UserFactory(username="ada")
    for _ in range(LIMIT):
        login(client, "ada", "wrong", address="10.0.0.5")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form_url = client.get(reverse("password_reset_confirm", args=[uid, token]))["Location"]
    new = "a-brand-new-passphrase-7"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert login(client, "ada", new, address="10.0.0.6").status_code == 302


# --- the client address behind 0, 1 or N proxies ---------------------------------------------


def _request(remote="203.0.113.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **meta)


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(forwarded="198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    "forwarded, expected",
    [
        ("198.51.100.1", "198.51.100.1"),  # the proxy appended the client
        ("6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client sent its own header
        ("6.6.6.6,6.6.6.7 , 198.51.100.1", "198.51.100.1"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_one_proxy_the_client_is_the_last_entry(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(remote="10.0.0.2", forwarded=forwarded)) == expected


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(remote="10.0.0.3", forwarded="6.6.6.6, 198.51.100.1, 10.0.0.2")
    assert client_address(request) == "198.51.100.1"


@pytest.mark.parametrize("forwarded", [None, "", "198.51.100.1", "not-an-address, 10.0.0.2"])
def test_a_header_that_did_not_pass_every_proxy_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(remote="10.0.0.3", forwarded=forwarded)) == "10.0.0.3"


def test_behind_one_proxy_typos_from_other_clients_lock_no_one_else(client, db, settings):
    """Finding 2: five clients behind one proxy each mistype once; a sixth logs in."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="sixth")
    proxy = "10.0.0.254"
    for n in range(LIMIT):
        login(client, f"typo{n}", "wrong", address=proxy, x_forwarded_for=f"198.51.100.{n}")
    ok = login(client, "sixth", PASSWORD, address=proxy, x_forwarded_for="198.51.100.77")
    assert ok.status_code == 302


def test_behind_one_proxy_a_client_cannot_choose_its_address(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.254"
    for n in range(LIMIT):
        spoofed = f"192.0.2.{n}, 198.51.100.5"  # the client's own header, then the proxy's
        login(client, f"nobody{n}", "wrong", address=proxy, x_forwarded_for=spoofed)
    UserFactory(username="ada")
    again = login(client, "ada", PASSWORD, address=proxy, x_forwarded_for="1.2.3.4, 198.51.100.5")
    assert again.status_code == 429
