"""Notifications (a plugin built on ``backend``): devices, templates, the outbox that is also
the in-app inbox, delivery through FCM (firebase-admin), quiet hours.

The staff inbox is also a console page (``notifications.console``).

Subscribed to ``backend.signals.event_recorded``: outbox rows are written in the
event's transaction and pushed after the commit; to ``resident_signed_out`` and
``resident_deleted``: a signed-out phone's devices, a deleted account's devices and inbox
go.
"""

from __future__ import annotations


def init_app(app, api) -> None:
    from backend.signals import event_recorded, resident_deleted, resident_signed_out
    from notifications import models  # noqa: F401  (tables for the migrations)
    from notifications.console import bp as console_bp
    from notifications.outbox import on_event_recorded
    from notifications.services import on_resident_deleted, on_resident_signed_out
    from notifications.views import mobile_blp, staff_blp

    app.extensions["notifications"] = True
    event_recorded.connect(on_event_recorded, weak=False)  # once per process
    resident_signed_out.connect(on_resident_signed_out, weak=False)
    resident_deleted.connect(on_resident_deleted, weak=False)
    api.register_blueprint(mobile_blp)
    api.register_blueprint(staff_blp)
    app.register_blueprint(console_bp)  # the staff inbox in the console, with its menu entry
    # Left behind: Redis down at commit, quiet hours over, retries due.
    app.extensions["phananh_periodic"].append(("notifications.delivery:deliver_due", 60))
    if app.config.get("FIREBASE_CREDENTIALS"):
        # Pushes go out through FCM: the worker imports firebase-admin once, not every job.
        app.extensions["phananh_worker_preload"].append("notifications.fcm")
