"""Reading PolNeAR-layout annotated corpora: brat standoff attributions and their texts.

Owns parsing ``DIR/attributions/<article>_<annotator>.ann`` files into
``GoldAttribution`` values (content, cue and source fragments), choosing one annotator
per article, reading the article texts byte-exactly, and classifying a gold content as
direct, indirect or mixed by the quotation marks inside it. Scoring lives in
``eval.polnear``; training from these annotations in ``train``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from onrecord.models import QuoteType, Span

ROLES = ("content", "cue", "source")

_ENTRY_START = re.compile(r"(?:[TERAMN]\d+|#\d*|\*)\t")
_ROLE_ARGUMENT = re.compile(r"(Content|Cue|Source)\d*")
_ATTRIBUTION_TRIGGERS = frozenset({"Attribution", "Attribution-no-source"})
_FRAGMENT_SEPARATOR = " "  # brat joins the texts of discontinuous fragments with a space

_OPEN_DOUBLE = "“"
_CLOSE_DOUBLE = "”"
_OPEN_SINGLE = "‘"
_CLOSE_SINGLE = "’"
_STRAIGHT_DOUBLES = ("''", '"')  # NYT-style two apostrophes stand for a double mark
_STRAIGHT_SINGLE = "'"
_BEFORE_OPENING = "([{—–-/“‘"
_AFTER_CLOSING = ")]}.,;:!?—–-”’…"
_SENTENCE_PUNCTUATION = ".,;:!?…"


# --------------------------------------------------------------------------- gold data


@dataclass
class GoldAttribution:
    """One gold attribution relation (one brat event).

    Attributes:
        event_id: The brat event id (``"E3"``).
        content: Fragments of the content, sorted.
        cue: Fragments of the cue, sorted.
        source: Fragments of the source mention, sorted; empty when there is none.
        type: ``direct``, ``indirect`` or ``mixed``, from the quotation marks inside the
            content (see ``classify_quote_type``).
    """

    event_id: str
    content: list[Span]
    cue: list[Span]
    source: list[Span]
    type: QuoteType


@dataclass(frozen=True)
class _TextBound:
    """A brat text-bound annotation: fragments in file order and their text."""

    label: str
    fragments: tuple[Span, ...]
    text: str

    def fragment_texts(self) -> list[str]:
        """Split the brat text (fragments joined by a space) back into fragments."""
        lengths = [end - start for start, end in self.fragments]
        expected = sum(lengths) + len(_FRAGMENT_SEPARATOR) * (len(lengths) - 1)
        if len(self.text) != expected:
            return [self.text]
        texts, offset = [], 0
        for length in lengths:
            texts.append(self.text[offset : offset + length])
            offset += length + len(_FRAGMENT_SEPARATOR)
        return texts


def read_gold(ann_path: Path) -> list[GoldAttribution]:
    """Read the attributions of one PolNeAR brat standoff file.

    Text-bound lines whose text holds newlines continue on the following lines. Events
    with trigger ``Attribution`` or ``Attribution-no-source`` become attributions; their
    ``Content``/``Cue``/``Source`` arguments may come in any order, and numbered variants
    (``Content2``) are merged into the same role. The source is whatever ``Source``
    arguments the event has, whatever its trigger says. ``Discard``/``Discuss``
    text-bounds, attributes, relations and notes are ignored.

    Args:
        ann_path: The ``.ann`` file.

    Returns:
        The attributions, in file order.

    Raises:
        ValueError: If a line is malformed or an event names an unknown text-bound.
    """
    text_bounds: dict[str, _TextBound] = {}
    events: list[tuple[int, str, str]] = []
    content = ann_path.read_text(encoding="utf-8")
    for line_number, entry in _brat_entries(content, str(ann_path)):
        entry_id, _, rest = entry.partition("\t")
        where = f"{ann_path}:{line_number}"
        if entry_id.startswith("T"):
            text_bounds[entry_id] = _parse_text_bound(rest, where)
        elif entry_id.startswith("E"):
            events.append((line_number, entry_id, rest))
    attributions = []
    for line_number, event_id, rest in events:
        where = f"{ann_path}:{line_number}"
        attribution = _parse_event(event_id, rest, text_bounds, where)
        if attribution is not None:
            attributions.append(attribution)
    return attributions


def _brat_entries(content: str, file_name: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, entry)``, joining continuation lines with newlines."""
    entry: str | None = None
    entry_line = 0
    for line_number, line in enumerate(content.split("\n"), start=1):
        if _ENTRY_START.match(line):
            if entry is not None:
                yield entry_line, entry
            entry, entry_line = line, line_number
        elif entry is not None:
            entry += "\n" + line
        elif line.strip():
            raise ValueError(f"{file_name}:{line_number}: not an annotation: {line!r}")
    if entry is not None:
        yield entry_line, entry


def _parse_text_bound(rest: str, where: str) -> _TextBound:
    """Parse ``<Type> <s> <e>[;<s> <e>...]``, a tab and the text (the part after the id)."""
    head, _, text = rest.partition("\t")
    label, _, offsets = head.partition(" ")
    try:
        fragments = tuple(_parse_fragment(part) for part in offsets.split(";"))
    except ValueError as error:
        raise ValueError(f"{where}: bad offsets {offsets!r}") from error
    # A trailing newline belongs to the file, not to the span text.
    while len(text) > _text_length(fragments) and text.endswith("\n"):
        text = text.removesuffix("\n")
    return _TextBound(label=label, fragments=fragments, text=text)


def _parse_fragment(part: str) -> Span:
    """Parse ``"<start> <end>"`` into a span."""
    start_text, end_text = part.split()
    start, end = int(start_text), int(end_text)
    if not 0 <= start <= end:
        raise ValueError(f"bad fragment {part!r}")
    return start, end


def _text_length(fragments: Sequence[Span]) -> int:
    """Return the length of the brat text for these fragments."""
    return sum(end - start for start, end in fragments) + len(fragments) - 1


def _parse_event(
    event_id: str, rest: str, text_bounds: dict[str, _TextBound], where: str
) -> GoldAttribution | None:
    """Turn one event line into an attribution, or None for other event types."""
    if not rest.split():
        raise ValueError(f"{where}: event {event_id} has no trigger")
    trigger, *arguments = rest.split()
    trigger_type = trigger.partition(":")[0]
    if trigger_type not in _ATTRIBUTION_TRIGGERS:
        return None
    roles: dict[str, list[_TextBound]] = {role: [] for role in ROLES}
    for argument in arguments:
        role_name, _, target = argument.partition(":")
        role = _ROLE_ARGUMENT.fullmatch(role_name)
        if role is None:
            continue
        if target not in text_bounds:
            raise ValueError(f"{where}: event {event_id} names unknown text-bound {target!r}")
        roles[role.group(1).lower()].append(text_bounds[target])
    content_texts = [text for bound in roles["content"] for text in bound.fragment_texts()]
    return GoldAttribution(
        event_id=event_id,
        content=_merged_fragments(roles["content"]),
        cue=_merged_fragments(roles["cue"]),
        source=_merged_fragments(roles["source"]),
        type=classify_quote_type(content_texts),
    )


def _merged_fragments(bounds: Sequence[_TextBound]) -> list[Span]:
    """Return the distinct fragments of several text-bounds, sorted."""
    return sorted({fragment for bound in bounds for fragment in bound.fragments})


def select_annotation_files(gold_dir: Path) -> dict[str, Path]:
    """Pick one ``.ann`` file per article: the one whose annotator id sorts lowest.

    Args:
        gold_dir: A directory in PolNeAR layout (``text/`` and ``attributions/``).

    Returns:
        Article name (the text file's stem) to its chosen annotation file.
    """
    return {article: paths[0] for article, paths in annotation_files(gold_dir).items()}


def annotation_files(gold_dir: Path) -> dict[str, list[Path]]:
    """Every ``.ann`` file of each article, in the order of their annotator ids.

    Args:
        gold_dir: A directory in PolNeAR layout (``text/`` and ``attributions/``).

    Returns:
        Article name (the text file's stem) to its annotation files, lowest id first.

    Raises:
        ValueError: If a file is not named ``<article>_<annotator>.ann``.
    """
    found: dict[str, list[tuple[str, Path]]] = {}
    for ann_path in sorted((gold_dir / "attributions").glob("*.ann")):
        article, _, annotator = ann_path.stem.rpartition("_")
        if not article:
            raise ValueError(f"{ann_path}: name is not <article>_<annotator>.ann")
        found.setdefault(article, []).append((annotator, ann_path))
    return {article: [p for _, p in sorted(paths)] for article, paths in sorted(found.items())}


# --------------------------------------------------------------------------- quote types


def classify_quote_type(fragments: Sequence[str]) -> QuoteType:
    """Classify a content by the quotation marks inside it.

    Each fragment, and each line within a fragment, is read on its own. Marks: “ ” and
    straight ``"`` (or NYT-style ``''``) for double quotes; ‘ ’ and straight ``'`` for
    single quotes. ’ and ``'`` between letters or digits, or after a letter with no
    single quote open (Democrats’), are apostrophes, and so is a single opening mark
    that nothing closes on its line ('90s). A double quote left open runs to the end
    of its line; a closing double mark with no opening one (content starting inside a
    quotation) quotes everything before it on its line, as does a closing single mark
    right after sentence punctuation.

    Args:
        fragments: The texts of the content's fragments.

    Returns:
        ``direct`` when every alphanumeric character is quoted, ``indirect`` when none
        is (or there is none), ``mixed`` otherwise.
    """
    quoted = total = 0
    for fragment in fragments:
        for line in fragment.split("\n"):
            mask = quoted_mask(line)
            for char, is_quoted in zip(line, mask, strict=True):
                if char.isalnum():
                    total += 1
                    quoted += is_quoted
    if quoted == 0:
        return "indirect"
    return "direct" if quoted == total else "mixed"


def quoted_mask(line: str) -> list[bool]:
    """Mark which characters of one line lie inside quotation marks (marks included).

    Args:
        line: One line of text, read without any context before or after it.

    Returns:
        One flag per character.
    """
    mask = [False] * len(line)
    for start, end in _double_regions(line) + _single_regions(line):
        mask[start:end] = [True] * (end - start)
    return mask


@dataclass(frozen=True)
class _Mark:
    """A quotation mark: where it starts, how long it is, and which way it faces."""

    position: int
    length: int
    opening: bool | None  # None: the context does not say

    @property
    def end(self) -> int:
        """Return the offset just after the mark."""
        return self.position + self.length


def _double_regions(line: str) -> list[Span]:
    """Return the spans of the line inside double quotes."""
    return _regions(_double_marks(line), len(line), unopened_closes=lambda _: True)


def _single_regions(line: str) -> list[Span]:
    """Return the spans of the line inside single quotes."""

    def after_punctuation(mark: _Mark) -> bool:
        return mark.position > 0 and line[mark.position - 1] in _SENTENCE_PUNCTUATION

    return _regions(_single_marks(line), len(line), unopened_closes=after_punctuation)


def _regions(
    marks: Sequence[_Mark], line_length: int, unopened_closes: Callable[[_Mark], bool]
) -> list[Span]:
    """Pair opening and closing marks into quoted spans.

    Args:
        marks: The marks of one kind, in order.
        line_length: Where a quote left open ends.
        unopened_closes: Whether a closing mark with no opening one quotes what lies
            before it (a content that starts inside a quotation).

    Returns:
        The quoted spans, marks included.
    """
    regions: list[Span] = []
    open_at: int | None = None
    last_end = 0
    for mark in marks:
        opening = mark.opening if mark.opening is not None else open_at is None
        if opening:
            open_at = mark.position if open_at is None else open_at
        elif open_at is not None:
            regions.append((open_at, mark.end))
            open_at, last_end = None, mark.end
        elif unopened_closes(mark):
            regions.append((last_end, mark.end))
            last_end = mark.end
    if open_at is not None:
        regions.append((open_at, line_length))
    return regions


def _double_marks(line: str) -> list[_Mark]:
    """Find the double quotation marks of a line."""
    marks = []
    position = 0
    while position < len(line):
        char = line[position]
        if char in (_OPEN_DOUBLE, _CLOSE_DOUBLE):
            marks.append(_Mark(position, 1, opening=char == _OPEN_DOUBLE))
            position += 1
            continue
        straight = next((m for m in _STRAIGHT_DOUBLES if line.startswith(m, position)), None)
        if straight is not None:
            end = position + len(straight)
            marks.append(_Mark(position, len(straight), _straight_direction(line, position, end)))
            position = end
            continue
        position += 1
    return marks


def _single_marks(line: str) -> list[_Mark]:
    """Find the single quotation marks of a line, leaving out apostrophes."""
    marks = []
    for position, char in enumerate(line):
        if line.startswith("''", position) or (
            position > 0 and line.startswith("''", position - 1)
        ):
            continue  # part of a straight double mark
        if char not in (_OPEN_SINGLE, _CLOSE_SINGLE, _STRAIGHT_SINGLE):
            continue
        if _between_alphanumerics(line, position):
            continue
        direction = _straight_direction(line, position, position + 1)
        if char == _OPEN_SINGLE:
            marks.append(_Mark(position, 1, opening=True))
        elif direction is False or (direction is None and char == _CLOSE_SINGLE):
            marks.append(_Mark(position, 1, opening=False))
        elif direction is True and char == _STRAIGHT_SINGLE:
            marks.append(_Mark(position, 1, opening=True))
    return _drop_unclosed_openings(_drop_apostrophe_closings(line, marks))


def _drop_apostrophe_closings(line: str, marks: list[_Mark]) -> list[_Mark]:
    """Drop closing marks after a letter when no single quote is open (Democrats’)."""
    kept = []
    is_open = False
    for mark in marks:
        if mark.opening:
            is_open = True
        elif not is_open and mark.position > 0 and line[mark.position - 1].isalnum():
            continue
        else:
            is_open = False
        kept.append(mark)
    return kept


def _drop_unclosed_openings(marks: list[_Mark]) -> list[_Mark]:
    """Drop opening marks that no closing mark follows on the line ('90s, ‘em)."""
    last_closing = max((i for i, mark in enumerate(marks) if not mark.opening), default=-1)
    return [mark for i, mark in enumerate(marks) if not mark.opening or i < last_closing]


def _between_alphanumerics(line: str, position: int) -> bool:
    """Whether the character at ``position`` has a letter or digit on both sides."""
    return (
        0 < position < len(line) - 1
        and line[position - 1].isalnum()
        and line[position + 1].isalnum()
    )


def _straight_direction(line: str, start: int, end: int) -> bool | None:
    """Tell from its neighbours whether a mark at ``line[start:end]`` opens or closes.

    Returns:
        True for opening (space or bracket before, text after), False for closing (text
        before, space or punctuation after), None when the neighbours do not say.
    """
    space_before = start == 0 or line[start - 1].isspace() or line[start - 1] in _BEFORE_OPENING
    space_after = end >= len(line) or line[end].isspace() or line[end] in _AFTER_CLOSING
    if space_before and not space_after:
        return True
    if space_after and not space_before:
        return False
    return None


# --------------------------------------------------------------------------- scores


def read_article_text(text_path: Path) -> str:
    """Read a PolNeAR text exactly (UTF-8, no newline translation), as offsets need."""
    return text_path.read_bytes().decode("utf-8")
