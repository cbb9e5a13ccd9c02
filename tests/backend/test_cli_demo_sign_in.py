"""The demo's sign-in from the CLI: demo residents sign in as themselves, and the
quickstart turns the emulator mode on explicitly, saying so."""

from __future__ import annotations

import os

from backend.db import db
from backend.models import Resident

DEMO_PHONE = "+84900000003"  # Lê Hoàng Cường, a seeded demo resident


def _token(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=["dev", "id-token", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def _sign_in(client, token):
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": token})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_demo_residents_phone_signs_in_as_that_resident(app, client, city, submit):
    seeded = db.session.query(Resident).filter_by(phone=DEMO_PHONE).one()
    body = _sign_in(client, _token(app, "--phone", DEMO_PHONE))
    assert body["resident"]["id"] == seeded.id
    assert db.session.query(Resident).filter_by(phone=DEMO_PHONE).count() == 1
    # Their own reports, as the demo seeded them.
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/mobile/v1/reports/mine", headers=headers).status_code == 200


def test_a_new_phone_still_makes_a_new_resident(app, client, city):
    before = db.session.query(Resident).count()
    body = _sign_in(client, _token(app, "--phone", "+84909999998"))
    assert body["resident"]["phone"] == "+84909999998"
    assert db.session.query(Resident).count() == before + 1
    again = _sign_in(client, _token(app, "--phone", "+84909999998"))
    assert again["resident"]["id"] == body["resident"]["id"]


def test_without_arguments_it_lists_how_to_sign_in_as_each_demo_resident(app, city):
    runner = app.test_cli_runner()
    for args in (["dev", "id-token"], ["dev", "residents"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        for resident in db.session.query(Resident).filter(
            Resident.firebase_uid.like("demo-resident-%")
        ):
            assert resident.display_name in result.output
            assert f"flask --app wsgi dev id-token --phone {resident.phone}" in result.output
        assert result.output.count("dev id-token --phone") == 8


def test_quickstart_turns_the_emulator_on_explicitly_and_says_so(
    app, client, city, submit, monkeypatch
):
    submit()  # the database has reports: quickstart does not seed again
    app.config["FIREBASE_AUTH_EMULATOR_HOST"] = None  # as configured with nothing set
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST")  # put back after the test
    result = app.test_cli_runner().invoke(args=["quickstart", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Emulator sign-in is ON" in result.output
    assert app.config["FIREBASE_AUTH_EMULATOR_HOST"] == "127.0.0.1:9099"
    assert os.environ["FIREBASE_AUTH_EMULATOR_HOST"] == "127.0.0.1:9099"
    _sign_in(client, _token(app, "--phone", DEMO_PHONE))


def test_quickstart_keeps_real_credentials(app, city, submit, tmp_path):
    submit()
    app.config["FIREBASE_AUTH_EMULATOR_HOST"] = None
    app.config["FIREBASE_CREDENTIALS"] = str(tmp_path / "service-account.json")
    result = app.test_cli_runner().invoke(args=["quickstart", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Emulator" not in result.output
    assert app.config["FIREBASE_AUTH_EMULATOR_HOST"] is None


def test_emulator_tokens_are_never_made_in_production(app):
    app.config["APP_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["dev", "id-token", "--phone", DEMO_PHONE])
    assert result.exit_code != 0
    assert "production" in result.output
