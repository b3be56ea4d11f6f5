"""The API docs page (`/schema/swagger`) without the internet: Swagger UI from our own install.

Litestar's Swagger page loads its script and stylesheet from a CDN, so on a health-care network
without outside access it renders blank. The `swagger-ui-py` package ships Swagger UI 5's files
(5 reads the OpenAPI 3.1 that Litestar writes; 4.x, as `swagger-ui-bundle` ships it, does not);
we serve the few the page needs under `/schema/assets/` and point the page at them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.response import File

ASSETS_PATH = "/schema/assets"
JS = "application/javascript; charset=utf-8"
# What the page loads, and nothing else of the package: an allow-list, not a directory listing.
ASSETS = {
    "swagger-ui-bundle.js": JS,
    "swagger-ui-standalone-preset.js": JS,
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
HEADERS = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}


def static_dir() -> Path:
    """Where swagger-ui-py keeps Swagger UI's files, found without importing the package (its
    import loads Jinja and YAML for framework helpers we do not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed; it is a dependency in pyproject.toml")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


STATIC = static_dir()


@get(f"{ASSETS_PATH}/{{name:str}}", include_in_schema=False, sync_to_thread=False)
def swagger_asset(name: str) -> File:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFoundException(f"no docs asset {name!r}")
    return File(path=STATIC / name, media_type=media_type, headers=HEADERS, content_disposition_type="inline")


def render_plugin() -> SwaggerRenderPlugin:
    """Swagger UI with every file it loads from this server (same origin, works offline)."""
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
    )


route_handlers = [swagger_asset]
