"""One CSV record to one contact row for the database, or the reason it cannot be one.

Pure and hot (a million calls per big file): no I/O, no ORM, plain tuples out. Values are
kept as given, including ones starting with `=`, `+`, `-`, `@`: escaping formulas is the
exporter's job (`importer.escape` for our own errors file).
"""

from __future__ import annotations

import json
import json.encoder
import zoneinfo
from dataclasses import dataclass, field
from typing import Callable, Mapping as TMapping, Sequence

from dialer.importer import columns as c
from dialer.importer.phones import PhoneNormaliser

# Column widths of the contact table (models/contacts.py).
NAME_MAX, EXTERNAL_ID_MAX, TIMEZONE_MAX = 200, 128, 64

# phone, alt_phones (JSON), name, external_id, custom_fields (JSON), timezone, caller_id,
# caller_id_pool_id, dial_profile_id: the order both database writers expect.
ContactRow = tuple[str, str, str, "str | None", str, str, str, "int | None", "int | None"]

# JSON string literal of a str, in C (json's own helper; keeps non-ASCII text readable).
_quote: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Defaults:
    """Per-import values a row's own column overrides."""

    caller_id: str = ""  # E.164
    caller_id_pool_id: int | None = None
    dial_profile_id: int | None = None


@dataclass(frozen=True)
class Lookups:
    """Names (and ids) of pools and profiles a row may name, case-insensitive."""

    pools: TMapping[str, int] = field(default_factory=dict)
    profiles: TMapping[str, int] = field(default_factory=dict)


def _timezones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


class RowBuilder:
    """Built once per import from the column labels and the confirmed mapping."""

    def __init__(self, labels: Sequence[str], mapping: c.Mapping, phones: PhoneNormaliser,
                 defaults: Defaults = Defaults(), lookups: Lookups = Lookups()) -> None:
        index = {label: i for i, label in enumerate(labels)}
        by_target: dict[str, list[int]] = {}
        self.custom: list[tuple[int, str]] = []
        for label, target in mapping.items():
            if target.startswith(c.CUSTOM):
                self.custom.append((index[label], target[len(c.CUSTOM):]))
            elif target != c.IGNORE:
                by_target.setdefault(target, []).append(index[label])
        self.columns = len(labels)
        self.phone = by_target[c.PHONE][0]
        self.alt = by_target.get(c.ALT_PHONE, [])
        self.names = by_target.get(c.NAME, [])
        self.external_id = by_target.get(c.EXTERNAL_ID, [None])[0]
        self.timezone = by_target.get(c.TIMEZONE, [None])[0]
        self.caller_id = by_target.get(c.CALLER_ID, [None])[0]
        self.pool = by_target.get(c.CALLER_ID_POOL, [None])[0]
        self.profile = by_target.get(c.DIAL_PROFILE, [None])[0]
        self.normalise = phones.normalise
        self.phones = phones
        self.defaults = defaults
        self.lookups = lookups
        self._zones = _timezones() if self.timezone is not None else {}
        # Rows are padded to the header's width so that short (ragged) rows index safely.
        self._pad = [""] * self.columns
        self._build = self._compile()

    def build(self, fields: list[str]) -> ContactRow | str:
        """The row, or the reason (a str) it is refused."""
        return self._build(fields)

    def _compile(self) -> Callable[[list[str]], ContactRow | str]:
        # The hot loop of an import: everything it needs is bound to a local name, and the
        # JSON of alternate phones and custom fields is assembled from pre-encoded keys
        # (json.dumps per row costs as much as the rest of the row).
        columns, pad = self.columns, self._pad
        phone_i, alt_is, name_is = self.phone, self.alt, self.names
        ext_i, tz_i, cid_i, pool_i, profile_i = self.external_id, self.timezone, self.caller_id, self.pool, self.profile
        normalise, why = self.normalise, self.phones.why_invalid
        zones, pools, profiles = self._zones, self.lookups.pools, self.lookups.profiles
        default_cid = self.defaults.caller_id
        default_pool, default_profile = self.defaults.caller_id_pool_id, self.defaults.dial_profile_id
        custom = [(i, _quote(key) + ":") for i, key in self.custom]
        one_name = name_is[0] if len(name_is) == 1 else None
        simple = ext_i is None and tz_i is None and cid_i is None and pool_i is None and profile_i is None

        def build(fields: list[str]) -> ContactRow | str:
            n = len(fields)
            if n != columns:
                if n > columns:
                    if any(v.strip() for v in fields[columns:]):
                        return (f"{n} fields where the header has {columns}: check the delimiter and "
                                "that values containing it are quoted")
                    fields = fields[:columns]
                else:
                    fields = fields + pad[n:]
            raw_phone = fields[phone_i]
            phone = normalise(raw_phone) if raw_phone else None
            if phone is None:
                return why(raw_phone)
            alt_json = "[]"
            if alt_is:
                alt: list[str] = []
                for i in alt_is:
                    value = fields[i]
                    if value and not value.isspace():
                        number = normalise(value)
                        if number is None:
                            return "alternate " + why(value)
                        if number != phone and number not in alt:
                            alt.append(number)
                if alt:
                    alt_json = '["' + '","'.join(alt) + '"]'  # E.164 needs no escaping
            if one_name is not None:
                name = fields[one_name].strip()
            elif name_is:
                name = " ".join([v for v in [fields[i].strip() for i in name_is] if v])
            else:
                name = ""
            if len(name) > NAME_MAX:
                return f"name longer than {NAME_MAX} characters"
            parts = [key + _quote(v) for i, key in custom if (v := fields[i].strip())]
            custom_json = "{" + ",".join(parts) + "}" if parts else "{}"
            if simple:
                return (phone, alt_json, name, None, custom_json, "", default_cid, default_pool, default_profile)
            external_id = None
            if ext_i is not None:
                external_id = fields[ext_i].strip() or None
                if external_id and len(external_id) > EXTERNAL_ID_MAX:
                    return f"external id longer than {EXTERNAL_ID_MAX} characters"
            timezone = ""
            if tz_i is not None and (tz := fields[tz_i].strip()):
                timezone = zones.get(tz.casefold(), "")
                if not timezone:
                    return f"unknown time zone {tz[:64]!r} (use names like Europe/Prague)"
            caller_id = default_cid
            if cid_i is not None and (raw := fields[cid_i].strip()):
                caller_id = normalise(raw) or ""
                if not caller_id:
                    return "caller ID: " + why(raw)
            pool = default_pool
            if pool_i is not None and (value := fields[pool_i].strip()):
                pool = pools.get(value.casefold())
                if pool is None:
                    return f"no caller-ID pool named {value[:100]!r}"
            profile = default_profile
            if profile_i is not None and (value := fields[profile_i].strip()):
                profile = profiles.get(value.casefold())
                if profile is None:
                    return f"no dial profile named {value[:100]!r}"
            return (phone, alt_json, name, external_id, custom_json, timezone, caller_id, pool, profile)

        return build
