"""Attacks on the surfaces of issue 13 through the staff API: the operations view, the
operator intake, the administration of units, boundaries, routing rules and categories.

Every refusal is the error envelope, never a 500; non-administrators change nothing;
the caller's phone and the operator never reach the public, the open data or the unit.
"""

from __future__ import annotations

import io
import json
import time

import pytest
from sqlalchemy import func, select

from backend.db import db, utcnow
from backend.models import AdminUnit, Department, Report, Resident
from tests.conftest import NINH_KIEU

ROLES = ("operator", "moderator", "so-xd.head", "so-xd.officer", "coordinator", "admin")
NON_ADMINS = ROLES[:-1]


def _envelope(response) -> dict:
    assert response.status_code != 500, response.get_data(as_text=True)[:800]
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)[:300]
    error = body["error"]
    assert error["status"] == response.status_code
    assert error["code"] and error["message"]["vi"] and error["message"]["en"]
    assert "fields" in error
    return error


def _form(**fields) -> dict:
    form = {
        "channel": "hotline",
        "category": "cap-nuoc",
        "description": "Mất nước sinh hoạt từ sáng ở hẻm 12 Hai Bà Trưng",
        "lat": str(NINH_KIEU[0]),
        "lng": str(NINH_KIEU[1]),
    }
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


def _intake(client, headers, form, key=None):
    if key:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(
        "/staff/v1/reports", data=form, headers=headers, content_type="multipart/form-data"
    )


# ---- every role against every new route ------------------------------------------------------

READS = [
    "/staff/v1/operations",
    "/staff/v1/operations/map",
    "/staff/v1/operations/trends",
    "/staff/v1/admin/units",
    "/staff/v1/admin/routing-rules",
    "/staff/v1/admin/categories",
    "/staff/v1/admin/sla-policies",
    "/staff/v1/admin/calendar",
]
WRITES = [
    ("post", "/staff/v1/admin/units", {"code": "x-unit", "name": "X", "kind": "utility"}),
    ("patch", "/staff/v1/admin/units/so-xd", {"name": "Renamed"}),
    ("patch", "/staff/v1/admin/units/ioc", {"active": False}),
    ("post", "/staff/v1/admin/routing-rules", {"category": "xay-dung", "unit": "so-xd"}),
    ("patch", "/staff/v1/admin/categories/giao-thong", {"photo_required": False}),
    ("put", "/staff/v1/admin/calendar/exceptions/2030-01-02", {"working": False}),
    ("delete", "/staff/v1/admin/calendar/exceptions/2030-01-02", None),
]


@pytest.mark.parametrize("username", ROLES)
def test_every_read_answers_200_or_the_envelope(client, staff, username):
    headers = staff(username)
    for path in READS:
        answer = client.get(path, headers=headers)
        if answer.status_code != 200:
            _envelope(answer)
            assert answer.status_code in (403, 404), (username, path, answer.status_code)
    if username not in ("coordinator", "admin"):
        for path in READS[:3]:
            assert client.get(path, headers=headers).status_code == 403, (username, path)


@pytest.mark.parametrize("username", NON_ADMINS)
def test_no_one_but_an_admin_changes_the_administration(client, staff, username):
    headers = staff(username)
    for method, path, body in WRITES:
        answer = getattr(client, method)(path, json=body, headers=headers)
        error = _envelope(answer)
        assert answer.status_code == 403, (username, method, path, error)
    assert db.session.scalar(select(Department.name).where(Department.code == "so-xd")) != (
        "Renamed"
    )


@pytest.mark.parametrize("username", ROLES)
def test_the_routing_tester_for_every_role_never_500(client, staff, username):
    body = {"lat": NINH_KIEU[0], "lng": NINH_KIEU[1], "category": "giao-thong"}
    answer = client.post("/staff/v1/routing/test", json=body, headers=staff(username))
    if answer.status_code != 200:
        _envelope(answer)


# ---- the operations view: zoom, long periods -------------------------------------------------


@pytest.mark.parametrize("zoom", ["-1", "31", "NaN", "1e400", "99999999999999999999", "1.5", " "])
def test_map_zoom_values(client, staff, zoom):
    answer = client.get(f"/staff/v1/operations/map?zoom={zoom}", headers=staff("admin"))
    if answer.status_code != 200:
        assert answer.status_code == 422, answer.status_code
        _envelope(answer)


@pytest.mark.parametrize("zoom", ["0", "30"])
def test_map_extreme_zooms_answer(client, staff, submit, zoom):
    submit()
    answer = client.get(f"/staff/v1/operations/map?zoom={zoom}", headers=staff("coordinator"))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]


@pytest.mark.parametrize("path", ["/staff/v1/operations", "/staff/v1/operations/trends"])
def test_a_century_is_refused_and_the_longest_period_is_quick(client, staff, submit, path):
    submit()
    admin = staff("admin")
    century = client.get(f"{path}?from=2000-01-01&to=2100-12-31", headers=admin)
    assert century.status_code == 422 and _envelope(century)["code"] == "period_too_long"
    started = time.monotonic()
    answer = client.get(f"{path}?from=2023-12-02&to=2026-12-01", headers=admin)
    took = time.monotonic() - started
    print(f"{path} 3 years: {answer.status_code} in {took:.2f}s")
    assert answer.status_code == 200, answer.get_json()
    assert took < 5, f"{path}: {took:.1f}s"


@pytest.mark.parametrize(
    "query", ["from=0001-01-01&to=9999-12-31", "from=2026-13-01", "from=2026-02-30", "to=x"]
)
def test_absurd_periods_are_422(client, staff, query):
    for path in ("/staff/v1/operations", "/staff/v1/operations/trends"):
        answer = client.get(f"{path}?{query}", headers=staff("admin"))
        if answer.status_code != 200:
            _envelope(answer)


# ---- the routing tester: numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"lat": NaN, "lng": 105.7, "category": "giao-thong"}',
        '{"lat": Infinity, "lng": 105.7, "category": "giao-thong"}',
        '{"lat": 10.03, "lng": -Infinity, "category": "giao-thong"}',
        '{"lat": 1e400, "lng": 105.7, "category": "giao-thong"}',
        '{"lat": "nan", "lng": 105.7, "category": "giao-thong"}',
        '{"lat": "inf", "lng": 105.7, "category": "giao-thong"}',
        '{"lat": 10.03, "lng": 181, "category": "giao-thong"}',
        '{"lat": 10.03, "lng": 105.7, "category": "giao\\u0000thong"}',
        '{"lat": true, "lng": 105.7, "category": "giao-thong"}',
        '{"lat": [10], "lng": 105.7, "category": "giao-thong"}',
    ],
)
def test_the_tester_refuses_bad_numbers_in_the_envelope(client, staff, raw):
    answer = client.post(
        "/staff/v1/routing/test",
        data=raw,
        headers={**staff("admin"), "Content-Type": "application/json"},
    )
    assert answer.status_code in (400, 422), (raw, answer.status_code)
    _envelope(answer)


def test_deeply_nested_json_to_the_admin_routes(client, staff):
    deep = "[" * 50_000 + "]" * 50_000
    for path in (
        "/staff/v1/routing/test",
        "/staff/v1/admin/routing-rules",
        "/staff/v1/admin/units",
    ):
        answer = client.post(
            path, data=deep, headers={**staff("admin"), "Content-Type": "application/json"}
        )
        assert answer.status_code in (400, 413, 422), (path, answer.status_code)
        _envelope(answer)


# ---- operator intake: numbers, text, identity --------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": "nan"},
        {"lat": "NaN", "lng": "NaN"},
        {"lat": "inf"},
        {"lng": "-inf"},
        {"lat": "1e400"},
        {"lat": "91"},
        {"lng": "180.0001"},
        {"lat": "10,03"},
        {"lat": "0x10"},
    ],
)
def test_intake_refuses_bad_coordinates(client, staff, changes):
    answer = _intake(client, staff("operator"), _form(**changes))
    assert answer.status_code == 422, (changes, answer.status_code)
    _envelope(answer)
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Lan\x00"},
        {"description": "Mất nước\x00 từ sáng ở hẻm 12"},
        {"address": "12\x00 Hai Bà Trưng"},
        {"phone": "0912\x00345678"},
        {"ward": "92-cai-khe\x00", "lat": None, "lng": None},
        {"channel": "hotline\x00"},
        {"category": "cap-nuoc\x00"},
        {"name": "L" * 100_000},
        {"address": "A" * 100_000},
        {"description": "D" * 1_000_000},
        {"ward": "w" * 10_000, "lat": None, "lng": None},
        {"phone": "9" * 10_000},
    ],
)
def test_intake_refuses_bad_text_in_the_envelope(client, staff, changes):
    answer = _intake(client, staff("operator"), _form(**changes))
    assert answer.status_code in (413, 422), (list(changes), answer.status_code)
    _envelope(answer)


def test_an_idempotent_retry_gets_the_same_report_even_after_a_refusal(client, staff):
    operator = staff("operator")
    refused = _intake(client, operator, _form(lat="nan"), key="call-77")
    assert refused.status_code == 422
    first = _intake(client, operator, _form(), key="call-77")
    assert first.status_code == 201, first.get_json()
    again = _intake(client, operator, _form(), key="call-77")
    assert again.status_code == 201 and again.get_json()["code"] == first.get_json()["code"]
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_a_bad_idempotency_key_is_the_envelope(client, staff):
    for key in ("x" * 10_000, "\x7f", "é"):
        headers = {**staff("operator"), "Idempotency-Key": key}
        try:
            answer = client.post(
                "/staff/v1/reports",
                data=_form(),
                headers=headers,
                content_type="multipart/form-data",
            )
        except UnicodeEncodeError:
            continue  # the test client cannot send it; a real server refuses it earlier
        if answer.status_code != 201:
            _envelope(answer)


def _filed_with_caller(client, staff, run_jobs, phone="0912 345 678", name="Chị Hồng Nhung"):
    answer = _intake(client, staff("operator"), _form(phone=phone, name=name))
    assert answer.status_code == 201, answer.get_json()
    run_jobs()
    return answer.get_json()["code"]


def test_the_caller_and_the_operator_never_reach_the_public_or_the_open_data(
    client, staff, run_jobs
):
    code = _filed_with_caller(client, staff, run_jobs)
    secrets = ("912345678", "0912", "Hồng Nhung", "operator", "entered_by")
    pages = [
        f"/public/v1/reports/{code}",
        "/public/v1/reports",
        f"/r/{code}",
        "/open-data/reports.csv",
        "/open-data/reports.geojson",
    ]
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        text = answer.get_data(as_text=True)
        for secret in secrets:
            assert secret not in text, (path, secret)


@pytest.mark.parametrize("username", ["cap-thoat-nuoc.head", "cap-thoat-nuoc.officer"])
def test_the_handling_unit_never_reads_the_caller_or_the_operator(
    client, staff, run_jobs, username
):
    code = _filed_with_caller(client, staff, run_jobs)
    headers = staff(username)
    for path in (f"/staff/v1/reports/{code}", "/staff/v1/reports"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.status_code)
        text = answer.get_data(as_text=True)
        for secret in ("912345678", "Hồng Nhung", '"operator"', "entered_by"):
            assert secret not in text, (username, path, secret)


@pytest.mark.xfail(
    strict=True,
    reason="operator_intake.app_user filters deleted_at but not locked_at: a resident "
    "locked by moderation gets new reports filed under the locked account by phone",
)
def test_a_locked_residents_phone_is_not_linked_to_the_locked_account(client, staff, resident):
    resident("+84912345678")
    account = db.session.scalar(select(Resident).where(Resident.phone == "+84912345678"))
    account.locked_at = utcnow()
    db.session.commit()
    answer = _intake(client, staff("operator"), _form(phone="0912345678"))
    assert answer.status_code in (201, 422), answer.get_data(as_text=True)[:300]
    if answer.status_code == 201:
        report = db.session.scalar(select(Report).where(Report.code == answer.get_json()["code"]))
        assert report.reporter_id != account.id


def test_a_deleted_residents_phone_is_never_linked_again(client, staff, resident):
    resident("+84912345678")
    account = db.session.scalar(select(Resident).where(Resident.phone == "+84912345678"))
    account.deleted_at, account.phone = utcnow(), None
    account.firebase_uid = f"deleted:{account.id}:x"
    db.session.commit()
    answer = _intake(client, staff("operator"), _form(phone="0912345678"))
    assert answer.status_code == 201, answer.get_json()
    report = db.session.scalar(select(Report).where(Report.code == answer.get_json()["code"]))
    assert report.reporter_id != account.id


# ---- units -----------------------------------------------------------------------------------


def test_the_last_coordinator_unit_cannot_stop_being_one(client, staff):
    answer = client.patch(
        "/staff/v1/admin/units/ioc", json={"kind": "utility"}, headers=staff("admin")
    )
    assert answer.status_code == 409, answer.get_json()


def test_the_last_coordinator_unit_cannot_be_deactivated_even_with_a_kind_change(client, staff):
    admin = staff("admin")
    for body in ({"active": False}, {"active": False, "kind": "utility"}):
        answer = client.patch("/staff/v1/admin/units/ioc", json=body, headers=admin)
        assert answer.status_code == 409, (body, answer.get_json())
        _envelope(answer)
    assert db.session.scalar(select(Department.active).where(Department.code == "ioc"))


@pytest.mark.parametrize(
    "body",
    [
        {"code": "ok-unit", "name": "N\x00ame", "kind": "utility"},
        {"code": "ok-unit", "name": "N" * 301, "kind": "utility"},
        {"code": "ok-unit", "name": "   ", "kind": "utility"},
        {"code": "ok-unit", "name": "\u200b\u00a0", "kind": "utility"},
        {"code": "ok-unit", "name": "X", "kind": "utility", "areas": ["92"] * 10_000},
        {"code": "ok-unit", "name": "X", "kind": "utility", "supervisor": "ok-unit"},
        {"code": "ok-unit", "name": "X", "kind": "utility", "areas": ["\x00"]},
    ],
)
def test_bad_units_are_refused_in_the_envelope(client, staff, body):
    answer = client.post("/staff/v1/admin/units", json=body, headers=staff("admin"))
    assert answer.status_code in (409, 413, 422), (list(body), answer.status_code)
    _envelope(answer)


def test_a_rule_to_an_inactive_unit_is_refused(client, staff):
    admin = staff("admin")
    made = client.post(
        "/staff/v1/admin/units",
        json={"code": "gone", "name": "Gone", "kind": "utility"},
        headers=admin,
    )
    assert made.status_code == 201
    assert (
        client.patch(
            "/staff/v1/admin/units/gone", json={"active": False}, headers=admin
        ).status_code
        == 200
    )
    rule = client.post(
        "/staff/v1/admin/routing-rules",
        json={"category": "xay-dung", "unit": "gone"},
        headers=admin,
    )
    assert rule.status_code == 422, rule.get_json()
    _envelope(rule)


# ---- boundaries ------------------------------------------------------------------------------


def _square(lng: float, lat: float, size: float = 0.001, points: int = 4) -> list:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size]]
    if points > 4:
        step = size / points
        ring = [[lng + i * step, lat] for i in range(points)] + ring[1:]
    return [[*ring, [lng, lat]]]


def _feature(code: str, coordinates, name: str = "Phường Thử") -> dict:
    return {
        "type": "Feature",
        "properties": {"ma_xa": code, "ten_xa": name, "loai": "ward"},
        "geometry": {"type": "Polygon", "coordinates": coordinates},
    }


def _upload(client, headers, data: bytes):
    return client.post(
        "/staff/v1/admin/boundaries",
        data={"province": "92", "file": (io.BytesIO(data), "f.geojson")},
        headers=headers,
        content_type="multipart/form-data",
    )


def _collection(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


_ACCEPTED = ()  # fixed: a bad code or name is a problem of the file (422)
HOSTILE = {
    "deep-array": b"[" * 100_000 + b"]" * 100_000,
    "deep-features": b'{"type": "FeatureCollection", "features": '
    + b"[" * 50_000
    + b"]" * 50_000
    + b"}",
    "binary": b"\x00\x01\x02",
    "utf16-bom": b"\xff\xfe{}",
    "empty": b"",
    "features-object": b'{"type": "FeatureCollection", "features": {}}',
    "features-junk": b'{"type": "FeatureCollection", "features": [null, 1, "x", []]}',
    "nan-coordinates": _collection([_feature("31999", [[[float("nan"), 10.0]] * 4])]),
    "string-coordinates": _collection([_feature("31999", [[["105.7", "10.0"]] * 4])]),
    "five-d-coordinates": _collection([_feature("31999", [[[105.7, 10.0, 1, 2, 3]] * 4])]),
}
HOSTILE_ACCEPTED = {
    "nul-in-code": _collection([_feature("x\x00y", _square(105.77, 10.03))]),
    "nul-in-name": _collection([_feature("31999", _square(105.77, 10.03), name="N\x00")]),
    "100k-name": _collection([_feature("31999", _square(105.77, 10.03), name="N" * 100_000)]),
    "10k-code": _collection([_feature("3" * 10_000, _square(105.77, 10.03))]),
}


@pytest.mark.parametrize(
    "data",
    [pytest.param(v, id=k) for k, v in HOSTILE.items()]
    + [pytest.param(v, id=k, marks=_ACCEPTED) for k, v in HOSTILE_ACCEPTED.items()],
)
def test_a_hostile_boundary_file_is_the_envelope(client, staff, data):
    started = time.monotonic()
    answer = _upload(client, staff("admin"), data)
    took = time.monotonic() - started
    assert answer.status_code in (413, 415, 422), answer.status_code
    _envelope(answer)
    assert took < 10, took


def test_ten_thousand_features_take_reasonable_time(client, staff):
    features = [
        _feature(f"9{i:05d}", _square(105.70 + (i % 100) * 0.0011, 10.00 + (i // 100) * 0.0011))
        for i in range(10_000)
    ]
    data = _collection(features)
    started = time.monotonic()
    answer = _upload(client, staff("admin"), data)
    took = time.monotonic() - started
    print(f"10k features ({len(data) / 1e6:.1f} MB): {answer.status_code} in {took:.1f}s")
    if answer.status_code != 201:
        _envelope(answer)
    assert took < 60, took


def test_a_polygon_with_a_million_points(client, staff):
    data = _collection([_feature("31999", _square(105.77, 10.03, size=0.01, points=1_000_000))])
    started = time.monotonic()
    answer = _upload(client, staff("admin"), data)
    took = time.monotonic() - started
    print(f"1M points ({len(data) / 1e6:.1f} MB): {answer.status_code} in {took:.1f}s")
    if answer.status_code != 201:
        _envelope(answer)
    assert took < 60, took
    assert db.session.scalar(select(func.count()).select_from(AdminUnit)) > 0


def test_ten_thousand_good_features_import_in_reasonable_time(client, staff):
    features = [
        _feature(
            f"8{i:05d}",
            _square(105.75 + (i % 100) * 0.0003, 10.02 + (i // 100) * 0.0003, size=0.0002),
        )
        for i in range(10_000)
    ]
    data = _collection(features)
    started = time.monotonic()
    answer = _upload(client, staff("admin"), data)
    took = time.monotonic() - started
    print(f"10k good features ({len(data) / 1e6:.1f} MB): {answer.status_code} in {took:.1f}s")
    assert answer.status_code == 201, str(answer.get_json())[:500]
    assert took < 60, took


# ---- operators among themselves; the walk-in account -----------------------------------------


def _second_operator(client, staff) -> dict:
    made = client.post(
        "/staff/v1/staff",
        json={
            "username": "operator2",
            "full_name": "Second Operator",
            "role": "operator",
            "password": "Another-long-pass-42",
        },
        headers=staff("admin"),
    )
    assert made.status_code == 201, made.get_json()
    from tests import factories

    return factories.sign_in_staff(client, "operator2", "Another-long-pass-42")


def test_one_operator_never_reads_another_operators_caller(client, staff, run_jobs):
    code = _filed_with_caller(client, staff, run_jobs)
    other = _second_operator(client, staff)
    answer = client.get(f"/staff/v1/reports/{code}", headers=other)
    assert answer.status_code in (403, 404) or "912345678" not in answer.get_data(as_text=True)
    listed = client.get("/staff/v1/reports", headers=other).get_data(as_text=True)
    assert code not in listed and "912345678" not in listed
    # nor their idempotency keys
    first = _intake(client, staff("operator"), _form(), key="shared-key")
    theirs = _intake(client, other, _form(), key="shared-key")
    assert theirs.status_code == 201 and theirs.get_json()["code"] != first.get_json()["code"]


def test_locking_the_walk_in_account_from_a_counter_report(client, staff):
    filed = _intake(client, staff("operator"), _form(channel="counter"))
    assert filed.status_code == 201
    code = filed.get_json()["code"]
    answer = client.post(
        f"/moderation/v1/reports/{code}/lock-reporter",
        json={"reason": "abusive caller"},
        headers=staff("moderator"),
    )
    if answer.status_code >= 400:
        _envelope(answer)
    # Whatever the answer, the next counter report is still filed (the walk-in account is
    # the deployment's, not the caller's).
    again = _intake(client, staff("operator"), _form(channel="counter"))
    assert again.status_code == 201, again.get_json()
    walk_in = db.session.scalar(select(Resident).where(Resident.firebase_uid == "intake:walk-in"))
    assert walk_in is None or walk_in.locked_at is None, "the shared walk-in account got locked"


# ---- the last administrator, two at once -----------------------------------------------------


def _two_admins_deactivate_each_other(app, staff, committed) -> list[int]:
    import threading

    from tests import factories

    admin = staff("admin")
    made = app.test_client().post(
        "/staff/v1/staff",
        json={
            "username": "admin2",
            "full_name": "Second Admin",
            "role": "admin",
            "password": "Another-long-pass-42",
        },
        headers=admin,
    )
    assert made.status_code == 201, made.get_json()
    second = factories.sign_in_staff(app.test_client(), "admin2", "Another-long-pass-42")
    jobs = [(admin, "admin2"), (second, "admin")]
    barrier = threading.Barrier(len(jobs))
    statuses: list[int] = []

    def deactivate(headers, target):
        client = app.test_client()
        barrier.wait()
        answer = client.patch(f"/staff/v1/staff/{target}", json={"active": False}, headers=headers)
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=deactivate, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_two_admins_deactivating_each_other_leave_one(app, staff, committed):
    from backend.domain.roles import Role
    from backend.models import StaffUser

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL (the embedded default is one process)")

    statuses = _two_admins_deactivate_each_other(app, staff, committed)
    assert 500 not in statuses, statuses
    db.session.expire_all()
    active = db.session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == Role.ADMIN, StaffUser.active.is_(True))
    )
    assert active >= 1, (statuses, "no active administrator left")
