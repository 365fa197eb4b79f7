"""Phone numbers to E.164 with `phonenumbers`, fast enough for a million rows.

`phonenumbers.parse` + `is_valid_number` cost about 27 µs a number; a list of a million
takes 25 s that way (DATA-LAYER.md). The fast path here handles the shapes real lists are
made of (digits with spaces, `+CC...`, `00CC...`, national numbers of the default region)
with one precompiled regular expression per country and number length, built from the
same `phonenumbers` metadata, and accepts a number only when that metadata says it is
valid. Anything else, or anything the fast path would call invalid, goes to the full
`phonenumbers` parse, so the two never disagree on a number we store.
"""

from __future__ import annotations

import re
from typing import Callable

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberFormat, ValidationResult

# Separators people type inside numbers: spaces (also non-breaking), dashes, dots, slashes,
# brackets. "(0)" in "+44 (0)20 ..." is left to the slow path, which strips the trunk zero.
_SEPARATORS = str.maketrans("", "", " \t-./()\u00a0\u202f\u2009\u2010\u2011\u2012\u2013")
_PLAIN_PREFIXES = re.compile(r"\d+(?:\|\d+)*")
_SLOW_CACHE_MAX = 50_000

_CC_REGIONS: dict[str, tuple[str, ...]] = {
    str(cc): tuple(regions) for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
}

Checker = Callable[[str], bool]


def _type_descs(md: PhoneMetadata) -> list:
    return [d for d in (md.premium_rate, md.toll_free, md.shared_cost, md.voip, md.personal_number,
                        md.pager, md.uan, md.voicemail, md.fixed_line, md.mobile)
            if d is not None and d.national_number_pattern]


def _region_checker(md: PhoneMetadata) -> Checker:
    """True when a national significant number is valid in this region (phonenumbers' rules:
    the general pattern and length, and at least one number type's pattern and length)."""
    general = md.general_desc
    if general is None or not general.national_number_pattern:
        return lambda nsn: False
    by_length: dict[int, re.Pattern[str]] = {}
    for length in general.possible_length:
        alternatives = [d.national_number_pattern for d in _type_descs(md)
                        if not d.possible_length or length in d.possible_length]
        if alternatives:
            by_length[length] = re.compile(
                rf"(?=(?:{general.national_number_pattern})\Z)(?:{'|'.join(f'(?:{a})' for a in alternatives)})")
    if not general.possible_length:  # no length data: fall back to the patterns alone
        alternatives = [d.national_number_pattern for d in _type_descs(md)]
        either = "|".join(f"(?:{a})" for a in alternatives)
        pattern = re.compile(rf"(?=(?:{general.national_number_pattern})\Z)(?:{either})")
        return lambda nsn: pattern.fullmatch(nsn) is not None

    def check(nsn: str) -> bool:
        pattern = by_length.get(len(nsn))
        return pattern is not None and pattern.fullmatch(nsn) is not None

    return check


def _country_checker(cc: str) -> Checker | None:
    regions = _CC_REGIONS.get(cc)
    if not regions:
        return None
    if regions == ("001",):
        md = PhoneMetadata.metadata_for_nongeo_region(int(cc))
        return _region_checker(md) if md else None
    if len(regions) == 1:
        md = PhoneMetadata.metadata_for_region(regions[0])
        return _region_checker(md) if md else None
    # Shared country codes (+1, +7, +44...): the first region whose leading digits match
    # decides, else the first region where the number is valid (as phonenumbers does).
    steps: list[tuple[re.Pattern[str] | None, Checker]] = []
    for region in regions:
        md = PhoneMetadata.metadata_for_region(region)
        if md is not None:
            steps.append((re.compile(md.leading_digits) if md.leading_digits else None, _region_checker(md)))

    def check(nsn: str) -> bool:
        for leading, valid in steps:
            if leading is not None:
                if leading.match(nsn):
                    return valid(nsn)
            elif valid(nsn):
                return True
        return False

    return check


class PhoneNormaliser:
    """Turns what people type into E.164 (`+420601123456`) or None, for one default region."""

    def __init__(self, region: str) -> None:
        region = region.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown region {region!r}: use a two-letter country code such as CZ, SK, PL")
        self.region = region
        md = PhoneMetadata.metadata_for_region(region)
        assert md is not None
        self._cc = str(md.country_code)
        # The region's own international prefix, when it is a plain string (CZ "00", US "011").
        self._idd = md.international_prefix if md.international_prefix and md.international_prefix.isdigit() else ""
        prefixes = md.national_prefix_for_parsing
        self._trunk: tuple[str, ...] | None = ()
        if prefixes and (md.national_prefix_transform_rule or not _PLAIN_PREFIXES.fullmatch(prefixes)):
            self._trunk = None  # rules too rich for the fast path: national numbers go slow
        elif prefixes:
            self._trunk = tuple(prefixes.split("|"))
        self._checkers: dict[str, Checker | None] = {}
        self._slow_cache: dict[str, str | None] = {}
        # Most numbers of a list are of its own country: check those first, without the loop.
        self._home = _country_checker(self._cc) or (lambda nsn: False)

    def _valid_international(self, digits: str) -> bool:
        for n in (1, 2, 3):
            cc = digits[:n]
            if cc in _CC_REGIONS:  # country codes are prefix-free: at most one matches
                checker = self._checkers.get(cc, False)
                if checker is False:
                    checker = self._checkers[cc] = _country_checker(cc)
                return checker is not None and checker(digits[n:])
        return False

    def _national(self, digits: str) -> str | None:
        """E.164 digits for a national number of the default region, when the fast path can tell."""
        if self._trunk is None:
            return None
        checker = self._home
        for prefix in self._trunk:
            if digits.startswith(prefix) and checker(digits[len(prefix):]):
                return self._cc + digits[len(prefix):]
        return self._cc + digits if checker(digits) else None

    def normalise(self, raw: str) -> str | None:
        """E.164 for a valid number, else None (see `why_invalid` for the reason)."""
        s = raw.translate(_SEPARATORS)
        if not s.isascii():
            return self._slow(raw)
        if s[:1] == "+":
            digits = s[1:]
        elif s[:2] == "00":
            digits = s[2:]
        elif self._idd and s.startswith(self._idd):
            digits = s[len(self._idd):]
        elif s.isdigit():
            national = self._national(s)
            return "+" + national if national else self._slow(raw)
        else:
            return self._slow(raw)
        cc = self._cc
        if digits.startswith(cc) and self._home(digits[len(cc):]) and digits.isdigit():
            return "+" + digits
        if digits.isdigit() and self._valid_international(digits):
            return "+" + digits
        return self._slow(raw)

    def _prepared(self, raw: str) -> str:
        # The trap (DATA-LAYER.md): with a default region, "0044..." parses without error to
        # an invalid "+10044..."; a leading 00 is an international prefix in most of the world.
        s = raw.strip()
        compact = s.translate(_SEPARATORS)
        if compact.startswith("00") and compact[2:3].isdigit() and compact[2:3] != "0":
            return "+" + compact[2:]
        return s

    def _slow(self, raw: str) -> str | None:
        cached = self._slow_cache.get(raw, "")
        if cached != "":
            return cached
        try:
            number = phonenumbers.parse(self._prepared(raw), self.region)
            result = (phonenumbers.format_number(number, PhoneNumberFormat.E164)
                      if phonenumbers.is_valid_number(number) else None)
        except NumberParseException:
            result = None
        if len(self._slow_cache) >= _SLOW_CACHE_MAX:
            self._slow_cache.clear()
        self._slow_cache[raw] = result
        return result

    def why_invalid(self, raw: str) -> str:
        """A short reason a person understands; called only for numbers `normalise` refused."""
        shown = raw.strip()
        if not shown:
            return "no phone number"
        if len(shown) > 40:
            shown = shown[:37] + "..."
        try:
            number = phonenumbers.parse(self._prepared(raw), self.region)
        except NumberParseException as exc:
            if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
                return f"phone {shown!r}: unknown country code"
            if exc.error_type == NumberParseException.NOT_A_NUMBER:
                return f"phone {shown!r}: not a phone number"
            return f"phone {shown!r}: too short or too long"
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason in (ValidationResult.TOO_SHORT, ValidationResult.INVALID_LENGTH):
            return f"phone {shown!r}: too short for {self._where(number)}"
        if reason == ValidationResult.TOO_LONG:
            return f"phone {shown!r}: too long for {self._where(number)}"
        return f"phone {shown!r}: not a valid number in {self._where(number)}"

    @staticmethod
    def _where(number: phonenumbers.PhoneNumber) -> str:
        region = phonenumbers.region_code_for_number(number)
        return region if region and region != "ZZ" else f"+{number.country_code}"
