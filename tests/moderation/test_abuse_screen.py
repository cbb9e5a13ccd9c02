"""The abuse screen holds insults however they are typed, and lets ordinary reports through.

The labelled corpus (tests/moderation/data/abusive.txt and ordinary.txt) is made of
report texts written for these tests; ``python bench/abuse_screen.py`` prints the
figures and the texts the screen gets wrong.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from moderation.checks import DEFAULT_BLOCKLIST
from moderation.text import Blocklist, findings

DATA = Path(__file__).parent / "data"
BLOCKLIST = Blocklist.parse(DEFAULT_BLOCKLIST.read_text(encoding="utf-8").splitlines())


def corpus(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def held(text: str) -> bool:
    return any(f["kind"] == "abusive_words" for f in findings(text, BLOCKLIST))


def test_the_reported_insults_are_held():
    assert held("Đụ má, rác ngập cả hẻm mà không ai dọn.")
    assert held("Đồ ngu, đèn đường hỏng cả tháng mà không sửa.")


def test_recall_and_false_holds_on_the_labelled_corpus():
    abusive, ordinary = corpus("abusive.txt"), corpus("ordinary.txt")
    assert len(abusive) >= 100 and len(ordinary) >= 300
    missed = [t for t in abusive if not held(t)]
    wrongly_held = [t for t in ordinary if held(t)]
    assert len(missed) <= 0.05 * len(abusive), missed
    assert len(wrongly_held) <= 0.005 * len(ordinary), wrongly_held


@pytest.mark.parametrize(
    "text",
    [
        "Đụ má rác ngập",  # accented
        "du ma, rac ngap",  # unaccented, as a swear before a break
        "ĐỤ MÁ RÁC NGẬP",  # capitals
        unicodedata.normalize("NFD", "Đụ má rác ngập"),  # decomposed
        "đ ụ m á rác ngập",  # spaced out
        "đ.m cái đèn",  # dotted
        "d m cai den",
        "v.c.l nước ngập",
        "D-M-M phường",
        "đmmmm cái cống",  # drawn out
        "nguuuuu thế, lấp cống rồi lại đào",
        "đéo ai dọn",
        "deo ai don rac",
        "ngập vl",
        "clgt sao cúp điện",
        "rác thối cmn",
        "ổ gà như cái loz",
        "vãi cả lồn, ngập",
        "cống tràn, con l0n",
        "ditmemay, rác",
        "Cái lồn gì mà ngập mãi",
        "con lon, lam an kieu gi",
        "dm lon, cong vo",
        "What the fuck is this road",
        "f*ck this pothole",
        "Đường xấu vãi, đi không nổi.",
        "Địt\u200bmẹ cái cống",  # a zero-width space between the words
    ],
)
def test_insults_are_held_however_they_are_typed(text):
    assert held(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Ổ gà rất lớn trên đường",  # lớn folds like lồn
        "Người dân phải đeo khẩu trang vì bụi",  # đeo folds like đéo
        "Nhân viên không deo the, khong biet la ai",  # unaccented đeo thẻ
        "Dù mà trời mưa vẫn không ai dọn",  # dù mà folds like đụ má
        "Du ma troi mua thi nuoc van ngap",
        "Các hộ dân phản ánh nhiều lần",  # các folds like cặc
        "Con chó nhà bên sủa cả đêm",
        "Bò thả rông trên quốc lộ",
        "Mẹ tôi bị té vì ổ gà",
        "Bo me toi phai loi nuoc di lam",  # bố mẹ, not bỏ mẹ
        "Địa chỉ hẻm 12, phường Xuân Khánh",
        "Ông Địch ở tổ 5 báo cống vỡ",
        "Nhóm thanh niên chửi bới, gây gổ trước quán nhậu",
        "Rác rơi vãi cả ra đường sau khi xe thu gom đi qua",  # rơi vãi
        "Người ta vứt vài lon bia xuống kênh",
        "Nguoi ta vut vai lon bia xuong kenh",  # vài lon, typed without accents
        "Xác con lợn chết trôi trên kênh",
        "Đầu buổi sáng xe rác mới đến",
        "Dau buoi sang xe rac moi den",
        "Cán bộ nói do ngủ quên nên không mở cống",
        "Can bo noi do ngu quen nen khong mo cong",  # "ngu" typed for ngủ
        "Con dien nhung den duong van tat",  # còn điện
        "Hố sâu 3 dm giữa làn xe máy",  # decimetres
        "Mất dây điện chiếu sáng trong hẻm",
        "The classic cocktail bar in Scunthorpe street is too loud",
    ],
)
def test_ordinary_reports_go_through(text):
    assert not held(text), BLOCKLIST.matches(text)


def test_the_list_syntax():
    blocklist = Blocklist.parse(
        [
            "# a comment",
            "=lồn",  # exactly as written
            "con lồn",  # with the same accents, or none
            "=ngu",  # a plain-letter word, exactly: only in a text typed with accents
            "đụ má |",  # before a sentence break
            "=vãi |",
            "!rơi vãi",  # an exception
            "fuck*",  # a prefix
            "dit me",  # an old-style folded entry: whatever the accents
        ]
    )
    assert blocklist.matches("Lồn") == ["lon"]
    assert blocklist.matches("lon bia") == []
    assert blocklist.matches("con lon") == ["con lon"]
    assert blocklist.matches("conlon") == ["con lon"]  # a phrase written as one word
    assert blocklist.matches("con lợn") == []
    assert blocklist.matches("Đồ ngu, làm ăn thế à") == ["ngu"]
    assert blocklist.matches("do ngu quen") == []
    assert blocklist.matches("du ma.") == ["du ma"]
    assert blocklist.matches("du ma troi mua") == []
    assert blocklist.matches("Đường xấu vãi.") == ["vai"]
    assert blocklist.matches("Rác rơi vãi.") == []
    assert blocklist.matches("FUCKING road") == ["fuck"]
    assert blocklist.matches("Địt mẹ") == ["dit me"]
