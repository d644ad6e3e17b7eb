"""Who a speaker is across articles: linking each article's speakers to persons.

Owns the ``persons`` tables: when an article is stored, each of its resolved speakers
that the article names as a person or an organisation is linked to one person — the
same full name is the same person; a surname alone ("Rutte") joins a known person only
with evidence beside the name (an overlapping role, or organisations and places named
in both), never on the surname alone; a full name joins a person known only by its
surname the same way. Roles are kept with the article's date, every name as an alias,
and the organisations and places around a person as evidence for later links. A user's
corrections (``merge``, ``split``) are kept as rules and applied to every later link.
Does not decide who said what inside one article (``nlp.speakers``) and does not search
(``query``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from onrecord.models import ArticleRecord
from onrecord.store.engine import Connection

LINKED_LABELS = ("PERSON", "ORG")
"""Entity labels whose names identify someone across articles."""
CONTEXT_LABELS = ("ORG", "GPE", "NORP", "PERSON")
"""Entity labels kept as evidence of who a person is: the organisations, places, groups
and other people named beside them."""
MIN_EVIDENCE = 2
"""Evidence score from which a surname joins a known person (a role match scores 2,
each shared organisation or place 1)."""

_SUFFIX = re.compile(r"jr|sr|ii|iii|iv")
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|sir|dame|lord|lady|rev)\.?\s+", re.I)
_SECOND_RANK = frozenset({"vice", "deputy", "assistant", "associate", "under", "junior", "shadow"})
_ROLE_STOP = {"the", "of", "a", "an", "and", "for", "former", "then", "now", "new", "acting"}


def name_key(name: str) -> str:
    """The normalised form names are compared by: no accents, case or punctuation.

    Args:
        name: A name as written ("Dr. José  Álvarez-Ruiz").

    Returns:
        The key ("jose alvarez ruiz").
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _HONORIFIC.sub("", text.strip())
    words = re.findall(r"[^\W_]+", text.casefold())
    if len(words) > 2:  # middle initials: "donald j trump" is "donald trump"
        words = [w for i, w in enumerate(words) if len(w) > 1 or i in (0, len(words) - 1)]
    return " ".join(words)


def _role_words(role: str) -> frozenset[str]:
    return frozenset(w for w in name_key(role).split() if w not in _ROLE_STOP)


def roles_match(first: str, second: str) -> bool:
    """Whether two role descriptions name the same role.

    "NATO Secretary General" and "secretary general of NATO" do; "Prime Minister" and
    "Foreign Minister" do not, nor "President" and "Vice President".
    """
    a, b = _role_words(first), _role_words(second)
    if not a or not b or (a & _SECOND_RANK) != (b & _SECOND_RANK):
        return False
    return a <= b or b <= a or len(a & b) / len(a | b) >= 0.5


@dataclass
class Mention:
    """What one article says about one of its speakers.

    Attributes:
        name: The canonical name in that article.
        label: ``PERSON`` or ``ORG``.
        roles: Roles the article gives.
        context: Keys of organisations, places and groups the article names.
    """

    name: str
    label: str
    roles: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The name's key."""
        return name_key(self.name)


def article_mentions(record: ArticleRecord) -> dict[str, Mention]:
    """The linkable speakers of an article, by canonical name.

    A speaker is linkable when the article names it as a person or an organisation
    entity; descriptions ("opponents", "the council's engineer") stay unlinked.

    Args:
        record: The article's record.

    Returns:
        Mentions keyed by the speaker name used in the record's quotes.
    """
    labels: dict[str, str] = {}
    roles: dict[str, set[str]] = {}
    context: set[str] = set()
    for entity in record.entities:
        if entity.label in LINKED_LABELS:
            labels.setdefault(entity.canonical, entity.label)
            roles.setdefault(entity.canonical, set()).update(entity.roles)
        if entity.label in CONTEXT_LABELS:
            context.add(name_key(entity.canonical))
    mentions: dict[str, Mention] = {}
    for quote in record.quotes:
        name = quote.speaker
        if not name or name not in labels or not name_key(name):
            continue
        mention = mentions.setdefault(
            name, Mention(name, labels[name], set(roles.get(name, ())), set())
        )
        if quote.speaker_role:
            mention.roles.add(quote.speaker_role)
    for mention in mentions.values():
        surname = mention.key.split()[-1]
        mention.context = {
            term for term in context if term != mention.key and term.split()[-1] != surname
        }
    return mentions


@dataclass(frozen=True)
class _Candidate:
    person_id: int
    name: str
    score: int
    weight: int = 0


class PersonLinker:
    """Links mentions to persons inside the caller's open write transaction.

    Args:
        conn: The connection, in a transaction.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def link_article(
        self, record: ArticleRecord, article_id: int, reported: str | None
    ) -> dict[str, int]:
        """Link every linkable speaker of a stored article and record what it says of them.

        Args:
            record: The article's record.
            article_id: Its row id.
            reported: Its date (publication, else ingest time).

        Returns:
            Person ids by speaker name (names not linkable are absent).
        """
        linked: dict[str, int] = {}
        for name, mention in article_mentions(record).items():
            person_id = self.person_for(mention)
            self._remember(person_id, mention, article_id, reported)
            linked[name] = person_id
        return linked

    def person_for(self, mention: Mention) -> int:
        """The person a mention is, creating one when no known person fits."""
        key = mention.key
        ruled = self._by_corrections(mention)
        if ruled is not None:
            return ruled
        if mention.label != "PERSON":
            same = self._candidates_with_key(key, mention)
            return same[0].person_id if same else self._create(mention.name)
        words = key.split()
        if len(words) > 1:
            same_name = self._candidates_with_key(key, mention)
            if same_name:
                return same_name[0].person_id  # best evidence first
            # "Hillary Rodham Clinton", or a word the tagger took into the name ("Crooked
            # Hillary Clinton"): a known person's first and last name, in that order.
            for shorter in dict.fromkeys([f"{words[0]} {words[-1]}", " ".join(words[-2:])]):
                if len(words) > 2 and not _SUFFIX.fullmatch(words[-1]):
                    known = self._candidates_with_key(shorter, mention)
                    if known:
                        return known[0].person_id
        surname = words[-1]
        candidates = [
            c for c in self._candidates_by_surname(surname, mention) if c.score >= MIN_EVIDENCE
        ]
        if len(words) > 1:
            # A full name joins only a person known by this surname alone (never one with
            # another first name).
            candidates = [c for c in candidates if self._known_by_surname_only(c.person_id)]
        if len(candidates) == 1 or (
            len(candidates) > 1
            and (candidates[0].score, candidates[0].weight)
            > (candidates[1].score, 2 * candidates[1].weight)
        ):
            chosen = candidates[0]
            if len(words) > 1 and len(words) >= len(name_key(chosen.name).split()):
                self._conn.execute(
                    "UPDATE persons SET name = ? WHERE id = ?", (mention.name, chosen.person_id)
                )
            return chosen.person_id
        return self._create(mention.name)

    def _by_corrections(self, mention: Mention) -> int | None:
        rows = self._conn.execute(
            "SELECT kind, target_key, evidence FROM person_corrections"
            " WHERE alias_key = ? ORDER BY id DESC",
            (mention.key,),
        ).fetchall()
        for kind, target_key, evidence in rows:
            if kind == "split":
                marks = {name_key(r) for r in mention.roles} | mention.context
                if evidence and (
                    name_key(evidence) in marks
                    or any(roles_match(evidence, role) for role in mention.roles)
                ):
                    return self._person_named(target_key) or self._create(str(target_key))
            elif kind == "merge":
                found = self._person_named(target_key)
                if found is not None:
                    return found
        return None

    def _person_named(self, key: str) -> int | None:
        row = self._conn.execute(
            "SELECT person_id FROM person_aliases WHERE alias_key = ?"
            " ORDER BY person_id DESC LIMIT 1",
            (name_key(key),),
        ).fetchone()
        return int(row[0]) if row else None

    def _candidates_with_key(self, key: str, mention: Mention) -> list[_Candidate]:
        ids = [
            int(r[0])
            for r in self._conn.execute(
                "SELECT DISTINCT person_id FROM person_aliases WHERE alias_key = ?", (key,)
            )
        ]
        return self._scored(ids, mention)

    def _candidates_by_surname(self, surname: str, mention: Mention) -> list[_Candidate]:
        ids = [
            int(r[0])
            for r in self._conn.execute(
                "SELECT DISTINCT person_id FROM person_aliases WHERE last_key = ?", (surname,)
            )
        ]
        return self._scored(ids, mention)

    def _known_by_surname_only(self, person_id: int) -> bool:
        row = self._conn.execute(
            "SELECT count(*) FROM person_aliases WHERE person_id = ? AND alias_key != last_key",
            (person_id,),
        ).fetchone()
        return int(row[0]) == 0

    def _scored(self, ids: list[int], mention: Mention) -> list[_Candidate]:
        scored: list[_Candidate] = []
        for person_id in ids:
            name = self._conn.execute(
                "SELECT name FROM persons WHERE id = ?", (person_id,)
            ).fetchone()[0]
            roles = [
                str(r[0])
                for r in self._conn.execute(
                    "SELECT DISTINCT role FROM person_roles WHERE person_id = ?", (person_id,)
                )
            ]
            terms = {
                str(r[0]): int(r[1])
                for r in self._conn.execute(
                    "SELECT term, n FROM person_context WHERE person_id = ?", (person_id,)
                )
            }
            shared = mention.context & terms.keys()
            score = 2 if any(roles_match(a, b) for a in roles for b in mention.roles) else 0
            score += min(len(shared), 3)
            weight = sum(terms[t] for t in shared)
            scored.append(_Candidate(person_id, str(name), score, weight))
        scored.sort(key=lambda c: (-c.score, -c.weight, c.person_id))
        return scored

    def _create(self, name: str) -> int:
        cursor = self._conn.execute(
            "INSERT INTO persons (name, created_at) VALUES (?, ?)",
            (name, datetime.now(UTC).isoformat(timespec="seconds")),
        )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def _remember(
        self, person_id: int, mention: Mention, article_id: int, reported: str | None
    ) -> None:
        add_alias(self._conn, person_id, mention.name)
        for role in sorted(mention.roles):
            self._conn.execute(
                "INSERT OR IGNORE INTO person_roles (person_id, article_id, role, reported)"
                " VALUES (?, ?, ?, ?)",
                (person_id, article_id, role, reported),
            )
        for term in sorted(mention.context):
            self._conn.execute(
                "INSERT INTO person_context (person_id, term) VALUES (?, ?)"
                " ON CONFLICT (person_id, term) DO UPDATE SET n = person_context.n + 1",
                (person_id, term),
            )


def add_alias(conn: Connection, person_id: int, alias: str) -> None:
    """Record a name a person goes by (once per normalised form)."""
    key = name_key(alias)
    if not key:
        return
    conn.execute(
        "INSERT OR IGNORE INTO person_aliases (person_id, alias, alias_key, last_key)"
        " VALUES (?, ?, ?, ?)",
        (person_id, alias, key, key.split()[-1]),
    )


class CorrectionError(ValueError):
    """A merge or split that cannot be done as asked (unknown or ambiguous name)."""


def find_persons(conn: Connection, name: str) -> list[int]:
    """Persons a user means by a name, most quoted first.

    ``#12`` is person 12. Otherwise a person whose own name has this key wins; failing
    that, every person with it as an alias (a single word: as a surname).

    Args:
        conn: The connection.
        name: A name as the user typed it.
    """
    if re.fullmatch(r"#\d+", name.strip()):
        row = conn.execute("SELECT id FROM persons WHERE id = ?", (int(name.strip()[1:]),))
        return [int(r[0]) for r in row.fetchall()]
    key = name_key(name)
    order = " ORDER BY (SELECT count(*) FROM quotes AS q WHERE q.person_id = p.id) DESC, p.id"
    named = [
        int(r[0])
        for r in conn.execute(f"SELECT p.id, p.name FROM persons AS p{order}").fetchall()
        if name_key(str(r[1])) == key
    ]
    if named:
        return named
    column = "last_key" if " " not in key else "alias_key"
    rows = conn.execute(
        "SELECT p.id FROM persons AS p WHERE p.id IN"
        f" (SELECT person_id FROM person_aliases WHERE {column} = ?){order}",
        (key,),
    ).fetchall()
    return [int(r[0]) for r in rows]


def merge_persons(conn: Connection, source: str, target: str) -> tuple[int, int]:
    """Make the person called ``source`` part of the person called ``target``, for good.

    Moves quotes, aliases, roles and evidence, deletes the source person and records a
    rule so that later articles naming ``source`` link to ``target``. Runs inside the
    caller's transaction.

    Args:
        conn: The connection, in a write transaction.
        source: A name of the person to merge away.
        target: A name of the person to keep.

    Returns:
        (the kept person's id, the number of quotes moved).

    Raises:
        CorrectionError: If either name matches no person or several, or both are one.
    """
    source_id = _one_person(conn, source)
    target_id = _one_person(conn, target)
    if source_id == target_id:
        raise CorrectionError(f"{source!r} and {target!r} are already the same person")
    moved = conn.execute(
        "UPDATE quotes SET person_id = ? WHERE person_id = ?", (target_id, source_id)
    ).rowcount
    aliases = conn.execute(
        "SELECT alias, alias_key FROM person_aliases WHERE person_id = ?", (source_id,)
    ).fetchall()
    for alias, _ in aliases:
        add_alias(conn, target_id, str(alias))
    conn.execute(
        "INSERT OR IGNORE INTO person_roles (person_id, article_id, role, reported)"
        " SELECT ?, article_id, role, reported FROM person_roles WHERE person_id = ?",
        (target_id, source_id),
    )
    conn.execute(
        "INSERT INTO person_context (person_id, term, n) SELECT ?, term, n FROM person_context"
        " WHERE person_id = ? AND true ON CONFLICT (person_id, term)"
        " DO UPDATE SET n = person_context.n + excluded.n",
        (target_id, source_id),
    )
    conn.execute("DELETE FROM persons WHERE id = ?", (source_id,))
    target_key = _display_key(conn, target_id)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for _, alias_key in aliases:
        conn.execute(
            "INSERT INTO person_corrections (kind, alias_key, target_key, created_at)"
            " VALUES ('merge', ?, ?, ?)",
            (alias_key, target_key, now),
        )
    _rename_to_fullest(conn, target_id)
    return target_id, int(moved)


def split_person(conn: Connection, name: str, evidence: str, new_name: str) -> tuple[int, int]:
    """Take out of a person the quotes reported with a role or beside a term: another person.

    For example, ``split_person(conn, "Smith", "Senator", "John Smith")`` moves every
    quote of "Smith" from articles that call him a senator (or name "Senator" beside
    him) to a person "John Smith", and records a rule that links later such mentions to
    that person. Runs inside the caller's transaction.

    Args:
        conn: The connection, in a write transaction.
        name: A name of the person to split.
        evidence: A role ("Senator") or an organisation or place named in the articles.
        new_name: The name of the person the matching quotes belong to.

    Returns:
        (the new person's id, the number of quotes moved).

    Raises:
        CorrectionError: If the name matches no person or several, or no quote matches.
    """
    person_id = _one_person(conn, name)
    key = name_key(evidence)
    articles = {
        int(r[0])
        for r in conn.execute(
            "SELECT article_id, role FROM person_roles WHERE person_id = ?", (person_id,)
        ).fetchall()
        if roles_match(str(r[1]), evidence)
    } | {
        int(r[0])
        for r in conn.execute(
            "SELECT DISTINCT article_id FROM quotes WHERE person_id = ?", (person_id,)
        ).fetchall()
        if key in _article_terms(conn, int(r[0]))
    }
    if not articles:
        raise CorrectionError(f"no quote of {name!r} is reported with {evidence!r}")
    existing = find_persons(conn, new_name)
    new_id = existing[0] if existing and existing[0] != person_id else None
    if new_id is None:
        cursor = conn.execute(
            "INSERT INTO persons (name, created_at) VALUES (?, ?)",
            (new_name, datetime.now(UTC).isoformat(timespec="seconds")),
        )
        new_id = int(cursor.lastrowid or 0)
    add_alias(conn, new_id, new_name)
    marks = ",".join(str(a) for a in sorted(articles))
    moved = conn.execute(
        f"UPDATE quotes SET person_id = ? WHERE person_id = ? AND article_id IN ({marks})",
        (new_id, person_id),
    ).rowcount
    conn.execute(
        f"UPDATE person_roles SET person_id = ? WHERE person_id = ? AND article_id IN ({marks})"
        " AND NOT EXISTS (SELECT 1 FROM person_roles AS r WHERE r.person_id = ?"
        " AND r.article_id = person_roles.article_id AND r.role = person_roles.role)",
        (new_id, person_id, new_id),
    )
    for alias in conn.execute(
        "SELECT DISTINCT s.name FROM quotes AS q JOIN speakers AS s ON s.id = q.speaker_id"
        " WHERE q.person_id = ?",
        (new_id,),
    ).fetchall():
        add_alias(conn, new_id, str(alias[0]))
    conn.execute(
        "INSERT INTO person_corrections (kind, alias_key, target_key, evidence, created_at)"
        " VALUES ('split', ?, ?, ?, ?)",
        (name_key(name), name_key(new_name), evidence, datetime.now(UTC).isoformat()),
    )
    return new_id, int(moved)


def _article_terms(conn: Connection, article_id: int) -> set[str]:
    return {
        name_key(str(r[0]))
        for r in conn.execute(
            "SELECT canonical FROM entities WHERE article_id = ? AND label IN ('ORG', 'GPE', 'NORP')",
            (article_id,),
        )
    }


def _one_person(conn: Connection, name: str) -> int:
    found = find_persons(conn, name)
    if not found:
        raise CorrectionError(f"no speaker called {name!r}")
    if len(found) > 1:
        raise CorrectionError(
            f"{len(found)} speakers are called {name!r}; use a fuller name or #ID "
            "(see `onrecord speakers`)"
        )
    return found[0]


def _display_key(conn: Connection, person_id: int) -> str:
    row = conn.execute("SELECT name FROM persons WHERE id = ?", (person_id,)).fetchone()
    return name_key(str(row[0]))


def _rename_to_fullest(conn: Connection, person_id: int) -> None:
    aliases = [
        str(r[0])
        for r in conn.execute("SELECT alias FROM person_aliases WHERE person_id = ?", (person_id,))
    ]
    if aliases:
        fullest = max(aliases, key=lambda a: (len(name_key(a).split()), len(a)))
        conn.execute("UPDATE persons SET name = ? WHERE id = ?", (fullest, person_id))
