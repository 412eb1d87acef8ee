"""Real-browser tests: Debian's chromium driven by Playwright against pytest-django's
`live_server` (which serves the static files too, so Bootstrap is really applied).

    @pytest.mark.browser
    def test_something(browser_session):
        page = browser_session.new_page()           # a fresh context: its own cookies
        browser_session.sign_in(page, "yancheng")   # through the real login form
        browser_session.shot(page, "home")          # test-artifacts/browser/<test>/01-home.png

The browser is never downloaded: `playwright install` does not work on our machines, so we
launch the system chromium. Without it the tests skip, unless KEYPROJECTS_REQUIRE_BROWSER=1
(CI) makes its absence a failure. Every page a test opens is watched: a response of 500 or
more, a missing static file or an uncaught JavaScript error fails the test at teardown.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_path():
    """KEYPROJECTS_CHROMIUM, else `chromium` on the PATH, else None."""
    configured = os.environ.get("KEYPROJECTS_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason):
    if os.environ.get("KEYPROJECTS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and KEYPROJECTS_REQUIRE_BROWSER=1 requires the browser tests to run")
    pytest.skip(f"{reason} (apt-get install chromium fonts-noto-cjk; CI sets KEYPROJECTS_REQUIRE_BROWSER=1)")


@pytest.fixture
def chromium(monkeypatch):
    """A chromium for one test (it starts in about half a second). Playwright gives each launch
    a fresh temporary profile (user-data dir), so nothing leaks in from the machine, an earlier
    run or an earlier test. Started per test rather than per session because Playwright's sync
    API keeps an asyncio loop on the main thread while it runs, and Django refuses ORM calls
    there; the test's own ORM calls are plain synchronous code (the live server has its own
    thread), so DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly as long as the loop lives."""
    path = chromium_path()
    if path is None:
        _unavailable("Debian's chromium is not installed")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    except Error as error:
        manager.stop()
        _unavailable(f"chromium at {path} did not start: {error.message.splitlines()[0]}")
    yield browser
    browser.close()
    manager.stop()


class BrowserSession:
    """Pages against the live server, sign-in through the form, named screenshots, and the
    problems seen on any page (checked when the test ends)."""

    def __init__(self, browser, live_server, request):
        self.browser = browser
        self.url = live_server.url
        self.contexts = []
        self.problems = []
        self.shots = 0
        name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
        self.directory = ARTIFACTS / name
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)

    def new_page(self, viewport=DESKTOP, locale="zh-CN"):
        """A page in its own browser context (own cookies: one signed-in user each). The
        Accept-Language is Chinese, as it is for the people this platform serves."""
        context = self.browser.new_context(
            base_url=self.url,
            viewport=viewport,
            locale=locale,
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            is_mobile=viewport["width"] < 600,
            has_touch=viewport["width"] < 600,
            device_scale_factor=1,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("response", self._check_response)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        return page

    def _check_response(self, response):
        path = response.url.removeprefix(self.url)
        if response.status >= 500:
            self.problems.append(f"{response.status} on {path}")
        elif response.status >= 400 and path.startswith("/" + settings.STATIC_URL.strip("/")):
            self.problems.append(f"static file missing ({response.status}): {path}")

    def sign_in(self, page, username, password):
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        if "/login/" in page.url:
            raise AssertionError(f"signing in as {username} failed: {page.locator('.alert').all_inner_texts()}")

    def shot(self, page, step, full_page=False):
        """Save a screenshot for a named step; returns its path (the README's tour uses some)."""
        self.shots += 1
        path = self.directory / f"{self.shots:02d}-{step}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    def close(self, failed=False):
        for number, context in enumerate(self.contexts, 1):
            if failed:  # what each page showed when the test failed
                for page in context.pages:
                    page.screenshot(path=self.directory / f"failed-page{number}.png", full_page=True)
            context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


@pytest.fixture
def browser_session(live_server, django_db_serialized_rollback, transactional_db, chromium, request):
    """See the module docstring. `django_db_serialized_rollback` brings back the rows the
    migrations wrote (the Luohe regions, the four offices) that a transactional test's flush
    removes, so each browser test starts from the same database as every other test."""
    session = BrowserSession(chromium, live_server, request)
    yield session
    session.close(failed=getattr(request.node, "browser_call_failed", False))
    assert not session.problems, "the browser saw problems:\n" + "\n".join(session.problems)
