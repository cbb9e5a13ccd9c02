"""Operator intake: whose report it is, the channel, and what stays internal."""

from __future__ import annotations

import csv
import io

import pytest
from flask import g

from backend.db import commit, db, utcnow
from backend.domain import phones
from backend.errors import AccountLocked, Forbidden
from backend.firebase import VerifiedIdentity
from backend.localtime import local_date
from backend.models import Report, Resident, StaffUser
from backend.services import accounts, operator_intake, statistics
from backend.services.operator_intake import OnBehalf
from backend.services.photos import Upload
from backend.services.statistics import Period, Scope
from tests.factories import NINH_KIEU, photo


@pytest.fixture
def operator(city):
    return db.session.query(StaffUser).filter_by(username="operator").one()


def _file(staff, *, phone=None, name=None, channel="hotline", photos=(), category="cap-nuoc"):
    data = OnBehalf(
        channel=channel,
        category=category,
        description="Mất nước sinh hoạt từ sáng",
        name=name,
        phone=phone,
        lat=NINH_KIEU[0],
        lng=NINH_KIEU[1],
    )
    uploads = [Upload(n, photo(n)) for n in photos]
    report = operator_intake.file_report(staff, data, uploads, utcnow(), max_photos=6)
    commit()
    return report


def _sign_in(uid: str, phone: str, name: str | None = None) -> Resident:
    identity = VerifiedIdentity(uid=uid, phone=phone, name=name, auth_time=None)
    return accounts.resident_sign_in(identity, utcnow())


@pytest.mark.parametrize(
    "raw", ["0912345678", "0912 345 678", "+84 912-345-678", "84912345678", "0084912345678"]
)
def test_phones_are_normalised_to_e164(raw):
    assert phones.normalise(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["", "12345", "0112345678", "+1 202 555 0100", "09123456789012"])
def test_other_numbers_are_refused(raw):
    with pytest.raises(phones.InvalidPhone):
        phones.normalise(raw)


def test_the_phone_of_an_app_user_files_the_report_for_them(operator):
    app_user = _sign_in("firebase-lan", "+84912345678", "Lan")
    commit()
    report = _file(operator, phone="0912 345 678", name="Chị Lan")
    assert report.reporter_id == app_user.id
    assert report.channel == "hotline" and report.entered_by_id == operator.id
    assert report.reporter.display_name == "Lan"  # the operator does not rename them


def test_another_phone_waits_for_its_owner_who_claims_it_at_sign_in(operator):
    first = _file(operator, phone="0987 654 321", name="Anh Minh")
    second = _file(operator, phone="+84987654321", channel="zalo")
    placeholder = first.reporter
    assert second.reporter_id == placeholder.id  # one placeholder per phone
    assert placeholder.firebase_uid == "phone:+84987654321"
    assert placeholder.phone == "+84987654321"  # kept for a later SMS
    assert placeholder.display_name == "Anh Minh"
    assert operator_intake.app_user("+84987654321") is None

    resident = _sign_in("firebase-minh", "+84987654321")
    commit()
    assert resident.id == placeholder.id and resident.firebase_uid == "firebase-minh"
    mine = db.session.query(Report).filter_by(reporter_id=resident.id).count()
    assert mine == 2
    # The next intake for the phone goes to the account itself.
    assert _file(operator, phone="0987654321").reporter_id == resident.id


def test_a_locked_placeholder_is_refused_at_sign_in(operator):
    report = _file(operator, phone="0977000111")
    report.reporter.locked_at = utcnow()
    commit()
    with pytest.raises(AccountLocked):
        _sign_in("firebase-locked", "+84977000111")


def test_without_a_phone_the_walk_in_account_nobody_claims(operator):
    one = _file(operator, name="Cụ ông ở quầy", channel="counter")
    two = _file(operator, channel="letter")
    assert one.reporter_id == two.reporter_id
    assert one.reporter.firebase_uid == phones.WALK_IN_UID and one.reporter.phone is None
    assert one.reporter.display_name is None  # the caller's name stays on the entry
    assert one.events[0].data == {"channel": "counter", "reporter_name": "Cụ ông ở quầy"}
    # A sign-in with no phone (or any phone) opens its own account, never this one.
    other = _sign_in("firebase-nobody", "")
    commit()
    assert other.id != one.reporter_id
    assert db.session.get(Resident, one.reporter_id).firebase_uid == phones.WALK_IN_UID


def test_only_intake_roles_file(city):
    for username in ("moderator", "so-xd.officer", "so-xd.head"):
        staff = db.session.query(StaffUser).filter_by(username=username).one()
        with pytest.raises(Forbidden):
            _file(staff)


def test_the_channel_is_in_the_open_data_never_the_operator(client, operator):
    code = _file(operator, phone="0912000333", name="Chị Hoa").code
    g.pop("lang", None)
    text = client.get("/open-data/reports.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[code]["channel"] == "hotline"
    assert "operator" not in text and "Tổng đài" not in text and "Hoa" not in text
    assert "912000333" not in text


def test_statistics_by_channel_add_up(client, city, submit):
    submit()  # an app report (its jobs may end the session: read the operator after)
    operator = db.session.query(StaffUser).filter_by(username="operator").one()
    for _ in range(2):
        routed = _file(operator, channel="zalo", category="giao-thong", photos=["jolla.jpg"])
        assert routed.department.code == "so-xd"
    commit()
    today = utcnow()
    period = Period.chosen(None, None, local_date(today))
    result = statistics.report(Scope(), period, today, group="channel")
    by = {e["channel"]: e["figures"]["received"] for e in result["by_channel"]}
    assert by["zalo"] == 2 and by["app"] >= 1
    assert sum(by.values()) == result["figures"]["received"]
    public = client.get("/public/v1/stats?group=channel").get_json()
    assert {e["channel"]: e["figures"]["received"] for e in public["by_channel"]} == by


def _by_address(staff, address, **where):
    data = OnBehalf(
        channel="hotline",
        category="cap-nuoc",
        description="Mất nước sinh hoạt từ sáng",
        address=address,
        **where,
    )
    return operator_intake.file_report(staff, data, [], utcnow(), max_photos=6)


def test_an_address_naming_one_ward_places_the_report_there(operator):
    report = _by_address(operator, "12 Hai Bà Trưng, phường Ninh Kiều")
    assert report.admin_unit.code == "92-ninh-kieu" and report.location_source == "ward"
    assert (report.lat, report.lng) == pytest.approx(operator_intake.ward_point("92-ninh-kieu"))
    assert report.address == "12 Hai Bà Trưng, phường Ninh Kiều"
    assert _by_address(operator, "p. cai khe").admin_unit.code == "92-cai-khe"


def test_a_click_or_a_chosen_ward_wins_over_the_address(operator):
    clicked = _by_address(operator, "phường Cái Khế", lat=NINH_KIEU[0], lng=NINH_KIEU[1])
    assert clicked.location_source == "map" and clicked.admin_unit.code == "92-ninh-kieu"
    chosen = _by_address(operator, "phường Cái Khế", ward="92-tan-an")
    assert chosen.admin_unit.code == "92-tan-an" and chosen.address == "phường Cái Khế"


def test_an_address_naming_no_ward_or_several_is_refused(operator):
    with pytest.raises(operator_intake.AddressNotPlaced) as none:
        _by_address(operator, "12 Hai Bà Trưng")
    assert none.value.status == 422 and "address" in none.value.fields
    assert "no ward or commune" in none.value.message_en
    assert "phường hoặc xã" in none.value.message_vi
    with pytest.raises(operator_intake.AddressNotPlaced) as several:
        _by_address(operator, "Cái Khế giáp Ninh Kiều")
    for text in (several.value.message_en, several.value.message_vi):
        assert "Phường Cái Khế" in text and "Phường Ninh Kiều" in text
    assert db.session.query(Report).count() == 0
