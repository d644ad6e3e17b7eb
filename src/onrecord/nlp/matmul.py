"""Matrix products for the loaded pipelines: numpy's BLAS in place of blis.

thinc's CPU ops multiply matrices with blis 0.7 (``NumpyOps.gemm``). On this project's
machines (AMD EPYC, AVX-512) blis runs its products at about 42 GFLOPS on one core and
numpy's OpenBLAS at about 125, on the encoders' own shapes (2,000 x 288 by 288 x 288,
``bench/bench_matmul.py``): blis 0.7 predates these processors and picks a slower
kernel. The products are two thirds of an extraction's time, so this module owns
``use_numpy_matmul``, which gives every layer of a loaded pipeline ops whose ``gemm`` is
``numpy.matmul``. Everything else stays thinc's. The products differ from blis's in the
last bits of some floats (another summation order), not in what the pipeline decides:
PolNeAR dev's 84 records (quotes, confidences, entities) came out identical, as do the
parses and entities of the test paragraphs (``tests/test_matmul.py``).

Loading pipelines stays with ``nlp.parse`` and ``nlp.model.predict``; the other inference
speed-ups with ``nlp.fast_layers``.
"""

from __future__ import annotations

import os
from typing import Any

import numpy
from spacy.language import Language
from thinc.api import NumpyOps

from onrecord.nlp.fast_layers import pipeline_layers

MATMUL_SETTING = "ONRECORD_MATMUL"
"""``numpy`` (the default) or ``blis`` (thinc's own products, for comparisons)."""


class MatmulOps(NumpyOps):  # type: ignore[misc]
    """thinc's CPU ops with numpy's matrix product."""

    def gemm(
        self,
        x: Any,
        y: Any,
        out: Any = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Any:
        """``x @ y`` (either transposed first), into ``out`` when given."""
        if x.dtype != numpy.float32 or y.dtype != numpy.float32:
            return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        left = x.T if trans1 else x
        right = y.T if trans2 else y
        if out is None:
            return numpy.matmul(left, right)
        numpy.matmul(left, right, out=out)
        return out


MATMUL_OPS = MatmulOps()


def use_numpy_matmul(nlp: Language) -> Language:
    """Give every layer of a pipeline that runs on thinc's CPU ops numpy's matrix product.

    Args:
        nlp: A loaded pipeline.

    Returns:
        The same pipeline, changed in place (left as it is when ``$ONRECORD_MATMUL`` is
        ``blis``).
    """
    if os.environ.get(MATMUL_SETTING, "numpy") == "blis":
        return nlp
    for layer in pipeline_layers(nlp):
        if type(layer.ops) is NumpyOps:
            layer.ops = MATMUL_OPS
    return nlp
