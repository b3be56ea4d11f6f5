"""A broken region file stops start-up with the field and its line named."""

from __future__ import annotations

import pytest

from app.region_file import RegionFileError, load_region, parse_region
from app.settings import DEMO_REGION

DEMO = DEMO_REGION.read_text(encoding="utf-8")


def broken(old: str, new: str) -> str:
    assert old in DEMO
    return DEMO.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_demo_region_loads():
    region = load_region(DEMO_REGION)
    assert region.unit_by_id["kajaani"].callback_number == "+35886150000"
    assert region.sla.callback_promise_minutes == 60


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('callback_number = "+35886151000"', 'callback_number = "86151000"', "callback_number"),
        ("lines = [1, 3]", 'lines = [1, "three"]', "lines"),
        ('role = "assistant"', 'role = "janitor"', "role"),
        ("callback_promise_minutes = 60", "callback_promise_minutes = -5", "callback_promise_minutes"),
        ('kind = "failure_demand"', 'kind = "sometimes"', "kind"),
    ],
)
def test_wrong_values_name_field_and_line(old, new, needle):  # type: ignore[no-untyped-def]
    text = broken(old, new)
    with pytest.raises(RegionFileError) as err:
        parse_region(text, source="region.toml")
    message = str(err.value)
    assert needle in message
    assert f"(line {line_of(text, new)})" in message, message


def test_unknown_field_is_named():
    text = broken('locality = "Sotkamo"', 'locality = "Sotkamo"\ncolour = "blue"')
    with pytest.raises(RegionFileError, match="colour"):
        parse_region(text)


def test_cross_references_are_checked():
    text = broken('default_team = "sotkamo-a"', 'default_team = "nowhere"')
    with pytest.raises(RegionFileError) as err:
        parse_region(text)
    assert "default_team" in str(err.value) and "nowhere" in str(err.value)


def test_bad_opening_hours_and_password_hash():
    with pytest.raises(RegionFileError, match="opening_hours"):
        parse_region(broken('fri = "08:00-15:00" }', 'fri = "15:00-08:00" }'))
    with pytest.raises(RegionFileError, match="argon2id"):
        parse_region(DEMO.replace("$argon2id$", "$argon2i$", 1))


def test_not_toml_and_missing_file(tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(RegionFileError, match="not valid TOML"):
        parse_region("[region\nname=")
    with pytest.raises(RegionFileError, match="cannot be read"):
        load_region(tmp_path / "nope.toml")
