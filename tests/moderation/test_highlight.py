"""Marking the screen's findings in the text a moderator reads (moderation.highlight)."""

from __future__ import annotations

import pytest

from moderation.checks import DEFAULT_BLOCKLIST
from moderation.highlight import abusive_spans, mark, spans
from moderation.text import Blocklist, findings

BLOCKLIST = Blocklist.parse(DEFAULT_BLOCKLIST.read_text(encoding="utf-8").splitlines())


def _marked(text: str, app) -> list[str]:
    with app.app_context():
        found = spans(text, findings(text, BLOCKLIST))
    return [text[a:b] for a, b, _ in sorted(found)]


@pytest.mark.parametrize(
    "text, marked",
    [
        ("Địt mẹ cái ổ gà này sâu quá", ["Địt mẹ"]),
        ("ĐỊT MẸ ổ gà to", ["ĐỊT MẸ"]),
        ("ditmemay ổ gà", ["ditmemay"]),
        ("Ổ gà lớn quá, đ ụ m á", ["đ ụ m á"]),
        ("con l0n này phá đường", ["con l0n"]),
        ("đ*t m* ổ gà to quá", ["đ*t m*"]),
        ("Ổ gà vcl, vcl luôn", ["vcl", "vcl"]),
        ("fucking road is broken again", ["fucking"]),
        ("mấy thằng cán bộ ăn hại quá", ["thằng", "ăn", "hại"]),  # across a gap
        ("Ổ gà lớn quá, đồ lồn", ["lồn"]),  # never "lớn"
        ("Ông Sáu Ngu nói ổ gà ngu quá", ["ngu"]),  # a name is no insult
        ("Ổ gà sâu, gọi 0901 234 567 hoặc a@b.com", ["0901 234 567", "a@b.com"]),
        ("Đường hỏng rơi vãi rác khắp nơi", []),
    ],
)
def test_findings_are_found_where_they_are(app, text, marked):
    assert _marked(text, app) == marked


def test_everything_but_the_marks_is_escaped():
    text = '<script>alert("x")</script> đm <b>'
    found = abusive_spans(text, ["dm"], BLOCKLIST)
    html = str(mark(text, found, {"abusive_words": 'Abusive "words"'}))
    assert html == (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; "
        '<mark class="finding" data-finding="abusive_words" title="Abusive &#34;words&#34;">'
        "đm</mark> &lt;b&gt;"
    )


def test_overlapping_spans_and_other_fields():
    assert str(mark("abc def", [(0, 5, "a"), (2, 7, "b")])) == (
        '<mark class="finding" data-finding="a" title="a">abc d</mark>ef'
    )
    flags = [{"kind": "abusive_words", "words": ["vcl"], "field": "address"}]
    assert spans("Hẻm vcl", flags) == []
    assert mark(None, []) == ""
