"""Users and tokens in the browser: one's own password and tokens, the admin's users page; each change audited, a
disabled user's session and token stop at once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.server.test_workspace import PASSWORD, client, form_csrf, sign_in, signed_in  # noqa: F401 - fixture

NEW = "another long password"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_own_token_is_shown_once_works_and_is_revoked(client: TestClient) -> None:  # noqa: F811
    csrf = signed_in(client, "wang")
    r = client.post("/workspace/account/tokens", data={"csrf": csrf, "label": "月度脚本"})
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
    token = re.search(r"<code class=\"ws-token\" data-token>(ipm_[^<]+)</code>", r.text).group(1)  # type: ignore
    assert "只显示这一次" in r.text and "shown this once" in r.text
    listed = client.get("/workspace/account")
    assert token not in listed.text and "月度脚本" in listed.text and "有效" in listed.text
    stored = client.app.state.accounts.store.rows("SELECT token_hash FROM api_tokens", {})  # type: ignore
    assert token not in str(stored)  # hashed
    assert client.get("/api/audit", headers=bearer(token)).status_code == 403  # a live token: an uploader's
    token_id = client.app.state.accounts.tokens("wang")[0]["id"]  # type: ignore[attr-defined]
    assert client.post(f"/workspace/account/tokens/{token_id}/revoke", data={}).status_code == 403  # no CSRF
    r = client.post(f"/workspace/account/tokens/{token_id}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/audit", headers=bearer(token)).status_code == 401
    assert "已撤销" in client.get("/workspace/account").text
    # another user cannot revoke it (or learn that it exists)
    other_id, _ = client.app.state.accounts.create_token("li", "li's")  # type: ignore[attr-defined]
    assert client.post(f"/workspace/account/tokens/{other_id}/revoke", data={"csrf": csrf}).status_code == 404
    lines = [(a["actor"], a["action"], a["subject"], a["ip"])
             for a in client.app.state.accounts.audit(3)]  # type: ignore[attr-defined]
    assert lines[:2] == [("wang", "token_revoke", f"token {token_id}", "testclient"),
                         ("wang", "token_create", "wang", "testclient")]


def test_own_password_change_needs_the_current_one_and_keeps_this_browser_signed_in(
        client: TestClient) -> None:  # noqa: F811
    csrf = signed_in(client, "li")
    other = TestClient(client.app)
    signed_in(other, "li")
    wrong = client.post("/workspace/account/password", data={"csrf": csrf, "current": "not it at all",
                                                             "new": NEW, "new2": NEW})
    assert wrong.status_code == 422 and "当前密码不对" in wrong.text
    differ = client.post("/workspace/account/password", data={"csrf": csrf, "current": PASSWORD,
                                                              "new": NEW, "new2": NEW + "x"})
    assert differ.status_code == 422 and "不一致" in differ.text
    r = client.post("/workspace/account/password", data={"csrf": csrf, "current": PASSWORD, "new": NEW, "new2": NEW},
                    follow_redirects=False)
    assert r.status_code == 303 and "ipmap_session=" in r.headers["set-cookie"]
    assert "密码已更改" in client.get(r.headers["location"]).text  # this browser: a new session
    assert other.get("/workspace", follow_redirects=False).status_code == 303  # the other: signed out
    assert sign_in(other, "li").status_code == 401  # type: ignore[attr-defined]
    assert sign_in(other, "li", NEW).status_code == 303  # type: ignore[attr-defined]
    line = client.app.state.accounts.audit(1, action="user_passwd")[0]  # type: ignore[attr-defined]
    assert (line["actor"], line["subject"], line["ip"]) == ("li", "li", "testclient")


def test_admin_adds_changes_resets_and_disables_users(client: TestClient) -> None:  # noqa: F811
    wang = TestClient(client.app)
    signed_in(wang, "wang")
    token = client.app.state.accounts.create_token("wang")[1]  # type: ignore[attr-defined]
    csrf = signed_in(client, "zhou")
    page = client.get("/workspace/users")
    assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
    assert re.search(r'data-user="wang"><th scope="row">wang</th>', page.text)

    def post(action: str, **data: str) -> object:
        return client.post(f"/workspace/users/{action}", data={"csrf": csrf} | data, follow_redirects=False)

    assert post("add", name="zhao", role="publisher", new=NEW, new2=NEW).status_code == 303  # type: ignore
    assert sign_in(TestClient(client.app), "zhao", NEW).status_code == 303  # type: ignore[attr-defined]
    assert post("add", name="zhao", role="publisher", new=NEW, new2=NEW).status_code == 422  # type: ignore
    assert post("role", name="wang", role="publisher").status_code == 303  # type: ignore[attr-defined]
    assert client.app.state.accounts.user("wang").role == "publisher"  # type: ignore[attr-defined]
    assert post("role", name="zhou", role="uploader").status_code == 422  # type: ignore  # not oneself
    assert post("disable", name="wang").status_code == 303  # type: ignore[attr-defined]
    # at once: the session is gone and the token refused
    assert wang.get("/workspace", follow_redirects=False).status_code == 303
    assert wang.get("/api/audit", headers=bearer(token)).status_code == 401
    assert "已停用" in client.get("/workspace/users").text
    assert post("enable", name="wang").status_code == 303  # type: ignore[attr-defined]
    assert post("password", name="wang", new=NEW, new2=NEW).status_code == 303  # type: ignore[attr-defined]
    assert sign_in(wang, "wang", NEW).status_code == 303  # type: ignore[attr-defined]
    assert client.post("/workspace/users/disable", data={"name": "wang"}).status_code == 403  # no CSRF
    lines = [(a["actor"], a["action"], a["subject"], a["detail"], a["ip"])
             for a in client.app.state.accounts.audit(20)  # type: ignore[attr-defined]
             if a["action"].startswith("user_")]
    assert lines == [("zhou", "user_passwd", "wang", "password reset by an admin (workspace)", "testclient"),
                     ("zhou", "user_enable", "wang", "(workspace)", "testclient"),
                     ("zhou", "user_disable", "wang", "(workspace)", "testclient"),
                     ("zhou", "user_role", "wang", "role publisher (workspace)", "testclient"),
                     ("zhou", "user_add", "zhao", "role publisher (workspace)", "testclient")]
    audit = client.get("/workspace/audit").text
    assert "user_disable" in audit and "testclient" in audit
