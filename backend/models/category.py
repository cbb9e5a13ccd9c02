"""Report categories (lĩnh vực)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import db
from backend.models.checks import one_of


class Severity(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    COMPLEX = "complex"


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
