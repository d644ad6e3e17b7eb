"""Reading inputs: every bad file is reported by name and the rest of the batch goes on."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from onrecord.ingest.errors import InputError
from onrecord.ingest.files import decode_document
from onrecord.ingest.sources import ReadSettings, iter_documents
from onrecord.models import RawDocument

ARTICLE = "The mayor said that the bridge would reopen in May.\n"


def _read(
    paths: list[str], stdin: io.BytesIO | None = None, **kwargs: object
) -> tuple[list[RawDocument], list[InputError]]:
    items = list(iter_documents(paths, ReadSettings(**kwargs), stdin=stdin))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, RawDocument)], [
        i for i in items if isinstance(i, InputError)
    ]


def test_directory_is_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(ARTICLE)
    (tmp_path / "one.txt").write_text(ARTICLE)
    (tmp_path / ".hidden.txt").write_text(ARTICLE)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    docs, errors = _read([str(tmp_path)])
    assert [Path(d.path).name for d in docs] == ["two.txt", "one.txt"]  # sorted by path: b/ < one
    assert errors == []


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "good.txt").write_text(ARTICLE)
    docs, errors = _read([str(tmp_path)])
    assert [e.code for e in errors] == ["empty"]
    assert "empty.txt" in errors[0].message
    assert len(docs) == 1


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 40)
    docs, errors = _read([str(path)])
    assert docs == [] and errors[0].code == "binary" and "blob.txt" in errors[0].message


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "cp1251"])
def test_non_utf8_text_is_detected_and_decoded(tmp_path: Path, encoding: str) -> None:
    text = (
        "The minister said: “Ça va très bien, déjà fait.” Über alles, Zoë noted that it was fine.\n"
        * 3
    )
    if encoding == "latin-1":
        text = text.replace("“", '"').replace("”", '"')
    if encoding == "cp1251":
        text = "Министр сказал, что бюджет будет сбалансирован в следующем году. Это важно.\n" * 3
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    docs, errors = _read([str(path)])
    assert errors == []
    assert docs[0].text.replace("\r\n", "\n") == text
    if encoding != "utf-16":
        assert [n.code for n in docs[0].notices] == ["encoding_detected"]
        assert ("cp1251" if encoding == "cp1251" else "cp1252") in docs[0].notices[0].message


def test_utf8_bom_is_not_part_of_the_text() -> None:
    doc = decode_document("bom.txt", b"\xef\xbb\xbfHello there.")
    assert isinstance(doc, RawDocument) and doc.text == "Hello there."


def test_too_large_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    _docs, errors = _read([str(path)], max_bytes=1000)
    assert errors[0].code == "too_large" and "1,000" in errors[0].message


def test_missing_and_unreadable_files_do_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text(ARTICLE)
    locked.chmod(0)
    try:
        docs, errors = _read([str(tmp_path), str(tmp_path / "absent.txt")])
    finally:
        locked.chmod(0o755)
    codes = sorted(e.code for e in errors)
    assert "not_found" in codes and "unreadable" in codes
    assert any("dangling.txt" in e.message for e in errors)
    assert any("absent.txt" in e.message for e in errors)
    if os.geteuid() != 0:  # root reads through chmod 0
        assert any("locked" in e.message for e in errors)
    assert [Path(d.path).name for d in docs if d.path.endswith("good.txt")] == ["good.txt"]


def test_stdin_is_read_for_dash() -> None:
    docs, errors = _read(["-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert errors == [] and docs[0].path == "-" and docs[0].text == ARTICLE
