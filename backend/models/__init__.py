"""SQLAlchemy models, one module per aggregate."""

from backend.models.admin_unit import AdminUnit, LegacyUnitCode, UnitKind
from backend.models.audit import AuditAction, AuditEntry
from backend.models.category import Category, Severity
from backend.models.department import Department, DepartmentKind
from backend.models.event import ActorKind, ReportEvent
from backend.models.idempotency import IdempotencyKey
from backend.models.open311_client import Open311Client
from backend.models.open311_request import Open311Request
from backend.models.photo import MediaDeletion, Photo, PhotoKind
from backend.models.rating import RaterKind, Rating
from backend.models.report import Report, ReportFollower, ReportSequence
from backend.models.resident import Resident
from backend.models.resident_session import ResidentSession
from backend.models.routing_rule import RoutingRule
from backend.models.sla import (
    CalendarException,
    ExtensionRequest,
    ReportClock,
    SlaPolicy,
)
from backend.models.staff_session import StaffSession
from backend.models.staff_user import StaffUser

__all__ = [
    "ActorKind",
    "AdminUnit",
    "AuditAction",
    "AuditEntry",
    "CalendarException",
    "Category",
    "Department",
    "DepartmentKind",
    "ExtensionRequest",
    "IdempotencyKey",
    "LegacyUnitCode",
    "MediaDeletion",
    "Open311Client",
    "Open311Request",
    "Photo",
    "PhotoKind",
    "RaterKind",
    "Rating",
    "Report",
    "ReportClock",
    "ReportEvent",
    "ReportFollower",
    "ReportSequence",
    "Resident",
    "ResidentSession",
    "RoutingRule",
    "Severity",
    "SlaPolicy",
    "StaffSession",
    "StaffUser",
    "UnitKind",
]
