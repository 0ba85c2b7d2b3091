"""The shared database: models, migrations, engines, connection URLs and the embedded server."""
