"""The rows of one batch of benchmark reports, built column by column with numpy.

A report's life follows its age: the last days' reports are mostly still open, older
ones answered, closed, a few rejected or merged as duplicates; each gets the timeline
entries, clocks (accept, handle, publish), photo records and (a third of the answered)
a rating that its status implies. Values come out as COPY text (``\\N`` for NULL).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NULL = "\\N"
HOUR, DAY = 3600, 86400
WORK_DAY = 8 * HOUR
#: Status shares of the reports that are no longer open, and of those still open.
DONE = {"closed": 0.66, "resolved": 0.17, "rejected": 0.11, "duplicate": 0.06}
OPEN = {"new": 0.10, "assigned": 0.35, "in_progress": 0.50, "returned": 0.05}
CHANNELS = {"app": 0.86, "hotline": 0.07, "zalo": 0.04, "email": 0.02, "counter": 0.01}
SEVERITIES = {"normal": 0.9, "urgent": 0.05, "complex": 0.05}


def choice(rng, table: dict[str, float], n: int) -> np.ndarray:
    names = np.array(list(table), dtype=object)
    weights = np.array(list(table.values()))
    return names[rng.choice(len(names), size=n, p=weights / weights.sum())]


_CLOCK = [f" {h:02d}:{m:02d}:{s:02d}+00" for h in range(24) for m in range(60) for s in range(60)]


def ts(seconds: np.ndarray, present: np.ndarray | None = None) -> list[str]:
    """Epoch seconds as timestamptz text; NULL where ``present`` is False."""
    values = seconds.astype(np.int64)
    if not len(values):
        return []
    days, clock = np.divmod(values, 86400)
    first = int(days.min())
    names = [str(np.datetime64(d, "D")) for d in range(first, int(days.max()) + 1)]
    out = [
        names[d] + _CLOCK[c] for d, c in zip((days - first).tolist(), clock.tolist(), strict=False)
    ]
    return out if present is None else masked(out, present)


def masked(values: list[str], present: np.ndarray) -> list[str]:
    """A copy of ``values`` with NULL where ``present`` is False."""
    out = list(values)
    for i in np.nonzero(~present)[0].tolist():
        out[i] = NULL
    return out


def ints(values: np.ndarray, present: np.ndarray | None = None) -> list[str]:
    out = list(map(str, values.astype(np.int64).tolist()))
    if present is not None:
        for i in np.nonzero(~present)[0].tolist():
            out[i] = NULL
    return out


def const(value: str, n: int) -> list[str]:
    return [value] * n


@dataclass
class Batch:
    """One batch of reports (ids ``first`` ..), columns as numpy arrays."""

    ids: np.ndarray
    created: np.ndarray
    status: np.ndarray
    unit: np.ndarray  # the handling unit (the coordinator while new or returned)
    coordinator: np.ndarray
    reporter: np.ndarray
    assigned: np.ndarray
    accepted: np.ndarray
    resolved: np.ndarray
    closed: np.ndarray
    has_assigned: np.ndarray
    has_accepted: np.ndarray
    has_resolved: np.ndarray
    has_closed: np.ndarray
    started: np.ndarray  # in progress (or answered): the unit started work
    rated: np.ndarray
    score: np.ndarray
    rated_at: np.ndarray


def life(rng, ids, created, now: int, unit, coordinator, reporter, pending) -> Batch:
    """Statuses and their instants from each report's age (``pending``: held by
    moderation, still new)."""
    n = len(ids)
    age = now - created
    still_open = rng.random(n) < np.clip(np.exp(-age / (6 * DAY)), 0.015, 1.0)
    status = np.where(still_open, choice(rng, OPEN, n), choice(rng, DONE, n))
    status[pending] = "new"
    # Answered recently: resolved waits a week for the resident before it is closed.
    fresh = (status == "closed") & (age < 5 * DAY)
    status[fresh] = "resolved"
    routed = ~np.isin(status, ["new", "rejected", "duplicate"])
    assigned = created + np.minimum(rng.exponential(20 * 60, n), 0.05 * age)
    accepted = assigned + np.minimum(rng.uniform(0.5, 10, n) * HOUR, 0.1 * age)
    has_accepted = routed & (status != "returned") & (rng.random(n) < 0.97)
    has_accepted |= np.isin(status, ["in_progress", "resolved", "closed"])
    answered = np.isin(status, ["resolved", "closed"])
    # Most answers within the 15 working days, one in eight late.
    late = rng.random(n) < 0.12
    took = np.where(late, rng.uniform(22, 45, n), rng.uniform(0.2, 18, n)) * DAY
    resolved = np.minimum(accepted + took, accepted + 0.8 * (now - accepted))
    closed = resolved + np.minimum(rng.uniform(5, 9, n) * DAY, 0.9 * (now - resolved))
    rated = answered & (rng.random(n) < 0.35)
    score = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.06, 0.06, 0.12, 0.31, 0.45])
    rated_at = resolved + np.minimum(rng.uniform(0.1, 3, n) * DAY, 0.5 * (now - resolved))
    with_coordinator = np.isin(status, ["new", "returned", "rejected", "duplicate"])
    unit = np.where(with_coordinator, coordinator, unit)
    return Batch(
        ids=ids,
        created=created,
        status=status,
        unit=unit,
        coordinator=coordinator,
        reporter=reporter,
        assigned=assigned.astype(np.int64),
        accepted=accepted.astype(np.int64),
        resolved=resolved.astype(np.int64),
        closed=closed.astype(np.int64),
        has_assigned=routed,
        has_accepted=has_accepted,
        has_resolved=answered,
        has_closed=status == "closed",
        started=np.isin(status, ["in_progress", "resolved", "closed"]),
        rated=rated,
        score=score,
        rated_at=rated_at.astype(np.int64),
    )


def last_change(b: Batch) -> np.ndarray:
    out = b.created.copy()
    for when, mask in (
        (b.assigned, b.has_assigned),
        (b.accepted, b.has_accepted),
        (b.resolved, b.has_resolved),
        (b.closed, b.has_closed),
        (b.rated_at, b.rated),
    ):
        out = np.where(mask, np.maximum(out, when), out)
    return out


def events(b: Batch, first_id: int, answers: list[str], rng) -> tuple[dict, int]:
    """Timeline entries: submit, assign, accept, start, resolve, close, rated, return,
    reject, mark_duplicate, in order per report. Returns the columns and the next id."""
    parts = []  # (mask, at, type, actor_kind, department, from, to, note)
    n = len(b.ids)
    st = b.status
    parts.append((np.ones(n, bool), b.created, "submit", "resident", b.coordinator, None, "new"))
    parts.append((st == "rejected", b.created + HOUR, "reject", "staff", b.coordinator, "new",
                  "rejected"))  # fmt: skip
    parts.append((st == "duplicate", b.created + HOUR, "mark_duplicate", "staff", b.coordinator,
                  "new", "duplicate"))  # fmt: skip
    parts.append((b.has_assigned, b.assigned, "assign", "system", b.unit, "new", "assigned"))
    parts.append((b.has_accepted, b.accepted, "accept", "staff", b.unit, "assigned", "assigned"))
    parts.append((b.started, b.accepted + 60, "start", "staff", b.unit, "assigned",
                  "in_progress"))  # fmt: skip
    parts.append((st == "returned", b.accepted + 120, "return", "staff", b.unit, "assigned",
                  "returned"))  # fmt: skip
    parts.append((b.has_resolved, b.resolved, "resolve", "staff", b.unit, "in_progress",
                  "resolved"))  # fmt: skip
    parts.append((b.has_closed, b.closed, "close", "system", b.unit, "resolved", "closed"))
    report_ids, ats, ranks, residents, departments = [], [], [], [], []
    for rank, (mask, at, _kind, actor, dept, _before, _after) in enumerate(parts):
        idx = np.nonzero(mask)[0]
        report_ids.append(b.ids[idx])
        ats.append(at[idx])
        ranks.append(np.full(len(idx), rank, dtype=np.int8))
        residents.append(b.reporter[idx] if actor == "resident" else np.full(len(idx), -1))
        departments.append(dept[idx])
    report_id, rank = np.concatenate(report_ids), np.concatenate(ranks)
    order = np.lexsort((rank, report_id))
    report_id, rank = report_id[order], rank[order]
    at = np.concatenate(ats)[order]
    resident = np.concatenate(residents)[order]
    count = len(order)
    kinds = [p[2] for p in parts]
    actors = [p[3] for p in parts]
    befores = [p[5] or NULL for p in parts]
    afters = [p[6] for p in parts]
    ranks_ = rank.tolist()
    notes = [NULL] * count
    picks = rng.integers(0, len(answers), count).tolist()
    for i, r in enumerate(ranks_):
        if kinds[r] == "resolve":
            notes[i] = answers[picks[i]]
        elif kinds[r] == "reject":
            notes[i] = "Nội dung không thuộc phạm vi tiếp nhận."
    out = {
        "id": ints(np.arange(first_id, first_id + count)),
        "report_id": ints(report_id),
        "at": ts(at),
        "type": [kinds[r] for r in ranks_],
        "actor_kind": [actors[r] for r in ranks_],
        "actor_resident_id": ints(resident, resident > 0),
        "department_id": ints(np.concatenate(departments)[order]),
        "from_status": [befores[r] for r in ranks_],
        "to_status": [afters[r] for r in ranks_],
        "public": const("t", count),
        "note": notes,
    }
    return out, first_id + count


def clocks(b: Batch, first_id: int, now: int) -> tuple[dict, np.ndarray, int]:
    """Accept, handle and publish clocks of the routed reports. Returns the columns, the
    handle clock id of each report (-1 if none) and the next id."""
    routed = np.nonzero(b.has_assigned)[0]
    answered = np.nonzero(b.has_resolved)[0]
    pieces = []
    # (rows, kind, budget, started, due, completed or None(open)+mask)
    acc_done = b.has_accepted[routed]
    pieces.append((routed, "accept", WORK_DAY, b.assigned[routed], b.assigned[routed] + DAY,
                   b.accepted[routed], acc_done))  # fmt: skip
    pieces.append((routed, "handle", 15 * WORK_DAY, b.assigned[routed],
                   b.assigned[routed] + 21 * DAY, b.resolved[routed],
                   b.has_resolved[routed]))  # fmt: skip
    pieces.append((answered, "publish", 2 * WORK_DAY, b.resolved[answered],
                   b.resolved[answered] + 2 * DAY, b.resolved[answered] + 3600,
                   np.ones(len(answered), bool)))  # fmt: skip
    cols: dict[str, list] = {}
    next_id = first_id
    handle_id = np.full(len(b.ids), -1, dtype=np.int64)
    for rows, kind, budget, started, due, completed, done in pieces:
        m = len(rows)
        ids = np.arange(next_id, next_id + m)
        next_id += m
        if kind == "handle":
            handle_id[rows] = ids
        open_ = ~done
        overdue = np.where(done, completed > due, now > due)
        consumed = np.where(done, (completed - started) * (8 / 24) * (5 / 7), 0)
        consumed = np.minimum(consumed, 4 * budget).astype(np.int64)
        started_text, due_text = ts(started), ts(due)
        piece = {
            "id": ints(ids),
            "report_id": ints(b.ids[rows]),
            "department_id": ints(b.unit[rows]),
            "kind": const(kind, m),
            "budget_seconds": const(str(budget), m),
            "original_budget_seconds": const(str(budget), m),
            "started_at": started_text,
            "run_started_at": masked(started_text, open_),
            "consumed_seconds": ints(consumed),
            "due_at": due_text,
            "original_due_at": due_text,
            "extension_in_time": const("f", m),
            "completed_at": ts(completed, done),
            "superseded": const("f", m),
            "next_check_at": masked(due_text, open_),
            "reminders_sent": const("0", m),
            "overdue_at": masked(due_text, overdue),
            "version": const("1", m),
        }
        for key, values in piece.items():
            cols.setdefault(key, []).extend(values)
    return cols, handle_id, next_id


def ratings(b: Batch, handle_id: np.ndarray, first_id: int) -> tuple[dict, int]:
    rows = np.nonzero(b.rated & (handle_id > 0))[0]
    m = len(rows)
    return {
        "id": ints(np.arange(first_id, first_id + m)),
        "report_id": ints(b.ids[rows]),
        "clock_id": ints(handle_id[rows]),
        "resident_id": ints(b.reporter[rows]),
        "kind": const("reporter", m),
        "score": ints(b.score[rows]),
        "created_at": ts(b.rated_at[rows]),
    }, first_id + m


def photos(b: Batch, first_id: int, rng) -> tuple[dict, int]:
    """One photo per report (a quarter two), and an 'after' photo for a third of the
    answered; renditions made, a few pending, one in a hundred hidden by a moderator."""
    n = len(b.ids)
    owners = [np.arange(n), np.nonzero(rng.random(n) < 0.25)[0]]
    after = np.nonzero(b.has_resolved & (rng.random(n) < 0.33))[0]
    rows = np.concatenate([*owners, after])
    kinds = np.array(["before"] * (n + len(owners[1])) + ["after"] * len(after), dtype=object)
    m = len(rows)
    ids = np.arange(first_id, first_id + m)
    names = ids.astype(str).astype(object)
    at = np.where(kinds == "after", b.resolved[rows], b.created[rows])
    status = np.where(rng.random(m) < 0.995, "ready", "pending").astype(object)
    ready = status == "ready"
    thumb = ("public/bench/" + names + "-320.jpg").astype(object)
    display = ("public/bench/" + names + "-1280.jpg").astype(object)
    thumb[~ready] = NULL
    display[~ready] = NULL
    return {
        "id": ints(ids),
        "report_id": ints(b.ids[rows]),
        "kind": kinds.tolist(),
        "original_key": ("private/bench/" + names + ".jpg").tolist(),
        "mime": const("image/jpeg", m),
        "width": const("4000", m),
        "height": const("3000", m),
        "size_bytes": ints(rng.integers(1_500_000, 6_000_000, m)),
        "sha256": [f"{i:064x}" for i in ids.tolist()],
        "rendition_status": status.tolist(),
        "thumb_key": thumb.tolist(),
        "display_key": display.tolist(),
        "hidden": np.where(rng.random(m) < 0.01, "t", "f").tolist(),
        "created_at": ts(at),
    }, first_id + m
