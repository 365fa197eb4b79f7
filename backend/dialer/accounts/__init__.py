"""Users, passwords, API tokens and login throttling: the rules behind authentication."""
