"""Where observations live: SQLite or PostgreSQL, one dataset version per import, and the seed data."""
