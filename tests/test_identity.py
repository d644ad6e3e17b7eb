"""Speakers across articles: one person per identity, never merged on a surname alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from onrecord.models import ArticleRecord, Entity, Quote
from onrecord.store.db import Database, open_database
from onrecord.store.identity import CorrectionError, name_key, roles_match

_counter = iter(range(10_000))


def article(
    speakers: list[tuple[str, str | None]],
    *,
    context: tuple[str, ...] = (),
    published: str = "2025-06-01",
    extra_entities: tuple[Entity, ...] = (),
) -> ArticleRecord:
    """An article whose quotes are by the given (name, role) speakers, naming the context."""
    n = next(_counter)
    text = f"Article {n}. " + " ".join(f"{name} said something." for name, _ in speakers)
    quotes = [Quote(content=[(0, 5)], speaker=name, speaker_role=role) for name, role in speakers]
    entities = [
        Entity(name, "PERSON" if name[0].isupper() else "NORP", name, [], [role] if role else [])
        for name, role in speakers
    ]
    entities += [Entity(term, "ORG", term, [], []) for term in context]
    return ArticleRecord(
        path=f"a{n}.txt",
        text=text,
        published=published,
        quotes=quotes,
        entities=entities + list(extra_entities),
    )


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    with open_database(database_url) as database:
        yield database


def persons(db: Database) -> dict[str, set[str]]:
    """Person name → the speaker names of its quotes."""
    found: dict[str, set[str]] = {}
    for person, speaker in db.connection.execute(
        "SELECT p.name, s.name FROM quotes AS q JOIN persons AS p ON p.id = q.person_id"
        " JOIN speakers AS s ON s.id = q.speaker_id"
    ):
        found.setdefault(person, set()).add(speaker)
    return found


def test_name_keys_and_roles() -> None:
    assert name_key("Dr. José  Álvarez-Ruiz") == "jose alvarez ruiz"
    assert roles_match("NATO Secretary General", "secretary general of NATO")
    assert not roles_match("Prime Minister", "Foreign Minister")
    assert not roles_match("President", "Vice President")
    assert roles_match("Prime Minister of the Netherlands", "Dutch Prime Minister")


def test_same_full_name_is_one_person_with_dated_roles(db: Database) -> None:
    db.save_article(
        article([("Mark Rutte", "Prime Minister of the Netherlands")], published="2023-03-01")
    )
    db.save_article(article([("Mark Rutte", "NATO Secretary General")], published="2025-06-24"))
    assert persons(db) == {"Mark Rutte": {"Mark Rutte"}}
    roles = db.connection.execute(
        "SELECT role, reported FROM person_roles ORDER BY reported"
    ).fetchall()
    assert roles == [
        ("Prime Minister of the Netherlands", "2023-03-01"),
        ("NATO Secretary General", "2025-06-24"),
    ]


def test_surname_joins_with_a_matching_role_or_shared_context(db: Database) -> None:
    db.save_article(
        article([("Mark Rutte", "NATO Secretary General")], context=("NATO", "Ukraine"))
    )
    db.save_article(article([("Rutte", "secretary general of NATO")]))
    db.save_article(article([("Rutte", None)], context=("NATO", "Ukraine", "Kremlin")))
    assert persons(db) == {"Mark Rutte": {"Mark Rutte", "Rutte"}}


def test_surname_alone_never_merges(db: Database) -> None:
    db.save_article(article([("Mark Rutte", "NATO Secretary General")], context=("NATO",)))
    db.save_article(article([("Rutte", None)], context=("Ajax",)))
    found = persons(db)
    assert found == {"Mark Rutte": {"Mark Rutte"}, "Rutte": {"Rutte"}}


def test_people_sharing_a_surname_stay_apart(db: Database) -> None:
    db.save_article(article([("Joe Biden", "President")], context=("White House", "Congress")))
    db.save_article(article([("Hunter Biden", None)], context=("Delaware", "Burisma")))
    db.save_article(article([("Biden", "President")], context=("White House",)))
    db.save_article(article([("Biden", None)], context=("Burisma", "Delaware")))
    assert persons(db) == {
        "Joe Biden": {"Joe Biden", "Biden"},
        "Hunter Biden": {"Hunter Biden", "Biden"},
    }


def test_ambiguous_surname_creates_its_own_person(db: Database) -> None:
    db.save_article(article([("Joe Biden", None)], context=("Washington",)))
    db.save_article(article([("Hunter Biden", None)], context=("Washington",)))
    db.save_article(article([("Biden", None)], context=("Washington", "Senate")))
    assert persons(db)["Biden"] == {"Biden"}


def test_full_name_later_joins_a_person_known_by_surname(db: Database) -> None:
    db.save_article(article([("Kowalski", "transport director")], context=("Island Ferries",)))
    db.save_article(article([("Anna Kowalski", "director of transport")]))
    assert persons(db) == {"Anna Kowalski": {"Kowalski", "Anna Kowalski"}}


def test_descriptions_are_not_linked_across_articles(db: Database) -> None:
    first = article([("Mark Rutte", None)])
    first.quotes.append(Quote(content=[(0, 5)], speaker="opponents"))
    db.save_article(first)
    unlinked = db.connection.execute(
        "SELECT count(*) FROM quotes WHERE person_id IS NULL"
    ).fetchone()[0]
    assert unlinked == 1


def test_organisations_link_by_name(db: Database) -> None:
    for _ in range(2):
        record = article([])
        record.entities.append(Entity("the White House", "ORG", "White House", [], []))
        record.quotes.append(Quote(content=[(0, 5)], speaker="White House"))
        db.save_article(record)
    assert persons(db) == {"White House": {"White House"}}


def test_merge_is_kept_for_later_articles(db: Database) -> None:
    db.save_article(article([("Mark Rutte", "NATO Secretary General")]))
    db.save_article(article([("Rutte", None)]))
    assert len(persons(db)) == 2
    kept, moved = db.merge_speakers("Rutte", "Mark Rutte")
    assert moved == 1
    assert persons(db) == {"Mark Rutte": {"Mark Rutte", "Rutte"}}
    db.save_article(article([("Rutte", None)], context=("Feyenoord",)))
    assert persons(db) == {"Mark Rutte": {"Mark Rutte", "Rutte"}}
    assert db.connection.execute("SELECT count(*) FROM persons").fetchone()[0] == 1
    assert kept == db.connection.execute("SELECT id FROM persons").fetchone()[0]


def test_split_is_kept_for_later_articles(db: Database) -> None:
    db.save_article(article([("John Smith", "Senator")], context=("Senate",)))
    db.save_article(article([("John Smith", "chief executive")], context=("Acme",)))
    assert len(persons(db)) == 1
    _, moved = db.split_speaker("John Smith", "chief executive", "John Smith (Acme)")
    assert moved == 1
    db.save_article(article([("John Smith", "chief executive of Acme")], context=("Acme",)))
    db.save_article(article([("John Smith", "Senator")]))
    rows = db.connection.execute(
        "SELECT p.name, q.speaker_role FROM quotes AS q JOIN persons AS p ON p.id = q.person_id"
        " ORDER BY q.id"
    ).fetchall()
    assert rows == [
        ("John Smith", "Senator"),
        ("John Smith (Acme)", "chief executive"),
        ("John Smith (Acme)", "chief executive of Acme"),
        ("John Smith", "Senator"),
    ]


def test_corrections_refuse_unknown_and_ambiguous_names(db: Database) -> None:
    db.save_article(article([("Joe Biden", None)], context=("Washington",)))
    db.save_article(article([("Hunter Biden", None)], context=("Delaware",)))
    with pytest.raises(CorrectionError, match="no speaker"):
        db.merge_speakers("Nobody", "Joe Biden")
    with pytest.raises(CorrectionError, match="already the same"):
        db.merge_speakers("Joe Biden", "Joe Biden")
    db.save_article(article([("Biden", None)], context=("Ohio",)))
    db.merge_speakers("Biden", "Hunter Biden")
    with pytest.raises(CorrectionError, match="2 speakers"):
        db.merge_speakers("Biden", "Joe Biden")  # "Biden" alone is not enough now


def test_middle_initials_and_words_stuck_to_a_name(db: Database) -> None:
    db.save_article(article([("Donald Trump", "Republican nominee")], context=("GOP",)))
    db.save_article(article([("Donald J. Trump", None)]))
    db.save_article(article([("Hillary Clinton", None)]))
    db.save_article(article([("Crooked Hillary Clinton", None)]))
    db.save_article(article([("Hillary Rodham Clinton", None)]))
    db.save_article(article([("Donald Trump Jr.", None)], context=("GOP",)))
    assert persons(db) == {
        "Donald Trump": {"Donald Trump", "Donald J. Trump"},
        "Hillary Clinton": {"Hillary Clinton", "Crooked Hillary Clinton", "Hillary Rodham Clinton"},
        "Donald Trump Jr.": {"Donald Trump Jr."},
    }
