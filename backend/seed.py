"""The demo deployment: TP Cần Thơ (which now includes the former Hậu Giang and Sóc Trăng).

The city boundary is real (backend/data/geo, 2025 reorganisation). Ward
boundaries are *illustrative* rectangles clipped to the city, placed around the
real wards; their codes are demo codes, not official GSO codes. Demo staff
passwords are ``demo``: never seed a production database with this.
"""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from shapely.geometry import box
from sqlalchemy import select

from backend.db import commit, db
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
from backend.services import intake, ratings, sla, workflow
from backend.services.photos import Upload

DATA = Path(__file__).parent / "data"
CITY_CODE = "92"
DEMO_PASSWORD = "demo"

# code, name, (min_lat, min_lng, max_lat, max_lng), kind: illustrative boxes around real wards.
WARDS = [
    ("92-ninh-kieu", "Phường Ninh Kiều", (10.020, 105.770, 10.042, 105.800), UnitKind.WARD),
    ("92-cai-khe", "Phường Cái Khế", (10.042, 105.765, 10.065, 105.800), UnitKind.WARD),
    ("92-tan-an", "Phường Tân An", (10.020, 105.740, 10.042, 105.770), UnitKind.WARD),
    ("92-binh-thuy", "Phường Bình Thủy", (10.042, 105.720, 10.090, 105.765), UnitKind.WARD),
    ("92-cai-rang", "Phường Cái Răng", (9.980, 105.740, 10.020, 105.800), UnitKind.WARD),
    ("92-vi-thanh", "Phường Vị Thanh", (9.760, 105.440, 9.810, 105.500), UnitKind.WARD),
    ("92-nga-bay", "Phường Ngã Bảy", (9.790, 105.800, 9.840, 105.850), UnitKind.WARD),
    ("92-phong-dien", "Xã Phong Điền", (9.980, 105.640, 10.020, 105.700), UnitKind.COMMUNE),
]

# code, name, kind, supervisor code
DEPARTMENTS = [
    (
        "ioc",
        "Trung tâm Giám sát, điều hành đô thị thông minh TP Cần Thơ",
        DepartmentKind.COORDINATOR,
        None,
    ),
    ("so-xd", "Sở Xây dựng TP Cần Thơ", DepartmentKind.PROVINCIAL_DEPARTMENT, "ioc"),
    (
        "so-nnmt",
        "Sở Nông nghiệp và Môi trường TP Cần Thơ",
        DepartmentKind.PROVINCIAL_DEPARTMENT,
        "ioc",
    ),
    ("ca-tp", "Công an TP Cần Thơ", DepartmentKind.POLICE, "ioc"),
    ("chieu-sang", "Công ty Chiếu sáng công cộng Cần Thơ", DepartmentKind.UTILITY, "so-xd"),
    (
        "do-thi",
        "Công ty Công trình đô thị Cần Thơ (vệ sinh môi trường, cây xanh)",
        DepartmentKind.UTILITY,
        "so-xd",
    ),
    ("cap-thoat-nuoc", "Công ty Cấp thoát nước Cần Thơ", DepartmentKind.UTILITY, "so-xd"),
]

# code, vi, en, group, photo required, severity, handling unit (None: place default)
CATEGORIES = [
    (
        "giao-thong",
        "Hư hỏng đường, ổ gà",
        "Road damage, potholes",
        "giao_thong",
        True,
        "normal",
        "so-xd",
    ),
    (
        "chieu-sang",
        "Chiếu sáng công cộng",
        "Street lighting",
        "chieu_sang",
        True,
        "normal",
        "chieu-sang",
    ),
    (
        "rac-thai",
        "Rác thải, vệ sinh môi trường",
        "Garbage and sanitation",
        "moi_truong",
        True,
        "normal",
        "do-thi",
    ),
    (
        "ngap-nuoc",
        "Ngập nước, thoát nước",
        "Flooding and drainage",
        "cap_thoat_nuoc",
        True,
        "urgent",
        "cap-thoat-nuoc",
    ),
    (
        "cap-nuoc",
        "Cấp nước sinh hoạt",
        "Water supply",
        "cap_thoat_nuoc",
        False,
        "normal",
        "cap-thoat-nuoc",
    ),
    (
        "cay-xanh",
        "Cây xanh gãy đổ, nguy hiểm",
        "Fallen or dangerous trees",
        "moi_truong",
        True,
        "urgent",
        "do-thi",
    ),
    (
        "o-nhiem",
        "Ô nhiễm môi trường, tiếng ồn",
        "Pollution and noise",
        "moi_truong",
        False,
        "normal",
        "so-nnmt",
    ),
    (
        "an-ninh",
        "An ninh trật tự",
        "Public order and safety",
        "an_ninh_trat_tu",
        False,
        "urgent",
        "ca-tp",
    ),
    (
        "trat-tu-do-thi",
        "Trật tự đô thị, lấn chiếm vỉa hè",
        "Urban order, blocked pavements",
        "trat_tu_do_thi",
        True,
        "normal",
        None,
    ),
    (
        "xay-dung",
        "Xây dựng trái phép",
        "Illegal construction",
        "trat_tu_do_thi",
        True,
        "complex",
        None,
    ),
    (
        "hanh-chinh",
        "Thủ tục hành chính, thái độ phục vụ",
        "Administrative procedures, staff conduct",
        "thu_tuc_hanh_chinh",
        False,
        "normal",
        None,
    ),
]

DESCRIPTIONS = {
    "giao-thong": [
        "Ổ gà lớn giữa đường, xe máy đi qua rất nguy hiểm.",
        "Mặt đường bị sụt lún sau mưa, nước đọng thành vũng.",
    ],
    "chieu-sang": [
        "Đèn đường không sáng cả đoạn, buổi tối rất tối.",
        "Cột đèn bị nghiêng, dây điện lòng thòng.",
    ],
    "rac-thai": [
        "Rác thải đổ trộm ven đường, bốc mùi hôi thối.",
        "Điểm tập kết rác không được thu gom nhiều ngày.",
    ],
    "ngap-nuoc": [
        "Mưa lớn làm ngập sâu, nước tràn vào nhà dân.",
        "Cống thoát nước bị tắc, triều cường gây ngập.",
    ],
    "cap-nuoc": [
        "Mất nước sinh hoạt hai ngày chưa có lại.",
        "Ống nước bị vỡ, nước chảy lênh láng.",
    ],
    "cay-xanh": [
        "Cây xanh bị gãy cành sau mưa dông, có nguy cơ rơi xuống.",
        "Cây nghiêng đổ chắn một phần lòng đường.",
    ],
    "o-nhiem": ["Quán karaoke hát lớn sau 22 giờ.", "Cơ sở sản xuất xả khói bụi ra khu dân cư."],
    "an-ninh": [
        "Nhóm thanh niên tụ tập đua xe vào ban đêm.",
        "Có người lạ thường xuyên lảng vảng.",
    ],
    "trat-tu-do-thi": [
        "Hàng quán lấn chiếm hết vỉa hè, người đi bộ phải xuống lòng đường.",
        "Đậu xe trái phép trước cổng trường học.",
    ],
    "xay-dung": [
        "Công trình xây dựng không che chắn, vật liệu rơi ra đường.",
        "Nhà dân xây lấn ra hành lang an toàn kênh rạch.",
    ],
    "hanh-chinh": [
        "Nộp hồ sơ đã quá hẹn nhưng chưa nhận được kết quả.",
        "Cán bộ một cửa hướng dẫn không rõ ràng, phải đi lại nhiều lần.",
    ],
}
STREETS = [
    "Đường Hai Bà Trưng",
    "Đường 30 Tháng 4",
    "Đường Nguyễn Văn Cừ",
    "Đường Trần Hưng Đạo",
    "Đường Mậu Thân",
    "Đường 3 Tháng 2",
    "Đường Cách Mạng Tháng 8",
    "Đường Trần Văn Khéo",
    "Đường Lê Lợi",
    "Đường Hòa Bình",
]
HELD = [
    ("Địt mẹ, đèn đường hỏng cả tháng nay không ai sửa!", "chieu-sang"),
    ("Rác", "rac-thai"),
]
PHOTOS = ["DSCN0010.jpg", "DSCN0021.jpg", "landscape_6.jpg", "portrait_8.jpg"]
# How the demo's reports end up, in order (the rest stay as routed).
OUTCOMES = (
    ["closed"] * 8
    + ["resolved"] * 10
    + ["in_progress"] * 10
    + ["assigned"] * 8
    + ["returned"] * 3
    + ["rejected"] * 3
    + ["duplicate"] * 3
    + ["new"] * 5
)
#: Report number -> the reporter's score of the resolution (closed: 0-7, resolved: 8-17).
#: Report 10 is reopened (unsatisfied), resolved again and then rated anew.
DEMO_SCORES = {0: 5, 1: 4, 2: 2, 3: 5, 5: 3, 6: 4, 8: 5, 9: 4, 10: 1, 11: 3, 13: 5, 14: 2, 16: 4}
REOPENED = 10
RATING_COMMENTS = {
    5: "Xử lý nhanh, cảm ơn đơn vị.",
    4: "Đã ổn, nhưng hơi lâu.",
    3: None,
    2: "Mới xử lý tạm, chưa triệt để.",
    1: "Ngoài hiện trường vẫn như cũ.",
}


def seed_demo(reports: int = 50, *, now: datetime | None = None, seed: int = 92) -> str:
    if db.session.scalar(select(Department).where(Department.code == "ioc")):
        return "demo data already present: nothing to do"
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    city, wards = _units()
    departments = _departments(wards)
    categories = _categories()
    _rules(categories, departments, wards)
    staff = _staff(departments)
    commit()
    residents = _residents()
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
    # What the periodic sweep would have done over those weeks: reminders, overdue flags.
    sla.sweep(now)
    commit()  # the sweep service never commits
    return (
        f"seeded TP Cần Thơ demo: {len(wards)} wards, {len(departments)} departments, "
        f"{len(categories)} categories, {reports} reports "
        f"(+{len(HELD)} for the moderation queue)"
    )


@functools.cache
def province_boundary(name: str):
    """A province's real boundary from the bundled 2025 data set (parsed once per process)."""
    features = read_features((DATA / "geo" / "vn-provinces-2025.geojson").read_bytes())
    return next(f.geometry for f in features if f.properties.get("ten_tinh") == name)


def _units() -> tuple[AdminUnit, dict[str, AdminUnit]]:
    shape = province_boundary("TP Cần Thơ")
    city = AdminUnit(
        code=CITY_CODE, name="TP Cần Thơ", kind=UnitKind.CITY, depth=0, boundary=to_wkb(shape)
    )
    city.legacy_codes = [
        LegacyUnitCode(code="93", name="Tỉnh Hậu Giang", note="Sáp nhập vào TP Cần Thơ 1/7/2025"),
        LegacyUnitCode(code="94", name="Tỉnh Sóc Trăng", note="Sáp nhập vào TP Cần Thơ 1/7/2025"),
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
    # Topic and place together: in Vị Thanh the ward itself collects garbage complaints.
    db.session.add(
        RoutingRule(
            category=categories["rac-thai"],
            admin_unit=wards["92-vi-thanh"],
            department=departments["ubnd-vi-thanh"],
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
    ]
    for code, department in departments.items():
        if department.kind != DepartmentKind.COORDINATOR:
            accounts.append(
                StaffUser(
                    username=f"{code}.officer",
                    full_name=f"Cán bộ {code}",
                    role=Role.DEPARTMENT_OFFICER,
                    department=department,
                )
            )
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    for account in accounts:
        account.set_password(DEMO_PASSWORD, method)
    db.session.add_all(accounts)
    return {a.username: a for a in accounts}


def _residents() -> list[Resident]:
    names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Hoàng Cường",
        "Phạm Thị Dung",
        "Võ Minh Em",
        "Huỳnh Thị Giang",
        "Đặng Quốc Huy",
        "Bùi Thị Lan",
    ]
    residents = [
        Resident(
            firebase_uid=f"demo-resident-{n + 1}", phone=f"+8490{n + 1:07d}", display_name=name
        )
        for n, name in enumerate(names)
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
            address=f"{rng.randint(1, 300)} {rng.choice(STREETS)}, TP Cần Thơ",
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
