"""Planning: backlog imports, story lint, Monte Carlo forecasts and their calibration."""
