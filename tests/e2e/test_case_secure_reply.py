"""A secure message's reply is labelled as one in the case view, in a real browser.

Matti writes a secure message from the patient portal (a patient JWT); Aino opens the case: the
reply box says the reply goes as a secure message (and that the patient reads it in the portal,
told by SMS), the button says so too, the case is not a chat. She sends; the timeline names the
line a secure message, and Matti reads it in his thread.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PATIENT_AUDIENCE, PATIENT_ISSUER
from tests.e2e.conftest import require_browser

require_browser("e2e secure reply tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import WATCH_CSP, log_in  # noqa: E402


@pytest.fixture(scope="module")
def patient_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("idp-e2e") / "public.pem"
    path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return key, path


@pytest.fixture(scope="module")
def extra_env(patient_key: tuple[Any, Path]) -> dict[str, str]:
    return {
        "FIRSTLINE_PATIENT_JWT_PUBLIC_KEY": str(patient_key[1]),
        "FIRSTLINE_PATIENT_JWT_ISSUER": PATIENT_ISSUER,
        "FIRSTLINE_PATIENT_JWT_AUDIENCE": PATIENT_AUDIENCE,
    }


def portal(patient_key: tuple[Any, Path], sub: str) -> dict[str, str]:
    import jwt

    body = {"sub": sub, "iss": PATIENT_ISSUER, "aud": PATIENT_AUDIENCE, "exp": int(time.time()) + 600}
    return {"Authorization": f"Bearer {jwt.encode(body, patient_key[0], algorithm='RS256')}"}


def test_a_secure_message_reply_is_labelled_as_one(page: Page, base_url: str, patient_key: tuple[Any, Path]) -> None:
    page.add_init_script(WATCH_CSP)
    matti = portal(patient_key, "p-0001")
    r = httpx.post(
        base_url + "/channels/omasote/messages", json={"subject": "Reseptit", "text": "Voisiko reseptini uusia?"}, headers=matti, timeout=10
    )
    assert r.status_code == 201, r.text
    thread_id, case_id = r.json()["thread_id"], r.json()["case_id"]

    page.goto(f"/cases/{case_id}")
    log_in(page)
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator("#case")).to_have_attribute("data-channel", "secure_message")
    expect(page.locator("#chat-state")).to_be_hidden()
    box = page.get_by_label("Vastaus suojattuna viestinä")
    expect(box).to_be_visible()
    expect(page.locator("#reply-hint")).to_have_text(
        "Potilas lukee suojatun viestin asiointipalvelussa; tekstiviesti kertoo, että vastaus odottaa."
    )
    box.fill("Resepti on uusittu.")
    box.press("Enter")  # not a chat: Enter is a new line, not a send
    expect(box).to_have_value("Resepti on uusittu.\n")
    page.get_by_role("button", name="Lähetä suojattu viesti").click()
    line = page.locator("#timeline .tl.message-professional")
    expect(line).to_contain_text("Suojattu viesti potilaalle · Aino Nurminen")
    expect(line).to_contain_text("Resepti on uusittu.")
    expect(box).to_have_value("")
    expect(box).to_be_focused()

    thread = httpx.get(f"{base_url}/channels/omasote/threads/{thread_id}", headers=matti, timeout=10)
    assert thread.status_code == 200, thread.text
    assert "Resepti on uusittu." in thread.text
    assert page.evaluate("window.__csp") == []
