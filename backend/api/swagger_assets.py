"""Swagger UI's static files, served locally so ``/docs`` works with no CDN."""

from __future__ import annotations

import swagger_ui_bundle
from flask import Blueprint, send_from_directory

blp = Blueprint("swagger_assets", __name__)


@blp.get("/docs/assets/<path:filename>")
def asset(filename: str):
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
