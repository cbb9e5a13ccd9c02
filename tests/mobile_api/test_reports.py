"""Residents send photo reports from the app and follow them."""

from __future__ import annotations

from backend.db import db
from backend.models import Photo, Report
from backend.storage import get_storage
from tests.conftest import HOAN_KIEM, photo


def test_report_with_photo_is_routed_and_tracked(client, resident, submit):
    headers = resident()
    response = submit(headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["code"].startswith("PA-") and len(body["code"]) == len("PA-2026-000001")
    assert body["status"] == "assigned"
    assert body["category"]["code"] == "giao-thong"
    # Road damage in TP Cần Thơ goes to the Department of Construction.
    assert body["department"]["code"] == "so-xd"
    assert body["admin_unit"]["name"] == "Phường Ninh Kiều"
    assert body["location"] == {"lat": 10.034, "lng": 105.788, "address": "Bến Ninh Kiều"}
    assert [e["type"] for e in body["timeline"]] == ["submit", "assign"]
    assert len(body["photos"]) == 1

    mine = client.get("/mobile/v1/reports/mine", headers=headers).get_json()
    assert [r["code"] for r in mine["items"]] == [body["code"]]
    one = client.get(f"/mobile/v1/reports/{body['code']}", headers=headers).get_json()
    assert one["mine"] is True
    assert one["photos"][0]["rendition_status"] == "ready"
    assert one["photos"][0]["display_url"].startswith("http")


def test_codes_are_sequential_per_year(resident, submit):
    headers = resident()
    first = submit(headers).get_json()["code"]
    second = submit(headers).get_json()["code"]
    assert int(second[-6:]) == int(first[-6:]) + 1 and first[:8] == second[:8]


def test_description_is_stored_nfc_and_searchable_without_accents(client, resident, submit):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Đèn đường Lê Lợi không sáng")
    code = submit(resident(), category="chieu-sang", description=nfd).get_json()["code"]
    report = db.session.query(Report).filter_by(code=code).one()
    assert report.description == unicodedata.normalize("NFC", nfd)
    found = client.get("/public/v1/reports?q=den duong le loi").get_json()
    assert [r["code"] for r in found["items"]] == [code]


def test_location_from_photo_exif_when_lat_lng_missing(app, resident, submit):
    # DSCN0010.jpg was taken in Italy: located from its EXIF, then refused as outside.
    response = submit(resident(), lat=None, lng=None, photos=[(photo("DSCN0010.jpg"), "a.jpg")])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "outside_service_area"
    assert "photo" in error["message"]["en"] and "photos[0]" in error["fields"]
    assert db.session.query(Report).count() == 0


def test_exif_gps_inside_the_service_area_locates_the_report(app, resident, submit):
    data = _with_gps(photo("DSCN0021.jpg"), 10.0340, 105.7880)
    response = submit(resident(), lat=None, lng=None, photos=[(data, "phone.jpg")])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["location_source"] == "photo_exif"
    assert abs(body["location"]["lat"] - 10.034) < 1e-4
    assert body["admin_unit"]["name"] == "Phường Ninh Kiều"


def test_iphone_heic_photo_is_accepted_and_rendered_as_jpeg(client, resident, submit):
    headers = resident()
    response = submit(headers, photos=[(photo("samplefilehub.heif"), "IMG_0001.HEIC")])
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    body = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    rendition = client.get(body["photos"][0]["display_url"])
    assert rendition.status_code == 200 and rendition.data[:3] == b"\xff\xd8\xff"
    assert db.session.query(Photo).one().mime == "image/heif"


def test_no_location_anywhere_is_refused(resident, submit):
    response = submit(resident(), lat=None, lng=None, photos=[(photo("portrait_8.jpg"), "p.jpg")])
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "location_required"


def test_outside_service_area(resident, submit):
    response = submit(resident(), lat=9.0, lng=108.5)  # the sea: in none of the 34 provinces
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "outside_service_area"
    assert error["message"]["vi"] and error["message"]["en"]


def test_a_province_the_deployment_does_not_serve_is_refused_by_name(resident, submit):
    response = submit(resident(), lat=HOAN_KIEM[0], lng=HOAN_KIEM[1])  # TP Hà Nội
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "province_not_served"
    assert "TP Hà Nội" in error["message"]["vi"] and "TP Hà Nội" in error["message"]["en"]
    assert db.session.query(Report).count() == 0


def test_unmatched_report_goes_to_the_coordinator(resident, submit):
    # Inside the city but in no ward and no city-wide rule for administrative procedures.
    body = submit(resident(), category="hanh-chinh", lat=10.13, lng=105.63, photos=[]).get_json()
    assert body["status"] == "new"
    assert body["department"]["code"] == "ioc"


def test_place_default_and_topic_at_place(resident, submit):
    headers = resident()
    # Urban order has no city-wide unit: the ward's People's Committee handles it.
    body = submit(headers, category="trat-tu-do-thi").get_json()
    assert body["department"]["code"] == "ubnd-ninh-kieu"
    # Garbage in Vị Thanh: a topic rule at that ward beats the city-wide company.
    body = submit(headers, category="rac-thai", lat=9.785, lng=105.47).get_json()
    assert body["department"]["code"] == "ubnd-vi-thanh"
    body = submit(headers, category="rac-thai").get_json()
    assert body["department"]["code"] == "do-thi"


def test_someone_elses_report_is_shown_as_public_record(client, resident, submit):
    code = submit(resident("+84901111111")).get_json()["code"]
    other = client.get(f"/mobile/v1/reports/{code}", headers=resident("+84902222222"))
    body = other.get_json()
    assert body["mine"] is False and "location_source" not in body
    assert (
        client.get("/mobile/v1/reports/mine", headers=resident("+84902222222")).get_json()["items"]
        == []
    )


def test_originals_are_private_and_renditions_carry_no_metadata(app, client, resident, submit):
    from PIL import Image

    headers = resident()
    code = submit(headers, photos=[(photo("DSCN0010.jpg"), "gps.jpg")]).get_json()["code"]
    # Renditions are made by a job (inline here, or the RQ worker the fixture ran).
    body = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert body["photos"][0]["rendition_status"] == "ready"
    stored = db.session.query(Photo).one()
    assert get_storage().get(stored.original_key) == photo("DSCN0010.jpg")  # kept untouched
    assert stored.gps_lat is not None  # kept privately
    url = body["photos"][0]["display_url"]
    rendition = client.get(url.replace("http://localhost", ""))
    assert rendition.status_code == 200 and rendition.mimetype == "image/jpeg"
    import io

    image = Image.open(io.BytesIO(rendition.data))
    assert not image.getexif() and "icc_profile" not in image.info and "exif" not in image.info
    for url in (
        f"/media/public/../{stored.original_key}",
        f"/media/public/..%2F{stored.original_key}",
    ):
        assert client.get(url).status_code == 404


def _with_gps(data: bytes, lat: float, lng: float) -> bytes:
    """Re-save a real photo with a GPS block, as a phone in Cần Thơ would write it."""
    import io
    from fractions import Fraction

    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    def dms(value: float):
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = Fraction((value - degrees - minutes / 60) * 3600).limit_denominator(10000)
        return (
            IFDRational(degrees),
            IFDRational(minutes),
            IFDRational(seconds.numerator, seconds.denominator),
        )

    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    gps = exif.get_ifd(0x8825)
    gps.clear()
    gps.update({1: "N", 2: dms(lat), 3: "E", 4: dms(lng)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
