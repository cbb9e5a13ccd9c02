"""Benchmark: how well the automatic abuse screen tells insults from ordinary reports.

    python bench/abuse_screen.py [--blocklist moderation/data/blocklist.txt]
                                 [--abusive tests/moderation/data/abusive.txt]
                                 [--ordinary tests/moderation/data/ordinary.txt]

Runs the screen (``moderation.text.Blocklist``, the list the app uses by default) over
the labelled corpus written for the tests (one report text a line, ``#`` comments) and
prints the recall (abusive texts held), the false-hold rate (ordinary texts held), the
texts it gets wrong with the entries that matched, and the time one text takes.
Needs no database.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.text import Blocklist  # noqa: E402

DATA = ROOT / "tests" / "moderation" / "data"


def corpus(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocklist", type=Path, default=ROOT / "moderation/data/blocklist.txt")
    parser.add_argument("--abusive", type=Path, default=DATA / "abusive.txt")
    parser.add_argument("--ordinary", type=Path, default=DATA / "ordinary.txt")
    args = parser.parse_args()

    blocklist = Blocklist.parse(args.blocklist.read_text(encoding="utf-8").splitlines())
    abusive, ordinary = corpus(args.abusive), corpus(args.ordinary)
    started = time.perf_counter()
    missed = [t for t in abusive if not blocklist.matches(t)]
    held = [(t, blocklist.matches(t)) for t in ordinary]
    held = [(t, words) for t, words in held if words]
    per_text_ms = (time.perf_counter() - started) * 1000 / (len(abusive) + len(ordinary))

    recall = 1 - len(missed) / len(abusive)
    false_hold = len(held) / len(ordinary)
    print(f"entries: {len(blocklist.phrases)} phrases in {args.blocklist.name}")
    print(f"abusive:  {len(abusive) - len(missed)}/{len(abusive)} held, recall {recall:.1%}")
    print(f"ordinary: {len(held)}/{len(ordinary)} held, false-hold rate {false_hold:.2%}")
    print(f"time: {per_text_ms:.3f} ms a text")
    for text in missed:
        print(f"  MISSED   {text}")
    for text, words in held:
        print(f"  HELD     {text}   <- {', '.join(words)}")


if __name__ == "__main__":
    main()
