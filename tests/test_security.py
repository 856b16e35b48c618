"""Production settings, headers, password storage and login throttling."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from planner import services
from planner.models import Membership
from tests.factories import MembershipFactory, SnapshotFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"


def production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DEBUG", "SECURE_", "SESSION_", "CSRF_", "STATICFILES_", "DJANGO_ALLOW_ASYNC")
        )
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="x" * 30 + "production-like-key-with-enough-entropy-4f9a1",
        ALLOWED_HOSTS="planner.example.com",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.com",
        **extra,
    )
    return env


def test_the_deployment_check_is_clean_with_debug_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr.upper()


def test_the_deployment_check_names_a_missing_production_mail_setup():
    env = production_env()
    del env["EMAIL_BACKEND"], env["EMAIL_HOST"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "development-only email backend" in result.stderr


def test_production_cookies_and_transport_are_secure_by_default():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    env = production_env(DJANGO_SETTINGS_MODULE="enablement.settings")
    plain = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert plain.stdout.split() == ["True", "True", "True", "True", "31536000", "DENY", "None"]
    env["SECURE_PROXY_SSL_HEADER"] = "true"
    proxied = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in proxied.stdout


@pytest.fixture
def member(db):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    SnapshotFactory(organization=membership.organization)
    return membership


def test_pages_carry_a_strict_content_security_policy(client, member):
    client.force_login(member.user)
    response = client.get(reverse("headcount", args=[member.organization.slug]))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "page", ["gap", "headcount", "team", "roadmap", "summary", "organization_settings", "members"]
)
def test_pages_need_no_inline_script_or_style(client, member, page):
    client.force_login(member.user)
    html = client.get(reverse(page, args=[member.organization.slug])).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts, "htmx is loaded"
    assert all("src=" in attributes for attributes in scripts)
    assert " style=" not in html
    assert "hx-on" not in html
    assert '"allowEval": false' in html


def test_the_shared_summary_runs_no_script_and_keeps_the_policy(client, member):
    """What a share link shows draws its charts as SVG: nothing a policy would block."""
    _, token = services.share_link_create(
        organization=member.organization, actor=member.user, days=1
    )
    response = client.get(reverse("shared_summary", args=[token]))
    html = response.content.decode()
    assert "<svg" in html
    assert "<script" not in html and " style=" not in html and "<style" not in html
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_htmx_is_served_from_this_site(client, member):
    client.force_login(member.user)
    html = client.get(reverse("gap", args=[member.organization.slug])).content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any("htmx" in source for source in sources)
    assert all(
        source.startswith(settings.STATIC_URL) or source.startswith("/") for source in sources
    )


def test_passwords_are_stored_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = settings.PASSWORD_HASHERS[1:]  # without the tests' fast one
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    user = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
    assert user.password.startswith("argon2$")


def test_the_session_cookie_is_http_only(client, db):
    UserFactory(username="ada")
    client.post(reverse("login"), {"username": "ada", "password": PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_repeated_failures_lock_the_account_with_a_clear_message(client, db, caplog):
    UserFactory(username="ada")
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert login(client, "ada", "wrong").status_code == 200
        locked = login(client, "ada", "wrong")
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    assert b"Try again in 15 minutes" in locked.content
    # Even the right password waits out the pause, from any address.
    assert login(client, "ada", PASSWORD, address="10.0.0.2").status_code == 429
    assert any("login failure" in record.getMessage().lower() for record in caplog.records)


def test_repeated_failures_from_one_address_lock_that_address(client, db):
    UserFactory(username="grace")
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"nobody{n}", "wrong", address="10.0.0.9")
    assert login(client, "grace", PASSWORD, address="10.0.0.9").status_code == 429
    assert login(client, "grace", PASSWORD, address="10.0.0.10").status_code == 302


def test_a_successful_login_clears_earlier_failures(client, db):
    UserFactory(username="ada")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "ada", "wrong")
    assert login(client, "ada", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "ada", "wrong").status_code == 200


def test_permission_denials_are_logged(client, member, caplog):
    viewer = MembershipFactory(organization=member.organization, role=Membership.Role.VIEWER)
    client.force_login(viewer.user)
    with caplog.at_level(logging.WARNING, logger="planner.security"):
        response = client.post(reverse("snapshot_add", args=[member.organization.slug]))
    assert response.status_code == 403
    assert any("Permission denied" in record.getMessage() for record in caplog.records)
