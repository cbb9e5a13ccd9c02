"""Seeding the demo deployment: TP Cần Thơ, from the tables in :mod:`backend.demo_data`,
then the 34 provinces of the 2025 map and a second hosted province, Vĩnh Long
(:mod:`backend.demo_vinh_long`), with a national administrator over both.

The units, categories, routing rules, staff and residents are written first;
then the reports are filed and handled through the services (intake, workflow,
ratings, the SLA sweep), as residents and staff would, so the timeline and the
clocks are the real ones. Demo staff passwords are ``demo``: never seed a
production database with this.
"""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from shapely.geometry import box
from sqlalchemy import select

from backend import seed_desk
from backend.db import commit, db
from backend.demo_data import (
    CATEGORIES,
    CITY_CODE,
    CITY_NAME,
    DEMO_ASSIGNEES,
    DEMO_SCORES,
    DEPARTMENTS,
    DESCRIPTIONS,
    DESK_WORK,
    DESK_WORK_UNIT,
    HELD,
    LEGACY_CODES,
    NAMED_STAFF,
    OUTCOMES,
    PHOTOS,
    PLACE_RULES,
    RATING_COMMENTS,
    REOPENED,
    RESIDENT_NAMES,
    STREETS,
    WARDS,
)
from backend.demo_vinh_long import national_admin, seed_vinh_long
from backend.domain.provinces import province_slug
from backend.domain.roles import Role
from backend.domain.workflow import Status
from backend.geo.geojson import read_features, to_wkb
from backend.models import (
    AdminUnit,
    Category,
    Department,
    LegacyUnitCode,
    Report,
    Resident,
    RoutingRule,
    StaffUser,
)
from backend.models.admin_unit import UnitKind
from backend.models.department import DepartmentKind
from backend.services import intake, provinces, ratings, sla, workflow
from backend.services.photos import Upload

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "demo"


def seed_demo(reports: int = 50, *, now: datetime | None = None, seed: int = 92) -> str:
    if db.session.scalar(select(Department).where(Department.code == "ioc")):
        return "demo data already present: nothing to do"
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    city, wards = _units()
    departments = _departments(wards)
    categories = _categories()
    _rules(categories, departments, wards)
    for department in departments.values():
        department.province = city
    staff = _staff(departments)
    for account in staff.values():
        account.province = city  # every Cần Thơ account; the national admin comes next
    db.session.add(national_admin(current_app.config.get("PASSWORD_HASH_METHOD", "argon2")))
    commit()
    residents = _residents()
    commit()
    provinces.load_provinces()
    commit()
    for number in range(reports):
        _demo_report(number, rng, now, city, wards, categories, residents, staff)
    # Two reports the automatic checks hold for the moderator (when moderation is on).
    for text, category in HELD if reports else ():
        intake.submit(
            residents[0],
            intake.NewReport(category, text, 10.031, 105.785, None),
            [_photo(PHOTOS[0])],
            now - timedelta(hours=3),
            max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
        )
        commit()
    for work in DESK_WORK if reports else ():
        seed_desk.desk_work(work, now, residents, staff, _photo)
    # Vĩnh Long after Cần Thơ's reports: theirs keep the codes PA-2026-000001 ... in order.
    vinh_long = seed_vinh_long(
        bool(reports),
        now,
        lambda: _photo(PHOTOS[1]),
        current_app.config.get("PASSWORD_HASH_METHOD", "argon2"),
    )
    # What the periodic sweep would have done over those weeks: reminders, overdue flags.
    sla.sweep(now)
    commit()  # the sweep service never commits
    extra = f"+{len(HELD)} for the moderation queue"
    if reports:
        extra += f", +{len(DESK_WORK)} on {DESK_WORK_UNIT}'s desk"
    return (
        f"seeded TP Cần Thơ demo: {len(wards)} wards, {len(departments)} departments, "
        f"{len(categories)} categories, {reports} reports ({extra}); "
        f"Vĩnh Long: {vinh_long['wards']} wards, {vinh_long['units']} departments, "
        f"{vinh_long['reports']} reports; 34 provinces loaded, 2 hosted"
    )


@functools.cache
def province_boundary(name: str):
    """A province's real boundary from the bundled 2025 data set (parsed once per process)."""
    features = read_features((DATA / "geo" / "vn-provinces-2025.geojson").read_bytes())
    return next(f.geometry for f in features if f.properties.get("ten_tinh") == name)


def _units() -> tuple[AdminUnit, dict[str, AdminUnit]]:
    shape = province_boundary(CITY_NAME)
    city = AdminUnit(
        code=CITY_CODE,
        name=CITY_NAME,
        kind=UnitKind.CITY,
        depth=0,
        boundary=to_wkb(shape),
        hosted=True,
        slug=province_slug(CITY_NAME),
    )
    city.legacy_codes = [
        LegacyUnitCode(code=code, name=name, note=note) for code, name, note in LEGACY_CODES
    ]
    db.session.add(city)
    wards = {}
    for code, name, (min_lat, min_lng, max_lat, max_lng), kind in WARDS:
        area = box(min_lng, min_lat, max_lng, max_lat).intersection(shape)
        wards[code] = AdminUnit(
            code=code, name=name, kind=kind, parent=city, depth=1, boundary=to_wkb(area)
        )
        db.session.add(wards[code])
    return city, wards


def _departments(wards: dict[str, AdminUnit]) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for code, name, kind, supervisor in DEPARTMENTS:
        departments[code] = Department(
            code=code, name=name, kind=kind, supervisor=departments.get(supervisor)
        )
    for ward_code, ward in wards.items():
        code = "ubnd-" + ward_code.removeprefix("92-")
        departments[code] = Department(
            code=code,
            name="UBND " + ward.name,
            kind=DepartmentKind.PEOPLES_COMMITTEE,
            supervisor=departments["ioc"],
            areas=[ward],
        )
    db.session.add_all(departments.values())
    return departments


def _categories() -> dict[str, Category]:
    categories = {}
    for position, (code, vi, en, group, photo, severity, _unit) in enumerate(CATEGORIES):
        categories[code] = Category(
            code=code,
            name_vi=vi,
            name_en=en,
            group=group,
            photo_required=photo,
            default_severity=severity,
            position=position,
        )
    db.session.add_all(categories.values())
    return categories


def _rules(categories, departments, wards) -> None:
    for code, *_rest, unit in CATEGORIES:
        if unit:
            db.session.add(RoutingRule(category=categories[code], department=departments[unit]))
    # The place's default: the ward's People's Committee.
    for ward_code, ward in wards.items():
        committee = departments["ubnd-" + ward_code.removeprefix("92-")]
        db.session.add(RoutingRule(admin_unit=ward, department=committee))
    # Topic and place together.
    for category, ward_code, unit in PLACE_RULES:
        db.session.add(
            RoutingRule(
                category=categories[category],
                admin_unit=wards[ward_code],
                department=departments[unit],
            )
        )


def _staff(departments: dict[str, Department]) -> dict[str, StaffUser]:
    accounts = [
        StaffUser(username="admin", full_name="Quản trị hệ thống", role=Role.ADMIN),
        StaffUser(
            username="coordinator",
            full_name="Cán bộ đầu mối IOC",
            role=Role.COORDINATOR,
            department=departments["ioc"],
        ),
        StaffUser(username="moderator", full_name="Cán bộ kiểm duyệt", role=Role.MODERATOR),
        StaffUser(username="operator", full_name="Tổng đài viên 1022", role=Role.OPERATOR),
    ]
    for code, department in departments.items():
        if department.kind == DepartmentKind.COORDINATOR:
            continue
        head, officers = NAMED_STAFF.get(code, (f"Lãnh đạo {code}", (f"Cán bộ {code}",)))
        accounts.append(
            StaffUser(
                username=f"{code}.head",
                full_name=head,
                role=Role.DEPARTMENT_HEAD,
                department=department,
            )
        )
        for position, name in enumerate(officers):
            accounts.append(
                StaffUser(
                    username=f"{code}.officer{position + 1 if position else ''}",
                    full_name=name,
                    role=Role.DEPARTMENT_OFFICER,
                    department=department,
                )
            )
    method = current_app.config.get("PASSWORD_HASH_METHOD", "argon2")
    for account in accounts:
        account.set_password(DEMO_PASSWORD, method)
    db.session.add_all(accounts)
    return {a.username: a for a in accounts}


def _residents() -> list[Resident]:
    residents = [
        Resident(
            firebase_uid=f"demo-resident-{n + 1}", phone=f"+8490{n + 1:07d}", display_name=name
        )
        for n, name in enumerate(RESIDENT_NAMES)
    ]
    db.session.add_all(residents)
    return residents


def _photo(name: str) -> Upload:
    return Upload(filename=name, data=(DATA / "demo" / name).read_bytes())


def _demo_report(number, rng, now, city, wards, categories, residents, staff) -> None:
    outcome = OUTCOMES[number % len(OUTCOMES)]
    if outcome in ("new", "returned") and number % 2:
        # Outside any ward: no place default, so it lands on the coordinator's desk.
        category, lat, lng = "hanh-chinh", 10.12 + rng.random() * 0.02, 105.62 + rng.random() * 0.02
    else:
        category = rng.choice([c for c in categories if c != "hanh-chinh"])
        ward = rng.choice(list(wards))
        min_lat, min_lng, max_lat, max_lng = next(w[2] for w in WARDS if w[0] == ward)
        lat = min_lat + (max_lat - min_lat) * (0.25 + rng.random() / 2)
        lng = min_lng + (max_lng - min_lng) * (0.25 + rng.random() / 2)
    created = now - timedelta(days=45 * (1 - number / len(OUTCOMES)), hours=rng.randint(0, 8))
    report = intake.submit(
        residents[number % len(residents)],
        intake.NewReport(
            category=category,
            description=rng.choice(DESCRIPTIONS[category]),
            lat=round(lat, 6),
            lng=round(lng, 6),
            # The street only: the page adds the ward (or the city) it is in.
            address=f"{rng.randint(1, 300)} {rng.choice(STREETS)}",
        ),
        [_photo(rng.choice(PHOTOS))],
        created,
        max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
    )
    commit()
    _advance(report, outcome, created, staff, rng, number % len(OUTCOMES))


def _advance(report, outcome: str, created: datetime, staff, rng, number: int) -> None:
    coordinator = staff["coordinator"]
    step = [created]

    def later() -> datetime:
        step[0] += timedelta(hours=rng.randint(2, 30))
        return step[0]

    def officer():
        return staff[f"{report.department.code}.officer"]

    if report.status == Status.NEW and outcome != "new":
        workflow.forward(
            coordinator, report, later(), "ubnd-ninh-kieu", "Giao UBND phường kiểm tra, xử lý."
        )
        commit()
    if outcome == "assigned":
        _assign(report, number, staff, step[0])
    if outcome in ("new", "assigned"):
        return
    if outcome == "rejected":
        workflow.reject(
            coordinator,
            report,
            later(),
            "Nội dung không thuộc phạm vi tiếp nhận phản ánh hiện trường.",
        )
    elif outcome == "duplicate":
        first = db.session.scalar(select(Report.code).order_by(Report.id).limit(1))
        workflow.mark_duplicate(coordinator, report, later(), first)
    elif outcome == "returned":
        workflow.accept(officer(), report, later())
        workflow.return_to_coordinator(
            officer(), report, later(), "Nội dung không thuộc thẩm quyền của đơn vị."
        )
    else:
        workflow.accept(officer(), report, later())
        workflow.start(officer(), report, later(), "Đơn vị đã cử cán bộ kiểm tra hiện trường.")
        if outcome == "in_progress":
            _assign(report, number, staff, step[0])
        if outcome in ("resolved", "closed"):
            workflow.post_update(
                officer(), report, later(), "Đang phối hợp với đơn vị thi công để khắc phục."
            )
            workflow.resolve(
                officer(),
                report,
                later(),
                "Đơn vị đã khắc phục xong, hiện trường đã được dọn dẹp.",
                [_photo(rng.choice(PHOTOS))],
                max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
            )
            if number in DEMO_SCORES:
                _rate(report, number, staff)
        if outcome == "closed":
            workflow.close(coordinator, report, later())
    commit()


def _assign(report: Report, number: int, staff, at: datetime) -> None:
    """The unit's head gives the report to one of its officers, half an hour after its
    last step (a fixed offset: the random sequence stays the same)."""
    code = report.department.code
    if number not in DEMO_ASSIGNEES:
        return
    officer = f"{code}.{DEMO_ASSIGNEES[number]}"
    if officer not in staff:
        officer = f"{code}.officer"
    workflow.assign_officer(staff[f"{code}.head"], report, at + timedelta(minutes=30), officer)
    commit()


def _rate(report: Report, number: int, staff) -> None:
    """The reporter rates the resolution an hour later (before any closing: at least 2 h).

    Times are fixed offsets, so the random sequence (and the rest of the demo) is unchanged.
    """
    window = current_app.config["RATING_WINDOW_DAYS"]
    score = DEMO_SCORES[number]
    resolved = report.resolved_at
    ratings.rate(
        report.reporter,
        report.code,
        resolved + timedelta(hours=1),
        score,
        RATING_COMMENTS[score],
        window_days=window,
    )
    if number != REOPENED:
        return
    ratings.reopen(
        report.reporter,
        report.code,
        resolved + timedelta(hours=2),
        "Chỉ xử lý tạm, vài hôm sau tình trạng cũ lại tái diễn.",
        window_days=window,
    )
    workflow.resolve(
        staff[f"{report.department.code}.officer"],
        report,
        resolved + timedelta(days=1),
        "Đơn vị đã xử lý lại triệt để và kiểm tra lại hiện trường.",
        [],
        max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
    )
    ratings.rate(
        report.reporter,
        report.code,
        resolved + timedelta(days=1, hours=1),
        4,
        "Lần này đã làm tốt.",
        window_days=window,
    )
