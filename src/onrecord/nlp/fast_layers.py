"""Faster inference forwards for spaCy's CNN encoders, with the same output bit for bit.

Three CNN encoders (``tok2vec``: the main pipeline's, its NER's own, and the attribution
tagger's) took three quarters of an extraction's time. Profiled on one core (py-spy,
PolNeAR dev), after the matrix products the largest costs were:

- the embedding stage (hash embeddings of each token's NORM, PREFIX, SUFFIX, SHAPE, ...
  concatenated, then a maxout and a layer norm), about a third of an encoder. Its output
  depends on the token's feature values alone, not on its neighbours, and dev's 80,000
  tokens have only about 12,000 distinct feature rows;
- thinc's ``maxout`` reduction, which takes the maximum over pieces stored innermost
  (one short strided loop per output);
- thinc's ``layernorm``, which computes the mean twice and allocates four temporaries.

This module owns ``speed_up_inference``, which gives a loaded pipeline's layers forwards
that, when not training:

- remember the embedding stage's output per distinct feature row (``EmbeddingMemo``, at
  most ``MAX_MEMO_ROWS`` rows per encoder, cleared when full or when the weights change)
  and compute it only for rows not seen before;
- order the maxout weights piece-major, so the maximum is taken over whole contiguous
  blocks (vectorised);
- compute the layer norm's moments once, in the same numpy operations as thinc.

Every one of these gives the same floats as thinc's own forward (each row of a matrix
product, maximum and layer norm is computed independently of the other rows; tested on
whole pipelines). Training (``is_train``) still runs thinc's own forward and backward.
Loading pipelines stays with ``nlp.parse`` and ``nlp.model.predict``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.language import Language
from thinc.api import Model, NumpyOps
from thinc.layers.chain import forward as thinc_chain_forward
from thinc.layers.layernorm import forward as thinc_layernorm_forward
from thinc.layers.maxout import forward as thinc_maxout_forward

FAST_LAYERS_SETTING = "ONRECORD_FAST_LAYERS"
"""Set to 0 to leave thinc's forwards in place (for comparisons)."""
MAX_MEMO_ROWS = int(os.environ.get("ONRECORD_EMBEDDING_MEMO_ROWS", "50000"))
"""Distinct feature rows remembered per encoder, about 440 bytes each (0: none remembered;
a setting)."""
ROW_SPREAD = numpy.uint64(0x9E3779B97F4A7C15)
"""Odd multiplier that mixes a row's feature values into one key."""
PER_TOKEN_LAYERS = frozenset({"ints-getitem", "hashembed", "maxout", "layernorm", "dropout"})
"""Layers that map each token's row on its own: the embedding stage may hold only these."""
MAX_REMEMBERED_LAYERS = 64
"""Layers whose reordered weights (and encoders whose memo) are kept: the most recent,
so that a process that loads pipelines again and again does not keep every old one's."""
_PIECE_MAJOR: dict[int, tuple[Any, Any, Any]] = {}
"""Layer id to ``(W, W piece-major, b piece-major)`` for a maxout layer."""


def _remember(table: dict[int, Any], key: int, value: Any) -> None:
    """Store ``value``, forgetting the oldest entries past ``MAX_REMEMBERED_LAYERS``."""
    table.pop(key, None)
    table[key] = value
    while len(table) > MAX_REMEMBERED_LAYERS:
        del table[next(iter(table))]


Forward = Callable[[Model[Any, Any], Any, bool], tuple[Any, Callable[..., Any]]]


def _no_backprop(_: Any) -> Any:
    raise RuntimeError("onrecord's inference forward has no backward pass (is_train was False)")


def _piece_major(model: Model[Any, Any]) -> tuple[Any, Any]:
    """Return the maxout weights and bias reordered piece-major, cached per weight array."""
    weights: Any = model.get_param("W")
    cached = _PIECE_MAJOR.get(model.id)
    if cached is None or cached[0] is not weights:
        n_out, n_pieces, n_in = weights.shape
        reordered = numpy.ascontiguousarray(
            weights.transpose(1, 0, 2).reshape(n_pieces * n_out, n_in)
        )
        bias_by_out: Any = model.get_param("b")
        bias = numpy.ascontiguousarray(bias_by_out.T.reshape(n_pieces * n_out))
        cached = (weights, reordered, bias)
        _remember(_PIECE_MAJOR, model.id, cached)
    return cached[1], cached[2]


def maxout_forward(model: Model[Any, Any], X: Any, is_train: bool) -> tuple[Any, Any]:
    """Thinc's ``maxout`` forward; at inference the pieces are reduced block by block."""
    if is_train:
        return thinc_maxout_forward(model, X, is_train)
    n_out = model.get_dim("nO")
    n_pieces = model.get_dim("nP")
    weights, bias = _piece_major(model)
    scores: Any = model.ops.gemm(X, weights, trans2=True)
    scores += bias
    best = numpy.maximum(scores[:, :n_out], scores[:, n_out : 2 * n_out])
    for piece in range(2, n_pieces):
        numpy.maximum(best, scores[:, piece * n_out : (piece + 1) * n_out], out=best)
    return best, _no_backprop


def layernorm_forward(model: Model[Any, Any], X: Any, is_train: bool) -> tuple[Any, Any]:
    """Thinc's ``layernorm`` forward; at inference the moments are computed once, in place.

    Same operations as thinc (``numpy.var`` subtracts the same mean, squares and sums),
    so the result is the same float for float.
    """
    if is_train:
        return thinc_layernorm_forward(model, X, is_train)
    mean = X.mean(axis=1, keepdims=True)
    centred = X - mean
    squares = centred * centred
    variance = squares.sum(axis=1, keepdims=True) / X.shape[1] + 1e-08
    centred *= variance ** (-1.0 / 2.0)
    centred *= model.get_param("G")
    centred += model.get_param("b")
    return centred, _no_backprop


@dataclass
class EmbeddingMemo:
    """An encoder's embedding-stage output per distinct feature row, for one weight set."""

    weights: tuple[Any, ...]
    positions: dict[int, int] = field(default_factory=dict)
    """Row key to its row in ``rows`` and ``vectors``."""
    rows: Any = None
    vectors: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        """Forget every row."""
        self.positions.clear()


_MEMOS: dict[int, EmbeddingMemo] = {}


def _weights_of(model: Model[Any, Any]) -> tuple[Any, ...]:
    return tuple(
        layer.get_param(name)
        for layer in model.walk()
        for name in layer.param_names
        if layer.has_param(name)
    )


def _memo_for(model: Model[Any, Any]) -> EmbeddingMemo:
    weights = _weights_of(model)
    memo = _MEMOS.get(model.id)
    if (
        memo is None
        or len(memo.weights) != len(weights)
        or any(old is not new for old, new in zip(memo.weights, weights, strict=True))
    ):
        memo = EmbeddingMemo(weights)
        _remember(_MEMOS, model.id, memo)
    return memo


def _row_keys(rows: Any) -> Any:
    keys = rows[:, 0].copy()
    for column in range(1, rows.shape[1]):
        keys *= ROW_SPREAD
        keys ^= rows[:, column]
    return keys


def _embed_rows(model: Model[Any, Any], rows: Any) -> Any:
    """The embedding stage's two per-row layers on a 2-d array of feature rows."""
    embedded = model.layers[2].layers[0].predict(rows)
    return model.layers[3].layers[0].predict(embedded)


def embedding_forward(model: Model[Any, Any], docs: Any, is_train: bool) -> tuple[Any, Any]:
    """An embedding stage's forward; at inference each distinct feature row is computed once."""
    if is_train:
        return thinc_chain_forward(model, docs, is_train)
    features: Sequence[Any] = model.layers[0].predict(docs)
    if not features or sum(len(doc_rows) for doc_rows in features) == 0:
        return thinc_chain_forward(model, docs, is_train)
    rows = numpy.concatenate(features)
    memo = _memo_for(model)
    with memo.lock:
        keys, inverse = numpy.unique(_row_keys(rows), return_inverse=True)
        if len(keys) > MAX_MEMO_ROWS:  # also when the memo is off (0)
            return thinc_chain_forward(model, docs, is_train)
        if len(memo.positions) + len(keys) > MAX_MEMO_ROWS:
            memo.clear()
        found = numpy.fromiter(
            (memo.positions.get(key, -1) for key in keys.tolist()), numpy.int64, len(keys)
        )
        missing = numpy.flatnonzero(found < 0)
        if len(missing):
            first = numpy.empty(len(keys), numpy.int64)
            first[inverse] = numpy.arange(len(inverse))
            new_rows = rows[first[missing]]
            new_vectors = _embed_rows(model, new_rows)
            start = len(memo.positions)
            if memo.vectors is None:  # a memo serves one model: its widths never change
                memo.rows = numpy.empty((MAX_MEMO_ROWS, rows.shape[1]), rows.dtype)
                memo.vectors = numpy.empty((MAX_MEMO_ROWS, new_vectors.shape[1]), "float32")
            end = start + len(missing)
            memo.rows[start:end] = new_rows
            memo.vectors[start:end] = new_vectors
            memo.positions.update(zip(keys[missing].tolist(), range(start, end), strict=True))
            found[missing] = numpy.arange(start, end)
        positions = found[inverse]
        if not numpy.array_equal(memo.rows[positions], rows):  # two rows share a key
            memo.clear()
            return thinc_chain_forward(model, docs, is_train)
        vectors = memo.vectors[positions]
    outputs = []
    offset = 0
    for doc_rows in features:
        outputs.append(vectors[offset : offset + len(doc_rows)])
        offset += len(doc_rows)
    return outputs, _no_backprop


def is_embedding_stage(layer: Model[Any, Any]) -> bool:
    """Whether a layer is spaCy's ``MultiHashEmbed`` chain, whose rows are independent."""
    names = [child.name for child in layer.layers]
    if len(names) != 5 or names[0] != "extract_features" or names[1] != "list2ragged":
        return False
    if names[4] != "ragged2list" or not all(n.startswith("with_array") for n in names[2:4]):
        return False
    leaves = {
        inner.name for stage in layer.layers[2:4] for inner in stage.walk() if not inner.layers
    }
    return leaves <= PER_TOKEN_LAYERS


FORWARDS: dict[str, Forward] = {"maxout": maxout_forward, "layernorm": layernorm_forward}


def is_sped_up(layer: Model[Any, Any]) -> bool:
    """Whether a layer runs one of this module's forwards.

    Told by the forward itself, not by a mark in ``attrs``: those are saved with a
    pipeline, and a pipeline saved and loaded again has thinc's forwards.
    """
    return layer._func in (embedding_forward, maxout_forward, layernorm_forward)


def speed_up_inference(nlp: Language) -> Language:
    """Give a pipeline's embedding stages, ``maxout`` and ``layernorm`` layers faster forwards.

    Only plain numpy layers are changed (thinc's CPU ops); others are left as they are.
    A pipeline changed so is for inference: training it updates weights in place, which
    the remembered weight orders and embeddings would not see.

    Args:
        nlp: A loaded pipeline.

    Returns:
        The same pipeline, changed in place (left as it is when ``$ONRECORD_FAST_LAYERS``
        is 0).
    """
    if os.environ.get(FAST_LAYERS_SETTING, "1") == "0":
        return nlp
    for layer in pipeline_layers(nlp):
        forward = embedding_forward if is_embedding_stage(layer) else FORWARDS.get(layer.name)
        if forward is None or is_sped_up(layer) or not isinstance(layer.ops, NumpyOps):
            continue
        layer._func = forward
    return nlp


def pipeline_layers(nlp: Language) -> Iterator[Model[Any, Any]]:
    """Every thinc layer of a pipeline's components (each component's model, walked)."""
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            yield from model.walk()
