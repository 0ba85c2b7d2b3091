"""gridcommand.maps."""
