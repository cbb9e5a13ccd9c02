"""A local stand-in for Google's OAuth2 token endpoint and the FCM HTTP v1 API.

No network: an ``http.server`` on 127.0.0.1 (a free port), in a thread of the
test process or, for the benchmark, in its own process
(``python -m tests.notifications.standin``). It answers

- ``POST /token``: ``{"access_token": "standin-token", "expires_in": 3600, ...}``;
- ``POST /v1/projects/<project>/messages:send``: records the JSON body and the
  ``Authorization`` header, and answers by the token's prefix (:data:`ERRORS`):
  ``dead...`` is UNREGISTERED (404), ``busy...`` UNAVAILABLE (503), and so on;
  any other token is delivered: ``{"name": "projects/<project>/messages/<n>"}``;
- ``GET /_standin/stats`` and ``POST /_standin/reset`` (for the benchmark).

:func:`write_service_account` writes a service-account JSON with a fresh RSA
key whose ``token_uri`` is the stand-in, so ``credentials.Certificate(path)``
gives a real firebase-admin app whose OAuth2 exchange goes to the stand-in
(:func:`firebase_app` also keeps google-auth's own background lookup offline).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import re
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import firebase_admin
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import credentials

ACCESS_TOKEN = "standin-token"
FCM_PATH = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"

#: token prefix -> (HTTP status, canonical status, FCM error code, message, bad field)
ERRORS: dict[str, tuple[int, str, str, str, str | None]] = {
    "dead": (404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.", None),
    "busy": (503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable.", None),
    "invalid": (
        400,
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
        "message.token",
    ),
    "payload": (
        400,
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "Invalid value at 'message.data[0].value'",
        "message.data[0].value",
    ),
    "quota": (
        429,
        "RESOURCE_EXHAUSTED",
        "QUOTA_EXCEEDED",
        "Quota exceeded for quota metric 'Send requests'.",
        None,
    ),
    "mismatch": (403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch", None),
}


def fcm_error(token: str) -> tuple[int, dict] | None:
    """The FCM v1 error answer for a token, or ``None`` to deliver it."""
    for prefix, (status, canonical, code, message, bad_field) in ERRORS.items():
        if token.startswith(prefix):
            details: list[dict] = [{"@type": FCM_ERROR_TYPE, "errorCode": code}]
            if bad_field:
                violation = {"field": bad_field, "description": message}
                details.append({"@type": BAD_REQUEST_TYPE, "fieldViolations": [violation]})
            error = {"code": status, "message": message, "status": canonical, "details": details}
            return status, {"error": error}
    return None


@dataclass(frozen=True)
class Recorded:
    """One request to the FCM endpoint, as it arrived."""

    project: str
    body: dict
    authorization: str | None
    status: int

    @property
    def message(self) -> dict:
        return self.body["message"]

    @property
    def token(self) -> str:
        return self.message.get("token") or self.message.get("fid") or ""


class StandIn:
    """The stand-in server; ``with StandIn() as s:`` runs it in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.token_requests: list[dict[str, list[str]]] = []
        self.handler_seconds = 0.0
        self._intervals: list[tuple[float, float]] = []
        self._cpu_at_reset = time.process_time()
        self._names = itertools.count(1)
        self.server = _Server((host, port), _handler(self))
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    @property
    def fcm_endpoint(self) -> str:
        """The send URL, with ``{project}`` for :class:`notifications.fcm.FcmSender`."""
        return f"{self.base_url}/v1/projects/{{project}}/messages:send"

    def start(self) -> StandIn:
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what it saw ------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.token_requests.clear()
            self.handler_seconds = 0.0
            self._intervals.clear()
            self._cpu_at_reset = time.process_time()

    def attempts(self, token: str) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.token == token)

    def stats(self) -> dict:
        """Counts and the time spent inside the handler.

        ``handler_seconds`` adds up every request's time in the handler
        (concurrent requests overlap); ``busy_seconds`` is the wall-clock time
        during which at least one request was inside the handler; ``cpu_seconds``
        is the CPU time of the stand-in's process since the last reset (its own
        only when it runs in its own process).
        """
        with self.lock:
            intervals = sorted(self._intervals)
            busy, end = 0.0, float("-inf")
            for start, stop in intervals:
                if start > end:
                    busy += stop - start
                    end = stop
                elif stop > end:
                    busy += stop - end
                    end = stop
            return {
                "fcm_requests": len(self.requests),
                "token_requests": len(self.token_requests),
                "handler_seconds": self.handler_seconds,
                "busy_seconds": busy,
                "cpu_seconds": time.process_time() - self._cpu_at_reset,
            }

    def _saw(self, recorded: Recorded | None = None, form=None) -> None:
        """Record before answering: the client may look as soon as it has the answer."""
        with self.lock:
            if recorded is not None:
                self.requests.append(recorded)
            if form is not None:
                self.token_requests.append(form)

    def _timed(self, started: float) -> None:
        stopped = time.perf_counter()
        with self.lock:
            self.handler_seconds += stopped - started
            self._intervals.append((started, stopped))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # firebase-admin opens up to 500 connections at once
    allow_reuse_address = True


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as requests' connection pool expects

        def log_message(self, format, *args):  # quiet
            pass

        def _answer(self, status: int, payload: dict) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            if self.path == "/_standin/stats":
                self._answer(200, standin.stats())
            else:
                self._answer(404, {"error": {"code": 404, "status": "NOT_FOUND"}})

        def do_POST(self):
            started = time.perf_counter()
            raw = self._body()
            if self.path == "/token":
                standin._saw(form=parse_qs(raw.decode()))
                self._answer(
                    200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
                )
                standin._timed(started)
                return
            if self.path == "/_standin/reset":
                standin.reset()
                self._answer(200, {})
                return
            match = FCM_PATH.match(self.path)
            if not match:
                self._answer(404, {"error": {"code": 404, "status": "NOT_FOUND"}})
                return
            project = match["project"]
            body = json.loads(raw)
            message = body.get("message", {})
            error = fcm_error(message.get("token") or message.get("fid") or "")
            if error:
                status, payload = error
            else:
                name = f"projects/{project}/messages/{next(standin._names)}"
                status, payload = 200, {"name": name}
            standin._saw(Recorded(project, body, self.headers.get("Authorization"), status))
            self._answer(status, payload)
            standin._timed(started)

    return Handler


def write_service_account(path: Path, token_uri: str, project_id: str = "phananh-standin") -> Path:
    """A service-account JSON with a new 2048-bit RSA key, its ``token_uri`` the stand-in."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    account = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": "standin-key",
        "private_key": pem,
        "client_email": f"firebase-adminsdk@{project_id}.iam.gserviceaccount.com",
        "client_id": "100000000000000000000",
        "auth_uri": token_uri.rsplit("/", 1)[0] + "/auth",
        "token_uri": token_uri,
    }
    path = Path(path)
    path.write_text(json.dumps(account, indent=2))
    return path


def firebase_app(service_account: Path, name: str) -> firebase_admin.App:
    """A real firebase-admin app on a generated service account, kept off the network.

    Besides the OAuth2 token, google-auth (2.6x) looks up the service account's
    Regional Access Boundary at ``iamcredentials.googleapis.com``, in a
    background thread, on the first authorised request. Offline that lookup
    fails and google-auth waits (15 minutes at first) before trying again; the
    credential starts in that state here, so nothing leaves 127.0.0.1.
    """
    credential = credentials.Certificate(str(service_account))
    manager = getattr(credential.get_credential(), "_rab_manager", None)
    data = getattr(manager, "_data", None)
    if data is not None and hasattr(data, "cooldown_expiry"):
        manager._data = data._replace(cooldown_expiry=datetime.datetime.max)
    return firebase_admin.initialize_app(credential, name=name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    standin = StandIn(port=args.port)
    print(standin.base_url, flush=True)  # the parent reads the address from this line
    try:
        standin.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        standin.server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
