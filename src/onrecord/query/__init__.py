"""Typed queries over the store (no HTTP, no printing)."""
