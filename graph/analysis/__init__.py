"""Pure analysis functions over the graph: each takes a graph and options and returns plain data."""
