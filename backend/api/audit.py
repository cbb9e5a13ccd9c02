"""The audit log under ``/staff/v1/audit``: administrators search who did what."""

from __future__ import annotations

from flask import request
from sqlalchemy import func, select

from backend.api.blueprint import Blueprint
from backend.auth import current_staff, staff_required
from backend.db import db
from backend.domain.roles import Role
from backend.schemas.audit import AuditArgsSchema, AuditPageSchema
from backend.schemas.common import ErrorEnvelopeSchema
from backend.services import audit

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/staff/v1",
    description="The audit log of staff actions (administrators).",
)
SECURITY = [{"staffToken": []}]


def init_app(app) -> None:
    """Record staff actions and reporter disclosures (``backend.services.audit``): each
    request starts with its client address and nothing disclosed, and a read that
    disclosed a reporter commits its entries after the answer is built."""
    audit.connect()

    @app.before_request
    def _begin_audit():
        audit.begin(request.remote_addr)

    @app.after_request
    def _commit_disclosures(response):
        audit.commit_if_only_audit()
        return response


@blp.get("/audit")
@staff_required(Role.ADMIN)
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def search(args):
    """Staff actions, newest first: workflow actions (``report_action``), every reading of
    a reporter's identity (``reporter_viewed``), account changes (``staff_created``,
    ``staff_changed``, ``password_reset``; never a password). Filter by ``staff``
    (username), ``report`` (code), ``action``, ``from``/``to`` (local days, inclusive)."""
    page, size = args.pop("page"), args.pop("page_size")
    query = audit.search(current_staff(), **args)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(size).offset((page - 1) * size)))
    return {"items": items, "page": page, "page_size": size, "total": total}
