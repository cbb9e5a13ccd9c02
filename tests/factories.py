"""Small builders for a test's own data, on top of the demo city (seeded once per session).

Plain functions, usable from function-scoped fixtures (through ``client``) and from
module-scoped ones (``module_transaction.build()`` hands out a client). Through the
real endpoints: ``sign_in_resident``, ``sign_in_staff``, ``submit_report``,
``staff_action``. Straight through the services (no HTTP, a chosen instant):
``new_resident``, ``file_report``.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rq import SimpleWorker

from backend.db import commit, db
from backend.firebase import emulator_id_token
from backend.jobs import get_queue, redis_connection

PHOTOS = Path(__file__).parent / "fixtures" / "photos"

NINH_KIEU = (10.0340, 105.7880)  # Ninh Kiều wharf, TP Cần Thơ
HOAN_KIEM = (21.0287, 105.8524)  # Hoàn Kiếm lake, TP Hà Nội: outside the demo's service area


def photo(name: str) -> bytes:
    return (PHOTOS / name).read_bytes()


def id_token(phone: str = "+84901111111", uid: str | None = None, **kwargs) -> str:
    return emulator_id_token(uid or f"uid-{phone.lstrip('+')}", phone, "phananh-demo", **kwargs)


def run_jobs() -> int:
    """Run queued jobs: a real RQ worker in burst mode, or nothing when jobs are inline.

    The worker runs in this process and the caller's app context, so its jobs use the
    test's session and see the test's (not yet really committed) rows.
    """
    if redis_connection() is None:
        return 0
    queue = get_queue()
    count = queue.count
    SimpleWorker([queue], connection=redis_connection()).work(burst=True)
    return count


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def sign_in_resident(client, phone: str = "+84901111111") -> dict:
    """Sign in as a resident through the real endpoint; returns auth headers."""
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token(phone)})
    assert response.status_code == 200, response.get_json()
    return bearer(response.get_json()["access_token"])


def sign_in_staff(client, username: str, password: str = "demo") -> dict:
    """Sign in as a (demo) staff account; returns auth headers."""
    response = client.post(
        "/staff/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.get_json()
    return bearer(response.get_json()["access_token"])


def submit_report(
    client,
    headers: dict,
    *,
    category: str = "giao-thong",
    description: str = "Ổ gà lớn trên đường Hai Bà Trưng",
    lat: float | str | None = NINH_KIEU[0],
    lng: float | str | None = NINH_KIEU[1],
    address: str | None = "Bến Ninh Kiều",
    photos: list[tuple[bytes, str]] | None = None,
    run: bool = True,
):
    """POST a report (multipart, one sample photo unless told) and run its jobs."""
    form: dict = {"category": category, "description": description}
    if lat is not None:
        form["lat"] = str(lat)
    if lng is not None:
        form["lng"] = str(lng)
    if address is not None:
        form["address"] = address
    files = photos if photos is not None else [(photo("DSCN0021.jpg"), "DSCN0021.jpg")]
    form["photos"] = [(io.BytesIO(data), name) for data, name in files]
    response = client.post(
        "/mobile/v1/reports", data=form, headers=headers, content_type="multipart/form-data"
    )
    if run:
        run_jobs()
    return response


def staff_action(client, headers: dict, code: str, action: str, **json):
    """POST a JSON staff action (``accept``, ``start``, ``reject``...); asserts it worked."""
    response = client.post(f"/staff/v1/reports/{code}/{action}", json=json, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response


def new_resident(uid: str, phone: str, **fields):
    """A resident row, committed (as the first sign-in would leave it)."""
    from backend.models import Resident

    resident = Resident(firebase_uid=uid, phone=phone, **fields)
    db.session.add(resident)
    commit()
    return resident


def file_report(
    resident,
    now: datetime,
    *,
    category: str = "giao-thong",
    description: str = "Ổ gà lớn giữa đường",
    lat: float = NINH_KIEU[0],
    lng: float = NINH_KIEU[1],
    address: str | None = None,
    photos: list[tuple[bytes, str]] | None = None,
):
    """A report filed through the intake service at ``now``, committed (jobs run)."""
    from backend.services import intake
    from backend.services.photos import Upload

    files = photos if photos is not None else [(photo("Canon_40D.jpg"), "p.jpg")]
    report = intake.submit(
        resident,
        intake.NewReport(category, description, lat, lng, address),
        [Upload(name, data) for data, name in files],
        now,
        max_photos=6,
    )
    commit()
    run_jobs()
    return report


def working_day(days: int) -> str:
    """The first working day at least ``days`` calendar days from today (local time), as
    the ISO date a form or a JSON body sends (an extension's or an apology's date)."""
    from backend.services import sla

    cal = sla.working_calendar()
    day = datetime.now(UTC).astimezone(cal.tz).date() + timedelta(days=days)
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day.isoformat()
