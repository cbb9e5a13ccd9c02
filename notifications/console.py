"""The staff notifications inbox in the console (``/console/notifications``).

The same rows as the staff push and the JSON staff inbox (``/staff/v1/inbox``), newest
first, in the page's language, with a menu entry whose badge is the signed-in person's
unread count.

Reading state changes only by POST (with the console's CSRF token), never by GET: a GET
may be sent by a link preview, a prefetch, a reload of the history or another site's
``<img>``, none of which means the person read anything. So each entry's title is a plain
link to the report's console page (opening it, in this tab or a new one, marks nothing),
and an unread entry has one form with two buttons: "Mark read and open the report" (marks
it read, then 303 to the report) and "Mark read" (back to the same inbox page). "Mark all
as read" is a POST form too. Only one's own notifications can be marked: another
person's id answers the console's 404 page, exactly as an id that does not exist.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from backend.console import Section, add_section, blueprint
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.errors import ValidationFailed
from notifications import services
from notifications.templates import render

bp = blueprint("notifications_console", __name__, "/notifications", template_folder="templates")

PAGE_SIZE = 20
MAX_PAGE = 100_000


@bp.record_once
def _menu(state) -> None:
    add_section(
        state.app,
        Section(
            "notifications_console.inbox",
            _l("Notifications"),
            frozenset(Role),
            badge=lambda staff, now: services.unread_count(staff),
            order=80,
            badge_label=lambda n: ngettext("%(num)d unread", "%(num)d unread", n),
        ),
    )


def _page_number(raw: str | None) -> int:
    """``page`` from the query or a form: a whole number from 1, else a 422 page."""
    raw = "1" if raw in (None, "") else raw
    if raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= MAX_PAGE:
        return int(raw)
    raise ValidationFailed(fields={"page": [f"A whole number from 1 to {MAX_PAGE}."]})


def report_url(code: str) -> str:
    """The report's console page (``console.report``; its path while that page is not
    registered, so the inbox never breaks on a link)."""
    if "console.report" in current_app.view_functions:
        return url_for("console.report", code=code)
    return f"/console/reports/{quote(code)}"


def _item(row) -> dict:
    code = row.report.code
    title, body = render(row.kind, row.params, g.get("lang", "vi"), code)
    return {
        "id": row.id,
        "title": title,
        "body": body,
        "code": code,
        "url": report_url(code),
        "created_at": row.created_at,
        "read": row.read_at is not None,
        "urgent": row.urgent,
    }


@bp.get("")
def inbox():
    number = _page_number(request.args.get("page"))
    page = services.inbox(g.staff, number, PAGE_SIZE)
    pages = max(1, -(-page.total // PAGE_SIZE))
    return render_template(
        "console/notifications/inbox.html",
        items=[_item(row) for row in page.items],
        page=number,
        pages=pages,
        total=page.total,
        unread=services.unread_count(g.staff),
    )


@bp.post("/<int:notification_id>/read")
def read(notification_id: int):
    number = _page_number(request.form.get("page"))
    row = services.mark_read(g.staff, notification_id, utcnow())  # not one's own: 404
    code = row.report.code
    commit()
    if request.form.get("then") == "report":
        return redirect(report_url(code), 303)
    flash(_("Marked as read."), "success")
    return redirect(url_for(".inbox", page=number if number > 1 else None), 303)


@bp.post("/read-all")
def read_all():
    services.mark_all_read(g.staff, utcnow())
    commit()
    flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for(".inbox"), 303)
