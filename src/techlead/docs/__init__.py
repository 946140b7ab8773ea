"""Living documentation: broken links, and docs that the code has moved away from."""
