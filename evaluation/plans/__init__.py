"""Work plans (kế hoạch công tác) by week, month, quarter and year, their tasks and results."""
