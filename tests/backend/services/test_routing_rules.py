"""Routing rules for administrators: listing, adding, changing, deleting (checked, on the
audit log), the tester's "why", and a change applying only to reports routed after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.db import commit, db, utcnow
from backend.errors import Forbidden
from backend.models import AdminUnit, AuditEntry, Department, Report, RoutingRule, StaffUser
from backend.models.audit import AuditAction
from backend.services import routing_rules
from backend.services.intake import OutsideServiceArea
from backend.services.provinces import ProvinceNotServed
from backend.services.queries import UnknownCategory
from backend.services.routing_rules import (
    AreaOutsideServiceArea,
    DuplicateRule,
    Outcome,
    RoutingRuleNotFound,
    RuleTooWide,
    Step,
    UnknownArea,
)
from backend.services.staff_admin import UnknownUnit
from tests.conftest import HOAN_KIEM, NINH_KIEU

VI_THANH = (9.785, 105.470)
#: In the city, outside every demo ward: the chain is the city alone.
CITY_ONLY = (10.10, 105.60)


def _staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).filter_by(username=username))


def _unit(code: str) -> Department:
    return db.session.scalar(select(Department).filter_by(code=code))


def _rule(category: str | None, area: str | None) -> RoutingRule:
    rules = routing_rules.list_rules(_staff("admin"), category=category, area=area)
    found = [
        r
        for r in rules
        if (r.category.code if r.category else None) == category
        and (r.admin_unit.code if r.admin_unit else None) == area
    ]
    assert len(found) == 1
    return found[0]


def _entries() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == AuditAction.ROUTING_RULE_CHANGED)
            .order_by(AuditEntry.id)
        )
    )


# ---- listing ----------------------------------------------------------------------------------


def test_the_list_names_categories_areas_and_units_wildcards_last(city):
    admin = _staff("admin")  # TP Cần Thơ's administrator: its rules only
    rules = routing_rules.list_rules(admin)
    assert {r.department.province_id for r in rules} == {admin.province_id}
    assert len(rules) == (
        db.session.query(RoutingRule)
        .join(RoutingRule.department)
        .filter_by(province_id=admin.province_id)
        .count()
    )
    everything = routing_rules.list_rules(_staff("national.admin"))
    assert len(everything) == db.session.query(RoutingRule).count() > len(rules)
    with_category = [r for r in rules if r.category is not None]
    assert rules[: len(with_category)] == with_category  # "every category" rules come last
    lighting = _rule("chieu-sang", None)
    assert lighting.department.code == "chieu-sang" and lighting.admin_unit is None


def test_the_list_filters_by_category_area_and_unit(city):
    admin = _staff("admin")
    assert {r.department.code for r in routing_rules.list_rules(admin, category="rac-thai")} == {
        "do-thi",
        "ubnd-vi-thanh",
    }
    in_vi_thanh = routing_rules.list_rules(admin, area="92-vi-thanh")
    assert {(r.category.code if r.category else None) for r in in_vi_thanh} == {None, "rac-thai"}
    assert all(r.department.code == "so-xd" for r in routing_rules.list_rules(admin, unit="so-xd"))
    assert routing_rules.list_rules(admin, category="no-such") == []


@pytest.mark.parametrize("username", ["moderator", "so-xd.head", "so-xd.officer"])
def test_only_the_coordinators_office_and_admins_read_the_rules(city, username):
    with pytest.raises(Forbidden):
        routing_rules.list_rules(_staff(username))
    with pytest.raises(Forbidden):
        routing_rules.explain(_staff(username), *NINH_KIEU, "giao-thong", utcnow())


def test_the_coordinator_reads_but_does_not_change(city):
    coordinator = _staff("coordinator")
    assert routing_rules.list_rules(coordinator)
    with pytest.raises(Forbidden):
        routing_rules.create_rule(coordinator, {"category": "xay-dung", "unit": "so-xd"}, utcnow())
    rule = _rule("giao-thong", None)
    with pytest.raises(Forbidden):
        routing_rules.update_rule(coordinator, rule.id, {"unit": "ca-tp"}, utcnow())
    with pytest.raises(Forbidden):
        routing_rules.delete_rule(coordinator, rule.id, utcnow())
    assert _entries() == []


# ---- changing ---------------------------------------------------------------------------------


def test_adding_changing_and_deleting_a_rule_are_audited(city):
    admin, now = _staff("admin"), utcnow()
    rule = routing_rules.create_rule(
        admin, {"category": "xay-dung", "area": "92-ninh-kieu", "unit": "so-xd"}, now
    )
    assert (rule.category.code, rule.admin_unit.code, rule.department.code) == (
        "xay-dung",
        "92-ninh-kieu",
        "so-xd",
    )
    routing_rules.update_rule(admin, rule.id, {"unit": "ca-tp", "area": None}, now)
    assert rule.admin_unit is None and rule.department.code == "ca-tp"
    routing_rules.update_rule(admin, rule.id, {"unit": "ca-tp"}, now)  # no change: no entry
    routing_rules.delete_rule(admin, rule.id, now)
    assert db.session.get(RoutingRule, rule.id) is None
    entries = _entries()
    assert [e.detail["op"] for e in entries] == ["created", "updated", "deleted"]
    assert all(e.staff_id == admin.id and e.detail["rule"] == rule.id for e in entries)
    created, updated, deleted = (e.detail for e in entries)
    assert created["before"] is None
    assert created["after"] == {"category": "xay-dung", "area": "92-ninh-kieu", "unit": "so-xd"}
    assert updated["before"] == created["after"]
    assert updated["after"] == {"category": "xay-dung", "area": None, "unit": "ca-tp"}
    assert deleted["before"] == updated["after"] and deleted["after"] is None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"category": None, "area": None, "unit": "so-xd"}, RuleTooWide),
        ({"category": "no-such", "unit": "so-xd"}, UnknownCategory),
        ({"area": "no-such", "unit": "so-xd"}, UnknownArea),
        ({"category": "xay-dung", "unit": "no-such"}, UnknownUnit),
        ({"category": "giao-thong", "unit": "ca-tp"}, DuplicateRule),  # the seed has it
        ({"area": "92-ninh-kieu", "unit": "ca-tp"}, DuplicateRule),
        ({"category": "rac-thai", "area": "92-vi-thanh", "unit": "ca-tp"}, DuplicateRule),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_is_written(city, data, error):
    before = db.session.query(RoutingRule).count()
    with pytest.raises(error):
        routing_rules.create_rule(_staff("admin"), data, utcnow())
    assert db.session.query(RoutingRule).count() == before
    assert _entries() == []


def test_a_deactivated_unit_gets_no_new_rule(city):
    _unit("ca-tp").active = False
    with pytest.raises(UnknownUnit):
        routing_rules.create_rule(
            _staff("admin"), {"category": "xay-dung", "unit": "ca-tp"}, utcnow()
        )


def test_an_area_outside_the_service_area_is_refused(city):
    # TP Hà Nội: one of the 34 provinces, not served by this deployment.
    if not db.session.query(AdminUnit).filter_by(code="01").count():
        db.session.add(AdminUnit(code="01", name="TP Hà Nội", kind="city", depth=0))
        db.session.flush()
    with pytest.raises(AreaOutsideServiceArea):
        routing_rules.create_rule(_staff("admin"), {"area": "01", "unit": "so-xd"}, utcnow())


def test_a_change_onto_another_rules_key_is_refused(city):
    admin = _staff("admin")
    rule = routing_rules.create_rule(admin, {"category": "xay-dung", "unit": "so-xd"}, utcnow())
    with pytest.raises(DuplicateRule):
        routing_rules.update_rule(admin, rule.id, {"category": "giao-thong"}, utcnow())
    with pytest.raises(RoutingRuleNotFound):
        routing_rules.update_rule(admin, 10**6, {"unit": "so-xd"}, utcnow())
    with pytest.raises(RoutingRuleNotFound):
        routing_rules.delete_rule(admin, 10**6, utcnow())


# ---- the tester -------------------------------------------------------------------------------


def test_the_category_anywhere_explained(city):
    answer = routing_rules.explain(_staff("coordinator"), *NINH_KIEU, "giao-thong", utcnow())
    assert answer.area.code == "92-ninh-kieu"
    assert [u.code for u in answer.chain] == ["92-ninh-kieu", "92"]
    assert answer.unit.code == "so-xd" and not answer.to_coordinator
    assert [(c.step, c.area.code if c.area else None, c.outcome) for c in answer.candidates] == [
        (Step.CATEGORY_AREA, "92-ninh-kieu", Outcome.NO_RULE),
        (Step.CATEGORY_AREA, "92", Outcome.NO_RULE),
        (Step.CATEGORY_ANYWHERE, None, Outcome.MATCHED),
    ]
    assert answer.matched.rule.department.code == "so-xd"


def test_topic_and_place_beat_the_category_anywhere(city):
    answer = routing_rules.explain(_staff("admin"), *VI_THANH, "rac-thai", utcnow())
    assert answer.unit.code == "ubnd-vi-thanh"
    assert answer.matched.step == Step.CATEGORY_AREA and len(answer.candidates) == 1


def test_the_places_default_unit_explained(city):
    answer = routing_rules.explain(_staff("admin"), *NINH_KIEU, "hanh-chinh", utcnow())
    assert answer.unit.code == "ubnd-ninh-kieu"
    assert answer.matched.step == Step.AREA_DEFAULT and answer.matched.area.code == "92-ninh-kieu"
    assert [c.outcome for c in answer.candidates] == [Outcome.NO_RULE] * 3 + [Outcome.MATCHED]


def test_no_rule_leaves_it_to_the_coordinator(city):
    answer = routing_rules.explain(_staff("admin"), *CITY_ONLY, "hanh-chinh", utcnow())
    assert answer.area.code == "92" and answer.to_coordinator and answer.matched is None
    assert answer.coordinator.code == "ioc"
    assert [c.step for c in answer.candidates] == [
        Step.CATEGORY_AREA,
        Step.CATEGORY_ANYWHERE,
        Step.AREA_DEFAULT,
    ]


def test_a_rule_whose_unit_is_deactivated_is_skipped_and_said_so(city):
    _unit("so-xd").active = False
    answer = routing_rules.explain(_staff("admin"), *NINH_KIEU, "giao-thong", utcnow())
    skipped = [c for c in answer.candidates if c.outcome == Outcome.UNIT_INACTIVE]
    assert [c.step for c in skipped] == [Step.CATEGORY_ANYWHERE]
    assert skipped[0].rule.department.code == "so-xd"
    assert answer.unit.code == "ubnd-ninh-kieu"  # the place's default unit, as intake does


def test_outside_the_service_area_and_unknown_category_are_refused(city):
    with pytest.raises(ProvinceNotServed):  # TP Hà Nội: a province this deployment does not serve
        routing_rules.explain(_staff("admin"), *HOAN_KIEM, "giao-thong", utcnow())
    with pytest.raises(OutsideServiceArea):  # the sea
        routing_rules.explain(_staff("admin"), 9.0, 108.5, "giao-thong", utcnow())
    with pytest.raises(UnknownCategory):
        routing_rules.explain(_staff("admin"), *NINH_KIEU, "no-such", utcnow())


# ---- a change applies to the reports routed after it ------------------------------------------


def test_a_new_rule_routes_new_reports_only(city, file_report):
    admin, now = _staff("admin"), utcnow()
    before = file_report(now - timedelta(minutes=5), "giao-thong")
    assert before.department.code == "so-xd"
    routing_rules.create_rule(
        admin, {"category": "giao-thong", "area": "92-ninh-kieu", "unit": "ubnd-ninh-kieu"}, now
    )
    commit()
    after = file_report(now + timedelta(minutes=1), "giao-thong")
    assert after.department.code == "ubnd-ninh-kieu"
    db.session.expire_all()
    old = db.session.get(Report, before.id)
    assert old.department.code == "so-xd"  # already routed: stays where it went
    assert routing_rules.explain(admin, *NINH_KIEU, "giao-thong", now).unit.code == (
        "ubnd-ninh-kieu"
    )
