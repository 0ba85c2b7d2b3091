"""gridcommand.desktop."""
