"""Accounts in the store: users with a role, API tokens, sign-in sessions, the audit trail and staged uploads.

Written once on the stores' `rows()` (one SQLite-dialect statement per call), so SQLite and PostgreSQL keep the same
tables and meaning, and every instance sharing a database shares sessions, lockouts and the audit. Secrets are never
stored: passwords as argon2 hashes, API tokens and session ids as SHA-256 hashes (they are random, 256 bits).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from layers.core.errors import AccountError
from layers.store.backends import IndicatorStore

ROLES = ("uploader", "publisher", "admin")
RANK = {role: n for n, role in enumerate(ROLES, 1)}
MIN_PASSWORD = 10
MAX_NAME = 64
TOKEN_PREFIX = "ipm_"
STAGED_HOURS = 24


def now() -> datetime:
    """The clock every stamp is taken from (UTC)."""
    return datetime.now(UTC)


def stamp(at: datetime) -> str:
    """A sortable text time: the same width everywhere, so text order is time order on both backends."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(secret: str) -> str:
    """SHA-256 of a random secret (token, session id): enough for 256-bit secrets, and looked up by equality."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    """A named account: its role decides what it may do; a disabled one may do nothing."""

    id: int
    name: str
    role: str
    disabled: bool
    created_at: str


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a user (by session or token) or the bootstrap token (admin)."""

    name: str
    role: str
    user_id: int | None = None
    via: str = "session"  # session, token or bootstrap

    def may(self, role: str) -> bool:
        """True when this principal's role is `role` or above (uploader < publisher < admin)."""
        return RANK.get(self.role, 0) >= RANK[role]


def check_role(role: str) -> str:
    """A known role, or an AccountError naming the known ones."""
    if role not in RANK:
        raise AccountError(f"unknown role {role!r}: {', '.join(ROLES)}")
    return role


def check_name(name: str) -> str:
    """A user name: 1-64 printable characters, no spaces at either end, no markup."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c in name for c in "<>&\"'") or not name.isprintable():
        raise AccountError(f"a user name is 1 to {MAX_NAME} printable characters without < > & \" '")
    return name


def check_password(password: str) -> str:
    """A password of at least MIN_PASSWORD characters."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


class Accounts:
    """Users, tokens, sessions, audit and staged uploads of one store."""

    def __init__(self, store: IndicatorStore, hasher: PasswordHasher | None = None):
        self.store = store
        self.hasher = hasher or PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        # Verified against when a name is unknown, so a wrong name takes as long as a wrong password.
        return self.hasher.hash(secrets.token_hex(16))

    def _rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return self.store.rows(sql, params)

    # --- users

    def add_user(self, name: str, role: str, password: str) -> User:
        """A new enabled user; the name must be free."""
        name, role = check_name(name), check_role(role)
        if self.user(name) is not None:
            raise AccountError(f"user {name!r} exists")
        at = stamp(now())
        self._rows("INSERT INTO users (name, role, password_hash, disabled, created_at, password_changed_at)"
                   " VALUES (:name, :role, :hash, 0, :at, :at)",
                   name=name, role=role, hash=self.hasher.hash(check_password(password)), at=at)
        return self._need(name)

    def users(self) -> list[User]:
        """Every user, by name."""
        return [User(int(r[0]), r[1], r[2], bool(r[3]), r[4]) for r in
                self._rows("SELECT id, name, role, disabled, created_at FROM users ORDER BY name")]

    def user(self, name: str) -> User | None:
        """One user by name, or None."""
        rows = self._rows("SELECT id, name, role, disabled, created_at FROM users WHERE name = :name", name=name)
        return User(int(rows[0][0]), rows[0][1], rows[0][2], bool(rows[0][3]), rows[0][4]) if rows else None

    def _need(self, name: str) -> User:
        user = self.user(name)
        if user is None:
            raise AccountError(f"no user {name!r}")
        return user

    def set_password(self, name: str, password: str) -> User:
        """A new password; the user's sessions end (a stolen session does not outlive the change)."""
        user = self._need(name)
        self._rows("UPDATE users SET password_hash = :hash, password_changed_at = :at WHERE id = :id",
                   hash=self.hasher.hash(check_password(password)), at=stamp(now()), id=user.id)
        self._rows("DELETE FROM sessions WHERE user_id = :id", id=user.id)
        return user

    def set_role(self, name: str, role: str) -> User:
        """Change a user's role."""
        user = self._need(name)
        self._rows("UPDATE users SET role = :role WHERE id = :id", role=check_role(role), id=user.id)
        return self._need(name)

    def set_disabled(self, name: str, disabled: bool = True) -> User:
        """Disable (or enable) a user: a disabled user's sessions end and its tokens are refused."""
        user = self._need(name)
        self._rows("UPDATE users SET disabled = :d WHERE id = :id", d=int(disabled), id=user.id)
        if disabled:
            self._rows("DELETE FROM sessions WHERE user_id = :id", id=user.id)
        return self._need(name)

    def verify(self, name: str, password: str) -> User | None:
        """The enabled user with this name and password, or None (same work whether or not the name exists)."""
        rows = self._rows("SELECT password_hash FROM users WHERE name = :name", name=name)
        try:
            self.hasher.verify(rows[0][0] if rows else self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        user = self.user(name) if rows else None
        return user if user is not None and not user.disabled else None

    # --- API tokens

    def create_token(self, name: str, label: str = "") -> tuple[int, str]:
        """A new token for a user: (id, token). The token is returned once and never stored, only its hash."""
        user = self._need(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        rows = self._rows("INSERT INTO api_tokens (user_id, label, token_hash, created_at)"
                          " VALUES (:uid, :label, :hash, :at) RETURNING id",
                          uid=user.id, label=label.strip()[:200], hash=digest(token), at=stamp(now()))
        return int(rows[0][0]), token

    def revoke_token(self, token_id: int) -> dict[str, object]:
        """Revoke a token by id (it stays listed, revoked); an unknown or revoked id is an AccountError."""
        rows = self._rows("UPDATE api_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL"
                          " RETURNING id, label", at=stamp(now()), id=token_id)
        if not rows:
            raise AccountError(f"no active token {token_id}")
        return {"id": int(rows[0][0]), "label": rows[0][1]}

    def tokens(self, name: str | None = None) -> list[dict[str, object]]:
        """Tokens (never their values): id, user, label, created, revoked."""
        rows = self._rows("SELECT t.id, u.name, t.label, t.created_at, t.revoked_at FROM api_tokens t"
                          " JOIN users u ON u.id = t.user_id WHERE :name = '' OR u.name = :name ORDER BY t.id",
                          name=name or "")
        return [{"id": int(r[0]), "user": r[1], "label": r[2], "created_at": r[3], "revoked_at": r[4]}
                for r in rows]

    def token_principal(self, token: str) -> Principal | None:
        """The user a live token belongs to (not revoked, user enabled), or None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        rows = self._rows("SELECT u.id, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id"
                          " WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND u.disabled = 0",
                          hash=digest(token))
        return Principal(rows[0][1], rows[0][2], int(rows[0][0]), "token") if rows else None

    # --- sessions

    def start_session(self, user: User, hours: float) -> tuple[str, str]:
        """A new session for a signed-in user: (session id for the cookie, CSRF token for its forms)."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        at = now()
        self._rows("DELETE FROM sessions WHERE expires_at < :at", at=stamp(at))
        self._rows("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at)"
                   " VALUES (:hash, :uid, :csrf, :at, :expires)", hash=digest(session_id), uid=user.id, csrf=csrf,
                   at=stamp(at), expires=stamp(at + timedelta(hours=hours)))
        return session_id, csrf

    def session(self, session_id: str) -> tuple[Principal, str] | None:
        """(who, CSRF token) of a live session (not expired, user enabled), or None."""
        rows = self._rows("SELECT u.id, u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id"
                          " WHERE s.id_hash = :hash AND s.expires_at > :at AND u.disabled = 0",
                          hash=digest(session_id), at=stamp(now()))
        return (Principal(rows[0][1], rows[0][2], int(rows[0][0]), "session"), rows[0][3]) if rows else None

    def end_session(self, session_id: str) -> None:
        """Sign out: the session is gone on every instance."""
        self._rows("DELETE FROM sessions WHERE id_hash = :hash", hash=digest(session_id))

    # --- audit and lockout

    def record(self, actor: str, action: str, subject: str = "", detail: str = "", ip: str = "") -> None:
        """One audit line: who, what, on what, details, from where; the time is the store's clock."""
        self._rows("INSERT INTO audit (at, actor, action, subject, detail, ip)"
                   " VALUES (:at, :actor, :action, :subject, :detail, :ip)",
                   at=stamp(now()), actor=actor[:200], action=action, subject=subject[:200], detail=detail[:2000],
                   ip=ip[:64])

    def audit(self, limit: int = 200, offset: int = 0, action: str = "") -> list[dict[str, object]]:
        """The newest audit lines first."""
        rows = self._rows("SELECT id, at, actor, action, subject, detail, ip FROM audit"
                          " WHERE :action = '' OR action = :action ORDER BY id DESC LIMIT :limit OFFSET :offset",
                          action=action, limit=limit, offset=offset)
        return [dict(zip(("id", "at", "actor", "action", "subject", "detail", "ip"), r, strict=True)) for r in rows]

    def recent_failures(self, name: str, ip: str, minutes: float) -> tuple[int, int, str | None]:
        """Sign-in failures in the last `minutes`: (for this name since its last success, from this address,
        time of the oldest one counted for the name), read from the audit shared by every instance."""
        since = stamp(now() - timedelta(minutes=minutes))
        by_name = self._rows(
            "SELECT COUNT(*), MIN(at) FROM audit WHERE action = 'signin_failed' AND subject = :name AND at >= :since"
            " AND at > COALESCE((SELECT MAX(at) FROM audit WHERE action = 'signin' AND subject = :name), '')",
            name=name[:200], since=since)
        by_ip = self._rows("SELECT COUNT(*) FROM audit WHERE action = 'signin_failed' AND ip = :ip AND at >= :since",
                           ip=ip[:64], since=since)
        return int(by_name[0][0]), int(by_ip[0][0]), by_name[0][1]

    # --- staged uploads (checked, waiting for "commit as draft")

    def stage(self, user_name: str, file_name: str, data: bytes, options: dict[str, str]) -> str:
        """Keep a checked file until it is committed (a day at most): its id."""
        staged_id = secrets.token_urlsafe(16)
        self._rows("DELETE FROM staged_uploads WHERE created_at < :old",
                   old=stamp(now() - timedelta(hours=STAGED_HOURS)))
        self._rows("INSERT INTO staged_uploads (id, user_name, file_name, data, options, created_at)"
                   " VALUES (:id, :user, :file, :data, :options, :at)", id=staged_id, user=user_name, file=file_name,
                   data=data, options=json.dumps(options, ensure_ascii=False), at=stamp(now()))
        return staged_id

    def staged(self, staged_id: str, user_name: str) -> tuple[str, bytes, dict[str, str]] | None:
        """(file name, bytes, options) of the user's own staged file, or None."""
        rows = self._rows("SELECT file_name, data, options FROM staged_uploads WHERE id = :id AND user_name = :user",
                          id=staged_id, user=user_name)
        return (rows[0][0], bytes(rows[0][1]), json.loads(rows[0][2])) if rows else None

    def unstage(self, staged_id: str) -> None:
        """Forget a staged file (committed or abandoned)."""
        self._rows("DELETE FROM staged_uploads WHERE id = :id", id=staged_id)

    # --- the cookie-signing secret, when none is configured

    def secret(self, name: str) -> str:
        """A random secret made once and shared by every instance on this store."""
        self._rows("INSERT INTO app_secrets (name, value) VALUES (:name, :value) ON CONFLICT (name) DO NOTHING",
                   name=name, value=secrets.token_urlsafe(48))
        return str(self._rows("SELECT value FROM app_secrets WHERE name = :name", name=name)[0][0])


def same(a: str, b: str) -> bool:
    """Constant-time text comparison."""
    return hmac.compare_digest(a.encode(), b.encode())
