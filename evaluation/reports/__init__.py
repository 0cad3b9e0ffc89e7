"""Excel exports for the personnel office: classification sheets, summaries, rankings, reports."""
