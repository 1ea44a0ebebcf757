"""How the graph is kept: validation, the data folder (files, journal, lock, change log), editing, building the networkx graph."""
