"""The portal in English renders the platform's own timeline notes in English; the stored
notes (API, audit trail) stay Vietnamese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend import tasks
from tests.conftest import post_json
from tests.factories import working_day


def _html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_system_notes_follow_the_page_language(client, staff, resident, submit):
    code = submit(resident("+84906666666")).get_json()["code"]
    officer = staff("so-xd.officer")
    tasks.sla_sweep(datetime.now(UTC) + timedelta(days=60))
    promised = working_day(5)
    apology = post_json(
        client,
        officer,
        f"/staff/v1/reports/{code}/apology",
        reason="Mưa lớn kéo dài",
        promised_date=promised,
    )
    assert apology.status_code == 200, apology.get_json()
    label = datetime.fromisoformat(promised).strftime("%d/%m/%Y")

    english = _html(client, f"/r/{code}?lang=en")
    assert "Past the handling deadline." in english and "Quá hạn xử lý." not in english
    assert f"Reason: Mưa lớn kéo dài. The result is promised for {label}." in english
    assert "Xin lỗi vì chậm trễ" not in english

    vietnamese = _html(client, f"/r/{code}?lang=vi")
    assert "Quá hạn xử lý." in vietnamese
    assert f"Lý do: Mưa lớn kéo dài. Hẹn trả kết quả ngày {label}." in vietnamese

    stored = client.get(f"/public/v1/reports/{code}").get_json()["timeline"][-1]
    assert stored["type"] == "apology"
    assert stored["note"] == (
        f"Xin lỗi vì chậm trễ. Lý do: Mưa lớn kéo dài. Hẹn trả kết quả ngày {label}."
    )


def test_a_return_to_the_coordinator_reads_in_english(client, staff, resident, submit):
    code = submit(resident("+84906666667")).get_json()["code"]
    returned = post_json(
        client, staff("so-xd.officer"), f"/staff/v1/reports/{code}/return", reason="Không phải"
    )
    assert returned.status_code == 200, returned.get_json()
    english = _html(client, f"/r/{code}?lang=en")
    assert "The handling unit returned the report to the coordinator for reassignment." in english
    assert "Đơn vị xử lý trả lại phản ánh" not in english
