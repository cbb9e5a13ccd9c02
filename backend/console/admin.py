"""The administrators' console landing page (``/console/admin``): links to the
administration pages that exist in this deployment.

Each administration page lives in its own module (``admin_units``, ``admin_staff``,
``admin_boundaries``, ``admin_routing``, ``admin_catalogue`` ...) with routes on the console
blueprint; this page lists those whose endpoint is registered, so a module can be added
or left out without touching this one.
"""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from backend.console import Section, add_section
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.domain.roles import Role

#: (endpoint, label, what it is for): the administration pages, in menu order.
PAGES = (
    ("console.admin_units", _l("Units"), _l("Handling units: names, supervisors, areas served")),
    ("console.admin_staff", _l("Staff"), _l("Staff accounts: roles, units, passwords")),
    (
        "console.admin_routing",
        _l("Routing rules"),
        _l("Which unit gets a report, and a tester"),
    ),
    (
        "console.admin_catalogue",
        _l("Categories and deadlines"),
        _l("Categories, SLA policies and the calendar"),
    ),
    ("console.admin_sla", _l("SLA policies"), None),
    ("console.admin_calendar", _l("Working calendar"), None),
    (
        "console.admin_boundaries",
        _l("Administrative units"),
        _l("Import communes and wards from a GeoJSON file"),
    ),
    (
        "console.admin_open311",
        _l("Open311 keys"),
        _l("API keys of the client applications that post through Open311"),
    ),
)


@bp.record_once
def _menu(state):
    add_section(
        state.app, Section("console.admin", _l("Administration"), frozenset({Role.ADMIN}), order=90)
    )


@bp.app_template_global()
def admin_pages() -> list[dict]:
    """The administration pages registered in this app, with their URLs."""
    return [
        {"endpoint": endpoint, "url": url_for(endpoint), "label": label, "hint": hint}
        for endpoint, label, hint in PAGES
        if endpoint in current_app.view_functions
    ]


@bp.get("/admin")
@roles_required(Role.ADMIN)
def admin():
    return render_template("console/admin/index.html", pages=admin_pages())
