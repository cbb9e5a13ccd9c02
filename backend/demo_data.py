"""The demo's data tables: TP Cần Thơ (which now includes the former Hậu Giang and Sóc Trăng).

Its administrative units, handling units, categories and routing, residents, and
the texts of its reports. The city boundary is real (backend/data/geo, 2025
reorganisation); ward boundaries are *illustrative* rectangles clipped to the
city, placed around the real wards; their codes are demo codes, not official GSO
codes. :mod:`backend.seed` writes these tables to the database.
"""

from __future__ import annotations

from backend.models.admin_unit import UnitKind
from backend.models.department import DepartmentKind

CITY_CODE = "92"
CITY_NAME = "TP Cần Thơ"
# code, name, note: the provinces merged into the city, whose codes still find it.
LEGACY_CODES = [
    ("93", "Tỉnh Hậu Giang", "Sáp nhập vào TP Cần Thơ 1/7/2025"),
    ("94", "Tỉnh Sóc Trăng", "Sáp nhập vào TP Cần Thơ 1/7/2025"),
]

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

# category, ward, handling unit: topic and place together (in Vị Thanh the ward itself
# collects garbage complaints). Every other report goes by its category's unit, else by
# the place's default: the ward's People's Committee.
PLACE_RULES = [("rac-thai", "92-vi-thanh", "ubnd-vi-thanh")]

# Units with a named head (``<unit>.head``) and two named officers (``<unit>.officer``,
# ``<unit>.officer2``); every other unit has ``<unit>.head`` and ``<unit>.officer``.
NAMED_STAFF = {
    "ca-tp": ("Lê Văn Thành", ("Nguyễn Thị Mai", "Phạm Quốc Bảo")),
    "so-xd": ("Trần Minh Tâm", ("Võ Thị Hạnh", "Đỗ Văn Long")),
}
#: Report number -> which officer its unit's head gives it to (two in three of the assigned
#: and in-progress reports; ``officer2`` where the unit has one), so that the desk's "mine"
#: shows something.
DEMO_ASSIGNEES = {n: ("officer", "officer2")[n % 2] for n in range(18, 36) if n % 3}

RESIDENT_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Phạm Thị Dung",
    "Võ Minh Em",
    "Huỳnh Thị Giang",
    "Đặng Quốc Huy",
    "Bùi Thị Lan",
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
#: Sở Xây dựng's own work (road reports, which it handles), filed at fixed working-time
#: distances before the seed's "now" so that its desk shows every state on any day: one
#: to accept, one its head has given to an officer, one in progress, one due within hours
#: (today on a working day before closing), one overdue.
#: (state, working hours before now it was filed, description, address, lat, lng)
DESK_WORK_UNIT = "so-xd"
DESK_WORK = [
    (
        "to_accept",
        2,
        "Ổ gà sâu giữa làn xe máy, trời tối rất dễ té ngã.",
        "45 Đường Mậu Thân",
        10.0301,
        105.7812,
    ),
    (
        "given",
        5,
        "Nắp hố ga bị lệch, xe đi qua kêu lớn.",
        "112 Đường 30 Tháng 4",
        10.0322,
        105.7794,
    ),
    (
        "in_progress",
        4 * 8,
        "Mặt đường bong tróc thành nhiều mảng dài.",
        "18 Đường Trần Hưng Đạo",
        10.0338,
        105.7866,
    ),
    (
        "due_today",
        None,
        "Vỉa hè sụt lún trước trường tiểu học.",
        "7 Đường Hòa Bình",
        10.0315,
        105.7843,
    ),
    (
        "overdue",
        20 * 8,
        "Đường ngập bùn đất sau khi thi công cống, chưa hoàn trả.",
        "230 Đường Nguyễn Văn Cừ",
        10.0287,
        105.7771,
    ),
]

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
