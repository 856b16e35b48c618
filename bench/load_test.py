"""The load test, start to finish: scale data, gunicorn, 50 planners for 60 s, a summary.

Builds the same server as bench/serve_ratio.py (throwaway PostgreSQL database, the
large organization and 500 small ones, gunicorn.conf.py on 127.0.0.1, DEBUG off), runs
bench/locustfile.py headless against it for a fixed time, and prints each request type's
throughput, median, p95 and failures beside the login page's under the same load.
Exits 1 if any request failed.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load_test.py [--users 50] [--run-time 60]
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_ratio import PASSWORD, SLUG, scale_server

HERE = Path(__file__).resolve().parent
ORDER = [
    "login page (floor)",
    "gap view",
    "headcount grid",
    "htmx cell save",
    "roadmap",
    "roadmap CSV",
    "team & hires",
    "log in",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=25)
    parser.add_argument("--run-time", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--history", type=int, default=1000)
    return parser.parse_args()


def summary(stats_csv: Path) -> tuple[str, int]:
    with stats_csv.open() as source:
        rows = {row["Name"]: row for row in csv.DictReader(source)}
    floor = float(rows["login page (floor)"]["50%"])
    lines = [
        "| request | requests | failures | req/s | p50 ms | p95 ms | p50 ÷ floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = [name for name in ORDER if name in rows] + ["Aggregated"]
    for name in names:
        row = rows[name]
        ratio = "" if name in ("log in", "Aggregated") else f"{float(row['50%']) / floor:.1f}×"
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {ratio} |"
        )
    return "\n".join(lines), int(rows["Aggregated"]["Failure Count"])


def main() -> int:
    args = parse_args()
    results = Path(tempfile.mkdtemp(prefix="planner-load-"))
    with scale_server(args) as base:
        env = {
            **os.environ,
            "BENCH_SLUG": SLUG,
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_TENANTS": str(args.tenants),
        }
        command = [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.run_time}s",
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--only-summary",
            "--csv",
            str(results / "load"),
            "--loglevel",
            "WARNING",
        ]
        print(f"locust: {args.users} users for {args.run_time} s…", flush=True)
        subprocess.run(command, env=env, timeout=args.run_time + 120, check=False)
    text, failures = summary(results / "load_stats.csv")
    failures_csv = results / "load_failures.csv"
    print("\n" + text)
    if failures:
        print("\nFailures:\n" + failures_csv.read_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
