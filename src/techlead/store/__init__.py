"""The record store: incidents and every later capability's records, in SQLite or PostgreSQL."""
