"""Accounts, drafts, publication and retraction in the store, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pandas as pd
import pytest
from argon2 import PasswordHasher

from layers.core.errors import AccountError, DatasetStateError, NotFoundError
from layers.store.accounts import Accounts
from layers.store.backends import IndicatorStore
from layers.store.sqlite import DatasetMeta

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # test speed; the app uses argon2's defaults


@pytest.fixture
def accounts(store: IndicatorStore) -> Accounts:
    return Accounts(store, FAST)


def one_value(value: float, year: int = 2023) -> pd.DataFrame:
    return pd.DataFrame([{"adcode": "620102", "indicator": "patent_grants", "year": year, "value": value,
                          "unit": "件", "source": f"test {value}"}])


def grants(store: IndicatorStore, **reading: int) -> float | None:
    obs = store.observations(**reading)
    hit = obs[(obs.adcode == "620102") & (obs.indicator == "patent_grants") & (obs.year == 2023)]
    return float(hit.value.iloc[0]) if len(hit) else None


def test_passwords_are_hashed_and_checked(accounts: Accounts, store: IndicatorStore) -> None:
    accounts.add_user("li", "publisher", "correct horse battery")
    stored = store.rows("SELECT password_hash FROM users WHERE name = 'li'")[0][0]
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert accounts.verify("li", "correct horse battery") is not None
    assert accounts.verify("li", "correct horse batter") is None and accounts.verify("nobody", "x" * 12) is None
    with pytest.raises(AccountError, match="exists"):
        accounts.add_user("li", "uploader", "another long password")
    with pytest.raises(AccountError, match="role"):
        accounts.add_user("zhao", "owner", "another long password")
    with pytest.raises(AccountError, match="at least"):
        accounts.add_user("zhao", "uploader", "short")
    with pytest.raises(AccountError, match="characters"):
        accounts.add_user("<b>zhao</b>", "uploader", "another long password")
    accounts.set_disabled("li")
    assert accounts.verify("li", "correct horse battery") is None  # a disabled user cannot sign in


def test_tokens_are_stored_hashed_and_revocable(accounts: Accounts, store: IndicatorStore) -> None:
    accounts.add_user("wang", "uploader", "a long enough password")
    token_id, token = accounts.create_token("wang", "nightly loader")
    assert token.startswith("ipm_") and len(token) > 40
    assert all(token not in str(row) for row in store.rows("SELECT * FROM api_tokens"))
    who = accounts.token_principal(token)
    assert who is not None and (who.name, who.role, who.via) == ("wang", "uploader", "token")
    assert not who.may("publisher") and who.may("uploader")
    assert accounts.tokens("wang")[0]["label"] == "nightly loader"
    accounts.set_disabled("wang")
    assert accounts.token_principal(token) is None  # a disabled user's tokens are refused
    accounts.set_disabled("wang", False)
    accounts.revoke_token(token_id)
    assert accounts.token_principal(token) is None
    assert accounts.tokens("wang")[0]["revoked_at"]
    with pytest.raises(AccountError):
        accounts.revoke_token(token_id)


def test_sessions_end_on_sign_out_password_change_and_expiry(accounts: Accounts) -> None:
    user = accounts.add_user("zhou", "admin", "a long enough password")
    sid, csrf = accounts.start_session(user, hours=1)
    found = accounts.session(sid)
    assert found is not None and found[0].name == "zhou" and found[1] == csrf
    accounts.end_session(sid)
    assert accounts.session(sid) is None
    sid, _ = accounts.start_session(user, hours=1)
    accounts.set_password("zhou", "another long password")
    assert accounts.session(sid) is None
    sid, _ = accounts.start_session(user, hours=-1)  # already expired
    assert accounts.session(sid) is None


def test_lockout_counts_failures_since_the_last_success(accounts: Accounts) -> None:
    for _ in range(3):
        accounts.record("?", "signin_failed", "li", "", "10.0.0.1")
    assert accounts.recent_failures("li", "10.0.0.1", 15)[:2] == (3, 3)
    accounts.record("li", "signin", "li", "", "10.0.0.1")
    by_name, by_ip, _ = accounts.recent_failures("li", "10.0.0.1", 15)
    assert by_name == 0 and by_ip == 3  # a success clears the name, not the address


def test_a_draft_counts_only_once_published_and_a_retraction_restores_the_earlier_value(
        store: IndicatorStore) -> None:
    first = store.add_dataset(DatasetMeta(name="a", kind="upload", source="a"), one_value(100))
    v1 = store.version()
    draft = store.add_dataset(DatasetMeta(name="b", kind="upload", source="b"), one_value(250), publish=False)
    assert store.version() == v1 and grants(store) == 100  # a draft changes neither the version nor the data
    assert store.dataset(draft)["state"] == "draft" and store.dataset(first)["state"] == "published"  # type: ignore
    assert grants(store, draft=draft) == 250  # its preview: as if published on top
    assert store.publish(draft) == v1 + 1 and grants(store) == 250
    assert grants(store, version=v1) == 100  # a link to the earlier version still shows it
    with pytest.raises(DatasetStateError):
        store.publish(draft)
    assert grants(store, exclude=draft) == 100  # what a retraction would leave
    assert store.retract(draft) == v1 + 2 and grants(store) == 100
    assert store.dataset(draft)["state"] == "retracted"  # type: ignore[index]
    assert len(store.dataset_observations(draft)) == 1  # nothing deleted
    with pytest.raises(DatasetStateError):
        store.retract(draft)
    with pytest.raises(NotFoundError):
        store.publish(9999)
    assert store.publish(draft) == v1 + 3 and grants(store) == 250  # published again: newest again
