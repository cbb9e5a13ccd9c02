"""Notification texts: one English msgid each for the title and the body, translated from the
gettext catalogues in the device's or person's locale (Vietnamese unless English is asked).

Keyed by :class:`~notifications.models.NotificationKind`: a kind without its texts, or a
text for no kind, fails the tests (tests/notifications/test_vocabulary.py). Placeholders are
``%(name)s``: the stored parameters, ``code``, and ``category`` / ``decision`` (the stored
``category_vi``/``category_en``, ``decision_vi``/``decision_en`` of that language).
"""

from __future__ import annotations

from backend.domain.text import N_
from backend.i18n import translate
from notifications.models import LOCALES
from notifications.models import NotificationKind as K

TEMPLATES: dict[K, tuple[str, str]] = {
    K.RECEIVED: (
        N_("Report %(code)s received"),
        N_("Your “%(category)s” report has been received."),
    ),
    K.ASSIGNED: (
        N_("Report %(code)s assigned"),
        N_("Handled by: %(department)s."),
    ),
    K.STARTED: (
        N_("Work started on report %(code)s"),
        N_("%(note)s"),
    ),
    K.UPDATE: (
        N_("Update on report %(code)s"),
        N_("%(note)s"),
    ),
    K.RESOLVED: (
        N_("Report %(code)s resolved"),
        N_("%(note)s Please rate how satisfied you are."),
    ),
    K.APOLOGY: (
        N_("Apology for the delay on report %(code)s"),
        N_("New promised date: %(date)s. %(note)s"),
    ),
    K.REJECTED: (
        N_("Report %(code)s was not accepted"),
        N_("%(note)s"),
    ),
    K.INFO_REQUESTED: (
        N_("More information needed for report %(code)s"),
        N_("%(note)s"),
    ),
    K.NEW_ASSIGNMENT: (
        N_("New report %(code)s"),
        N_("A “%(category)s” report was assigned to your unit."),
    ),
    K.ACCEPT_REMINDER: (
        N_("Reminder to accept report %(code)s"),
        N_("%(percent)s%% of the time to accept it used; due %(date)s."),
    ),
    K.SLA_REMINDER: (
        N_("Deadline reminder for %(code)s"),
        N_("%(percent)s%% of the handling time used; due %(date)s."),
    ),
    K.ACCEPT_OVERDUE: (
        N_("Report %(code)s was not accepted in time"),
        N_("The unit did not accept the report by its deadline; accept it now."),
    ),
    K.OVERDUE: (
        N_("Report %(code)s is overdue"),
        N_("Handling is overdue: the unit must apologise and give a new date."),
    ),
    K.ACCEPT_ESCALATED: (
        N_("Report %(code)s not accepted in time, escalated"),
        N_("%(department)s did not accept it by the deadline."),
    ),
    K.ESCALATED: (
        N_("Overdue report %(code)s escalated"),
        N_("%(department)s missed the deadline."),
    ),
    K.PROMISE_ESCALATED: (
        N_("Report %(code)s past its promised date, escalated"),
        N_("%(department)s missed the date it promised."),
    ),
    K.RESIDENT_RATED: (
        N_("Resident rated report %(code)s"),
        N_("Satisfaction: %(rating)s/5. %(note)s"),
    ),
    K.REPORT_REOPENED: (
        N_("Report %(code)s reopened"),
        N_("The resident is not satisfied with the resolution and reopened the report."),
    ),
    K.EXTENSION_DECIDED: (
        N_("Extension request for report %(code)s"),
        N_("%(decision)s"),
    ),
    K.OFFICER_ASSIGNED: (
        N_("Report %(code)s assigned to you"),
        N_("You were given the “%(category)s” report of %(department)s to handle."),
    ),
    K.EXTENSION_REQUESTED: (
        N_("Extension requested for report %(code)s"),
        N_("%(department)s asks to move the deadline to %(date)s; decide on the report."),
    ),
    K.REPORT_RETURNED: (
        N_("Report %(code)s returned for reassignment"),
        N_("%(department)s returned the “%(category)s” report; its reason is on the report."),
    ),
}
__all__ = ["LOCALES", "TEMPLATES", "render"]


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: K | str, params: dict, locale: str, code: str) -> tuple[str, str]:
    """(title, body) in the locale (Vietnamese unless English is asked for).

    ``kind`` is a NotificationKind or its stored value; anything else raises ValueError.
    """
    title, body = TEMPLATES[K(kind)]
    lang = "en" if locale == "en" else "vi"
    values = _Missing(params, code=code)
    values["category"] = params.get(f"category_{lang}", "")
    values["decision"] = params.get(f"decision_{lang}", "")
    return _fill(title, lang, values), _fill(body, lang, values)


def _fill(msgid: str, lang: str, values: _Missing) -> str:
    # Translated first, then filled from a mapping where a missing parameter reads as "".
    return (translate(msgid, lang) % values).strip()
