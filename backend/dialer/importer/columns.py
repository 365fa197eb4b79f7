"""Which column is what: the mapping targets, a guess from the header names in our users'
languages (else from values that look like phone numbers), header signatures for saved
mappings, and the `COLUMN=FIELD,...` spelling the CLI and API accept.

Pure: takes headers and sample values, returns a mapping. Saving mappings is the pipeline's job.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Callable, Iterable, Sequence

PHONE, ALT_PHONE, NAME, EXTERNAL_ID = "phone", "alt_phone", "name", "external_id"
TIMEZONE, CALLER_ID, CALLER_ID_POOL, DIAL_PROFILE = "timezone", "caller_id", "caller_id_pool", "dial_profile"
IGNORE, CUSTOM = "ignore", "custom:"
# Targets a single column may take, in the order the mapping step lists them.
TARGETS = (PHONE, ALT_PHONE, NAME, EXTERNAL_ID, TIMEZONE, CALLER_ID, CALLER_ID_POOL, DIAL_PROFILE, IGNORE)
TARGET_LABELS = {
    PHONE: "Phone (required)", ALT_PHONE: "Alternate phone", NAME: "Name", EXTERNAL_ID: "External ID",
    TIMEZONE: "Time zone", CALLER_ID: "Caller ID", CALLER_ID_POOL: "Caller-ID pool",
    DIAL_PROFILE: "Dial profile", IGNORE: "Ignore",
}
_SINGLE = {PHONE, EXTERNAL_ID, TIMEZONE, CALLER_ID, CALLER_ID_POOL, DIAL_PROFILE}

Mapping = dict[str, str]  # column label -> target


class MappingError(ValueError):
    """A mapping a person wrote or chose cannot be used; the message says what to change."""


def _key(text: str) -> str:
    """'Telefonní číslo 2' -> 'telefonnicislo2': no case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l").replace("ß", "ss"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def _keys(*words: str) -> frozenset[str]:
    return frozenset(_key(w) for w in words)


# Header names seen in Czech, Slovak, Polish, German, English (and a few Romance) exports.
_EXACT: dict[str, frozenset[str]] = {
    CALLER_ID: _keys("caller id", "callerid", "cli", "clip", "caller number", "presented number",
                     "odchozí číslo", "číslo volajícího", "zobrazované číslo", "numer dzwoniącego"),
    CALLER_ID_POOL: _keys("caller id pool", "callerid pool", "cli pool", "pool", "sada čísel", "pula numerów"),
    DIAL_PROFILE: _keys("dial profile", "profile", "dialing profile", "profil", "profil volání",
                        "profil vytáčení", "profil dzwonienia"),
    TIMEZONE: _keys("timezone", "time zone", "tz", "časové pásmo", "časová zóna", "strefa czasowa",
                    "zeitzone", "fuseau horaire"),
    EXTERNAL_ID: _keys("id", "external id", "externalid", "ext id", "customer id", "client id", "crm id",
                       "contact id", "reference", "ref", "kód", "kod", "code", "identifikátor", "id zákazníka",
                       "id klienta", "číslo zákazníka", "číslo klienta", "zákaznické číslo", "kód zákazníka",
                       "identyfikator", "nr klienta", "numer klienta", "id klienta", "kod klienta",
                       "kundennummer", "kunden id", "evidenční číslo", "ič", "ico", "ičo"),
    NAME: _keys("name", "full name", "fullname", "contact", "contact name", "customer", "client",
                "first name", "firstname", "given name", "last name", "lastname", "surname", "family name",
                "jméno", "jmeno", "příjmení", "prijmeni", "jméno a příjmení", "celé jméno", "kontakt",
                "zákazník", "klient", "název", "meno", "priezvisko", "meno a priezvisko",
                "imię", "imie", "nazwisko", "imię i nazwisko", "klient", "nazwa",
                "vorname", "nachname", "nombre", "apellido", "nom", "prénom", "cognome", "nome"),
    PHONE: _keys("phone", "telephone", "tel", "tel.", "phone number", "telephone number", "number", "msisdn",
                 "mobile", "mobile phone", "mobile number", "cell", "cellphone", "cell phone", "gsm",
                 "telefon", "telefón", "telefonní číslo", "tel. číslo", "telefonni cislo", "číslo", "cislo",
                 "mobil", "mobilní", "mobilní telefon", "mobilní číslo", "tel číslo", "telefónne číslo",
                 "numer", "numer telefonu", "nr telefonu", "nr tel", "telefon komórkowy", "komórka",
                 "telefonnummer", "rufnummer", "handy", "handynummer", "teléfono", "telefono", "téléphone",
                 "portable", "numéro", "numero", "celular"),
}
# Contains-rules for longer headers ("Telefon domů", "Mobile 2", "Tel. zákazníka").
_PHONE_WORDS = ("phone", "telef", "mobil", "gsm", "msisdn", "komork", "handy", "cell")
_ALT_WORDS = ("alt", "second", "other", "druh", "dalsi", "jiny", "inny", "drug", "dodatk", "home", "work",
              "domu", "domac", "prac", "sluzb", "zam", "privat", "fax")


def _guess_one(label: str) -> str | None:
    key = _key(label)
    if not key:
        return None
    for target, names in _EXACT.items():
        if key in names:
            return target
    bare = key.rstrip("0123456789")
    if bare != key and bare in _EXACT[PHONE] | _keys("tel", "telefon", "mobil", "phone", "numer"):
        return ALT_PHONE if key[len(bare):] not in {"", "1"} else PHONE
    if (key.startswith("tel") or any(w in key for w in _PHONE_WORDS)) and "typ" not in key:
        return ALT_PHONE if any(w in key for w in _ALT_WORDS) else PHONE
    return None


def column_labels(header: Sequence[str]) -> list[str]:
    """Unique, non-empty labels for the header cells ('Column 3', 'Name (2)')."""
    labels: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(header, start=1):
        base = " ".join(cell.split()) or f"Column {i}"
        label, n = base, 2
        while label.casefold() in seen:
            label, n = f"{base} ({n})", n + 1
        seen.add(label.casefold())
        labels.append(label)
    return labels


def header_signature(labels: Iterable[str]) -> str:
    """A hash of the normalised headers: files 'of the same shape' share it."""
    joined = "\x1f".join(_key(label) for label in labels)
    return hashlib.sha256(joined.encode()).hexdigest()


def guess_mapping(labels: Sequence[str], samples: Sequence[Sequence[str]],
                  looks_like_phone: Callable[[str], bool]) -> Mapping:
    """Every column mapped: known header names first, else the column whose values look like
    phone numbers becomes the phone; the rest are custom fields shown to the agent."""
    mapping: Mapping = {}
    for label in labels:
        target = _guess_one(label)
        if target in _SINGLE and target in mapping.values():
            target = ALT_PHONE if target == PHONE else None
        mapping[label] = target or CUSTOM + label
    if PHONE not in mapping.values():
        promoted = next((label for label in labels if mapping[label] == ALT_PHONE), None)
        promoted = promoted or _phone_by_values(labels, samples, looks_like_phone, mapping)
        if promoted:
            mapping[promoted] = PHONE
    return mapping


def _phone_by_values(labels: Sequence[str], samples: Sequence[Sequence[str]],
                     looks_like_phone: Callable[[str], bool], mapping: Mapping) -> str | None:
    best, best_share = None, 0.6  # at least 60 % of the filled cells must be phone numbers
    for i, label in enumerate(labels):
        if not mapping[label].startswith(CUSTOM):
            continue
        values = [row[i] for row in samples if i < len(row) and row[i].strip()]
        if not values or not any(ch.isdigit() for ch in values[0]):
            continue
        share = sum(1 for v in values if looks_like_phone(v)) / len(values)
        if share > best_share:
            best, best_share = label, share
    return best


def check_target(target: str) -> str:
    target = target.strip()
    if target in TARGETS:
        return target
    if target.startswith(CUSTOM) and target[len(CUSTOM):].strip():
        return CUSTOM + target[len(CUSTOM):].strip()
    raise MappingError(f"unknown field {target!r}; use one of {', '.join(TARGETS)} or custom:NAME")


def check_mapping(mapping: Mapping, labels: Sequence[str]) -> Mapping:
    """The mapping completed for every column (unmapped columns become custom fields), or why not."""
    known = {label.casefold(): label for label in labels}
    result: Mapping = {label: CUSTOM + label for label in labels}
    for column, target in mapping.items():
        label = known.get(column.strip().casefold())
        if label is None:
            raise MappingError(f"the file has no column {column!r}; its columns are: {', '.join(labels)}")
        result[label] = check_target(target)
    chosen = list(result.values())
    for single in _SINGLE:
        if chosen.count(single) > 1:
            raise MappingError(f"only one column can be {TARGET_LABELS[single]!r}")
    if PHONE not in chosen:
        raise MappingError("no column is mapped to the phone number; choose one "
                           f"(columns: {', '.join(labels)})")
    return result


def parse_mapping_spec(spec: str) -> Mapping:
    """'Telefon=phone, Jméno=name, Pozn.=custom:Note' -> a mapping (columns may be quoted)."""
    mapping: Mapping = {}
    for part in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", spec):
        if not part.strip():
            continue
        column, sep, target = part.rpartition("=")
        if not sep or not column.strip():
            raise MappingError(f"mapping part {part.strip()!r} is not COLUMN=FIELD")
        mapping[column.strip().strip('"')] = check_target(target)
    if not mapping:
        raise MappingError("the mapping is empty; write COLUMN=FIELD pairs separated by commas")
    return mapping
