"""Column guessing in our users' languages, mapping checks and the COLUMN=FIELD spelling."""

from __future__ import annotations

import pytest

from dialer.importer import columns as c


def looks_like_phone(value: str) -> bool:
    return sum(ch.isdigit() for ch in value) >= 9


@pytest.mark.parametrize("headers,expected", [
    (["Jméno", "Příjmení", "Telefon", "Mobil 2", "Poznámka"],
     ["name", "name", "phone", "alt_phone", "custom:Poznámka"]),
    (["Imię", "Nazwisko", "Numer telefonu", "Telefon domowy", "ID klienta"],
     ["name", "name", "phone", "alt_phone", "external_id"]),
    (["Meno", "Telefónne číslo", "Časové pásmo", "Profil"], ["name", "phone", "timezone", "dial_profile"]),
    (["Name", "Phone", "Phone 2", "Caller ID", "Pool", "Customer ID"],
     ["name", "phone", "alt_phone", "caller_id", "caller_id_pool", "external_id"]),
    (["číslo", "číslo zákazníka"], ["phone", "external_id"]),
    (["Telefon domů"], ["phone"]),  # the only phone column is the phone
])
def test_guesses_by_header_names(headers: list[str], expected: list[str]) -> None:
    labels = c.column_labels(headers)
    mapping = c.guess_mapping(labels, [], looks_like_phone)
    assert [mapping[label] for label in labels] == expected


def test_guesses_the_phone_by_its_values_when_no_header_says_so() -> None:
    labels = ["A", "B", "C"]
    rows = [["Jan", "601123456", "x"], ["Eva", "602 123 456", "y"], ["Petr", "", "z"]]
    assert c.guess_mapping(labels, rows, looks_like_phone)["B"] == "phone"


def test_labels_are_unique_and_never_empty() -> None:
    assert c.column_labels(["Name", "", "name", " Name "]) == ["Name", "Column 2", "name (2)", "Name (3)"]


def test_signature_ignores_case_and_accents_but_not_columns() -> None:
    assert c.header_signature(["Jméno", "Telefon"]) == c.header_signature(["JMENO", "telefon"])
    assert c.header_signature(["Jméno", "Telefon"]) != c.header_signature(["Telefon", "Jméno"])


def test_check_mapping_completes_and_refuses() -> None:
    labels = ["Tel", "Note"]
    assert c.check_mapping({"tel": "phone"}, labels) == {"Tel": "phone", "Note": "custom:Note"}
    with pytest.raises(c.MappingError, match="no column 'Fax'"):
        c.check_mapping({"Fax": "phone"}, labels)
    with pytest.raises(c.MappingError, match="phone"):
        c.check_mapping({"Tel": "name"}, labels)
    with pytest.raises(c.MappingError, match="unknown field"):
        c.check_mapping({"Tel": "telephone"}, labels)


def test_mapping_spec() -> None:
    assert c.parse_mapping_spec('Telefon=phone, "Jméno, příjmení"=name,Pozn.=custom:Note') == {
        "Telefon": "phone", "Jméno, příjmení": "name", "Pozn.": "custom:Note"}
    with pytest.raises(c.MappingError):
        c.parse_mapping_spec("Telefon")
