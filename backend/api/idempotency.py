"""``Idempotency-Key`` on the residents' POSTs (the store: backend.services.idempotency).

A view that creates something carries :func:`idempotent` (innermost, under the auth and
argument decorators) and ends with :func:`answer` instead of ``commit(); jsonify(...)``:

* with the header, the key is claimed and committed first (its own short transaction,
  so a second request in any worker sees it); the view's work and its answer are then
  committed together; a retry gets that answer again, with ``Idempotent-Replayed: true``;
* with ``implicit=True`` (report submission) and no header, a request identical to one
  the resident sent within ``DUPLICATE_SUBMISSION_SECONDS`` is answered the same way;
* a request that fails (any error answer) releases its key: nothing was done, and a
  corrected request may use the key again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, g, request

from backend.auth import current_resident
from backend.db import commit, rollback, utcnow
from backend.models import Resident
from backend.services import idempotency

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_CLAIM = "idempotency_claim"

#: The OpenAPI header parameter of every idempotent route: ``@blp.doc(parameters=[...])``.
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.MAX_KEY_LENGTH,
        "pattern": "^[\\x20-\\x7E]+$",
    },
    "description": (
        "A key the app makes up for one logical request (a UUID), sent again unchanged "
        "with each retry. For 24 hours the same key gets the first answer again (same "
        "status and body, header `Idempotent-Replayed: true`) and the work is never "
        "done twice; while the first is still running: 409 `idempotency_in_progress`; "
        "the key with a different request: 422 `idempotency_key_reused`; a malformed "
        "key: 422 `invalid_idempotency_key`."
    ),
}


#: Bodies read by their fields: a multipart body's boundary changes from one send to the
#: next, and a form already parsed (``request.values`` read before the view, as Open311's
#: ``api_key`` is) has no bytes left to read.
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _parts() -> list[tuple[str, bytes]]:
    """The body as (name, bytes) parts: a form by its fields and files, anything else byte
    for byte."""
    if request.mimetype not in FORMS:
        return [("body", request.get_data(cache=True))]
    parts = [(name, value.encode()) for name, value in request.form.items(multi=True)]
    for name, upload in request.files.items(multi=True):
        data = upload.stream.read()
        upload.stream.seek(0)
        parts.append((f"{name}:{upload.filename or ''}", data))
    return parts


def _resident_owner() -> tuple[Resident, str]:
    return current_resident(), ""


def idempotent(
    view: Callable | None = None,
    *,
    implicit: bool = False,
    owner: Callable[[], tuple[Resident, str]] = _resident_owner,
    content_type: Callable[[], str] | None = None,
) -> Callable:
    """Make a POST idempotent (see the module). ``owner`` gives the account the store keeps
    the key under and a prefix for it (a staff POST keeps its keys under another account,
    namespaced by the staff member: ``backend.api.operator_intake``; an Open311 client's
    under its application's). ``content_type`` gives a replay's (a view answering XML,
    with :func:`answer_text`); JSON by default."""
    if view is None:
        return functools.partial(
            idempotent, implicit=implicit, owner=owner, content_type=content_type
        )

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        raw = request.headers.get(HEADER)
        window = current_app.config.get("DUPLICATE_SUBMISSION_SECONDS", 0)
        if raw is None and not (implicit and window > 0):
            return view(*args, **kwargs)
        (resident, prefix), now = owner(), utcnow()
        fingerprint = idempotency.fingerprint(request.method, request.path, _parts())
        if raw is not None:
            key, ttl = prefix + idempotency.explicit_key(raw), idempotency.KEY_TTL
        else:
            key, ttl = idempotency.implicit_key(fingerprint), timedelta(seconds=window)
        outcome = idempotency.claim(resident, key, fingerprint, now, ttl)
        if isinstance(outcome, idempotency.Replay):
            rollback()
            response = current_app.response_class(
                outcome.body,
                status=outcome.status_code,
                content_type=content_type() if content_type else "application/json",
            )
            response.headers[REPLAYED_HEADER] = "true"
            return response
        commit()  # the claim, in its own short transaction: every worker sees it now
        setattr(g, _CLAIM, outcome)
        try:
            return view(*args, **kwargs)
        except BaseException:
            rollback()
            idempotency.release(outcome)
            commit()
            raise
        finally:
            g.pop(_CLAIM, None)

    return wrapper


def answer(body: object, status: int = 200):
    """Commit the view's work with its answer stored under the request's key, if any;
    the JSON response."""
    return answer_text(current_app.json.dumps(body) + "\n", status, "application/json")


def answer_text(text: str, status: int, content_type: str):
    """:func:`answer` for an answer already written (``content_type``: its type)."""
    claim = g.get(_CLAIM)
    if claim is not None:
        idempotency.complete(claim, status, text, utcnow())
    commit()
    return current_app.response_class(text, status=status, content_type=content_type)
