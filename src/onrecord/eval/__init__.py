"""Scoring extraction against annotated corpora (PolNeAR)."""
