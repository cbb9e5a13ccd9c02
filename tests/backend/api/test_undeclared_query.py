"""A query parameter no route declares is refused on EVERY JSON API route, not only on
those that take query arguments: ``GET /staff/v1/me?zzz=1`` or
``POST /staff/v1/auth/login?zzz=1`` answered as if it had not been sent.

The walk reads every rule of the URL map under the API prefixes, every method, so a route
added later is covered without touching this file. The portal (HTML), the open-data
exports, /docs, /openapi.json, /healthz and /media keep ignoring unknown parameters.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.postgres  # the same on SQLite and PostgreSQL

PREFIXES = ("/public/v1", "/staff/v1", "/mobile/v1", "/moderation/v1")
SKIP_METHODS = {"HEAD", "OPTIONS"}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
UNKNOWN = "zzz_unknown"


@pytest.fixture
def world(resident, staff, submit):
    code = submit().get_json()["code"]
    return {
        "code": code,
        "/mobile/": resident(),
        "/staff/": staff("admin"),
        "/moderation/": staff("moderator"),
        "/public/": {},
    }


def _api_routes(app) -> list[tuple[str, str]]:
    return [
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIXES)
        for method in sorted(rule.methods - SKIP_METHODS)
    ]


def _url(rule: str, code: str) -> str:
    return _ARGUMENT.sub(lambda m: "1" if m.group(1) == "int" else code, rule)


def _call(client, world, rule: str, method: str, query: str):
    headers = next(h for prefix, h in world.items() if rule.startswith(prefix))
    return client.open(
        f"{_url(rule, world['code'])}?{query}", method=method, json={}, headers=headers
    )


def _assert_unknown(response, where, *names: str, exactly: bool = True) -> None:
    assert response.status_code == 422, (where, response.get_data(as_text=True)[:300])
    error = response.get_json()["error"]
    assert error["code"] == "validation_error", where
    assert error["status"] == 422
    assert error["message"]["vi"] and error["message"]["en"]
    unknown = {name: ["Unknown field."] for name in names}
    if exactly:
        assert error["fields"] == unknown, (where, error)
    else:  # the parser also names the required parameters that are missing
        assert unknown.items() <= error["fields"].items(), (where, error)


def _with_query(client) -> set[tuple[str, str]]:
    """(rule with <name> variables, METHOD) whose OpenAPI operation declares query args."""
    spec = client.get("/openapi.json").get_json()
    return {
        (re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        and any(p.get("in") == "query" for p in operation.get("parameters", []))
    }


def test_every_api_route_and_method_refuses_an_undeclared_parameter(app, client, world):
    routes = _api_routes(app)
    assert {p for p in PREFIXES if any(r.startswith(p) for r, _ in routes)} == set(PREFIXES)
    assert {m for _, m in routes} >= {"GET", "POST", "DELETE"}
    with_query = _with_query(client)
    without = [(r, m) for r, m in routes if (_ARGUMENT.sub(r"<\2>", r), m) not in with_query]
    assert len(without) >= 40 and len(routes) - len(without) >= 10
    for rule, method in routes:
        response = _call(client, world, rule, method, f"{UNKNOWN}=1")
        _assert_unknown(response, (method, rule), UNKNOWN, exactly=(rule, method) in without)


def test_the_reported_routes(client, world):
    code = world["code"]
    for path, headers in (
        (f"/public/v1/reports/{code}", {}),
        ("/mobile/v1/categories", world["/mobile/"]),
        ("/mobile/v1/inbox/unread-count", world["/mobile/"]),
        (f"/staff/v1/reports/{code}", world["/staff/"]),
        (f"/staff/v1/reports/{code}/extensions", world["/staff/"]),
        ("/staff/v1/me", world["/staff/"]),
        ("/staff/v1/departments", world["/staff/"]),
        ("/staff/v1/admin/sla-policies", world["/staff/"]),
    ):
        assert client.get(path, headers=headers).status_code == 200, path
        _assert_unknown(client.get(f"{path}?{UNKNOWN}=1", headers=headers), path, UNKNOWN)
        # Several at once, all named; a blank one asks nothing and is not named.
        response = client.get(f"{path}?b=1&a=2&blank=&spaces=%20", headers=headers)
        _assert_unknown(response, path, "a", "b")
        assert client.get(f"{path}?blank=&other=", headers=headers).status_code == 200, path
    response = client.post(
        "/staff/v1/auth/login?zzz=1", json={"username": "admin", "password": "demo"}
    )
    _assert_unknown(response, "login", "zzz")
    response = client.post(
        f"/staff/v1/reports/{code}/updates?zzz=1",
        json={"note": "Đã tiếp nhận"},
        headers=world["/staff/"],
    )
    _assert_unknown(response, "updates", "zzz")
    # Nothing was written by the refused update.
    timeline = client.get(f"/staff/v1/reports/{code}", headers=world["/staff/"]).get_json()
    assert "Đã tiếp nhận" not in str(timeline)


def test_declared_parameters_are_still_read(client, world):
    response = client.get("/mobile/v1/inbox?locale=en&page=1", headers=world["/mobile/"])
    assert response.status_code == 200
    assert client.get("/public/v1/reports?status=new&page=1").status_code == 200
    _assert_unknown(client.get("/public/v1/reports?status=new&zzz=1"), "list", "zzz")


def test_the_other_routes_keep_ignoring_unknown_parameters(client, world):
    code = world["code"]
    for path in (
        "/?utm_source=zalo",
        f"/r/{code}?utm_source=zalo",
        "/open-data?utm_source=zalo",
        "/open-data/reports.csv?utm_source=zalo",
        "/openapi.json?utm_source=zalo",
        "/healthz?utm_source=zalo",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/docs?utm_source=zalo").status_code != 422
