"""Building the cue table (``onrecord train cues``) from a PolNeAR-layout folder.

Owns counting, over annotated articles parsed with the run-time pipeline, how often each
(verb lemma, complement) pair is a cue. The table itself and its use live in
``nlp.quotes.cue_table``; reading the annotations lives in ``eval.polnear``.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from onrecord.ingest.polnear import read_gold, select_annotation_files
from onrecord.nlp.quotes.cue_table import CueTable, count_cues


def build_cue_table(split_dir: Path, nlp: Language) -> CueTable:
    """Count cues over a PolNeAR-layout folder (``text/``, ``attributions/``).

    Args:
        split_dir: The folder (e.g. ``../shared/data/polnear/train``).
        nlp: The spaCy pipeline used at run time (so the parses match).

    Returns:
        The table.
    """
    table = CueTable(source=f"{split_dir.name} split of {split_dir.parent.name}")
    files = select_annotation_files(split_dir)
    stems = sorted(files)
    texts = ((split_dir / "text" / f"{stem}.txt").read_text(encoding="utf-8") for stem in stems)
    for stem, doc in zip(stems, nlp.pipe(texts, batch_size=8), strict=True):
        gold = [g for g in read_gold(files[stem]) if g.cue and g.content]
        count_cues(
            doc,
            [(g.cue[0][0], g.cue[-1][1]) for g in gold],
            [(g.content[0][0], g.content[-1][1]) for g in gold],
            table,
        )
    return table
