"""Redis down during a submission: the report is saved and answered 201; once Redis is
back, the real scheduler and worker processes (both started while it was down) make the
renditions and push the notification, once, within a minute."""

from __future__ import annotations

import time

import firebase_admin
from sqlalchemy import select

from backend.db import db
from backend.models import Photo, Report
from notifications.fcm import FcmSender
from notifications.models import Notification
from tests.factories import sign_in_resident, submit_report
from tests.faults.conftest import WorkerProcess, build_app, service_env, wait_for
from tests.notifications.standin import StandIn, firebase_app, write_service_account

PROJECT = "phananh-demo"  # the app's FIREBASE_PROJECT_ID, which the ID tokens name
TOKEN = "redis-down-device"


def test_submission_while_redis_is_down_is_caught_up_within_a_minute(
    city_db, redis_server, tmp_path
):
    with StandIn() as standin:
        account = write_service_account(tmp_path / "sa.json", standin.token_uri, PROJECT)
        env = service_env(
            city_db,
            tmp_path / "media",
            REDIS_URL=redis_server.url,
            FIREBASE_CREDENTIALS=str(account),
            FCM_ENDPOINT=standin.fcm_endpoint,
        )
        app = build_app(env)  # rate limits on: their Redis storage fails too
        fcm = firebase_app(account, name="faults-redis-down")
        processes = []
        try:
            with app.app_context():
                app.extensions["phananh_push_sender"] = FcmSender(fcm, standin.fcm_endpoint)
                client = app.test_client()
                headers = sign_in_resident(client, "+84907000001")
                device = {"token": TOKEN, "platform": "android", "locale": "vi"}
                assert (
                    client.post("/mobile/v1/devices", json=device, headers=headers).status_code
                    == 201
                )

                redis_server.stop()
                # The scheduler and a worker, started while Redis is away, must outlive it.
                scheduler = WorkerProcess(env, command="scheduler")
                worker = WorkerProcess(env)
                processes += [scheduler, worker]

                started = time.monotonic()
                response = submit_report(client, headers, run=False)
                assert response.status_code == 201, response.get_json()
                assert time.monotonic() - started < 10  # no long wait on the dead Redis
                code = response.get_json()["code"]
                db.session.remove()
                report = db.session.scalars(select(Report).where(Report.code == code)).one()
                assert [p.rendition_status for p in report.photos] == ["pending"]
                rows = _residents_notifications(report)
                assert rows and {r.status for r in rows} == {"pending"}
                assert standin.attempts(TOKEN) == 0
                wait_for(lambda: "worker waits for Redis" in worker.output, 30, "the worker")
                wait_for(lambda: "scheduler lost Redis" in scheduler.output, 30, "the scheduler")
                assert scheduler.process.poll() is None and worker.process.poll() is None

                redis_server.start()
                back = time.monotonic()

                def caught_up():
                    db.session.remove()
                    photo = db.session.scalars(
                        select(Photo).where(Photo.report_id == report.id)
                    ).one()
                    return photo.rendition_status == "ready" and standin.attempts(TOKEN) >= len(
                        rows
                    )

                try:
                    wait_for(caught_up, 60, "renditions and the push after Redis came back", 0.5)
                except AssertionError as exc:
                    raise AssertionError(f"{exc}\n{scheduler.output}\n{worker.output}") from None
                recovered = time.monotonic() - back
                print(f"caught up {recovered:.1f}s after Redis came back")
                assert recovered < 60
                time.sleep(1)  # a second push would come now, from a doubled job
                pushed = [r.message["data"]["notification_id"] for r in standin.requests]
                assert sorted(pushed) == sorted(str(r.id) for r in rows)  # each once
                db.session.remove()
                for row in _residents_notifications(report):
                    assert row.status == "sent" and row.delivered_tokens == [TOKEN]
                db.session.remove()
        finally:
            for process in processes:
                process.stop()
            firebase_admin.delete_app(fcm)
            with app.app_context():
                db.engine.dispose()


def _residents_notifications(report: Report) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.report_id == report.id,
                Notification.resident_id == report.reporter_id,
            )
        )
    )
