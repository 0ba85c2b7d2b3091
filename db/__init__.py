"""The database side of gridcommand: schema, migrations, seeding and the change feed.

Nothing in this package imports Qt or the view packages; an import-linter contract
in the test run enforces that, so the command-line tools and the field simulator can
use it on a machine without a screen.
"""
