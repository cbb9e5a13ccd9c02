"""Staff accounts under ``/staff/v1``: administrators create, change, deactivate and list
accounts and reset passwords; everyone changes their own password.

Every change of role, unit, active state or password ends the account's console
sessions and API tokens at once.
"""

from __future__ import annotations

from backend import limits
from backend.api.blueprint import Blueprint
from backend.auth import current_session_id, current_staff, staff_required
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.schemas.staff_accounts import (
    PasswordChangeSchema,
    PasswordResetSchema,
    StaffAdminViewSchema,
    StaffCreateSchema,
    StaffListArgsSchema,
    StaffUpdateSchema,
)
from backend.services import accounts, staff_admin, staff_sessions

blp = Blueprint(
    "staff_accounts",
    __name__,
    url_prefix="/staff/v1",
    description="Staff accounts: administrators manage them; each person their password.",
)
SECURITY = [{"staffToken": []}]


@blp.get("/staff")
@staff_required(Role.ADMIN)
@blp.arguments(StaffListArgsSchema, location="query")
@blp.response(200, StaffAdminViewSchema(many=True))
@blp.errors(403, 422)
@blp.doc(security=SECURITY)
def list_staff(args):
    """Every staff account by username; filter by ``unit`` (code), ``role``, ``active``."""
    return staff_admin.list_staff(current_staff(), **args)


@blp.post("/staff")
@staff_required(Role.ADMIN)
@blp.arguments(StaffCreateSchema)
@blp.response(201, StaffAdminViewSchema)
@blp.errors(403, 409, 422)
@blp.doc(security=SECURITY)
def create_staff(args):
    """A new account with its initial password. Department roles (``department_head``,
    ``department_officer``) need a ``unit``; the others have none (422 ``unit_required``,
    ``unit_not_allowed``). A weak password answers 422 (``password_too_short``,
    ``password_too_common``, ``password_is_username``); a taken username 409."""
    staff = staff_admin.create_staff(current_staff(), args, utcnow())
    commit()
    return staff


@blp.patch("/staff/<string:username>")
@staff_required(Role.ADMIN)
@blp.arguments(StaffUpdateSchema)
@blp.response(200, StaffAdminViewSchema)
@blp.errors(403, 404, 409, 422)
@blp.doc(security=SECURITY)
def update_staff(args, username):
    """Change the full name, role, unit or active state. A new role, unit or active state
    signs the person out everywhere (console sessions and API tokens). Refused (409
    ``last_admin``) when no active administrator would remain."""
    staff = staff_admin.update_staff(current_staff(), username, args, utcnow())
    commit()
    return staff


@blp.post("/staff/<string:username>/password")
@staff_required(Role.ADMIN)
@blp.arguments(PasswordResetSchema)
@blp.response(204)
@blp.errors(403, 404, 422)
@blp.doc(security=SECURITY)
def reset_password(args, username):
    """Set someone's password (they are signed out everywhere)."""
    staff_admin.reset_password(current_staff(), username, args["password"], utcnow())
    commit()


@blp.post("/me/password")
@staff_required()
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.errors(422)
@blp.doc(security=SECURITY)
def change_password(args):
    """Change one's own password, with the current one (422 ``wrong_current_password``).
    Every session and token of the account ends, this one included: sign in again."""
    accounts.change_own_password(
        current_staff(), args["current_password"], args["password"], utcnow()
    )
    commit()


@blp.delete("/staff/<string:username>/lock")
@staff_required(Role.ADMIN)
@blp.response(204)
@blp.errors(403)
@blp.doc(security=SECURITY)
def lift_lock(username):
    """Lift the sign-in delay or lock of ``username`` after repeated wrong passwords (its
    failure count starts again from zero). Harmless for an account that is not locked."""
    limits.lift_lock(username)


@blp.post("/auth/sign-out")
@staff_required()
@blp.response(204)
@blp.errors(401)
@blp.doc(security=SECURITY)
def sign_out():
    """End this token's session (the console's sessions and other tokens stay)."""
    staff_sessions.close_api(current_staff(), current_session_id(), utcnow())
    commit()


@blp.post("/auth/sign-out-everywhere")
@staff_required()
@blp.response(204)
@blp.errors(401)
@blp.doc(security=SECURITY)
def sign_out_everywhere():
    """End every session of the account: all API tokens and console sign-ins."""
    staff_sessions.close_all(current_staff(), utcnow())
    commit()
