"""The embedded SQLite store: schema, migrations and writes."""
