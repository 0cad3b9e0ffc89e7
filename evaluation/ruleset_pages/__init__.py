"""The pages of criteria sets and policy: drafts, validation, preview of a closed year,
publishing, pins, export and import. Above the year-end (the preview runs it), while the data
and what is in force (`evaluation.rulesets`) sit low enough for scoring to read."""
