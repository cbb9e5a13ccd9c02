"""Photos on the moderation page: before and after labelled, a hidden photo still seen by
the moderator (from the console, never from a public URL)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from backend.db import db
from backend.services import lookup
from tests.backend.console.conftest import console_sign_in, post_form
from tests.factories import photo

QUEUE = "/console/moderation"


@pytest.fixture
def resolved(client, resident, submit, staff, run_jobs) -> str:
    """A published pothole report (one photo with GPS in its EXIF) resolved with an after
    photo."""
    code = submit(resident("+84901000021")).get_json()["code"]
    done = client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={
            "response": "Đã vá xong ổ gà.",
            "photos": [(io.BytesIO(photo("landscape_6.jpg")), "after.jpg")],
        },
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert done.status_code == 200, done.get_json()
    run_jobs()
    return code


def _photos(code: str):
    db.session.expire_all()
    report = lookup.by_code(code)
    return {p.kind: p for p in report.photos}, report.version


def _hide(client, code, photo_id, version):
    return post_form(
        client,
        f"{QUEUE}/{code}/photos/{photo_id}/hide",
        {"version": str(version), "reason": "Lộ biển số xe"},
        page=f"{QUEUE}/{code}",
    )


def test_before_and_after_photos_are_labelled(client, resolved):
    assert console_sign_in(client, "moderator").status_code == 302
    page = client.get(f"{QUEUE}/{resolved}?lang=en").get_data(as_text=True)
    before = page.index("Before: sent by the resident")
    after = page.index("After: sent by the unit with its result")
    assert before < after
    kinds = re.findall(r'<li class="mod-photo" id="photo-\d+" data-kind="(\w+)">', page)
    assert kinds == ["before", "after"]
    assert f'alt="Before photo 1 of {resolved}"' in page
    assert f'alt="After photo 1 of {resolved}"' in page
    vietnamese = client.get(f"{QUEUE}/{resolved}?lang=vi").get_data(as_text=True)
    assert "Ảnh trước: do người dân gửi" in vietnamese
    assert "Ảnh sau: do đơn vị gửi kèm kết quả" in vietnamese


def test_a_hidden_photo_is_shown_to_the_moderator_and_to_nobody_else(
    client, app, resolved, run_jobs
):
    assert console_sign_in(client, "moderator").status_code == 302
    photos, version = _photos(resolved)
    hidden = photos["before"]
    hidden_id = hidden.id  # the job below ends the session
    public_thumb = f"/media/public/{hidden.thumb_key.removeprefix('public/')}"
    assert client.get(public_thumb).status_code == 200
    assert _hide(client, resolved, hidden.id, version).status_code == 302
    run_jobs()  # the deletion of its public files, a job after the commit

    photos, _ = _photos(resolved)
    assert photos["before"].hidden and photos["before"].thumb_key is None
    assert client.get(public_thumb).status_code == 404  # the public copy is gone
    public = client.get(f"/public/v1/reports/{resolved}").get_json()
    assert [p["kind"] for p in public["photos"]] == ["after"]

    page = client.get(f"{QUEUE}/{resolved}?lang=en").get_data(as_text=True)
    own = f"{QUEUE}/{resolved}/photos/{hidden_id}"
    item = re.search(
        rf'<li class="mod-photo photo-hidden" id="photo-{hidden_id}".*?</li>', page, re.S
    )
    assert item, "the hidden photo is not marked"
    item = item.group(0)
    assert f'<a href="{own}/display"><img src="{own}/thumb"' in item
    assert "(hidden from the public)" in item  # in its alt text
    assert '<span class="tag tag-hidden">Hidden from the public</span>' in item
    assert "Lộ biển số xe" in item  # why
    assert "Show to the public again" in item
    assert "/media/public/" not in item

    for size, longest in (("thumb", 320), ("display", 1280)):
        response = client.get(f"{own}/{size}")
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        image = Image.open(io.BytesIO(response.data))
        assert max(image.size) <= longest
        assert not image.getexif() and "exif" not in image.info  # no GPS, no device
    # Rendering for the moderator wrote nothing public.
    photos, _ = _photos(resolved)
    assert photos["before"].thumb_key is None and photos["before"].rendition_status == "removed"

    # Nobody but the moderation roles: an officer, the public, another report's path.
    officer = app.test_client()
    assert console_sign_in(officer, "so-xd.officer").status_code == 302
    assert officer.get(f"{own}/thumb").status_code == 404
    anonymous = app.test_client().get(f"{own}/thumb")
    assert anonymous.status_code == 302 and "/console/login" in anonymous.headers["Location"]
    assert client.get(f"{QUEUE}/{resolved}/photos/999999/thumb").status_code == 404
    assert client.get(f"{own}/original").status_code == 404


def test_the_coordinator_and_admin_see_it_too(app, resolved):
    photos, _ = _photos(resolved)
    for username in ("coordinator", "admin"):
        client = app.test_client()
        assert console_sign_in(client, username).status_code == 302
        got = client.get(f"{QUEUE}/{resolved}/photos/{photos['before'].id}/thumb")
        assert got.status_code == 200 and got.mimetype == "image/jpeg"


def test_a_photo_of_another_report_is_not_found(client, resident, submit, resolved):
    other = submit(resident("+84901000022"), description="Đèn đường hỏng").get_json()["code"]
    photos, _ = _photos(resolved)
    assert console_sign_in(client, "moderator").status_code == 302
    assert client.get(f"{QUEUE}/{other}/photos/{photos['before'].id}/thumb").status_code == 404
