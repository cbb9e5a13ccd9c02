"""Report categories (lĩnh vực) and the extra questions a category asks.

A category's questions are modelled as Open311 (GeoReport v2) service definition
attributes: a ``code``, a ``datatype`` (string, text, number, datetime, singlevaluelist,
multivaluelist), whether it is ``required``, its ``order``, a description in both
languages and, for the two list types, the ``values`` offered (key and names).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import db
from backend.models.checks import one_of


class Severity(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    COMPLEX = "complex"


class QuestionType(StrEnum):
    """Open311's attribute datatypes."""

    STRING = "string"
    TEXT = "text"
    NUMBER = "number"
    DATETIME = "datetime"
    SINGLE_VALUE_LIST = "singlevaluelist"
    MULTI_VALUE_LIST = "multivaluelist"


LIST_TYPES = frozenset({QuestionType.SINGLE_VALUE_LIST, QuestionType.MULTI_VALUE_LIST})


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (one_of("default_severity", Severity),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(64))
    photo_required: Mapped[bool] = mapped_column(default=True)
    default_severity: Mapped[str] = mapped_column(String(16), default=Severity.NORMAL)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    #: None: the national list; set: that province's local addition.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)

    questions: Mapped[list[CategoryQuestion]] = relationship(
        back_populates="category",
        order_by="CategoryQuestion.position",
        cascade="all, delete-orphan",
    )


class CategoryQuestion(db.Model):
    """One extra question of a category (an Open311 service definition attribute)."""

    __tablename__ = "category_questions"
    __table_args__ = (
        UniqueConstraint("category_id", "code"),
        one_of("datatype", QuestionType),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    code: Mapped[str] = mapped_column(String(64))
    datatype: Mapped[str] = mapped_column(String(24))
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    description_vi: Mapped[str] = mapped_column(String(500))
    description_en: Mapped[str] = mapped_column(String(500))
    #: For the list types: ``[{"key": ..., "name_vi": ..., "name_en": ...}, ...]``.
    values: Mapped[list | None] = mapped_column(JSON)

    category: Mapped[Category] = relationship(back_populates="questions")
