"""The rules of rules.md as small pure functions, one per identifier, each naming its source."""
