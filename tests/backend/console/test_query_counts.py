"""The desk's and the triage's pages cost the same SQL statements whatever the number of
rows they list (no query per row: the rows' data comes with the page's query)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import or_

import backend.console.desk
from backend.db import commit, db
from backend.models import Category, RoutingRule
from backend.services import intake, sla, workflow
from backend.services.desk import PAGE_SIZE
from backend.services.photos import Upload
from tests.backend.desk_scenario import NOW, at, user
from tests.conftest import count_statements
from tests.factories import NINH_KIEU, new_resident, photo


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(backend.console.desk, "utcnow", lambda: NOW)


def one_of_each(n: int) -> None:
    """One report in each state a row shows differently (overdue, accepted, an extension
    asked, given to an officer, waiting for the resident, returned, resolved, escalated,
    not routed), filed by a resident of its own."""
    resident = new_resident(f"query-count-{n}", f"+8490055{n:04d}")
    officer, head = user("so-xd.officer"), user("so-xd.head")

    def road(when, description, category="giao-thong"):
        report = intake.submit(
            resident,
            intake.NewReport(category, f"{description} (lần {n})", *NINH_KIEU, None),
            [Upload("p.jpg", photo("Canon_40D.jpg"))],
            when,
            max_photos=6,
        )
        commit()
        return report

    road(at(2026, 11, 2, 8), "Ổ gà lớn trước chợ Cái Khế")
    today = road(at(2026, 11, 3, 16), "Nắp cống bị vỡ trên đường Mậu Thân")
    workflow.accept(officer, today, at(2026, 11, 4, 8))
    week = road(at(2026, 11, 5, 10), "Mặt đường lún sâu gần bến xe")
    workflow.start(officer, week, at(2026, 11, 5, 14), "Đã cử cán bộ kiểm tra.")
    workflow.request_extension(
        officer, week, NOW - timedelta(hours=1), "Chờ vật tư.", date(2026, 12, 4)
    )
    later = road(NOW - timedelta(days=1), "Vạch kẻ đường bị mờ")
    workflow.assign_officer(head, later, NOW - timedelta(hours=20), "so-xd.officer")
    waiting = road(at(2026, 11, 16, 9), "Đường bị đào xới chưa hoàn trả")
    workflow.accept(officer, waiting, at(2026, 11, 16, 10))
    workflow.request_info(officer, waiting, at(2026, 11, 17, 9), "Đoạn nào, số nhà bao nhiêu?")
    returned = road(at(2026, 11, 10, 9), "Biển báo bị che khuất")
    workflow.return_to_coordinator(officer, returned, at(2026, 11, 11, 9), "Không thuộc thẩm quyền")
    resolved = road(at(2026, 11, 9, 9), "Ổ gà nhỏ ở hẻm 30")
    workflow.resolve(officer, resolved, at(2026, 11, 20, 9), "Đã vá.", [], max_photos=6)
    road(at(2026, 11, 18, 8), "Cột đèn nghiêng sau mưa", category="chieu-sang")
    commit()
    procedures = db.session.query(Category).filter_by(code="hanh-chinh").one()
    db.session.query(RoutingRule).filter(
        or_(RoutingRule.category_id == procedures.id, RoutingRule.category_id.is_(None))
    ).delete(synchronize_session=False)
    commit()
    road(NOW - timedelta(hours=3), "Cán bộ phường hẹn nhiều lần", category="hanh-chinh")
    sla.sweep(NOW)
    commit()


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("so-xd.head", "/console/desk?queue=all"),
        ("so-xd.officer", "/console/desk?queue=open"),
        ("coordinator", "/console/desk?queue=all"),
        ("coordinator", "/console/triage?queue=returned"),
        ("coordinator", "/console/triage?queue=extension_pending"),
        ("coordinator", "/console/triage?queue=unrouted"),
        ("coordinator", "/console/triage?queue=overdue_or_escalated"),
    ],
)
def test_the_page_costs_the_same_statements_for_more_rows(console, username, path):
    client = console(username)
    rows, counts = [], []
    for n in range(3):
        one_of_each(n)
        if n == 0:  # the first page with rows builds the province's calendar, once
            client.get(path)
        count, response = count_statements(client, path)
        rows.append(response.get_data(as_text=True).count('<li class="queue-row"'))
        counts.append(count)
    assert rows[0] > 0 and rows[-1] == min(3 * rows[0], PAGE_SIZE), rows
    assert len(set(counts)) == 1, list(zip(rows, counts, strict=True))
