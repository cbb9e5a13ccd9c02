"""A phone number or e-mail typed to slip past the masking stays out of every public field
(description, address, the portal page, public search) and is flagged for the moderator."""

from __future__ import annotations

from backend.db import db
from backend.models import Report

DESCRIPTION = (
    "Ổ gà lớn trước nhà, gọi sdt0912345678 hoặc 0 9 8 7 6 5 4 3 2 1, "
    "zalo ０９３３\u200b１２３４５６, 0977/123/456, mail an.nguyen＠gmail.com"
)
ADDRESS = "Nhà anh Bình, SĐT:0912_888_999"


def test_bypasses_are_masked_in_every_public_field(client, resident, submit):
    headers = resident()
    code = submit(headers, description=DESCRIPTION, address=ADDRESS).get_json()["code"]
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert public["description"] == (
        "Ổ gà lớn trước nhà, gọi sdt[số điện thoại] hoặc [số điện thoại], "
        "zalo [số điện thoại], [số điện thoại], mail [email]"
    )
    assert public["location"]["address"] == "Nhà anh Bình, SĐT:[số điện thoại]"
    page = client.get(f"/r/{code}").get_data(as_text=True)
    for leaked in ("0912345678", "0 9 8 7", "０９３３", "0977/123", "gmail", "0912_888"):
        assert leaked not in page
        assert leaked not in str(public)
    for query in ("0912345678", "0977", "gmail", "888"):
        items = client.get("/public/v1/reports", query_string={"q": query}).get_json()["items"]
        assert code not in [item["code"] for item in items], query
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["description"] == DESCRIPTION  # the reporter reads what they wrote


def test_the_moderator_is_told_of_them(app, resident, submit):
    app.config["MODERATION_MODE"] = "all"
    submit(resident(), description="Cống nghẹt, liên hệ 0912\u200b345\u200b678 nhé")
    report = db.session.query(Report).one()
    assert {"kind": "personal_data", "types": ["phone"]} in report.moderation_flags
