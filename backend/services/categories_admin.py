"""Administrators keep the categories: names in both languages, group, default severity,
whether a photo is required, open or closed for new reports, and the extra questions each
asks (Open311 service definition attributes).

A question's ``values`` are for the list types only, and a list question needs at least
one; codes and keys are unique within their category and question. A change applies to
reports submitted after it (a report keeps the severity it got). Nothing is committed here.

Per province: the national list (``province_id`` None) and each province's local additions.
A province's administrator reads the national list and their province's, and keeps only
their province's (a national category is read-only to them: 403
``category_read_only``; another province's is unknown: 404); a national administrator keeps
the national list and may keep a named province's additions. Codes are unique nationally,
so a report's category code names one category everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from backend.db import db
from backend.domain.roles import Role
from backend.domain.text import N_, nfc
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.models import AdminUnit, Category, StaffUser
from backend.models.category import LIST_TYPES, CategoryQuestion
from backend.services import policy
from backend.services.units_admin import check_tag, state_tag

EDITABLE = ("name_vi", "name_en", "group", "default_severity", "photo_required", "active")
_TEXTS = frozenset({"name_vi", "name_en", "group"})


class CategoryNotFound(NotFound):
    code = "category_not_found"
    message = N_("No category with this code.")


class CategoryCodeTaken(Conflict):
    code = "category_code_taken"
    message = N_("A category with this code already exists.")


class CategoryReadOnly(Forbidden):
    code = "category_read_only"
    message = N_(
        "This category is on the national list: only a national administrator changes it. "
        "Add a local category for your province instead."
    )


class InvalidQuestions(ValidationFailed):
    code = "invalid_questions"
    message = N_(
        "The extra questions are not valid: each needs its own code, and a list question "
        "at least one answer with its own key (other questions none)."
    )


def _require_admin(actor: StaffUser) -> None:
    if actor.role != Role.ADMIN or not actor.active:
        raise Forbidden()


def _province_slug(province_id: int | None) -> str | None:
    if province_id is None:
        return None
    province = db.session.get(AdminUnit, province_id)
    return (province.slug or province.code) if province is not None else None


def view(category: Category) -> dict:
    return {
        "code": category.code,
        "province": _province_slug(category.province_id),
        "name_vi": category.name_vi,
        "name_en": category.name_en,
        "group": category.group,
        "default_severity": category.default_severity,
        "photo_required": category.photo_required,
        "active": category.active,
        "position": category.position,
        "questions": questions_of(category),
    }


def questions_of(category: Category) -> list[dict]:
    """The category's extra questions as :mod:`backend.domain.questions` reads them."""
    return [
        {
            "code": q.code,
            "datatype": q.datatype,
            "required": q.required,
            "order": q.position,
            "description_vi": q.description_vi,
            "description_en": q.description_en,
            "values": list(q.values or []),
        }
        for q in category.questions
    ]


def category_tag(category: Category) -> str:
    """The fingerprint of a category as an edit form shows it (fields and questions): a
    form sent back with another one was made before someone else's change."""
    shown = view(category)
    shown["questions"].sort(key=lambda q: (q["order"], q["code"]))  # ties: any row order
    return state_tag(json.dumps(shown, sort_keys=True, ensure_ascii=False))


def _visible(actor: StaffUser):
    """The categories an administrator reads: a province's, the national list and theirs;
    a national one, all of them."""
    own = policy.province_scope(actor)
    if own is None:
        return Category.id.is_not(None)
    return Category.province_id.is_(None) | (Category.province_id == own)


def list_categories(actor: StaffUser) -> list[Category]:
    """Every category the administrator reads (see :func:`_visible`), closed ones too, in
    the order residents see them."""
    _require_admin(actor)
    return list(
        db.session.scalars(
            select(Category)
            .where(_visible(actor))
            .options(selectinload(Category.questions))
            .order_by(Category.position, Category.code)
        )
    )


def get_category(actor: StaffUser, code: str) -> Category:
    _require_admin(actor)
    category = db.session.scalar(select(Category).where(Category.code == code, _visible(actor)))
    if category is None:
        raise CategoryNotFound()
    return category


def may_edit(actor: StaffUser, category: Category) -> bool:
    """A national administrator keeps every category; a province's, only its own."""
    return policy.in_province(actor, category.province_id)


def create_category(actor: StaffUser, data: Mapping, now: datetime) -> Category:
    """A national category (a national administrator) or a local one of the
    administrator's province (or, for a national administrator, of ``data["province"]``)."""
    _require_admin(actor)
    province_id = policy.managed_province(actor, data.get("province"))
    if db.session.scalar(select(Category.id).where(Category.code == data["code"])):
        raise CategoryCodeTaken(fields={"code": ["Already exists."]})
    category = Category(
        code=data["code"], position=data.get("position", 0), province_id=province_id
    )
    _apply(category, {k: data[k] for k in EDITABLE if k in data})
    category.questions = _questions(data.get("questions") or [])
    db.session.add(category)
    db.session.flush()
    return category


def update_category(
    actor: StaffUser, code: str, data: Mapping, now: datetime, *, tag: str | None = None
) -> Category:
    """Change what ``data`` gives; ``questions``, when given, replaces them all. ``tag``
    (from :func:`category_tag`) refuses a stale edit form (409 ``concurrent_update``)."""
    category = get_category(actor, code)
    if not may_edit(actor, category):
        raise CategoryReadOnly()
    check_tag(tag, category_tag(category))
    _apply(category, {k: data[k] for k in EDITABLE if k in data})
    if "position" in data:
        category.position = data["position"]
    if "questions" in data:
        new = _questions(data["questions"])
        category.questions.clear()
        db.session.flush()  # the old rows go before the new ones take their codes
        category.questions.extend(new)
    db.session.flush()
    return category


def _apply(category: Category, changes: Mapping) -> None:
    for name, value in changes.items():
        if name in _TEXTS:
            value = nfc(value).strip()
            if not value:
                raise ValidationFailed(fields={name: ["Required."]})
        setattr(category, name, value)


def _questions(items: list[Mapping]) -> list[CategoryQuestion]:
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item["code"] in seen:
            problems[f"questions[{i}].code"] = ["Duplicate code."]
        seen.add(item["code"])
        values = item.get("values") or []
        keys = [v["key"] for v in values]
        if item["datatype"] in LIST_TYPES and not values:
            problems[f"questions[{i}].values"] = ["A list question needs at least one value."]
        elif item["datatype"] not in LIST_TYPES and values:
            problems[f"questions[{i}].values"] = ["Only list questions have values."]
        elif len(set(keys)) != len(keys):
            problems[f"questions[{i}].values"] = ["Duplicate key."]
    if problems:
        raise InvalidQuestions(fields=problems)
    return [
        CategoryQuestion(
            code=item["code"],
            datatype=item["datatype"],
            required=bool(item.get("required")),
            position=item.get("order", i),
            description_vi=nfc(item["description_vi"]).strip(),
            description_en=nfc(item["description_en"]).strip(),
            values=[
                {"key": v["key"], "name_vi": nfc(v["name_vi"]), "name_en": nfc(v["name_en"])}
                for v in item.get("values") or []
            ]
            or None,
        )
        for i, item in enumerate(items)
    ]
