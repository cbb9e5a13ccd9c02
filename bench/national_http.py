"""gunicorn and wrk for the national benchmark: start servers, drive them, read the answers.

Both the app and the floor run under :data:`GUNICORN` (2 sync workers) with the
repository's ``gunicorn.conf.py``, as production starts them (the app preloaded in the
master, see that file); wrk drives them
with 2 threads and 32 connections and ``--latency``, whose requests/s and 50 % / 99 %
latencies are parsed from its report.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).resolve().parent / "national_lua"
#: What production runs with (preload, gc.freeze, the pools reset after the fork).
CONFIG = ROOT / "gunicorn.conf.py"
#: The same settings for the app and the floor.
GUNICORN = ("-w", "2", "-k", "sync", "--backlog", "2048", "--timeout", "120",
            "--graceful-timeout", "5", "--log-level", "warning")  # fmt: skip
THREADS, CONNECTIONS = 2, 32
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workers_of(master: int) -> list[int]:
    """The pids of a process's children (a gunicorn master's workers), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return sorted(found)


class Server:
    """A gunicorn serving ``target`` on a free loopback port, in its own process group."""

    def __init__(self, target: str, env: dict[str, str], health: str = "/",
                 config: Path = CONFIG):  # fmt: skip
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "-c", str(config), *GUNICORN,
                   "-b", f"127.0.0.1:{self.port}", target]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {target} exited with {self.process.returncode}")
            try:
                if requests.get(self.base + health, timeout=5).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn {target} did not answer {health} within 120 s")

    def workers(self) -> list[int]:
        """The worker processes' pids (children of the gunicorn master)."""
        return workers_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory_mb(pid: int) -> dict[str, float]:
    """A process's RSS, PSS (each shared page divided among the processes sharing it) and
    USS (its private pages only), in MB, from ``/proc/<pid>/smaps_rollup``. With the app
    preloaded the workers' RSS still counts the pages they share with the master; PSS and
    USS show what each worker really adds."""
    kb: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        kb[name] = int(value.split()[0])
    uss = kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)
    return {"rss": round(kb["Rss"] / 1024, 1), "pss": round(kb["Pss"] / 1024, 1),
            "uss": round(uss / 1024, 1)}  # fmt: skip


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers, socket errors and timeouts
    seconds: float

    def as_dict(self) -> dict:
        return {
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "requests": self.requests,
            "errors": self.errors,
            "seconds": self.seconds,
        }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip()).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str, seconds: float) -> Result:
    """Requests/s, the 50 % and 99 % latencies and the errors of a ``wrk --latency`` run."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(g) for g in sockets.groups())
    return Result(rps, p50, p99, total, errors, seconds)


def wrk(
    url: str,
    seconds: float,
    *,
    script: str | None = None,
    headers: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency",
               "--timeout", "30s"]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(LUA / script)]
    command.append(url)
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True
    )
    return parse_wrk(done.stdout, seconds)
