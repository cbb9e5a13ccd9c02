"""A phone number spelled in Vietnamese number words, split by unusual signs, with letters
for digits or markup inside, and e-mails written around the masking, stay out of the
public API, the portal page, the CSV export and public search (phananh issue 10)."""

from __future__ import annotations

import csv
import io

from backend.db import db
from backend.models import Report

DESCRIPTION = (
    "Cống nghẹt hai ba ngày nay, gọi không chín một hai ba bốn năm sáu bảy tám "
    "hoặc 0 chín 8 bảy 6 năm 4 ba 2 một, 0933–123–456, 0084977123456, o9l2 888 999, "
    "09123<b>45000, mail nva @ gmail . com hoặc abc%40yahoo.com"
)
ADDRESS = "Nhà anh Sáu, khong chin tam tam 777 666"
MASKED = (
    "Cống nghẹt hai ba ngày nay, gọi [số điện thoại] "
    "hoặc [số điện thoại], [số điện thoại], [số điện thoại], [số điện thoại], "
    "[số điện thoại], mail [email] hoặc [email]"
)
LEAKS = ("chín một", "0 chín", "0933", "977123", "o9l2", "45000", "gmail", "yahoo", "777")


def test_spelled_numbers_stay_out_of_every_public_field(client, resident, submit):
    headers = resident()
    code = submit(headers, description=DESCRIPTION, address=ADDRESS).get_json()["code"]
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert public["description"] == MASKED
    assert public["location"]["address"] == "Nhà anh Sáu, [số điện thoại]"
    page = client.get(f"/r/{code}").get_data(as_text=True)
    export = client.get("/open-data/reports.csv").get_data(as_text=True)
    row = next(r for r in csv.DictReader(io.StringIO(export.lstrip("\ufeff"))) if r["code"] == code)
    assert row["description"] == MASKED
    for leaked in LEAKS:
        assert leaked not in str(public), leaked
        assert leaked not in page, leaked
        assert leaked not in export, leaked
    for query in ("chin mot hai", "gmail", "yahoo", "0933", "777 666"):
        items = client.get("/public/v1/reports", query_string={"q": query}).get_json()["items"]
        assert code not in [item["code"] for item in items], query
    # number words in an ordinary sentence are left alone, and still found
    items = client.get("/public/v1/reports", query_string={"q": "hai ba ngay"}).get_json()["items"]
    assert code in [item["code"] for item in items]
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["description"] == DESCRIPTION  # the reporter reads what they wrote


def test_the_moderator_is_told_of_a_spelled_number(app, resident, submit):
    app.config["MODERATION_MODE"] = "all"
    submit(resident(), description="Cống nghẹt, liên hệ không chín một hai 345 678 nhé")
    report = db.session.query(Report).one()
    assert {"kind": "personal_data", "types": ["phone"]} in report.moderation_flags
