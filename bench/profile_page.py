"""Where one page's time goes: cProfile over repeated requests, in process.

Requests go through Django's test client as the large organization's owner, against the
database in DATABASE_URL (migrated and seeded with ``seed_scale`` first if the
organization is missing), and the functions that take the most time are printed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_profile \\
        .venv/bin/python bench/profile_page.py team [--runs 5] [--limit 25]

Page names: gap, headcount, team, roadmap, roadmap_csv, history, home.
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
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from planner.models import Organization  # noqa: E402

SLUG = "scale"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(slug=SLUG).exists():
        call_command("seed_scale", "--tenants", "500", "--history", "1000", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{SLUG}-owner"))
    url = reverse(args.page, args=[] if args.page == "home" else [SLUG])
    assert client.get(url).status_code == 200  # warm templates and connections
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    for _ in range(args.runs):
        client.get(url)
    profile.disable()
    per_request = (time.perf_counter() - start) / args.runs * 1000
    print(f"{url}: {per_request:.0f} ms a request under the profiler, {args.runs} runs\n")
    pstats.Stats(profile).strip_dirs().sort_stats(args.sort).print_stats(args.limit)


if __name__ == "__main__":
    main()
