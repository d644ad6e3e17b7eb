from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from onrecord.models import ArticleRecord, Entity, Notice, Quote, Span, content_hash
from onrecord.query.quotes import find_quotes
from onrecord.store import migrations
from onrecord.store.db import Database, SaveResult, open_database
from onrecord.store.migrations import MIGRATIONS, Migration, MigrationError, migrate

BERG_TEXT = (
    "Berg pledges more money for rural schools\n"
    "\n"
    "Education minister Anna Berg said on Monday that rural schools would receive more "
    'funding next year. "Every child deserves a good school," Berg said, "close to home." '
    '"We will not close another village school," she added.\n'
)

OKAFOR_TEXT = (
    "Opposition scoffs at school plan\n"
    "\n"
    'Opposition leader Tom Okafor called the plan a gimmick. "The minister promises schools, '
    'but she closes hospitals," Okafor said. Anna Berg did not respond.\n'
)


def at(text: str, fragment: str, after: int = 0) -> Span:
    start = text.index(fragment, after)
    return (start, start + len(fragment))


def berg_record(path: str = "berg.txt") -> ArticleRecord:
    t = BERG_TEXT
    return ArticleRecord(
        path=path,
        text=t,
        title="Berg pledges more money for rural schools",
        site="Daily Example",
        published="2024-03-01",
        quotes=[
            Quote(
                content=[at(t, "rural schools would receive more funding next year", 50)],
                cue=[at(t, "said")],
                source=[at(t, "Anna Berg")],
                speaker="Anna Berg",
                speaker_role="Education minister",
                type="indirect",
                confidence=0.8,
            ),
            Quote(
                content=[at(t, "Every child deserves a good school,"), at(t, "close to home.")],
                cue=[at(t, "said", t.index("Every"))],
                source=[at(t, "Berg", t.index("Every"))],
                speaker="Anna Berg",
                speaker_role="Education minister",
                confidence=0.9,
            ),
            Quote(
                content=[at(t, "We will not close another village school,")],
                cue=[at(t, "added")],
                source=[at(t, "she")],
                speaker="Anna Berg",
                confidence=0.7,
            ),
        ],
        entities=[
            Entity(
                text="Anna Berg",
                label="PERSON",
                canonical="Anna Berg",
                spans=[at(t, "Anna Berg"), at(t, "Berg", t.index("Every"))],
                roles=["Education minister"],
            ),
            Entity(text="Monday", label="DATE", canonical="Monday", spans=[at(t, "Monday")]),
        ],
        warnings=[Notice("test_notice", "A made-up warning.", (at(t, "Monday"),))],
        metadata={"encoding": "utf-8", "reading_time": "1 Min Read"},
    )


def okafor_record() -> ArticleRecord:
    t = OKAFOR_TEXT
    return ArticleRecord(
        path="okafor.txt",
        text=t,
        title="Opposition scoffs at school plan",
        published="2024-03-02",
        quotes=[
            Quote(
                content=[at(t, "The minister promises schools, but she closes hospitals,")],
                cue=[at(t, "said")],
                source=[at(t, "Okafor", t.index("hospitals"))],
                speaker="Tom Okafor",
                speaker_role="Opposition leader",
            )
        ],
        entities=[
            Entity(text="Tom Okafor", label="PERSON", canonical="Tom Okafor"),
            Entity(text="Anna Berg", label="PERSON", canonical="Anna Berg"),
        ],
    )


def sqlite_only(db: Database) -> None:
    """Skip a test of SQLite's own schema machinery (migrate(), FTS5 tables) on PostgreSQL."""
    if db.dialect != "sqlite":
        pytest.skip("tests SQLite's migration and FTS5 internals; PostgreSQL has its own")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    with open_database(database_url) as database:
        yield database


def migration_rows(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return conn.execute(
        "SELECT version, name FROM _onrecord_migrations ORDER BY version"
    ).fetchall()


# --- migrations -------------------------------------------------------------------------------


def test_migrations_applied_once_and_recorded(db: Database) -> None:
    sqlite_only(db)
    rows = migration_rows(db.connection)
    assert rows == [(m.version, m.name) for m in MIGRATIONS]
    applied_at = db.connection.execute("SELECT applied_at FROM _onrecord_migrations").fetchone()[0]
    assert applied_at.startswith("20")


def test_migrate_again_is_a_no_op(db: Database) -> None:
    sqlite_only(db)
    before = migration_rows(db.connection)
    assert migrate(db.connection) == []
    assert migrate(db.connection) == []
    assert migration_rows(db.connection) == before


def test_schema_tables_exist(db: Database) -> None:
    sqlite_only(db)
    names = {
        row[0]
        for row in db.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {"articles", "speakers", "quotes", "entities", "quotes_fts", "articles_fts"} <= names
    assert "_onrecord_migrations" in names


def test_appended_migration_applies_only_the_new_step(db: Database) -> None:
    sqlite_only(db)
    extended = [*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "add_notes", "CREATE TABLE notes(x);")]
    assert migrate(db.connection, extended) == [len(MIGRATIONS) + 1]
    assert migrate(db.connection, extended) == []
    assert db.connection.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def test_newer_database_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _onrecord_migrations VALUES (999, 'from_the_future', '2099-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(MigrationError, match="version 999"):
        open_database(path)


def test_newer_database_refused_by_migrate(db: Database) -> None:
    sqlite_only(db)
    extended = [*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "later", "CREATE TABLE later(x);")]
    migrate(db.connection, extended)
    with pytest.raises(MigrationError, match="upgrade onrecord"):
        migrate(db.connection)


def test_failed_migration_rolls_back_that_step(db: Database) -> None:
    sqlite_only(db)
    broken = [
        *MIGRATIONS,
        Migration(
            len(MIGRATIONS) + 1, "broken", "CREATE TABLE half(x); INSERT INTO nope VALUES (1);"
        ),
    ]
    with pytest.raises(MigrationError, match="broken"):
        migrate(db.connection, broken)
    assert migration_rows(db.connection) == [(m.version, m.name) for m in MIGRATIONS]
    assert (
        db.connection.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone()
        is None
    )
    assert not db.connection.in_transaction


def test_migration_list_must_have_no_gaps(db: Database) -> None:
    sqlite_only(db)
    with pytest.raises(MigrationError, match="without gaps"):
        migrate(db.connection, [*MIGRATIONS, Migration(len(MIGRATIONS) + 2, "gap", "SELECT 1;")])


def test_statement_splitter_keeps_triggers_and_strings_whole() -> None:
    sql = "CREATE TABLE t(a); CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT ';'; END; -- end\n"
    assert migrations._statements(sql) == [
        "CREATE TABLE t(a);",
        "CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT ';'; END;",
    ]


# --- opening ----------------------------------------------------------------------------------


def test_missing_parent_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        open_database(tmp_path / "no" / "such" / "dir.db")
    assert not (tmp_path / "no").exists()


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite " * 100)
    with pytest.raises(sqlite3.DatabaseError):
        open_database(path)


def test_file_database_pragmas(tmp_path: Path) -> None:
    with open_database(tmp_path / "onrecord.db") as database:
        conn = database.connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_context_manager_closes(tmp_path: Path) -> None:
    with open_database(tmp_path / "x.db") as database:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        database.connection.execute("SELECT 1")
    database.close()  # a second close is harmless


# --- saving -----------------------------------------------------------------------------------


def test_save_and_counts(db: Database) -> None:
    assert db.counts() == {
        "articles": 0,
        "article_sources": 0,
        "speakers": 0,
        "persons": 0,
        "quotes": 0,
        "entities": 0,
    }
    result = db.save_article(berg_record())
    assert result.status == "stored"
    assert db.counts() == {
        "articles": 1,
        "article_sources": 1,
        "speakers": 1,
        "persons": 1,
        "quotes": 3,
        "entities": 2,
    }
    assert db.save_article(okafor_record()).status == "stored"
    # "Anna Berg" is one speaker row across articles; Okafor is new.
    assert db.counts() == {
        "articles": 2,
        "article_sources": 2,
        "speakers": 2,
        "persons": 2,
        "quotes": 4,
        "entities": 4,
    }


def test_stored_columns(db: Database) -> None:
    record = berg_record()
    article_id = db.save_article(record).article_id
    conn = db.connection
    row = conn.execute(
        "SELECT content_hash, path, title, site, published, text, metadata, warnings, ingested_at"
        " FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    assert row[0] == content_hash(record.text)
    assert row[1:6] == (record.path, record.title, record.site, record.published, record.text)
    assert json.loads(row[6]) == record.metadata
    assert json.loads(row[7]) == [w.to_dict() for w in record.warnings]
    assert row[8]

    quotes = conn.execute(
        "SELECT q.position, s.name, q.speaker_role, q.type, q.confidence, q.content, q.cue,"
        " q.source, q.content_text, q.cue_text, q.source_text, q.extractor"
        " FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id ORDER BY q.position"
    ).fetchall()
    second = quotes[1]
    assert second[1:5] == ("Anna Berg", "Education minister", "direct", 0.9)
    assert json.loads(second[5]) == [list(s) for s in record.quotes[1].content]
    assert second[8] == "Every child deserves a good school, … close to home."
    assert (second[9], second[10]) == ("said", "Berg")
    assert second[11] == "onrecord.QuoteRules.v1"

    entity = conn.execute(
        "SELECT text, label, canonical, spans, roles FROM entities ORDER BY position"
    ).fetchone()
    assert entity[:3] == ("Anna Berg", "PERSON", "Anna Berg")
    assert json.loads(entity[3]) == [list(s) for s in record.entities[0].spans]
    assert json.loads(entity[4]) == ["Education minister"]


def test_resave_is_unchanged(db: Database) -> None:
    first = db.save_article(berg_record())
    counts = db.counts()
    again = db.save_article(berg_record())
    assert again == SaveResult("unchanged", first.article_id)
    assert db.counts() == counts
    # Same text under another path is the same article, seen at one more place.
    assert db.save_article(berg_record(path="copy/berg.txt")) == SaveResult(
        "copy", first.article_id
    )
    assert db.counts() == {**counts, "article_sources": counts["article_sources"] + 1}
    assert db.connection.execute("SELECT path FROM articles").fetchall() == [("berg.txt",)]
    sources = db.connection.execute("SELECT path FROM article_sources ORDER BY id").fetchall()
    assert sources == [("berg.txt",), ("copy/berg.txt",)]
    assert db.save_article(berg_record(path="copy/berg.txt")).status == "unchanged"


def test_failure_mid_save_leaves_no_trace(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db.save_article(berg_record())
    before = db.counts()

    def explode(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Database, "_insert_entity", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        db.save_article(okafor_record())
    conn = db.connection
    assert not conn.in_transaction
    assert db.counts() == before
    assert conn.execute("SELECT 1 FROM speakers WHERE name = 'Tom Okafor'").fetchone() is None
    assert find_quotes(db, search="hospitals") == []
    if db.dialect == "sqlite":
        assert (
            conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'gimmick'"
            ).fetchall()
            == []
        )

    monkeypatch.undo()
    assert db.save_article(okafor_record()).status == "stored"
    assert db.counts()["articles"] == 2


def test_span_outside_text_rejected_before_writing(db: Database) -> None:
    record = berg_record()
    record.quotes[0].content = [(10, len(record.text) + 5)]
    with pytest.raises(ValueError, match="outside the text"):
        db.save_article(record)
    assert db.counts()["articles"] == 0


def test_unserialisable_metadata_rejected_before_writing(db: Database) -> None:
    record = berg_record()
    record.metadata = {"when": object()}
    with pytest.raises(TypeError):
        db.save_article(record)
    assert db.counts()["articles"] == 0


def test_quote_without_speaker(db: Database) -> None:
    record = berg_record()
    record.quotes[2].speaker = None
    db.save_article(record)
    assert (
        db.connection.execute("SELECT count(*) FROM quotes WHERE speaker_id IS NULL").fetchone()[0]
        == 1
    )


def test_delete_cascades_and_keeps_fts_in_step(db: Database) -> None:
    sqlite_only(db)
    berg = db.save_article(berg_record()).article_id
    db.save_article(okafor_record())
    conn = db.connection
    conn.execute("DELETE FROM articles WHERE id = ?", (berg,))
    assert db.counts() == {
        "articles": 1,
        "article_sources": 1,
        "speakers": 2,
        "persons": 2,
        "quotes": 1,
        "entities": 2,
    }
    assert (
        conn.execute("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH 'village'").fetchall()
        == []
    )
    conn.execute("UPDATE quotes SET content_text = 'entirely new words'")
    assert (
        len(
            conn.execute(
                "SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH 'entirely'"
            ).fetchall()
        )
        == 1
    )
    assert (
        conn.execute("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH 'hospitals'").fetchall()
        == []
    )
    conn.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('integrity-check')")
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_persists_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "onrecord.db"
    with open_database(path) as database:
        stored = database.save_article(berg_record())
        counts = database.counts()
    with open_database(str(path)) as database:
        assert database.counts() == counts
        assert database.save_article(berg_record()) == SaveResult("unchanged", stored.article_id)
        assert migration_rows(database.connection) == [(m.version, m.name) for m in MIGRATIONS]


def test_postgresql_tests_run_where_required() -> None:
    # .ci/run starts a server and sets both variables: there the PostgreSQL half of the
    # suite must run, not skip.
    from conftest import POSTGRES_SERVER

    if os.environ.get("ONRECORD_REQUIRE_POSTGRES") == "1":
        assert POSTGRES_SERVER, "ONRECORD_TEST_POSTGRES is not set, but .ci/run requires it"
        with open_database(POSTGRES_SERVER) as database:
            assert database.dialect == "postgresql"


def test_reopening_migrates_nothing_and_keeps_the_data(database_url: str) -> None:
    with open_database(database_url) as database:
        database.save_article(berg_record())
        counts = database.counts()
    with open_database(database_url) as database:
        assert database.counts() == counts
        versions = [
            int(r[0])
            for r in database.connection.execute(
                "SELECT version FROM _onrecord_migrations ORDER BY version"
            )
        ]
        assert versions == [m.version for m in MIGRATIONS]
        if database.dialect == "postgresql":
            database.connection.execute(
                "INSERT INTO _onrecord_migrations (version, name, applied_at)"
                " VALUES (99, 'future', 'now')"
            )
    if database_url.startswith("postgresql"):
        with pytest.raises(MigrationError, match="version 99"):
            open_database(database_url)
