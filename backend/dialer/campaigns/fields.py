"""Declarative settings fields: parse and validate what an admin form or an API body says.

One `Field` describes a setting once — label, kind, limits, and the campaign modes where it
matters — so a form, its server-side check and its error messages cannot drift apart.
Pure: no database (references to other rows are checked by the services that save).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable, Mapping, Sequence

import phonenumbers

from dialer.scheduling.zones import zone_named

# text, textarea, int, float, bool, choice, multi (several choices), ref (id of a row), refs (ids),
# list (of words), json (an object), timezone, phone (E.164 or empty)
KINDS = frozenset({"text", "textarea", "int", "float", "bool", "choice", "multi", "ref", "refs", "list", "json",
                   "timezone", "phone"})
_TRUE = frozenset({"on", "true", "1", "yes"})
_FALSE = frozenset({"", "off", "false", "0", "no"})


class Invalid(ValueError):
    """A value that does not fit its field; the message is for a person."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"
    required: bool = False
    min: float | None = None
    max: float | None = None
    max_length: int = 200
    choices: tuple[str, ...] = ()  # for "choice": the allowed values
    help: str = ""
    modes: tuple[str, ...] = ()  # campaign modes where the field matters; () = every mode
    pacers: tuple[str, ...] = ()  # predictive pacers that read the field; () = every pacer
    section: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind

    @property
    def html_type(self) -> str:
        return {"int": "number", "float": "number"}.get(self.kind, "text")


def _text(field: Field, raw: Any) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise Invalid("Text expected.")
    value = raw.strip()
    if "\x00" in value:  # PostgreSQL cannot store it; nobody means it
        raise Invalid("Text may not contain NUL characters.")
    if len(value) > field.max_length:
        raise Invalid(f"At most {field.max_length} characters.")
    return value


def _number(field: Field, raw: Any) -> int | float | None:
    if isinstance(raw, bool):
        raise Invalid("A number expected.")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    whole = field.kind == "int"
    try:
        if isinstance(raw, str):
            value: int | float = int(raw.strip()) if whole else float(raw.strip().replace(",", "."))
        elif whole and isinstance(raw, int):
            value = raw
        elif not whole and isinstance(raw, (int, float)):
            value = float(raw)
        else:
            raise ValueError
    except ValueError:
        raise Invalid("A whole number expected." if whole else "A number expected.") from None
    if value != value or value in (float("inf"), float("-inf")):  # NaN and infinities
        raise Invalid("A finite number expected.")
    if field.min is not None and value < field.min:
        raise Invalid(f"At least {_show(field.min)}.")
    if field.max is not None and value > field.max:
        raise Invalid(f"At most {_show(field.max)}.")
    return value


def _show(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    if raw is None:
        return False
    raise Invalid("Yes or no expected.")


def _ref(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise Invalid("Choose one of the options.")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise Invalid("Choose one of the options.") from None
    if value < 1 or value > 2**31 - 1:
        raise Invalid("Choose one of the options.")
    return value


def _words(field: Field, raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        items = [w.strip() for w in raw.replace("\n", ",").split(",")]
    elif isinstance(raw, list) and all(isinstance(w, str) for w in raw):
        items = [w.strip() for w in raw]
    else:
        raise Invalid("A list of words expected.")
    items = [w for w in items if w]
    if any(len(w) > 64 or "\x00" in w for w in items) or len(items) > 100:
        raise Invalid("At most 100 items of 64 characters each (no NUL characters).")
    return list(dict.fromkeys(items))  # keep order, drop repeats


def _json_object(raw: Any) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise Invalid(f"Not valid JSON: {exc.msg} at character {exc.pos}.") from None
    if not isinstance(raw, dict):
        raise Invalid("A JSON object ({...}) expected.")
    text = json.dumps(raw)
    if "\\u0000" in text or len(text) > 20_000:
        raise Invalid("At most 20,000 characters of JSON, without NUL characters.")
    return raw


def valid_timezone(name: str) -> bool:
    return zone_named(name) is not None


def normalise_phone(raw: str, region: str | None = None) -> str:
    """E.164 for a number as people write it (national with `region`, or +international)."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > 40:
        raise Invalid("A phone number expected.")
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        hint = "" if region or text.startswith(("+", "00")) else " (without a region, write it as +country…)"
        raise Invalid(f"{text!r} is not a phone number{hint}.") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(f"{text!r} is not a valid number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_value(field: Field, raw: Any) -> Any:
    """The stored value of one field, or `Invalid`."""
    kind = field.kind
    if kind in ("text", "textarea"):
        value: Any = _text(field, raw)
    elif kind in ("int", "float"):
        value = _number(field, raw)
    elif kind == "bool":
        return _bool(raw)
    elif kind == "choice":
        value = _text(field, raw)
        if value and value not in field.choices:
            raise Invalid(f"Choose one of: {', '.join(field.choices)}.")
    elif kind == "multi":
        items = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        if not all(isinstance(i, str) and i in field.choices for i in items):
            raise Invalid(f"Choose among: {', '.join(field.choices)}.")
        value = [c for c in field.choices if c in items]
    elif kind == "ref":
        value = _ref(raw)
    elif kind == "refs":
        items = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        value = sorted({v for v in (_ref(i) for i in items) if v is not None})
    elif kind == "list":
        value = _words(field, raw)
    elif kind == "json":
        value = _json_object(raw)
    elif kind == "timezone":
        value = _text(field, raw)
        if value and not valid_timezone(value):
            raise Invalid(f"{value!r} is not a time zone; write it like Europe/Prague or America/New_York.")
    else:  # phone
        value = _text(field, raw)
        value = normalise_phone(value) if value else ""
    if field.required and value in (None, "", [], {}):
        raise Invalid("Required.")
    return value


def clean(fields: Sequence[Field], data: Mapping[str, Any], *,
          partial: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, errors by field name). With `partial`, fields absent from `data` are left out."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        if partial and field.name not in data:
            continue
        try:
            values[field.name] = parse_value(field, data.get(field.name))
        except Invalid as exc:
            errors[field.name] = str(exc)
    return values, errors


def form_data(form: Any, fields: Iterable[Field]) -> dict[str, Any]:
    """A submitted HTML form as raw values: lists for multi-selects, absent checkboxes False."""
    data: dict[str, Any] = {}
    for field in fields:
        if field.kind in ("refs", "multi"):
            data[field.name] = list(form.getlist(field.name))
        elif field.kind == "bool":
            data[field.name] = field.name in form
        else:
            data[field.name] = form.get(field.name, "")
    return data


def display_values(fields: Iterable[Field], record: Any) -> dict[str, Any]:
    """What a form shows for a saved record: the raw text an admin would type."""
    shown: dict[str, Any] = {}
    for field in fields:
        value = getattr(record, field.name + "_id" if field.kind == "ref" else field.name, None)
        shown[field.name] = to_display(field, value)
    return shown


def to_display(field: Field, value: Any) -> Any:
    if isinstance(value, Enum):
        value = value.value
    if field.kind == "list":
        return ", ".join(value or [])
    if field.kind == "json":
        return json.dumps(value or {}, ensure_ascii=False, indent=1)
    if field.kind in ("bool", "refs", "multi"):
        return value
    return "" if value is None else value

