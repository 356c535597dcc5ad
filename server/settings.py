"""All configuration in one settings object, from IPMAP_* environment variables or a .env file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geo import resources

CACHE_SHARES = {"renders": 3, "responses": 2, "compressed": 1, "memo": 1, "geometry": 1}


class Settings(BaseSettings):
    """Settings for the server and CLI; tests build variants from explicit values."""

    model_config = SettingsConfigDict(env_prefix="IPMAP_", env_file=".env", extra="ignore")

    host: str = Field("127.0.0.1", description="Address to listen on")
    port: int = Field(8000, description="Port to listen on")
    database: Path = Field(Path("var/ipmap.sqlite"),
                           description="SQLite indicator store, created and seeded on first start")
    database_url: str | None = Field(None, description="PostgreSQL URL (postgresql://user@host/db) shared by several "
                                     "instances; when set it replaces the SQLite file")
    boundaries: Path = Field(resources.BOUNDARY_CACHE, description="Boundary cache built by `ipmap build-boundaries`")
    zones: Path = Field(resources.ZONES,
                        description="Zones and designations file (TOML), checked against the boundaries")
    tile_url: str | None = Field(None, description="Optional basemap tile URL template ({z}/{x}/{y}); none by default")
    tile_attribution: str = Field("", description="Attribution shown for the tile layer")
    map_approval: str = Field("", description="Map approval number (审图号) printed on every map, export and embed, "
                              "e.g. \"GS(2024)1234号\"; empty: each map says it is schematic, not a standard map")
    token: str | None = Field(None, description="Bootstrap admin bearer token (IPMAP_TOKEN): acts as an admin on the "
                              "API; per-user accounts and tokens are made with `ipmap user` and `ipmap token`")
    secret_key: str | None = Field(None, description="Signs session cookies; when unset a random key is made once "
                                   "and kept in the store, shared by every instance")
    session_hours: float = Field(8, gt=0, le=24 * 30, description="A sign-in lasts this long, then ends")
    login_max_failures: int = Field(5, ge=1, description="Failed sign-ins for one name before it is locked out")
    login_max_failures_per_ip: int = Field(30, ge=1, description="Failed sign-ins from one address before it is "
                                           "locked out")
    login_lock_minutes: float = Field(15, gt=0, description="How long failures count, and a lockout lasts")
    frame_ancestors: str | None = Field(None, description="CSP frame-ancestors, e.g. \"'self' https://intranet.example\""
                                        "; unset: pages 'self' and /embed any site; set: pages and /embed alike")
    max_upload_bytes: int = Field(5_000_000, description="Largest upload accepted")
    cache_mb: int = Field(224, ge=0, description="Memory for kept work, per worker, keys and headers included: "
                          "3/8 rendered maps and exports, 2/8 whole responses, 1/8 compressed bodies, 1/8 values "
                          "and zone overlays, 1/8 parsed geometry (0 keeps nothing)")
    public_url: str | None = Field(None, description="The site's public origin, e.g. https://ipmap.example.gov.cn: "
                                   "the embed snippet points there; when unset the browser fills in its own origin "
                                   "(the request's Host header is never used); https also marks session cookies "
                                   "Secure")
    render_slots: int = Field(2, ge=1, description="Uncached maps, compare and timeline pages drawn at once, per "
                              "worker")
    render_queue: int = Field(4, ge=0, description="Renders waiting for a slot, per worker; more answer 503")
    export_slots: int = Field(1, ge=1, description="PNG/SVG/PDF exports, briefing PDFs and chart images drawn at "
                              "once, per worker: slots of their own, so a burst of exports leaves the maps theirs")
    export_queue: int = Field(4, ge=0, description="Exports waiting for a slot, per worker; more answer 503")
    render_wait_seconds: float = Field(20, gt=0, description="Longest wait for a render slot before a 503")
    retry_after_seconds: int = Field(5, ge=1, description="Retry-After of a 503 when the renders are full")
    switch_interval_ms: float = Field(0.5, gt=0, le=5, description="How long a rendering thread keeps Python's "
                                      "interpreter lock before the event loop may take it (Python's default is 5)")

    trim_seconds: float = Field(30, ge=0, description="Seconds between giving freed memory back to the system "
                                "(glibc malloc_trim); 0 never")

    @field_validator("public_url")
    @classmethod
    def _origin(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError("public_url must be an http(s) URL such as https://ipmap.example.gov.cn")
        return value.strip().rstrip("/")

    def cache_bytes(self, share: str) -> int:
        """The byte budget of one cache ("renders", "responses", "compressed", "memo", "geometry") out of cache_mb."""
        return self.cache_mb * 1024 * 1024 * CACHE_SHARES[share] // sum(CACHE_SHARES.values())
