"""The demo's second province: Vĩnh Long (86), across the Hậu river from TP Cần Thơ.

Since 1 July 2025 Vĩnh Long includes the former Bến Tre and Trà Vinh. Its boundary is
real (backend/data/geo, the 2025 map); its wards are *illustrative* rectangles around
real wards, clipped to the province, with demo codes (not GSO codes). Phường Bình Minh
faces Cần Thơ across the river, so both sides of the provincial boundary show on the map.
It uses the national categories; its own coordinator, units, routing rules and staff
(passwords ``demo``). :func:`seed_vinh_long` writes it (``backend.seed`` calls it).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask import current_app
from shapely.geometry import box
from sqlalchemy import select

from backend.db import commit, db
from backend.domain.roles import Role
from backend.domain.workflow import Status
from backend.geo.geojson import from_wkb, to_wkb
from backend.models import AdminUnit, Category, Department, Resident, RoutingRule, StaffUser
from backend.models.admin_unit import UnitKind
from backend.models.department import DepartmentKind
from backend.services import intake, provinces, workflow

PROVINCE_CODE = "86"

# code, name, (min_lat, min_lng, max_lat, max_lng), kind
WARDS = [
    ("86-long-chau", "Phường Long Châu", (10.235, 105.950, 10.265, 105.990), UnitKind.WARD),
    ("86-binh-minh", "Phường Bình Minh", (10.030, 105.815, 10.090, 105.870), UnitKind.WARD),
    ("86-an-hoi", "Phường An Hội", (10.225, 106.355, 10.255, 106.395), UnitKind.WARD),
    ("86-tra-vinh", "Phường Trà Vinh", (9.920, 106.325, 9.950, 106.365), UnitKind.WARD),
]

# code, name, kind, supervisor, areas (ward codes)
DEPARTMENTS = [
    (
        "vl-ioc",
        "Trung tâm Giám sát, điều hành thông minh tỉnh Vĩnh Long",
        DepartmentKind.COORDINATOR,
        None,
        (),
    ),
    ("vl-so-xd", "Sở Xây dựng tỉnh Vĩnh Long", DepartmentKind.PROVINCIAL_DEPARTMENT, "vl-ioc", ()),
    (
        "vl-so-nnmt",
        "Sở Nông nghiệp và Môi trường tỉnh Vĩnh Long",
        DepartmentKind.PROVINCIAL_DEPARTMENT,
        "vl-ioc",
        (),
    ),
    (
        "vl-ubnd-long-chau",
        "UBND Phường Long Châu",
        DepartmentKind.PEOPLES_COMMITTEE,
        "vl-ioc",
        ("86-long-chau",),
    ),
    (
        "vl-ubnd-binh-minh",
        "UBND Phường Bình Minh",
        DepartmentKind.PEOPLES_COMMITTEE,
        "vl-ioc",
        ("86-binh-minh",),
    ),
]

# Category -> unit anywhere in the province (the rule's area is the province itself).
CATEGORY_RULES = {
    "giao-thong": "vl-so-xd",
    "chieu-sang": "vl-so-xd",
    "ngap-nuoc": "vl-so-xd",
    "cap-nuoc": "vl-so-xd",
    "rac-thai": "vl-so-nnmt",
    "cay-xanh": "vl-so-nnmt",
    "o-nhiem": "vl-so-nnmt",
}
# The place's default unit: the ward's People's Committee.
PLACE_DEFAULTS = {"86-long-chau": "vl-ubnd-long-chau", "86-binh-minh": "vl-ubnd-binh-minh"}

STAFF = [
    ("vl.admin", "Quản trị tỉnh Vĩnh Long", Role.ADMIN, None),
    ("vl.coordinator", "Cán bộ đầu mối IOC Vĩnh Long", Role.COORDINATOR, "vl-ioc"),
    ("vl-so-xd.head", "Huỳnh Văn Phúc", Role.DEPARTMENT_HEAD, "vl-so-xd"),
    ("vl-so-xd.officer", "Lâm Thị Ngọc", Role.DEPARTMENT_OFFICER, "vl-so-xd"),
    ("vl-so-nnmt.head", "Trương Minh Khoa", Role.DEPARTMENT_HEAD, "vl-so-nnmt"),
    ("vl-so-nnmt.officer", "Đặng Thị Thu", Role.DEPARTMENT_OFFICER, "vl-so-nnmt"),
    ("vl-ubnd-long-chau.head", "Phan Văn Lợi", Role.DEPARTMENT_HEAD, "vl-ubnd-long-chau"),
    ("vl-ubnd-long-chau.officer", "Ngô Thị Bích", Role.DEPARTMENT_OFFICER, "vl-ubnd-long-chau"),
    ("vl-ubnd-binh-minh.head", "Tạ Quang Huy", Role.DEPARTMENT_HEAD, "vl-ubnd-binh-minh"),
    ("vl-ubnd-binh-minh.officer", "Lý Thị Hoa", Role.DEPARTMENT_OFFICER, "vl-ubnd-binh-minh"),
]

# (category, ward or None: outside the wards, outcome)
REPORTS = [
    ("giao-thong", "86-long-chau", "closed"),
    ("chieu-sang", "86-an-hoi", "closed"),
    ("rac-thai", "86-tra-vinh", "closed"),
    ("ngap-nuoc", "86-long-chau", "resolved"),
    ("cay-xanh", "86-binh-minh", "resolved"),
    ("o-nhiem", "86-an-hoi", "resolved"),
    ("giao-thong", "86-binh-minh", "in_progress"),
    ("cap-nuoc", "86-tra-vinh", "in_progress"),
    ("trat-tu-do-thi", "86-long-chau", "in_progress"),
    ("chieu-sang", "86-long-chau", "assigned"),
    ("xay-dung", "86-binh-minh", "assigned"),
    ("rac-thai", "86-an-hoi", "assigned"),
    ("hanh-chinh", None, "new"),
    ("an-ninh", "86-tra-vinh", "new"),
    ("hanh-chinh", "86-an-hoi", "rejected"),
]
STREETS = ["Đường Phạm Thái Bường", "Đường 2 Tháng 9", "Đường Đồng Khởi", "Quốc lộ 1A"]
TEXTS = {
    "giao-thong": "Mặt đường bị sụt lún, nhiều ổ gà sâu gây nguy hiểm cho xe máy.",
    "chieu-sang": "Cả dãy đèn đường không sáng mấy đêm nay, đường rất tối.",
    "rac-thai": "Rác thải sinh hoạt tập kết bên đường nhiều ngày chưa được thu gom.",
    "ngap-nuoc": "Mưa lớn là đoạn đường này ngập sâu, nước rút rất chậm.",
    "cap-nuoc": "Ống nước bị vỡ, nước chảy lênh láng ra mặt đường.",
    "cay-xanh": "Cây xanh nghiêng sắp đổ vào nhà dân sau cơn giông.",
    "o-nhiem": "Cơ sở chế biến xả nước thải hôi thối ra kênh.",
    "an-ninh": "Nhóm thanh niên tụ tập đua xe gây ồn ào vào ban đêm.",
    "trat-tu-do-thi": "Hàng quán lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường.",
    "xay-dung": "Công trình xây dựng để vật liệu tràn ra đường, không che chắn.",
    "hanh-chinh": "Xin hỏi thủ tục đăng ký tạm trú cho người thuê nhà.",
}


def national_admin(password_method: str) -> StaffUser:
    """The national administrator: role admin with no province (sees and acts in all)."""
    account = StaffUser(username="national.admin", full_name="Quản trị quốc gia", role=Role.ADMIN)
    account.set_password("demo", password_method)
    return account


def seed_vinh_long(reports: bool, now: datetime, photo, password_method: str) -> dict:
    """Host Vĩnh Long (loaded with the 34 provinces) and write its units, rules, staff
    and, when ``reports``, its reports; returns counts for the seed's summary."""
    province = provinces.by_code(PROVINCE_CODE)
    province.hosted = True
    shape = from_wkb(province.boundary)
    wards = {}
    for code, name, (min_lat, min_lng, max_lat, max_lng), kind in WARDS:
        area = box(min_lng, min_lat, max_lng, max_lat).intersection(shape)
        wards[code] = AdminUnit(
            code=code, name=name, kind=kind, parent=province, depth=1, boundary=to_wkb(area)
        )
    db.session.add_all(wards.values())
    units: dict[str, Department] = {}
    for code, name, kind, supervisor, areas in DEPARTMENTS:
        units[code] = Department(
            code=code,
            name=name,
            kind=kind,
            supervisor=units.get(supervisor),
            areas=[wards[a] for a in areas],
            province=province,
        )
    db.session.add_all(units.values())
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    for category, unit in CATEGORY_RULES.items():
        db.session.add(
            RoutingRule(category=categories[category], admin_unit=province, department=units[unit])
        )
    for ward, unit in PLACE_DEFAULTS.items():
        db.session.add(RoutingRule(admin_unit=wards[ward], department=units[unit]))
    staff = {}
    for username, full_name, role, unit in STAFF:
        account = StaffUser(
            username=username,
            full_name=full_name,
            role=role,
            department=units.get(unit),
            province_id=province.id,
        )
        account.set_password("demo", password_method)
        staff[username] = account
    db.session.add_all(staff.values())
    commit()
    filed = _reports(province, now, photo, staff) if reports else 0
    return {"wards": len(wards), "units": len(units), "staff": len(staff), "reports": filed}


def _reports(province, now, photo, staff) -> int:
    rng = random.Random(86)
    residents = list(db.session.scalars(select(Resident).order_by(Resident.id).limit(5)))
    for number, (category, ward, outcome) in enumerate(REPORTS):
        if ward is None:  # outside the demo wards: the coordinator's desk
            lat, lng = 10.150 + rng.random() * 0.02, 106.100 + rng.random() * 0.02
        else:
            min_lat, min_lng, max_lat, max_lng = next(w[2] for w in WARDS if w[0] == ward)
            lat = min_lat + (max_lat - min_lat) * (0.25 + rng.random() / 2)
            lng = min_lng + (max_lng - min_lng) * (0.25 + rng.random() / 2)
        created = now - timedelta(days=30 - 2 * number, hours=rng.randint(0, 8))
        report = intake.submit(
            residents[number % len(residents)],
            intake.NewReport(
                category=category,
                description=TEXTS[category],
                lat=round(lat, 6),
                lng=round(lng, 6),
                address=f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
            ),
            [photo()],
            created,
            max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
        )
        commit()
        _advance(report, outcome, created, staff, rng)
    return len(REPORTS)


def _advance(report, outcome: str, created: datetime, staff, rng) -> None:
    coordinator = staff["vl.coordinator"]
    step = [created]

    def later() -> datetime:
        step[0] += timedelta(hours=rng.randint(2, 20))
        return step[0]

    if outcome == "new" or report.moderation_status == "pending":
        return
    if outcome == "rejected":
        workflow.reject(
            coordinator,
            report,
            later(),
            "Nội dung là câu hỏi thủ tục, không phải phản ánh hiện trường.",
        )
        commit()
        return
    if report.status == Status.NEW:
        workflow.forward(
            coordinator, report, later(), "vl-ubnd-long-chau", "Giao UBND phường xử lý."
        )
        commit()
    if outcome == "assigned":
        return
    officer = staff[f"{report.department.code}.officer"]
    workflow.accept(officer, report, later())
    workflow.start(officer, report, later(), "Đơn vị đã cử cán bộ kiểm tra hiện trường.")
    if outcome in ("resolved", "closed"):
        workflow.resolve(
            officer,
            report,
            later(),
            "Đơn vị đã khắc phục xong.",
            [],
            max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
        )
    if outcome == "closed":
        workflow.close(coordinator, report, later())
    commit()
