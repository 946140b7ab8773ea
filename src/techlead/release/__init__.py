"""Release readiness: go/no-go gates over the evidence a CI already produces."""
