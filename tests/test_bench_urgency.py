"""A smoke test of the urgency benchmark (ops/bench/urgency.py): its messages are built, every
measurement completes and the report renders. Not a measurement: `make bench` is."""

from __future__ import annotations

from ops.bench import urgency


def test_urgency_bench_runs_and_renders() -> None:
    report = urgency.run_bench(rounds=1)
    assert report["messages"] == len(urgency.messages()) > 800
    assert set(report["results"]) == {"urgency.cold", "urgency.warm", "bare.split"}
    assert all(v["n"] == report["messages"] for v in report["results"].values())
    text = urgency.render(report)
    assert "urgency.cold" in text and "mean / bare" in text
