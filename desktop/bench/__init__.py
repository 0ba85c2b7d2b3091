"""``gridcommand bench``: the live map's figures measured on a city of its own."""
