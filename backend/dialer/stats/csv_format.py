"""CSV that a spreadsheet opens right in the user's language: UTF-8 with a byte-order mark
(Excel's only cue that a CSV is UTF-8; without it Czech Excel shows "LĂ©to"), the list
separator of the locale, and numbers at a fixed precision per column, with the locale's
decimal mark.

Where the decimal mark is a comma (cs, de, pl, fr...), Excel's list separator is `;`, and a
number written `28.6` would become the date 28 June: so the semicolon format also writes
decimal commas. The choice, not the writing (export.py, calls_export.py).
"""

from __future__ import annotations

import codecs
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dialer.stats.units import csv_decimals

# Languages whose Excel uses `;` between fields (their decimal mark is a comma).
SEMICOLON_LANGUAGES = frozenset(
    "cs sk pl de fr it es nl pt ru uk be hu ro sl hr sr bs mk bg da fi sv nb nn no is el tr lt lv et "
    "ca eu gl id vi az kk".split())


@dataclass(frozen=True)
class CsvFormat:
    """How one CSV file is written; `name` is what forms and the CLI pass around."""

    name: str
    delimiter: str
    decimal: str
    label: str

    def write_options(self) -> pacsv.WriteOptions:
        return pacsv.WriteOptions(delimiter=self.delimiter)


FORMATS: dict[str, CsvFormat] = {
    "semicolon": CsvFormat("semicolon", ";", ",", "Semicolon ; and decimal comma (Excel in Czech, German, Polish…)"),
    "comma": CsvFormat("comma", ",", ".", "Comma , and decimal point (Excel in English)"),
    "tab": CsvFormat("tab", "\t", ".", "Tab and decimal point"),
}
DEFAULT = FORMATS["comma"]
_ALIASES = {";": "semicolon", ",": "comma", "\t": "tab", "\\t": "tab", "tab": "tab"}


def csv_format(name: str) -> CsvFormat:
    """A format by its name (`semicolon`, `comma`, `tab`) or its delimiter (`;`, `,`); ValueError else."""
    key = name.strip().lower() if name.strip() else name
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise ValueError(f"unknown CSV delimiter {name[:20]!r}; choose from {', '.join(FORMATS)} (or ; , tab)")
    return FORMATS[key]


def for_language(accept_language: str | None) -> CsvFormat:
    """The format of the language the browser prefers (an Accept-Language header)."""
    best, best_q = "", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > best_q:
            best, best_q = tag, q
    language = best.split("-")[0].split("_")[0].lower()
    return FORMATS["semicolon"] if language in SEMICOLON_LANGUAGES else DEFAULT


def numbers_for_csv(table: pa.Table, fmt: CsvFormat) -> pa.Table:
    """Fractional columns rounded per column (no `28.597125000000002`), with the decimal mark."""
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_floating(col.type):
            # Half away from zero, as Excel rounds (arrow's default is half to even).
            col = pc.round(col, csv_decimals(name), round_mode="half_towards_infinity")
            if fmt.decimal != ".":
                col = pc.replace_substring(pc.cast(col, pa.string()), ".", fmt.decimal)
        out[name] = col
    return pa.table(out)


@contextlib.contextmanager
def csv_target(target: str | Path | IO[bytes]) -> Iterator[IO[bytes]]:
    """The target opened for bytes, its byte-order mark already written."""
    if isinstance(target, (str, Path)):
        with open(target, "wb") as f:
            f.write(codecs.BOM_UTF8)
            yield f
        return
    target.write(codecs.BOM_UTF8)
    yield target
