"""Scoring: periodic points by the manager, and the annual evaluation (Decree 90 procedure)."""
