"""The browser harness works: a real chromium reaches the live server and runs its pages."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.e2e


def test_healthz_in_the_browser(page, live_server, screenshot):
    response = page.goto(f"{live_server}/healthz")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    health = json.loads(page.locator("body").inner_text())
    assert health["status"] == "ok"
    assert health["database"] == {"ok": True, "backend": "sqlite"}
    assert health["queue"] == {"backend": "inline", "ok": True}
    screenshot(page, "healthz")


def test_swagger_ui_renders_the_api_document(page, live_server, screenshot):
    seen: list[str] = []
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}"))
    page.goto(f"{live_server}/docs")
    # Swagger UI is JavaScript: the title and the operations exist only once it ran
    # and fetched /openapi.json.
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "phananh API" in title.inner_text()
    assert page.locator(".opblock").count() > 10
    assert any(s.startswith("200 ") and s.endswith("/openapi.json") for s in seen), seen
    assert not [s for s in seen if not s.startswith(("200 ", "304 "))], seen
    screenshot(page, "docs")
