"""`/schema/swagger` works offline: every file the page loads comes from this server."""

from __future__ import annotations

import re

ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""")
TYPES = ("application/javascript", "text/javascript", "text/css", "image/png")


async def test_the_swagger_page_loads_only_same_origin_assets(client):  # type: ignore[no-untyped-def]
    r = await client.get("/schema/swagger")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = ATTR.findall(r.text)
    assert len(urls) >= 3, urls  # the bundle, the preset and the stylesheet at least
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), f"{url} is not on this server"
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].startswith(TYPES), (url, asset.headers["content-type"])
        assert len(asset.content) > 100, url
    kinds = {u.rsplit(".", 1)[-1] for u in urls}
    assert {"js", "css"} <= kinds


async def test_only_the_listed_assets_are_served(client):  # type: ignore[no-untyped-def]
    for name in ("swagger-editor-bundle.js", "..%2Fcore.py", "LICENSE"):
        assert (await client.get(f"/schema/assets/{name}")).status_code == 404, name
