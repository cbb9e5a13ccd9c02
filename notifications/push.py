"""What a push is and what sending pushes answers, without firebase-admin.

:class:`Push` (one outbox row for one device), :class:`SendResult`, the :class:`Sender`
protocol and :class:`RecordingSender`, the embedded default when no Firebase credentials
are configured. The FCM sender itself is :class:`notifications.fcm.FcmSender`, imported
only when credentials are configured (firebase-admin and google-auth cost a worker about
30 MB of memory).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("notifications.push")

PLATFORMS = ("android", "ios", "web")
#: Keys FCM refuses in the data payload.
RESERVED_DATA_KEYS = frozenset({"from", "notification", "message_type"})
RESERVED_DATA_PREFIXES = ("google.", "gcm.")


@dataclass(frozen=True)
class Push:
    """One push to one device, from one outbox row."""

    notification_id: int  # outbox row id: Android tag, APNs apns-collapse-id, web tag
    token: str  # FCM registration token
    platform: str  # "android" | "ios" | "web"
    title: str
    body: str
    report_code: str | None  # deep link; Android collapse_key, APNs thread-id
    urgent: bool  # Android priority high / APNs priority 10, else normal / 5
    data: dict[str, str] = field(default_factory=dict)  # extra data payload, strings only

    def __post_init__(self) -> None:
        if not isinstance(self.token, str) or not self.token:
            raise ValueError("Push.token must be a non-empty string.")
        if self.platform not in PLATFORMS:
            raise ValueError(f"Push.platform must be one of {PLATFORMS}, not {self.platform!r}.")
        for key, value in self.data.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError("Push.data keys and values must be strings.")
            if key in RESERVED_DATA_KEYS or key.startswith(RESERVED_DATA_PREFIXES):
                raise ValueError(f"Push.data key {key!r} is reserved by FCM.")

    def payload(self) -> dict[str, str]:
        """The data payload: the extra data plus ``notification_id`` and ``report_code``."""
        data = dict(self.data)
        data["notification_id"] = str(self.notification_id)
        if self.report_code:
            data["report_code"] = self.report_code
        return data


@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)  # notification ids delivered
    unregistered: list[str] = field(default_factory=list)  # tokens to delete
    retry: list[int] = field(default_factory=list)  # notification ids to send again later
    failed: list[tuple[int, str]] = field(default_factory=list)  # (id, FCM error code)

    def extend(self, other: SendResult) -> None:
        self.sent += other.sent
        self.unregistered += other.unregistered
        self.retry += other.retry
        self.failed += other.failed


class Sender(Protocol):
    def send(self, pushes: list[Push]) -> SendResult: ...


class RecordingSender:
    """The embedded default (no Firebase credentials): logs and records, sends nothing."""

    def __init__(self) -> None:
        self.sent: list[Push] = []

    def send(self, pushes: list[Push]) -> SendResult:
        for push in pushes:
            log.info(
                "push %s to %s… (%s): %s [%s]",
                push.notification_id,
                push.token[:8],
                push.platform,
                push.title,
                push.report_code or "-",
            )
        self.sent += pushes
        return SendResult(sent=[push.notification_id for push in pushes])
