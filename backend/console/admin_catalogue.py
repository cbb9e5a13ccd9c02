"""Administrators' catalogue pages: the categories (``/console/admin/categories``), with
the extra questions each asks, and the SLA policies (``/console/admin/sla``).

Plain HTML forms (no JavaScript needed), through the same services and schemas as the
staff API (``/staff/v1/admin/categories``, ``/staff/v1/admin/sla-policies``): a refusal is
shown on the form with what was typed kept. A question's answers (for the list types) are
typed one per line as ``key | Vietnamese name | English name``.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from backend.console import forms
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import commit, rollback, utcnow
from backend.domain.roles import Role
from backend.errors import DomainError
from backend.models.category import QuestionType, Severity
from backend.schemas.categories import AdminCategoryInputSchema, AdminCategoryPatchSchema
from backend.schemas.sla import PolicyInputSchema
from backend.services import categories_admin, policy, sla_config
from backend.services.units_admin import StaleForm

SEVERITY_LABELS = {
    Severity.URGENT: _l("Urgent"),
    Severity.NORMAL: _l("Normal"),
    Severity.COMPLEX: _l("Complex"),
}
DATATYPE_LABELS = {
    QuestionType.STRING: _l("Short text"),
    QuestionType.TEXT: _l("Long text"),
    QuestionType.NUMBER: _l("Number"),
    QuestionType.DATETIME: _l("Date and time"),
    QuestionType.SINGLE_VALUE_LIST: _l("One choice from a list"),
    QuestionType.MULTI_VALUE_LIST: _l("Several choices from a list"),
}
FIELD_LABELS = {
    "code": _l("Code"),
    "name_vi": _l("Vietnamese name"),
    "name_en": _l("English name"),
    "group": _l("Group"),
    "default_severity": _l("Default severity"),
    "position": _l("Position"),
    "questions": _l("Extra questions"),
    "severity": _l("Severity"),
    "category": _l("Category"),
    "accept_hours": _l("Hours to accept"),
    "handle_hours": _l("Time to handle"),
    "handle_days": _l("Time to handle"),
    "publish_days": _l("Working days to publish the answer"),
}
_CATEGORY_FIELDS = ("name_vi", "name_en", "group", "default_severity", "position")
_QUESTION_FIELDS = ("code", "datatype", "order", "description_vi", "description_en")


def _label(field: str):
    return FIELD_LABELS.get(field)


@bp.app_template_global()
def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(Severity(severity), severity))


# ---- categories ----------------------------------------------------------------------


@bp.get("/admin/categories")
@roles_required(Role.ADMIN)
def admin_catalogue():
    return _categories_page()


@bp.post("/admin/categories")
@roles_required(Role.ADMIN)
def admin_category_create():
    values = _category_form(request.form, with_code=True)
    try:
        data = forms.load(AdminCategoryInputSchema(), values)
        category = categories_admin.create_category(g.staff, data, utcnow())
        commit()
    except DomainError as error:
        rollback()
        flash(forms.message(error, _label), "error")
        return _categories_page(values=request.form, errors=error.fields, status=error.status)
    flash(_("Category %(code)s created.", code=category.code), "success")
    return redirect(url_for("console.admin_category", code=category.code))


def _categories_page(values=None, errors=None, status: int = 200):
    rows = categories_admin.list_categories(g.staff)
    page = render_template(
        "console/admin/categories.html",
        categories=rows,
        values=values or {},
        errors=errors or {},
        severities=list(Severity),
    )
    return page, status


@bp.get("/admin/categories/<code>")
@roles_required(Role.ADMIN)
def admin_category(code):
    category = categories_admin.get_category(g.staff, code)
    return _category_page(category, _form_values(categories_admin.view(category)))


@bp.post("/admin/categories/<code>")
@roles_required(Role.ADMIN)
def admin_category_update(code):
    category = categories_admin.get_category(g.staff, code)
    try:
        data = forms.load(AdminCategoryPatchSchema(), _category_form(request.form))
        tag = request.form.get("tag") or ""  # a form without its tag is not a blind overwrite
        categories_admin.update_category(g.staff, code, data, utcnow(), tag=tag)
        commit()
    except DomainError as error:
        rollback()
        flash(forms.message(error, _label), "error")
        category = categories_admin.get_category(g.staff, code)
        if isinstance(error, StaleForm):  # shown as it is now, with its new tag
            values = _form_values(categories_admin.view(category))
            return _category_page(category, values, status=error.status)
        return _category_page(category, _typed(request.form), error.fields, error.status)
    flash(_("Category %(code)s saved.", code=code), "success")
    return redirect(url_for("console.admin_category", code=code))


def _category_page(category, values: dict, errors=None, status: int = 200):
    page = render_template(
        "console/admin/category.html",
        category=category,
        tag=categories_admin.category_tag(category),
        values=values,
        errors=errors or {},
        severities=list(Severity),
        datatypes=list(QuestionType),
        datatype_labels=DATATYPE_LABELS,
    )
    return page, status


def _category_form(form, *, with_code: bool = False) -> dict:
    """The form's fields as the schema reads them (booleans from checkboxes)."""
    data: dict = {k: form[k].strip() for k in _CATEGORY_FIELDS if form.get(k, "").strip()}
    if with_code:
        data["code"] = form.get("code", "").strip()
    data["photo_required"] = form.get("photo_required") == "on"
    data["active"] = form.get("active") == "on"
    if not with_code:
        data["questions"] = _questions(form)
    return data


def _question_rows(form) -> list[int]:
    found = {int(k.split("-")[1]) for k in form if k.startswith("q-") and k.split("-")[1].isdigit()}
    return sorted(n for n in found if n < 100)


def _questions(form) -> list[dict]:
    """The question rows of the form; a row without a code, or marked to remove, is left out."""
    items = []
    for n in _question_rows(form):
        get = lambda name, n=n: form.get(f"q-{n}-{name}", "").strip()  # noqa: E731
        if not get("code") or get("remove") == "on":
            continue
        item = {k: get(k) for k in _QUESTION_FIELDS if get(k)}
        item["required"] = get("required") == "on"
        item["values"] = [_value(line) for line in get("values").splitlines() if line.strip()]
        items.append(item)
    return items


def _value(line: str) -> dict:
    parts = [p.strip() for p in line.split("|")]
    key = parts[0]
    name_vi = parts[1] if len(parts) > 1 and parts[1] else key
    name_en = parts[2] if len(parts) > 2 and parts[2] else name_vi
    return {"key": key, "name_vi": name_vi, "name_en": name_en}


def _form_values(view: dict) -> dict:
    """A category's view as the form's fields."""
    values = {k: view[k] for k in ("name_vi", "name_en", "group", "default_severity")}
    values.update(position=str(view["position"]), photo_required=view["photo_required"])
    values["active"] = view["active"]
    values["questions"] = [
        {
            **{k: str(q[k]) for k in ("code", "datatype", "order", "description_vi")},
            "description_en": q["description_en"],
            "required": q["required"],
            "values": "\n".join(
                f"{v['key']} | {v['name_vi']} | {v['name_en']}" for v in q["values"]
            ),
        }
        for q in view["questions"]
    ]
    return values


def _typed(form) -> dict:
    """What was typed, to show again on a refused form."""
    values = {k: form.get(k, "") for k in _CATEGORY_FIELDS}
    values["photo_required"] = form.get("photo_required") == "on"
    values["active"] = form.get("active") == "on"
    values["questions"] = [
        {
            **{k: form.get(f"q-{n}-{k}", "") for k in (*_QUESTION_FIELDS, "values")},
            "required": form.get(f"q-{n}-required") == "on",
            "remove": form.get(f"q-{n}-remove") == "on",
        }
        for n in _question_rows(form)
        if form.get(f"q-{n}-code", "").strip()
    ]
    return values


# ---- SLA policies --------------------------------------------------------------------


@bp.get("/admin/sla")
@roles_required(Role.ADMIN)
def admin_sla():
    return _sla_page()


@bp.post("/admin/sla")
@roles_required(Role.ADMIN)
def admin_sla_set():
    form = request.form
    data = {k: form[k].strip() for k in ("severity", "category") if form.get(k, "").strip()}
    for name in ("accept_hours", "publish_days"):
        data[name] = form.get(name, "").strip().replace(",", ".")
    unit = "handle_hours" if form.get("handle_unit") == "hours" else "handle_days"
    data[unit] = form.get("handle", "").strip().replace(",", ".")
    try:
        args = forms.load(PolicyInputSchema(), data)
        # A province's administrator sets their province's own policy; a national one the
        # national policy.
        province = policy.province_scope(g.staff)
        sla_config.set_policy(g.staff, args, utcnow(), province_id=province)
        commit()
    except DomainError as error:
        rollback()
        flash(forms.message(error, _label), "error")
        return _sla_page(values=form, errors=error.fields, status=error.status)
    flash(_("The new deadlines apply to reports assigned from now on."), "success")
    return redirect(url_for("console.admin_sla"))


def _sla_page(values=None, errors=None, status: int = 200):
    page = render_template(
        "console/admin/sla.html",
        policies=sla_config.current_policies(utcnow(), province_id=policy.province_scope(g.staff)),
        categories=categories_admin.list_categories(g.staff),
        severities=list(Severity),
        values=values or {},
        errors=errors or {},
    )
    return page, status
