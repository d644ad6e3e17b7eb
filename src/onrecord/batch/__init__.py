"""Batch runs over many inputs: shards, a pool of workers (local processes or Ray), resume."""
