"""Reviewing a change: its risk in words, what it touches, who should review it."""
