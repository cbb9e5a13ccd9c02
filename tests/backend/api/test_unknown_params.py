"""Unknown query parameters are refused on every JSON API route that takes query arguments.

``?staus=new`` (a typo) or ``?sort=due_at`` (where there is no order to choose) used to be
ignored: the client got the unfiltered list and took it for the answer. The walk below
reads the routes and their documented query parameters from the OpenAPI document, so a
route or a parameter added later is covered (and accepted) without touching this file.
The portal's pages (HTML) keep ignoring unknown parameters: links and browsers add
tracking parameters.
"""

from __future__ import annotations

import pytest

from tests.conftest import NINH_KIEU

pytestmark = pytest.mark.postgres  # the same on SQLite and PostgreSQL

#: A valid value for a documented parameter, by name; others come from their JSON schema.
VALUES = {
    "category": "giao-thong",
    "department": "so-xd",
    "admin_unit": "92",
    "status": "new",
    "bbox": "105.7,9.9,105.9,10.1",
    "q": "duong",
    "from": "2025-01-01",
    "to": "2025-12-31",
    "lat": str(NINH_KIEU[0]),
    "lng": str(NINH_KIEU[1]),
    "year": "2026",
    "page": "1",
    "page_size": "5",
}
#: Path parameters of routes with query arguments.
PATH_VALUES = {"code": "so-xd", "notification_id": "999999", "day": "2026-12-31"}
#: Valid bodies of the write routes with query arguments (an empty body is refused first).
BODIES = {
    "/staff/v1/admin/sla-policies": {
        "severity": "normal",
        "accept_hours": 8,
        "handle_days": 5,
        "publish_days": 1,
    },
    "/staff/v1/admin/calendar/exceptions/{day}": {"kind": "day_off", "note": "Thử"},
}
#: Names a client could plausibly send where they mean nothing.
STRAYS = ("staus", "sort", "order", "limit", "utm_source")
PREFIXES = ("/public/v1", "/staff/v1", "/mobile/v1", "/moderation/v1")


def _value(name: str, schema: dict) -> str | None:
    if name in VALUES:
        return VALUES[name]
    schema = schema.get("items", schema) if schema.get("type") == "array" else schema
    if schema.get("enum"):
        return str(schema["enum"][0])
    kind = schema.get("type")
    if kind == "boolean":
        return "true"
    if kind in ("integer", "number"):
        return str(schema.get("minimum", 1))
    if schema.get("format") == "date":
        return "2025-06-01"
    return None  # a free string whose valid values this test cannot know


def _routes(client) -> list[dict]:
    spec = client.get("/openapi.json").get_json()
    routes = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            params = [*item.get("parameters", []), *operation.get("parameters", [])]
            query = {p["name"]: p.get("schema", {}) for p in params if p.get("in") == "query"}
            if not query:
                continue
            url = path
            for name, value in PATH_VALUES.items():
                url = url.replace("{" + name + "}", value)
            assert "{" not in url, f"no value for a path parameter of {path}"
            schemes = {name for s in operation.get("security") or [] for name in s}
            routes.append(
                {"method": method, "url": url, "path": path, "query": query, "auth": schemes}
            )
    return routes


@pytest.fixture
def headers(resident, staff):
    tokens = {"residentToken": resident(), "staffToken": staff("admin")}
    moderator = staff("moderator")

    def for_route(route: dict) -> dict:
        if route["url"].startswith("/moderation/"):
            return moderator
        return next((tokens[s] for s in route["auth"] if s in tokens), {})

    return for_route


def _call(client, route: dict, headers: dict, params: dict):
    call = getattr(client, route["method"])
    kwargs = {"json": BODIES.get(route["path"], {})} if route["method"] != "get" else {}
    return call(route["url"], query_string=params, headers=headers, **kwargs)


def test_every_api_route_refuses_an_unknown_query_parameter(client, headers):
    routes = _routes(client)
    assert {p for p in PREFIXES if any(r["url"].startswith(p) for r in routes)} == set(PREFIXES)
    assert len([r for r in routes if r["method"] == "get"]) >= 10
    for route in routes:
        documented = {
            name: value
            for name, schema in route["query"].items()
            if (value := _value(name, schema)) is not None
        }
        auth = headers(route)
        where = f"{route['method'].upper()} {route['url']}"
        # The documented parameters, all at once, are accepted.
        accepted = _call(client, route, auth, documented)
        if route["method"] == "get":
            assert accepted.status_code == 200, (where, documented, accepted.get_json())
        else:
            assert accepted.status_code != 422, (where, accepted.get_json())
        # Each documented parameter alone is never refused as unknown (free strings too).
        for name in route["query"]:
            alone = _call(client, route, auth, {**documented, name: documented.get(name, "x")})
            assert "Unknown field." not in str(alone.get_json()), (where, name)
        for stray in (s for s in STRAYS if s not in route["query"]):
            refused = _call(client, route, auth, {**documented, stray: "due_at"})
            assert refused.status_code == 422, (where, stray, refused.get_json())
            error = refused.get_json()["error"]
            assert error["code"] == "validation_error"
            assert error["message"]["vi"] and error["message"]["en"]
            assert error["fields"] == {stray: ["Unknown field."]}, (where, stray)


def test_the_issue_examples(client, staff):
    coordinator = staff("coordinator")
    response = client.get("/public/v1/reports?staus=new")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"staus": ["Unknown field."]}
    response = client.get("/staff/v1/reports?staus=new&status=new", headers=coordinator)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["staus"]
    # Several unknown parameters: all named at once.
    response = client.get("/public/v1/reports?staus=new&ordr=x&page=1")
    assert set(response.get_json()["error"]["fields"]) == {"staus", "ordr"}


def test_empty_parameters_still_count_as_absent(client, staff):
    assert client.get("/public/v1/reports?status=&q=&page=").status_code == 200
    # A blank unknown parameter asks nothing either: absent, not refused.
    assert client.get("/public/v1/reports?staus=").status_code == 200
    assert client.get("/public/v1/stats?from=&group=").status_code == 200
    coordinator = staff("coordinator")
    assert client.get("/staff/v1/reports?category=&staus=", headers=coordinator).status_code == 200


def test_the_portal_pages_keep_ignoring_unknown_parameters(client, city):
    assert client.get("/?utm_source=zalo&fbclid=x").status_code == 200
    assert client.get("/open-data?utm_source=zalo").status_code == 200
    response = client.get("/open-data/reports.geojson?limit=5&utm_source=zalo")
    assert response.status_code == 200 and response.get_json()["type"] == "FeatureCollection"
