"""Time and peak memory of export_org and import_org for a large organization.

Builds an organization with a long history in a throwaway SQLite file (or the database in
BENCH_DATABASE_URL), then runs ``manage.py export_org`` and ``manage.py import_org`` as
separate processes, as an operator would, and reports each one's wall time and peak
resident memory. The import goes under a new slug, and its export must equal the first.

    .venv/bin/python bench/bench_backup.py [--changes 100000]

Results and the machine they came from are recorded in docs/benchmarks.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
workdir = Path(tempfile.mkdtemp(prefix="planner-bench-backup-"))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
)
# As in production: with DEBUG on, Django would keep every query of the run in memory.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-protects-nothing")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from planner import rules, services  # noqa: E402
from planner.models import (  # noqa: E402
    Change,
    HeadcountSnapshot,
    Membership,
    PlannedHire,
    Segment,
    TeamMember,
    VerifiedEmail,
)
from planner.planning import current_quarter  # noqa: E402

QUARTERS, PEOPLE, HIRES, SEGMENTS, MEMBERS = 40, 300, 1000, 20, 25


def build(changes: int) -> str:
    call_command("migrate", verbosity=0)
    users = [
        get_user_model().objects.create_user(f"member{n}", f"member{n}@example.com")
        for n in range(MEMBERS)
    ]
    VerifiedEmail.objects.bulk_create(VerifiedEmail(user=u, email=u.email) for u in users)
    organization = services.organization_create(name="Benchmark Corp", owner=users[0])
    Membership.objects.bulk_create(
        Membership(organization=organization, user=user, role="editor") for user in users[1:]
    )
    first = current_quarter(organization) - QUARTERS // 2
    HeadcountSnapshot.objects.bulk_create(
        HeadcountSnapshot(
            organization=organization,
            quarter=first + n,
            sales=40 + n * 60,
            customer_success=10 + n * 20,
            other=5 + n * 10,
        )
        for n in range(QUARTERS)
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            organization=organization,
            role=rules.ROLES[n % len(rules.ROLES)],
            name=f"Person {n}",
            start_quarter=first + n % QUARTERS,
        )
        for n in range(PEOPLE)
    )
    PlannedHire.objects.bulk_create(
        PlannedHire(
            organization=organization,
            role=rules.ROLES[n % len(rules.ROLES)],
            target_quarter=first + n % QUARTERS,
            status=rules.HIRE_STATUSES[n % 3],
            annual_cost="95000.00" if n % 2 else None,
            notes=f"Requisition {n}: see the hiring plan.",
        )
        for n in range(HIRES)
    )
    Segment.objects.bulk_create(
        Segment(organization=organization, name=f"Segment {n}") for n in range(SEGMENTS)
    )
    batch = 5000
    for start in range(0, changes, batch):
        Change.objects.bulk_create(
            Change(
                organization=organization,
                actor=users[n % MEMBERS] if n % 7 else None,
                action="updated",
                entity="headcount",
                label=f"FY2027 Q{n % 4 + 1}",
                diff={"sales": [n, n + 1], "notes": [None, f"Edit {n} of the plan"]},
            )
            for n in range(start, min(start + batch, changes))
        )
    return organization.slug


def run(*args: str, stdout) -> tuple[float, float]:
    """Runs manage.py with ``args``; its wall time in seconds and peak memory in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode()
    if process.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{errors}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100_000)
    changes = parser.parse_args().changes
    start = time.perf_counter()
    slug = build(changes)
    print(
        f"{QUARTERS} quarters, {PEOPLE} team members, {HIRES} planned hires, {SEGMENTS} "
        f"segments, {MEMBERS} members, {changes:,} changes; database: {connection.vendor}; "
        f"built in {time.perf_counter() - start:.1f} s\n"
    )
    connection.close()  # the commands open their own connections

    exported, copied = workdir / "export.json", workdir / "copy.json"
    with exported.open("wb") as out:
        export_time, export_memory = run("export_org", slug, stdout=out)
    with (workdir / "import.log").open("wb") as out:
        import_time, import_memory = run("import_org", str(exported), "--slug", "copy", stdout=out)
    with copied.open("wb") as out:
        run("export_org", "copy", stdout=out)

    original, copy = (json.loads(path.read_text()) for path in (exported, copied))
    copy["organization"]["slug"] = original["organization"]["slug"]
    assert copy == original, "the imported organization exports differently"
    size = exported.stat().st_size / 1024 / 1024

    print("| command | seconds | peak memory MiB |")
    print("|---|---|---|")
    print(f"| export_org ({size:.1f} MiB file) | {export_time:.1f} | {export_memory:.0f} |")
    print(f"| import_org | {import_time:.1f} | {import_memory:.0f} |")
    print("\nExporting the imported copy gives the same document.")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(workdir)
