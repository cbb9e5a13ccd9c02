"""Benchmark: one public update fanned out to 10,000 followers' devices through FCM.

    python bench/fanout.py [--devices 10000] [--standin process|thread] [--repeat 3]

No network: the FCM v1 endpoint and the OAuth2 token endpoint are the local
stand-in of the tests (``tests/notifications/standin.py``), by default in its
own process so that its work does not share this process's GIL, or in a thread
of this process (``--standin thread``). The sender is the real
:class:`notifications.fcm.FcmSender` on a real firebase-admin app (a generated
service account whose ``token_uri`` is the stand-in); firebase-admin sends each
batch of 500 as 500 HTTP requests from a pool of 500 threads.

Each run sends one push per device (60 % Android, 35 % iOS, 5 % web) after a
warm-up send (OAuth2 token, connections), and prints the FCM calls (HTTP
requests, and ``send_each`` batches), the total time, the stand-in's own time
(inside its handler: the wall-clock time during which at least one request was
in it, and the sum over requests, which overlap), and the overhead per message:
the sender's CPU time per message (what each message costs this process
whatever FCM's latency), and the wall time outside the stand-in's handler.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import firebase_admin  # noqa: E402
from firebase_admin import messaging  # noqa: E402

from notifications.fcm import FcmSender, Push, build_message  # noqa: E402
from tests.notifications.standin import StandIn, firebase_app, write_service_account  # noqa: E402

CODE = "PA-2026-000051"


class ThreadStandIn:
    def __init__(self):
        self.server = StandIn().start()
        self.base_url = self.server.base_url

    def stats(self) -> dict:
        return self.server.stats()

    def reset(self) -> None:
        self.server.reset()

    def close(self) -> None:
        self.server.stop()


class ProcessStandIn:
    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.notifications.standin"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            self.close()
            raise RuntimeError("the stand-in did not start")

    def _call(self, method: str, path: str) -> dict:
        request = urllib.request.Request(self.base_url + path, method=method, data=None)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stats(self) -> dict:
        return self._call("GET", "/_standin/stats")

    def reset(self) -> None:
        self._call("POST", "/_standin/reset")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class PoolChurn(logging.Handler):
    """Counts urllib3's "Connection pool is full, discarding connection"."""

    def __init__(self):
        super().__init__()
        self.discarded = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "Connection pool is full" in record.getMessage():
            self.discarded += 1


def followers_pushes(devices: int, first_id: int) -> list[Push]:
    platforms = ["android"] * 12 + ["ios"] * 7 + ["web"]
    return [
        Push(
            notification_id=first_id + n,
            token=f"follower-{n:06d}-{'x' * 140}",  # real registration tokens are ~150 chars
            platform=platforms[n % len(platforms)],
            title=f"Phản ánh {CODE} đã được xử lý",
            body="Sở Xây dựng: Đã vá xong ổ gà trên đường Hai Bà Trưng.",
            report_code=CODE,
            urgent=False,
            data={"kind": "resolved"},
        )
        for n in range(devices)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--standin", choices=("process", "thread"), default="process")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    churn = PoolChurn()
    pool_log = logging.getLogger("urllib3.connectionpool")
    pool_log.addHandler(churn)
    pool_log.propagate = False
    logging.getLogger("notifications.push").setLevel(logging.WARNING)

    standin = ProcessStandIn() if args.standin == "process" else ThreadStandIn()
    calls: list[int] = []
    real_send_each = messaging.send_each

    def counting_send_each(messages_, dry_run=False, app=None):
        calls.append(len(messages_))
        return real_send_each(messages_, dry_run=dry_run, app=app)

    messaging.send_each = counting_send_each
    app = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            account = write_service_account(Path(tmp) / "sa.json", standin.base_url + "/token")
            app = firebase_app(account, name="bench-fanout")
        sender = FcmSender(app, endpoint=standin.base_url + "/v1/projects/{project}/messages:send")

        warm = sender.send(followers_pushes(500, first_id=1_000_000))
        assert len(warm.sent) == 500, warm

        pushes = followers_pushes(args.devices, first_id=1)
        started = time.perf_counter()
        for push in pushes:
            str(build_message(push))
        build = time.perf_counter() - started

        print(
            f"fan-out of one update to {args.devices:,} devices; stand-in in a {args.standin}; "
            f"firebase-admin {firebase_admin.__version__}"
        )
        runs = []
        for run in range(1, args.repeat + 1):
            standin.reset()
            calls.clear()
            churn.discarded = 0
            cpu0, t0 = time.process_time(), time.perf_counter()
            result = sender.send(pushes)
            total, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            stats = standin.stats()
            assert len(result.sent) == args.devices, result
            n = args.devices
            runs.append((total, cpu / n))
            standin_cpu = f", {stats['cpu_seconds']:.1f} s CPU" if args.standin == "process" else ""
            print(
                f"run {run}: {stats['fcm_requests']:,} FCM calls (HTTP requests) in {len(calls)} "
                f"send_each batches of {max(calls)}, {stats['token_requests']} token requests, "
                f"{churn.discarded} pooled connections discarded\n"
                f"  total {total:.2f} s: {n / total:,.0f} messages/s, {total / n * 1e3:.2f} ms "
                f"per message\n"
                f"  stand-in's own time: busy {stats['busy_seconds']:.2f} s of the wall time, "
                f"{stats['handler_seconds']:.1f} s summed over requests "
                f"({stats['handler_seconds'] / n * 1e3:.2f} ms per request){standin_cpu}\n"
                f"  overhead per message: sender CPU {cpu / n * 1e3:.2f} ms (building and "
                f"validating the message {build / n * 1e3:.3f} ms of it); wall time outside the "
                f"stand-in's handler {(total - stats['busy_seconds']) / n * 1e3:.2f} ms"
            )
        totals = [t for t, _ in runs]
        cpus = [c for _, c in runs]
        print(
            f"median of {len(runs)}: total {statistics.median(totals):.2f} s, sender CPU "
            f"{statistics.median(cpus) * 1e3:.2f} ms per message"
        )
    finally:
        messaging.send_each = real_send_each
        if app is not None:
            firebase_admin.delete_app(app)
        standin.close()


if __name__ == "__main__":
    main()
