"""Staff accounts: administrators, coordinators, moderators and department staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend import passwords
from backend.db import UTCDateTime, db, utcnow
from backend.domain.roles import Role
from backend.models.admin_unit import AdminUnit
from backend.models.checks import one_of
from backend.models.department import Department


class StaffUser(db.Model):
    __tablename__ = "staff_users"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: The province the account works in; None: national staff (a national administrator
    #: is role admin with no province).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    token_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship()
    province: Mapped[AdminUnit | None] = relationship(foreign_keys=[province_id])

    def set_password(self, password: str, method: str = passwords.DEFAULT_METHOD) -> None:
        """A new hash of ``password`` (argon2id; see :mod:`backend.passwords`). Changing a
        password also ends the account's sessions: use ``accounts.set_staff_password``."""
        self.password_hash = passwords.hash_password(password, method)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is this account's (an argon2 or an older werkzeug hash)."""
        return passwords.verify(self.password_hash, password)

    def password_needs_rehash(self, method: str = passwords.DEFAULT_METHOD) -> bool:
        return passwords.needs_rehash(self.password_hash, method)
