"""Benchmark: does a failed staff sign-in take as long for an unknown username as for a
known one? (no username oracle in the time taken; issue 12)

    python bench/login_timing.py [--runs 15]

Times ``accounts.staff_login`` with the production password hash (argon2id, 64 MiB, 3
passes) in a throw-away PostgreSQL database with the demo staff, for an unknown username,
a deactivated account, a wrong password and the right one, and prints the median and the
ratio of each to the wrong password (the baseline, measured in the same run). Before the
dummy verification an unknown username answered in about 0.2 ms against 235 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

from common import BENCH_URL, demo_app

from backend.db import db
from backend.errors import DomainError
from backend.models import StaffUser
from backend.services import accounts


def timed(username: str, password: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        with contextlib.suppress(DomainError):
            accounts.staff_login(username, password)
        samples.append(time.perf_counter() - start)
        db.session.rollback()
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    app = demo_app(BENCH_URL)
    app.config["PASSWORD_HASH_METHOD"] = "argon2"
    with app.app_context():
        officer = db.session.query(StaffUser).filter_by(username="so-xd.officer").one()
        officer.set_password("demo", "argon2")
        gone = db.session.query(StaffUser).filter_by(username="ca-tp.officer").one()
        gone.set_password("demo", "argon2")
        gone.active = False
        db.session.commit()
        cases = {
            "wrong password": ("so-xd.officer", "not-the-password"),
            "unknown username": ("nobody-at-all", "not-the-password"),
            "deactivated account": ("ca-tp.officer", "demo"),
            "right password": ("so-xd.officer", "demo"),
        }
        timings = {name: timed(user, password, runs) for name, (user, password) in cases.items()}
    base = timings["wrong password"]
    print(f"staff sign-in, median of {runs}, argon2id production parameters")
    for name, ms in timings.items():
        print(f"  {name:20} {ms:8.1f} ms   {ms / base:5.2f} x the wrong password")


if __name__ == "__main__":
    main()
