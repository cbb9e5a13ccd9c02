"""The report actions the console offers: for each staff action, how its form is read and
which one workflow service it calls.

The form fields are read by the staff API's own schemas (the same limits and messages);
``policy.allowed_actions`` decides which forms the page shows and the service decides
again when one is posted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from werkzeug.datastructures import FileStorage, MultiDict

from backend.api.common import uploaded_photos
from backend.console import forms
from backend.errors import ValidationFailed
from backend.models import Report, StaffUser
from backend.schemas.sla import (
    ApologySchema,
    ExtensionDecisionSchema,
    ExtensionRequestSchema,
    QuestionSchema,
)
from backend.schemas.staff import (
    AssigneeSchema,
    DuplicateSchema,
    ForwardSchema,
    NoteSchema,
    OptionalNoteSchema,
    ReasonSchema,
)
from backend.services import workflow
from backend.services.policy import StaffAction as A

Run = Callable[[StaffUser, Report, datetime, dict], Report]


class _Nothing(Schema):
    pass


@dataclass(frozen=True)
class ConsoleAction:
    action: A
    label: object  # a lazy msgid
    schema: type[Schema]
    run: Run
    done: object  # the flash message once done


def _resolve(staff, report, now, args):
    limit = current_app.config["MAX_PHOTOS_PER_REPORT"]
    return workflow.resolve(staff, report, now, args["response"], args["photos"], max_photos=limit)


ACTIONS: dict[A, ConsoleAction] = {
    a.action: a
    for a in (
        ConsoleAction(
            A.ACCEPT,
            _l("Accept"),
            _Nothing,
            lambda s, r, now, args: workflow.accept(s, r, now),
            _l("Accepted: the unit has acknowledged the report."),
        ),
        ConsoleAction(
            A.START,
            _l("Start handling"),
            OptionalNoteSchema,
            lambda s, r, now, args: workflow.start(s, r, now, args.get("note")),
            _l("Handling started."),
        ),
        ConsoleAction(
            A.UPDATE,
            _l("Post a progress update"),
            NoteSchema,
            lambda s, r, now, args: workflow.post_update(s, r, now, args["note"]),
            _l("The progress update is published."),
        ),
        ConsoleAction(
            A.RESOLVE,
            _l("Resolve with the public answer"),
            _Nothing,  # the answer and the uploaded files: read by parse()
            _resolve,
            _l("Resolved: the answer is published and the resident is told."),
        ),
        ConsoleAction(
            A.RETURN,
            _l("Return to the coordinator"),
            ReasonSchema,
            lambda s, r, now, args: workflow.return_to_coordinator(s, r, now, args["reason"]),
            _l("Returned to the coordinator."),
        ),
        ConsoleAction(
            A.FORWARD,
            _l("Forward to a unit"),
            ForwardSchema,
            lambda s, r, now, args: workflow.forward(
                s, r, now, args["department"], args.get("note")
            ),
            _l("Forwarded."),
        ),
        ConsoleAction(
            A.REJECT,
            _l("Reject"),
            ReasonSchema,
            lambda s, r, now, args: workflow.reject(s, r, now, args["reason"]),
            _l("Rejected, with the public reason."),
        ),
        ConsoleAction(
            A.DUPLICATE,
            _l("Mark as duplicate of another report"),
            DuplicateSchema,
            lambda s, r, now, args: workflow.mark_duplicate(s, r, now, args["original"]),
            _l("Merged into the original report."),
        ),
        ConsoleAction(
            A.CLOSE,
            _l("Close"),
            _Nothing,
            lambda s, r, now, args: workflow.close(s, r, now),
            _l("Closed."),
        ),
        ConsoleAction(
            A.REQUEST_INFO,
            _l("Ask the resident for information"),
            QuestionSchema,
            lambda s, r, now, args: workflow.request_info(s, r, now, args["question"]),
            _l("The question is sent; the clocks stop until the resident answers."),
        ),
        ConsoleAction(
            A.REQUEST_EXTENSION,
            _l("Ask for an extension"),
            ExtensionRequestSchema,
            lambda s, r, now, args: workflow.request_extension(
                s, r, now, args["reason"], args["proposed_date"]
            ),
            _l("The extension request is sent to the coordinator."),
        ),
        ConsoleAction(
            A.DECIDE_EXTENSION,
            _l("Decide the extension request"),
            ExtensionDecisionSchema,
            lambda s, r, now, args: workflow.decide_extension(
                s, r, now, args["extension_id"], approve=args["approve"], note=args.get("note")
            ),
            _l("The extension request is decided."),
        ),
        ConsoleAction(
            A.APOLOGISE,
            _l("Publish an apology with a new promised date"),
            ApologySchema,
            lambda s, r, now, args: workflow.apologise(
                s, r, now, args["reason"], args["promised_date"]
            ),
            _l("The apology and the new promised date are published."),
        ),
        ConsoleAction(
            A.ASSIGN_OFFICER,
            _l("Give to an officer"),
            AssigneeSchema,
            lambda s, r, now, args: workflow.assign_officer(s, r, now, args["officer"]),
            _l("The officer is set."),
        ),
    )
}


def _photos(form_files: MultiDict) -> list:
    """The chosen files; a file input left empty sends a nameless empty part: not a photo."""
    chosen = [f for f in form_files.getlist("photos") if isinstance(f, FileStorage) and f.filename]
    return uploaded_photos(chosen)


def parse(action: A, form: MultiDict, files: MultiDict) -> dict:
    """The posted form as the action's arguments; bad input is a ValidationFailed."""
    data = {key: value for key, value in form.items() if key not in ("csrf_token", "version")}
    if action == A.RESOLVE:
        response = (data.get("response") or "").strip()
        if not response:
            raise ValidationFailed(fields={"response": ["Missing data for required field."]})
        return {"response": response, "photos": _photos(files)}
    if action == A.DECIDE_EXTENSION:
        raw = str(data.pop("extension_id", ""))
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:  # "²".isdigit()
            raise ValidationFailed(fields={"extension_id": ["Not a valid integer."]})
        return {**forms.load(ACTIONS[action].schema(), data), "extension_id": int(raw)}
    if action == A.ASSIGN_OFFICER and "officer" in data:
        # The select's "nobody" is an empty value; a form without the field at all is
        # refused by the schema (never read as "take it back").
        data["officer"] = data["officer"].strip() or None
    if action in (A.START, A.FORWARD) and not (data.get("note") or "").strip():
        data.pop("note", None)
    return forms.load(ACTIONS[action].schema(), data)
