"""Accounts of the team server: users with roles, passwords, API tokens, login sessions."""
