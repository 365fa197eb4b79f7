"""Guess a CSV file's text encoding from its bytes.

Byte-order marks first (UTF-8, UTF-16 as Excel's "Unicode text" writes it), then strict
UTF-8, then the single-byte code pages our users' spreadsheets write: Windows-1250 and
ISO-8859-2 (Czech, Slovak, Polish) or Windows-1252 (western Europe). A heuristic over a
sample, not a proof: users can always choose the encoding by hand.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

SAMPLE_BYTES = 1 << 20
_WINDOW = 1 << 16

# Encodings a user may pick; the value is the label shown in the UI.
ENCODINGS: dict[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (Excel Unicode text)",
    "cp1250": "Windows-1250 (Central European)",
    "iso-8859-2": "ISO-8859-2 (Latin-2)",
    "cp1252": "Windows-1252 (Western European)",
}


class NotText(ValueError):
    """The bytes are not a text file we can read (e.g. an Excel workbook)."""


@dataclass(frozen=True)
class DetectedEncoding:
    encoding: str  # a Python codec name; 'utf-8-sig' and 'utf-16' consume their BOM
    label: str

    @classmethod
    def of(cls, encoding: str) -> DetectedEncoding:
        return cls(encoding, ENCODINGS.get(encoding, encoding))


def check_encoding_name(name: str) -> str:
    """A codec name as Python knows it, or ValueError with the names we offer."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}; try one of: {', '.join(ENCODINGS)}") from None
    if info.name in {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1250", "cp1252",
                     "iso8859-2", "latin-1", "iso8859-1", "ascii", "cp1251", "iso8859-15", "mac-latin2",
                     "cp852"}:
        return {"iso8859-2": "iso-8859-2", "iso8859-1": "latin-1"}.get(info.name, info.name)
    raise ValueError(f"encoding {name!r} is not a text encoding for CSV files; try one of: {', '.join(ENCODINGS)}")


def read_sample(path: Path) -> bytes:
    """The first MiB, plus, when that is pure ASCII, a window where the first non-ASCII byte is.

    Many exports start with thousands of ASCII-only rows (numbers, ids) and the first accented
    name comes later: guessing from the head alone would call a Windows-1250 file UTF-8.
    """
    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES)
        if not head.isascii() or len(head) < SAMPLE_BYTES:
            return head
        while chunk := f.read(SAMPLE_BYTES):
            if chunk.isascii():
                continue
            first = next(i for i, b in enumerate(chunk) if b >= 0x80)
            # Start after a newline: a newline is never inside a multi-byte character.
            start = chunk.rfind(b"\n", 0, first) + 1
            return head + b"\n" + chunk[start:start + _WINDOW]
        return head


# How common each letter is in the languages a code page serves (rough, 0-10). A sample
# decoded with the right code page is made of common letters; with the wrong one, of rare
# letters and symbols (Czech "č" read as Windows-1252 is "è", "ř" is "ø", "š" in Latin-2 is "ą").
_CENTRAL = dict.fromkeys("áíě", 8) | dict.fromkeys("éčřšžýů", 6) | dict.fromkeys("ąęłżóś", 5) \
    | dict.fromkeys("ćńźúťďňľ", 2) | dict.fromkeys("ôäöüőűĺŕă", 1)
_WESTERN = dict.fromkeys("é", 8) | dict.fromkeys("àèäöüáíóñç", 5) | dict.fromkeys("êâôîúãõßå", 2) \
    | dict.fromkeys("ëïûùæøœÿì", 1)
_TABLES = {"cp1250": _CENTRAL, "iso-8859-2": _CENTRAL, "cp1252": _WESTERN}


def _score(text: str, table: dict[str, int]) -> float:
    score = 0.0
    for ch in text:
        if ch.isascii():
            continue
        weight = table.get(ch.lower())
        if weight is not None:
            score += weight
        elif ch.isalpha():
            score -= 1  # a letter, but not one these languages use much
        elif "\x80" <= ch <= "\x9f" or ch == "\ufffd":
            score -= 20  # C1 control characters never appear in real text
        else:
            score -= 4  # a symbol (±, ¶, ©, »...) where a letter belongs
    return score


def _looks_like_utf16(sample: bytes) -> str | None:
    even, odd = sample[0:4096:2], sample[1:4096:2]
    if len(sample) >= 4 and odd.count(0) > len(odd) * 0.6 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if len(sample) >= 4 and even.count(0) > len(even) * 0.6 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def detect_encoding(sample: bytes) -> DetectedEncoding:
    if sample.startswith(codecs.BOM_UTF8):
        return DetectedEncoding.of("utf-8-sig")
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise NotText("The file is UTF-32 text; save it as UTF-8 or UTF-16 (Excel: Unicode text).")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DetectedEncoding.of("utf-16")
    if sample.startswith(b"PK\x03\x04"):
        raise NotText("This is an Excel workbook (.xlsx) or another zip file; save it as CSV first.")
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotText("This is an old Excel workbook (.xls); save it as CSV first.")
    if utf16 := _looks_like_utf16(sample):
        return DetectedEncoding(utf16, "UTF-16 without BOM")
    # Binary files are full of NUL bytes; a CSV with a stray one imports, minus that row (the
    # reader refuses it), instead of being refused whole.
    if (nuls := sample.count(0, 0, SAMPLE_BYTES)) and nuls * 200 > min(len(sample), SAMPLE_BYTES):
        raise NotText("The file contains binary data (NUL bytes); it does not look like a CSV file.")
    if sample.isascii():
        return DetectedEncoding.of("utf-8")
    try:
        # Incremental with final=False: a sample cut inside a character is still UTF-8.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return DetectedEncoding.of("utf-8")
    except UnicodeDecodeError:
        pass
    scored = [(_score(sample.decode(enc, errors="replace"), table), -i, enc)
              for i, (enc, table) in enumerate(_TABLES.items())]
    return DetectedEncoding.of(max(scored)[2])
