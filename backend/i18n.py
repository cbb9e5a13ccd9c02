"""Languages: Vietnamese (the default) and English, through gettext catalogues.

Source strings (msgids) are English; ``backend/translations/{vi,en}/LC_MESSAGES/messages.po``
translate them. A page's language is ``?lang=vi|en`` (remembered in the ``lang`` cookie),
else the cookie, else Vietnamese; ``g.lang`` holds it for templates and views. Messages
that must be given in both languages at once (the error envelope, system notes) go
through :func:`both`; a text for one person (a push) through :func:`in_language`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, force_locale, format_datetime, gettext, ngettext, refresh

from backend import i18n_catalogues as catalogues
from backend.localtime import local_tz

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
LANG_COOKIE = "lang"
_COOKIE_AGE = 365 * 86400

babel = Babel()


def requested_language() -> str:
    """The language this request asks for: ``?lang=``, else the cookie, else the default."""
    requested = request.args.get("lang")
    if requested in LANGUAGES:
        return requested
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGUAGES else DEFAULT


def current_language() -> str:
    lang = g.get("lang") if has_request_context() else None
    if lang in LANGUAGES:
        return lang
    return requested_language() if has_request_context() else DEFAULT


def _select_locale() -> str:
    return current_language()


def _select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def _set_language() -> None:
    g.lang = requested_language()
    # Flask-Babel keeps the locale it chose in ``g``; a request inside an application
    # context that is already open (a test, a job's) must not inherit the previous one's.
    refresh()


def _remember_language(response: Response) -> Response:
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            request.args["lang"],
            max_age=_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=current_app.config.get("APP_ENV") == "production",
        )
    return response


def init_app(app: Flask) -> None:
    """Flask-Babel on ``app``: catalogues compiled if needed, the language chosen per request."""
    if "BABEL_TRANSLATION_DIRECTORIES" not in app.config:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
            catalogues.compiled_directory(catalogues.TRANSLATIONS, app.instance_path)
        )
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIMEZONE") or "UTC")
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    app.before_request(_set_language)
    app.after_request(_remember_language)
    app.context_processor(lambda: {"lang": current_language()})


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Translate in ``lang`` inside the block (a push for one resident, one half of both)."""
    with force_locale(lang if lang in LANGUAGES else DEFAULT):
        yield


def translate(msgid: str, lang: str, **params) -> str:
    """``msgid`` (English source text) in ``lang``, ``%(name)s`` filled from ``params``.

    Outside an application (a pure test, a script) the catalogues are read directly.
    """
    if not has_app_context():
        return catalogues.translate(msgid, lang if lang in LANGUAGES else DEFAULT, **params)
    with in_language(lang):
        return gettext(msgid, **params)


def translate_plural(singular: str, plural: str, num: int, lang: str, **params) -> str:
    if not has_app_context():
        t = catalogues.translations(lang if lang in LANGUAGES else DEFAULT)
        return t.ngettext(singular, plural, num) % {"num": num, **params}
    with in_language(lang):
        return ngettext(singular, plural, num, **params)


def both(msgid: str, **params) -> dict[str, str]:
    """``{"vi": ..., "en": ...}``: the API's two-language texts."""
    return {lang: translate(str(msgid), lang, **params) for lang in LANGUAGES}


#: How pages write an instant (a Babel pattern): 14:05 01/12/2026.
TIME_AND_DATE = "HH:mm dd/MM/yyyy"


def local_time(value, pattern: str = TIME_AND_DATE) -> str:
    """An instant in the deployment's time zone, as a Babel pattern (``dd/MM``); the pages'
    ``local_time`` filter."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if "%" in pattern:  # a strftime format, as the filter took before Babel
        return value.astimezone(local_tz()).strftime(pattern)
    return format_datetime(value, pattern)
