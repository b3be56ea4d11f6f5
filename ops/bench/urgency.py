"""The urgency benchmark (issue 12): how long reading one message takes, against a bare reading.

**Question:** does suggesting an urgency stay under 1 ms a message on this machine, for the
messages patients really write, the first time their words are seen and after?

**Messages:** every phrasing of the labelled corpus (tests/unit: red flags, negation, same-day,
soon, administrative), and as many voicemail-length messages (~300 characters) built from three
phrasings and filler in the same language, with a fixed seed.

**Measurements**, each per message in CPU time of the measuring thread
(``time.thread_time_ns``: what reading costs, not what the scheduler of a busy machine adds —
the wall-clock p50 is printed beside it):
- ``cold``: the engine's word caches cleared before the pass — each word is analysed the first
  time it appears (what a process sees just after a restart);
- ``warm``: the same messages again, ``--urgency-rounds`` times (what a running hub sees);
- ``bare``: the least a reader does: case-fold and split into words (``re.findall``) — the
  baseline the ratios are against, measured in the same run.

**Target:** p99 and mean of both cold and warm under 1 ms a message. Pure CPU: no database, no
server; ``--check`` exits 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from typing import Any

from ops.bench.common import VAR, table

TARGET_MS = 1.0
_FILLER = {
    "fi": ["Hei,", "soitin aiemmin mutta ei vastattu.", "Voisitteko soittaa takaisin?", "Kiitos.", "terveisin"],
    "sv": ["Hej,", "jag ringde tidigare men fick inget svar.", "Kan ni ringa tillbaka?", "Tack.", "hälsningar"],
    "en": ["Hello,", "I called earlier but nobody answered.", "Could you call me back?", "Thanks.", "regards"],
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--urgency-rounds", type=int, default=5, help="warm passes over the messages (default 5)")


def messages(seed: int = 12) -> list[tuple[str, str]]:
    """(text, lang): the corpus phrasings and voicemail-length messages built from them."""
    from tests.unit.test_urgency_levels import ALL

    phrases = [(x.text, x.lang) for x in ALL]
    rnd = random.Random(seed)
    by_lang: dict[str, list[str]] = {}
    for text, lang in phrases:
        by_lang.setdefault(lang, []).append(text)
    long: list[tuple[str, str]] = []
    for _ in range(len(phrases)):
        lang = rnd.choice(sorted(by_lang))
        f = _FILLER[lang]
        parts = [f[0], rnd.choice(by_lang[lang]) + ".", f[1], rnd.choice(by_lang[lang]) + ".",
                 rnd.choice(by_lang[lang]) + ".", f[2], f[3]]
        long.append((" ".join(parts), lang))
    return phrases + long


def _clear_caches() -> None:
    from app.domain import urgency_words

    for fn in (urgency_words.fold, urgency_words.token_concepts):
        fn.cache_clear()


def _times(fn: Any, msgs: list[tuple[str, str]], wall: list[float] | None = None) -> list[float]:
    out: list[float] = []
    cpu, clock = time.thread_time_ns, time.perf_counter_ns
    for text, lang in msgs:
        w0, t0 = clock(), cpu()
        fn(text, lang)
        out.append((cpu() - t0) / 1e6)
        if wall is not None:
            wall.append((clock() - w0) / 1e6)
    return out


def _summary(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"n": len(ms), "mean": statistics.fmean(ms), "p50": q[49], "p99": q[98], "max": max(ms)}


def run_bench(rounds: int) -> dict[str, Any]:
    from app.domain.urgency import assess

    msgs = messages()
    word = re.compile(r"\w+")

    def bare(text: str, lang: str) -> list[str]:
        return word.findall(text.casefold())

    def read(text: str, lang: str) -> object:
        return assess(text, lang=lang)

    _clear_caches()
    cold = _times(read, msgs)
    warm: list[float] = []
    wall: list[float] = []
    for _ in range(max(rounds, 1)):
        warm += _times(read, msgs, wall)
    base: list[float] = []
    for _ in range(max(rounds, 1)):
        base += _times(bare, msgs)
    chars = statistics.fmean(len(t) for t, _ in msgs)
    return {"messages": len(msgs), "mean_chars": round(chars), "warm_wall_p50_ms": statistics.median(wall), "results": {
        "urgency.cold": _summary(cold), "urgency.warm": _summary(warm), "bare.split": _summary(base)}}


def verdicts(report: dict[str, Any]) -> dict[str, bool]:
    r = report["results"]
    return {k: r[k]["p99"] < TARGET_MS and r[k]["mean"] < TARGET_MS for k in ("urgency.cold", "urgency.warm")}


def render(report: dict[str, Any]) -> str:
    r, ok = report["results"], verdicts(report)
    base = r["bare.split"]["mean"]
    rows = []
    for key, v in r.items():
        target = f"mean, p99 < {TARGET_MS:.0f} ms" if key in ok else "baseline"
        verdict = ("PASS" if ok[key] else "FAIL") if key in ok else ""
        rows.append([key, f"{v['mean'] * 1000:.0f}", f"{v['p50'] * 1000:.0f}", f"{v['p99'] * 1000:.0f}",
                     f"{v['max'] * 1000:.0f}", f"{v['mean'] / base:.0f}×", target, verdict])
    head = (f"urgency benchmark: {report['messages']} messages, {report['mean_chars']} characters on average; CPU time "
            f"per message (warm wall-clock p50 {report['warm_wall_p50_ms'] * 1000:.0f} µs)\n")
    return head + table(["measurement", "mean µs", "p50 µs", "p99 µs", "max µs", "mean / bare", "target", ""], rows)


def main(args: argparse.Namespace) -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    report = run_bench(getattr(args, "urgency_rounds", 5))
    (VAR / "urgency.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(render(report), flush=True)
    missed = [k for k, v in verdicts(report).items() if not v]
    if missed:
        print(f"  targets missed: {', '.join(missed)}", flush=True)
    return 1 if (missed and getattr(args, "check", False)) else 0


if __name__ == "__main__":  # pragma: no cover
    from ops.bench.run import main as run_main

    raise SystemExit(run_main(["--only", "urgency", *sys.argv[1:]]))
