"""Reads on demand for a panel: one ticket's detail, one grid's report."""
