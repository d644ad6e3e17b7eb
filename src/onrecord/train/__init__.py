"""Building the learned parts of the extractor from annotated corpora."""
