"""Trained span taggers for quote attribution (CUE, SOURCE, CONTENT), trained on PolNeAR.

``data`` converts PolNeAR brat files into spaCy ``DocBin``s, ``train`` trains a spaCy
pipeline from a config in ``configs/``, ``predict`` loads the shipped weights and returns
character spans per label for another component (the rule-based extractor) to combine.
"""
