"""The console's blueprint, its layout's data, and the home page."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from backend.console import Section, add_section, sections
from backend.console.guard import protect
from backend.db import utcnow
from backend.domain.roles import CITYWIDE_ROLES, DEPARTMENT_ROLES, Role

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
protect(bp)

#: Where each role starts its day.
HOME = {
    Role.DEPARTMENT_HEAD: "console.desk",
    Role.DEPARTMENT_OFFICER: "console.desk",
    Role.COORDINATOR: "console.triage",
    Role.ADMIN: "console.triage",
    Role.MODERATOR: "moderation_console.queue",
    Role.OPERATOR: "console.intake",
}


@bp.record_once
def _menu(state):
    app = state.app
    add_section(app, Section("console.desk", _l("Desk"), frozenset(DEPARTMENT_ROLES), order=10))
    add_section(app, Section("console.triage", _l("Triage"), frozenset(CITYWIDE_ROLES), order=10))
    add_section(
        app,
        Section("console.desk", _l("All reports"), frozenset(CITYWIDE_ROLES), order=20),
    )


def new_badge_label(n: int) -> str:
    """A menu badge's meaning when its section gives none."""
    return ngettext("%(num)d new", "%(num)d new", n)


@bp.app_context_processor
def _layout():
    if not request.path.startswith("/console") or g.get("staff") is None:
        return {}
    staff, now = g.staff, utcnow()
    menu = []
    for section in sections(current_app, staff):
        if section.endpoint not in current_app.view_functions:
            continue
        badge = section.badge(staff, now) if section.badge else None
        spoken = (section.badge_label or new_badge_label)(badge) if badge else None
        menu.append(
            {
                "url": url_for(section.endpoint),
                "label": section.label,
                "badge": badge,
                "badge_label": spoken,
                "current": request.endpoint == section.endpoint,
            }
        )
    return {"console_menu": menu, "staff": staff}


@bp.get("/")
def home():
    endpoint = HOME.get(g.staff.role, "console.desk")
    if endpoint not in current_app.view_functions:
        endpoint = "console.desk"
    return redirect(url_for(endpoint))


_ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.MODERATOR: _l("Moderator"),
    Role.DEPARTMENT_HEAD: _l("Head of unit"),
    Role.DEPARTMENT_OFFICER: _l("Officer"),
    Role.OPERATOR: _l("Operator"),
}


@bp.app_template_global()
def role_label(role: str) -> str:
    return str(_ROLE_LABELS.get(Role(role), role))


@bp.app_template_global()
def event_label(kind: str) -> str:
    from backend.console.labels import event_label as label

    return label(kind)
