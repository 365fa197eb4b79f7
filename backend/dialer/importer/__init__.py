"""CSV import pipeline: streaming, validating, reporting per row."""
