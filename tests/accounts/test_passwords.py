from __future__ import annotations

import pytest

from dialer.accounts.passwords import (
    WeakPassword,
    check_password_rules,
    generate_password,
    hash_password,
    verify_password,
)


def test_hash_verifies_only_the_right_password() -> None:
    h = hash_password("correct horse")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "correct horse")
    assert not verify_password(h, "correct horsE")
    assert not verify_password("not a hash", "correct horse")


def test_same_password_hashes_differently() -> None:
    assert hash_password("same password") != hash_password("same password")


@pytest.mark.parametrize("password,username", [("short", ""), ("x" * 300, ""), ("Alice123", "alice123")])
def test_rules_refuse_weak_passwords(password: str, username: str) -> None:
    with pytest.raises(WeakPassword):
        check_password_rules(password, username)


def test_generated_passwords_meet_the_rules_and_differ() -> None:
    a, b = generate_password(), generate_password()
    check_password_rules(a)
    assert a != b and len(a) == 14
