"""`python -m ops.bench.run` (= `make bench`): run Firstline's benchmarks and print the results.

Each benchmark is a module in ops/bench with `add_arguments(parser)` and `main(args) -> int`;
add a new one (e.g. the live WebSocket fan-out) to BENCHMARKS and it runs after the others and
can be picked with `--only NAME`.

Exit status: 0 when the measurements completed (whatever the figures), 1 when a benchmark
failed to run (or, with --check, missed a target), 2 when PostgreSQL is unreachable or the
arguments are wrong.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ops.bench.common import DEFAULT_DATABASE_URL, BenchError, install_signal_handlers, pg_params

# name → module (imported lazily, so a broken benchmark doesn't stop the others from being listed)
BENCHMARKS: dict[str, str] = {
    "intake": "ops.bench.intake",
    "live": "ops.bench.live",
    "reports": "ops.bench.reports",
    "urgency": "ops.bench.urgency",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ops.bench.run", description="Firstline benchmarks on PostgreSQL")
    p.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only this benchmark (repeatable)")
    p.add_argument("--seconds", type=float, default=10.0, help="measured seconds per measurement (default 10)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds before each measurement (default 2)")
    p.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"the bench database; created fresh and dropped at the end (default {DEFAULT_DATABASE_URL})",
    )
    p.add_argument("--keep-db", action="store_true", help="do not drop the bench database at the end")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    for module in BENCHMARKS.values():
        importlib.import_module(module).add_arguments(p)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0:
        print("bench: --seconds must be > 0 and --warmup >= 0", file=sys.stderr)
        return 2
    install_signal_handlers()
    status = 0
    try:
        pg_params(args.database_url)
        for name in args.only or list(BENCHMARKS):
            status = max(status, int(importlib.import_module(BENCHMARKS[name]).main(args) or 0))
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped, bench database dropped", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    raise SystemExit(main())
