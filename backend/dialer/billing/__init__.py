"""Tariffs and rating of calls."""
