"""Excel imports: staff lists and unit task plans, previewed before anything is written."""
