"""The gettext catalogues: complete in both languages, compiled at start, the language
chosen by ``?lang=`` then the cookie then Vietnamese."""

from __future__ import annotations

import os
from pathlib import Path

from flask import render_template_string
from flask_babel import gettext

from backend import i18n_catalogues as catalogues
from backend.i18n import both, translate


def test_catalogues_are_complete_in_both_languages():
    """Every msgid of the code and templates is translated in vi and en, not fuzzy, with the
    same placeholders. Fix: ``flask --app wsgi i18n update``, translate, then ``check``."""
    found = catalogues.problems()
    assert not found, "\n".join(found)


def test_a_stale_mo_is_compiled_again(tmp_path):
    source = tmp_path / "translations"
    po = catalogues.po_path("vi", source)
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: vi\\n"\n\nmsgid "Open"\nmsgstr "Mở"\n')
    assert catalogues.compile_catalogues(source) == ["vi"]
    assert catalogues.compile_catalogues(source) == []  # idempotent
    mo = catalogues.mo_path("vi", source)
    old = mo.stat().st_mtime_ns - 10**9
    os.utime(mo, ns=(old, old))
    assert catalogues.compile_catalogues(source) == ["vi"]


def test_a_read_only_tree_compiles_into_the_instance_folder(tmp_path, monkeypatch):
    source = tmp_path / "translations"
    po = catalogues.po_path("en", source)
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "Open"\nmsgstr "Open"\n')
    real = catalogues._write_mo

    def read_only(po: Path, mo: Path):
        if mo.is_relative_to(source):
            raise PermissionError(mo)
        real(po, mo)

    monkeypatch.setattr(catalogues, "_write_mo", read_only)
    where = catalogues.compiled_directory(source, tmp_path / "instance")
    assert where == tmp_path / "instance" / "translations"
    assert catalogues.mo_path("en", where).exists()


def test_the_language_comes_from_the_query_then_the_cookie(client, city):
    def lang_of(response) -> str:
        return response.get_data(as_text=True).split('<html lang="')[1].split('"')[0]

    assert lang_of(client.get("/")) == "vi"
    english = client.get("/?lang=en")
    assert lang_of(english) == "en" and "lang=en" in english.headers["Set-Cookie"]
    assert "Skip to main content" in english.get_data(as_text=True)
    assert lang_of(client.get("/")) == "en"  # the cookie
    vietnamese = client.get("/?lang=vi")
    assert lang_of(vietnamese) == "vi" and "Bỏ qua đến nội dung chính" in vietnamese.get_data(
        as_text=True
    )
    assert lang_of(client.get("/?lang=fr")) == "vi"  # unknown: the cookie (now vi)


def test_templates_get_flask_babels_gettext(app):
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        text = render_template_string('{{ _("%(n)d unread", n=3) }} {{ lang }}')
    assert text == "3 unread en"


def test_both_languages_at_once(app):
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert both("Skip to main content")["en"] == "Skip to main content"
        assert translate("Skip to main content", "vi") == both("Skip to main content")["vi"]
        assert gettext("Skip to main content") == "Skip to main content"  # locale restored


def test_status_names_read_the_same_in_the_catalogue_and_the_api_labels():
    from backend.domain.workflow import STATUS_LABELS, STATUS_NAMES

    for status, (vi, en) in STATUS_LABELS.items():
        assert (translate(STATUS_NAMES[status], "vi"), translate(STATUS_NAMES[status], "en")) == (
            vi,
            en,
        )


def test_every_name_the_code_gives_a_gettext_function_is_extracted():
    """``from flask_babel import lazy_gettext as _l`` and then ``_l("...")``: extraction
    only sees the names in KEYWORDS, so an alias missing there leaves its strings out of
    both catalogues (and out of the completeness check) without a word."""
    import re

    alias = re.compile(
        r"^from (?:flask_babel|backend\.domain\.text|backend\.i18n) import ([^\n(]+)", re.M
    )
    names = set()
    root = Path(catalogues.ROOT)
    for path in root.glob("*/**/*.py"):
        if "migrations" in path.parts or path.parts[len(root.parts)] == "tests":
            continue
        for found in alias.findall(path.read_text(encoding="utf-8")):
            for part in found.split(","):
                words = part.split()
                if len(words) == 3 and words[1] == "as":
                    names.add((words[0], words[2]))
    gettext_functions = {"gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"}
    aliases = {new for old, new in names if old in gettext_functions or old == "N_"}
    assert aliases, "the scan found no alias at all: it is broken"
    assert aliases <= set(catalogues.KEYWORDS), aliases - set(catalogues.KEYWORDS)
