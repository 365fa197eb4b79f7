"""The import's hard limits, in one place so the README, the messages and the code agree.

Each limit protects memory or the database from a broken or hostile file; every refusal
names the limit it hit. Not tunables for speed: see `BATCH_ROWS` in the pipeline for that.
"""

from __future__ import annotations

# A file larger than this is refused before any row is read (web, API and CLI alike).
MAX_FILE_BYTES = 1 << 30  # 1 GiB: about 15 million typical contact rows
# One CSV field. 131,072 is the csv module's own default limit, so we never change that
# process-wide setting (other modules read CSV too).
MAX_FIELD_CHARS = 131_072
# One physical line: longer lines are not held in memory; the rest of the line is skipped
# and the row reported.
MAX_LINE_CHARS = 1 << 20
# Columns in the header (and fields in a row).
MAX_COLUMNS = 200
# Bad rows kept in ImportJob.errors (every bad row is in the errors file).
ERRORS_KEPT = 100
# Rows written per database transaction: one batch is atomic.
BATCH_ROWS = 10_000


def describe_limits() -> str:
    return (f"files up to {MAX_FILE_BYTES >> 20} MiB, fields up to {MAX_FIELD_CHARS:,} characters, "
            f"lines up to {MAX_LINE_CHARS:,} characters, at most {MAX_COLUMNS} columns")
