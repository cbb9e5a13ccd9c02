"""One set of reports in every state the desk's and the triage's queues name, built through
the services at chosen instants (``NOW`` is Wednesday 25 November 2026, 10:00 local time).

A road report (``giao-thong``) goes to Sở Xây dựng (``so-xd``), 15 working days to handle:
filed Monday 2/11 08:00 it is due Monday 23/11 08:00; Tuesday 24/11 is a public holiday
(Ngày Văn hóa Việt Nam), so one filed Tuesday 3/11 16:00 is due Wednesday 25/11 16:00.
Street lighting (``chieu-sang``) goes to the lighting company, supervised by ``so-xd``:
once overdue and swept (not accepted in time, or not handled in time), it is escalated
there. Pollution (``o-nhiem``) goes to
``so-nnmt``, which ``so-xd`` never reads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_

from backend.db import commit, db
from backend.models import Category, RoutingRule, StaffUser
from backend.services import intake, ratings, sla, workflow
from backend.services.photos import Upload
from tests.factories import NINH_KIEU, new_resident, photo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


NOW = at(2026, 11, 25, 10)


def user(name: str) -> StaffUser:
    return db.session.query(StaffUser).filter_by(username=name).one()


def build() -> dict[str, str]:
    """The reports by role in the scenario -> their codes (committed)."""
    resident = new_resident("desk-tester", "+84900000042")
    officer, head = user("so-xd.officer"), user("so-xd.head")
    codes: dict[str, str] = {}

    def road(name: str, when: datetime, description: str, category: str = "giao-thong"):
        # Through intake, without running the photos' jobs: a real RQ worker (PostgreSQL
        # runs) would end the session and detach what the scenario holds.
        report = intake.submit(
            resident,
            intake.NewReport(category, description, *NINH_KIEU, None),
            [Upload("p.jpg", photo("Canon_40D.jpg"))],
            when,
            max_photos=6,
        )
        commit()
        codes[name] = report.code
        return report

    # Overdue since Monday 23/11 08:00, never accepted, no apology.
    road("overdue", at(2026, 11, 2, 8), "Ổ gà lớn trước chợ Cái Khế, xe máy dễ ngã")
    # Due today (Wednesday 25/11 16:00), accepted.
    today = road("today", at(2026, 11, 3, 16), "Nắp cống bị vỡ trên đường Mậu Thân")
    workflow.accept(officer, today, at(2026, 11, 4, 8))
    # Due Friday 27/11 10:00, started; the unit asked for more time.
    week = road("week", at(2026, 11, 5, 10), "Mặt đường lún sâu gần bến xe")
    workflow.start(officer, week, at(2026, 11, 5, 14), "Đã cử cán bộ kiểm tra.")
    workflow.request_extension(
        officer, week, NOW - timedelta(hours=1), "Chờ vật tư.", date(2026, 12, 4)
    )
    # Filed yesterday, due in December; the head gave it to the officer.
    later = road("later", NOW - timedelta(days=1), "Vạch kẻ đường bị mờ")
    workflow.assign_officer(head, later, NOW - timedelta(hours=20), "so-xd.officer")
    # Accepted, then waiting for the resident since 17/11.
    waiting = road("waiting", at(2026, 11, 16, 9), "Đường bị đào xới chưa hoàn trả")
    workflow.accept(officer, waiting, at(2026, 11, 16, 10))
    workflow.request_info(officer, waiting, at(2026, 11, 17, 9), "Đoạn nào, số nhà bao nhiêu?")
    # Returned to the coordinator.
    returned = road("returned", at(2026, 11, 10, 9), "Biển báo bị che khuất")
    workflow.return_to_coordinator(officer, returned, at(2026, 11, 11, 9), "Không thuộc thẩm quyền")
    # Resolved on 20/11: awaiting the resident's rating (7 days) and the closure.
    resolved = road("resolved", at(2026, 11, 9, 9), "Ổ gà nhỏ ở hẻm 30")
    workflow.resolve(officer, resolved, at(2026, 11, 20, 9), "Đã vá.", [], max_photos=6)
    # Resolved and rated: awaiting closure only.
    rated = road("rated", at(2026, 11, 9, 10), "Gờ giảm tốc bị bong")
    workflow.resolve(officer, rated, at(2026, 11, 20, 10), "Đã sửa.", [], max_photos=6)
    commit()
    ratings.rate(resident, rated.code, at(2026, 11, 21, 9), 5, window_days=7)
    # Resolved long ago: the rating window is over.
    old = road("old", at(2026, 11, 2, 9), "Cột mốc bị đổ")
    workflow.resolve(officer, old, at(2026, 11, 10, 9), "Đã dựng lại.", [], max_photos=6)
    # Street lighting, overdue at the lighting company: escalated to so-xd by the sweep.
    road("light", at(2026, 11, 2, 8), "Đèn đường tắt cả đoạn", category="chieu-sang")
    # Street lighting filed a week ago, never accepted: its acceptance clock (8 working
    # hours) is late, its handling clock (15 working days) is not; escalated to so-xd too.
    road("lamp", at(2026, 11, 18, 8), "Cột đèn nghiêng sau mưa", category="chieu-sang")
    # Another unit's (so-nnmt), never on so-xd's desk.
    road("other", NOW - timedelta(days=2), "Tiếng ồn karaoke ở chợ Cái Khế", category="o-nhiem")
    commit()
    # Nobody could route it: no rule for administrative procedures anywhere.
    procedures = db.session.query(Category).filter_by(code="hanh-chinh").one()
    db.session.query(RoutingRule).filter(
        or_(RoutingRule.category_id == procedures.id, RoutingRule.category_id.is_(None))
    ).delete(synchronize_session=False)
    commit()
    road("unrouted", NOW - timedelta(hours=3), "Cán bộ phường hẹn nhiều lần", category="hanh-chinh")
    sla.sweep(NOW)
    commit()
    return codes
