"""Split a PolNeAR split into a training part and a held-out part, for held-out calibration.

Every ``--every``-th article (in name order, the 5th, 10th, ...) goes to ``OUT/hold``, the
rest to ``OUT/train``; both are PolNeAR-layout folders of symbolic links (no text is copied).
The tagger trained on ``OUT/train`` calibrates the tagger's statements on ``OUT/hold``
(``docs/models.md``).

Usage: ``python scripts/split_holdout.py ../shared/data/polnear/train OUT [--every 5]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from onrecord.ingest.polnear import select_annotation_files


def main() -> None:
    """Write the two folders of links."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--every", type=int, default=5)
    args = parser.parse_args()
    chosen = select_annotation_files(args.split)
    counts = {"train": 0, "hold": 0}
    for index, (article, ann_path) in enumerate(chosen.items()):
        part = "hold" if (index + 1) % args.every == 0 else "train"
        counts[part] += 1
        for folder, source in (
            ("text", args.split.resolve() / "text" / f"{article}.txt"),
            ("attributions", ann_path.resolve()),
        ):
            target = args.out / part / folder / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.symlink_to(source)
    print(
        f"{counts['train']} articles -> {args.out / 'train'}, {counts['hold']} -> {args.out / 'hold'}"
    )


if __name__ == "__main__":
    main()
