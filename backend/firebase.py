"""firebase-admin: one named app per process, ID-token verification.

Outside production with no credentials, the Firebase Auth emulator convention
applies (``FIREBASE_AUTH_EMULATOR_HOST``): firebase-admin itself accepts the
emulator's unsigned ID tokens, so sign-in works with no network. Production
refuses to start with that variable set (see :mod:`backend.config`).
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass

import firebase_admin
from firebase_admin import auth, credentials
from flask import current_app

from backend.errors import Unauthorized

APP_NAME = "phananh"


def use_emulator(host: str | None) -> None:
    """firebase-admin reads the emulator address from the process environment only."""
    if host:
        os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = host


def firebase_app() -> firebase_admin.App:
    try:
        return firebase_admin.get_app(APP_NAME)
    except ValueError:
        pass
    path = current_app.config.get("FIREBASE_CREDENTIALS")
    credential = credentials.Certificate(path) if path else credentials.ApplicationDefault()
    return firebase_admin.initialize_app(
        credential, {"projectId": current_app.config["FIREBASE_PROJECT_ID"]}, name=APP_NAME
    )


class InvalidIdToken(Unauthorized):
    code = "invalid_id_token"
    message_vi = "Mã xác thực Firebase không hợp lệ hoặc đã hết hạn."
    message_en = "The Firebase ID token is invalid or expired."


class PhoneRequired(Unauthorized):
    code = "phone_sign_in_required"
    message_vi = "Vui lòng đăng nhập bằng số điện thoại."
    message_en = "Sign in with a phone number."


@dataclass(frozen=True)
class VerifiedIdentity:
    uid: str
    phone: str
    name: str | None


def verify_id_token(id_token: str, now: float | None = None) -> VerifiedIdentity:
    """Verify a Firebase ID token from phone sign-in and return who it names."""
    try:
        claims = auth.verify_id_token(id_token, app=firebase_app())
    except (ValueError, auth.InvalidIdTokenError, auth.CertificateFetchError) as exc:
        raise InvalidIdToken() from exc
    # The emulator path skips the expiry check; apply it here on every path.
    if float(claims.get("exp", 0)) < (now if now is not None else time.time()):
        raise InvalidIdToken()
    phone = claims.get("phone_number")
    if not phone:
        raise PhoneRequired()
    return VerifiedIdentity(uid=claims["uid"], phone=phone, name=claims.get("name"))


def emulator_id_token(
    uid: str, phone: str, project_id: str, *, lifetime: int = 3600, now: float | None = None
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
        "auth_time": issued,
        "user_id": uid,
        "sub": uid,
        "iat": issued,
        "exp": issued + lifetime,
        "phone_number": phone,
        "firebase": {"identities": {"phone": [phone]}, "sign_in_provider": "phone"},
    }
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
