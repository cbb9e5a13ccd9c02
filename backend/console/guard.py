"""Sign-in and CSRF in front of every console page.

The console signs staff in with a session cookie (Flask's signed session, HttpOnly,
SameSite=Lax, Secure in production) holding a random session token checked against
``staff_sessions`` on every request: a signed-out, expired or idle session, or one whose
account was deactivated, stops at once, in every process. Every POST carries the form's
CSRF token (Flask-WTF), the sign-in form included.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.errors import DomainError
from backend.security import page_policy
from backend.services import staff_sessions

csrf = CSRFProtect()
#: Endpoints a signed-out browser may open.
OPEN_ENDPOINTS = frozenset({"console.login", "console.static"})
SESSION_KEY = "console_session"


def lifetimes() -> staff_sessions.Lifetimes:
    return staff_sessions.Lifetimes(
        absolute=timedelta(hours=current_app.config["CONSOLE_SESSION_HOURS"]),
        idle=timedelta(minutes=current_app.config["CONSOLE_IDLE_MINUTES"]),
    )


def _load_session() -> None:
    g.console_session = None
    g.staff = None
    row = staff_sessions.check(session.get(SESSION_KEY), utcnow(), lifetimes())
    if row is not None:
        g.console_session = row
        g.staff = row.staff
    commit()  # the session's last use (now and then), or its end when it expired


def _guard():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    _load_session()
    if g.staff is None and request.endpoint not in OPEN_ENDPOINTS:
        if request.method == "GET":
            return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("console.login"))
    return None


def protect(bp: Blueprint) -> None:
    bp.before_request(_guard)
    bp.after_request(_headers)


def _headers(response):
    # Pages show personal data: never cached by a browser or a proxy, never framed.
    # (nosniff, the frame and referrer policies: backend.security, on every answer.)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = page_policy()
    response.vary.add("Cookie")
    return response


def roles_required(*roles: Role):
    """A page only some roles open; anyone else gets the console's 404 page (as the API)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.staff.role not in roles:
                return error_page(404, "not_found")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a console page of this site (no open redirect).

    Control characters (a CR/LF would break the ``Location`` header: a 500) and a path
    that leaves ``/console`` once the browser resolves its dot segments (``/console/..``,
    also percent-encoded) or only starts like it (``/consolex``) lead home instead."""
    default = url_for("console.home")
    if not target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or target.startswith("//"):
        return default
    if parts.path != "/console" and not parts.path.startswith("/console/"):
        return default
    if {".", ".."} & set(unquote(parts.path).split("/")):
        return default
    return target


def _is_console() -> bool:
    return request.path == "/console" or request.path.startswith("/console/")


def error_page(status: int, code: str, message: str | None = None):
    from flask_babel import gettext

    if message is None:
        message = {
            404: gettext("This page does not exist, or you may not see it."),
            400: gettext("The request was not valid."),
        }.get(status, gettext("Something went wrong. Try again in a moment."))
    body = render_template("console/error.html", status=status, code=code, message=message)
    return _headers(current_app.response_class(body, status=status, mimetype="text/html"))


def register_errors(app: Flask) -> None:
    """Console errors as console pages (the APIs keep their JSON envelope)."""
    from flask_babel import gettext

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        if not _is_console():
            raise error
        message = gettext(
            "This form has expired or did not come from the console. Nothing was changed; "
            "open the page again and retry."
        )
        return error_page(400, "csrf_failed", message)

    previous = app.extensions.get("phananh_error_page")

    def page(status, code, vi, en, fields):
        if _is_console() and request.method != "OPTIONS":
            lang = g.get("lang", "vi")
            return error_page(status, code, None if status == 404 else (en if lang == "en" else vi))
        return previous(status, code, vi, en, fields) if previous else None

    app.extensions["phananh_error_page"] = page


__all__ = ["DomainError", "csrf", "error_page", "protect", "roles_required", "safe_next"]
