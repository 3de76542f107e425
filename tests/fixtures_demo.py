"""pytest fixtures for the demo area."""
