from __future__ import annotations

import random

from dialer.scheduling.caller_id import CallerIdPolicy, PoolNumber, choose_caller_id, region_of

POOL = (PoolNumber("+420221000100"), PoolNumber("+420221000101"), PoolNumber("+12125550100"),
        PoolNumber("+13105550100", region="US-310"))


def test_contact_then_campaign_then_pool() -> None:
    rng = random.Random(1)
    assert choose_caller_id(CallerIdPolicy("+420999", "+420888", POOL), "+420601123456", "", rng) == "+420999"
    assert choose_caller_id(CallerIdPolicy("", "+420888", POOL), "+420601123456", "", rng) == "+420888"
    assert choose_caller_id(CallerIdPolicy("", "", POOL), "+420601123456", "", rng).startswith("+420")
    assert choose_caller_id(CallerIdPolicy(), "+420601123456", "", rng) == ""


def test_prefers_same_area_then_same_country() -> None:
    rng = random.Random(2)
    la = {choose_caller_id(CallerIdPolicy(pool=POOL), "+13105551234", "", rng) for _ in range(20)}
    assert la == {"+13105550100"}
    ny = {choose_caller_id(CallerIdPolicy(pool=POOL), "+12125551234", "", rng) for _ in range(20)}
    assert ny == {"+12125550100"}
    uk = {choose_caller_id(CallerIdPolicy(pool=POOL), "+442071234567", "", rng) for _ in range(50)}
    assert len(uk) > 1  # no local number: any


def test_never_the_same_caller_id_twice_in_a_row_to_a_contact() -> None:
    rng = random.Random(3)
    last = "+420221000100"
    for _ in range(30):
        chosen = choose_caller_id(CallerIdPolicy(pool=POOL), "+420601123456", last, rng)
        assert chosen != last
        last = chosen


def test_region_of_number() -> None:
    assert region_of("+12125550100") == ("US", "212")
    assert region_of("+420221000100")[0] == "CZ"
    assert region_of("garbage") == ("", "")
