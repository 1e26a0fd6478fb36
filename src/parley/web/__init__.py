"""The web app (parley serve)."""
