"""Quotation finding: quotation marks, cue lexicon and attribution rules."""
