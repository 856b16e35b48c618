"""Static files: small enough to send with every first visit, cached for good once sent."""

import gzip
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from planner.models import Membership
from tests.factories import MembershipFactory

# JavaScript and CSS a page makes the browser fetch, gzip-compressed as whitenoise serves
# them. A new framework or a second stylesheet should be a decision, not a surprise.
BUDGET = 100 * 1024

ASSETS = re.compile(
    r'<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"'
    r'|<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"'
)


def assets(html: str) -> list[str]:
    return [next(url for url in match if url) for match in ASSETS.findall(html)]


def gzipped_size(url: str, static_url: str) -> int:
    path = urlsplit(url).path
    assert path.startswith(static_url), f"{url} is not one of our static files"
    found = finders.find(path.removeprefix(static_url))
    assert found, f"{url} is referenced but no static file has that name"
    with open(found, "rb") as source:
        return len(gzip.compress(source.read(), compresslevel=9))


@pytest.fixture
def owner_client(db):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    client = Client()
    client.force_login(membership.user)
    return client, membership.organization


def test_the_pages_reference_htmx_and_both_stylesheets(owner_client):
    client, organization = owner_client
    html = client.get(reverse("gap", args=[organization.slug])).text
    names = [urlsplit(url).path.rsplit("/", 1)[-1] for url in assets(html)]
    # Guards the pattern: were it to stop matching, the budget would pass vacuously.
    assert any(name.startswith("htmx") and name.endswith(".js") for name in names)
    assert {"pico.min.css", "app.css"} <= set(names)


@pytest.mark.parametrize("page", ["login", "home", "gap", "headcount", "team", "roadmap"])
def test_a_page_sends_under_100_kb_of_compressed_javascript_and_css(owner_client, page, settings):
    client, organization = owner_client
    if page == "login":
        client = Client()
    args = [organization.slug] if page not in ("login", "home") else []
    html = client.get(reverse(page, args=args)).text
    total = sum(gzipped_size(url, settings.STATIC_URL) for url in assets(html))
    assert 0 < total < BUDGET, f"{page}: {total / 1024:.1f} KB of JS and CSS after gzip"


@pytest.fixture
def collected(settings, tmp_path):
    """Static files as production serves them: collected, hashed and compressed."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_hashed_files_are_cached_for_good_and_sent_compressed(collected, db):
    client = Client()  # a new client builds the middleware with the settings above
    html = client.get(reverse("login")).text
    urls = assets(html)
    assert urls
    for url in urls:
        # Hashed name: a changed file gets a new URL, so the old one can be kept for ever.
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
        assert max_age >= 365 * 24 * 3600
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        response.close()


def test_unhashed_names_are_cached_only_briefly(collected, db):
    response = Client().get("/static/planner/app.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    response.close()
