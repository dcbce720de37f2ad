"""securecomm.store — persistence: SQLAlchemy engine and sessions, migrations, gallery files."""
