"""The abuse screen, third round: the insults a tester saw pass are held (misspelt, masked
with stars or slashes, spelled out, teencode), the ordinary texts they saw held go through,
and the words the new entries are made of ("cc" for chung cư, Dell, éo le) stay ordinary."""

from __future__ import annotations

import pytest

from moderation.checks import DEFAULT_BLOCKLIST
from moderation.text import Blocklist, findings

BLOCKLIST = Blocklist.parse(DEFAULT_BLOCKLIST.read_text(encoding="utf-8").splitlines())


def held(text: str) -> bool:
    return any(f["kind"] == "abusive_words" for f in findings(text, BLOCKLIST))


@pytest.mark.parametrize(
    "text",
    [
        "dịt mẹ",
        "dit m3",
        "đ/m",
        "đ*t m*",
        "cái đ* gì",
        "vờ cờ lờ",
        "cc",
        "c.c",
        "cái cc",
        "Sửa cái cc gì mà đèn vẫn tắt.",
        "Làm ăn như cc, vỉa hè lát xong đã vỡ.",
        "clm",
        "cak",
        "dell",
        "Dell ai thèm dọn rác ở hẻm này.",
        "đel",
        "éo làm",
        "thg ngu",
        "bọn ăn bám",
        "Đuỵt",
        "Ngập như cái l*n.",
    ],
)
def test_the_insults_that_passed_are_held(text):
    assert held(text), text


@pytest.mark.parametrize(
    "text",
    [
        "ngu ngơ",
        "Bà cụ đi lạc, ngu ngơ đứng ở ngã tư Ngô Quyền từ sáng.",
        "Ngu Hành Sơn",
        "Đường Lê Văn Hiến, quận Ngu Hành Sơn, bị ngập sau cơn mưa.",
        "shitake",
        "Nấm shiitake khô bày tràn ra vỉa hè trước chợ.",
        "buồi sáng",
        "Từ buồi sáng đến giờ xe rác chưa tới, rác bốc mùi.",
    ],
)
def test_the_ordinary_texts_that_were_held_go_through(text):
    assert not held(text), BLOCKLIST.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thang máy block B cc Hoàng Anh hỏng từ tuần trước.",
        "Hành lang tầng 5 tòa CC2 chung cư Linh Đàm không có đèn.",
        "Laptop Dell của tôi bị giật ở trạm xe buýt Kim Mã.",
        "Hoàn cảnh gia đình bà Tư rất éo le, xin phường hỗ trợ sửa mái nhà.",
        "Công trình đổ 5 m3 cát ra lòng đường, xe máy trượt ngã.",
        "Đ/c: số 12 ngõ 34 phố Vọng, t/p Hà Nội, cống bị tắc.",
        "Biển hiệu khách sạn 5* che mất biển báo giao thông.",
    ],
)
def test_the_words_of_the_new_entries_stay_ordinary(text):
    assert not held(text), BLOCKLIST.matches(text)


def test_ngu_is_still_an_insult_next_to_the_exceptions():
    assert held("Ông ấy ngu ngốc thật, cống nghẹt mà không hút.")
    assert held("Cán bộ quận Ngũ Hành Sơn ngu như bò")
    assert held("Con shit này ai đổ trước cửa")


def test_stars_stand_for_one_to_three_letters():
    blocklist = Blocklist.parse(["địt mẹ", "=lồn", "fck"])
    assert blocklist.matches("đ*t m*") == ["dit me"]
    assert blocklist.matches("l*n") == ["lon"]
    assert blocklist.matches("f*ck") == ["fck"]  # read with the stars dropped, as before
    assert blocklist.matches("l*******n") == ["lon"]  # one run of stars, however long
    assert blocklist.matches("l*m") == []  # the letters around the stars still count
