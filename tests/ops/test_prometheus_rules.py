"""ops/prometheus: the scrape config and alert rules are valid, and the rules' unit tests
(rules_test.yml) pass — with Prometheus' own promtool (Debian package `prometheus`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.tools import tool_or_skip

PROMETHEUS = Path(__file__).resolve().parents[2] / "ops" / "prometheus"


def promtool(*args: str) -> str:
    done = subprocess.run([tool_or_skip("promtool", "prometheus"), *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_rules_and_the_config_check() -> None:
    assert "SUCCESS" in promtool("check", "rules", "rules.yml")
    promtool("check", "config", "prometheus.yml")


def test_the_rules_unit_tests_pass() -> None:
    assert "SUCCESS" in promtool("test", "rules", "rules_test.yml")


def test_every_alert_says_what_it_is_and_what_to_do_and_is_tested() -> None:
    rules = [r for g in yaml.safe_load((PROMETHEUS / "rules.yml").read_text())["groups"] for r in g["rules"]]
    tested = (PROMETHEUS / "rules_test.yml").read_text()
    for rule in rules:
        assert {"summary", "description", "what_to_do"} <= set(rule["annotations"]), rule["alert"]
        assert f"alertname: {rule['alert']}" in tested, f"{rule['alert']} has no promtool test"
