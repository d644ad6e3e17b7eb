"""User-facing entry points: the command line (later also the HTTP API and web pages)."""
