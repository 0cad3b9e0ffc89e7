"""Cross-cutting pieces: database, permissions, audit, i18n, command line."""
