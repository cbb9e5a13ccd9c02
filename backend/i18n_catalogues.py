"""The gettext catalogues: extract the msgids, update the ``.po`` files, compile, check.

No Flask here: the CLI (``flask --app wsgi i18n ...``), the app's start (which compiles a
missing or stale ``.mo``) and the test that keeps the catalogues complete all call these.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel import support
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).parent / "translations"
ROOT = Path(__file__).parent.parent
BABEL_CFG = ROOT / "babel.cfg"
#: The packages whose Python files and templates hold msgids (paths relative to ROOT).
PACKAGES = ("backend", "mobile_api", "moderation", "notifications")
LOCALES = ("vi", "en")
DOMAIN = "messages"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    "N_": None,
    "_l": None,  # ``from flask_babel import lazy_gettext as _l``
}
_HEADER = "Translations for phananh (citizen feedback)."


def po_path(locale: str, directory: Path = TRANSLATIONS) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str, directory: Path = TRANSLATIONS) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


# ---- compile ----------------------------------------------------------------------------


def _write_mo(po: Path, mo: Path) -> None:
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name, domain=DOMAIN)
    mo.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file renamed into place: a process reading the .mo never sees half of it,
    # and two processes compiling at once both leave a whole one.
    fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        os.replace(tmp, mo)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stale(po: Path, mo: Path) -> bool:
    return not mo.exists() or mo.stat().st_mtime_ns < po.stat().st_mtime_ns


def compile_catalogues(source: Path = TRANSLATIONS, target: Path | None = None, *, force=False):
    """Write ``target/<locale>/LC_MESSAGES/messages.mo`` for every ``.po`` under ``source``
    that has none or an older one. Returns the locales compiled."""
    target = target or source
    done = []
    for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        locale = po.parent.parent.name
        mo = mo_path(locale, target)
        if force or _stale(po, mo):
            _write_mo(po, mo)
            done.append(locale)
    return done


def compiled_directory(source: Path, instance_path: str | os.PathLike) -> Path:
    """Where the app reads its ``.mo`` files: ``source`` itself, compiled there if needed;
    if it cannot be written (an installed, read-only tree), a copy in the instance folder."""
    try:
        compile_catalogues(source)
        return source
    except OSError:
        fallback = Path(instance_path) / "translations"
        compile_catalogues(source, fallback)
        return fallback


@functools.cache
def translations(locale: str) -> support.Translations:
    """The catalogue of ``locale`` for code that runs outside the app (compiled if needed,
    into a temporary folder if the tree is read-only)."""
    directory = compiled_directory(TRANSLATIONS, Path(tempfile.gettempdir()) / "phananh-i18n")
    return support.Translations.load(str(directory), [locale], DOMAIN)


def translate(msgid: str, locale: str, **params) -> str:
    """``msgid`` in ``locale`` straight from the catalogue (no Flask: pure code, scripts)."""
    text = translations(locale if locale in LOCALES else LOCALES[0]).gettext(msgid)
    return text % params if params else text


# ---- extract and update -----------------------------------------------------------------


def extract(root: Path = ROOT) -> Catalog:
    """Every msgid in the packages' Python files and templates, as a template catalogue."""
    with BABEL_CFG.open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(BABEL_CFG))
    catalog = Catalog(
        project="phananh", version="1", domain=DOMAIN, header_comment=f"# {_HEADER}", fuzzy=False
    )
    for package in PACKAGES:
        base = root / package
        for filename, lineno, message, comments, context in extract_from_dir(
            base, method_map, options_map, keywords=KEYWORDS
        ):
            location = f"{package}/{filename}".replace(os.sep, "/")
            catalog.add(
                message,
                None,
                [(location, lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _read(locale: str, directory: Path = TRANSLATIONS) -> Catalog:
    path = po_path(locale, directory)
    if not path.exists():
        return Catalog(
            locale=locale, domain=DOMAIN, project="phananh", header_comment=f"# {_HEADER}"
        )
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def write_catalogue(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        # No line numbers and no obsolete entries: a moved line does not change the file.
        write_po(f, catalog, width=100, include_lineno=False, ignore_obsolete=True)


def _fill_from_source(message: Message) -> None:
    """English is the source language: an English entry is its msgid (singular, plural)."""
    if isinstance(message.id, tuple | list):
        message.string = tuple(message.id)
    else:
        message.string = message.id
    message.flags.discard("fuzzy")


def update(root: Path = ROOT, directory: Path = TRANSLATIONS) -> dict[str, list[str]]:
    """Merge the current msgids into each catalogue; returns each locale's msgids still
    to translate. New English entries are filled from the source text."""
    template = extract(root)
    todo: dict[str, list[str]] = {}
    for locale in LOCALES:
        catalog = _read(locale, directory)
        created = catalog.creation_date if po_path(locale, directory).exists() else None
        catalog.update(template, no_fuzzy_matching=(locale == "en"), update_header_comment=False)
        # A stable header: an update that adds nothing leaves the file as it was.
        catalog.creation_date = created or catalog.creation_date
        catalog.revision_date = catalog.creation_date
        catalog.fuzzy = False
        catalog.project, catalog.version = "phananh", "1"
        catalog.msgid_bugs_address = catalog.last_translator = ""
        for message in catalog:
            if not message.id:
                continue
            if locale == "en" and (_empty(message) or message.fuzzy):
                _fill_from_source(message)
        write_catalogue(catalog, po_path(locale, directory))
        todo[locale] = [_label(m) for m in catalog if m.id and (_empty(m) or m.fuzzy)]
    return todo


# ---- check ------------------------------------------------------------------------------

_SPEC = re.compile(
    r"%(?:\((?P<name>\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<conv>[diouxXeEfFgGcrsa%])"
)


@dataclass(frozen=True)
class _Format:
    names: frozenset[str]
    positional: int
    broken: bool  # a '%' that starts no conversion: formatting would raise


def _format(text: str) -> _Format:
    names, positional = set(), 0
    for match in _SPEC.finditer(text):
        if match["conv"] == "%":
            continue
        if match["name"]:
            names.add(match["name"])
        else:
            positional += 1
    return _Format(frozenset(names), positional, "%" in _SPEC.sub("", text))


def _empty(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return not strings or any(not s for s in strings)


def _label(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return repr(msgid)


def _formatted(message: Message) -> bool:
    """Whether the text goes through ``%``: Python strings that carry placeholders, and every
    template string (Jinja's newstyle gettext formats them all)."""
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    in_template = any(path.endswith(".html") for path, _ in message.locations)
    return in_template or any(_format(i).names or _format(i).positional for i in ids)


def _format_problems(message: Message, entry: Message) -> list[str]:
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
    source = [_format(i) for i in ids]
    allowed = frozenset().union(*(f.names for f in source))
    problems = []
    for text in strings:
        got = _format(text)
        if got.broken:
            problems.append(f"a '%' that starts no placeholder in {text!r} (write %%)")
        if len(ids) == 1 and got.names != source[0].names:
            problems.append(
                f"placeholders {sorted(got.names)} where the msgid has {sorted(source[0].names)}"
            )
        elif len(ids) > 1 and not got.names <= allowed:
            problems.append(f"unknown placeholders {sorted(got.names - allowed)}")
        if got.positional != source[0].positional:
            problems.append("a different number of unnamed placeholders (%s) than the msgid")
    if len(ids) > 1 and not source[-1].names <= _format(strings[-1]).names:
        problems.append(f"the last plural form lacks {sorted(source[-1].names)}")
    return problems


def problems(root: Path = ROOT, directory: Path = TRANSLATIONS) -> list[str]:
    """Every msgid missing, empty or fuzzy in a catalogue, and every placeholder mismatch."""
    template = extract(root)
    found = []
    for locale in LOCALES:
        catalog = _read(locale, directory)
        for message in template:
            if not message.id:
                continue
            where = ", ".join(sorted({path for path, _ in message.locations}))
            entry = catalog.get(message.id, context=message.context)
            if entry is None:
                found.append(f"{locale}: missing {_label(message)} ({where})")
            elif entry.fuzzy:
                found.append(f"{locale}: fuzzy {_label(message)} ({where})")
            elif _empty(entry):
                found.append(f"{locale}: untranslated {_label(message)} ({where})")
            elif _formatted(message):
                found.extend(
                    f"{locale}: {_label(message)}: {problem} ({where})"
                    for problem in _format_problems(message, entry)
                )
    return found
