"""Guess a CSV file's text encoding from its bytes, and say when the guess is a doubt.

Byte-order marks first (UTF-8, UTF-16 as Excel's "Unicode text" writes it), then strict
UTF-8, then the single-byte code pages our users' spreadsheets write: Windows-1250 and
ISO-8859-2 (Czech, Slovak, Polish) or Windows-1252 (western Europe). A heuristic over a
sample, not a proof: when another code page reads the file as plausible text too (Danish
"Søren" is Czech-looking "Sřren" in Windows-1250), or none reads it as text of these
languages (Shift-JIS, Cyrillic), the guess is not `confident` and the import asks.
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
    "latin-1": "ISO-8859-1 (Latin-1)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "shift_jis": "Shift-JIS (Japanese)",
}


class NotText(ValueError):
    """The bytes are not a text file we can read (e.g. an Excel workbook)."""


@dataclass(frozen=True)
class Reading:
    """How one encoding reads the first place where the candidates disagree (a word or so)."""

    encoding: str
    label: str
    text: str


@dataclass(frozen=True)
class DetectedEncoding:
    encoding: str  # a Python codec name; 'utf-8-sig' and 'utf-16' consume their BOM
    label: str
    # False: the bytes read as plausible text in another encoding too, or in none of ours;
    # an import then waits for a person to say which (`readings` shows them the difference).
    confident: bool = True
    readings: tuple[Reading, ...] = ()  # the guess first, then the other plausible readings

    @classmethod
    def of(cls, encoding: str) -> DetectedEncoding:
        return cls(encoding, ENCODINGS.get(encoding, encoding))

    def doubt(self) -> str:
        """The doubt in one sentence, for the mapping page, the API and the CLI."""
        if len(self.readings) > 1:
            guess, *others = self.readings
            alternatives = " or ".join(f"as {r.label} \u201c{r.text}\u201d" for r in others)
            return (f"The file's encoding is uncertain: it reads as {guess.label} \u201c{guess.text}\u201d, "
                    f"or {alternatives}. Choose the encoding whose names look right.")
        return (f"The file's encoding is uncertain: it does not read as Central or Western European text "
                f"(as {self.label} it starts \u201c{self.readings[0].text if self.readings else ''}\u201d). "
                "Choose its encoding.")


def check_encoding_name(name: str) -> str:
    """A codec name as Python knows it, or ValueError with the names we offer."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}; try one of: {', '.join(ENCODINGS)}") from None
    if info.name in {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1250", "cp1252",
                     "iso8859-2", "latin-1", "iso8859-1", "ascii", "cp1251", "iso8859-15", "mac-latin2",
                     "cp852", "shift_jis", "cp932", "euc_jp", "koi8-r", "cp1253", "iso8859-7", "cp1254",
                     "iso8859-9", "gb18030", "big5", "euc_kr"}:
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
    texts = {enc: sample.decode(enc, errors="replace") for enc in _TABLES}
    scored = sorted(((_score(texts[enc], table), -i, enc) for i, (enc, table) in enumerate(_TABLES.items())),
                    reverse=True)
    return _judge(scored[0][2], texts, sample)


# A guess is confident when its reading beats every other reading that differs from it by
# this many points per differing character (a Czech file in Windows-1250 against
# Windows-1252: about 7; Danish "Søren" read as "Sřren": 2.6; French "Hélène" as "Hélčne": -1),
# and when its own text is made of these languages' letters (Shift-JIS read as Windows-1252
# is a string of symbols: below zero).
_MARGIN = 4.0
_PLAUSIBLE = 2.0


def _judge(best: str, texts: dict[str, str], sample: bytes) -> DetectedEncoding:
    guess = texts[best]
    letters = sum(1 for ch in guess if not ch.isascii())
    doubts: list[str] = []
    if _score(guess, _TABLES[best]) < _PLAUSIBLE * max(letters, 1):
        doubts.append("")
    for enc, text in texts.items():
        if enc == best or text == guess:
            continue
        # Only where the two readings differ: the letters they share say nothing.
        pairs = [(a, b) for a, b in zip(guess, text) if a != b]
        ours = _score("".join(a for a, _ in pairs), _TABLES[best])
        theirs = _score("".join(b for _, b in pairs), _TABLES[enc])
        if ours - theirs < _MARGIN * len(pairs):
            doubts.append(enc)
    if not doubts:
        return DetectedEncoding.of(best)
    others = [enc for enc in dict.fromkeys(doubts) if enc and texts[enc] != guess]
    # Code pages that read it alike need naming once (ISO-8859-2 and Windows-1250 often do).
    distinct: dict[str, str] = {}
    for enc in others:
        distinct.setdefault(texts[enc], enc)
    where = _first_difference(guess, list(distinct))
    readings = [Reading(best, ENCODINGS[best], _word(guess, where))]
    readings += [Reading(enc, ENCODINGS[enc], _word(text, where)) for text, enc in distinct.items()]
    if where < 0:  # no other code page of ours reads it differently: show where it stops being text
        where = next((i for i, ch in enumerate(guess) if not ch.isascii()), 0)
        readings = [Reading(best, ENCODINGS[best], _word(guess, where))]
    return DetectedEncoding(best, ENCODINGS[best], confident=False, readings=tuple(readings))


def _first_difference(text: str, others: list[str]) -> int:
    for i, ch in enumerate(text):
        if any(i < len(o) and o[i] != ch for o in others):
            return i
    return -1


def _word(text: str, at: int, *, width: int = 24) -> str:
    """The field around position `at`: from the delimiter or line break before to the one after."""
    if at < 0:
        return ""
    stops = ",;\t\n\r|"
    start = max((text.rfind(s, 0, at) for s in stops), default=-1) + 1
    ends = [i for i in (text.find(s, at) for s in stops) if i >= 0]
    end = min(ends) if ends else len(text)
    field = text[start:end].strip()
    return field if len(field) <= width else field[:width] + "\u2026"
