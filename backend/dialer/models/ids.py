"""Row ids: serial 32-bit integers in both databases (SQLite and PostgreSQL), so a number past
MAX_ID names no row, and a query binding one fails in the driver instead of finding nothing."""

from __future__ import annotations

MAX_ID = 2**31 - 1
