"""The database adapter: models, engine, migrations."""
