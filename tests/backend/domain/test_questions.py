"""A category's extra questions: the Open311 service definition, and answers checked."""

from __future__ import annotations

from backend.domain.questions import check_answers, service_definition

LANE = {
    "code": "lane",
    "datatype": "multivaluelist",
    "required": True,
    "order": 2,
    "description_vi": "Làn đường",
    "description_en": "Lane",
    "values": [
        {"key": "left", "name_vi": "Trái", "name_en": "Left"},
        {"key": "right", "name_vi": "Phải", "name_en": "Right"},
    ],
}
DEPTH = {
    "code": "depth",
    "datatype": "number",
    "required": False,
    "order": 1,
    "description_vi": "Độ sâu (cm)",
    "description_en": "Depth (cm)",
    "values": [],
}
SEEN = {**DEPTH, "code": "seen", "datatype": "datetime", "order": 3}


def test_the_service_definition_lists_the_attributes_in_order():
    definition = service_definition("giao-thong", [LANE, DEPTH], "en")
    assert definition["service_code"] == "giao-thong"
    first, second = definition["attributes"]
    assert first["code"] == "depth" and "values" not in first
    assert second["values"] == [{"key": "left", "name": "Left"}, {"key": "right", "name": "Right"}]
    assert second["required"] is True and second["variable"] is True
    assert service_definition("x", [LANE])["attributes"][0]["description"] == "Làn đường"


def test_answers_are_checked_against_the_questions():
    questions = [LANE, DEPTH, SEEN]
    assert check_answers(questions, {"lane": ["left"], "depth": 12.5}) == {}
    assert check_answers(questions, {"lane": ["left"], "seen": "2026-12-01T08:00"}) == {}
    problems = check_answers(
        questions, {"lane": ["up"], "depth": "deep", "seen": "yesterday", "color": "red"}
    )
    assert set(problems) == {
        "attributes[lane]",
        "attributes[depth]",
        "attributes[seen]",
        "attributes[color]",
    }
    assert check_answers(questions, {}) == {"attributes[lane]": ["Required."]}
    assert check_answers(questions, {"lane": ["left", "left"]}) == {
        "attributes[lane]": ["Not a list of the values."]
    }
    assert check_answers(questions, {"lane": ["left"], "depth": True}) == {
        "attributes[depth]": ["Not a number."]
    }
