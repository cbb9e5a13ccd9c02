"""shapely's explain_validity reasons in the page's language, the point kept."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon
from shapely.validation import explain_validity

from backend.console.geometry_reasons import REASONS, explain


def test_a_self_intersection_in_vietnamese_and_english(app):
    detail = "Self-intersection[105.7825 10.0535]"
    vi = explain(detail, "vi")
    assert vi == "đường ranh giới tự cắt nhau tại kinh độ 105.7825, vĩ độ 10.0535"
    en = explain(detail, "en")
    assert en == "the boundary crosses itself at longitude 105.7825, latitude 10.0535"


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_every_known_reason_is_translated_with_its_point(app, reason):
    text = explain(f"{reason}[105.78 -10.5]", "vi")
    assert reason not in text and "105.78" in text and "-10.5" in text
    assert explain(f"{reason}[105.78 -10.5]", "en") != text


def test_shapely_words_are_recognised():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    hole_outside = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)], [[(3, 3), (4, 3), (4, 4), (3, 3)]])
    for polygon in (bowtie, hole_outside):
        assert explain(explain_validity(polygon), "en") != explain_validity(polygon)


@pytest.mark.parametrize(
    "detail", ["Something new[1 2]", "Self-intersection", "Self-intersection[a b]", ""]
)
def test_an_unknown_reason_stays_as_shapely_wrote_it(app, detail):
    assert explain(detail, "vi") == detail
