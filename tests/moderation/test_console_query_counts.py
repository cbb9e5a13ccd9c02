"""The moderation queue costs the same SQL statements whatever the number of held reports
it lists: each one's possible duplicates nearby are found for the whole page at once
(``nearby.suggest_near``), not one search per held report."""

from __future__ import annotations

from backend.db import commit, utcnow
from backend.services import intake
from backend.services.photos import Upload
from tests.backend.console.conftest import console_sign_in
from tests.conftest import count_statements
from tests.factories import NINH_KIEU, new_resident, photo, sign_in_staff

QUEUE = "/console/moderation"


def _file(resident, description: str) -> None:
    intake.submit(
        resident,
        intake.NewReport("chieu-sang", description, *NINH_KIEU, None),
        [Upload("p.jpg", photo("Canon_40D.jpg"))],
        utcnow(),
        max_photos=6,
    )
    commit()


def _more(n: int) -> None:
    """Two published street-light reports and two held ones ("too short") at one spot."""
    resident = new_resident(f"moderation-count-{n}", f"+8490066{n:04d}")
    for k in range(2):
        _file(resident, f"Đèn đường tắt cả đoạn phố, lần {n}.{k}")
        _file(resident, "Đèn hỏng")


def test_the_queue_page_costs_the_same_statements_for_more_held_reports(client, city):
    assert console_sign_in(client, "moderator").status_code == 302
    held, counts = [], []
    for n in range(4):
        _more(n)
        count, response = count_statements(client, QUEUE)
        page = response.get_data(as_text=True)
        held.append(page.count('<li class="panel mod-item"'))
        counts.append(count)
        assert page.count('<ul class="similar">') == held[-1]  # each has its duplicates
    assert held == [2, 4, 6, 8]
    assert len(set(counts)) == 1, list(zip(held, counts, strict=True))


def test_the_queue_api_costs_the_same_statements_for_more_held_reports(client, city):
    moderator = sign_in_staff(client, "moderator")
    held, counts = [], []
    for n in range(3):
        _more(n)
        count, response = count_statements(client, "/moderation/v1/queue", moderator)
        items = response.get_json()["items"]
        assert all(item["similar_reports"] for item in items)
        held.append(len(items))
        counts.append(count)
    assert held == [2, 4, 6]
    assert len(set(counts)) == 1, list(zip(held, counts, strict=True))
