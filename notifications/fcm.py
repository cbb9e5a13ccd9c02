"""Push delivery through Firebase Cloud Messaging (FCM HTTP v1), no Flask.

:class:`FcmSender` turns :class:`Push` rows of the outbox into FCM v1 messages
and sends them with ``firebase_admin.messaging.send_each`` in batches of at most
500 (firebase-admin sends each batch as one HTTP request per message, on a
thread pool of ``len(batch)`` threads). :class:`RecordingSender` (in
:mod:`notifications.push`, with :class:`Push`: no firebase-admin there) is the embedded
default when no Firebase credentials are configured: it logs and records.

A re-send of the same outbox row must not show twice on the device: the row id
is the Android notification ``tag``, the APNs ``apns-collapse-id`` and the web
notification ``tag``, so the second copy replaces the first. The report code is
the Android ``collapse_key`` (while the device is offline FCM keeps the latest
message per report) and the APNs ``thread-id`` (the device groups by report).

Errors are sorted for the outbox: ``unregistered`` tokens are to be deleted,
``retry`` rows to be sent again later, ``failed`` rows are permanent failures
with the FCM error code. firebase-admin already retries HTTP 500 and 503 itself
(4 times, exponential backoff, about 7 s), so a row lands in ``retry`` only
after those retries are spent.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import firebase_admin
import google.auth.exceptions
from firebase_admin import _http_client, exceptions, messaging
from requests.adapters import HTTPAdapter

# Re-exported: the outbox's Push and the embedded default live in notifications.push, which
# needs no firebase-admin (see notifications.delivery.sender).
from notifications.push import Push, RecordingSender, Sender, SendResult

__all__ = ["MAX_BATCH", "FcmSender", "Push", "RecordingSender", "SendResult", "Sender",
           "build_message", "classify", "error_code"]  # fmt: skip

log = logging.getLogger("notifications.push")

#: firebase-admin refuses more messages than this in one ``send_each`` call.
MAX_BATCH = 500
_RETRY_ERRORS = (
    messaging.QuotaExceededError,
    exceptions.ResourceExhaustedError,  # HTTP 429 without the QUOTA_EXCEEDED detail
    exceptions.UnavailableError,  # HTTP 503, and connection refused/reset
    exceptions.InternalError,  # HTTP 500
    exceptions.DeadlineExceededError,  # timeouts
)
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
_TOKEN_FIELDS = frozenset({"message.token", "token"})


def build_message(push: Push) -> messaging.Message:
    """The FCM v1 message for one push.

    The Android and APNs blocks go on every message (FCM ignores the block of
    another platform, and a device registered under the wrong platform still
    gets its tag and collapse id); the web block only on web pushes.
    """
    tag = str(push.notification_id)
    webpush = None
    if push.platform == "web":
        webpush = messaging.WebpushConfig(
            headers={"Urgency": "high" if push.urgent else "normal"},
            notification=messaging.WebpushNotification(tag=tag),
        )
    # firebase-admin 7.7 deprecates Message.token in favour of Message.fid (a
    # Firebase Installation ID, a different identifier). Our devices register
    # FCM registration tokens, which FCM still accepts in ``token``.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
        return messaging.Message(
            token=push.token,
            notification=messaging.Notification(title=push.title, body=push.body),
            data=push.payload(),
            android=messaging.AndroidConfig(
                priority="high" if push.urgent else "normal",
                collapse_key=push.report_code or None,
                notification=messaging.AndroidNotification(tag=tag, sound="default"),
            ),
            apns=messaging.APNSConfig(
                headers={"apns-collapse-id": tag, "apns-priority": "10" if push.urgent else "5"},
                payload=messaging.APNSPayload(
                    aps=messaging.Aps(sound="default", thread_id=push.report_code or None)
                ),
            ),
            webpush=webpush,
        )


def _error_details(exc: exceptions.FirebaseError) -> list[dict]:
    response = exc.http_response
    if response is None:
        return []
    try:
        details = response.json().get("error", {}).get("details", [])
    except (ValueError, AttributeError):
        return []
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


def error_code(exc: Exception) -> str:
    """The FCM error code (``UNREGISTERED``, ``SENDER_ID_MISMATCH``...) or the canonical one."""
    if isinstance(exc, exceptions.FirebaseError):
        for detail in _error_details(exc):
            if detail.get("@type") == _FCM_ERROR_TYPE and detail.get("errorCode"):
                return str(detail["errorCode"])
        return str(exc.code)
    return type(exc).__name__


def _is_token_error(exc: exceptions.InvalidArgumentError) -> bool:
    """INVALID_ARGUMENT about the registration token (not about the payload)."""
    for detail in _error_details(exc):
        if detail.get("@type") == _BAD_REQUEST_TYPE:
            for violation in detail.get("fieldViolations") or []:
                if isinstance(violation, dict) and violation.get("field") in _TOKEN_FIELDS:
                    return True
    return "registration token" in str(exc).lower()


def classify(exc: Exception) -> str:
    """``"unregistered"``, ``"retry"`` or ``"failed"`` for one send error."""
    if isinstance(exc, messaging.UnregisteredError):
        return "unregistered"
    if isinstance(exc, exceptions.InvalidArgumentError) and _is_token_error(exc):
        return "unregistered"
    if isinstance(exc, _RETRY_ERRORS):
        return "retry"
    if isinstance(exc, exceptions.FirebaseError):
        response = exc.http_response
        if response is None:  # no answer at all: a transport error
            return "retry"
        if response.status_code >= 500:
            return "retry"
    return "failed"


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class FcmSender:
    """Sends pushes through FCM with the firebase-admin app given (see ``backend.firebase``)."""

    def __init__(self, app: firebase_admin.App, endpoint: str | None = None):
        """``endpoint`` overrides the FCM v1 send URL, for a local stand-in only.

        It may hold ``{project}``, e.g.
        ``http://127.0.0.1:8089/v1/projects/{project}/messages:send``.
        firebase-admin has no public switch for this: the URL is the private
        ``_fcm_url`` of the messaging service firebase-admin caches per app
        (``messaging._get_messaging_service(app)``), so the override applies to
        every sender on that app. The override's origin gets the same connection
        pool (100) and retry policy (500/503, 4 times) that firebase-admin
        mounts for ``https://fcm.googleapis.com``. OAuth2 tokens still come from
        the credential's ``token_uri``.
        """
        self.app = app
        self.endpoint = None
        if endpoint:
            self.endpoint = endpoint.replace("{project}", app.project_id or "")
            _point_at(app, self.endpoint)

    def send(self, pushes: list[Push]) -> SendResult:
        result = SendResult()
        messages: list[tuple[Push, messaging.Message]] = []
        for push in pushes:
            try:
                message = build_message(push)
                str(message)  # validates as send_each would, so one bad row spoils no batch
            except ValueError as exc:
                log.error("push %s not sendable: %s", push.notification_id, exc)
                result.failed.append((push.notification_id, "INVALID_MESSAGE"))
                continue
            messages.append((push, message))

        batches = list(_batches(messages, MAX_BATCH))
        for number, batch in enumerate(batches):
            try:
                self._fresh_token()
                response = messaging.send_each([m for _, m in batch], app=self.app)
            except (google.auth.exceptions.GoogleAuthError, exceptions.FirebaseError):
                # Nothing of this batch was sent: no OAuth2 token (the token endpoint
                # is unreachable or refuses the key), or send_each failed as a whole.
                rest = [push.notification_id for b in batches[number:] for push, _ in b]
                log.exception("FCM batch failed; %d pushes left for retry", len(rest))
                result.retry += rest
                return result
            result.extend(_sort(batch, response.responses))
        return result

    def _fresh_token(self) -> None:
        """Fetch the OAuth2 token, if it is missing or about to expire, before a batch.

        The credential is shared by the pool's threads: left to them, every
        thread that finds no valid token fetches its own (a burst of token
        requests on a cold start). The token is good for about an hour.
        """
        if not self.app.credential.get_credential().valid:
            self.app.credential.get_access_token()


def _sort(batch: Sequence[tuple[Push, messaging.Message]], responses) -> SendResult:
    result = SendResult()
    for (push, _), response in zip(batch, responses, strict=True):
        if response.success:
            result.sent.append(push.notification_id)
            continue
        exc = response.exception
        outcome = classify(exc)
        code = error_code(exc)
        if outcome == "unregistered":
            result.unregistered.append(push.token)
        elif outcome == "retry":
            result.retry.append(push.notification_id)
        else:
            result.failed.append((push.notification_id, code))
        log.info("push %s to %s…: %s (%s)", push.notification_id, push.token[:8], code, outcome)
    return result


def _point_at(app: firebase_admin.App, url: str) -> None:
    service = messaging._get_messaging_service(app)
    client = getattr(service, "_client", None)
    if not hasattr(service, "_fcm_url") or client is None:
        raise RuntimeError(
            f"firebase-admin {firebase_admin.__version__} has no _fcm_url on its messaging "
            "service: the FCM endpoint override needs updating"
        )
    service._fcm_url = url
    parts = urlsplit(url)
    adapter = HTTPAdapter(
        pool_connections=100, pool_maxsize=100, max_retries=_http_client.DEFAULT_RETRY_CONFIG
    )
    client.session.mount(f"{parts.scheme}://{parts.netloc}", adapter)
