"""The desk: the reports the signed-in person works on (placeholder, filled in below)."""

from __future__ import annotations

from flask import render_template

from backend.console.views import bp


@bp.get("/desk")
def desk():
    return render_template("console/desk.html")
