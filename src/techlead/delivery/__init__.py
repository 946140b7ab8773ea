"""Delivery performance: DORA keys from the repository and a deploy log."""
