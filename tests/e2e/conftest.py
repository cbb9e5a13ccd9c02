"""Browser tests: Playwright drives Debian's chromium against a live server.

The live server is always the embedded default, whatever the environment says:
its own SQLite file and inline jobs, built with the real migrations and the demo
seed, served by werkzeug on a free loopback port. So these tests run the same in
both CI passes.

No browser is ever downloaded: the Python ``playwright`` wheel brings only its
driver, and the tests launch the system's ``chromium`` (``apt-get install
chromium``). Without it they are skipped, unless ``PHANANH_REQUIRE_BROWSER=1``
(set by CI), which turns the skip into a failure.

Every test here is marked ``e2e`` (``pytest -m "not e2e"`` leaves them out).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event
from werkzeug.serving import WSGIRequestHandler, make_server

from backend.config import Settings
from backend.db import db
from tests.conftest import _sqlite_without_fsync

E2E = Path(__file__).parent
SCREENSHOTS = E2E / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
DEMO_REPORTS = 50


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets the page fixture know, at teardown, whether the test failed.
    report = yield
    item.stash.setdefault(_PHASES, {})[report.when] = report
    return report


_PHASES = pytest.StashKey[dict]()


def browser_required() -> bool:
    return os.environ.get("PHANANH_REQUIRE_BROWSER", "").strip() == "1"


def _unavailable(reason: str):
    if browser_required():
        pytest.fail(f"PHANANH_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return None


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # errors are still logged; one line per asset request is noise


@pytest.fixture(scope="package")
def live_server(tmp_path_factory) -> Iterator[str]:
    """The app with the demo (50 reports) on a free loopback port; yields its base URL."""
    from wsgi import create_app

    folder = tmp_path_factory.mktemp("live")
    settings = Settings.from_env(
        {
            # Only these: DATABASE_URL / REDIS_URL / MEDIA_ROOT of the CI pass are ignored.
            "APP_ENV": "development",
            "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
        }
    )
    app = create_app(
        settings,
        overrides={
            "MAP_TILE_URL": None,  # no tiles: no network
            # Every test signs in from 127.0.0.1, several a minute: the per-address limits
            # (tested in tests/backend/test_limits.py) would refuse the later ones.
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "argon2-fast",  # the browser never signs in
        },
    )
    with app.app_context():  # a throw-away database: no fsync at each of the seed's commits
        event.listen(db.engine, "connect", _sqlite_without_fsync)
    assert app.config["REDIS_URL"] is None and app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        "sqlite:///"
    )
    # The README's first command, without the serving: migrate, then seed the demo.
    with app.app_context():  # as the flask command pushes one
        prepared = app.test_cli_runner().invoke(args=["quickstart", "--no-serve"])
    assert prepared.exit_code == 0, prepared.output
    assert f"{DEMO_REPORTS} reports" in prepared.output

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="package")
def browser():
    """Headless Debian chromium, launched by Playwright's driver (no browser download).

    Package scope, not session: while the sync API is open its event loop counts as
    running in this thread, and later tests calling ``asyncio.run`` (firebase-admin
    closing its HTTP client) would fail.
    """
    executable = chromium_path()
    if executable is None:
        _unavailable("chromium is not installed (apt-get install --no-install-recommends chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")

    args = ["--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # chromium refuses to run as root with its sandbox
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser, request):
    """``new_page(viewport=..., is_mobile=...)``: a fresh page with its own context (no
    cookies or storage from other tests), Vietnamese locale, 1280x800 unless asked.

    The test fails if a page throws an uncaught JavaScript error or tries to reach
    anything off the loopback (the portal must work with no CDN and no network);
    such requests are aborted. A failing test leaves ``FAILED-<test>.png`` behind.
    """
    opened: list = []
    offsite: list[str] = []
    errors: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    def make(**options):
        options = {
            "locale": "vi-VN",
            "timezone_id": "Asia/Ho_Chi_Minh",
            "viewport": {"width": 1280, "height": 800},
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        opened.append((context, page))
        return page

    yield make

    phases = request.node.stash.get(_PHASES, {})
    for context, page in opened:
        if "call" in phases and phases["call"].failed:
            save_screenshot(page, f"FAILED-{request.node.name}")
        context.close()
    problems = [f"uncaught JavaScript error: {e}" for e in errors]
    problems += [f"request off the loopback (aborted): {url}" for url in offsite]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    """A desktop page (see ``new_page``)."""
    return new_page()


#: Where the README's pictures live (committed): refreshed by a run with
#: ``PHANANH_DOC_SCREENSHOTS=1`` for the screenshots a test marks ``doc=True``.
DOCS = E2E.parent.parent / "docs" / "screenshots"


def save_screenshot(page, name: str, *, doc: bool = False) -> Path:
    """Save a full-page PNG as tests/e2e/screenshots/<name>.png (CI keeps the folder); with
    ``doc=True`` and ``PHANANH_DOC_SCREENSHOTS=1``, also as docs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    if doc and os.environ.get("PHANANH_DOC_SCREENSHOTS", "").strip() == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)
    return path


@pytest.fixture
def screenshot() -> Callable:
    """``screenshot(page, "board-filtered")`` -> tests/e2e/screenshots/board-filtered.png
    (``doc=True``: a picture of the README, see :func:`save_screenshot`)."""
    return save_screenshot
