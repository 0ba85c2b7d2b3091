"""The command centre's own writes: the case loop, dispatch suggestions and one ``perform``."""
