"""Small helpers shared by the API views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import FileStorage

from backend.domain.text import N_
from backend.errors import ValidationFailed
from backend.services.photos import Upload
from backend.services.queries import Page


def uploaded_photos(files: list, field: str = "photos") -> list[Upload]:
    """Read uploaded files; an empty file part is an error, not a silent skip."""
    uploads = []
    for position, storage in enumerate(files):
        if not isinstance(storage, FileStorage):
            raise ValidationFailed(
                fields={f"{field}[{position}]": ["Must be a file upload, not a text field."]}
            )
        data = storage.read()
        if not data:
            raise ValidationFailed(
                N_("An uploaded photo is empty."),
                code="empty_file",
                fields={f"{field}[{position}]": ["Empty file."]},
            )
        uploads.append(Upload(filename=storage.filename, data=data))
    return uploads


def dump_page(page: Page, dump: Callable[[Any], dict]) -> dict:
    return {
        "items": [dump(item) for item in page.items],
        "page": page.page,
        "page_size": page.page_size,
        "total": page.total,
        "total_exact": page.total_exact,
        "next": page.next_cursor,
    }
