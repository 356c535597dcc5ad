"""Who a request acts as: a bearer token (a user's, or the bootstrap IPMAP_TOKEN) or a signed session cookie.

The cookie holds a signed random session id; the session itself (user, expiry, CSRF token) lives in the store, so
signing out or disabling a user ends it on every instance. Forms posted with a session carry its CSRF token; the
sign-in form, which has no session yet, carries a signed nonce that must match its own cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from layers.store.accounts import Accounts, Principal, same
from layers.store.backends import IndicatorStore

SESSION_COOKIE = "ipmap_session"
LOGIN_COOKIE = "ipmap_login"
LOGIN_NONCE_SECONDS = 3600
BOOTSTRAP = "IPMAP_TOKEN"
NO_STORE = {"Cache-Control": "private, no-store"}
_UNSET = object()


def accounts(request: Request) -> Accounts:
    """The accounts of the app's store (made at start-up)."""
    return request.app.state.accounts


def client_ip(request: Request) -> str:
    """Where the request came from (uvicorn's proxy headers give the client's address behind nginx)."""
    return request.client.host if request.client else ""


def is_secure(request: Request) -> bool:
    """HTTPS: the public address says so, or this request came over it (directly or as the proxy reports)."""
    public = request.app.state.settings.public_url or ""
    return public.startswith("https://") or request.scope.get("scheme") == "https"


def _serializer(request: Request, salt: str) -> URLSafeTimedSerializer:
    settings = request.app.state.settings
    key = getattr(request.app.state, "secret_key", None)
    if key is None:
        key = settings.secret_key or accounts(request).secret("session-cookie")
        request.app.state.secret_key = key
    return URLSafeTimedSerializer(key, salt=salt)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """A cookie only this site's own requests send back: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=is_secure(request))


def bearer(request: Request) -> Principal | None:
    """The principal of an `Authorization: Bearer` header (None without one); a wrong token is a 401 and writes
    nothing (tokens are 256-bit random: there is nothing to lock out, and a refused request leaves the store as it
    was)."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, given = header.partition(" ")
    given = given.strip()
    if scheme.lower() == "bearer" and given:
        token = request.app.state.settings.token
        if token and hmac.compare_digest(given.encode(), token.encode()):
            return Principal(BOOTSTRAP, "admin", None, "bootstrap")
        found = accounts(request).token_principal(given)
        if found is not None:
            return found
    raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})


def session(request: Request) -> tuple[Principal, str] | None:
    """(who, CSRF token) of the request's session cookie, or None; read once per request."""
    cached = getattr(request.state, "session", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    found = None
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        hours = request.app.state.settings.session_hours
        try:
            session_id = _serializer(request, "session").loads(raw, max_age=int(hours * 3600))
        except BadSignature:
            session_id = None
        if isinstance(session_id, str):
            found = accounts(request).session(session_id)
    request.state.session = found
    return found


def session_id(request: Request) -> str | None:
    """The raw session id of a validly signed cookie (for signing out), or None."""
    raw = request.cookies.get(SESSION_COOKIE)
    try:
        value = _serializer(request, "session").loads(raw) if raw else None
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def start_session(request: Request, response: Response, principal: Principal) -> None:
    """Sign in: a new session in the store, its signed id in the cookie."""
    user = accounts(request).user(principal.name)
    assert user is not None
    hours = request.app.state.settings.session_hours
    sid, _ = accounts(request).start_session(user, hours)
    set_cookie(request, response, SESSION_COOKIE, _serializer(request, "session").dumps(sid), int(hours * 3600))


def caller(request: Request) -> Principal | None:
    """Whoever the request acts as: a bearer token first, else the session cookie (reads only)."""
    found = bearer(request)
    if found is not None:
        return found
    signed_in = session(request)
    return signed_in[0] if signed_in else None


def api_caller(request: Request, role: str) -> Principal:
    """The caller of a writing API route: a bearer token, or a session whose page sent its CSRF token in the
    X-CSRF-Token header. 401 with neither, 403 when the role is short of `role`."""
    found = bearer(request)
    if found is None:
        signed_in = session(request)
        if signed_in and same(request.headers.get("x-csrf-token", ""), signed_in[1]):
            found = signed_in[0]
    if found is None:
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})
    if not found.may(role):
        raise HTTPException(403, f"a {role} may do this; {found.name} is a {found.role}")
    return found


def page_user(request: Request, role: str = "uploader") -> tuple[Principal, str]:
    """The signed-in user of a workspace page and its CSRF token; not signed in: off to /login and back."""
    signed_in = session(request)
    if signed_in is None:
        query = request.scope.get("query_string", b"").decode("latin-1")
        target = request.url.path + (f"?{query}" if query else "")
        raise HTTPException(303, "sign in first", headers={"Location": "/login?next=" + quote(target, safe=""),
                                                          **NO_STORE})
    if not signed_in[0].may(role):
        raise HTTPException(403, f"a {role} may do this; {signed_in[0].name} is a {signed_in[0].role}",
                            headers=NO_STORE)
    return signed_in


def check_csrf(request: Request, form: Any, csrf: str) -> None:
    """A form posted with a session must carry that session's CSRF token (403 otherwise)."""
    given = form.get("csrf")
    if not isinstance(given, str) or not same(given, csrf):
        raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page and try again",
                            headers=NO_STORE)


def login_nonce(request: Request) -> tuple[str, str]:
    """The sign-in form's CSRF token: (nonce for a short-lived cookie, the same nonce signed for the form)."""
    nonce = secrets.token_urlsafe(24)
    return nonce, str(_serializer(request, "login").dumps(nonce))


def check_login_nonce(request: Request, form: Any) -> None:
    """The sign-in form's token must be this browser's own nonce, signed by us and fresh (403 otherwise)."""
    given, cookie = form.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")
    try:
        nonce = _serializer(request, "login").loads(given, max_age=LOGIN_NONCE_SECONDS) if isinstance(given, str) \
            else None
    except BadSignature:
        nonce = None
    if not isinstance(nonce, str) or not cookie or not same(nonce, cookie):
        raise HTTPException(403, "the sign-in form's CSRF token is missing or wrong: reload the page and try again",
                            headers=NO_STORE)


async def publish_or_retract(request: Request, store: IndicatorStore, dataset_id: int,
                             action: Literal["publish", "retract"], kind: str = "",
                             check: Callable[[], object] | None = None) -> None:
    """A publisher's form post that publishes or retracts a dataset (data or a plan): the CSRF token checked,
    `check` run (a 404 for the wrong kind of dataset), the change made and audited."""
    who, csrf = await run_in_threadpool(page_user, request, "publisher")
    form = await request.form(max_files=0, max_fields=4)
    check_csrf(request, form, csrf)
    if check is not None:
        await run_in_threadpool(check)
    change = store.publish if action == "publish" else store.retract
    version = await run_in_threadpool(change, dataset_id)
    await run_in_threadpool(accounts(request).record, who.name, action, f"dataset {dataset_id}",
                            f"{kind}data version {version}", client_ip(request))
