"""Units (cơ quan, đơn vị) in a tree, and the people placed in them over time."""
