"""Geography: coordinate systems, shared geometry and the import of a GIS office's grid layer."""
