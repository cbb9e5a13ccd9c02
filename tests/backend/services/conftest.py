"""Services at chosen instants: reports filed by one resident at a given time."""

from __future__ import annotations

from datetime import datetime

import pytest

from backend.db import commit, db
from backend.models import Resident
from backend.services import intake
from backend.services.photos import Upload
from tests.conftest import NINH_KIEU, photo


@pytest.fixture
def file_report(city):
    resident = Resident(firebase_uid="sla-tester", phone="+84900000001")
    db.session.add(resident)
    commit()

    def make(now: datetime, category: str = "giao-thong", lat=NINH_KIEU[0], lng=NINH_KIEU[1]):
        report = intake.submit(
            resident,
            intake.NewReport(category, "Ổ gà lớn giữa đường", lat, lng, None),
            [Upload("p.jpg", photo("Canon_40D.jpg"))],
            now,
            max_photos=6,
        )
        commit()
        return report

    return make
