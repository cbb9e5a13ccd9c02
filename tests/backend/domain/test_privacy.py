"""Personal data is masked in public text (DOMAIN.md "Residents and privacy")."""

from __future__ import annotations

import pytest

from backend.domain.privacy import find_personal_data, mask_personal_data


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Gọi tôi 0901234567 nhé", "Gọi tôi [số điện thoại] nhé"),
        ("SĐT: 0901 234 567.", "SĐT: [số điện thoại]."),
        ("số 090.123.4567", "số [số điện thoại]"),
        ("+84 901 234 567 hoặc 84901234567", "[số điện thoại] hoặc [số điện thoại]"),
        ("máy bàn 02923 123 456", "máy bàn [số điện thoại]"),
        ("CCCD 001099012345, CMND 123456789", "CCCD [số giấy tờ], CMND [số giấy tờ]"),
        ("email an.nguyen+pa@gmail.com.vn", "email [email]"),
        ("CCCD 079 085 001 234", "CCCD [số giấy tờ]"),
        ("CMND 123 456 789", "CMND [số giấy tờ]"),
        ("ID: 0010 9901 2345", "ID: [số giấy tờ]"),
        ("+84 (0) 901 234 567", "[số điện thoại]"),
        ("0901  234  567", "[số điện thoại]"),
        ("(0292) 3 123 456", "[số điện thoại]"),
    ],
)
def test_masking(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Phản ánh PA-2026-000123 chưa xử lý",
        "Số 123 đường 30 Tháng 4, phường Ninh Kiều",
        "Ổ gà sâu 20cm, rộng 1.5m, từ ngày 12/11/2026",
        "Mất điện từ 18:30 đến 22:00",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert mask_personal_data(text) == text
    assert find_personal_data(text) == []


def test_findings():
    assert find_personal_data("0901234567 và a@b.vn, 001099012345") == [
        "email",
        "identity_number",
        "phone",
    ]
