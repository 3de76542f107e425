"""pytest fixtures for the archive area."""
