"""The dashboard: `techlead serve`, the web shell over every capability."""
