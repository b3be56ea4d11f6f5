"""Benchmarks: `python -m ops.bench.run` (see README.md in this directory)."""
