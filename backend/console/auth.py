"""Signing in and out of the console, and the signed-in person's sessions."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from backend import limits
from backend.console.guard import SESSION_KEY, lifetimes, safe_next
from backend.console.views import bp
from backend.db import commit, utcnow
from backend.errors import DomainError
from backend.services import accounts, staff_sessions

#: Longest username and password the form reads (anything longer is a wrong answer).
MAX_FIELD = 256


@bp.route("/login", methods=["GET", "POST"])
def login():
    if g.staff is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    error = None
    username = (request.form.get("username") or "")[:MAX_FIELD]
    if request.method == "POST":
        password = (request.form.get("password") or "")[:MAX_FIELD]
        limits.login_attempt(username)  # 429 page with Retry-After when throttled
        try:
            staff = accounts.staff_login(username, password)
        except DomainError:
            limits.login_failed(username)
            error = _("Wrong username or password.")
        else:
            limits.login_succeeded(username)
            token, _row = staff_sessions.open_session(
                staff, utcnow(), lifetimes(), request.user_agent.string
            )
            commit()
            session.clear()  # no fixation: a fresh session (and CSRF secret) after sign-in
            session.permanent = True
            session[SESSION_KEY] = token
            return redirect(safe_next(request.form.get("next")))
    status = 401 if error else 200
    page = render_template(
        "console/login.html",
        error=error,
        username=username,
        next=safe_next(request.values.get("next")),
    )
    return page, status


@bp.post("/logout")
def logout():
    if g.console_session is not None:
        staff_sessions.close(g.console_session, utcnow())
        commit()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("console.login"))


@bp.post("/logout-everywhere")
def logout_everywhere():
    ended = staff_sessions.close_all(g.staff, utcnow())
    commit()
    session.clear()
    flash(
        ngettext(
            "You are signed out on every device (%(num)d session) and every API token.",
            "You are signed out on every device (%(num)d sessions) and every API token.",
            ended,
        ),
        "info",
    )
    return redirect(url_for("console.login"))


@bp.get("/account")
def account():
    rows = staff_sessions.live_sessions(g.staff, utcnow())
    return render_template("console/account.html", sessions=rows, current=g.console_session)
