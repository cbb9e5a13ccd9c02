"""The staff inbox after the real SLA sweep: one entry per report and thing that happened."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from backend import tasks
from backend.db import commit, db
from backend.models import Resident, StaffUser
from backend.services import intake, workflow
from backend.services.photos import Upload
from tests.conftest import NINH_KIEU, photo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _file(now: datetime, category: str = "giao-thong"):
    resident = Resident(firebase_uid="inbox-tester", phone="+84900000002")
    db.session.add(resident)
    report = intake.submit(
        resident,
        intake.NewReport(category, "Ổ gà lớn giữa đường", NINH_KIEU[0], NINH_KIEU[1], None),
        [Upload("p.jpg", photo("Canon_40D.jpg"))],
        now,
        max_photos=6,
    )
    commit()
    return report


def _inbox(client, headers, locale="vi") -> list[dict]:
    return client.get(f"/staff/v1/inbox?locale={locale}&page_size=100", headers=headers).get_json()[
        "items"
    ]


def _twins(items: list[dict]) -> list[tuple]:
    seen = Counter((i["report_code"], i["title"], i["body"]) for i in items)
    return [entry for entry, count in seen.items() if count > 1]


def test_a_report_nobody_accepted_is_one_entry_per_clock_not_two_twins(city, client, staff):
    report = _file(datetime(2026, 11, 2, 8, tzinfo=VN))  # Monday; Sở Xây dựng
    # Nothing ran for a month: the accept clock and the handling clock are both overdue.
    result = tasks.sla_sweep(datetime(2026, 12, 1, 8, tzinfo=VN))
    assert result["overdue"] == 2
    officer, coordinator = staff("so-xd.officer"), staff("coordinator")
    for headers in (officer, coordinator):
        for locale in ("vi", "en"):
            items = _inbox(client, headers, locale)
            assert items and _twins(items) == []
    unit = {i["kind"]: i for i in _inbox(client, officer, "en")}
    assert unit["accept_overdue"]["title"] == f"Report {report.code} was not accepted in time"
    assert unit["overdue"]["title"] == f"Report {report.code} is overdue"
    assert (
        "apologise" in unit["overdue"]["body"]
        and "apologise" not in (unit["accept_overdue"]["body"])
    )
    ioc = Counter(i["kind"] for i in _inbox(client, coordinator))
    assert ioc["accept_escalated"] == 1 and ioc["escalated"] == 1


def test_reminders_say_which_deadline(city, client, staff):
    report = _file(datetime(2026, 11, 2, 8, tzinfo=VN))
    tasks.sla_sweep(datetime(2026, 11, 2, 13, 30, tzinfo=VN))  # half the accept time
    tasks.sla_sweep(datetime(2026, 11, 12, 9, tzinfo=VN))  # half the handling time
    items = _inbox(client, staff("so-xd.officer"), "en")
    reminders = [i["title"] for i in items if i["kind"] in ("accept_reminder", "sla_reminder")]
    assert reminders == [
        f"Deadline reminder for {report.code}",
        f"Reminder to accept report {report.code}",
    ]


def test_a_missed_promise_is_escalated_in_its_own_words(city, client, staff):
    report = _file(datetime(2026, 11, 2, 8, tzinfo=VN))
    officer = db.session.query(StaffUser).filter_by(username="so-xd.officer").one()
    workflow.accept(officer, report, datetime(2026, 11, 2, 9, tzinfo=VN))
    commit()
    tasks.sla_sweep(datetime(2026, 11, 23, 9, tzinfo=VN))  # the handling clock is overdue
    workflow.apologise(
        officer, report, datetime(2026, 11, 23, 10, tzinfo=VN), "Thiếu vật tư.", date(2026, 12, 4)
    )
    commit()
    tasks.sla_sweep(datetime(2026, 12, 4, 17, 1, tzinfo=VN))  # the promised date is missed
    items = _inbox(client, staff("coordinator"), "en")
    assert _twins(items) == []
    assert [i["kind"] for i in items if "escalated" in i["kind"]] == [
        "promise_escalated",
        "escalated",
    ]
    assert items[0]["body"] == "Sở Xây dựng TP Cần Thơ missed the date it promised."
