"""Take the README's screenshots again: `python -m ops.screenshots` (needs Debian's chromium and
the playwright package, as the browser tests do).

Starts a demo hub on a fresh SQLite file, sends it a morning's worth of contacts through the
signed webhooks, and photographs Aino's inbox and Paula's dashboard at 1366×768 into docs/img/.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import msgspec

ROOT = Path(__file__).resolve().parents[1]
SECRET = "screenshots"
KAJAANI = "+35886150000"
CALLS = [
    ("shot-1", "+358401234567", "Reseptin uusiminen, verenpainelääke"),
    ("shot-2", "+358501112233", "Kysyisin laboratoriotuloksista"),
    ("shot-3", "+358407654321", "Child has had a fever for three days"),
    ("shot-4", "+358409998877", None),
    ("shot-5", "+358452223344", "Rokotusaika"),
    ("shot-6", "+358449876543", "Jag har ont i bröstet och andas tungt"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _signed(url: str, path: str, payload: dict[str, object]) -> None:
    body = msgspec.json.encode(payload)
    stamp = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    r = httpx.post(url + path, content=body, headers={"Content-Type": "application/json", "X-Firstline-Signature": f"t={stamp},v1={mac}"})
    r.raise_for_status()


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTLINE_")}
        env.update(FIRSTLINE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp}/shots.db", FIRSTLINE_WEBHOOK_SECRET=SECRET, FIRSTLINE_SECRET_KEY="screenshots-secret-key-at-least-32-bytes", FIRSTLINE_RUN_JOBS="0")
        cli = [sys.executable, "-m", "app.cli"]
        subprocess.run([*cli, "import-patients", str(ROOT / "ops/demo/patients.csv")], env=env, cwd=ROOT, check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(url + "/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            for call_id, caller, voicemail in CALLS:
                payload: dict[str, object] = {"call_id": call_id, "caller": caller, "dialed": KAJAANI, "line": 1}
                if voicemail:
                    payload["voicemail_text"] = voicemail
                _signed(url, "/channels/phone/callback-requests", payload)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=os.environ.get("FIRSTLINE_E2E_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
                for user, path, target in (("aino", "/inbox", "inbox.png"), ("paula", "/dashboard", "dashboard.png")):
                    page = browser.new_context(base_url=url, locale="fi-FI", viewport={"width": 1366, "height": 768}).new_page()
                    page.goto("/login?next=" + path)
                    page.get_by_label("Käyttäjätunnus").fill(user)
                    page.get_by_label("Salasana").fill(f"{user}-demo")
                    page.get_by_role("button", name="Kirjaudu").click()
                    page.wait_for_url(f"**{path}")
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(ROOT / "docs" / "img" / target))
                    print(f"docs/img/{target}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
