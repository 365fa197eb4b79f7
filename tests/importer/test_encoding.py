"""Encoding detection: BOMs, UTF-8, and telling the Central European code pages from the Western one."""

from __future__ import annotations

import codecs

import pytest

from dialer.importer.encoding import NotText, detect_encoding, read_sample

CZECH = "Jméno;Telefon;Poznámka\nJiří Šťastný;601123456;Žluťoučký kůň úpěl ďábelské ódy\nŘehoř;602000111;čeština\n"
POLISH = "Imię;Nazwisko;Telefon\nŁukasz;Świątek;500600700\nZażółć;gęślą jaźń;600100200\n"
FRENCH = "nom,téléphone\nFrançois Lefèvre,0601020304\nHélène à Besançon,0102030405\n"


@pytest.mark.parametrize("text,encoding", [
    (CZECH, "utf-8"), (CZECH, "cp1250"), (CZECH, "iso-8859-2"), (POLISH, "cp1250"), (POLISH, "iso-8859-2"),
    (POLISH, "utf-8"), (FRENCH, "cp1252"), (FRENCH, "utf-8"),
])
def test_detects_the_encoding_it_was_written_in(text: str, encoding: str) -> None:
    raw = text.encode(encoding)
    detected = detect_encoding(raw)
    assert raw.decode(detected.encoding) == text
    # French in Windows-1252 reads as plausible Central European too ("Lefčvre"): a doubt, said.
    assert detected.confident == (text is not FRENCH or encoding == "utf-8")


@pytest.mark.parametrize("text, encoding, guess, other", [
    ("Navn,Tlf\nSøren Ærø,1\nÅse,2\n", "cp1252", "Sřren Ćrř", "Søren Ærø"),  # Latin-1 read as CP1250
    ("name,phone\nHélène Dupont,1\n", "cp1252", "Hélène Dupont", "Hélčne Dupont"),
    ("jmeno;tel\nšimon žák;1\n", "iso-8859-2", "šimon žák", "ąimon ľák"),
])
def test_a_close_call_between_code_pages_is_a_doubt_that_shows_both_readings(
        text: str, encoding: str, guess: str, other: str) -> None:
    detected = detect_encoding(text.encode(encoding))
    assert not detected.confident
    assert [r.text for r in detected.readings] == [guess, other]
    assert guess in detected.doubt() and other in detected.doubt()


@pytest.mark.parametrize("text, encoding", [
    ("名前,電話\n田中太郎,09012345678\n山田花子,08011112222\n", "shift_jis"),
    ("имя,тел\nИван Петров,1\nСергей Смирнов,2\n", "cp1251"),
])
def test_text_of_other_scripts_is_a_doubt(text: str, encoding: str) -> None:
    detected = detect_encoding(text.encode(encoding))
    assert not detected.confident and "uncertain" in detected.doubt()


@pytest.mark.parametrize("text", ["jmeno;tel\nJiří Řehoř;1\nPetr Kříž;2\n", "Name;Tel\nMüller;1\nStraße Köln;2\n",
                                  "name;phone\nDvořák;601\n"])
def test_clear_cases_stay_confident(text: str) -> None:
    encoding = "cp1252" if "ü" in text else "cp1250"
    detected = detect_encoding(text.encode(encoding))
    assert detected.confident and text.encode(encoding).decode(detected.encoding) == text


@pytest.mark.parametrize("bom,encoding,expected", [
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
])
def test_byte_order_marks_win(bom: bytes, encoding: str, expected: str) -> None:
    raw = bom + CZECH.encode(encoding)
    detected = detect_encoding(raw)
    assert detected.encoding == expected
    assert raw.decode(detected.encoding) == CZECH


def test_utf16_without_bom_is_recognised() -> None:
    assert detect_encoding(CZECH.encode("utf-16-le")).encoding == "utf-16-le"


def test_a_late_accent_is_found_beyond_the_ascii_head(tmp_path) -> None:
    path = tmp_path / "late.csv"
    head = "name;phone\n" + "".join(f"Novak {i};6011{i:05d}\n" for i in range(80_000))  # > 1 MiB of ASCII
    path.write_bytes((head + "Dvořák;601999999\n").encode("cp1250"))
    assert detect_encoding(read_sample(path)).encoding == "cp1250"


@pytest.mark.parametrize("raw,word", [(b"PK\x03\x04rest", "xlsx"), (b"\xd0\xcf\x11\xe0rest", "xls"),
                                      (b"a,b\n\x00\x01\x02\x03", "binary")])
def test_workbooks_and_binaries_are_refused_with_a_hint(raw: bytes, word: str) -> None:
    with pytest.raises(NotText, match=word):
        detect_encoding(raw)


def test_a_stray_nul_in_a_text_file_is_not_binary() -> None:
    sample = ("phone,name\n" + "".join(f"60112{i:04d},Name {i}\n" for i in range(300)) + "601,a\x00b\n").encode()
    assert detect_encoding(sample).encoding == "utf-8"
