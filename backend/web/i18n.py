"""The portal's words in Vietnamese (the default) and English.

A small catalogue rather than gettext: the portal has a few dozen strings, and
the data it shows (statuses, categories) carries its own two languages.
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")
DEFAULT = "vi"

MESSAGES: dict[str, tuple[str, str]] = {
    "site.name": ("Phản ánh hiện trường", "Citizen feedback"),
    "site.tagline": (
        "Người dân phản ánh, chính quyền xử lý, mọi người cùng theo dõi.",
        "Residents report, the authorities act, everyone can follow.",
    ),
    "nav.board": ("Phản ánh", "Reports"),
    "nav.scoreboard": ("Xếp hạng đơn vị", "Unit scoreboard"),
    "nav.open_data": ("Dữ liệu mở", "Open data"),
    "nav.skip": ("Bỏ qua đến nội dung chính", "Skip to main content"),
    "lang.switch": ("English", "Tiếng Việt"),
    "lang.switch_label": ("Switch to English", "Chuyển sang tiếng Việt"),
    "board.title": ("Phản ánh của người dân", "Residents' reports"),
    "board.filters": ("Lọc phản ánh", "Filter reports"),
    "board.q": ("Tìm kiếm (không cần dấu)", "Search (accents optional)"),
    "board.q_placeholder": ("vd: duong le loi", "e.g. duong le loi"),
    "board.status": ("Trạng thái", "Status"),
    "board.category": ("Lĩnh vực", "Category"),
    "board.department": ("Đơn vị xử lý", "Handling unit"),
    "board.ward": ("Xã, phường", "Commune or ward"),
    "board.from": ("Từ ngày", "From"),
    "board.to": ("Đến ngày", "To"),
    "board.any": ("Tất cả", "All"),
    "board.apply": ("Lọc", "Apply"),
    "board.reset": ("Xóa bộ lọc", "Clear filters"),
    "board.results": ("{total} phản ánh", "{total} reports"),
    "board.none": ("Không có phản ánh nào phù hợp.", "No report matches."),
    "board.map": ("Bản đồ phản ánh", "Map of reports"),
    "board.map_note": (
        "Bản đồ hiển thị tối đa {limit} phản ánh mới nhất theo bộ lọc.",
        "The map shows up to {limit} latest reports matching the filters.",
    ),
    "board.list": ("Danh sách", "Reports found"),
    "board.export": ("Tải dữ liệu (CSV, GeoJSON)", "Download (CSV, GeoJSON)"),
    "page.prev": ("Trang trước", "Previous page"),
    "page.next": ("Trang sau", "Next page"),
    "page.of": ("Trang {page}/{pages}", "Page {page} of {pages}"),
    "report.filed": ("Gửi lúc", "Filed"),
    "report.place": ("Địa điểm", "Place"),
    "report.unit": ("Đơn vị xử lý", "Handling unit"),
    "report.unassigned": ("Chưa phân công", "Not yet assigned"),
    "report.supporters": ("{n} người cùng phản ánh", "{n} residents support it"),
    "report.overdue": ("Quá hạn", "Overdue"),
    "report.days_late": ("trễ {days} ngày làm việc", "{days} working days late"),
    "report.late_promised": ("Trễ hạn · hẹn {date}", "Late · promised for {date}"),
    "report.description": ("Nội dung phản ánh", "What was reported"),
    "report.response": ("Kết quả xử lý", "The unit's answer"),
    "report.photos": ("Hình ảnh", "Photos"),
    "report.before": ("Trước khi xử lý", "Before"),
    "report.after": ("Sau khi xử lý", "After"),
    "report.no_photos": ("Chưa có hình ảnh công khai.", "No public photo yet."),
    "report.deadlines": ("Thời hạn", "Deadlines"),
    "report.accept_due": ("Hạn tiếp nhận", "Acknowledge by"),
    "report.handle_due": ("Hạn xử lý", "Resolve by"),
    "report.original_due": ("Hạn ban đầu", "Original deadline"),
    "report.resolved_late": ("Xử lý trễ hạn", "Resolved late"),
    "report.resolved_extended": ("Xử lý trong thời gian gia hạn", "Resolved within an extension"),
    "report.earlier_answer": (
        "Phản ánh đã được mở lại; dưới đây là kết quả xử lý lần trước.",
        "The report was reopened; below is the earlier answer.",
    ),
    "report.extended": ("Đã được gia hạn", "Extended"),
    "report.promised": ("Hẹn trả kết quả (sau lời xin lỗi)", "Promised date (after an apology)"),
    "report.completed": ("Hoàn thành lúc", "Done"),
    "report.age": ("Thời gian xử lý: {days} ngày làm việc", "Handling time: {days} working days"),
    "report.waiting": ("Đang chờ người dân bổ sung thông tin", "Waiting for the resident"),
    "deadline.basis.extension": ("đã gia hạn", "extended"),
    "deadline.basis.promise": ("ngày hẹn sau lời xin lỗi", "date promised in the apology"),
    "deadline.state.running": ("Trong hạn", "On schedule"),
    "deadline.state.paused": (
        "Tạm dừng, chờ người dân bổ sung",
        "Paused, waiting for the resident",
    ),
    "deadline.state.overdue": ("Quá hạn", "Overdue"),
    "deadline.state.late": ("Trễ hạn", "Late"),
    "deadline.state.late_with_extension": ("Trễ hạn, đã được gia hạn", "Late, extension approved"),
    "deadline.state.on_time.done": ("Hoàn thành đúng hạn", "Done on time"),
    "deadline.state.late.done": ("Xử lý trễ hạn", "Resolved late"),
    "deadline.state.late_with_extension.done": (
        "Xử lý trong thời gian gia hạn",
        "Resolved within an extension",
    ),
    "deadline.state.overdue.done": ("Xử lý trễ hạn", "Resolved late"),
    "deadline.state.handed_over.done": ("Đã chuyển đơn vị khác", "Handed over"),
    "deadline.hours_left": ("còn {hours} giờ làm việc", "{hours} working hours left"),
    "deadline.promised_for": ("hẹn trả kết quả ngày {due}", "result promised for {due}"),
    "deadline.history.original": ("Hạn ban đầu: {due}", "Original deadline: {due}"),
    "deadline.history.extension": ("Đã được gia hạn đến {due}", "Extended to {due}"),
    "deadline.history.extension_late": (
        "(duyệt sau khi đã quá hạn: vẫn tính là trễ hạn)",
        "(approved after the deadline: still counted as late)",
    ),
    "deadline.history.overdue": ("Quá hạn", "Deadline missed"),
    "deadline.history.apology": (
        "Đơn vị xin lỗi và hẹn trả kết quả ngày {due}",
        "The unit apologised and promised the result for {due}",
    ),
    "deadline.history.promise_missed": (
        "Không trả kết quả đúng ngày đã hẹn",
        "The promised date was missed",
    ),
    "report.timeline": ("Quá trình xử lý", "Timeline"),
    "report.rating": ("Đánh giá của người dân", "Resident's rating"),
    "report.not_rated": ("Chưa có đánh giá.", "Not rated yet."),
    "report.stars": ("{score}/5 sao", "{score} out of 5 stars"),
    "report.reopened": (
        "Người dân chưa hài lòng và đã yêu cầu xử lý lại.",
        "The resident was not satisfied and reopened the report.",
    ),
    "report.helped": (
        "{yes} người theo dõi thấy kết quả có ích, {no} người thấy chưa.",
        "{yes} followers found the resolution helpful, {no} did not.",
    ),
    "report.back": ("Về danh sách", "Back to the list"),
    "report.not_found": ("Không tìm thấy phản ánh.", "No such report."),
    "score.title": ("Xếp hạng đơn vị xử lý", "Handling units ranked"),
    "score.intro": (
        "Điểm theo Quyết định 766/QĐ-TTg: đúng hạn (tối đa 20) và hài lòng (tối đa 18); "
        "tỷ lệ từ 90% được điểm tối đa.",
        "Points as in Decision 766/QĐ-TTg: timeliness (up to 20) and satisfaction (up to 18); "
        "a ratio of 90% or more earns full points.",
    ),
    "score.rank": ("Hạng", "Rank"),
    "score.unit": ("Đơn vị", "Unit"),
    "score.received": ("Tiếp nhận", "Received"),
    "score.resolved": ("Đã xử lý", "Resolved"),
    "score.on_time": ("Đúng hạn", "On time"),
    "score.with_extension": ("Trễ có gia hạn", "Late, extended"),
    "score.overdue_now": ("Đang quá hạn", "Overdue now"),
    "score.median": ("Số ngày làm việc để xử lý (trung vị)", "Working days to resolve (median)"),
    "score.p90": ("90% được xử lý trong (ngày làm việc)", "90% resolved within (working days)"),
    "score.late": ("Trễ hạn", "Late"),
    "score.rating": ("Điểm đánh giá TB", "Average rating"),
    "score.satisfaction": ("Hài lòng", "Satisfaction"),
    "score.points": ("Điểm", "Points"),
    "score.timeliness_points": ("Điểm đúng hạn /20", "Timeliness points /20"),
    "score.satisfaction_points": ("Điểm hài lòng /18", "Satisfaction points /18"),
    "score.no_cases": ("Chưa có phản ánh trong kỳ", "No report in the period"),
    "score.period": ("Kỳ", "Period"),
    "score.how": ("Cách tính", "How the figures are computed"),
    "score.how_text": (
        "Tỷ lệ đúng hạn = số phản ánh xử lý đúng hạn / tổng số phản ánh đơn vị tiếp nhận. "
        "Tỷ lệ hài lòng = (tổng số - không hài lòng - phản ánh lại - quá hạn) / tổng số. "
        "Thời gian tính theo ngày làm việc, không tính thời gian chờ người dân bổ sung.",
        "On-time rate = reports resolved on time / all reports the unit received. "
        "Satisfaction = (all - rated unsatisfied - re-raised - overdue) / all. "
        "Times are in working days, excluding time spent waiting for the resident.",
    ),
    "dept.figures": ("Số liệu trong kỳ", "Figures for the period"),
    "dept.by_month": ("Theo tháng", "By month"),
    "dept.chart_on_time": ("Tỷ lệ đúng hạn theo tháng", "On-time rate by month"),
    "dept.chart_satisfaction": ("Tỷ lệ hài lòng theo tháng", "Satisfaction by month"),
    "dept.chart_desc": (
        "Cột: tỷ lệ của tháng; đường đứt nét: mức 90% được điểm tối đa.",
        "Bars: the month's ratio; dashed line: 90%, the full-points level.",
    ),
    "dept.month": ("Tháng", "Month"),
    "dept.reports": ("Phản ánh của đơn vị", "This unit's reports"),
    "dept.not_found": ("Không tìm thấy đơn vị.", "No such unit."),
    "data.title": ("Dữ liệu mở", "Open data"),
    "data.intro": (
        "Các trường công khai của phản ánh (không có thông tin người gửi), "
        "cùng bộ lọc như trang danh sách. Thông tin cá nhân trong nội dung đã được che.",
        "The public fields of the reports (nothing about who sent them), with the same "
        "filters as the list. Personal data in the text is masked.",
    ),
    "data.csv": ("Tải CSV (UTF-8, mở được bằng Excel)", "Download CSV (UTF-8, opens in Excel)"),
    "data.geojson": ("Tải GeoJSON (bản đồ)", "Download GeoJSON (maps)"),
    "data.api": ("API công khai", "Public API"),
    "data.fields": ("Các trường", "Fields"),
    "event.submit": ("Người dân gửi phản ánh", "Report received"),
    "event.assign": ("Chuyển đơn vị xử lý", "Assigned to a unit"),
    "event.forward": ("Chuyển đơn vị khác xử lý", "Forwarded to another unit"),
    "event.accept": ("Đơn vị đã tiếp nhận", "Acknowledged by the unit"),
    "event.start": ("Bắt đầu xử lý", "Work started"),
    "event.update": ("Cập nhật tiến độ", "Progress update"),
    "event.resolve": ("Đã xử lý xong", "Resolved"),
    "event.return": ("Đơn vị trả lại để phân công lại", "Returned for reassignment"),
    "event.mark_duplicate": ("Trùng phản ánh khác", "Duplicate of another report"),
    "event.close": ("Đóng phản ánh", "Closed"),
    "event.reopen": ("Mở lại theo yêu cầu của người dân", "Reopened by the resident"),
    "event.provide_info": ("Người dân bổ sung thông tin", "The resident added information"),
    "event.apology": ("Đơn vị xin lỗi vì chậm trễ", "The unit apologised for the delay"),
    "event.promise_missed": ("Không đúng hẹn đã xin lỗi", "The promised date was missed"),
    "event.merged_in": ("Gộp phản ánh trùng", "A duplicate was merged in"),
    "event.extension_decided": ("Được gia hạn", "Deadline extended"),
    "event.overdue": ("Quá hạn xử lý", "Overdue"),
    "error.title": ("Có lỗi", "Something is wrong"),
    "error.not_found": ("Không tìm thấy trang này.", "There is no such page."),
    "footer.privacy": (
        "Danh tính người phản ánh được bảo mật và không bao giờ được công khai.",
        "Reporters' identities are confidential and never published.",
    ),
    "footer.api": ("API và tài liệu", "API and documentation"),
}


def translate(key: str, lang: str, **params) -> str:
    vi, en = MESSAGES[key]
    text = en if lang == "en" else vi
    return text.format(**params) if params else text
