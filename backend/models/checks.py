"""CHECK constraints that keep an enum-valued string column to its enum's values.

The models declare them from the enums; migration 0011 writes the same values out
literally (a migration must not change when the code does), and a test compares the
two. NULL passes a CHECK, so a nullable column stays nullable.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import CheckConstraint


def values_sql(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def one_of(column: str, values: type[StrEnum] | Iterable[str]) -> CheckConstraint:
    """``CHECK (column IN (...))``, named ``ck_<table>_<column>`` by the naming convention."""
    allowed = [v.value if isinstance(v, StrEnum) else v for v in values]
    return CheckConstraint(f"{column} IN ({values_sql(allowed)})", name=column)
