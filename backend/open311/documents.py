"""What an Open311 client reads: discovery, services, definitions and requests, as plain
data for :mod:`backend.open311.formats`. A request is the public's view of the report
(:mod:`backend.services.read_model`): the masked text, the public photos' renditions,
the public history; never who filed it.
"""

from __future__ import annotations

from datetime import datetime

from backend.domain import open311 as spec
from backend.domain import questions
from backend.domain.text import N_
from backend.domain.workflow import STATUS_LABELS, STATUS_NAMES, Status
from backend.i18n import translate
from backend.models import Category, Report
from backend.services import categories_admin, read_model
from backend.services import open311 as service
from backend.storage import public_url

#: Said of a category that needs a photo (a client that only sends ``media_url`` learns it
#: before posting: links are not fetched).
PHOTO_NOTE = N_(" (at least one photo, uploaded as media)")
#: When this endpoint's description last changed (the discovery document's changeset).
CHANGESET = datetime.fromisoformat("2026-12-02T00:00:00+00:00")


def discovery(url: str, contact: str, key_service: str) -> dict:
    changeset = spec.format_datetime(CHANGESET)
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": spec.SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_entry(category: Category, lang: str) -> dict:
    name = category.name_en if lang == "en" else category.name_vi
    other = category.name_vi if lang == "en" else category.name_en
    return {
        "service_code": category.code,
        "service_name": name,
        "description": name + (translate(PHOTO_NOTE, lang) if category.photo_required else ""),
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys(filter(None, [name, other, category.group]))),
        "group": category.group,
    }


def definition(category: Category, lang: str) -> dict:
    return questions.service_definition(
        category.code, categories_admin.questions_of(category), lang
    )


class Notices:
    """Each category's service notice in the province, worked out once per answer."""

    def __init__(self, now: datetime, lang: str):
        self.now, self.lang = now, lang
        self._seen: dict[tuple[int, int | None], str] = {}

    def of(self, category: Category, province_id: int | None) -> str:
        key = (category.id, province_id)
        if key not in self._seen:
            notice = service.service_notice(category, province_id, self.now)
            self._seen[key] = notice[self.lang]
        return self._seen[key]


def request(report: Report, now: datetime, notices: Notices, *, extended: bool) -> dict:
    lang = notices.lang
    row = read_model.row(report, now)
    notes = read_model.public_notes(report)
    latest = next((n.note for n in reversed(notes) if n.note), None)
    photo = read_model.public_photo(report)
    category = report.category
    doc = {
        "service_request_id": report.code,
        "status": spec.status_of(report.status).value,
        "status_notes": latest,
        "service_name": category.name_en if lang == "en" else category.name_vi,
        "service_code": category.code,
        "description": row.description,
        "agency_responsible": report.department.name if report.department else None,
        "service_notice": notices.of(category, report.province_id),
        "requested_datetime": spec.format_datetime(report.created_at),
        "updated_datetime": spec.format_datetime(report.updated_at),
        "expected_datetime": spec.format_datetime(read_model.handling_due(report)),
        "address": row.location["address"],
        "address_id": None,
        "zipcode": None,
        "lat": round(row.location["lat"], 6),
        "long": round(row.location["lng"], 6),
        "media_url": public_url(photo.display_key) if photo else None,
    }
    if extended:
        doc.update(_extensions(report, now, notes, lang))
    return doc


def _extensions(report: Report, now: datetime, notes: list, lang: str) -> dict:
    view = read_model.build(None, report, now)
    vi, en = STATUS_LABELS[Status(report.status)]
    department = report.department
    deadlines = view.deadlines
    handle = deadlines["clocks"].get("handle")
    return {
        "detailed_status": report.status.upper(),
        "extended_attributes": {
            "status": report.status,
            "status_name": en if lang == "en" else vi,
            "channel": report.channel,
            "department": (
                {"code": department.code, "name": department.name} if department else None
            ),
            "deadlines": {
                "handling_due": spec.format_datetime(read_model.handling_due(report)),
                "handling_state": handle["current"]["state"] if handle else None,
                "overdue": deadlines["overdue"],
                "waiting_for_resident": deadlines["waiting_for_resident"],
                "age_working_days": deadlines["age_working_days"],
            },
            "rating": view.rating,
            "attributes": [
                {"code": code, "value": value}
                for code, value in read_model.public_answers(report).items()
            ],
        },
        "notes": [
            {
                "datetime": spec.format_datetime(note.at),
                "type": note.type,
                "status": note.status,
                "summary": note.note
                or (note.system_note or {}).get(lang)
                or translate(_status_name(note.status), lang),
            }
            for note in notes
        ],
    }


def _status_name(status: str | None) -> str:
    return STATUS_NAMES.get(Status(status), "") if status else ""
