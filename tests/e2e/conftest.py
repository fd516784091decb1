"""Browser tests: Playwright (Python) driving Debian's Chromium against ``live_server``.

Every page a test opens through ``page`` or ``new_page`` records the browser's console errors
and uncaught page errors (a Content-Security-Policy violation shows up as a console error
"Refused to …"); the test fails if there were any.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "artifacts/screenshots"))
VIEWPORT = {"width": 1280, "height": 900}
# Flags that keep Chromium off the (closed) network and working as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Console errors that are not the page's fault. Chromium asks for /favicon.ico on its own.
IGNORED_CONSOLE_ERRORS = ("/favicon.ico",)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls stay
    # synchronous, so Django's async-safety guard is lifted for browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def watch_errors(page: Any) -> list[str]:
    """Record the page's console errors and uncaught exceptions in ``page.browser_errors``."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        where = location.get("url", "")
        text = message.text
        if any(ignored in f"{where} {text}" for ignored in IGNORED_CONSOLE_ERRORS):
            return
        errors.append(f"console error on {page.url}: {text}" + (f" ({where})" if where else ""))

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error on {page.url}: {error}"))
    page.browser_errors = errors
    return errors


def assert_no_browser_errors(page: Any) -> None:
    errors = getattr(page, "browser_errors", [])
    if errors:
        report = "\n".join(errors)
        errors.clear()  # report once
        pytest.fail(f"The browser reported errors:\n{report}", pytrace=False)


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[[], Any]]:
    """Open more pages, each in its own context (its own cookies: another person)."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch_errors(page)
        pages.append(page)
        return page

    yield make
    try:
        for page in pages:
            assert_no_browser_errors(page)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page: Callable[[], Any], request: pytest.FixtureRequest) -> Iterator[Any]:
    page = new_page()
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-final.png"), full_page=True)


def shot(page: Any, name: str) -> None:
    """Save a named screenshot of the current page for the CI artifacts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
