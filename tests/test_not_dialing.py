"""The one "why is it not dialing" vocabulary: every declared code is produced somewhere, every
produced one is declared, every pacer reason has its code, and a sentence is never left with a
hole where its detail goes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialer.engine.campaign_runtime import PACER_CODES, PACER_REASONS, pacer_reasons
from dialer.not_dialing import NotDialing, NotDialingReason
from dialer.pacing.decision import Decision, Reason

BACKEND = Path(__file__).parents[1] / "backend" / "dialer"
USE = re.compile(r"\bNotDialing\.([A-Za-z_]+)\b")


def _uses() -> dict[str, list[str]]:
    """Member name -> where it is used, in the code outside the vocabulary itself."""
    found: dict[str, list[str]] = {}
    for path in BACKEND.rglob("*.py"):
        if path.name == "not_dialing.py" and path.parent == BACKEND:
            continue
        for name in USE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(BACKEND)))
    return found


def test_every_declared_code_is_produced_somewhere() -> None:
    unused = {c.name for c in NotDialing} - set(_uses())
    assert not unused, f"declared but never produced: {sorted(unused)}"


def test_every_produced_code_is_declared() -> None:
    unknown = {name: where for name, where in _uses().items()
               if name not in NotDialing.__members__ and name not in {"sentence", "takes_detail"}}
    assert not unknown, f"used but not declared: {unknown}"


def test_each_pacer_reason_says_why_when_it_launches_nothing() -> None:
    assert set(PACER_REASONS) == set(Reason), "a pacer reason without a code"
    for reason in Reason:
        assert [r.code for r in pacer_reasons(Decision(calls=0, reason=reason))] == [PACER_REASONS[reason]]
        assert pacer_reasons(Decision(calls=2, reason=reason)) == []
    released = pacer_reasons(Decision(calls=1, reason=Reason.FORECAST, release=2))
    assert [r.message for r in released] == [
        "The pacer hung up 2 ringing call(s) that no agent would have been free for."]
    assert {r.code for r in released} <= PACER_CODES


def test_codes_are_unique_snake_case_and_sentences_read_as_sentences() -> None:
    assert len({c.value for c in NotDialing}) == len(NotDialing)
    for code in NotDialing:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code.value), code
        assert code.sentence[0].isupper() and code.sentence.endswith("."), code
        assert NotDialing(code.value) is code


def test_the_detail_goes_where_the_sentence_says_and_is_never_missing() -> None:
    reason = NotDialingReason(NotDialing.ASTERISK_REFUSED, "503 Shutdown in progress")
    assert reason.message == "Asterisk refused calls: 503 Shutdown in progress."
    assert reason.as_json() == {"code": "asterisk_refused", "message": reason.message,
                                "detail": "503 Shutdown in progress", "until": None}
    assert NotDialingReason(NotDialing.AGENTS_BUSY).message == "Every agent is busy."
    with pytest.raises(ValueError):
        NotDialingReason(NotDialing.NO_PREPAID_CREDIT)
