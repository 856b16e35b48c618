"""Response times and query counts of the main pages and the htmx cell edit.

Builds a large organization in a throwaway SQLite file (or the database in
BENCH_DATABASE_URL), then requests each page through Django's test client, in process,
so the numbers are the application's own work without network or browser.

    DEBUG=true .venv/bin/python bench/bench_views.py [--runs 30]

Results and the machine they came from are recorded in docs/benchmarks.md.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="planner-bench-")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
)
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from planner.models import HeadcountSnapshot, Organization  # noqa: E402

QUARTERS, PEOPLE, HIRES, SEGMENTS = 40, 200, 200, 20


def build():
    """The organization of ``seed_scale``, with this benchmark's numbers of people and hires."""
    call_command("migrate", verbosity=0)
    call_command(
        "seed_scale",
        *("--quarters", str(QUARTERS), "--segments", str(SEGMENTS)),
        *("--people", str(PEOPLE), "--hires", str(HIRES)),
        stdout=io.StringIO(),
    )
    organization = Organization.objects.get(slug="scale")
    return get_user_model().objects.get(username="scale-owner"), organization


def measure(label, request, runs):
    timings, queries = [], 0
    request()  # warm caches and templates
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = request()
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), (label, response.status_code)
        queries = len(captured.captured_queries)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"| {label} | {statistics.median(timings):.1f} | {p95:.1f} | {queries} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    user, organization = build()
    client = Client()
    client.force_login(user)
    slug = organization.slug
    snapshot = HeadcountSnapshot.objects.filter(organization=organization).order_by("quarter")[
        QUARTERS // 2
    ]
    edit_url = reverse("snapshot_update", args=[slug, snapshot.pk])
    value = iter(range(100, 100 + runs + 10))

    def edit():
        data = {
            "sales": next(value),
            "customer_success": snapshot.customer_success,
            "other": snapshot.other,
            "version": snapshot.version,
        }
        response = client.post(edit_url, data, headers={"HX-Request": "true"})
        snapshot.version += 1  # as the page's hidden input says after the save
        return response

    print(f"{QUARTERS} quarters, {PEOPLE} team members, {HIRES} hires, {SEGMENTS} segments;")
    print(f"{runs} runs each, database: {connection.vendor}\n")
    print("| request | median ms | p95 ms | queries |")
    print("|---|---|---|---|")
    measure("gap page", lambda: client.get(reverse("gap", args=[slug])), runs)
    measure("headcount page", lambda: client.get(reverse("headcount", args=[slug])), runs)
    measure("htmx headcount cell edit", edit, runs)
    measure("team & hires page", lambda: client.get(reverse("team", args=[slug])), runs)
    measure("roadmap page", lambda: client.get(reverse("roadmap", args=[slug])), runs)
    measure("roadmap CSV", lambda: client.get(reverse("roadmap_csv", args=[slug])), runs)


if __name__ == "__main__":
    main()
