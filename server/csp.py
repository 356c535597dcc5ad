"""Content-Security-Policy: our own origin only, and inline scripts only by the hash of what the map renderer wrote."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from urllib.parse import urlsplit

MAX_DEPTH = 4  # context -> dataclass -> panel -> parts
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)


@dataclass(frozen=True)
class Policy:
    """The site's CSP; `header(scripts)` allows exactly the inline scripts whose hashes a page passes in.

    Pages may be framed by the site itself; the embed (a public, read-only map) by any site unless restricted.
    """

    frame_ancestors: str = "'self'"
    tile_url: str | None = None
    embed_frame_ancestors: str = "*"

    def header(self, scripts: Iterable[str] = (), embed: bool = False) -> str:
        """The header value; with no hashes no inline script runs at all."""
        tiles = ""
        if self.tile_url:
            parts = urlsplit(self.tile_url.replace("{s}", "a"))
            tiles = " " + f"{parts.scheme}://{parts.netloc}".replace("//a.", "//*.")
        script_src = " ".join(["'self'", *dict.fromkeys(scripts)])
        return (
            f"default-src 'self'; script-src {script_src}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:{tiles}; connect-src 'self'; font-src 'self'; object-src 'none'; "
            f"base-uri 'self'; form-action 'self'; "
            f"frame-ancestors {self.embed_frame_ancestors if embed else self.frame_ancestors}"
        )


def script_hash(code: str) -> str:
    """CSP source for one inline script: 'sha256-<base64>' of its exact text (~0.2 ms for a county map, so no
    cache: one would pin every map script it ever saw)."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_script_hashes(trusted_html: str) -> tuple[str, ...]:
    """Hashes of the inline scripts in HTML the app wrote itself (never HTML that carries request data)."""
    return tuple(script_hash(m.group(1)) for m in INLINE_SCRIPT.finditer(trusted_html))


def map_script_hashes(parts: Mapping[str, str]) -> tuple[str, ...]:
    """Hashes of one rendered Folium map: inline scripts of its head, and its setup script (placed in <script>)."""
    return (*inline_script_hashes(parts["head"]), script_hash(parts["script"]))


def context_script_hashes(context: Mapping[str, object]) -> tuple[str, ...]:
    """Hashes of every rendered map in a template context: any head/body/script mapping found in its values,
    lists and dataclasses (a compare page holds several maps inside a dataclass)."""
    found: list[str] = []

    def walk(value: object, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(value, Mapping):
            if {"head", "body", "script"} <= set(value) and isinstance(value["script"], str):
                found.extend(map_script_hashes(value))
                return
            children: Iterable[object] = value.values()
        elif isinstance(value, list | tuple):
            children = value
        elif is_dataclass(value) and not isinstance(value, type):
            children = (getattr(value, f.name) for f in fields(value))
        else:
            return
        for child in children:
            walk(child, depth + 1)

    walk(context, 0)
    return tuple(dict.fromkeys(found))
