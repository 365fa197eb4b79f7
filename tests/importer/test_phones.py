"""E.164 normalisation: the fast path agrees with phonenumbers, and the 00 trap is closed."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from dialer.importer.phones import PhoneNormaliser


@pytest.mark.parametrize("raw,region,expected", [
    ("601 123 456", "CZ", "+420601123456"),
    ("+420 601 123 456", "CZ", "+420601123456"),
    ("00420601123456", "CZ", "+420601123456"),
    ("420601123456", "CZ", "+420601123456"),
    ("00442021714878", "US", None),  # not a UK number: +44 20 2171 4878 is invalid
    ("00442071234567", "US", "+442071234567"),  # a leading 00 is international even where IDD is 011
    ("+44 (0)20 7123 4567", "CZ", "+442071234567"),
    ("0905 123 456", "SK", "+421905123456"),
    ("500-600-700", "PL", "+48500600700"),
    ("030 1234567", "DE", "+49301234567"),
    ("12345", "CZ", None),
    ("jan@example.com", "CZ", None),
    ("", "CZ", None),
])
def test_normalises_to_e164(raw: str, region: str, expected: str | None) -> None:
    assert PhoneNormaliser(region).normalise(raw) == expected


def test_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="region"):
        PhoneNormaliser("XX")


@pytest.mark.parametrize("raw,words", [("12345", "too short"), ("+999 123", "country code"),
                                       ("601 123 45678901", "too long"), ("abc", "not a phone")])
def test_reasons_are_short_and_specific(raw: str, words: str) -> None:
    assert words in PhoneNormaliser("CZ").why_invalid(raw)


def _reference(raw: str, region: str) -> str | None:
    s = raw.replace(" ", "")
    if s.startswith("00"):
        s = "+" + s[2:]
    try:
        number = phonenumbers.parse(s, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) \
        if phonenumbers.is_valid_number(number) else None


@pytest.mark.parametrize("region", ["CZ", "SK", "PL", "DE", "US", "GB", "RU", "IT"])
def test_fast_path_agrees_with_phonenumbers(region: str) -> None:
    rng = random.Random(region)
    normaliser = PhoneNormaliser(region)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    for _ in range(600):
        example = phonenumbers.example_number(rng.choice(regions) if rng.random() < 0.5 else region)
        if example is None:
            continue
        digits = list(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)[1:])
        for _ in range(rng.randint(0, 2)):
            digits[rng.randrange(len(digits))] = rng.choice("0123456789")
        raw = rng.choice(["+", "00"]) + "".join(digits)
        if example.country_code == phonenumbers.country_code_for_region(region) and rng.random() < 0.5:
            raw = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        assert normaliser.normalise(raw) == _reference(raw, region), raw
