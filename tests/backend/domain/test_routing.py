"""Routing precedence: topic before place, nearest place first, then the coordinator."""

from __future__ import annotations

from backend.domain.routing import route

WARD, CITY = 11, 1
LIGHTING, GARBAGE, PROCEDURES = 100, 200, 300
RULES = {
    (LIGHTING, None): 501,  # city-wide lighting company
    (GARBAGE, None): 502,  # city-wide environment company
    (GARBAGE, WARD): 601,  # ...except in this ward
    (None, WARD): 602,  # the ward's People's Committee: the place default
}


def test_topic_at_place_beats_topic_anywhere():
    assert route(GARBAGE, [WARD, CITY], RULES).department_id == 601


def test_topic_anywhere_beats_place_default():
    decision = route(LIGHTING, [WARD, CITY], RULES)
    assert decision.department_id == 501 and decision.matched == (LIGHTING, None)


def test_place_default():
    assert route(PROCEDURES, [WARD, CITY], RULES).department_id == 602


def test_nothing_matches_goes_to_coordinator():
    decision = route(PROCEDURES, [CITY], RULES)
    assert decision.to_coordinator and decision.matched is None
    assert route(PROCEDURES, [], RULES).to_coordinator


def test_enclosing_unit_rule_applies_to_its_wards():
    rules = {(LIGHTING, CITY): 700, (None, WARD): 602}
    assert route(LIGHTING, [WARD, CITY], rules).department_id == 700
