"""The deployment files agree with the code: compose stack, .env.example, README and CI."""

import inspect
import os
import re
import runpy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

SETUP_AND_RUN = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]'"
    " && DEBUG=true .venv/bin/python manage.py migrate"
    " && DEBUG=true .venv/bin/python manage.py seed_demo"
    " && DEBUG=true .venv/bin/python manage.py runserver"
)
TEST_SUITE = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/pytest"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables() -> set[str]:
    source = (ROOT / "enablement" / "settings.py").read_text()
    return set(re.findall(r"\benv_(?:str|bool|int|list)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def documented_variables() -> set[str]:
    """Names in .env.example, set (NAME=) or shown with their default (#NAME=)."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def readme_shell_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return [b.strip() for b in re.findall(r"^```(?:sh|bash|shell)\n(.*?)^```", text, re.M | re.S)]


def test_it_runs_postgres_17_with_a_pg_isready_healthcheck(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:17"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["environment"]["POSTGRES_PASSWORD"]


def test_it_keeps_the_database_in_a_declared_named_volume(compose):
    mounts = compose["services"]["db"]["volumes"]
    named = {mount.split(":")[0] for mount in mounts if mount.endswith(":/var/lib/postgresql/data")}
    assert named
    assert named <= set(compose["volumes"])


def test_it_starts_web_only_once_the_database_is_healthy(compose):
    assert compose["services"]["web"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_it_migrates_before_starting_gunicorn(compose):
    web = compose["services"]["web"]
    assert web["build"]
    command = web["command"]
    assert "migrate --noinput" in command
    assert "gunicorn enablement.wsgi" in command
    assert "0.0.0.0:8000" in command
    assert command.index("migrate") < command.index("gunicorn")


def test_it_points_web_at_the_db_service_and_requires_a_secret_key(compose):
    env = compose["services"]["web"]["environment"]
    url = urlsplit(env["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname == "db"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["DEBUG"] == "false"
    assert env["SECURE_SSL_REDIRECT"].endswith("false}")


def test_it_reads_environment_variables_through_the_helpers():
    # Guards the regex below: if it stopped matching, the next test would pass vacuously.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_BACKEND"} <= settings_variables()


def test_it_documents_every_variable_settings_read_in_env_example():
    missing = settings_variables() - documented_variables()
    assert not missing, f".env.example does not document: {sorted(missing)}"


def test_it_documents_no_variable_that_settings_ignore():
    stale = documented_variables() - settings_variables()
    assert not stale, f".env.example lists variables settings.py never reads: {sorted(stale)}"


def test_it_opens_the_readme_with_the_setup_and_test_commands():
    blocks = readme_shell_blocks()
    assert blocks[:2] == [SETUP_AND_RUN, TEST_SUITE]


def test_it_runs_the_readme_test_command_in_ci():
    script = (ROOT / ".ci" / "run").read_text()
    assert readme_shell_blocks()[1] in script
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111


def test_it_builds_the_image_with_collected_static_files_and_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM python:3.12-slim\n")
    assert "pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r'^CMD \["gunicorn", "enablement.wsgi"', dockerfile, re.M)


def test_it_keeps_local_secrets_and_environments_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", "var"} <= set(ignored)


def gunicorn_settings(monkeypatch, **environ) -> dict:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_it_serves_the_image_and_the_stack_with_the_repository_gunicorn_settings(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'^CMD \[.*"--config", "gunicorn.conf.py"\]', dockerfile, re.M)
    assert "--config gunicorn.conf.py" in compose["services"]["web"]["command"]
    assert "gunicorn.conf.py" not in (ROOT / ".dockerignore").read_text().split()


def test_it_sizes_the_workers_from_the_cpus_unless_web_concurrency_says(monkeypatch):
    cpus = len(os.sched_getaffinity(0))
    assert gunicorn_settings(monkeypatch)["workers"] == 2 * cpus + 1
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_it_recycles_workers_at_staggered_moments_and_logs_every_request(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["max_requests"] > 0
    assert 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["preload_app"] is True  # so a recycled worker starts without imports
    assert conf["timeout"] > 0
    assert conf["graceful_timeout"] > 0
    assert conf["accesslog"] == "-"
    assert conf["control_socket_disable"] is True


def test_it_sets_only_settings_gunicorn_knows_with_values_it_accepts(monkeypatch):
    from gunicorn.config import Config

    config = Config()
    conf = gunicorn_settings(monkeypatch)
    names = {
        name
        for name, value in conf.items()
        if not name.startswith("_") and not callable(value) and not inspect.ismodule(value)
    }
    assert names - set(config.settings) == set(), "a misspelt setting is silently ignored"
    for name in names:
        config.set(name, conf[name])  # gunicorn's validators raise on a bad value
    assert config.max_requests_jitter == conf["max_requests_jitter"]
