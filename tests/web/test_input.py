"""The input layer on its own: ids, numbers, text, time zones, times and JSON bodies become values
or an InputError naming the field, never an exception from the ORM or the standard library."""

from __future__ import annotations

import json
import random
import re

import pytest
from starlette.requests import Request

from dialer.models.ids import MAX_ID
from dialer.scheduling.zones import zone_named
from dialer.stats.period import PeriodError, zone
from dialer.web.input import (
    MAX_JSON_DEPTH,
    IdConvertor,
    InputError,
    json_object,
    parse_time,
    text,
    time_zone,
    to_id,
)


def test_the_id_path_pattern_takes_exactly_the_ids_a_row_can_have() -> None:
    pattern = re.compile(IdConvertor.regex)
    edges = [0, 1, 9, 10, MAX_ID - 1, MAX_ID, MAX_ID + 1, 2 * MAX_ID, 10**10, 10**30]
    rng = random.Random(18)
    for n in edges + [rng.randrange(0, 10**11) for _ in range(20_000)]:
        assert (pattern.fullmatch(str(n)) is not None) == (1 <= n <= MAX_ID), n
    for written in ("007", "-1", "1e3", "+5", "١٢", ""):
        assert pattern.fullmatch(written) is None, written


@pytest.mark.parametrize("raw", [0, -1, MAX_ID + 1, True, 1.5, "abc", "²", "9" * 5000, None, [1]])
def test_an_id_outside_the_database_range_is_refused_with_its_field(raw) -> None:
    with pytest.raises(InputError) as caught:
        to_id(raw, "reason_id")
    assert caught.value.status == 422 and caught.value.field == "reason_id"


def test_an_id_is_taken_as_json_number_or_form_digits() -> None:
    assert to_id(7, "x") == 7 and to_id(" 42 ", "x") == 42 and to_id(str(MAX_ID), "x") == MAX_ID


@pytest.mark.parametrize("raw,why", [("a\x00b", "NUL"), ("x" * 129, "at most 128"), (5, "text expected")])
def test_free_text_with_a_nul_or_past_its_column_is_refused(raw, why) -> None:
    with pytest.raises(InputError, match=why):
        text(raw, "q")


def test_free_text_is_stripped() -> None:
    assert text("  Eva  ", "q") == "Eva" and text(None, "q") == ""


@pytest.mark.parametrize("name", ["x" * 15_000, "Europe", "Europe/", "../etc/passwd", "/etc/passwd", "a\x00b",
                                  "Europe/__init__.py", "UTC+1", "", "Nowhere/City"])
def test_a_name_that_is_no_time_zone_is_refused_not_an_os_error(name) -> None:
    assert zone_named(name) is None
    with pytest.raises(InputError) as caught:
        time_zone(name)
    assert caught.value.field == "tz" and len(caught.value.message) < 200
    with pytest.raises(PeriodError):
        zone(name or "Nowhere")  # the reports' own parsing (CLI) says the same


def test_real_zones_are_found() -> None:
    assert time_zone("Europe/Prague") == "Europe/Prague" and zone_named("UTC") is not None


@pytest.mark.parametrize("raw,expected", [
    ("2026-03-01T08:00:00Z", "2026-03-01T08:00:00+00:00"),
    ("2026-03-01t08:00:00z", "2026-03-01T08:00:00+00:00"),  # RFC 3339 allows lower case
    ("2026-03-01T09:00:00+01:00", "2026-03-01T08:00:00+00:00"),
    ("2026-03-01T08:00:00", "2026-03-01T08:00:00+00:00"),  # no zone: UTC
    ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59+00:00"),  # a leap second
    ("0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00+00:00"),  # before UTC's first instant
    ("9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59.999999+00:00"),  # after its last
])
def test_times_are_read_as_rfc_3339_in_utc(raw, expected) -> None:
    assert parse_time(raw, "since").isoformat() == expected


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01T00:00:00Z", "x" * 10_000, 5])
def test_a_time_that_is_not_one_is_refused(raw) -> None:
    with pytest.raises(InputError) as caught:
        parse_time(raw, "since")
    assert caught.value.field == "since"


def test_a_time_without_a_zone_is_refused_where_one_is_required() -> None:
    with pytest.raises(InputError, match="time zone"):
        parse_time("2026-05-01T14:00:00", "callback_at", zone_required=True)


def _request(body: bytes) -> Request:
    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request({"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}, receive)


def _nested(depth: int) -> bytes:
    return ('{"a":' * depth + "1" + "}" * depth).encode()


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,  # past the interpreter's recursion limit
    b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    _nested(MAX_JSON_DEPTH + 1),
])
async def test_json_nested_too_deep_is_a_400_not_a_recursion_error(body) -> None:
    with pytest.raises(InputError) as caught:
        await json_object(_request(body))
    assert caught.value.status == 400 and "nests deeper" in caught.value.message


async def test_json_as_deep_as_allowed_is_read() -> None:
    assert await json_object(_request(_nested(MAX_JSON_DEPTH)))


@pytest.mark.parametrize("body,field", [
    ({"name": "a\x00b"}, "name"),
    ({"custom_fields": {"note": ["x", "a\x00"]}}, "custom_fields"),
    ({"custom_fields": {"k\x00": 1}}, "custom_fields"),
])
async def test_a_nul_anywhere_in_a_json_body_is_refused_naming_the_top_field(body, field) -> None:
    with pytest.raises(InputError) as caught:
        await json_object(_request(json.dumps(body).encode()))
    assert caught.value.status == 422 and caught.value.field == field


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1]", b'"text"', b"\xff\xfe"])
async def test_what_is_not_a_json_object_is_a_400(body) -> None:
    with pytest.raises(InputError) as caught:
        await json_object(_request(body))
    assert caught.value.status == 400


async def test_an_empty_body_is_an_empty_object_where_actions_take_none() -> None:
    assert await json_object(_request(b""), empty_ok=True) == {}
