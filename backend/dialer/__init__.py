"""Predictive dialer and call-centre suite for Asterisk.

The package map lives in the README; each subpackage's docstring says what it owns.
"""

__version__ = "0.1.0"
