"""numpy's matrix products in the loaded pipelines (``onrecord.nlp.matmul``)."""

from __future__ import annotations

import warnings

import numpy
import pytest
import spacy
from spacy.language import Language
from thinc.api import NumpyOps

from onrecord.nlp.fast_layers import pipeline_layers
from onrecord.nlp.matmul import MATMUL_OPS, MATMUL_SETTING, MatmulOps, use_numpy_matmul
from onrecord.nlp.parse import DEFAULT_MODEL

PARAGRAPHS = [
    "The Senate's leaders said on Tuesday that they had been meeting since 2019.",
    "“We won’t,” Mayor Linda Okoro told reporters in Eastport, calling the plan “reckless”.",
    "Dr. Jane Roe-Smith, 54, declined to comment; Acme Corp. did not reply.",
    "",
    "Short.",
]


def _plain() -> Language:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return spacy.load(DEFAULT_MODEL)


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (True, False), (False, True)])
def test_gemm_is_the_matrix_product(trans1: bool, trans2: bool) -> None:
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((40, 30) if not trans1 else (30, 40), dtype=numpy.float32)
    y = rng.standard_normal((30, 20) if not trans2 else (20, 30), dtype=numpy.float32)
    expected = (x.T if trans1 else x) @ (y.T if trans2 else y)
    assert numpy.array_equal(MATMUL_OPS.gemm(x, y, trans1=trans1, trans2=trans2), expected)
    out = numpy.zeros((40, 20), dtype=numpy.float32)
    assert MATMUL_OPS.gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    assert numpy.array_equal(out, expected)
    blis = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert numpy.allclose(expected, blis, rtol=1e-5, atol=1e-5)


def test_pipeline_layers_get_numpy_products_and_decide_the_same() -> None:
    plain, changed = _plain(), use_numpy_matmul(_plain())
    layers = list(pipeline_layers(changed))
    assert layers and all(isinstance(layer.ops, MatmulOps) for layer in layers)
    assert not any(isinstance(layer.ops, MatmulOps) for layer in pipeline_layers(plain))
    for stock, quick in zip(plain.pipe(PARAGRAPHS), changed.pipe(PARAGRAPHS), strict=True):
        assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in stock] == [
            (t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in quick
        ]
        assert numpy.allclose(stock.tensor, quick.tensor, rtol=1e-4, atol=1e-5)


def test_blis_setting_leaves_thinc_products(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MATMUL_SETTING, "blis")
    nlp = use_numpy_matmul(_plain())
    assert not any(isinstance(layer.ops, MatmulOps) for layer in pipeline_layers(nlp))
