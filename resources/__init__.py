"""gridcommand.resources."""
