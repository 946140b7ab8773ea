"""What did we decide, and is the code still following it? Architecture decision records."""
