"""Importing a province's communes and wards (the 2025 two-tier map) from GeoJSON.

The whole file is checked first (:mod:`backend.geo.unit_file`: codes, names, valid
geometry, no duplicates, inside the province) together with what the database already
holds (a code of a unit in another province, an old code mapped elsewhere); a file
with any problem is refused with every problem listed, and nothing is written. A good
file creates or updates each unit under the province (by code), with its boundary, and
maps the old codes of the units merged into it (``LegacyUnitCode``). With ``replace``,
the province's other units (such as the demo's illustrative rectangles) lose their
boundary, so that points fall in the new units only; they stay, with their reports.

Never commits: the caller commits once, so an import is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import undefer

from backend.db import db
from backend.domain.roles import Role
from backend.domain.text import N_
from backend.errors import Forbidden, ValidationFailed
from backend.geo.geojson import from_wkb, to_wkb
from backend.geo.unit_file import Checked, Problem, Properties, UnitFeature, check
from backend.i18n import translate
from backend.models import AdminUnit, LegacyUnitCode, StaffUser
from backend.models.admin_unit import UnitKind
from backend.services import policy

#: What each problem means, for people (a msgid each).
PROBLEMS = {
    "not_json": N_("The file is not JSON."),
    "not_feature_collection": N_("The file is not a GeoJSON FeatureCollection."),
    "no_features": N_("The file has no features."),
    "not_a_feature": N_("This entry is not a GeoJSON Feature."),
    "missing_code": N_("No code (property %(detail)s)."),
    "missing_name": N_("No name (property %(detail)s)."),
    "bad_code": N_("The code has control characters or more than %(detail)s characters."),
    "bad_name": N_("The name has control characters or more than %(detail)s characters."),
    "duplicate_code": N_("This code is already used by feature %(detail)s of the file."),
    "not_polygonal": N_("The geometry is not a Polygon or MultiPolygon."),
    "malformed_coordinates": N_("The coordinates cannot be read."),
    "empty_geometry": N_("The geometry is empty."),
    "coordinates_out_of_range": N_("Coordinates are not WGS84 longitude/latitude."),
    "invalid_geometry": N_("Broken geometry: %(detail)s."),
    "outside_province": N_("The unit lies outside the province."),
    "unknown_kind": N_("Unknown kind %(detail)s (commune, ward or special_zone)."),
    "code_in_other_unit": N_("This code belongs to a unit outside this province (%(detail)s)."),
    "legacy_code_elsewhere": N_("The old code %(detail)s is mapped to a unit elsewhere."),
    "legacy_code_is_unit": N_("The old code %(detail)s is the code of a current unit."),
}
_CHILD_KINDS = {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE}
_KIND_WORDS = {"xã": UnitKind.COMMUNE, "phường": UnitKind.WARD, "đặc khu": UnitKind.SPECIAL_ZONE}


class UnknownProvince(ValidationFailed):
    code = "unknown_province"
    message = N_("No province with this code has a boundary to import into.")


class BoundaryFileRefused(ValidationFailed):
    code = "boundary_file_refused"
    message = N_("The file was refused (%(count)s problems); nothing was changed.")

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            params={"count": len(problems)},
            fields={_where(p): [_english(p)] for p in problems},
        )


def _where(problem: Problem) -> str:
    return "file" if problem.feature is None else f"features[{problem.feature}]"


def _english(problem: Problem) -> str:
    text = PROBLEMS[problem.kind] % {"detail": problem.detail}
    return f"{problem.kind}: {text}"


@dataclass(frozen=True)
class ImportOptions:
    province: str
    props: Properties = field(default_factory=Properties)
    replace: bool = False


@dataclass
class ImportResult:
    province: AdminUnit
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    legacy_codes: int = 0
    cleared: list[str] = field(default_factory=list)


def provinces(actor: StaffUser | None = None) -> list[AdminUnit]:
    """Units a file may be imported into: the hosted top-level ones with a boundary (only
    their own for a province's administrator)."""
    stmt = select(AdminUnit).where(
        AdminUnit.parent_id.is_(None), AdminUnit.boundary.is_not(None), AdminUnit.hosted
    )
    if actor is not None:
        stmt = stmt.where(policy.in_scope_sql(actor, AdminUnit.id))
    return list(db.session.scalars(stmt.order_by(AdminUnit.code)))


def import_units(
    actor: StaffUser | None, data: bytes | str, options: ImportOptions, now: datetime
) -> ImportResult:
    """Check ``data`` and, if nothing is wrong, write it (``actor`` None: the command
    line). Raises :class:`BoundaryFileRefused` listing every problem."""
    if actor is not None and (actor.role != Role.ADMIN or not actor.active):
        raise Forbidden()
    province = db.session.scalar(
        select(AdminUnit)
        .where(AdminUnit.code == options.province, AdminUnit.parent_id.is_(None))
        .options(undefer(AdminUnit.boundary))
    )
    if (
        province is None
        or province.boundary is None
        # Another province's boundaries are not a province administrator's to change.
        or (actor is not None and not policy.in_province(actor, province.id))
    ):
        raise UnknownProvince(fields={"province": ["Unknown province."]})
    checked = check(data, from_wkb(province.boundary), options.props)
    kinds = {u.code: _kind(u, checked) for u in checked.units}
    _check_database(province, checked)
    if checked.problems:
        checked.problems.sort(key=lambda p: (p.feature or 0, p.kind))
        raise BoundaryFileRefused(checked.problems)
    return _write(province, checked.units, kinds, options, now)


def _kind(unit: UnitFeature, checked: Checked) -> str | None:
    if unit.kind:
        if unit.kind in {k.value for k in _CHILD_KINDS}:
            return unit.kind
        if unit.kind.lower() in _KIND_WORDS:  # "phường", "xã", "đặc khu" as in the names
            return _KIND_WORDS[unit.kind.lower()]
        checked.problems.append(Problem(unit.number, unit.code, "unknown_kind", unit.kind))
        return None
    lower = unit.name.lower()
    for word, kind in _KIND_WORDS.items():
        if lower.startswith(word):
            return kind
    return UnitKind.COMMUNE


def _check_database(province: AdminUnit, checked: Checked) -> None:
    codes = [u.code for u in checked.units]
    existing = {
        u.code: u for u in db.session.scalars(select(AdminUnit).where(AdminUnit.code.in_(codes)))
    }
    old = [code for u in checked.units for code, _name in u.legacy]
    mapped = {
        row.code: row
        for row in db.session.scalars(select(LegacyUnitCode).where(LegacyUnitCode.code.in_(old)))
    }
    current = set(db.session.scalars(select(AdminUnit.code).where(AdminUnit.code.in_(old))))
    for unit in checked.units:
        found = existing.get(unit.code)
        if found is not None and found.parent_id != province.id:
            checked.problems.append(
                Problem(unit.number, unit.code, "code_in_other_unit", found.name)
            )
        for code, _name in unit.legacy:
            if code in current or code in codes:
                checked.problems.append(
                    Problem(unit.number, unit.code, "legacy_code_is_unit", code)
                )
            row = mapped.get(code)
            if row is not None and row.unit.code != unit.code and row.unit.parent_id != province.id:
                checked.problems.append(
                    Problem(unit.number, unit.code, "legacy_code_elsewhere", code)
                )


def _write(province, units, kinds, options, now) -> ImportResult:
    result = ImportResult(province=province)
    existing = {
        u.code: u
        for u in db.session.scalars(
            select(AdminUnit).where(AdminUnit.code.in_([u.code for u in units]))
        )
    }
    legacy = {
        row.code: row
        for row in db.session.scalars(
            select(LegacyUnitCode).where(
                LegacyUnitCode.code.in_([c for u in units for c, _n in u.legacy])
            )
        )
    }
    for feature in units:
        unit = existing.get(feature.code)
        if unit is None:
            unit = AdminUnit(code=feature.code)
            db.session.add(unit)
            result.created.append(feature.code)
        else:
            result.updated.append(feature.code)
        unit.name, unit.kind = feature.name, kinds[feature.code]
        unit.parent, unit.depth = province, province.depth + 1
        unit.boundary, unit.updated_at = to_wkb(feature.geometry), now
        for code, name in feature.legacy:
            row = legacy.get(code) or LegacyUnitCode(code=code)
            row.unit, row.name = unit, name or row.name
            row.note = f"{feature.name} ({feature.code})"
            db.session.add(row)
            result.legacy_codes += 1
    if options.replace:
        keep = {u.code for u in units}
        others = db.session.scalars(
            select(AdminUnit).where(
                AdminUnit.parent_id == province.id,
                AdminUnit.code.not_in(keep),
                AdminUnit.boundary.is_not(None),
            )
        )
        for other in others:
            other.boundary, other.updated_at = None, now
            result.cleared.append(other.code)
    db.session.flush()
    return result


def problem_text(problem: Problem, lang: str) -> str:
    """A problem in words, in ``lang``."""
    return translate(PROBLEMS[problem.kind], lang, detail=problem.detail)
