"""The faster inference forwards give thinc's own output, float for float."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model

from onrecord.nlp import fast_layers
from onrecord.nlp.fast_layers import is_embedding_stage, is_sped_up, speed_up_inference
from onrecord.nlp.model.predict import WEIGHTS_DIR
from onrecord.nlp.parse import DEFAULT_MODEL

PARAGRAPHS = [
    "The Senate's leaders said on Tuesday that they had been meeting since 2019.",
    "He says: “We won’t.” She told reporters it was “not acceptable”.",
    "Dr. Jane Roe-Smith, 54, declined to comment; Acme Corp. did not reply.",
    "",
    "Die Regierung hat am Montag erklärt, dass sie nichts wisse. שלום",
    "x" * 180 + " " + "!!!" * 20,
    "Short.",
    "The Senate's leaders said on Tuesday that they had been meeting since 2019.",
]


def _plain(name: str) -> Language:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return spacy.load(name)


@pytest.fixture(scope="module")
def pipelines() -> tuple[Language, Language]:
    """The small English pipeline as shipped, and a second copy sped up."""
    return _plain(DEFAULT_MODEL), speed_up_inference(_plain(DEFAULT_MODEL))


def _encoders(nlp: Language) -> list[Model[Any, Any]]:
    found = [nlp.get_pipe("tok2vec").model]
    if "ner" in nlp.pipe_names:
        ner = nlp.get_pipe("ner").model
        found += [ner.get_ref("tok2vec")] if ner.has_ref("tok2vec") else []
    return found


def _outputs(encoder: Model[Any, Any], docs: list[Doc]) -> list[Any]:
    return list(encoder.predict(docs))


def _same(left: list[Any], right: list[Any]) -> bool:
    return len(left) == len(right) and all(
        a.dtype == b.dtype and numpy.array_equal(a, b) for a, b in zip(left, right, strict=True)
    )


def test_every_encoder_layer_gets_a_faster_forward(pipelines: tuple[Language, Language]) -> None:
    plain, fast = pipelines
    for encoder in _encoders(fast):
        stages = [layer for layer in encoder.walk() if is_embedding_stage(layer)]
        assert len(stages) == 1 and is_sped_up(stages[0])
        assert all(
            is_sped_up(layer) for layer in encoder.walk() if layer.name in ("maxout", "layernorm")
        )
    assert not any(is_sped_up(layer) for layer in plain.get_pipe("tok2vec").model.walk())


def test_encoders_give_the_same_floats_as_thinc(pipelines: tuple[Language, Language]) -> None:
    plain, fast = pipelines
    docs = list(plain.tokenizer.pipe(PARAGRAPHS))
    for stock, quick in zip(_encoders(plain), _encoders(fast), strict=True):
        # first the rows are computed, then remembered; then other batches, an empty doc
        for batch in (docs, docs, docs[2:5], [docs[3]]):
            assert _same(_outputs(quick, batch), _outputs(stock, batch))


def test_whole_pipeline_annotations_are_unchanged(pipelines: tuple[Language, Language]) -> None:
    plain, fast = pipelines
    text = " ".join(PARAGRAPHS[:3])
    expected, got = plain(text), fast(text)
    assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in got] == [
        (t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in expected
    ]
    assert numpy.array_equal(got.tensor, expected.tensor)


def test_the_attribution_tagger_encoder_is_unchanged() -> None:
    plain, fast = (
        _plain(str(WEIGHTS_DIR / "all")),
        speed_up_inference(_plain(str(WEIGHTS_DIR / "all"))),
    )
    # The tagger reads TAG and DEP: give it docs parsed by the main pipeline.
    docs = list(_plain(DEFAULT_MODEL).pipe(PARAGRAPHS[:3]))
    stock, quick = plain.get_pipe("tok2vec").model, fast.get_pipe("tok2vec").model
    assert is_embedding_stage(quick.layers[0])
    assert _same(_outputs(quick, docs), _outputs(stock, docs))


def _tok2vecs(
    plain: Language | None, count: int
) -> tuple[Model[Any, Any], Model[Any, Any], list[Doc]]:
    """The shipped tok2vec (of ``plain``, else a fresh load), a fresh sped-up one, docs."""
    plain = plain or _plain(DEFAULT_MODEL)
    fast = speed_up_inference(_plain(DEFAULT_MODEL))
    docs = list(plain.tokenizer.pipe(PARAGRAPHS[:count]))
    return plain.get_pipe("tok2vec").model, fast.get_pipe("tok2vec").model, docs


def test_a_full_memo_is_cleared_and_results_stay_the_same(
    pipelines: tuple[Language, Language], monkeypatch: pytest.MonkeyPatch
) -> None:
    stock, quick, docs = _tok2vecs(pipelines[0], len(PARAGRAPHS))
    monkeypatch.setattr(fast_layers, "MAX_MEMO_ROWS", 24)
    for batch in ([docs[0]], [docs[1]], [docs[6]], docs[:3], [docs[0]]):
        assert _same(_outputs(quick, batch), _outputs(stock, batch))
        memo = fast_layers._MEMOS[quick.layers[0].id]
        assert len(memo.positions) <= 24


def test_new_weights_are_not_served_from_the_memo() -> None:
    stock, quick, docs = _tok2vecs(None, 3)  # weights changed below: not the shared one
    _outputs(quick, docs)  # fills the memo and the piece-major weights
    for model in (stock, quick):
        table = next(layer for layer in model.walk() if layer.name == "hashembed")
        table.set_param("E", table.get_param("E") * 1.5)
        maxout = next(layer for layer in model.walk() if layer.name == "maxout")
        maxout.set_param("W", maxout.get_param("W") * 0.5)
    assert _same(_outputs(quick, docs), _outputs(stock, docs))


def test_rows_that_share_a_key_are_not_confused(
    pipelines: tuple[Language, Language], monkeypatch: pytest.MonkeyPatch
) -> None:
    stock, quick, docs = _tok2vecs(pipelines[0], 3)
    assert _same(_outputs(quick, docs[:1]), _outputs(stock, docs[:1]))
    collide: Callable[[Any], Any] = lambda rows: numpy.zeros(len(rows), numpy.uint64)  # noqa: E731
    monkeypatch.setattr(fast_layers, "_row_keys", collide)
    assert _same(_outputs(quick, docs), _outputs(stock, docs))


def test_training_still_runs_thincs_forward_and_backward() -> None:
    stock, quick, docs = _tok2vecs(None, 2)  # dropout changed below: not the shared one
    for model in (stock, quick):
        for layer in model.walk():
            if "dropout_rate" in layer.attrs:
                layer.attrs["dropout_rate"] = 0.0
    outputs, backprop = quick.begin_update(docs)
    expected, _ = stock.begin_update(docs)
    assert _same(list(outputs), list(expected))
    backprop([numpy.ones_like(output) for output in outputs])  # thinc's backward runs
    _, no_backprop = fast_layers.maxout_forward(
        next(layer for layer in quick.walk() if layer.name == "maxout"),
        _embedded(quick, docs),
        False,
    )
    with pytest.raises(RuntimeError, match="no backward"):
        no_backprop(None)


def _embedded(model: Model[Any, Any], docs: list[Doc]) -> Any:
    """The input of the encoder's first maxout: the concatenated hash embeddings."""
    rows = numpy.concatenate(model.layers[0].layers[0].predict(docs))
    return model.layers[0].layers[2].layers[0].predict(rows)


def test_the_setting_turns_the_faster_forwards_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fast_layers.FAST_LAYERS_SETTING, "0")
    untouched = speed_up_inference(_plain(DEFAULT_MODEL))
    assert not any(is_sped_up(layer) for layer in untouched.get_pipe("tok2vec").model.walk())


def test_only_the_most_recent_layers_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_layers, "MAX_REMEMBERED_LAYERS", 2)
    table: dict[int, str] = {}
    for key in (1, 2, 1, 3):
        fast_layers._remember(table, key, f"v{key}")
    assert table == {1: "v1", 3: "v3"}  # 2 was the oldest once 1 was used again


def test_a_saved_and_reloaded_pipeline_is_sped_up_again(tmp_path: Path) -> None:
    fast = speed_up_inference(_plain(DEFAULT_MODEL))
    fast.to_disk(tmp_path / "saved")  # nothing of this module's is saved with it
    again = _plain(str(tmp_path / "saved"))
    encoder = again.get_pipe("tok2vec").model
    assert not any(is_sped_up(layer) for layer in encoder.walk())
    speed_up_inference(again)
    assert is_sped_up(encoder.layers[0])
