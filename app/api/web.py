"""The embeddable chat widget (`GET /widget.js`) and a plain demo page that embeds it (`GET /demo/chat`).

The widget is a public script meant for any site, so it is served with `Access-Control-Allow-Origin: *`
and `Cross-Origin-Resource-Policy: cross-origin`, a short public cache lifetime and a content hash as
its ETag. Both bodies are read (or built) once at import.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from litestar import MediaType, Request, Response, get

WIDGET_PATH = Path(__file__).resolve().parent.parent / "web" / "widget.js"
WIDGET_JS: bytes = WIDGET_PATH.read_bytes()
WIDGET_ETAG = '"' + hashlib.sha256(WIDGET_JS).hexdigest()[:32] + '"'
WIDGET_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Cache-Control": "public, max-age=300",
    "ETag": WIDGET_ETAG,
    "X-Content-Type-Options": "nosniff",
}
JS_MEDIA_TYPE = "application/javascript; charset=utf-8"


def _etag_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`; compared weakly."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags


@get("/widget.js", include_in_schema=False, sync_to_thread=False)
def widget_js(request: Request) -> Response[bytes]:
    if _etag_matches(request.headers.get("if-none-match"), WIDGET_ETAG):
        return Response(b"", status_code=304, headers=WIDGET_HEADERS, media_type=JS_MEDIA_TYPE)
    return Response(WIDGET_JS, headers=WIDGET_HEADERS, media_type=JS_MEDIA_TYPE)


DEMO_STYLE = """
body { margin: 0; font: 17px/1.5 Georgia, "Times New Roman", serif; color: #222; background: #f6f4ef; }
header { background: #2d5d3b; color: #fff; padding: 16px 24px; }
header a { color: #fff; }
main { max-width: 40rem; padding: 8px 24px 120px; }
h1 { font-size: 1.6rem; margin: 0; }
a { color: #1f4f2b; }
"""
# a hash source lets the demo keep its small stylesheet without allowing inline styles in general
_STYLE_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(DEMO_STYLE.encode()).digest()).decode() + "'"

DEMO_CSP = (
    "default-src 'self'; connect-src 'self' ws: wss:; "
    f"style-src 'self' {_STYLE_HASH}; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

DEMO_HTML = f"""<!doctype html>
<html lang="fi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kajaanin terveysasema – chat-demo</title>
<link rel="icon" href="data:,">
<style>{DEMO_STYLE}</style>
</head>
<body>
<header>
<h1>Kajaanin terveysasema</h1>
<nav aria-label="Päävalikko"><a href="#yhteystiedot">Yhteystiedot</a></nav>
</header>
<main>
<h2>Tervetuloa</h2>
<p>Tämä on Firstline-chatin esittelysivu: tavallinen HTML-sivu, jolle chat on lisätty yhdellä
<code>&lt;script&gt;</code>-rivillä. Avaa chat oikean alakulman painikkeesta.</p>
<p>Hätätilanteessa soita aina <a href="tel:112">112</a>.</p>
<h2 id="yhteystiedot">Yhteystiedot</h2>
<p>Takaisinsoittonumero 08 615 0000, arkisin klo 8–16.</p>
</main>
<script src="/widget.js" data-unit="kajaani" data-lang="fi"></script>
</body>
</html>
""".encode()

DEMO_HEADERS = {
    "Content-Security-Policy": DEMO_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@get("/demo/chat", include_in_schema=False, sync_to_thread=False)
def demo_chat() -> Response[bytes]:
    return Response(DEMO_HTML, headers=DEMO_HEADERS, media_type=MediaType.HTML)


route_handlers = [widget_js, demo_chat]
