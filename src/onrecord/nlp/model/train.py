"""Train an attribution-role tagger (spaCy ``tok2vec`` + ``ner``) from a config in ``configs/``.

``train`` wraps ``spacy.training.loop.train``: it fixes the seed (spaCy's ``fix_random_seed``:
Python, NumPy and thinc), limits the wall-clock time through a ``before_update`` callback
(the best checkpoint so far is kept) and leaves ``model-best`` and ``model-last`` in the
output directory. Deterministic on one CPU thread for a given seed, apart from the time
limit, which stops at a step that depends on the machine's speed.

Command line: ``python -m onrecord.nlp.model.train TRAIN.spacy DEV.spacy OUT [--seed N]
[--max-minutes M] [--config PATH] [--set section.key=value ...]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as train_nlp
from spacy.util import load_config, registry
from thinc.api import fix_random_seed

from onrecord.nlp.model.data import embeds_syntax  # also registers onrecord.ParsedCorpus.v1

DEFAULT_CONFIG = Path(__file__).resolve().parents[4] / "configs" / "attribution_ner.cfg"


class TimeLimitReached(Exception):
    """Raised by the ``before_update`` callback to stop training at the time limit."""


@registry.callbacks("onrecord.time_limit.v1")  # type: ignore[untyped-decorator]
def make_time_limit(max_minutes: float) -> Any:
    """Return a ``before_update`` callback that stops training after ``max_minutes``."""
    deadline = time.monotonic() + max_minutes * 60.0

    def before_update(nlp: Any, args: dict[str, Any]) -> None:
        if time.monotonic() > deadline:
            raise TimeLimitReached(f"{max_minutes} minutes reached at step {args.get('step')}")

    return before_update


def train(
    train_path: Path,
    dev_path: Path,
    output_dir: Path,
    *,
    seed: int = 0,
    max_minutes: float = 45.0,
    config_path: Path = DEFAULT_CONFIG,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Train a pipeline and return the path of its best checkpoint (``model-best``).

    The best checkpoint's string store is pruned (``prune_strings``) before returning.

    Args:
        train_path: Training ``.spacy`` file (or directory of them), from ``data.py``.
        dev_path: Development ``.spacy`` file used to pick the best checkpoint.
        output_dir: Where ``model-best`` and ``model-last`` go.
        seed: Random seed.
        max_minutes: Wall-clock limit for the training loop (initialisation excluded).
        config_path: The spaCy config.
        overrides: Extra config overrides (``{"training.max_steps": 4000}``).

    Returns:
        ``output_dir / "model-best"``.
    """
    settings: dict[str, Any] = {
        "paths.train": str(train_path),
        "paths.dev": str(dev_path),
        "system.seed": seed,
        "training.before_update": {
            "@callbacks": "onrecord.time_limit.v1",
            "max_minutes": max_minutes,
        },
    }
    settings.update(overrides or {})
    config = load_config(config_path, overrides=settings, interpolate=False)
    fix_random_seed(seed)
    nlp = init_nlp(config, use_gpu=-1)
    output_dir.mkdir(parents=True, exist_ok=True)
    try:
        train_nlp(nlp, output_dir, use_gpu=-1, stdout=sys.stdout, stderr=sys.stderr)
    except TimeLimitReached as stop:
        print(f"stopped: {stop}", flush=True)
    best = output_dir / "model-best"
    if best.exists():
        prune_strings(best)
    return best


def config_reads_syntax(config_path: Path = DEFAULT_CONFIG) -> bool:
    """Whether a config's embedding reads the parse (its DocBins must then be parsed)."""
    return embeds_syntax(load_config(config_path, interpolate=False))


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_path", type=Path)
    parser.add_argument("dev_path", type=Path)
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=45.0)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = int(value)
        except ValueError:
            try:
                overrides[key] = float(value)
            except ValueError:
                overrides[key] = value
    start = time.monotonic()
    best = train(
        args.train_path,
        args.dev_path,
        args.output_dir,
        seed=args.seed,
        max_minutes=args.max_minutes,
        config_path=args.config,
        overrides=overrides,
    )
    print(f"best: {best}  total {(time.monotonic() - start) / 60:.1f} min", flush=True)


def prune_strings(model_dir: Path) -> int:
    """Shrink a saved pipeline's ``vocab/strings.json`` to a blank English vocab plus labels.

    Training adds every word type of the corpus to the string store; the hash embeddings do
    not need them (features are hashed from the text at run time), so they are dropped to
    keep corpus-derived word lists out of the shipped weights. Returns the strings kept.
    """
    path = model_dir / "vocab" / "strings.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    keep = set(spacy.blank("en").vocab.strings)
    keep.update(label for labels in meta.get("labels", {}).values() for label in labels)
    kept = sorted(s for s in saved if s in keep)
    path.write_text(json.dumps(kept), encoding="utf-8")
    return len(kept)


if __name__ == "__main__":
    main()
