"""The settings helpers: accepted spellings, loud failures on nonsense, database URLs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from enablement import settings
from enablement.settings import database_from_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " on "])
def test_it_reads_true_spellings(monkeypatch, raw):
    monkeypatch.setenv("PLANNER_FLAG", raw)
    assert env_bool("PLANNER_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off", ""])
def test_it_reads_false_spellings(monkeypatch, raw):
    monkeypatch.setenv("PLANNER_FLAG", raw)
    assert env_bool("PLANNER_FLAG", True) is False


def test_it_uses_the_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("PLANNER_FLAG", raising=False)
    assert env_bool("PLANNER_FLAG", True) is True
    assert env_bool("PLANNER_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please", "t"])
def test_it_refuses_a_nonsense_bool(monkeypatch, raw):
    monkeypatch.setenv("PLANNER_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="PLANNER_FLAG"):
        env_bool("PLANNER_FLAG", False)


def test_it_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("PLANNER_NUMBER", " 42 ")
    assert env_int("PLANNER_NUMBER", 7) == 42


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_it_uses_the_int_default_when_unset_or_blank(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("PLANNER_NUMBER", raising=False)
    else:
        monkeypatch.setenv("PLANNER_NUMBER", raw)
    assert env_int("PLANNER_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["seven", "1.5", "10s"])
def test_it_refuses_a_nonsense_int(monkeypatch, raw):
    monkeypatch.setenv("PLANNER_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("PLANNER_NUMBER", 7)


def test_it_refuses_an_int_below_the_minimum(monkeypatch):
    monkeypatch.setenv("PLANNER_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("PLANNER_NUMBER", 7, minimum=0)


def test_it_accepts_an_int_at_the_minimum(monkeypatch):
    monkeypatch.setenv("PLANNER_NUMBER", "0")
    assert env_int("PLANNER_NUMBER", 7, minimum=0) == 0


def test_it_splits_a_list_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("PLANNER_HOSTS", " a.example.com, b.example.com ,,")
    assert env_list("PLANNER_HOSTS", ["default"]) == ["a.example.com", "b.example.com"]


def test_it_uses_the_list_default_only_when_unset(monkeypatch):
    monkeypatch.delenv("PLANNER_HOSTS", raising=False)
    assert env_list("PLANNER_HOSTS", ["default"]) == ["default"]
    monkeypatch.setenv("PLANNER_HOSTS", "")
    assert env_list("PLANNER_HOSTS", ["default"]) == []


def test_it_uses_sqlite_under_var_without_a_database_url():
    config = database_from_url("")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == settings.BASE_DIR / "var" / "db.sqlite3"
    assert config["NAME"].parent.is_dir()


@pytest.mark.parametrize("url", ["", "sqlite:///var/other.sqlite3"])
def test_sqlite_transactions_take_the_write_lock_when_they_begin(url):
    """So that a second simultaneous writer waits instead of failing "database is locked"."""
    config = database_from_url(url)
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_it_reads_a_postgres_url(monkeypatch, scheme):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "30")
    config = database_from_url(f"{scheme}://planner:secret@db.example.com:5433/plans")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == "db.example.com"
    assert config["PORT"] == 5433
    assert config["NAME"] == "plans"
    assert config["USER"] == "planner"
    assert config["PASSWORD"] == "secret"
    assert config["CONN_MAX_AGE"] == 30
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("url", ["mysql://planner@db.example.com/plans", "oracle://x@y/z"])
def test_it_refuses_other_databases(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def import_settings(**env: str) -> subprocess.CompletedProcess:
    """Imports the settings in a fresh interpreter, with only the given variables set."""
    clean = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **env}
    code = (
        "import django; from django.conf import settings; django.setup();"
        " print(settings.MAILERS['default'])"
    )
    return subprocess.run(
        # Django's warnings about deprecated EMAIL_* settings all start like this.
        [sys.executable, "-W", "error:The EMAIL_", "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "enablement.settings", **clean},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_it_starts_without_a_secret_key_in_debug():
    result = import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_on_a_nonsense_debug_value():
    result = import_settings(DEBUG="maybe", SECRET_KEY="k")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_it_prints_mail_to_the_console_by_default_without_deprecation_warnings():
    # import_settings turns Django's EMAIL_* deprecation warnings into errors.
    result = import_settings(SECRET_KEY="k")
    assert result.returncode == 0, result.stderr
    assert "'BACKEND': 'django.core.mail.backends.console.EmailBackend'" in result.stdout
    assert "OPTIONS" not in result.stdout


def test_it_configures_smtp_from_the_environment():
    result = import_settings(
        SECRET_KEY="k",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="mail.example.com",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="planner",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="false",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "'OPTIONS': {'host': 'mail.example.com', 'port': 2525, 'username': 'planner',"
        " 'password': 'secret', 'use_tls': False}"
    ) in result.stdout


def test_a_negative_connection_age_is_refused():
    code = "import enablement.settings"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": "sqlite:///tmp.db",
        "DATABASE_CONN_MAX_AGE": "-5",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DATABASE_CONN_MAX_AGE must be at least 0" in result.stderr


def _proxy_count(**env: str) -> subprocess.CompletedProcess:
    code = (
        "import django; from django.conf import settings; django.setup();"
        " print(settings.TRUSTED_PROXY_COUNT)"
    )
    clean = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "SECRET_KEY": "k"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "enablement.settings", **clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "0"),  # no proxy: X-Forwarded-For is ignored
        ({"SECURE_PROXY_SSL_HEADER": "true"}, "1"),
        ({"SECURE_PROXY_SSL_HEADER": "true", "AXES_PROXY_COUNT": "0"}, "0"),
        ({"AXES_PROXY_COUNT": "3"}, "3"),
    ],
)
def test_it_reads_how_many_proxies_to_trust(env, expected):
    result = _proxy_count(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_negative_proxy_count_is_refused():
    result = _proxy_count(AXES_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "AXES_PROXY_COUNT must be at least 0" in result.stderr
