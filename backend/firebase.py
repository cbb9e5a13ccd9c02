"""firebase-admin: one named app per process, ID-token verification.

ID tokens are verified against Google's keys with the service account of
``FIREBASE_CREDENTIALS`` or Application Default Credentials; with neither, sign-in
answers ``503 sign_in_unavailable`` (it never falls back to anything weaker).

The Firebase Auth emulator convention (``FIREBASE_AUTH_EMULATOR_HOST``) makes
firebase-admin accept *unsigned* ID tokens, so sign-in works with no network: only
when the operator sets it, or ``flask --app wsgi quickstart`` turns it on for the demo.
It is never a default, and production refuses to start with it (see :mod:`backend.config`).

firebase-admin and google-auth (about 30 MB of a worker's memory with their HTTP stacks)
are imported at the first sign-in, not when the app starts: most workers serve public
reads and never verify a token.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app

from backend.domain.text import N_
from backend.errors import DomainError, Unauthorized

if TYPE_CHECKING:
    import firebase_admin

APP_NAME = "phananh"
EMULATOR_ENV = "FIREBASE_AUTH_EMULATOR_HOST"
#: Where ``flask --app wsgi quickstart`` points the demo (nothing needs to listen there:
#: firebase-admin only uses it to decide that unsigned tokens are accepted).
DEMO_EMULATOR_HOST = "127.0.0.1:9099"
log = logging.getLogger(__name__)


class SignInUnavailable(DomainError):
    status = 503
    code = "sign_in_unavailable"
    message = N_("Sign-in is unavailable: the server has no Firebase credentials configured.")


def use_emulator(host: str | None) -> None:
    """firebase-admin reads the emulator address from the process environment only."""
    if host:
        os.environ[EMULATOR_ENV] = host


def enable_demo_emulator(app: Flask) -> str | None:
    """Turn the emulator sign-in on for the demo, unless real credentials are configured;
    returns the emulator address when it is on (already, or now)."""
    if app.config.get("APP_ENV") == "production" or app.config.get("FIREBASE_CREDENTIALS"):
        return app.config.get("FIREBASE_AUTH_EMULATOR_HOST")
    host = app.config.get("FIREBASE_AUTH_EMULATOR_HOST") or DEMO_EMULATOR_HOST
    app.config["FIREBASE_AUTH_EMULATOR_HOST"] = host
    use_emulator(host)
    return host


def firebase_app() -> firebase_admin.App:
    import firebase_admin
    from firebase_admin import credentials

    try:
        return firebase_admin.get_app(APP_NAME)
    except ValueError:
        pass
    path = current_app.config.get("FIREBASE_CREDENTIALS")
    try:
        credential = credentials.Certificate(path) if path else credentials.ApplicationDefault()
    except (OSError, ValueError) as exc:
        log.error("FIREBASE_CREDENTIALS %s is not a service-account file: %s", path, exc)
        raise SignInUnavailable() from exc
    return firebase_admin.initialize_app(
        credential, {"projectId": current_app.config["FIREBASE_PROJECT_ID"]}, name=APP_NAME
    )


def _verifying_app() -> firebase_admin.App:
    """The firebase-admin app, once it is sure how tokens will be checked."""
    from google.auth.exceptions import DefaultCredentialsError

    emulator = current_app.config.get("FIREBASE_AUTH_EMULATOR_HOST")
    if emulator:
        use_emulator(emulator)
        return firebase_app()
    if os.environ.get(EMULATOR_ENV):
        # firebase-admin would accept unsigned tokens, although this app was not told to.
        log.error("%s is set in the process but not in the app's configuration", EMULATOR_ENV)
        raise SignInUnavailable()
    app = firebase_app()
    try:
        app.credential.get_credential()  # Application Default Credentials load here
    except DefaultCredentialsError as exc:
        log.error("no Firebase credentials (FIREBASE_CREDENTIALS or ADC): %s", exc)
        raise SignInUnavailable() from exc
    return app


class InvalidIdToken(Unauthorized):
    code = "invalid_id_token"
    message = N_("The Firebase ID token is invalid or expired.")


class PhoneRequired(Unauthorized):
    code = "phone_sign_in_required"
    message = N_("Sign in with a phone number.")


@dataclass(frozen=True)
class VerifiedIdentity:
    uid: str
    phone: str
    name: str | None
    #: When the person last proved the phone (an SMS code), in seconds since the epoch;
    #: the ID tokens the Firebase SDK refreshes every hour keep this instant.
    auth_time: float | None = None


def verify_id_token(id_token: str, now: float | None = None) -> VerifiedIdentity:
    """Verify a Firebase ID token from phone sign-in and return who it names."""
    from firebase_admin import auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        claims = auth.verify_id_token(id_token, app=_verifying_app())
    except DefaultCredentialsError as exc:
        raise SignInUnavailable() from exc
    except (ValueError, auth.InvalidIdTokenError, auth.CertificateFetchError) as exc:
        raise InvalidIdToken() from exc
    # The emulator path skips the expiry check; apply it here on every path.
    if float(claims.get("exp", 0)) < (now if now is not None else time.time()):
        raise InvalidIdToken()
    phone = claims.get("phone_number")
    if not phone:
        raise PhoneRequired()
    auth_time = claims.get("auth_time")
    return VerifiedIdentity(
        uid=claims["uid"],
        phone=phone,
        name=claims.get("name"),
        auth_time=float(auth_time) if isinstance(auth_time, int | float) else None,
    )


def emulator_id_token(
    uid: str,
    phone: str,
    project_id: str,
    *,
    lifetime: int = 3600,
    now: float | None = None,
    auth_time: float | None = None,
) -> str:
    """An ID token as the Firebase Auth emulator issues it (unsigned, ``alg: none``).

    Only ever accepted when ``FIREBASE_AUTH_EMULATOR_HOST`` is set: for the
    demo, the tests and local development.
    """
    issued = int(now if now is not None else time.time())

    def part(obj: dict) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    claims = {
        "iss": f"https://securetoken.google.com/{project_id}",
        "aud": project_id,
        "auth_time": int(auth_time) if auth_time is not None else issued,
        "user_id": uid,
        "sub": uid,
        "iat": issued,
        "exp": issued + lifetime,
        "phone_number": phone,
        "firebase": {"identities": {"phone": [phone]}, "sign_in_provider": "phone"},
    }
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
