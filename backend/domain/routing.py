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
from dataclasses import dataclass, field

RuleKey = tuple[int | None, int | None]  # (category id, admin unit id)


@dataclass(frozen=True)
class RouteDecision:
    department_id: int | None  # None: nothing matched, the coordinator decides
    matched: RuleKey | None  # the rule that decided, for the timeline
    #: The keys looked up, in order, up to and including the one that decided (the
    #: routing tester's "why"); not part of the decision's identity.
    tried: tuple[RuleKey, ...] = field(default=(), compare=False)

    @property
    def to_coordinator(self) -> bool:
        return self.department_id is None


def candidates(category_id: int, unit_chain: Sequence[int]) -> list[RuleKey]:
    """The rule keys :func:`route` looks up, in the order it looks them up."""
    keys: list[RuleKey] = [(category_id, unit) for unit in unit_chain]
    keys.append((category_id, None))
    keys.extend((None, unit) for unit in unit_chain)
    return keys


def route(
    category_id: int,
    unit_chain: Sequence[int],
    rules: Mapping[RuleKey, int],
) -> RouteDecision:
    """``unit_chain`` is the report's administrative unit and its ancestors, deepest first."""
    keys = candidates(category_id, unit_chain)
    for number, key in enumerate(keys, start=1):
        department = rules.get(key)
        if department is not None:
            return RouteDecision(department, key, tuple(keys[:number]))
    return RouteDecision(None, None, tuple(keys))
