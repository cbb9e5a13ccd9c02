"""The moderation queue in the staff console: ``/console/moderation``.

The queue lists the held reports oldest first, each with its automatic findings marked
in its text (:mod:`moderation.highlight`), its photos and the open reports nearby it may
duplicate. A report's page (``/console/moderation/<code>``) offers every moderation
action as a form; each form is read with the moderator API's own schema and calls the
same one service as the API (:mod:`moderation.services`), then commits and redirects.

Every form carries the report's version: a report someone acted on since the page was
built is not touched; the page says so and shows it as it is now. The decisions
(approve, refuse, ask the resident, merge) are made on held reports only: one decided
meanwhile answers that it was. Editing the public text, hiding a photo and locking the
reporter stay open after the decision, as in the API. Only the moderation roles open
these pages; anyone else gets the console's 404 page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError
from sqlalchemy.orm.exc import StaleDataError

from backend import console
from backend.console.guard import roles_required
from backend.db import commit, rollback, utcnow
from backend.errors import ConcurrentUpdate, DomainError, NotFound, ValidationFailed
from backend.models import Report, StaffUser
from backend.schemas.common import PageArgsSchema
from backend.schemas.sla import QuestionSchema
from backend.schemas.staff import DuplicateSchema, OptionalNoteSchema, ReasonSchema
from backend.services import lookup, policy, read_model
from backend.services.policy import StaffAction
from backend.storage import public_url
from moderation import highlight, services
from moderation.schemas import PublicTextSchema, RejectSchema
from moderation.services import RejectReason

bp = console.blueprint("moderation_console", __name__, "/moderation", template_folder="templates")
MODERATORS = tuple(policy.MODERATION_ROLES)
PAGE_SIZE = 20

REJECT_REASONS = {
    RejectReason.SPAM: _l("Spam or advertising"),
    RejectReason.ABUSIVE: _l("Abusive or offensive content"),
    RejectReason.OUT_OF_SCOPE: _l("Out of scope (another procedure, or no problem on the ground)"),
    RejectReason.DUPLICATE: _l("Duplicate of another report"),
    RejectReason.INSUFFICIENT_INFORMATION: _l("Not enough information"),
}
FINDINGS = {
    "abusive_words": _l("Abusive words"),
    "personal_data": _l("Personal data"),
    "phone": _l("Phone number"),
    "email": _l("E-mail address"),
    "identity_number": _l("Identity number"),
    "profile_link": _l("Personal profile link"),
    "too_short": _l("Very short text"),
    "not_vietnamese": _l("Probably not in Vietnamese"),
    "new_resident": _l("One of the resident's first reports"),
}


def _badge(staff: StaffUser, now: datetime) -> int:
    return services.held_count()


def register(app) -> None:
    """The blueprint and its menu entry (from ``moderation.init_app``)."""
    app.register_blueprint(bp)
    console.add_section(
        app,
        console.Section(
            "moderation_console.queue",
            _l("Moderation"),
            frozenset(policy.MODERATION_ROLES),
            badge=_badge,
            order=15,
            badge_label=_l("%(n)d reports held for moderation"),
        ),
    )


# ---- what a page shows of a report --------------------------------------------------------


def _finding(flag: dict) -> dict:
    kind = flag.get("kind", "")
    detail = ""
    if kind == "abusive_words":
        detail = ", ".join(flag.get("words") or [])
    elif kind == "personal_data":
        detail = ", ".join(str(FINDINGS.get(t, t)) for t in flag.get("types") or [])
    elif kind == "new_resident":
        detail = _("%(n)d earlier reports", n=flag.get("earlier_reports", 0))
    return {
        "kind": kind,
        "label": str(FINDINGS.get(kind, kind)),
        "detail": detail,
        "in_address": flag.get("field") == "address",
    }


def _photo(photo) -> dict:
    return {
        "id": photo.id,
        "kind": photo.kind,
        "hidden": photo.hidden,
        "status": photo.rendition_status,
        "thumb_url": public_url(photo.thumb_key) if photo.thumb_key else None,
        "display_url": public_url(photo.display_key) if photo.display_key else None,
    }


def _shown(staff: StaffUser, report: Report, now: datetime) -> dict:
    view = read_model.build(staff, report, now)
    flags = report.moderation_flags or []
    titles = {kind: str(label) for kind, label in FINDINGS.items()}
    address = view.location["address"]
    return {
        "view": view,
        "held": services.is_held(report),
        "text": highlight.mark(view.description, highlight.spans(view.description, flags), titles),
        "address": highlight.mark(address, highlight.spans(address, flags, "address"), titles),
        "findings": [_finding(f) for f in flags],
        "photos": [_photo(p) for p in view.photos],
        "similar": services.similar(report, now),
    }


# ---- the queue and a report's page -----------------------------------------------------------


@bp.get("")
@roles_required(*MODERATORS)
def queue():
    staff, now = g.staff, utcnow()
    try:
        args = PageArgsSchema().load({"page": request.args.get("page") or 1})
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.messages) from exc
    page = services.queue(args["page"], PAGE_SIZE)
    return render_template(
        "console/moderation/queue.html",
        page=page,
        pages=max(1, math.ceil(page.total / PAGE_SIZE)),
        items=[_shown(staff, report, now) for report in page.items],
    )


def _page(staff: StaffUser, report: Report, now: datetime, *, status=200, typed=None, failed=None):
    shown = _shown(staff, report, now)

    def may(action: StaffAction) -> bool:
        refused = policy.refusal(staff, action, report, now, moderating=True)
        return shown["held"] and refused is None

    page = render_template(
        "console/moderation/report.html",
        item=shown,
        report=report,
        reporter=report.reporter,
        reasons=REJECT_REASONS,
        may_reject=may(StaffAction.REJECT),
        may_ask=may(StaffAction.REQUEST_INFO),
        may_merge=may(StaffAction.DUPLICATE),
        typed=typed or {},
        failed=failed,
    )
    return page, status


@bp.get("/<code>", endpoint="report")
@roles_required(*MODERATORS)
def report_page(code):
    staff = g.staff
    return _page(staff, services.get(staff, code), utcnow())


# ---- the actions ------------------------------------------------------------------------------


class _Decided(Exception):
    """The report is no longer held: a moderator decided on it meanwhile."""


@dataclass(frozen=True)
class _Action:
    name: str  # the endpoint, and the part of the URL after the code
    path: str
    schema: type[Schema]
    run: Callable[..., str]  # (staff, report, now, args, **url) -> the flash message
    decision: bool  # held reports only


def _approve(staff, report, now, args):
    services.approve(staff, report, now, args.get("note"))
    return _("%(code)s approved: it is public and on its way to the unit.", code=report.code)


def _reject(staff, report, now, args):
    services.reject(staff, report, now, RejectReason(args["reason"]), args["message"])
    return _("%(code)s refused; the resident reads your message.", code=report.code)


def _ask(staff, report, now, args):
    services.request_info(staff, report, now, args["question"])
    return _("Question sent to the resident; %(code)s waits for the answer.", code=report.code)


def _edit(staff, report, now, args):
    services.edit_public_text(staff, report, now, args["text"], args["reason"])
    return _("Public text saved; the resident's original is kept.")


def _merge(staff, report, now, args):
    services.merge(staff, report, now, args["original"])
    return _("%(code)s merged into %(original)s.", code=report.code, original=args["original"])


def _hide(staff, report, now, args, photo_id):
    services.hide_photo(staff, report, now, photo_id, args["reason"])
    return _("Photo hidden from the public.")


def _show(staff, report, now, args, photo_id):
    services.show_photo(staff, report, now, photo_id, args["reason"])
    return _("Photo shown again; its public copies are being made.")


def _lock(staff, report, now, args):
    services.set_reporter_lock(staff, report, now, locked=True, reason=args["reason"])
    return _("The reporter's account is locked and signed out everywhere.")


def _unlock(staff, report, now, args):
    services.set_reporter_lock(staff, report, now, locked=False, reason=args["reason"])
    return _("The reporter's account is unlocked.")


ACTIONS = (
    _Action("approve", "approve", OptionalNoteSchema, _approve, True),
    _Action("reject", "reject", RejectSchema, _reject, True),
    _Action("request_info", "request-info", QuestionSchema, _ask, True),
    _Action("merge", "merge", DuplicateSchema, _merge, True),
    _Action("public_text", "public-text", PublicTextSchema, _edit, False),
    _Action("hide_photo", "photos/<int:photo_id>/hide", ReasonSchema, _hide, False),
    _Action("show_photo", "photos/<int:photo_id>/show", ReasonSchema, _show, False),
    _Action("lock_reporter", "lock-reporter", ReasonSchema, _lock, False),
    _Action("unlock_reporter", "unlock-reporter", ReasonSchema, _unlock, False),
)


def _version(form) -> int:
    raw = form.get("version", "")
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed(fields={"version": ["Not a valid integer."]})
    return int(raw)


def _args(action: _Action, form) -> dict:
    data = {k: v for k, v in form.items() if k not in ("csrf_token", "version", "suggested")}
    if action.name == "approve" and not (data.get("note") or "").strip():
        data.pop("note", None)
    if action.name == "merge":  # a code typed in wins over a suggestion picked
        data["original"] = (data.get("original") or "").strip() or form.get("suggested", "")
    try:
        return action.schema().load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise ValidationFailed(
            fields={
                k: [str(m) for m in (v if isinstance(v, list) else [v])]
                for k, v in messages.items()
            }
        ) from exc


def _message(error: DomainError) -> str:
    text = error.message_en if g.get("lang") == "en" else error.message_vi
    if error.fields:
        details = "; ".join(f"{name}: {', '.join(map(str, m))}" for name, m in error.fields.items())
        text = f"{text} ({details})"
    return text


def _typed(url: dict) -> dict:
    """What the moderator typed, to fill the form again when the action was refused."""
    typed = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
    return {**typed, **{k: str(v) for k, v in url.items()}}


def _act(action: _Action, code: str, **url):
    staff, now = g.staff, utcnow()
    report = services.get(staff, code)
    try:
        if action.decision and not services.is_held(report):
            raise _Decided()
        lookup.require_version(report, _version(request.form))
        done = action.run(staff, report, now, _args(action, request.form), **url)
        commit()
    except _Decided:
        flash(
            _(
                "This report was decided meanwhile: it no longer waits for moderation, and "
                "nothing was changed. Here it is as it is now."
            ),
            "warning",
        )
        return _page(staff, report, utcnow(), status=409)
    except (ConcurrentUpdate, StaleDataError):
        rollback()
        flash(
            _(
                "Someone else acted on this report meanwhile; nothing was changed. Here it is "
                "as it is now: check it and act again if still needed."
            ),
            "warning",
        )
        fresh = services.get(staff, code)
        return _page(staff, fresh, utcnow(), status=409, typed=_typed(url), failed=action.name)
    except DomainError as error:
        rollback()
        if isinstance(error, NotFound):
            raise
        flash(_message(error), "error")
        fresh = services.get(staff, code)
        return _page(
            staff, fresh, utcnow(), status=error.status, typed=_typed(url), failed=action.name
        )
    flash(done, "success")
    if action.decision:  # on to the next held report
        return redirect(url_for(".queue"))
    return redirect(url_for(".report", code=report.code))


def _route(action: _Action):
    def view(code, **url):
        return _act(action, code, **url)

    view.__name__ = action.name
    bp.add_url_rule(
        f"/<code>/{action.path}",
        endpoint=action.name,
        view_func=roles_required(*MODERATORS)(view),
        methods=["POST"],
    )


for _action in ACTIONS:
    _route(_action)
