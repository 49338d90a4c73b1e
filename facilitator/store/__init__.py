"""Storage: the only code that touches workshop files."""
