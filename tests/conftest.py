from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.utils import translation

from planner import page_cache, remembered
from planner.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, a test database in a file rather than in memory.

    Django's in-memory test database shares one cache between connections, which locks by
    table and fails at once instead of waiting: threads racing to save could not show how
    the deployed, file-backed database behaves.
    """
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        (ROOT / "var").mkdir(exist_ok=True)
        database.setdefault("TEST", {})["NAME"] = str(ROOT / "var" / "test.sqlite3")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request or a test that switched to
    Polish leaves the thread's active language behind, and formatting follows it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no kept page or result: a rolled-back test leaves ids that the
    next test's rows may take again, with other data behind them."""
    caches[page_cache.CACHE].clear()
    remembered.RESULTS.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that are about hashing restore it themselves."""
    settings.PASSWORD_HASHERS = FAST_HASHERS + django_settings.PASSWORD_HASHERS


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def owner(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.OWNER).user


@pytest.fixture
def editor(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user


@pytest.fixture
def viewer(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.VIEWER).user


@pytest.fixture
def outsider(db):
    """A member of another organization only."""
    return MembershipFactory(role=Membership.Role.OWNER).user


@pytest.fixture
def user(db):
    return UserFactory()
