"""Devices and the in-app inbox, for residents (``/mobile/v1``) and staff (``/staff/v1``)."""

from __future__ import annotations

from flask import jsonify

from backend import limits
from backend.api.blueprint import Blueprint
from backend.api.common import dump_page
from backend.auth import (
    current_resident,
    current_session_id,
    current_staff,
    resident_required,
    staff_required,
)
from backend.db import commit, utcnow
from backend.schemas.common import ErrorEnvelopeSchema
from backend.schemas.reports import page_schema
from notifications import services
from notifications.schemas import (
    DeviceSchema,
    InboxArgsSchema,
    InboxItemSchema,
    LocaleArgsSchema,
    UnreadSchema,
    inbox_item,
)

mobile_blp = Blueprint(
    "notifications_mobile",
    __name__,
    url_prefix="/mobile/v1",
    description="Residents' devices (FCM tokens) and in-app inbox.",
)
staff_blp = Blueprint(
    "notifications_staff",
    __name__,
    url_prefix="/staff/v1",
    description="Staff devices (FCM tokens) and in-app inbox.",
)


#: The inbox's page, as documented (the same for residents and staff).
INBOX_PAGE = page_schema(InboxItemSchema, "InboxPage")


def _routes(blp: Blueprint, guard, owner, security: str) -> None:
    doc = {"security": [{security: []}]}

    @blp.post("/devices")
    @guard
    @limits.limited(limits.per_account(limits.DEVICES_ACCOUNT))
    @blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
    @blp.arguments(DeviceSchema)
    @blp.response(201, DeviceSchema)
    @blp.alt_response(409, schema=ErrorEnvelopeSchema)
    @blp.doc(**doc)
    def register(args):
        """Register an FCM registration token, with platform and locale (again: refresh it).

        A token belongs to one account at a time: one another account holds answers 409
        ``device_token_in_use`` until that account signs out on the device (DELETE).
        """
        device = services.register_device(
            owner(),
            args["token"],
            args["platform"],
            args["locale"],
            utcnow(),
            session_id=current_session_id(),
        )
        commit()
        return device

    @blp.delete("/devices/<path:token>")
    @guard
    @blp.response(204)
    @blp.doc(**doc)
    def unregister(token):
        """Forget a device (sign-out, or push permission withdrawn)."""
        services.unregister_device(owner(), token)
        commit()

    @blp.get("/inbox")
    @guard
    @blp.arguments(InboxArgsSchema, location="query")
    @blp.alt_response(200, schema=INBOX_PAGE, success=True)
    @blp.doc(**doc)
    def inbox(args):
        """Every notification, newest first, in Vietnamese or English (``locale``)."""
        page = services.inbox(owner(), args["page"], args["page_size"])
        return jsonify(dump_page(page, lambda row: inbox_item(row, args["locale"])))

    @blp.get("/inbox/unread-count")
    @guard
    @blp.response(200, UnreadSchema)
    @blp.doc(**doc)
    def unread():
        """How many notifications are unread."""
        return {"unread": services.unread_count(owner())}

    @blp.post("/inbox/<int:notification_id>/read")
    @guard
    @blp.arguments(LocaleArgsSchema, location="query")
    @blp.alt_response(404, schema=ErrorEnvelopeSchema)
    @blp.doc(**doc)
    def read(args, notification_id):
        """Mark one notification read; answered in ``locale`` like the inbox."""
        row = services.mark_read(owner(), notification_id, utcnow())
        commit()
        return jsonify(inbox_item(row, args["locale"]))

    @blp.post("/inbox/read-all")
    @guard
    @blp.response(200, UnreadSchema)
    @blp.doc(**doc)
    def read_all():
        """Mark everything read."""
        services.mark_all_read(owner(), utcnow())
        commit()
        return {"unread": 0}


_routes(mobile_blp, resident_required, current_resident, "residentToken")
_routes(staff_blp, staff_required(), current_staff, "staffToken")
