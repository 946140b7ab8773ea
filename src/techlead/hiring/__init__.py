"""Technical interviews: competency matrix, kits, scorecards, debriefs, calibration."""
