"""Each page's latency under gunicorn on PostgreSQL, as a ratio to the login page.

One command builds everything it measures: a throwaway PostgreSQL database (or the one
in --database-url), the migrations, the collected static files, the scale data (the
large organization of docs/performance.md plus 500 small ones), and gunicorn started
with the repository's gunicorn.conf.py on 127.0.0.1, DEBUG off, as production serves.
It logs in as the large organization's owner and loads each page with wrk: a fixed
number of connections for a fixed time, one page after another, the login page (the
floor) first and again last. Absolute times depend on the machine and on whatever else
it runs; the ratio of a page's median to the floor's, measured minutes apart on the
same server, is what docs/performance.md records and what --check holds to its target.

    .venv/bin/python bench/serve_ratio.py [--check] [--duration 8] [--connections 16]
        [--page "htmx cell save" ...]

Needs wrk (Debian/Ubuntu: apt-get install wrk) and createdb/dropdb on the PATH, or a
--database-url to an empty PostgreSQL database. It sends traffic to 127.0.0.1 only.
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = Path(__file__).resolve().parent / "wrk"
SLUG = "scale"
PASSWORD = "bench-" + secrets.token_urlsafe(12)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    target: float | None  # highest p50 ratio to the floor; None: measured, no target
    # "floor", "get", "save" (the grid's htmx save) or "write" (the same save posted
    # without JavaScript: answered with a redirect, so it measures the write alone)
    kind: str = "get"


PAGES = [
    Page("login page (floor)", "/accounts/login/", 1.0, "floor"),
    Page("organizations list", "/", None),
    Page("gap view", f"/o/{SLUG}/", 3.0),
    Page("htmx cell save", f"/o/{SLUG}/headcount/", 3.0, "save"),
    Page("cell save without JavaScript (the write alone)", f"/o/{SLUG}/headcount/", None, "write"),
    Page("headcount grid", f"/o/{SLUG}/headcount/", 5.0),
    Page("team & hires", f"/o/{SLUG}/team/", 5.0),
    Page("roadmap", f"/o/{SLUG}/roadmap/", 5.0),
    Page("roadmap CSV", f"/o/{SLUG}/roadmap.csv", 5.0),
    Page("history", f"/o/{SLUG}/history/", 3.0),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to use; by default one is created and dropped",
    )
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server for the throwaway database (default: %(default)s)",
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds per page")
    parser.add_argument("--floor-duration", type=int, default=4, help="seconds per login-page run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--history", type=int, default=1000, help="recorded changes")
    parser.add_argument(
        "--page",
        action="append",
        choices=[page.name for page in PAGES[1:]],
        help="measure this page only (again for more); by default every page",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a page misses")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url: str) -> dict:
    """Production settings on plain http and loopback, with a key made for this run."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATICFILES_MANIFEST": "true",
        "WHITENOISE_USE_FINDERS": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "enablement.settings",
    }


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def pg_command(tool: str, server: str, name: str) -> list[str]:
    url = urllib.parse.urlsplit(server)
    command = [tool, "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432)]
    if url.username:
        command += ["-U", url.username]
    return [*command, name]


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer at {base} within {timeout:.0f} s")


def log_in(base: str, username: str, password: str) -> dict[str, str]:
    """The session and CSRF cookies of a login through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/accounts/login/", timeout=10) as response:
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    opener.open(base + "/accounts/login/", urllib.parse.urlencode(form).encode(), timeout=10)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        sys.exit(f"could not log in as {username}")
    return cookies


def warm(base: str, page: Page, cookie: str) -> None:
    """A few requests first, so each worker has loaded its templates and connections."""
    for _ in range(6):
        request = urllib.request.Request(base + page.path, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def wrk(base: str, page: Page, args, env: dict, duration: int) -> dict:
    saves = page.kind in ("save", "write")
    threads = args.connections if saves else min(2, args.connections)
    script = WRK / ("cell_save.lua" if saves else "page.lua")
    url = base + ("/" if saves else page.path)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        url,
    ]
    result = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
    )
    line = next((line for line in result.stdout.splitlines() if line.startswith("{")), None)
    if result.returncode or line is None:
        sys.exit(f"wrk failed on {page.name}:\n{result.stdout}{result.stderr}")
    return json.loads(line)


def login_page_ms(base: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(base + "/accounts/login/", timeout=60) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def idle_latency(base: str) -> float:
    """The login page's median time with nothing else running, one request at a time."""
    return statistics.median(login_page_ms(base) for _ in range(9))


def settle(base: str, idle_ms: float, limit: float = 60) -> None:
    """Waits until the server is idle again.

    When wrk stops, the requests it sent are still queued at gunicorn, and the workers
    go on answering them (for seconds, after a heavy page); the next run must not be
    measured on a server still busy with this one.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if login_page_ms(base) < max(3 * idle_ms, idle_ms + 20):
            return
        time.sleep(0.2)


def save_rows(connections: int) -> list[tuple]:
    """One quarter per connection, near the middle, where +1 sales never changes stage."""
    from django.db import connection

    from planner import rules
    from planner.models import HeadcountSnapshot

    snapshots = list(HeadcountSnapshot.objects.filter(organization__slug=SLUG).order_by("quarter"))
    rows = [
        snapshot
        for snapshot in snapshots
        if rules.stage_for(snapshot.total).number == rules.stage_for(snapshot.total + 1).number
    ][:connections]
    if len(rows) < connections:
        sys.exit(f"need {connections} quarters to save, have {len(rows)}")
    connection.close()
    return [(s.pk, s.version, s.sales, s.customer_success, s.other) for s in rows]


def recorded_changes() -> int:
    from django.db import connection

    from planner.models import Change

    count = Change.objects.filter(organization__slug=SLUG).count()
    connection.close()
    return count


def row(page: Page, result: dict, floor_p50: float) -> dict:
    seconds = result["duration_us"] / 1e6
    p50 = result["p50_us"] / 1000
    ratio = p50 / floor_p50
    errors = result["socket_errors"] + result["unexpected"]
    return {
        "page": page.name,
        "floor": floor_p50,
        "rps": result["requests"] / seconds,
        "p50": p50,
        "p95": result["p95_us"] / 1000,
        "ratio": ratio,
        "target": page.target,
        "meets": page.target is None or ratio <= page.target,
        "kb": result["bytes"] / max(result["requests"], 1) / 1024,
        "errors": errors,
        "requests": result["requests"],
        "first_unexpected": result["first_unexpected"],
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| page | answers | req/s | p50 ms | p95 ms | floor p50 ms | p50 ÷ floor | target "
        "| meets | KB/answer | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        target = f"≤ {r['target']:.0f}×" if r["target"] and r["target"] > 1 else "—"
        meets = "—" if r["target"] in (None, 1.0) else ("yes" if r["meets"] else "**no**")
        rps = f"{r['rps']:.1f}" if r["rps"] < 10 else f"{r['rps']:.0f}"
        lines.append(
            f"| {r['page']} | {r['requests']} | {rps} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['floor']:.1f} | {r['ratio']:.1f}× | {target} | {meets} | {r['kb']:.1f} "
            f"| {r['errors']} |"
        )
    return "\n".join(lines)


@contextmanager
def scale_server(args) -> Iterator[str]:
    """gunicorn serving freshly seeded scale data on 127.0.0.1; yields its base URL.

    ``args`` needs database_url, server, workers, tenants and history. Everything made
    here (the throwaway database, the server process) is gone when the block ends.
    """
    throwaway = None
    database_url = args.database_url
    if database_url is None:
        throwaway = f"planner_bench_{os.getpid()}"
        subprocess.run(pg_command("createdb", args.server, throwaway), check=True, timeout=60)
        database_url = f"{args.server.rstrip('/')}/{throwaway}"
    env = server_environment(database_url)
    os.environ.update(env)
    workdir = Path(tempfile.mkdtemp(prefix="planner-serve-"))
    server = None
    try:
        print("Migrating, collecting static files and seeding the scale data…", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(
            env,
            "seed_scale",
            "--tenants",
            str(args.tenants),
            "--history",
            str(args.history),
            "--password",
            PASSWORD,
        )
        import django

        django.setup()  # this process reads the seeded rows too (save_rows, recorded_changes)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "enablement.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(base)
        print(f"gunicorn with {args.workers} workers on {base}.", flush=True)
        yield base
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if throwaway:
            from django.db import connections

            connections.close_all()
            subprocess.run(pg_command("dropdb", args.server, throwaway), timeout=60, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    started = time.monotonic()
    with scale_server(args) as base:
        cookies = log_in(base, f"{SLUG}-owner", PASSWORD)
        cookie = f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"
        wrk_env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_CSRF": cookies["csrftoken"]}
        anonymous_env = {**os.environ, "BENCH_COOKIE": ""}
        print(
            f"wrk with {args.connections} connections for {args.duration} s per page.\n",
            flush=True,
        )
        floor = PAGES[0]
        warm(base, floor, "")
        idle_ms = idle_latency(base)

        def measure(page: Page, env: dict, duration: int) -> dict:
            for _ in range(3):
                if page.kind in ("save", "write"):
                    env["BENCH_HTMX"] = "true" if page.kind == "save" else ""
                    # Each connection's quarter at its stored version, as a page would show.
                    env["BENCH_SAVES"] = ";".join(
                        f"/o/{SLUG}/headcount/{pk}/,{version},{sales},{cs},{other}"
                        for pk, version, sales, cs, other in save_rows(args.connections)
                    )
                result = wrk(base, page, args, env, duration)
                settle(base, idle_ms)
                if result["requests"]:
                    return result
            sys.exit(f"no answer from {page.name} within {duration} s: give it a longer run")

        floors = [measure(floor, anonymous_env, args.floor_duration)]
        rows, saved = [], 0
        changes_before = recorded_changes()
        for page in PAGES[1:]:
            if args.page and page.name not in args.page:
                continue
            warm(base, page, cookie)
            result = measure(page, wrk_env, args.duration)
            floors.append(measure(floor, anonymous_env, args.floor_duration))
            # The floor just before and just after this page: load that other processes
            # put on the machine drifts over minutes, and this cancels most of it.
            local_floor = (floors[-2]["p50_us"] + floors[-1]["p50_us"]) / 2 / 1000
            rows.append(row(page, result, local_floor))
            saved += result.get("saved", 0)
            print(
                f"  {page.name}: p50 {rows[-1]['p50']:.1f} ms, floor {local_floor:.1f} ms",
                flush=True,
            )
        changes_after = recorded_changes()

    floor_rows = [row(floor, result, result["p50_us"] / 1000) for result in floors]
    floor_p50s = sorted(r["p50"] for r in floor_rows)
    median = floor_p50s[len(floor_p50s) // 2]
    summary_row = {
        **floor_rows[0],
        "rps": statistics.mean(r["rps"] for r in floor_rows),
        "p50": median,
        "p95": statistics.median(r["p95"] for r in floor_rows),
        "floor": median,
        "ratio": 1.0,
        "errors": sum(r["errors"] for r in floor_rows),
        "requests": sum(r["requests"] for r in floor_rows),
        "kb": floor_rows[0]["kb"],
    }
    rows.insert(0, summary_row)
    print(table(rows))
    print(
        f"\nThe floor ran {len(floors)} times, {args.floor_duration} s each, before and after "
        f"every page; its p50 ranged {floor_p50s[0]:.1f}–{floor_p50s[-1]:.1f} ms. Each "
        "page's ratio is to the mean of the two floor runs around it. Cell saves answered "
        f"as saved (200 with htmx, 302 without): {saved}; changes recorded meanwhile: "
        f"{changes_after - changes_before} (saves in flight when wrk stopped are recorded "
        "but not counted). "
        f"Idle login page, one request at a time: {idle_ms:.1f} ms. "
        f"Run took {time.monotonic() - started:.0f} s."
    )
    for r in rows:
        if r["errors"]:
            print(
                f"{r['page']}: {r['errors']} errors (first unexpected status "
                f"{r['first_unexpected']})"
            )
    if args.json:
        args.json.write_text(json.dumps({"floor_p50_ms": median, "rows": rows}, indent=2))
    failed = [r for r in rows if not r["meets"] or r["errors"]]
    if args.check and failed:
        print("\nMisses: " + ", ".join(r["page"] for r in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
