"""The national benchmark's table, targets, machine, profiles and where they are written."""

from __future__ import annotations

import json
import platform
import re
import subprocess
import threading
from collections import Counter
from pathlib import Path

import psycopg
import redis

from bench.national_data import psycopg_url
from bench.national_http import wrk

START, END = "<!-- national:start -->", "<!-- national:end -->"
#: Targets of issue 14 (ratios to the floor, in the same run).
CACHED_RPS, CACHED_P99, UNCACHED_RPS, SUBMIT_RPS = 0.50, 3.0, 0.10, 0.25
BOARD_GROWTH, ROUTING, RSS_MB, PHOTO_MB = 1.5, 100_000, 150, 250


def floor_of(run: dict) -> dict:
    runs = run["floor"]
    return {
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p99_ms": sum(r["p99_ms"] for r in runs) / len(runs),
        "p50_ms": sum(r["p50_ms"] for r in runs) / len(runs),
    }


def verdict(key: str, kind: str, mode: str, result: dict, floor: dict) -> str:
    if "too_slow_s" in result:
        return "**missed**"
    ratio = result["rps"] / floor["rps"]
    if result.get("errors"):
        return f"errors: {result['errors']}"
    if kind == "cached" and mode == "cached":
        met = ratio >= CACHED_RPS and result["p99_ms"] <= CACHED_P99 * floor["p99_ms"]
        return ("met" if met else "**missed**") + f" (≥ {CACHED_RPS:.0%}, p99 ≤ 3× floor)"
    if kind == "cached":
        return ("met" if ratio >= UNCACHED_RPS else "**missed**") + f" (≥ {UNCACHED_RPS:.0%})"
    if kind == "write":
        return ("met" if ratio >= SUBMIT_RPS else "**missed**") + f" (≥ {SUBMIT_RPS:.0%})"
    return "no target"


def rows(run: dict, routes: list) -> list[list[str]]:
    floor = floor_of(run)
    out = [["floor (bare Flask JSON, same gunicorn)", f"{floor['rps']:,.0f}",
            f"{floor['p50_ms']:.1f} ms", f"{floor['p99_ms']:.1f} ms", "1.00", ""]]  # fmt: skip
    for key, label, kind in routes:
        found = run["routes"].get(key)
        if kind == "missing" or not found:
            out.append([label, "not built yet" if kind == "missing" else "not run", "", "", "",
                        ""])  # fmt: skip
            continue
        for mode in ("uncached", "cached"):
            result = found.get(mode)
            if not result:
                continue
            name = label + (f" {mode}" if kind == "cached" else "")
            if "too_slow_s" in result:
                slow = f"one request > {result['too_slow_s']:g} s"
                out.append([name, "~0", slow, slow, "0", verdict(key, kind, mode, result, floor)])
                continue
            if not result.get("requests"):  # wrk saw no answer within its seconds
                slow = f"no answer within {result.get('seconds', run['seconds']):g} s"
                out.append([name, "~0", slow, slow, "0", verdict(key, kind, mode, result, floor)])
                continue
            out.append([
                name, f"{result['rps']:,.1f}", f"{result['p50_ms']:,.1f} ms",
                f"{result['p99_ms']:,.1f} ms", f"{result['rps'] / floor['rps']:.3f}",
                verdict(key, kind, mode, result, floor),
            ])  # fmt: skip
    return out


def render(run: dict, routes: list) -> str:
    lines = ["| route | requests/s | p50 | p99 | ratio to the floor | target |",
             "|---|---:|---:|---:|---:|---|"]  # fmt: skip
    lines += ["| " + " | ".join(row) + " |" for row in rows(run, routes)]
    lines.append("")
    growth = run.get("board_growth")
    if growth:
        for path, ratio in growth["ratio"].items():
            met = "met" if ratio <= BOARD_GROWTH else "**missed**"
            lines.append(
                f"- board `{path}` uncached, one request in-process (median of 25): "
                f"{growth['small'][path]:.1f} ms at {run['build_small']['reports']:,} reports, "
                f"{growth['large'][path]:.1f} ms at {run['build']['reports']:,}: "
                f"{ratio:.2f}× ({met}, target ≤ {BOARD_GROWTH}×)"
            )
    routing = run.get("routing")
    if routing:
        met = "met" if routing["vectorised_points_per_s"] >= ROUTING else "**missed**"
        lines.append(
            f"- routing against the 34 provinces: {routing['vectorised_points_per_s']:,} "
            f"points/s vectorised (STRtree candidates + prepared `contains_xy`, "
            f"{routing['points']:,} points) ({met}, target ≥ {ROUTING:,}); the app's "
            f"per-point `JurisdictionIndex.locate`: {routing['per_point_locate_per_s']:,}/s"
        )
    for mode, rss in (run.get("rss_mb") or {}).items():
        met = "met" if max(rss["workers"]) <= RSS_MB else "**missed**"
        short = " (fewer than 10,000 in the time given)" if rss["after_requests"] < 10_000 else ""
        if short and rss.get("memory"):  # since the time plan: only cached mode is topped up
            met, short = "not the target's measurement", " (the uncached routes only)"
        shared = ""
        if rss.get("memory"):  # PSS/USS: with preload, the pages shared with the master
            shared = "; PSS " + ", ".join(f"{m['pss']:.0f}" for m in rss["memory"]) + " MB, USS "
            shared += ", ".join(f"{m['uss']:.0f}" for m in rss["memory"]) + " MB"
        end = rss.get("at_end")
        if end and end["requests"] != rss["after_requests"]:
            shared += (f"; after every route ({end['requests']:,} requests since the last start): "
                       + ", ".join(f"{m['rss']:.0f}" for m in end["memory"]) + " MB")  # fmt: skip
        lines.append(
            f"- worker RSS, app {mode}, after {rss['after_requests']:,} requests{short}: "
            f"{', '.join(f'{w:.0f} MB' for w in rss['workers'])} ({met}, target ≤ {RSS_MB} MB;"
            f" {', '.join(f'{w:.0f}' for w in rss.get('at_start', []))} MB at start{shared})"
        )
    job = run.get("photo_job")
    if job:
        met = "met" if job["peak_mb"] <= PHOTO_MB else "**missed**"
        lines.append(
            f"- photo job (renditions of a {job['photo_bytes'] / 1e6:.1f} MB JPEG, "
            f"{job['seconds']:.1f} s): peak {job['peak_mb']:.0f} MB "
            f"(the process before the job: {job['peak_before_job_mb']:.0f} MB) "
            f"({met}, target ≤ {PHOTO_MB} MB)"
        )
    return "\n".join(lines)


def machine(database_url: str, redis_url: str) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    with psycopg.connect(psycopg_url(database_url)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "cores": len(re.findall(r"^processor\s*:", cpuinfo, re.M)),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "ram_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "postgresql": pg,
        "redis": redis.Redis.from_url(redis_url).info("server")["redis_version"],
        "python": platform.python_version(),
        "wrk": (wrk_version.stdout + wrk_version.stderr).split("\n")[0].strip(),
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
    }


def misses(run: dict) -> list[str]:
    floor = floor_of(run)
    found = []
    for key, modes in run["routes"].items():
        for mode, result in modes.items():
            if "**missed**" in verdict(key, _kind(key), mode, result, floor):
                found.append(key)
    return sorted(set(found))


def _kind(key: str) -> str:
    from bench.national import ROUTES

    return next(kind for k, _l, kind in ROUTES if k == key)


def profile_misses(app, routes: dict, run: dict, folder: Path, seconds: float) -> dict:
    """py-spy on every worker at once while each missed read is driven (wrk; one request
    for a route too slow for wrk); the top frames of their merged samples."""
    import requests

    out = {}
    # The routes too slow for wrk last: profiling one stops the server.
    order = sorted(misses(run), key=lambda k: "too_slow_s" in run["routes"][k].get("uncached", {}))
    for key in order:
        route = routes.get(key)
        workers = app.workers()
        if not route or not workers:
            continue
        path = route.get("path")
        slow = "too_slow_s" in run["routes"][key].get("uncached", {})
        if slow:
            duration = min(30.0, run["routes"][key]["uncached"]["too_slow_s"])
            load = threading.Thread(
                target=lambda p=path, d=duration: _quietly(requests.get, app.base + p, timeout=d)
            )
        else:
            duration = seconds
            env = {} if path else {"BENCH_PATHS": route["paths"]["uncached"]}
            load = threading.Thread(
                target=wrk,
                args=(app.base + (path or "/"), seconds + 2),
                kwargs={"script": None if path else "paths.lua", "env": env},
            )
        load.start()
        spies = [
            subprocess.Popen(
                [
                    "py-spy",
                    "record",
                    "--pid",
                    str(pid),
                    "--duration",
                    str(int(duration)),
                    "--rate",
                    "100",
                    "--format",
                    "raw",
                    "--nonblocking",
                    "-o",
                    str(folder / f"profile-{key}-{pid}.txt"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for pid in workers
        ]
        errors = [spy.communicate()[1] for spy in spies]
        load.join()
        collapsed = "".join(
            f.read_text() for pid in workers if (f := folder / f"profile-{key}-{pid}.txt").exists()
        )
        out[key] = top_frames(collapsed) if collapsed else {"error": " ".join(errors)[-500:]}
        if slow:  # the workers may still be busy with it
            app.stop()
            break
    return out


def _quietly(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except Exception:  # a timed-out request is what is profiled
        return None


def top_frames(collapsed: str, count: int = 15) -> dict:
    """From py-spy's collapsed stacks: the functions with the most samples on the stack
    (inclusive) and at the top (self), as shares of all samples."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        n = int(samples)
        total += n
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[_short(frame)] += n
        own[_short(frames[-1])] += n
    if not total:
        return {"samples": 0}
    share = lambda c: [(f, round(n / total, 3)) for f, n in c.most_common(count)]  # noqa: E731
    ours = Counter({f: n for f, n in inclusive.items() if "backend/" in f or "mobile_api" in f})
    return {"samples": total, "inclusive_ours": share(ours), "self": share(own)}


def _short(frame: str) -> str:
    frame = re.sub(r"\(.*?/(site-packages|work/main)/", "(", frame)
    return frame


def write(run: dict, table: str, root: Path, *, keep_json: bool = False) -> Path:
    """``bench/results/<date>.json`` and the section at the top of BENCHMARKS.md, with
    ``bench/results/national-notes.md`` (what the profiles show) when it exists."""
    day = run["started"][:10]
    results = root / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{day}.json"
    if not keep_json:
        path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    notes_file = results / "national-notes.md"
    notes = notes_file.read_text().strip() if notes_file.exists() else ""
    m = run["machine"]
    build = run["build"]
    section = "\n".join([
        START,
        f"## National scale: public reads, submission and the floor ({day})",
        "",
        "`python3 bench/national.py --database-url postgresql://postgres@127.0.0.1:5432/<own db>`"
        " (issue 14; raw figures in "
        f"`bench/results/{day}.json`).",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, PostgreSQL "
        f"{m['postgresql']}, Redis {m['redis']}, Python {m['python']}, {m['wrk']}; load "
        f"average at the end {' '.join(m['load_average'])} (other work ran at the same time).",
        f"Data: {build['reports']:,} reports over the 34 provinces "
        f"({', '.join(f'{k} {v:,}' for k, v in build.get('rows', {}).items())}), built in "
        f"{build.get('seconds', '?')} s"
        + (" (" + "; ".join(f"{k} {v:.0f} s" for k, v in build["phases"].items()) + ")"
           if build.get("phases") else "")
        + ". gunicorn 2 sync workers (preloaded) for the app and the floor; "
        f"wrk 2 threads, 32 connections, {run['seconds']:g} s per route; 'uncached' is "
        "`PUBLIC_CACHE=false`, 'cached' the Redis response cache. The whole run took "
        f"{run['total_seconds']} s"
        + (" (" + "; ".join(f"{k} {v} s" for k, v in run["phases"].items()) + ")"
           if run.get("phases") else "") + ".",
        "",
        table,
        "",
        *([notes, ""] if notes else []),
        END,
    ])  # fmt: skip
    bench_md = root / "BENCHMARKS.md"
    current = bench_md.read_text()
    if START in current:
        before, rest = current.split(START, 1)
        current = before + section + rest.split(END, 1)[1]
    else:
        head, sep, rest = current.partition("\n## ")
        current = head + "\n" + section + "\n\n## " + rest if sep else current + "\n" + section
    bench_md.write_text(current)
    return path
