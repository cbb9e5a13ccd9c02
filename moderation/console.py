"""The moderation queue in the staff console: ``/console/moderation``.

The queue lists the held reports oldest first, each with its automatic findings marked
in its text (:mod:`moderation.highlight`), its photos and the open reports nearby it may
duplicate, and a "find a report by its code" form (any report: a published one's photo
may need hiding too). A report's page (``/console/moderation/<code>``) shows its photos
before and after, hidden ones too (:mod:`moderation.console_photos`), its history with
each entry named and its texts labelled (:mod:`moderation.history`), and offers every
moderation action as a form; each form is read with the moderator API's own schema and
calls the same one service as the API (:mod:`moderation.services`), then commits and
redirects.

Every form carries the report's version: a report someone acted on since the page was
built is not touched; the page says so and shows it as it is now. The decisions
(approve, refuse, ask the resident, merge) are made on held reports only: one decided
meanwhile answers that it was. Editing the public text, hiding a photo and locking the
reporter stay open after the decision, as in the API. Only the moderation roles open
these pages; anyone else gets the console's 404 page.

What the console asks beyond the API (its forms are filled by hand; the JSON API is
unchanged):

- refusing a report and locking a reporter need their form's "I confirm" box ticked
  (``confirm=yes``, checked here, not only by the browser): without it nothing changes
  and the page says so (422);
- the refusal's reason has no default: the moderator picks one;
- merging into a report of another category is refused with a warning naming both
  categories unless the form's "merge anyway" box (``merge_anyway=yes``) is ticked: the
  suggestions nearby are always of the same category, a code typed in may not be.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from marshmallow import Schema, ValidationError
from sqlalchemy.orm.exc import StaleDataError

from backend import console
from backend.console.guard import roles_required
from backend.db import commit, db, rollback, utcnow
from backend.errors import ConcurrentUpdate, DomainError, NotFound, ValidationFailed
from backend.models import Report, StaffUser
from backend.schemas.common import PageArgsSchema
from backend.schemas.sla import QuestionSchema
from backend.schemas.staff import DuplicateSchema, OptionalNoteSchema, ReasonSchema
from backend.services import lookup, policy
from backend.services.policy import StaffAction
from moderation import console_forms as forms
from moderation import console_photos, services
from moderation.console_view import category_name, shown
from moderation.history import REJECT_REASONS
from moderation.schemas import PublicTextSchema, RejectSchema
from moderation.services import RejectReason

bp = console.blueprint("moderation_console", __name__, "/moderation", template_folder="templates")
MODERATORS = tuple(policy.MODERATION_ROLES)
PAGE_SIZE = 20
#: The longest text the "find a report" form looks up (a code is 14 characters).
CODE_MAX = 32


def _badge(staff: StaffUser, now: datetime) -> int:
    return services.held_count(staff)


def _held_label(n: int) -> str:
    return ngettext("%(num)d report held for moderation", "%(num)d reports held for moderation", n)


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
            badge_label=_held_label,
        ),
    )


# ---- the queue, finding a report, a report's page and its photos --------------------------


def _queue_page(*, status: int = 200, typed_code: str = ""):
    staff, now = g.staff, utcnow()
    try:
        args = PageArgsSchema().load({"page": request.args.get("page") or 1})
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.messages) from exc
    page = services.queue(staff, args["page"], PAGE_SIZE)
    nearby = services.similar_reports(page.items, now)  # one search for the whole page
    body = render_template(
        "console/moderation/queue.html",
        page=page,
        pages=max(1, math.ceil(page.total / PAGE_SIZE)),
        items=[shown(staff, report, now, nearby[report.id]) for report in page.items],
        typed_code=typed_code,
    )
    return body, status


@bp.get("")
@roles_required(*MODERATORS)
def queue():
    return _queue_page()


@bp.get("/find")
@roles_required(*MODERATORS)
def find():
    """The queue's "find a report" form (GET): on to the report's moderation page."""
    typed = (request.args.get("code") or "").strip()[:CODE_MAX]
    report = lookup.by_code(typed) if typed else None
    if report is not None and policy.may_read(g.staff, report):
        return redirect(url_for(".report", code=report.code))
    if typed:
        flash(_("No report has the tracking code “%(code)s”.", code=typed), "error")
        return _queue_page(status=404, typed_code=typed)
    flash(_("Type the tracking code of the report you are looking for."), "error")
    return _queue_page(status=422)


def _page(
    staff: StaffUser,
    report: Report,
    now: datetime,
    *,
    status=200,
    typed=None,
    failed=None,
    error=None,
):
    item = shown(staff, report, now)

    def may(action: StaffAction) -> bool:
        refused = policy.refusal(staff, action, report, now, moderating=True)
        return item["held"] and refused is None

    page = render_template(
        "console/moderation/report.html",
        item=item,
        report=report,
        reporter=report.reporter,
        reasons=REJECT_REASONS,
        may_reject=may(StaffAction.REJECT),
        may_ask=may(StaffAction.REQUEST_INFO),
        may_merge=may(StaffAction.DUPLICATE),
        typed=typed or {},
        failed=failed,
        error_code=error.code if error is not None else None,
    )
    return page, status


@bp.get("/<code>", endpoint="report")
@roles_required(*MODERATORS)
def report_page(code):
    staff = g.staff
    return _page(staff, services.get(staff, code), utcnow())


@bp.get("/<code>/photos/<int:photo_id>/<any(thumb, display):size>", endpoint="photo_file")
@roles_required(*MODERATORS)
def photo_file(code, photo_id, size):
    """A photo of the report for the moderator, hidden or not (never a public copy)."""
    return console_photos.photo_response(services.get(g.staff, code), photo_id, size)


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
    confirm: bool = False  # the form's "I confirm" box must be ticked


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
    original = lookup.by_code(args["original"])
    differs = original is not None and original.category_id != report.category_id
    if differs and not args["merge_anyway"]:
        raise forms.CategoryDiffers(
            params={
                "original": original.code,
                "theirs": category_name(original),
                "ours": category_name(report),
            },
            fields={"merge_anyway": ["Another category."]},
        )
    services.merge(staff, report, now, args["original"])
    target = db.session.get(Report, report.duplicate_of_id)
    return _("%(code)s merged into %(original)s.", code=report.code, original=target.code)


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
    _Action("reject", "reject", RejectSchema, _reject, True, confirm=True),
    _Action("request_info", "request-info", QuestionSchema, _ask, True),
    _Action("merge", "merge", DuplicateSchema, _merge, True),
    _Action("public_text", "public-text", PublicTextSchema, _edit, False),
    _Action("hide_photo", "photos/<int:photo_id>/hide", ReasonSchema, _hide, False),
    _Action("show_photo", "photos/<int:photo_id>/show", ReasonSchema, _show, False),
    _Action("lock_reporter", "lock-reporter", ReasonSchema, _lock, False, confirm=True),
    _Action("unlock_reporter", "unlock-reporter", ReasonSchema, _unlock, False),
)


def _act(action: _Action, code: str, **url):
    staff, now = g.staff, utcnow()
    report = services.get(staff, code)
    try:
        if action.decision and not services.is_held(report):
            raise _Decided()
        lookup.require_version(report, forms.version(request.form))
        given = forms.args(action.name, action.schema, request.form, confirm=action.confirm)
        done = action.run(staff, report, now, given, **url)
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
        return _page(staff, fresh, utcnow(), status=409, typed=forms.typed(url), failed=action.name)
    except DomainError as error:
        rollback()
        if isinstance(error, NotFound):
            raise
        flash(forms.message(error, action.name), "error")
        fresh = services.get(staff, code)
        return _page(
            staff,
            fresh,
            utcnow(),
            status=error.status,
            typed=forms.typed(url),
            failed=action.name,
            error=error,
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
