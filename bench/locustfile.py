"""Load test: owners of several organizations reading and editing their plans at once.

Run it through bench/load_test.py, which builds the database, seeds the scale data and
starts gunicorn first; or against a server already seeded with ``seed_scale --tenants N``:

    BENCH_PASSWORD=... .venv/bin/locust -f bench/locustfile.py --headless \\
        --users 50 --spawn-rate 25 --run-time 60s --host http://127.0.0.1:8000

A third of the planners work in the large organization, each on a quarter of their
own; the others each own one of the small organizations. Every headcount edit is a real
change (the sales number alternates) posted with the version the last answer gave, as
the page would, so a refused edit (409) counts as a failure. Two
anonymous visitors load the login page throughout: the floor under the same load.
"""

import itertools
import os
import re

from locust import FastHttpUser, between, task

SLUG = os.environ.get("BENCH_SLUG", "scale")
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
TENANTS = int(os.environ.get("BENCH_TENANTS", "500"))

ROW = re.compile(r'id="snapshot-(\d+)-(sales|customer_success|other|version)"\s+value="(\d+)"')
_seats = itertools.count()


class Planner(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        seat = next(_seats)
        if seat % 3 == 0 or not TENANTS:
            self.slug, self.quarter_index = SLUG, seat // 3
        else:
            self.slug, self.quarter_index = f"{SLUG}-tenant-{seat % TENANTS + 1:04d}", 0
        self.log_in(f"{self.slug}-owner")
        self.row = None

    def log_in(self, username: str) -> None:
        self.client.get("/accounts/login/", name="log in")
        token = self.csrf_token()
        with self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="log in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"could not log in as {username}: {response.status_code}")

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response.text or ""

    @task(3)
    def gap(self):
        self.page(f"/o/{self.slug}/", "gap view")

    @task(2)
    def headcount(self):
        html = self.page(f"/o/{self.slug}/headcount/", "headcount grid")
        rows: dict[str, dict[str, int]] = {}
        for pk, field, value in ROW.findall(html):
            rows.setdefault(pk, {})[field] = int(value)
        if rows:
            pk = sorted(rows, key=int)[self.quarter_index % len(rows)]
            self.row = {"pk": pk, **rows[pk]}

    @task(3)
    def edit_headcount(self):
        if self.row is None:
            self.headcount()
            if self.row is None:
                return
        row = self.row
        row["sales"] += 1 if row["version"] % 2 else -1
        with self.client.post(
            f"/o/{self.slug}/headcount/{row['pk']}/",
            data={field: row[field] for field in ("sales", "customer_success", "other", "version")},
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf_token()},
            name="htmx cell save",
            catch_response=True,
        ) as response:
            answer = response.text or ""
            found = re.search(rf'id="snapshot-{row["pk"]}-version" value="(\d+)"', answer)
            if found:
                row["version"] = int(found.group(1))
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(2)
    def roadmap(self):
        self.page(f"/o/{self.slug}/roadmap/", "roadmap")

    @task(1)
    def roadmap_csv(self):
        self.page(f"/o/{self.slug}/roadmap.csv", "roadmap CSV")

    @task(1)
    def team(self):
        self.page(f"/o/{self.slug}/team/", "team & hires")


class Visitor(FastHttpUser):
    """The login page, the lightest page there is, under the planners' load."""

    fixed_count = 2
    wait_time = between(0.5, 1.5)

    @task
    def login_page(self):
        self.client.cookiejar.clear()
        with self.client.get(
            "/accounts/login/", name="login page (floor)", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
