"""Reading the region file: a broken file stops start-up with the field and line named."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import msgspec

from app.domain.region import Region


class RegionFileError(Exception):
    """A region file that cannot be used; the message names the file, field and line."""


def load_region(path: str | Path) -> Region:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegionFileError(f"region file {path}: cannot be read ({exc.strerror})") from None
    return parse_region(text, source=str(path))


def parse_region(text: str, source: str = "<region>") -> Region:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegionFileError(f"region file {source}: not valid TOML: {exc}") from None
    try:
        return msgspec.convert(raw, Region, strict=True)
    except msgspec.ValidationError as exc:
        message = str(exc)
        path = _path_of(message)
        line = _line_of(text, path) if path else None
        where = f" (line {line})" if line else ""
        raise RegionFileError(f"region file {source}{where}: {_humane(message)}") from None


_PATH_RE = re.compile(r"at `\$((?:\.[A-Za-z_][\w]*|\[\d+\])*)`")


def _path_of(message: str) -> list[str | int] | None:
    m = _PATH_RE.search(message)
    if not m:
        # Errors raised in __post_init__ name the field themselves: "units[1].default_team: ..."
        m2 = re.match(r"^((?:[a-z_]+)(?:\[\d+\])?(?:\.[a-z_]+)*)", message)
        if not m2:
            return None
        spec = "." + m2[1]
    else:
        spec = m[1]
    return [int(p[1:-1]) if p.startswith("[") else p[1:] for p in re.findall(r"\.[A-Za-z_]\w*|\[\d+\]", spec)]


def _humane(message: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return "at " + m[1].lstrip(".")
    return _PATH_RE.sub(repl, message)


def _line_of(text: str, path: list[str | int]) -> int | None:
    """Best-effort line of a field: walk [[table]] headers and keys in order."""
    lines = text.splitlines()
    table: str | None = None
    index = -1
    counters: dict[str, int] = {}
    target_table = path[0] if path else None
    target_index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
    keys = [p for p in path[1:] if isinstance(p, str)]
    first_key = keys[0] if keys else None
    table_line = None
    for number, line in enumerate(lines, start=1):
        s = line.strip()
        if s.startswith("[["):
            name = s.strip("[] ")
            counters[name] = counters.get(name, -1) + 1
            table, index = name, counters[name]
            if table == target_table and (target_index is None or index == target_index):
                table_line = number
            continue
        if s.startswith("["):
            table, index = s.strip("[] "), -1
            if table == target_table:
                table_line = number
            continue
        if table == target_table and (target_index is None or index == target_index):
            if first_key and re.match(rf"^{re.escape(str(first_key))}\s*=", s):
                return number
    return table_line
