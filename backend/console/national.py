"""The national view (``/console/provinces``): the hosted provinces ranked by their
Decision 766 figures, for national staff (no province), each one linked to its
operations board (``/console/operations?province=<slug>``).

The ranking is :func:`backend.services.operations.provinces_ranked`, the computation
``GET /public/v1/provinces`` answers for the same period (by default the last 12 months).
"""

from __future__ import annotations

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l

from backend.console import Section, add_section, forms
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import utcnow
from backend.domain.roles import CITYWIDE_ROLES
from backend.localtime import local_date
from backend.schemas.stats import PeriodArgsSchema
from backend.services import operations, policy
from backend.services.statistics import Period


@bp.record_once
def _menu(state):
    add_section(
        state.app,
        Section(
            "console.national_page",
            _l("Provinces"),
            frozenset(CITYWIDE_ROLES),
            order=31,
            visible=policy.watches_provinces,
        ),
    )


@bp.get("/provinces")
@roles_required(*CITYWIDE_ROLES)
def national_page():
    raw = {k: request.args[k].strip() for k in ("from", "to") if request.args.get(k, "").strip()}
    args = forms.load(PeriodArgsSchema(), raw)
    now = utcnow()
    period = Period.chosen(args.get("date_from"), args.get("date_to"), local_date(now))
    items = operations.provinces_ranked(g.staff, period, now)
    dates = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return render_template(
        "console/national.html", items=items, dates=dates, chosen=raw, period=period
    )
