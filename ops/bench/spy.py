"""Optional sampling profile of a server during a measurement (py-spy, if installed).

`py-spy record --format raw` writes folded stacks ("frame;frame;… count"); `summarise` turns
them into "where does the time go": self time by function, inclusive time for Firstline's own
functions, and self time by package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from ops.bench.common import BIN, ROOT

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<path>[^():]+)(?::(?P<line>\d+))?\)$")


def py_spy() -> str | None:
    local = BIN / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, out: Path, rate: int = 250) -> subprocess.Popen[bytes] | None:
    exe = py_spy()
    if exe is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds))), "--rate", str(rate),
         "--format", "raw", "--output", str(out), "--nonblocking"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def finish(proc: subprocess.Popen[bytes] | None, timeout: float = 30) -> str:
    if proc is None:
        return "py-spy is not installed (.venv/bin/pip install py-spy)"
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace").strip()


def _where(path: str) -> str:
    """A frame's file → a short owner: "app/services/intake.py", "sqlalchemy", "stdlib:asyncio"."""
    p = path.replace("\\", "/")
    if "site-packages/" in p:
        return p.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    root = str(ROOT) + "/"
    if p.startswith(root):
        return p[len(root):]
    for marker in ("/lib/python3", "/lib64/python3"):
        if marker in p:
            rest = p.split(marker, 1)[1].split("/", 1)
            mod = rest[1] if len(rest) > 1 else p
            return "stdlib:" + mod.split("/", 1)[0].removesuffix(".py")
    if p.startswith(("app/", "channels/", "ops/")):
        return p
    return p


def _frame(raw: str) -> tuple[str, str]:
    m = _FRAME.match(raw.strip())
    if not m:
        return raw.strip(), ""
    return m.group("func"), m.group("path")


def summarise(folded: Path, top: int = 12) -> dict[str, object]:
    self_fn: Counter[str] = Counter()
    self_pkg: Counter[str] = Counter()
    incl_own: Counter[str] = Counter()
    total = 0
    for line in folded.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";")]
        frames = [(fn, path) for fn, path in frames if path]  # drop "process …" / "thread …" pseudo-frames
        if not frames:
            continue
        total += n
        fn, path = frames[-1]
        owner = _where(path)
        self_fn[f"{fn} ({owner})"] += n
        self_pkg[owner.split("/", 1)[0] if not owner.startswith(("app/", "channels/")) else owner] += n
        seen = set()
        for fn, path in frames:
            owner = _where(path)
            if owner.startswith(("app/", "channels/")):
                key = f"{fn} ({owner})"
                if key not in seen:
                    seen.add(key)
                    incl_own[key] += n

    def pct(c: Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(v / total * 100, 1)) for k, v in c.most_common(top)] if total else []

    return {
        "samples": total,
        "self_by_function": pct(self_fn),
        "self_by_package": pct(self_pkg),
        "inclusive_firstline": pct(incl_own),
    }


def render(summary: dict[str, object]) -> str:
    lines = [f"py-spy: {summary['samples']} samples of the intake server (active time only, idle excluded)"]
    for key, title in (
        ("self_by_package", "self time by package / Firstline module"),
        ("self_by_function", "self time by function"),
        ("inclusive_firstline", "inclusive time, Firstline functions"),
    ):
        lines.append(f"  {title}:")
        for name, p in summary[key]:  # type: ignore[union-attr]
            lines.append(f"    {p:5.1f} %  {name}")
    return "\n".join(lines)
