"""Realistic report text for the national benchmark: descriptions, addresses, answers.

Pools of sentences per category are combined into descriptions of 80 to 500 characters
(like residents' reports: what, where, since when, what it causes), each with its folded
form computed once, so the loader builds ``search_text`` by joining folded pieces instead
of folding a million strings.
"""

from __future__ import annotations

import random

import numpy as np

from backend.domain.text import fold

#: What a report is about, per category code of the demo (the national list).
WHAT = {
    "giao-thong": [
        "Ổ gà lớn giữa đường, xe máy đi qua rất nguy hiểm",
        "Mặt đường bị sụt lún, nước đọng thành vũng sâu",
        "Đèn tín hiệu giao thông ở ngã tư không hoạt động",
        "Biển báo bị gãy đổ nằm sát lề đường",
        "Nắp cống bị vỡ, lộ hố sâu trên vỉa hè",
        "Dải phân cách bị xe tông hỏng, sắt nhô ra lòng đường",
    ],
    "chieu-sang": [
        "Cả dãy đèn đường tắt từ nhiều đêm nay",
        "Trụ đèn chiếu sáng bị nghiêng, có nguy cơ đổ",
        "Đèn đường sáng cả ban ngày, lãng phí điện",
        "Dây điện của đèn chiếu sáng bị hở, trẻ em hay chơi gần",
    ],
    "rac-thai": [
        "Rác thải sinh hoạt bị đổ trộm thành đống lớn ven đường",
        "Điểm tập kết rác không được thu gom nhiều ngày, bốc mùi hôi thối",
        "Xà bần xây dựng đổ tràn ra lòng đường",
        "Thùng rác công cộng bị vỡ, rác vương vãi khắp nơi",
    ],
    "ngap-nuoc": [
        "Mưa lớn là ngập sâu nửa bánh xe, nước rút rất chậm",
        "Triều cường dâng, nước tràn vào nhà dân trong hẻm",
        "Miệng cống bị rác bịt kín nên nước không thoát được",
    ],
    "cap-nuoc": [
        "Đường ống nước bị vỡ, nước chảy lênh láng ra đường",
        "Nước máy có màu vàng đục và mùi lạ",
        "Khu phố bị cúp nước nhiều ngày không có thông báo",
    ],
    "cay-xanh": [
        "Cây xanh bị sâu mục gốc, nghiêng ra giữa đường",
        "Nhánh cây lớn gãy đè lên dây điện",
        "Cây cổ thụ bị chặt hạ không rõ lý do",
    ],
    "o-nhiem": [
        "Cơ sở sản xuất xả khói đen và mùi khét vào ban đêm",
        "Nước thải chưa xử lý chảy thẳng ra kênh",
        "Quán karaoke mở nhạc lớn quá mười giờ đêm",
    ],
    "an-ninh": [
        "Nhóm thanh niên tụ tập đua xe, lạng lách vào ban đêm",
        "Nhiều vụ trộm xe máy xảy ra trong hẻm thời gian gần đây",
    ],
    "trat-tu-do-thi": [
        "Hàng quán lấn chiếm hết vỉa hè, người đi bộ phải xuống lòng đường",
        "Xe tải đậu đỗ trái phép chắn lối vào hẻm",
        "Bảng quảng cáo dựng trái phép che khuất tầm nhìn",
    ],
    "xay-dung": [
        "Công trình xây dựng không che chắn, vật liệu rơi xuống đường",
        "Nhà dân xây dựng sai phép, lấn ra phần đất công",
    ],
    "hanh-chinh": [
        "Hồ sơ nộp tại bộ phận một cửa đã quá hẹn nhưng chưa có kết quả",
        "Cán bộ tiếp dân thiếu hòa nhã, yêu cầu bổ sung giấy tờ không cần thiết",
    ],
}
SINCE = [
    "Tình trạng này kéo dài hơn một tuần.",
    "Đã xảy ra từ đầu tháng đến nay.",
    "Đã phản ánh với tổ dân phố nhưng chưa được xử lý.",
    "Sáng nay đi ngang qua mới thấy.",
    "Người dân trong khu vực rất bức xúc.",
    "Đã có người bị té ngã tại đây.",
]
ASK = [
    "Đề nghị cơ quan chức năng sớm kiểm tra, xử lý.",
    "Kính mong chính quyền quan tâm khắc phục.",
    "Mong được giải quyết trước mùa mưa.",
    "Xin cảm ơn.",
    "",
]
STREETS = [
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt",
    "Nguyễn Văn Cừ", "Võ Văn Kiệt", "30 Tháng 4", "Mậu Thân", "Cách Mạng Tháng Tám",
    "Phan Đình Phùng", "Hùng Vương", "Quang Trung", "Nguyễn Huệ", "Điện Biên Phủ",
    "Lê Hồng Phong", "Ngô Quyền", "Bà Triệu", "Đinh Tiên Hoàng", "Tôn Đức Thắng",
]  # fmt: skip
PLACES = [
    "gần chợ", "trước trường tiểu học", "đối diện nhà văn hóa", "cạnh trạm y tế",
    "đầu hẻm", "gần cầu", "trước cổng khu dân cư", "ngay ngã ba",
]  # fmt: skip
ANSWERS = [
    "Đơn vị đã cử tổ công tác kiểm tra và khắc phục xong.",
    "Đã phối hợp với địa phương thu gom, vệ sinh khu vực.",
    "Đã sửa chữa, thay thế thiết bị hư hỏng và đưa vào hoạt động bình thường.",
    "Đã lập biên bản xử lý vi phạm và yêu cầu khắc phục hậu quả.",
]
REJECT_NOTES = [
    "Nội dung không thuộc phạm vi tiếp nhận.",
    "Phản ánh không có nội dung cụ thể.",
]


class TextPool:
    """``size`` descriptions per category with their folded forms, and the addresses."""

    def __init__(self, categories: list[str], rng: np.random.Generator, size: int = 400):
        self.descriptions: dict[int, list[str]] = {}
        self.folded: dict[int, list[str]] = {}
        rng = random.Random(int(rng.integers(0, 2**31)))
        for index, code in enumerate(categories):
            whats = WHAT.get(code) or WHAT["giao-thong"]
            texts = []
            for _ in range(size):
                parts = [
                    rng.choice(whats),
                    f"tại đường {rng.choice(STREETS)}, {rng.choice(PLACES)}.",
                ]
                parts += rng.sample(SINCE, rng.randrange(0, 4))
                parts.append(rng.choice(ASK))
                text = " ".join(p for p in parts if p)
                # Wordier reports: a third repeat a detail as residents do.
                if rng.random() < 0.33:
                    text += " " + rng.choice(whats).lower() + ", rất mong được xử lý sớm."
                texts.append(text)
            self.descriptions[index] = texts
            self.folded[index] = [fold(t) for t in texts]
        self.streets = STREETS
        self.streets_folded = [fold(s) for s in STREETS]
        self.answers = ANSWERS
