"""Routing: which handling unit gets a report (pure function).

Rules map (category, administrative unit) to a department; ``None`` in either
place is a wildcard. Topic beats place, and the nearest place beats a wider
one, which is how provinces route in practice (DOMAIN.md "Routing"):

1. a rule for this category at the report's unit, then at each enclosing unit;
2. a rule for this category anywhere in the service area;
3. the place's default unit (a rule for any category) at the unit, then upwards;
4. nothing matched: the coordinator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

RuleKey = tuple[int | None, int | None]  # (category id, admin unit id)


@dataclass(frozen=True)
class RouteDecision:
    department_id: int | None  # None: nothing matched, the coordinator decides
    matched: RuleKey | None  # the rule that decided, for the timeline

    @property
    def to_coordinator(self) -> bool:
        return self.department_id is None


def route(
    category_id: int,
    unit_chain: Sequence[int],
    rules: Mapping[RuleKey, int],
) -> RouteDecision:
    """``unit_chain`` is the report's administrative unit and its ancestors, deepest first."""
    candidates: list[RuleKey] = [(category_id, unit) for unit in unit_chain]
    candidates.append((category_id, None))
    candidates.extend((None, unit) for unit in unit_chain)
    for key in candidates:
        department = rules.get(key)
        if department is not None:
            return RouteDecision(department, key)
    return RouteDecision(None, None)
