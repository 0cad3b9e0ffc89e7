"""Logins, roles and the current user's view of the unit tree."""
