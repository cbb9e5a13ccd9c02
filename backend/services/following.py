"""Following ("me too"): a resident supports and follows someone else's public report.

The public record shows how many residents support a report (the reporter not
counted); followers hear of its progress and may say whether its resolution helped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from backend.db import db
from backend.domain.text import N_, tracking_code
from backend.domain.workflow import FINAL_STATUSES
from backend.errors import Conflict
from backend.models import Report, ReportFollower, Resident
from backend.models.report import FollowerSource
from backend.services import lookup, policy, queries


class ReportClosed(Conflict):
    code = "report_closed"
    message = N_("The report is closed; it can no longer be followed.")


class OwnReport(Conflict):
    code = "own_report"
    message = N_("This is your own report; you already follow it.")


def follow(
    resident: Resident,
    report_code: str,
    now: datetime,
    source: FollowerSource = FollowerSource.ME_TOO,
) -> Report:
    """The resident supports ("me too") and follows someone else's public report.

    Following twice is harmless, also at the same instant from two devices.
    """
    report = lookup.for_reader(None, report_code)
    if report.reporter_id == resident.id:
        raise OwnReport()
    if report.status in FINAL_STATUSES:
        raise ReportClosed()  # closed or merged away: nothing left to support
    add_follower(report, resident.id, now, source=source)
    return report


def add_follower(report: Report, resident_id: int, now: datetime, source: FollowerSource) -> None:
    """Idempotent, also when two requests add the same follower at once."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(ReportFollower)
        .values(report_id=report.id, resident_id=resident_id, created_at=now, source=source)
        .on_conflict_do_nothing()
    )
    db.session.expire(report, ["supporters"])


def unfollow(resident: Resident, report_code: str) -> None:
    """Stop following (idempotent). Also works once the report left the public record."""
    code = tracking_code(report_code)
    followed = (
        select(ReportFollower.report_id)
        .join(Report)
        .where(Report.code == code, ReportFollower.resident_id == resident.id)
    )
    report_id = db.session.scalar(followed)
    if report_id is None:
        lookup.for_reader(None, code)  # 404 unless the public may read it
        return
    db.session.execute(
        delete(ReportFollower).where(
            ReportFollower.report_id == report_id, ReportFollower.resident_id == resident.id
        )
    )
    loaded = db.session.identity_map.get(
        inspect(Report).identity_key_from_primary_key((report_id,))
    )
    if loaded is not None:
        db.session.expire(loaded, ["supporters"])


def is_following(resident: Resident, report: Report) -> bool:
    return (
        db.session.scalar(
            select(func.count()).where(
                ReportFollower.report_id == report.id, ReportFollower.resident_id == resident.id
            )
        )
        > 0
    )


def supporters(report: Report) -> int:
    """Residents who support the report ("me too", or their own report merged into it).

    The reporter is not counted. Lists load the number with the reports
    (:func:`backend.services.queries.board_rows`); a single report loads it here.
    """
    return report.supporters or 0


def followed(resident: Resident, page: int, page_size: int) -> queries.Page:
    """The public reports the resident follows (not their own), newest followed first."""
    stmt = (
        select(Report)
        .join(ReportFollower, ReportFollower.report_id == Report.id)
        .where(ReportFollower.resident_id == resident.id, policy.published())
    )
    order = (ReportFollower.created_at.desc(), Report.id.desc())
    return queries.page_of(stmt, page, page_size, order=order)
