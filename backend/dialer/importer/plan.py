"""Before any row is imported: the options a user gave, what the file turned out to be
(encoding, delimiter, columns, first rows), and the mapping and defaults to apply.

Everything a person can get wrong is refused here with `ImportRefused`, naming the field,
so the CLI, the API (422) and the web form all say the same thing before a job starts.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dialer.importer import columns as c
from dialer.importer.dialect import check_delimiter, detect_delimiter
from dialer.importer.encoding import DetectedEncoding, NotText, check_encoding_name, detect_encoding, read_sample
from dialer.importer.limits import MAX_COLUMNS, MAX_FILE_BYTES
from dialer.importer.phones import PhoneNormaliser
from dialer.importer.reader import Record, Unreadable, read_head
from dialer.importer.rows import Defaults, Lookups, RowBuilder
from dialer.models import CallerIdPool, DialProfile, ImportMapping
from dialer.models.ids import MAX_ID

GUESS_ROWS = 50  # rows looked at to find the phone column by its values
DEFAULT_REGION = "CZ"


class ImportRefused(ValueError):
    """The import cannot start; the message is for a person and `field` names the culprit."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose; stored in ImportJob.options. Empty means 'detect' or 'none'."""

    region: str = DEFAULT_REGION
    encoding: str = ""
    delimiter: str = ""
    mapping: dict[str, str] = field(default_factory=dict)  # column label -> target; empty: guess
    mapping_name: str = ""  # a saved ImportMapping to apply
    caller_id: str = ""
    caller_id_pool: str = ""
    dial_profile: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportOptions:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class FileShape:
    encoding: DetectedEncoding
    delimiter: str
    labels: list[str]
    sample: list[Record]  # the records after the header, up to GUESS_ROWS
    size: int


@dataclass(frozen=True)
class Plan:
    shape: FileShape
    mapping: c.Mapping
    mapping_source: str  # "given", "saved mapping 'X'" or "guessed"
    builder: RowBuilder
    region: str


def inspect_file(path: Path, encoding: str = "", delimiter: str = "") -> FileShape:
    """Detect (or check the given) encoding and delimiter and read the header and first rows."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ImportRefused(f"cannot read {path}: {exc.strerror}", "file") from None
    if size == 0:
        raise ImportRefused("The file is empty.", "file")
    if size > MAX_FILE_BYTES:
        raise ImportRefused(f"The file is {size / 2**20:,.0f} MiB; the limit is {MAX_FILE_BYTES >> 20:,} MiB. "
                            "Split it into smaller files.", "file")
    sample = read_sample(path)
    try:
        detected = DetectedEncoding.of(check_encoding_name(encoding)) if encoding else detect_encoding(sample)
        if delimiter:
            delimiter = check_delimiter(delimiter)
    except NotText as exc:
        raise ImportRefused(str(exc), "file") from None
    except ValueError as exc:
        raise ImportRefused(str(exc), "encoding" if "encoding" in str(exc) else "delimiter") from None
    if not delimiter:
        text = sample[:1 << 16].decode(detected.encoding, errors="replace").lstrip("\ufeff")
        delimiter = detect_delimiter(text)
    try:
        header, records = read_head(path, detected.encoding, delimiter, GUESS_ROWS)
    except Unreadable as exc:
        raise ImportRefused(f"The file is not {detected.label}: {exc}", "encoding") from None
    if header is None or not any(cell.strip() for cell in header):
        raise ImportRefused("The file has no header row: the first line must name the columns.", "file")
    if len(header) > MAX_COLUMNS:
        raise ImportRefused(f"The header has {len(header)} columns; the limit is {MAX_COLUMNS}. "
                            "Is the delimiter right?", "delimiter")
    return FileShape(detected, delimiter, c.column_labels(header), records, size)


async def _named(model: Any, value: str, what: str, field_name: str) -> int:
    value = value.strip()
    # Only what a row could hold is looked up: a longer name, a NUL or a number past the ids
    # would be refused by the ORM or the database driver rather than simply not found.
    name_fits = len(value) <= model._meta.fields_map["name"].max_length and "\x00" not in value
    found = await model.get_or_none(name=value) if name_fits else None
    if found is None and value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID:
        found = await model.get_or_none(id=int(value))
    if found is None:
        value = value if name_fits else value[:40] + "…"
        names = ", ".join(await model.all().limit(20).values_list("name", flat=True)) or "none yet"
        raise ImportRefused(f"There is no {what} {value!r} (existing: {names}).", field_name)
    return found.id


async def _lookups() -> Lookups:
    pools: dict[str, int] = {}
    profiles: dict[str, int] = {}
    for target, model in ((pools, CallerIdPool), (profiles, DialProfile)):
        for row_id, name in await model.all().values_list("id", "name"):
            target[name.casefold()] = row_id
            target.setdefault(str(row_id), row_id)
    return Lookups(pools=pools, profiles=profiles)


async def find_saved_mapping(labels: list[str]) -> ImportMapping | None:
    """The latest saved mapping made for files with these same headers."""
    return await ImportMapping.filter(header_signature=c.header_signature(labels)).order_by("-created_at").first()


async def choose_mapping(shape: FileShape, options: ImportOptions, phones: PhoneNormaliser) -> tuple[c.Mapping, str]:
    if options.mapping:
        mapping, source = options.mapping, "given"
    elif options.mapping_name:
        saved = await ImportMapping.get_or_none(name=options.mapping_name)
        if saved is None:
            names = ", ".join(await ImportMapping.all().limit(20).values_list("name", flat=True)) or "none yet"
            raise ImportRefused(f"There is no saved mapping {options.mapping_name!r} (saved: {names}).", "mapping")
        mapping, source = saved.mapping, f"saved mapping {saved.name!r}"
    elif saved := await find_saved_mapping(shape.labels):
        mapping, source = saved.mapping, f"saved mapping {saved.name!r}"
    else:
        rows = [r[1] for r in shape.sample if r[1]]
        mapping = c.guess_mapping(shape.labels, rows, lambda v: phones.normalise(v) is not None)
        source = "guessed"
    try:
        return c.check_mapping(mapping, shape.labels), source
    except c.MappingError as exc:
        if source == "guessed":
            raise ImportRefused(
                f"No column looks like a phone number. Map one by hand (columns: {', '.join(shape.labels)}).",
                "mapping") from None
        # "The given does not fit" read as if a word were missing: say whose mapping it is.
        whose = "mapping you chose" if source == "given" else source
        raise ImportRefused(f"The {whose} does not fit this file: {exc}", "mapping") from None


async def make_plan(path: Path, options: ImportOptions) -> Plan:
    try:
        phones = PhoneNormaliser(options.region or DEFAULT_REGION)
    except ValueError as exc:
        raise ImportRefused(str(exc), "region") from None
    shape = inspect_file(path, options.encoding, options.delimiter)
    if not shape.encoding.confident:
        # Garbled names imported silently are worse than a question: a person picks.
        raise ImportRefused(shape.encoding.doubt(), "encoding")
    mapping, source = await choose_mapping(shape, options, phones)
    caller_id = ""
    if options.caller_id.strip():
        caller_id = phones.normalise(options.caller_id) or ""
        if not caller_id:
            raise ImportRefused(f"Default caller ID: {phones.why_invalid(options.caller_id)}.", "caller_id")
    defaults = Defaults(
        caller_id=caller_id,
        caller_id_pool_id=await _named(CallerIdPool, options.caller_id_pool, "caller-ID pool", "caller_id_pool")
        if options.caller_id_pool.strip() else None,
        dial_profile_id=await _named(DialProfile, options.dial_profile, "dial profile", "dial_profile")
        if options.dial_profile.strip() else None,
    )
    builder = RowBuilder(shape.labels, mapping, phones, defaults, await _lookups())
    return Plan(shape, mapping, source, builder, phones.region)
