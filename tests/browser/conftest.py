"""Fixtures for the browser tests: Debian's chromium, driven by Playwright, against pytest-django's
live server (a thread serving the app over a transactional test database).

Every page a test opens is watched: a console error (CSP violations are logged as console
errors too), an uncaught exception, a 5xx response or a failed static file fails the test.
"""

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = Path("/usr/bin/chromium")
MISSING_BROWSER = (
    "Debian's chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)"
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Init scripts run through the DevTools protocol, outside the page's Content-Security-Policy.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  const where = `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`;
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked} at ${where}`);
});
"""


@dataclass
class PageIssues:
    """What went wrong in a page, as seen from the browser."""

    errors: list[str] = field(default_factory=list)
    static: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Accept console errors matching ``pattern`` from now on (an expected 422, say)."""
        self.allowed.append(re.compile(pattern))

    def disallow_all(self) -> None:
        self.allowed.clear()

    def console(self, message) -> None:
        if message.type != "error":
            return
        text, where = message.text, message.location.get("url", "")
        if where.endswith("/favicon.ico"):
            return  # chromium asks for one on its own; the pages name no icon
        if any(pattern.search(text) for pattern in self.allowed):
            return
        self.errors.append(f"console error: {text} ({where})")

    def page_error(self, error) -> None:
        self.errors.append(f"uncaught exception: {error}")

    def response(self, response) -> None:
        if response.status >= 500:
            self.errors.append(f"{response.status} from {response.request.method} {response.url}")
        if "/static/" in response.url:
            if response.status >= 400:
                self.errors.append(f"static file {response.url} answered {response.status}")
            else:
                self.static.append(response.url)

    def request_failed(self, request) -> None:
        if request.url.endswith("/favicon.svg") and request.failure == "net::ERR_ABORTED":
            return  # fetched after the page loaded, so leaving the page quickly cancels it
        if "/static/" in request.url:
            self.errors.append(f"static file {request.url} failed: {request.failure}")

    def check(self, step: str = "") -> None:
        if self.errors:
            found, self.errors = self.errors, []
            pytest.fail(f"{step or 'The page'} went wrong in the browser:\n" + "\n".join(found))


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One chromium for all the browser tests, stopped once the last of them has run.

    Package scope rather than session scope: while Playwright runs, its event loop counts as
    running in this thread, so the rest of the suite must not run beside it (see below).
    """
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(MISSING_BROWSER, pytrace=False)
        pytest.skip(MISSING_BROWSER)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this thread, and Django
    # refuses database access from a thread with a running event loop
    # (SynchronousOnlyOperation). The tests read and write the database between browser
    # steps from plain synchronous code (and pytest-django flushes it after each test), so
    # the check is a false alarm here; the app itself runs in the live server's own thread.
    # Set only while the browser runs: `manage.py check --deploy` rejects the variable, and
    # a test of the suite runs that check in a subprocess that inherits the environment.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ[ASYNC_UNSAFE]
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def context(browser) -> Iterator:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    yield context
    context.close()


@pytest.fixture
def issues() -> PageIssues:
    return PageIssues()


@pytest.fixture
def page(context, issues: PageIssues) -> Iterator:
    page = context.new_page()
    page.on("console", issues.console)
    page.on("pageerror", issues.page_error)
    page.on("response", issues.response)
    page.on("requestfailed", issues.request_failed)
    yield page
    # A last look for anything the test did not check itself.
    issues.check("After the test, the page")


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Screenshots go to a temporary directory (printed with -s), never into the repository."""
    directory = tmp_path_factory.mktemp("browser-screenshots")
    print(f"\nBrowser screenshots: {directory}")
    return directory


@pytest.fixture
def open_page(browser) -> "Iterator[Callable[..., tuple[Page, PageIssues]]]":
    """Opens a watched page in a browser context of its own: a second user beside ``page``, or
    a context with other options (``java_script_enabled=False``). Each is checked at the end.
    """
    opened: list[tuple[BrowserContext, PageIssues]] = []

    def open_page(**options) -> "tuple[Page, PageIssues]":
        settings = {"accept_downloads": True, "viewport": {"width": 1280, "height": 900}}
        context = browser.new_context(**{**settings, **options})
        context.set_default_timeout(10_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page, issues = context.new_page(), PageIssues()
        page.on("console", issues.console)
        page.on("pageerror", issues.page_error)
        page.on("response", issues.response)
        page.on("requestfailed", issues.request_failed)
        opened.append((context, issues))
        return page, issues

    yield open_page
    for context, _ in opened:
        context.close()
    found = [error for _, issues in opened for error in issues.errors]
    if found:
        pytest.fail("After the test, a page went wrong in the browser:\n" + "\n".join(found))
