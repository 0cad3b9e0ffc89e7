"""Criteria sets and policy as versioned data: drafts, published versions, pins to units."""
