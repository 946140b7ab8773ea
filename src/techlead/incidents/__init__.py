"""Incidents, post-mortems, action items and runbooks, on the record store."""
