"""A category's extra questions as Open311 (GeoReport v2) attributes (pure: no Flask, no
database): the service definition they make, and a resident's answers checked against them.

A question is the dict ``services.categories_admin.view`` gives (``code``, ``datatype``,
``required``, ``order``, ``description_vi``/``description_en``, ``values`` of ``key``,
``name_vi``, ``name_en``). Answers are ``{code: value}``: a string for the text types, a
number, an ISO 8601 date-time, one key for ``singlevaluelist``, a list of keys for
``multivaluelist``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

LISTS = ("singlevaluelist", "multivaluelist")
TEXT_MAX = 5000


def service_definition(code: str, questions: Sequence[Mapping], lang: str = "vi") -> dict:
    """``GET /services/<code>.json`` of Open311: the attributes in their order."""
    name = "name_en" if lang == "en" else "name_vi"
    described = "description_en" if lang == "en" else "description_vi"
    attributes = []
    # ``order`` counts from 1, the first shown first (the specification's).
    for order, q in enumerate(sorted(questions, key=lambda q: (q["order"], q["code"])), 1):
        attribute = {
            "variable": True,
            "code": q["code"],
            "datatype": q["datatype"],
            "required": bool(q["required"]),
            "datatype_description": None,
            "order": order,
            "description": q[described],
        }
        if q["datatype"] in LISTS:
            attribute["values"] = [{"key": v["key"], "name": v[name]} for v in q["values"]]
        attributes.append(attribute)
    return {"service_code": code, "attributes": attributes}


def check_answers(questions: Sequence[Mapping], answers: Mapping) -> dict[str, list[str]]:
    """What is wrong with ``answers``, per ``attributes[<code>]``; empty when nothing."""
    problems: dict[str, list[str]] = {}
    known = {q["code"]: q for q in questions}
    for code in answers:
        if code not in known:
            problems[f"attributes[{code}]"] = ["Unknown question."]
    for code, q in known.items():
        value = answers.get(code)
        if value is None or value == "" or value == []:
            if q["required"]:
                problems[f"attributes[{code}]"] = ["Required."]
            continue
        error = _check(q, value)
        if error:
            problems[f"attributes[{code}]"] = [error]
    return problems


def _check(q: Mapping, value) -> str | None:
    kind = q["datatype"]
    keys = {v["key"] for v in q.get("values") or []}
    if kind in ("string", "text"):
        ok = isinstance(value, str) and len(value) <= TEXT_MAX
        return None if ok else "Not a text."
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "Not a number."
    if kind == "datetime":
        try:
            datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return "Not an ISO 8601 date and time."
        return None
    if kind == "singlevaluelist":
        return None if isinstance(value, str) and value in keys else "Not one of the values."
    if kind == "multivaluelist":
        ok = isinstance(value, list) and all(isinstance(v, str) and v in keys for v in value)
        return None if ok and len(set(value)) == len(value) else "Not a list of the values."
    return "Unknown datatype."
