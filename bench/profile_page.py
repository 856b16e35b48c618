"""Where one page's time goes: cProfile over repeated requests, in process.

Requests go through Django's test client as the large organization's owner, against the
database in DATABASE_URL (migrated and seeded with ``seed_scale`` first if the
organization is missing), and the functions that take the most time are printed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_profile \\
        .venv/bin/python bench/profile_page.py team [--runs 5] [--limit 25]

Page names: gap, headcount, team, roadmap, roadmap_csv, history, home; and cell_save,
the htmx save of one headcount cell, alternating a quarter's sales between two values so
that every request is a real change (``--sql`` prints the queries of one such save).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
os.environ.setdefault("SECRET_KEY", "profiling-only")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["SECURE_SSL_REDIRECT"] = "false"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from planner import rules  # noqa: E402
from planner.models import HeadcountSnapshot, Organization  # noqa: E402

SLUG = "scale"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--sql", action="store_true", help="print one request's queries")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(slug=SLUG).exists():
        call_command("seed_scale", "--tenants", "500", "--history", "1000", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{SLUG}-owner"))
    request = cell_save(client) if args.page == "cell_save" else page_get(client, args.page)
    request()  # warm templates and connections
    if args.sql:
        with CaptureQueriesContext(connection) as queries:
            request()
        for number, query in enumerate(queries.captured_queries, 1):
            print(f"{number:3} {query['time']}s {query['sql'][:300]}")
        print()
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    for _ in range(args.runs):
        request()
    profile.disable()
    per_request = (time.perf_counter() - start) / args.runs * 1000
    print(f"{args.page}: {per_request:.0f} ms a request under the profiler, {args.runs} runs\n")
    pstats.Stats(profile).strip_dirs().sort_stats(args.sort).print_stats(args.limit)


def page_get(client: Client, page: str):
    url = reverse(page, args=[] if page == "home" else [SLUG])

    def get() -> None:
        assert client.get(url).status_code == 200

    return get


def cell_save(client: Client):
    """Saves mid-plan quarters' sales as the grid posts them with htmx, each save +1 or back
    on one of 16 quarters, in Gray code order: every save is a real change and makes a plan
    not seen before (as when many people edit at once), so no result computed for an
    earlier plan is reused."""
    snapshots = [
        s
        for s in HeadcountSnapshot.objects.filter(organization__slug=SLUG, scenario=None)
        if rules.stage_for(s.total).number == rules.stage_for(s.total + 1).number
    ][:16]
    flipped = dict.fromkeys((s.pk for s in snapshots), 0)
    saves = [0]

    def save() -> None:
        saves[0] += 1
        snapshot = snapshots[((saves[0] & -saves[0]).bit_length() - 1) % len(snapshots)]
        flipped[snapshot.pk] = 1 - flipped[snapshot.pk]
        data = {
            "sales": snapshot.sales + flipped[snapshot.pk],
            "customer_success": snapshot.customer_success,
            "other": snapshot.other,
            "version": snapshot.version,
        }
        url = reverse("snapshot_update", args=[SLUG, snapshot.pk])
        assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 200
        snapshot.version += 1  # as the page's hidden input would say after the save

    return save


if __name__ == "__main__":
    main()
