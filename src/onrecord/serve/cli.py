"""The ``onrecord`` command line: extract, ingest, fetch, quotes, eval and train.

Owns argument parsing, output formats (jsonl, json, table), progress bars on stderr
and per-input error reporting; every command is a thin wrapper over the layers below
(``ingest`` → ``nlp`` → ``store`` → ``query``). Exit status: 0 when every input was
processed, 1 when some inputs failed (the rest were still processed), 2 for usage errors.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from onrecord.clean.duplicates import DEFAULT_THRESHOLD, SyndicationIndex
from onrecord.ingest.errors import InputError
from onrecord.ingest.fetch import DEFAULT_USER_AGENT, FetchSettings
from onrecord.ingest.jsonl import JsonlFields
from onrecord.ingest.sniff import FORMATS
from onrecord.ingest.sources import ReadSettings, iter_documents, iter_url_documents
from onrecord.models import ArticleRecord, RawDocument, span_text
from onrecord.nlp.parse import ModelNotInstalledError, load_pipeline
from onrecord.nlp.pipeline import DEFAULT_MAX_ANALYSED_CHARS
from onrecord.nlp.run import WINDOW_ARTICLES, RunSettings, extract_documents

app = typer.Typer(
    name="onrecord",
    help="Who said what, about whom, where and when: attributed quotes from news articles.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(help="Score extraction against annotated corpora.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
train_app = typer.Typer(help="Build the learned parts of the extractor.", no_args_is_help=True)
app.add_typer(train_app, name="train")

stderr = Console(stderr=True)
DEFAULT_DB = "onrecord.db"


class OutputFormat(StrEnum):
    """How records are printed."""

    jsonl = "jsonl"
    json = "json"
    table = "table"


PathsArg = Annotated[
    list[str],
    typer.Argument(help="Article files, directories (searched recursively) or - for stdin."),
]
SplitArg = Annotated[
    Path,
    typer.Argument(
        help="An annotated split in PolNeAR layout: DIR/text/*.txt, DIR/attributions/*.ann."
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
DbOpt = Annotated[
    str,
    typer.Option(
        "--db", help="SQLite database file, or a PostgreSQL URL (postgresql://user@host/db)."
    ),
]


def _usage_error(exc: BaseException) -> NoReturn:
    """Report an error that stops the command (bad arguments, missing model) and exit 2."""
    stderr.print(f"[bold red]error[/]: {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(2) from exc


class _Failures:
    """Counts and reports per-input failures without stopping the batch."""

    def __init__(self) -> None:
        self.count = 0

    def report(self, path: str, message: str) -> None:
        self.count += 1
        stderr.print(f"[bold red]error[/]: {escape(message)}", highlight=False, soft_wrap=True)

    def exit(self) -> None:
        if self.count:
            stderr.print(f"{self.count} input(s) failed; the others were processed.")
            raise typer.Exit(1)


def _progress(description: str) -> Progress:
    return Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )


def _extract_all(
    paths: list[str] | Iterator[RawDocument | InputError],
    failures: _Failures,
    description: str,
    max_chars: int,
    extractor: str | None = None,
    reading: ReadSettings | None = None,
    deduplicate: bool = False,
    similarity: float = DEFAULT_THRESHOLD,
    index: SyndicationIndex | None = None,
    stored: Callable[[str], bool] | None = None,
    tagger_weights: Path | None = None,
    window_articles: int = WINDOW_ARTICLES,
) -> Iterator[ArticleRecord]:
    """Read (paths, or documents already being read), extract and yield records.

    Failures are reported and skipped.
    """
    try:
        nlp = load_pipeline()
    except ModelNotInstalledError as exc:
        _usage_error(exc)
    try:
        documents = iter_documents(paths, reading) if isinstance(paths, list) else paths
    except ValueError as exc:
        _usage_error(exc)
    settings = RunSettings(
        max_analysed_chars=max_chars,
        extractor=extractor,
        deduplicate=deduplicate,
        similarity=similarity,
        tagger_weights=tagger_weights,
        window_articles=window_articles,
    )
    with _progress(description) as progress:
        task = progress.add_task(description, total=None, name="")
        for item in extract_documents(documents, nlp, settings, index=index, stored=stored):
            progress.update(task, advance=1, name=Path(item.path).name)
            if isinstance(item, InputError):
                failures.report(item.path, item.message)
                continue
            for warning in item.warnings:
                if warning.code in _SHOWN_WARNINGS:
                    stderr.print(
                        f"[yellow]warning[/]: {escape(warning.message)}",
                        highlight=False,
                        soft_wrap=True,
                    )
            yield item


_SHOWN_WARNINGS = (
    "encoding_detected",
    "analysis_truncated",
    "nul_bytes",
    "not_english",
    # limits on hostile input (docs/limits.md)
    "page_truncated",
    "html_too_deep",
    "xml_entities",
    "too_many_quote_marks",
)


def _write_json(items: Iterable[dict[str, Any]], output: OutputFormat) -> None:
    """Write items as JSON lines (streamed) or as one JSON array."""
    if output is OutputFormat.jsonl:
        for item in items:
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    else:
        json.dump(list(items), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")


def _print_records(records: Iterable[ArticleRecord], output: OutputFormat) -> None:
    if output is not OutputFormat.table:
        _write_json((r.to_dict() for r in records), output)
    else:
        console = Console()
        for record in records:
            table = Table(title=f"{record.title or record.path}", show_lines=True, expand=True)
            table.add_column("speaker", ratio=1, min_width=14)
            table.add_column("type", width=8)
            table.add_column("cue", ratio=1, min_width=8)
            table.add_column("statement", ratio=3, min_width=30)
            for quote in record.quotes:
                speaker = escape(quote.speaker or "?")
                if quote.speaker_role:
                    speaker += f"\n[dim]{escape(quote.speaker_role)}[/]"
                table.add_row(
                    speaker,
                    quote.type,
                    escape(span_text(record.text, quote.cue)),
                    escape(span_text(record.text, quote.content)),
                )
            console.print(table)


class ExtractorChoice(StrEnum):
    """Which extractor to run (see README, "How it works")."""

    rules = "rules"
    model = "model"


ExtractorOpt = Annotated[
    ExtractorChoice | None,
    typer.Option(
        "--extractor",
        help="rules: parse rules and cue table; model: the same plus the trained tagger's cues "
        "(default: $ONRECORD_EXTRACTOR or model).",
    ),
]


class InputFormat(StrEnum):
    """Input formats for ``--input-format`` (default: detected from content and name)."""

    text = "text"
    html = "html"
    feed = "feed"
    warc = "warc"
    jsonl = "jsonl"


assert tuple(InputFormat) == FORMATS

InputFormatOpt = Annotated[
    InputFormat | None,
    typer.Option("--input-format", help="Read every input as this format instead of detecting it."),
]


def _field(name: str) -> Any:
    return typer.Option(
        f"--{name}-field", help=f"JSONL key (dots reach into objects) of the {name}."
    )


TextFieldOpt = Annotated[str, _field("text")]
HtmlFieldOpt = Annotated[str, _field("html")]
TitleFieldOpt = Annotated[str, _field("title")]
UrlFieldOpt = Annotated[str, _field("url")]
DateFieldOpt = Annotated[str, typer.Option("--date-field", help="JSONL key of the date.")]
AuthorsFieldOpt = Annotated[str, _field("authors")]
SiteFieldOpt = Annotated[str, _field("site")]
DedupOpt = Annotated[
    bool,
    typer.Option(
        "--dedup/--no-dedup",
        help="Find syndicated copies (MinHash LSH) and extract each story once.",
    ),
]
SimilarityOpt = Annotated[
    float,
    typer.Option(
        "--similarity", min=0.5, max=1.0, help="Text similarity from which articles are copies."
    ),
]
_JSONL = JsonlFields()


MaxCharsOpt = Annotated[
    int, typer.Option("--max-chars", help="Analyse at most this many characters of each article.")
]


@app.command()
def extract(
    paths: PathsArg,
    output: FormatOpt = OutputFormat.jsonl,
    max_chars: MaxCharsOpt = DEFAULT_MAX_ANALYSED_CHARS,
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence", min=0.0, max=1.0, help="Drop quotes less confident than this."
        ),
    ] = 0.0,
    extractor: ExtractorOpt = None,
    input_format: InputFormatOpt = None,
    dedup: DedupOpt = True,
    similarity: SimilarityOpt = DEFAULT_THRESHOLD,
    text_field: TextFieldOpt = _JSONL.text,
    html_field: HtmlFieldOpt = _JSONL.html,
    title_field: TitleFieldOpt = _JSONL.title,
    url_field: UrlFieldOpt = _JSONL.url,
    date_field: DateFieldOpt = _JSONL.published,
    authors_field: AuthorsFieldOpt = _JSONL.authors,
    site_field: SiteFieldOpt = _JSONL.site,
) -> None:
    """Print the quotes, speakers and entities of each article (one JSON record per line).

    Inputs may be plain text, HTML, RSS/Atom feeds, WARC crawls or JSONL exports, each
    optionally gzipped; the format is detected from the content and the file name.
    """
    failures = _Failures()
    fields = JsonlFields(
        text_field, html_field, title_field, url_field, date_field, authors_field, site_field
    )
    reading = ReadSettings(input_format=_chosen(input_format), jsonl=fields)
    records = _extract_all(
        paths, failures, "extracting", max_chars, _chosen(extractor), reading, dedup, similarity
    )
    if min_confidence > 0:
        records = (_keep_confident(record, min_confidence) for record in records)
    _print_records(records, output)
    failures.exit()


def _chosen(choice: StrEnum | None) -> str | None:
    return choice.value if choice is not None else None


def _keep_confident(record: ArticleRecord, min_confidence: float) -> ArticleRecord:
    record.quotes = [q for q in record.quotes if q.confidence >= min_confidence]
    return record


@app.command()
def ingest(
    paths: PathsArg,
    db: DbOpt = DEFAULT_DB,
    max_chars: MaxCharsOpt = DEFAULT_MAX_ANALYSED_CHARS,
    extractor: ExtractorOpt = None,
    input_format: InputFormatOpt = None,
    dedup: DedupOpt = True,
    similarity: SimilarityOpt = DEFAULT_THRESHOLD,
    text_field: TextFieldOpt = _JSONL.text,
    html_field: HtmlFieldOpt = _JSONL.html,
    title_field: TitleFieldOpt = _JSONL.title,
    url_field: UrlFieldOpt = _JSONL.url,
    date_field: DateFieldOpt = _JSONL.published,
    authors_field: AuthorsFieldOpt = _JSONL.authors,
    site_field: SiteFieldOpt = _JSONL.site,
) -> None:
    """Extract articles (any input format, as for extract) and store them in a database."""
    failures = _Failures()
    fields = JsonlFields(
        text_field, html_field, title_field, url_field, date_field, authors_field, site_field
    )
    reading = ReadSettings(input_format=_chosen(input_format), jsonl=fields)

    def extract(
        index: SyndicationIndex | None, stored: Callable[[str], bool] | None = None
    ) -> Iterator[ArticleRecord]:
        return _extract_all(
            paths, failures, "ingesting", max_chars, _chosen(extractor), reading, dedup,
            similarity, index, stored,
        )  # fmt: skip

    _store(extract, db, failures, dedup, similarity)
    failures.exit()


def _store(
    extract: Callable[[SyndicationIndex | None, Callable[[str], bool]], Iterator[ArticleRecord]],
    db: str,
    failures: _Failures,
    dedup: bool,
    similarity: float,
) -> None:
    """Extract into a database, each record in its own transaction; print what happened.

    ``extract`` is given the database's index of stored stories, so that copies of them
    join their clusters, and a test for texts stored already, which are not extracted
    again: an interrupted ingest resumes where it stopped.
    """
    from onrecord.store.db import open_database

    outcomes: Counter[str] = Counter()
    with open_database(db) as database:
        index = database.syndication_index(similarity) if dedup else None
        for record in extract(index, database.has_article):
            try:
                result = database.save_article(record)
            except Exception as exc:  # the transaction was rolled back; go on with the next
                failures.report(
                    record.path, f"{record.path}: not stored ({type(exc).__name__}: {exc})"
                )
                continue
            outcomes[result.status] += 1
        counts = database.counts()
    stderr.print(
        escape(
            f"{outcomes['stored']} article(s) stored, {outcomes['copy']} identical copies "
            f"recorded as sources, {outcomes['unchanged']} unchanged; database {db} holds "
            f"{counts.get('articles', 0)} articles from {counts.get('article_sources', 0)} "
            f"sources, {counts.get('quotes', 0)} quotes, {counts.get('speakers', 0)} speakers."
        ),
        soft_wrap=True,
    )


@app.command()
def fetch(
    url_list: Annotated[
        Path, typer.Argument(help="A file with one URL per line (# comments allowed).")
    ],
    db: Annotated[
        str | None,
        typer.Option("--db", help="Store the articles in this database instead of printing them."),
    ] = None,
    output: FormatOpt = OutputFormat.jsonl,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight at most.")] = 8,
    per_host_interval: Annotated[
        float, typer.Option(min=0.0, help="Seconds between two requests to one host.")
    ] = 1.0,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait on each step.")] = 20.0,
    retries: Annotated[int, typer.Option(min=0, help="Extra tries on timeouts, 429 and 5xx.")] = 3,
    max_bytes: Annotated[int, typer.Option(min=1, help="Largest page accepted, in bytes.")] = 10
    * 1024
    * 1024,
    user_agent: Annotated[str, typer.Option(help="The User-Agent header.")] = DEFAULT_USER_AGENT,
    ignore_robots: Annotated[
        bool, typer.Option("--ignore-robots", help="Do not read or obey robots.txt.")
    ] = False,
    max_chars: MaxCharsOpt = DEFAULT_MAX_ANALYSED_CHARS,
    extractor: ExtractorOpt = None,
    dedup: DedupOpt = True,
    similarity: SimilarityOpt = DEFAULT_THRESHOLD,
) -> None:
    """Fetch the pages of a URL list politely and extract (or, with --db, store) them.

    Per-host rate limit, robots.txt, retries with back-off, timeouts and a size cap; a URL
    that fails (404, timeout, not an article) is reported and the others are processed.
    """
    if not url_list.is_file():
        stderr.print(f"[bold red]error[/]: no URL list at {escape(str(url_list))}", soft_wrap=True)
        raise typer.Exit(2)
    fetching = FetchSettings(
        user_agent=user_agent,
        concurrency=concurrency,
        per_host_interval=per_host_interval,
        timeout=timeout,
        retries=retries,
        max_bytes=max_bytes,
        respect_robots=not ignore_robots,
    )
    failures = _Failures()
    documents = iter_url_documents(str(url_list), fetching, ReadSettings(max_bytes=max_bytes))

    def extract(
        index: SyndicationIndex | None, stored: Callable[[str], bool] | None = None
    ) -> Iterator[ArticleRecord]:
        return _extract_all(
            documents, failures, "fetching", max_chars, _chosen(extractor), None, dedup,
            similarity, index, stored,
            window_articles=1,  # pages arrive at the network's pace: extract each at once
        )  # fmt: skip

    if db is None:
        _print_records(extract(None), output)
    else:
        _store(extract, db, failures, dedup, similarity)
    failures.exit()


def _open_existing(db: str) -> Any:
    """Open a database that must exist already (usage error otherwise)."""
    from onrecord.store.db import open_database
    from onrecord.store.engine import is_postgres_url

    if db != ":memory:" and not is_postgres_url(db) and not Path(db).exists():
        stderr.print(
            f"[bold red]error[/]: no database at {escape(db)}; run `onrecord ingest` first",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    return open_database(db)


SpeakerOpt = Annotated[
    str | None,
    typer.Option(help="Only quotes by people whose name or an alias contains this."),
]
SearchOpt = Annotated[
    str | None,
    typer.Option("--search", "--about", help="Words that must occur in what was said (BM25)."),
]
RoleOpt = Annotated[str | None, typer.Option(help="The speaker's role contains this.")]
OutletOpt = Annotated[str | None, typer.Option(help="The site name or URL contains this.")]
SinceOpt = Annotated[str | None, typer.Option(help="Articles dated on or after (ISO date).")]
UntilOpt = Annotated[str | None, typer.Option(help="Articles dated on or before (ISO date).")]
MentionsOpt = Annotated[
    str | None, typer.Option(help="The article names this person, organisation or place.")
]


class QuoteTypeChoice(StrEnum):
    """Quote types for ``--type``."""

    direct = "direct"
    indirect = "indirect"
    mixed = "mixed"


TypeOpt = Annotated[QuoteTypeChoice | None, typer.Option("--type", help="Only this kind.")]
MinConfidenceOpt = Annotated[
    float | None, typer.Option("--min-confidence", min=0.0, max=1.0, help="Lowest confidence.")
]


def _filter(
    speaker: str | None,
    search: str | None,
    role: str | None,
    outlet: str | None,
    since: str | None,
    until: str | None,
    mentions: str | None,
    quote_type: QuoteTypeChoice | None,
    min_confidence: float | None,
) -> Any:
    from onrecord.query.quotes import QuoteFilter

    return QuoteFilter(
        speaker=speaker,
        search=search,
        role=role,
        outlet=outlet,
        since=since,
        until=until,
        entity=mentions,
        type=quote_type.value if quote_type is not None else None,
        min_confidence=min_confidence,
    )


@app.command()
def quotes(
    speaker: SpeakerOpt = None,
    search: SearchOpt = None,
    role: RoleOpt = None,
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    mentions: MentionsOpt = None,
    quote_type: TypeOpt = None,
    min_confidence: MinConfidenceOpt = None,
    db: DbOpt = DEFAULT_DB,
    limit: Annotated[int, typer.Option(min=1, help="At most this many quotes.")] = 100,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """List stored quotes with speaker, role, article title and date."""
    from onrecord.query.quotes import find_quotes

    where = _filter(
        speaker, search, role, outlet, since, until, mentions, quote_type, min_confidence
    )
    with _open_existing(db) as database:
        try:
            rows = find_quotes(database, limit=limit, where=where)
        except ValueError as exc:
            _usage_error(exc)
    if output is not OutputFormat.table:
        _write_json((row.to_dict() for row in rows), output)
    else:
        table = Table(show_lines=True, expand=True)
        table.add_column("speaker", ratio=1, min_width=14)
        table.add_column("type", width=8)
        table.add_column("statement", ratio=3, min_width=30)
        table.add_column("article", ratio=1, min_width=14)
        for row in rows:
            speaker_cell = escape(row.speaker or "?")
            if row.speaker_role:
                speaker_cell += f"\n[dim]{escape(row.speaker_role)}[/]"
            article = escape(row.article_title or row.article_path)
            if row.published:
                article += f"\n[dim]{row.published}[/]"
            if row.outlets > 1:
                article += f"\n[dim]carried by {row.outlets} outlets[/]"
            table.add_row(speaker_cell, row.type, escape(row.snippet or row.content_text), article)
        Console().print(table)
        stderr.print(f"{len(rows)} quote(s)")


@app.command()
def articles(
    search: SearchOpt = None,
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    mentions: MentionsOpt = None,
    db: DbOpt = DEFAULT_DB,
    limit: Annotated[int, typer.Option(min=1, help="At most this many articles.")] = 100,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Find stored articles by words in headline and text, outlet, dates or entity."""
    from onrecord.query.articles import find_articles

    where = _filter(None, search, None, outlet, since, until, mentions, None, None)
    with _open_existing(db) as database:
        try:
            rows = find_articles(database, where, limit)
        except ValueError as exc:
            _usage_error(exc)
    if output is not OutputFormat.table:
        _write_json((row.to_dict() for row in rows), output)
        return
    table = Table(show_lines=True, expand=True)
    for column in ("date", "outlet", "article", "quotes"):
        table.add_column(column, justify="right" if column == "quotes" else "left")
    for row in rows:
        title = escape(row.title or row.path)
        if row.snippet:
            title += f"\n[dim]{escape(row.snippet)}[/]"
        table.add_row(row.published or "", escape(row.site or ""), title, f"{row.quotes}")
    Console().print(table)
    stderr.print(f"{len(rows)} article(s)")


@app.command()
def quote(
    quote_id: Annotated[int, typer.Argument(help="A quote id (from `onrecord quotes`).")],
    db: DbOpt = DEFAULT_DB,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Show where a statement was reported: first seen, every outlet, wording variants."""
    from onrecord.query.provenance import statement_history

    with _open_existing(db) as database:
        history = statement_history(database, quote_id)
    if history is None:
        stderr.print(f"[bold red]error[/]: no quote {quote_id}", soft_wrap=True)
        raise typer.Exit(2)
    if output is not OutputFormat.table:
        _write_json([history.to_dict()], output)
        return
    console = Console()
    first = history.first
    console.print(
        f"[bold]{escape(first.speaker or '?')}[/]: {escape(first.content_text)}\n"
        f"first seen {first.published or '(undated)'} in "
        f"{escape(first.site or first.article_path)} — {escape(first.article_title or '')}\n"
        f"{len(history.occurrences)} report(s) by {history.outlets} outlet(s)",
        soft_wrap=True,
    )
    table = Table(title="reports", expand=True)
    for column in ("date", "outlet", "quote", "article"):
        table.add_column(column)
    for item in history.occurrences:
        table.add_row(
            item.published or "",
            escape(item.site or item.url or item.article_path),
            f"{item.quote_id}",
            escape(item.article_title or item.article_path),
        )
    console.print(table)
    for variant in history.variants[1:]:
        changes = [f"[red]-{escape(w)}[/]" for w in variant.dropped]
        changes += [f"[green]+{escape(w)}[/]" for w in variant.added]
        changes += [f"[yellow]{escape(a)} → {escape(b)}[/]" for a, b in variant.changed]
        console.print(
            f"variant ×{variant.occurrences}: {escape(variant.content_text)}\n  "
            + (" ".join(changes) or "(punctuation only)"),
            soft_wrap=True,
        )


@app.command()
def speakers(
    search: Annotated[
        str | None, typer.Option(help="Only people whose name or an alias contains this.")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    limit: Annotated[int, typer.Option(min=1, help="At most this many people.")] = 100,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """List the people on record: names, aliases, roles with dates, quote counts."""
    from onrecord.query.speakers import list_speakers

    with _open_existing(db) as database:
        rows = list_speakers(database, search, limit)
    if output is not OutputFormat.table:
        _write_json((row.to_dict() for row in rows), output)
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("#", width=5, justify="right")
    table.add_column("speaker", ratio=2, min_width=16)
    table.add_column("roles (first – last reported)", ratio=3)
    table.add_column("quotes", width=7, justify="right")
    table.add_column("articles", width=8, justify="right")
    for row in rows:
        names = escape(row.name)
        others = [a for a in row.aliases if a != row.name]
        if others:
            names += f"\n[dim]also {escape(', '.join(others))}[/]"
        roles = "\n".join(
            f"{escape(r.role)} [dim]({r.first} – {r.last})[/]"
            if r.first != r.last
            else f"{escape(r.role)} [dim]({r.first})[/]"
            for r in row.roles
        )
        table.add_row(f"{row.person_id}", names, roles, f"{row.quotes}", f"{row.articles}")
    Console().print(table)
    stderr.print(f"{len(rows)} speaker(s)")


@app.command("merge-speakers")
def merge_speakers(
    source: Annotated[str, typer.Argument(help="The speaker to merge away (a name or #ID).")],
    target: Annotated[str, typer.Argument(help="The speaker to keep (a name or #ID).")],
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Record that two speakers are one person; later articles follow the correction."""
    from onrecord.store.identity import CorrectionError

    with _open_existing(db) as database:
        try:
            kept, moved = database.merge_speakers(source, target)
        except CorrectionError as exc:
            _usage_error(exc)
    stderr.print(escape(f"merged {source} into #{kept}: {moved} quote(s) moved"), soft_wrap=True)


@app.command("split-speaker")
def split_speaker(
    name: Annotated[str, typer.Argument(help="The speaker to split (a name or #ID).")],
    evidence: Annotated[
        str,
        typer.Option("--when", help="A role, organisation or place that marks the other person."),
    ],
    new_name: Annotated[str, typer.Option("--as", help="The other person's name.")],
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Give the quotes of a speaker reported with a role (or beside a name) to another person."""
    from onrecord.store.identity import CorrectionError

    with _open_existing(db) as database:
        try:
            new_id, moved = database.split_speaker(name, evidence, new_name)
        except CorrectionError as exc:
            _usage_error(exc)
    stderr.print(
        escape(f"{moved} quote(s) of {name} given to {new_name} (#{new_id})"), soft_wrap=True
    )


class TableChoice(StrEnum):
    """What ``export`` writes."""

    quotes = "quotes"
    speakers = "speakers"
    articles = "articles"
    entities = "entities"


class ExportChoice(StrEnum):
    """Export file formats."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@app.command()
def export(
    table: Annotated[TableChoice, typer.Argument(help="What to export.")] = TableChoice.quotes,
    output_path: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: stdout)."),
    ] = None,
    export_format: Annotated[
        ExportChoice | None,
        typer.Option("--format", "-f", help="jsonl, csv or parquet (default: from --output)."),
    ] = None,
    speaker: SpeakerOpt = None,
    search: SearchOpt = None,
    role: RoleOpt = None,
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    mentions: MentionsOpt = None,
    quote_type: TypeOpt = None,
    min_confidence: MinConfidenceOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Export quotes, speakers, articles or entities as JSONL, CSV or Parquet, with filters."""
    from onrecord.query.export import format_from_path, write_rows
    from onrecord.query.tables import table_rows

    fmt = export_format.value if export_format is not None else None
    if fmt is None and output_path is not None:
        fmt = format_from_path(str(output_path))
    fmt = fmt or "jsonl"
    where = _filter(
        speaker, search, role, outlet, since, until, mentions, quote_type, min_confidence
    )
    with _open_existing(db) as database:
        try:
            columns, rows = table_rows(database, table.value, where)
            count = write_rows(
                rows,
                columns,
                fmt,  # type: ignore[arg-type]
                output_path if output_path is not None else sys.stdout.buffer,
            )
        except ValueError as exc:
            _usage_error(exc)
    where_to = str(output_path) if output_path is not None else "stdout"
    stderr.print(escape(f"{count} {table.value} row(s) written to {where_to} as {fmt}"))


@eval_app.command("polnear")
def eval_polnear(
    directory: SplitArg,
    predictions: Annotated[
        Path | None, typer.Option(help="Score this JSONL of extract records instead of extracting.")
    ] = None,
    save: Annotated[
        Path | None, typer.Option(help="Also write the extracted records to this JSONL file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    extractor: ExtractorOpt = None,
    tagger_weights: Annotated[
        Path | None,
        typer.Option(
            "--tagger-weights",
            help="Run this trained tagger pipeline instead of the shipped one (e.g. one "
            "trained without these articles, to score rule changes on held-out articles).",
        ),
    ] = None,
) -> None:
    """Score quote extraction against PolNeAR-style brat annotations."""
    from onrecord.eval.polnear import score_directory
    from onrecord.eval.reliability import format_reliability, reliability_dicts, reliability_table

    _require_split(directory)
    if tagger_weights is not None and not (tagger_weights / "config.cfg").is_file():
        _usage_error(
            ValueError(f"--tagger-weights {tagger_weights}: no spaCy pipeline (config.cfg) there")
        )
    text_dir = directory / "text"
    failures = _Failures()
    if predictions is not None:
        records = _read_records(predictions)
    else:
        records = list(
            _extract_all(
                [str(text_dir)],
                failures,
                "extracting",
                DEFAULT_MAX_ANALYSED_CHARS,
                _chosen(extractor),
                tagger_weights=tagger_weights,
            )
        )
    if save is not None:
        with save.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
    scores = score_directory(directory, records)
    buckets = reliability_table(directory, records)
    if as_json:
        data = {**scores.to_dict(), "reliability": reliability_dicts(buckets)}
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(scores.format_table() + "\n\n" + format_reliability(buckets) + "\n")
    failures.exit()


@eval_app.command("agreement")
def eval_agreement(
    directories: Annotated[
        list[Path],
        typer.Argument(
            help="Annotated splits in PolNeAR layout, or a folder holding them (the "
            "PolNeAR folder with dev/ and train/)."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score PolNeAR's annotators against each other: the human ceiling of `eval polnear`.

    On every article more than one annotator marked, each further annotator's
    attributions are scored against the first one's (the lowest id, the gold of `eval
    polnear`) with the same scorer.
    """
    from onrecord.eval.agreement import annotator_agreement

    splits: list[Path] = []
    for directory in directories:
        if (directory / "attributions").is_dir():
            splits.append(directory)
        else:
            inside = sorted(p for p in directory.glob("*") if (p / "attributions").is_dir())
            if not inside:
                _require_split(directory)  # says what is missing, exits
            splits.extend(inside)
    try:
        agreement = annotator_agreement(splits)
    except ValueError as exc:
        _usage_error(exc)
    if as_json:
        data = {"articles": agreement.articles, "pairs": agreement.pairs}
        sys.stdout.write(json.dumps({**data, **agreement.scores.to_dict()}, indent=2) + "\n")
        return
    sys.stdout.write(
        f"{agreement.articles} articles marked by more than one annotator "
        f"({', '.join(str(s) for s in splits)}): {agreement.pairs} pairs, each further "
        "annotator scored against the first\n\n"
    )
    sys.stdout.write(agreement.scores.format_table() + "\n")


@eval_app.command("identity")
def eval_identity(
    corpus: Annotated[
        Path, typer.Argument(help="The PolNeAR folder holding the dev/ and train/ splits.")
    ],
    gold: Annotated[Path, typer.Option(help="The identity gold file (JSON lines).")] = Path(
        "eval/speaker_identity.jsonl"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    extractor: ExtractorOpt = None,
) -> None:
    """Score speakers linked across articles: pairwise merge precision and recall."""
    from onrecord.eval.identity import load_identity_gold, score_identity

    try:
        items = load_identity_gold(gold)
    except (OSError, ValueError) as exc:
        _usage_error(exc)
    paths = {
        (item.split, item.article): corpus / item.split / "text" / item.article for item in items
    }
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        stderr.print(
            f"[bold red]error[/]: gold articles not found: {escape(', '.join(missing[:3]))}",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    failures = _Failures()
    records = [
        (Path(record.path).name, record)
        for record in _extract_all(
            [str(path) for path in sorted(paths.values())],
            failures,
            "extracting",
            DEFAULT_MAX_ANALYSED_CHARS,
            _chosen(extractor),
        )
    ]
    scores = score_identity(items, records)
    if as_json:
        _write_json([scores.to_dict()], OutputFormat.json)
    else:
        summary = scores.to_dict()
        stderr.print(
            f"mentions {summary['mentions']}, matched to a quote {summary['matched']}, "
            f"linked to a person {summary['linked']} (coverage {summary['coverage']:.3f}; "
            + ", ".join(f"{k} {v:.3f}" for k, v in summary["coverage_by_split"].items())
            + ")"
        )
        Console().print(
            f"cross-article pairs: predicted same {summary['pairs_predicted_same']}, "
            f"truly same {summary['pairs_truly_same']}, correct {summary['pairs_correct']}\n"
            f"pairwise merge precision {scores.precision:.4f}, recall {scores.recall:.4f}"
        )
        for wrong in summary["wrong_merges"]:
            Console().print(
                f"  merged apart people: {' / '.join(wrong['persons'])} ({wrong['pairs']} pairs)"
            )
        for missed in summary["missed_merges"]:
            Console().print(f"  not merged: {missed['person']} ({missed['pairs']} pairs)")
    failures.exit()


@eval_app.command("speakers")
def eval_speakers(
    directory: Annotated[
        Path, typer.Argument(help="A PolNeAR split: the gold articles are read from DIR/text.")
    ],
    gold: Annotated[Path, typer.Option(help="The speaker gold file (JSON lines).")] = Path(
        "eval/speakers_dev.jsonl"
    ),
    predictions: Annotated[
        Path | None, typer.Option(help="Score this JSONL of extract records instead of extracting.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score speaker resolution on pronoun and bare-surname sources against a gold file."""
    from onrecord.eval.speakers import load_gold, score_records

    text_dir = directory / "text"
    try:
        items = load_gold(gold)
    except (OSError, ValueError) as exc:
        _usage_error(exc)
    failures = _Failures()
    if predictions is not None:
        records = _read_records(predictions)
    else:
        paths = [text_dir / article for article in sorted({item.article for item in items})]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            stderr.print(
                f"[bold red]error[/]: gold articles not found: {escape(', '.join(missing[:3]))}"
                + (f" and {len(missing) - 3} more" if len(missing) > 3 else ""),
                soft_wrap=True,
            )
            raise typer.Exit(2)
        records = list(
            _extract_all(
                [str(path) for path in paths], failures, "extracting", DEFAULT_MAX_ANALYSED_CHARS
            )
        )
    try:
        scores = score_records(items, records)
    except ValueError as exc:
        _usage_error(exc)
    if as_json:
        sys.stdout.write(json.dumps(scores.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(scores.format_table() + "\n")
    failures.exit()


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Files and directories to extract.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the shards' Parquet files.")],
    engine: Annotated[
        str, typer.Option(help="local (a process pool) or ray (actors on a Ray cluster).")
    ] = "local",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes or actors.")] = 2,
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster to join: auto, or ray://host:10001 (default: start one)."),
    ] = None,
    shard_size: Annotated[int, typer.Option(min=1, help="Input files per shard.")] = 50,
    extractor: ExtractorOpt = None,
) -> None:
    """Extract many inputs in shards on a pool of workers; rerun to resume after a crash."""
    from rich.progress import TimeRemainingColumn

    from onrecord.batch.run import ENGINES, run_batch
    from onrecord.batch.shards import plan_shards

    if engine not in ENGINES:
        stderr.print(f"[bold red]error[/]: unknown engine {escape(engine)!r}", soft_wrap=True)
        raise typer.Exit(2)
    failures = _Failures()
    shards, missing = plan_shards(inputs, shard_size)
    for error in missing:
        failures.report(error.path, error.message)
    done = sum(1 for shard in shards if shard.is_done(out))
    articles = words = 0
    progress = Progress(
        TextColumn("batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )
    started = time.perf_counter()
    with progress:
        task = progress.add_task("batch", total=len(shards), completed=done, rate="")

        def finished(summary: Any) -> None:
            nonlocal articles, words
            articles += summary.articles
            words += summary.words
            elapsed = max(time.perf_counter() - started, 1e-9)
            progress.update(
                task,
                advance=1,
                rate=f"{articles / elapsed:.1f} articles/s, {words / elapsed:,.0f} words/s",
            )

        try:
            results = run_batch(
                shards,
                out,
                engine=engine,
                workers=workers,
                address=address,
                extractor=_chosen(extractor),
                on_done=finished,
            )
        except ImportError as exc:
            _usage_error(exc)
    errors = sum(r.errors for r in results)
    elapsed = time.perf_counter() - started
    stderr.print(
        escape(
            f"{len(results)} shard(s) run, {done} already done; {articles} articles "
            f"({words:,} words) in {elapsed:.1f} s with {workers} {engine} worker(s); "
            f"{errors} input error(s) recorded in the shards; output in {out}"
        ),
        soft_wrap=True,
    )
    failures.exit()


@app.command()
def load(
    out: Annotated[Path, typer.Argument(help="A batch's output folder.")],
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Store the records of a batch's finished shards (idempotent)."""
    from onrecord.batch.load import read_batch

    if not out.is_dir():
        stderr.print(f"[bold red]error[/]: no batch output at {escape(str(out))}", soft_wrap=True)
        raise typer.Exit(2)
    failures = _Failures()

    def records(index: Any, stored: Any = None) -> Iterator[ArticleRecord]:
        for item in read_batch(out):
            if isinstance(item, InputError):
                failures.report(item.path, item.message)
            else:
                yield item

    _store(records, db, failures, False, DEFAULT_THRESHOLD)
    failures.exit()


@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    write_token: Annotated[
        str | None,
        typer.Option(
            envvar="ONRECORD_WRITE_TOKEN",
            help="Enable POST /api/articles for requests bearing this token (default: read-only).",
        ),
    ] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            help="Let pages from this origin (https://host[:port]) read the API; repeatable "
            "(default: no cross-origin reads)."
        ),
    ] = None,
    threads: Annotated[
        int,
        typer.Option(
            min=1,
            max=256,
            help="Threads (each with a database connection) answering requests; "
            "bounds the server's memory.",
        ),
    ] = 8,
) -> None:
    """Serve the record: JSON API under /api/ (OpenAPI at /docs) and web pages."""
    from urllib.parse import urlsplit

    import uvicorn

    from onrecord.serve.app import create_app

    origins = cors_origin or []
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or "*" in origin:
            raise typer.BadParameter(
                f"{origin!r} is not an origin like https://example.org", param_hint="--cors-origin"
            )
        if origin != f"{parts.scheme}://{parts.netloc}":
            raise typer.BadParameter(
                f"{origin!r}: an origin has no path, query or fragment", param_hint="--cors-origin"
            )
    app = create_app(db, write_token, cors_origins=origins, worker_threads=threads)
    stderr.print(
        f"serving {escape(db)} on http://{host}:{port} "
        f"({'writes enabled with a token' if write_token else 'read-only'})"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


@eval_app.command("extraction")
def eval_extraction(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The article-extraction benchmark: DIR/ground-truth.json, DIR/html/<id>.html.gz."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score article-body extraction from HTML, onrecord beside plain trafilatura."""
    from onrecord.eval.extraction import compare_on_benchmark

    if not (directory / "ground-truth.json").is_file():
        stderr.print(
            f"[bold red]error[/]: {escape(str(directory))} has no ground-truth.json", soft_wrap=True
        )
        raise typer.Exit(2)
    scores = compare_on_benchmark(directory)
    if as_json:
        _write_json((score.to_dict() for score in scores), OutputFormat.json)
        return
    table = Table(title=f"Article body extraction, {scores[0].pages} pages (shingle metric)")
    for column in ("extractor", "precision", "recall", "F1", "pages/s"):
        table.add_column(column, justify="left" if column == "extractor" else "right")
    for score in scores:
        row = score.to_dict()
        table.add_row(
            score.name,
            f"{score.precision:.4f}",
            f"{score.recall:.4f}",
            f"{score.f1:.4f}",
            f"{row['pages_per_second']}",
        )
    Console().print(table)


@eval_app.command("errors")
def eval_errors(
    directory: SplitArg,
    top: Annotated[int, typer.Option(help="How many of the most frequent kinds to list.")] = 30,
    extractor: ExtractorOpt = None,
) -> None:
    """List the most frequent kinds of extraction error (Markdown table)."""
    from onrecord.eval.errors import analyse_errors, format_errors

    _require_split(directory)
    failures = _Failures()
    records = list(
        _extract_all(
            [str(directory / "text")],
            failures,
            "extracting",
            DEFAULT_MAX_ANALYSED_CHARS,
            _chosen(extractor),
        )
    )
    sys.stdout.write(format_errors(analyse_errors(directory, records, load_pipeline()), top) + "\n")
    failures.exit()


@train_app.command("cues")
def train_cues(
    directory: SplitArg,
    output: Annotated[
        Path | None, typer.Option(help="Where to write the table (default: the shipped one).")
    ] = None,
) -> None:
    """Count how often each verb and complement is a cue; writes the cue table (deterministic)."""
    from onrecord.nlp.quotes.cue_table import TABLE_PATH
    from onrecord.train.cues import build_cue_table

    _require_split(directory)
    table = build_cue_table(directory, load_pipeline())
    target = output or TABLE_PATH
    target.write_text(table.to_json() + "\n", encoding="utf-8")
    pairs = sum(1 for key in table.cues if table.cues[key])
    stderr.print(
        escape(f"{pairs} cue pairs from {sum(table.seen.values())} verb complements -> {target}")
    )


@train_app.command("tagger")
def train_tagger(
    train_dir: Annotated[Path, typer.Argument(help="Annotated training split (PolNeAR layout).")],
    dev_dir: Annotated[
        Path, typer.Argument(help="Annotated split for picking the best checkpoint.")
    ],
    output: Annotated[
        Path, typer.Option(help="Where spaCy writes model-best and model-last.")
    ] = Path("artifacts/tagger"),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    max_steps: Annotated[
        int, typer.Option(help="Training steps (fixed, so that a run is repeatable).")
    ] = 8800,
    install: Annotated[
        bool, typer.Option(help="Copy model-best over the shipped weights afterwards.")
    ] = False,
) -> None:
    """Train the CUE/SOURCE/CONTENT tagger behind --extractor model (about 15 min on 2 cores)."""
    import shutil

    from onrecord.nlp.model.data import write_docbins
    from onrecord.nlp.model.predict import WEIGHTS_DIR
    from onrecord.nlp.model.train import config_reads_syntax, train

    _require_split(train_dir)
    _require_split(dev_dir)
    nlp = load_pipeline()
    data = output / "data"
    parse = config_reads_syntax()
    train_path = write_docbins(
        nlp, train_dir, data / "train", ("all",), by_paragraph=True, parse=parse
    )["all"]
    dev_path = write_docbins(nlp, dev_dir, data / "dev", ("all",), by_paragraph=True, parse=parse)[
        "all"
    ]
    best = train(
        train_path,
        dev_path,
        output,
        seed=seed,
        max_minutes=90.0,
        overrides={"training.max_steps": max_steps},
    )
    if install:
        target = WEIGHTS_DIR / "all"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(best, target)
        stderr.print(escape(f"installed {best} -> {target}"))
    else:
        stderr.print(escape(f"trained {best}"))


@train_app.command("calibration")
def train_calibration(
    directory: SplitArg,
    output: Annotated[
        Path | None, typer.Option(help="Where to write the counts (default: the shipped file).")
    ] = None,
    holdout: Annotated[
        Path | None,
        typer.Option(help="Annotated articles the --holdout-weights tagger was not trained on."),
    ] = None,
    holdout_weights: Annotated[
        Path | None, typer.Option(help="A tagger trained without the --holdout articles.")
    ] = None,
) -> None:
    """Measure each rule's precision on annotated data; writes the confidence calibration."""
    from onrecord.nlp.quotes.calibration import CALIBRATION_PATH
    from onrecord.train.calibration import build_calibration, held_out_calibration

    _require_split(directory)
    if (holdout is None) != (holdout_weights is None):
        stderr.print("[bold red]error[/]: give --holdout and --holdout-weights together")
        raise typer.Exit(2)
    total = len(list((directory / "text").glob("*.txt")))
    if holdout is not None:
        _require_split(holdout)
        total += len(list((holdout / "text").glob("*.txt")))
    with _progress("calibrating") as progress:
        task = progress.add_task("calibrating", total=total, name="")

        def advance(name: str) -> None:
            progress.update(task, advance=1, name=name)

        if holdout is not None and holdout_weights is not None:
            calibration = held_out_calibration(
                directory, holdout, holdout_weights, load_pipeline(), advance
            )
        else:
            calibration = build_calibration(directory, load_pipeline(), advance)
    target = output or CALIBRATION_PATH
    target.write_text(calibration.to_json() + "\n", encoding="utf-8")
    found = sum(calibration.found.values())
    correct = sum(calibration.correct.values())
    stderr.print(
        escape(
            f"{len(calibration.found)} rule keys, {correct}/{found} statements right -> {target}"
        )
    )


def _read_records(path: Path) -> list[ArticleRecord]:
    """Read extract records from a JSONL file (as written by ``extract`` or ``--save``)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [ArticleRecord.from_dict(json.loads(line)) for line in lines if line.strip()]
    except (OSError, ValueError, KeyError) as exc:
        stderr.print(
            f"[bold red]error[/]: {escape(str(path))}: not a JSONL of records ({exc})",
            soft_wrap=True,
        )
        raise typer.Exit(2) from exc


def _require_split(directory: Path) -> None:
    if not (directory / "text").is_dir() or not (directory / "attributions").is_dir():
        stderr.print(
            f"[bold red]error[/]: {escape(str(directory))} has no text/ and attributions/ folders",
            soft_wrap=True,
        )
        raise typer.Exit(2)


def main() -> None:
    """Run the command line."""
    app()
