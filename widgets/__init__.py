"""gridcommand.widgets."""
