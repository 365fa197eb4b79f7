from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dialer.accounts.tokens import TokenError, authenticate_token, issue_token, revoke_token, revoke_user_tokens
from dialer.accounts.users import Actor, create_user, deactivate_user, set_password
from dialer.models import ApiToken
from dialer.models.enums import Role

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
async def user(sqlite_db: str):
    return await create_user("integration", "s3cret-pass", Role.ADMIN, actor=Actor.system())


async def test_secret_is_shown_once_and_only_its_hash_is_stored(user) -> None:
    issued = await issue_token(user, ["contacts:write"], now=NOW)
    stored = await ApiToken.get(id=issued.token.id)
    assert issued.secret.startswith(f"dlr_{stored.prefix}_")
    assert issued.secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    assert (await authenticate_token(issued.secret, now=NOW)).user.id == user.id


async def test_token_expires(user) -> None:
    issued = await issue_token(user, ["calls:read"], ttl=timedelta(hours=1), now=NOW)
    await authenticate_token(issued.secret, now=NOW + timedelta(minutes=59))
    with pytest.raises(TokenError, match="expired"):
        await authenticate_token(issued.secret, now=NOW + timedelta(hours=1))


async def test_token_revokes(user) -> None:
    issued = await issue_token(user, ["calls:read"], now=NOW)
    assert await revoke_token(issued.token.id, now=NOW)
    with pytest.raises(TokenError, match="revoked"):
        await authenticate_token(issued.secret, now=NOW)
    assert not await revoke_token(issued.token.id, now=NOW)  # once is enough


async def test_unknown_and_malformed_tokens_are_refused(user) -> None:
    with pytest.raises(TokenError):
        await authenticate_token("dlr_0000_nothing", now=NOW)
    with pytest.raises(TokenError):
        await authenticate_token("Basic abc", now=NOW)


async def test_password_change_and_deactivation_end_tokens(user) -> None:
    a = await issue_token(user, ["calls:read"], now=NOW)
    await set_password(user, "another-pass-1", actor=Actor.system())
    with pytest.raises(TokenError):
        await authenticate_token(a.secret)
    b = await issue_token(user, ["calls:read"])
    await deactivate_user(user, actor=Actor.system())
    with pytest.raises(TokenError):
        await authenticate_token(b.secret)


async def test_revoke_by_scope_leaves_other_tokens(user) -> None:
    agent_token = await issue_token(user, ["agent"], now=NOW)
    api_token = await issue_token(user, ["calls:read"], now=NOW)
    assert await revoke_user_tokens(user, scope="agent", now=NOW) == 1
    with pytest.raises(TokenError):
        await authenticate_token(agent_token.secret, now=NOW)
    await authenticate_token(api_token.secret, now=NOW)


async def test_unknown_scope_is_refused(user) -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        await issue_token(user, ["root"])
