"""Open311 client applications: one row per API key an administrator issued.

A third-party application (an Open311 client, a city back-office, the national portal's
adapter) puts its key in ``api_key`` when it posts requests to ``/open311/v2``. The key
is shown once, when it is issued; the database keeps only its first characters
(``key_prefix``, so that an administrator can tell keys apart in a list) and the SHA-256
of the whole key (``key_hash``, unique: the lookup). A key is 32 random bytes
(``secrets.token_urlsafe(32)``), so a fast hash is right: there is nothing to guess by
brute force that a slow password hash would protect (as for the staff session tokens).

A key may be limited to one hosted province (``province_id``), or None: every province
the deployment hosts. Revoking a key (``revoked_at``) ends it at once; the row stays,
with who issued and who revoked it.

A key issued from the console's form keeps the SHA-256 of that form's one-time nonce
(``form_nonce``, unique): the same form sent again (a reload of the page that showed the
key, a double click), in any process, finds this row and issues nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models.admin_unit import AdminUnit
from backend.models.staff_user import StaffUser

#: How many leading characters of a key are kept to be shown (``o311_`` and 7 more).
KEY_PREFIX_LENGTH = 12


class Open311Client(db.Model):
    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The application, e.g. "Cổng DVC quốc gia".
    name: Mapped[str] = mapped_column(String(200))
    #: Who to call about it (free text: a person, an e-mail, a phone).
    contact: Mapped[str | None] = mapped_column(String(500))
    key_prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 (hex) of the whole key; the key itself is never stored.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The one hosted province the key may post to; None: every hosted province.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The administrator who issued it; None: issued with the ``flask open311`` command.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: Updated at most once a minute (see ``open311_clients.touch``).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 (hex) of the console form's one-time nonce that issued it; None: issued
    #: with the ``flask open311`` command.
    form_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)

    province: Mapped[AdminUnit | None] = relationship()
    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[StaffUser | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None
