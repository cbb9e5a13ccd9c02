"""Content and photo checks and the moderation queue (a plugin built on ``backend``).

Every new report passes :func:`moderation.checks.screen` (through the
``backend.signals.report_received`` signal); the moderator API lives under
``/moderation/v1`` and the queue's pages in the staff console under ``/console/moderation``.
"""

from __future__ import annotations


def init_app(app, api) -> None:
    from backend.signals import report_received
    from moderation import console
    from moderation.checks import Policy, blocklist, on_report_received
    from moderation.views import blp

    Policy.parse(app.config["MODERATION_MODE"])  # refuse a bad mode at start-up
    with app.app_context():
        blocklist()  # and a blocklist file that cannot be read
    app.extensions["moderation"] = True
    report_received.connect(on_report_received, weak=False)  # once per process
    api.register_blueprint(blp)
    console.register(app)
