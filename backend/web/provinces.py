"""The portal for many provinces: each hosted province's own pages under ``/p/<slug>/``,
the province switcher in the header, and ``/provinces``, the national ranking.

The province's pages are the portal's own views (``backend.web.views``), registered a
second time under ``/p/<province>``: the province named in the path is taken into
``g.province`` before the view runs (an unknown one is the 404 page,
``province_not_found``), every view reads it through :func:`current_province`, and every
link a province page builds to a scoped page keeps the province (``url_defaults``). The
unprefixed pages stay what they were: every province.
"""

from __future__ import annotations

from flask import g, render_template, request, url_for

from backend.api import guards
from backend.api.caching import board_scope, register
from backend.db import utcnow
from backend.services import province_ref, public_provinces
from backend.web import views
from backend.web.ranking_chart import ranking_chart
from backend.web.scope import current_province
from backend.web.views import _period as chosen_period
from backend.web.views import bp

#: The portal's pages that exist once per province, by endpoint, with their paths.
SCOPED = {
    "board": "/",
    "scoreboard": "/departments",
    "department": "/departments/<code>",
    "open_data": "/open-data",
    "outlines": "/open-data/outlines.geojson",
    "export_csv": "/open-data/reports.csv",
    "export_geojson": "/open-data/reports.geojson",
}
_ENDPOINTS = {f"{bp.name}.{name}" for name in SCOPED}

for _name, _path in SCOPED.items():
    bp.add_url_rule(f"/p/<province>{_path}", endpoint=_name, view_func=getattr(views, _name))
# The brief's name for a province's scoreboard, as well as /p/<slug>/departments.
bp.add_url_rule("/p/<province>/scoreboard", endpoint="scoreboard", view_func=views.scoreboard)


@bp.url_value_preprocessor
def _take_province(endpoint, values) -> None:
    # URL value preprocessors run before the before_request guards: refuse a NUL or a
    # broken character in the path here first, as on every other route (422, not 404).
    guards.refuse_unstorable_url()
    slug = values.pop("province", None) if values else None
    g.province = province_ref.find(slug) if slug is not None else None


@bp.url_defaults
def _keep_province(endpoint, values) -> None:
    province = current_province()
    if province is not None and endpoint in _ENDPOINTS and "province" not in values:
        values["province"] = province.slug


@bp.context_processor
def _switcher() -> dict:
    """What the header's province switcher offers: every province, or one (this page
    again where the page exists per province, else the province's board)."""
    endpoint = request.endpoint if request.endpoint in _ENDPOINTS else f"{bp.name}.board"
    if endpoint == f"{bp.name}.department":
        endpoint = f"{bp.name}.scoreboard"  # a unit belongs to one province
    provinces = province_ref.hosted_provinces()
    return {
        "province": current_province(),
        "provinces": [(p, url_for(endpoint, province=p.slug)) for p in provinces],
        "all_provinces_url": url_for(endpoint, province=None),
    }


@bp.get("/provinces")
def ranking():
    """The hosted provinces ranked by their Decision 766 points over the period."""
    period = chosen_period()
    entries = public_provinces.ranking(period, utcnow())
    return render_template(
        "portal/provinces.html",
        lang=g.lang,
        entries=entries,
        period=period,
        chart=ranking_chart([(e["province"]["name"], e["figures"]["points"]) for e in entries]),
    )


# The ranking is answered from the shared cache like the scoreboard (backend.api.caching).
register(bp, {"ranking": board_scope})
