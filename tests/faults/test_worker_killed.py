"""An RQ worker killed (SIGKILL, with its work horse) in the middle of a push: the job's
transaction dies with it, the notification stays pending, and a new worker does the work
once: one push per notification at the FCM stand-in, the rendition files once, no temp
files left."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from backend import tasks
from backend.db import db
from backend.jobs import dispatch
from backend.models import Photo, Report
from notifications.models import Notification
from tests.factories import sign_in_resident, submit_report
from tests.faults.conftest import WorkerProcess, build_app, service_env, wait_for
from tests.notifications.standin import FCM_PATH, StandIn, _handler, _Server, write_service_account

PROJECT = "phananh-demo"  # the app's FIREBASE_PROJECT_ID
TOKEN = "killed-worker-device"


class HoldingStandIn(StandIn):
    """The FCM stand-in, able to hold pushes open (never answered, never recorded) as a
    slow FCM would, until :attr:`release` is set."""

    def __init__(self):
        super().__init__()
        self.hold, self.release, self.held = threading.Event(), threading.Event(), 0
        standin = self

        class Holding(_handler(self)):
            def do_POST(self):
                if standin.hold.is_set() and FCM_PATH.match(self.path):
                    with standin.lock:
                        standin.held += 1
                    standin.release.wait(60)
                    self.close_connection = True
                    return
                super().do_POST()

        self.server.server_close()
        self.server = _Server(("127.0.0.1", 0), Holding)


def test_a_worker_killed_mid_push_is_redone_once(city_db, redis_server, tmp_path):
    media = tmp_path / "media"
    with HoldingStandIn() as standin:
        account = write_service_account(tmp_path / "sa.json", standin.token_uri, PROJECT)
        env = service_env(
            city_db,
            media,
            REDIS_URL=redis_server.url,
            FIREBASE_CREDENTIALS=str(account),
            FCM_ENDPOINT=standin.fcm_endpoint,
        )
        app = build_app(env, RATELIMIT_ENABLED=False)
        with app.app_context():
            client = app.test_client()
            headers = sign_in_resident(client, "+84907000002")
            device = {"token": TOKEN, "platform": "android", "locale": "vi"}
            assert (
                client.post("/mobile/v1/devices", json=device, headers=headers).status_code == 201
            )
            response = submit_report(client, headers, run=False)  # its jobs wait in Redis
            assert response.status_code == 201, response.get_json()
            report = db.session.scalars(
                select(Report).where(Report.code == response.get_json()["code"])
            ).one()
            report_id, reporter_id = report.id, report.reporter_id
            db.session.remove()

            standin.hold.set()
            worker = WorkerProcess(env)
            try:
                wait_for(lambda: standin.held >= 1, 60, "the worker's push to reach FCM")
                horses = worker.horses()
                assert horses, "the job runs in a work horse"
            finally:
                worker.kill()
                worker.stop()
            standin.release.set()
            assert standin.requests == []  # FCM never answered the killed worker
            wait_for(lambda: not [pid for pid in horses if _alive(pid)], 10, "the horse to die")

            def still_pending():
                db.session.remove()
                rows = _notifications(report_id, reporter_id)
                return rows if rows and {r.status for r in rows} == {"pending"} else None

            rows = wait_for(still_pending, 10, "the killed job's transaction to roll back")
            expected = sorted(str(r.id) for r in rows)

            # What the scheduler does next: the re-dispatch and the minute's delivery.
            standin.hold.clear()
            tasks.redispatch_renditions(datetime.now(UTC) + timedelta(minutes=1))
            dispatch("notifications.delivery:deliver_due")
            db.session.remove()
            second = WorkerProcess(env, burst=True)
            output = second.wait(timeout=90)
            second.stop()

            pushed = sorted(r.message["data"]["notification_id"] for r in standin.requests)
            assert pushed == expected, output  # each notification pushed once
            assert {r.status for r in _notifications(report_id, reporter_id)} == {"sent"}
            photo = db.session.scalars(select(Photo).where(Photo.report_id == report_id)).one()
            assert photo.rendition_status == "ready"
            public = sorted(p.name for p in (media / "public").rglob("*") if p.is_file())
            assert len(public) == 2 and all(name.startswith(f"{photo.id}-") for name in public)
            assert not [p for p in Path(media).rglob(".upload-*")]
            db.session.remove()
            db.engine.dispose()


def _notifications(report_id: int, reporter_id: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.report_id == report_id, Notification.resident_id == reporter_id
            )
        )
    )


def _alive(pid: int) -> bool:
    """Running (a killed process may linger as a zombie until someone reaps it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False
