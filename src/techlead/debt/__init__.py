"""Where technical debt slows the team: hotspots, change coupling, code age, complexity trend."""
