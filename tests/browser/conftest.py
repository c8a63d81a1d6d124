"""End-to-end tests: a real Chromium (Debian's /usr/bin/chromium, driven by Playwright for
Python) against the app served by pytest-django's ``live_server``.

Each step is screenshotted into ``.artifacts/browser/<test>/``; a failing test's folder is
kept (with a last screenshot of the page it failed on), a passing test's folder is removed
unless ``BROWSER_ARTIFACTS=keep``. The browser is shared by the session, every test gets a
fresh context (cookies, downloads) at 1366x768."""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN"]
TIMEOUT_MS = 15_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in a real browser (tests/browser)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for the browser tests (package scope: it closes once they are done).

    Playwright's sync API keeps an event loop running in this thread while the browser is
    open, which Django takes for async code and refuses ORM calls from (the tests' own data,
    the transactional flush); those calls are plain sync ones, hence the allowance for as
    long as the browser is open. The test database is set up before, for the same reason."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/browser.sh (installs Debian's chromium)")
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            # The code in here runs in another context, where Django's connections (a
            # context-local) are new ones: give them the test database's serialized rows,
            # which serialized_rollback restores (without them the flush would re-run
            # post_migrate and the next serialized test would find duplicate content types).
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            connections.close_all()  # this context's connections, before it goes away


class Steps:
    """The page of one test, plus helpers that screenshot every step and fail on any
    server error the browser saw."""

    def __init__(self, page, base_url, folder):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.count = 0
        self.server_errors = []
        page.on("response", self._check_response)

    def _check_response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def url(self, path):
        return self.base_url + path

    def goto(self, path):
        response = self.page.goto(self.url(path))
        self.page.wait_for_load_state("load")
        return response

    def shot(self, name):
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)
        assert not self.server_errors, self.server_errors

    def login(self, username, password=PASSWORD):
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="登录").click()
        self.shot(f"login-{username}")

    def submit(self, button_name, *, scope=None):
        """Click a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            (scope or self.page).get_by_role("button", name=button_name, exact=True).click()

    def buttons(self, pattern):
        """Visible links and buttons of the page's content (not the navigation bar) whose text
        matches ``pattern``."""
        found = []
        for element in self.page.locator("main").locator("a, button, input[type=submit]").all():
            if element.is_visible():
                text = (element.inner_text() or element.get_attribute("value") or "").strip()
                if re.search(pattern, text):
                    found.append(text)
        return found


@pytest.fixture
def steps(request, browser, live_server):
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    helper = Steps(page, live_server.url, folder)
    yield helper
    failed = getattr(request.node, "browser_failed", True)
    if failed:
        try:
            helper.count += 1
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=folder / f"{helper.count:02d}-failed.png", full_page=True)
        except Exception:  # noqa: BLE001 - the page may be gone; the earlier shots stay
            pass
    context.close()
    if not failed and os.environ.get("BROWSER_ARTIFACTS") != "keep":
        shutil.rmtree(folder, ignore_errors=True)
