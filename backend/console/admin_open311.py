"""Open311 API keys in the administrators' console (``/console/admin/open311``): the
client applications with their keys' prefixes, a form to issue a key, and a revoke
button per key.

A new key is shown once, on the page that answers the form's POST (never in a URL, a
flash message or any cookie: the console's pages are ``no-store``); only its SHA-256 is
kept. Every form calls :mod:`backend.services.open311_clients`, as the ``flask open311``
command does; who may is the access policy's ``may_manage_open311_keys`` (administrators;
a province's administrator the keys of their province only).

The issue form carries a one-time nonce (``form_nonce``): the browser's reload of the
page that showed a key (which posts the same form again) or a double click issues no
second key but answers a page saying the form was used and the key shown then (409).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from backend.console.admin_forms import refused
from backend.console.guard import error_page, roles_required
from backend.console.views import bp
from backend.db import commit, rollback, utcnow
from backend.domain.roles import Role
from backend.errors import DomainError
from backend.services import open311_clients, policy, provinces

TEMPLATE = "console/admin/open311.html"
LABELS = {
    "name": _l("Application"),
    "contact": _l("Contact"),
    "province": _l("Province"),
}
#: What a refused field says next to it (the service names the field; the form says why).
FIELD_MESSAGES = {
    "name": (_l("Enter the application's name"), _l("At most 200 characters")),
    "contact": (None, _l("At most 500 characters")),
}


def _field_errors(error: DomainError, form) -> dict[str, str]:
    """A message per refused field of the form, in the page's language."""
    found = {}
    for field in error.fields or {}:
        if field in FIELD_MESSAGES:
            empty, long = FIELD_MESSAGES[field]
            typed = (form.get(field) or "").strip()
            found[field] = str(empty if empty is not None and not typed else long)
        elif field == "province":
            found[field] = error.in_language(g.get("lang", "vi"))
    return found


def _page(**extra) -> dict:
    own = policy.province_scope(g.staff)
    hosted = provinces.hosted()
    return {
        "clients": open311_clients.listing(g.staff),
        "provinces": [p for p in hosted if own is None or p.id == own],
        "national": own is None,
        "values": None,
        "field_errors": {},
        "form_nonce": open311_clients.new_form_nonce(),
        **extra,
    }


def _allowed() -> bool:
    return policy.may_manage_open311_keys(g.staff)


@bp.get("/admin/open311")
@roles_required(Role.ADMIN)
def admin_open311():
    if not _allowed():
        return error_page(404, "not_found")
    return render_template(TEMPLATE, **_page())


@bp.post("/admin/open311")
@roles_required(Role.ADMIN)
def admin_open311_issue():
    """Issue a key; the answer (not a redirect) is the only page that shows it."""
    if not _allowed():
        return error_page(404, "not_found")
    form = request.form
    try:
        client, raw = open311_clients.issue(
            g.staff,
            form.get("name", ""),
            utcnow(),
            contact=form.get("contact") or None,
            province=form.get("province") or None,
            form_nonce=form.get("form_nonce", ""),
        )
    except open311_clients.IssueFormUsed as used:
        rollback()
        return render_template("console/admin/open311_used.html", client=used.client), 409
    except open311_clients.InvalidFormNonce as error:
        rollback()
        return error_page(400, error.code, error.in_language(g.get("lang", "vi")))
    except DomainError as error:
        fields = _field_errors(error, form)
        if not fields:
            return refused(TEMPLATE, error, LABELS.get, **_page(values=form))
        rollback()
        page = render_template(
            TEMPLATE,
            error=_("Nothing was issued: correct the fields marked below."),
            error_fields=set(fields),
            **_page(values=form, field_errors=fields),
        )
        return page, error.status
    commit()
    return render_template("console/admin/open311_issued.html", client=client, key=raw)


@bp.post("/admin/open311/<int:client_id>/revoke")
@roles_required(Role.ADMIN)
def admin_open311_revoke(client_id):
    """Revokes on a ticked "I am sure" box only (one click revokes nothing)."""
    if not _allowed():
        return error_page(404, "not_found")
    client = open311_clients.get(g.staff, client_id)  # the 404 page for an unknown key
    if request.form.get("confirm") != "yes":
        flash(
            _("Tick “I am sure” to revoke the key %(prefix)s.", prefix=client.key_prefix), "error"
        )
        return redirect(url_for("console.admin_open311", _anchor=f"client-{client.id}"))
    open311_clients.revoke(g.staff, client_id, utcnow())
    commit()
    flash(
        _(
            "Key %(prefix)s of %(name)s revoked: the application can no longer post.",
            prefix=client.key_prefix,
            name=client.name,
        ),
        "success",
    )
    return redirect(url_for("console.admin_open311", _anchor=f"client-{client.id}"))
