"""The socket's reconnect delays (tray/live.py): live.js's backoff."""

from __future__ import annotations

from dialer.tray.api import normalise_origin, ws_url
from dialer.tray.live import backoff_s


def test_backoff_doubles_from_half_a_second_to_fifteen_with_jitter() -> None:
    assert [backoff_s(n, 0.5) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0]
    assert backoff_s(0, 0.0) == 0.375 and backoff_s(40, 0.999) < 18.75


def test_the_socket_url_is_the_extensions() -> None:
    assert ws_url("http://127.0.0.1:8080", "dlr_a b") == "ws://127.0.0.1:8080/ws/agent?token=dlr_a+b"
    assert ws_url("https://dialer.example.com", "t") == "wss://dialer.example.com/ws/agent?token=t"
    assert normalise_origin(" https://dialer.example.com/agent ") == "https://dialer.example.com"
    assert normalise_origin("dialer.example.com") == "https://dialer.example.com"
    assert normalise_origin("ftp://x") == "" and normalise_origin("") == ""
