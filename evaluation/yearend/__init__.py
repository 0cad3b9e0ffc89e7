"""The year-end: facts, classification, unit results, rankings and proposals for a whole
province at once. Above both scoring and rankings, as it uses both."""
