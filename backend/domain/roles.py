"""Staff roles and what each may see."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    MODERATOR = "moderator"
    DEPARTMENT_HEAD = "department_head"
    DEPARTMENT_OFFICER = "department_officer"
    #: Takes reports by hotline, Zalo, e-mail, letter or at the counter on residents' behalf.
    OPERATOR = "operator"


#: Roles that work on every report (the coordinator's office and administrators).
CITYWIDE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
#: Roles that may see who filed a report. Handling units never do (DOMAIN.md, Hue-S rule).
REPORTER_VISIBLE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.MODERATOR})
#: Roles bound to one handling unit.
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.DEPARTMENT_OFFICER})
#: Roles that file reports on a resident's behalf (operator intake).
INTAKE_ROLES = frozenset({Role.OPERATOR, Role.COORDINATOR, Role.ADMIN})
