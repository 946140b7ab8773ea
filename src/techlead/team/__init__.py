"""Who knows what: ownership, truck factor and what leaving people would orphan."""
