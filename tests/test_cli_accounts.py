"""`ipmap user` and `ipmap token`: accounts made from the shell, tokens printed once, changes audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from layers.store.accounts import Accounts
from layers.store.sqlite import Store
from server.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite"
    monkeypatch.setenv("IPMAP_DATABASE", str(path))
    return path


def test_user_and_token_lifecycle(db: Path) -> None:
    r = runner.invoke(app, ["user", "add", "li", "--role", "publisher", "--password-stdin"],
                      input="correct horse battery\n")
    assert r.exit_code == 0 and "li added (publisher)" in r.output, r.output
    accounts = Accounts(Store(db))
    assert accounts.verify("li", "correct horse battery") is not None

    r = runner.invoke(app, ["token", "create", "li", "--label", "nightly"])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip()
    assert token.startswith("ipm_") and "\n" not in token  # the token alone on stdout
    assert accounts.token_principal(token) is not None
    listed = runner.invoke(app, ["token", "list"]).stdout
    assert "nightly" in listed and token not in listed

    token_id = accounts.tokens("li")[0]["id"]
    assert runner.invoke(app, ["token", "revoke", str(token_id)]).exit_code == 0
    assert accounts.token_principal(token) is None
    assert runner.invoke(app, ["token", "revoke", str(token_id)]).exit_code == 1

    r = runner.invoke(app, ["user", "passwd", "li", "--password-stdin"], input="a new long password\n")
    assert r.exit_code == 0
    assert accounts.verify("li", "correct horse battery") is None and accounts.verify("li", "a new long password")
    assert runner.invoke(app, ["user", "disable", "li"]).exit_code == 0
    assert accounts.verify("li", "a new long password") is None
    assert "disabled" in runner.invoke(app, ["user", "list"]).stdout

    actions = [line["action"] for line in accounts.audit()]
    assert actions == ["user_disable", "user_passwd", "token_revoke", "token_create", "user_add"]
    assert all(line["actor"].endswith("(shell)") for line in accounts.audit())


def test_bad_account_changes_exit_1_with_one_line(db: Path) -> None:
    r = runner.invoke(app, ["user", "add", "li", "--role", "owner", "--password-stdin"], input="long enough pass\n")
    assert r.exit_code == 1 and "unknown role" in r.output
    r = runner.invoke(app, ["user", "add", "li", "--password-stdin"], input="short\n")
    assert r.exit_code == 1 and "at least" in r.output
    assert runner.invoke(app, ["token", "create", "nobody"]).exit_code == 1
    assert "Traceback" not in r.output
