"""The HTTP API and the web pages, with the real app over a real database (both engines)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from builders import HARBOUR_HTML
from onrecord.serve.app import create_app
from test_record_api import news_db  # noqa: F401 - the three-article record, on each engine

TOKEN = "s3cret-token"


@pytest.fixture
def client(news_db: str) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(news_db, write_token=TOKEN, max_extract_chars=20_000)) as c:
        yield c


def test_quotes_with_filters_and_cursor_pages(client: TestClient) -> None:
    first = client.get("/api/quotes", params={"speaker": "rutte", "limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(
        "/api/quotes", params={"speaker": "rutte", "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [q["quote_id"] for q in first["items"] + second["items"]]
    assert len(set(ids)) == 3
    found = client.get("/api/quotes", params={"speaker": "rutte", "q": "ukraine"}).json()
    assert {q["content_text"] for q in found["items"]} == {
        "Ukraine needs security guarantees",
        "the Dutch economy is strong and Ukraine must win",
    }
    assert all("[Ukraine]" in q["snippet"] for q in found["items"])
    direct = client.get("/api/quotes", params={"type": "direct"}).json()["items"]
    assert [q["speaker"] for q in direct] == ["Jens Berg"]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"since": "yesterday"}, 400, "ISO 8601"),
        ({"cursor": "not-a-cursor"}, 400, "cursor"),
        ({"limit": 0}, 422, "limit"),
        ({"type": "rumour"}, 422, "type"),
        ({"min_confidence": 2}, 422, "min_confidence"),
    ],
)
def test_malformed_queries_get_4xx_with_a_message(
    client: TestClient, params: dict[str, object], status: int, message: str
) -> None:
    response = client.get("/api/quotes", params=params)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_speaker_article_and_statement_details(client: TestClient) -> None:
    (rutte,) = client.get("/api/speakers", params={"search": "rutte"}).json()["items"]
    detail = client.get(f"/api/speakers/{rutte['person_id']}").json()
    assert detail["speaker"]["quotes"] == 3
    assert [week for week, _ in detail["timeline"]] == ["2023-02-27", "2025-06-23", "2025-06-30"]
    articles = client.get("/api/articles", params={"q": "economy"}).json()["items"]
    article = client.get(f"/api/articles/{articles[0]['article_id']}").json()
    text = article["text"]
    (quote,) = article["quotes"]
    assert [text[s:e] for s, e in quote["content"]] == [
        "the Dutch economy is strong and Ukraine must win"
    ]
    history = client.get(f"/api/quotes/{quote['quote_id']}").json()
    assert history["outlets"] == 1 and history["first"]["quote_id"] == quote["quote_id"]
    assert client.get("/api/clusters/999999").status_code == 404
    assert client.get("/api/speakers/999999").json() == {"detail": "no speaker 999999"}
    entities = client.get("/api/entities", params={"label": "gpe"}).json()["items"]
    assert entities == [{"canonical": "Kyiv", "label": "GPE", "articles": 1}]


def test_extract_text_and_html(client: TestClient) -> None:
    text = 'Council votes\n\n"We will build the wall," said Mayor Jane Doe on Monday.'
    record = client.post("/api/extract", json={"text": text}).json()
    assert record["text"] == text and [q["speaker"] for q in record["quotes"]] == ["Jane Doe"]
    page = client.post("/api/extract", json={"html": HARBOUR_HTML.read_text()}).json()
    assert page["title"] == "Harbour council backs flood wall after long debate"
    assert client.post("/api/extract", json={"text": "  "}).status_code == 422
    assert client.post("/api/extract", json={}).status_code == 422
    huge = client.post("/api/extract", json={"text": "word " * 5000})
    assert huge.status_code == 413 and "too large" in huge.json()["detail"]
    nothing = client.post("/api/extract", json={"html": "<html><body><nav>x</nav></body></html>"})
    assert nothing.status_code == 422 and "no article text" in nothing.json()["detail"]


def test_ingest_needs_the_write_token(client: TestClient, news_db: str) -> None:  # noqa: F811
    article = {"text": 'Port news\n\n"The ferry will run daily," said Captain Ola Berg.'}
    assert client.post("/api/articles", json=article).status_code == 401
    wrong = client.post("/api/articles", json=article, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    stored = client.post(
        "/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert stored.status_code == 201 and stored.json()["status"] == "stored"
    found = client.get("/api/quotes", params={"q": "ferry"}).json()["items"]
    assert [q["speaker"] for q in found] == ["Ola Berg"]
    with TestClient(create_app(news_db)) as read_only:
        refused = read_only.post(
            "/api/articles", json=article, headers={"Authorization": "Bearer x"}
        )
        assert refused.status_code == 403 and "disabled" in refused.json()["detail"]


def test_pages_and_their_json_twins(client: TestClient) -> None:
    search = client.get("/", params={"q": "ukraine"})
    assert search.status_code == 200 and '<mark class="hit">Ukraine</mark>' in search.text
    assert 'href="/api/quotes?q=ukraine"' in search.text
    assert len(client.get("/", params={"q": "ukraine", "format": "json"}).json()) == 2
    (rutte,) = client.get("/api/speakers", params={"search": "rutte"}).json()["items"]
    speaker = client.get(f"/speakers/{rutte['person_id']}")
    assert "NATO Secretary General" in speaker.text and "<svg" in speaker.text
    article_id = client.get("/api/articles", params={"q": "economy"}).json()["items"][0][
        "article_id"
    ]
    page = client.get(f"/articles/{article_id}").text
    assert '<mark class="quote s0" tabindex="0" title="Mark Rutte (indirect' in page
    assert "the Dutch economy is strong and Ukraine must win</mark>" in page
    assert client.get(f"/articles/{article_id}", params={"format": "json"}).json()["text"]
    missing = client.get("/articles/999999")
    assert missing.status_code == 404 and "no article 999999" in missing.text
    bad = client.get("/", params={"since": "whenever"})
    assert bad.status_code == 400 and "ISO 8601" in bad.text
    form = client.post("/extract", data={"text": 'Votes\n\n"Yes," said Mayor Jane Doe.'})
    assert form.status_code == 200 and 'title="Jane Doe (direct' in form.text
    assert "/static/site.css" in form.text and client.get("/static/site.css").status_code == 200


def test_cached_answers_follow_writes_from_elsewhere(client: TestClient, news_db: str) -> None:  # noqa: F811
    from onrecord.store.db import open_database
    from test_identity import article

    before = client.get("/api/quotes", params={"q": "lighthouse"}).json()["items"]
    assert before == []
    client.app.state.cache.ttl = 0.0  # type: ignore[attr-defined] - read the version every time
    with open_database(news_db) as other:
        record = article([("Nina Holm", "keeper")])
        record.text = "The lighthouse stays open, said Nina Holm."
        record.quotes[0].content = [(0, 25)]
        other.save_article(record)
    after = client.get("/api/quotes", params={"q": "lighthouse"}).json()["items"]
    assert [q["speaker"] for q in after] == ["Nina Holm"]


@pytest.mark.shared
@pytest.mark.slow
def test_pages_and_api_on_an_ingested_polnear_dev_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from typer.testing import CliRunner

    from conftest import shared_path
    from onrecord.serve.cli import app

    text = shared_path("data", "polnear", "dev", "text")
    db = str(tmp_path_factory.mktemp("dev") / "dev.db")
    ingested = CliRunner().invoke(app, ["ingest", str(text), "--db", db])
    assert ingested.exit_code == 0, ingested.output
    assert "84 article(s) stored" in ingested.stderr
    with TestClient(create_app(db)) as web:
        trump = web.get("/api/quotes", params={"speaker": "trump", "q": "clinton", "limit": 5})
        assert trump.status_code == 200 and len(trump.json()["items"]) == 5
        (person,) = web.get("/api/speakers", params={"limit": 1}).json()["items"]
        assert person["name"] == "Donald Trump" and person["quotes"] > 50
        speaker = web.get(f"/speakers/{person['person_id']}")
        assert speaker.status_code == 200 and "<svg" in speaker.text
        article_id = web.get("/api/articles", params={"q": "debate"}).json()["items"][0][
            "article_id"
        ]
        page = web.get(f"/articles/{article_id}")
        assert page.status_code == 200 and page.text.count('<mark class="quote') >= 5
        first = trump.json()["items"][0]["quote_id"]
        assert web.get(f"/quotes/{first}").status_code == 200
        for path in ("/", "/?q=email", "/speakers", "/articles?q=polls", "/extract"):
            assert web.get(path).status_code == 200, path


def test_connections_are_bounded_by_the_worker_threads(news_db: str) -> None:  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor

    app = create_app(news_db, worker_threads=3)
    with TestClient(app) as web, ThreadPoolExecutor(24) as pool:
        # distinct searches, so that none is answered from the cache
        answers = list(pool.map(lambda n: web.get(f"/api/speakers?search=x{n}"), range(96)))
        assert {answer.status_code for answer in answers} == {200}
        assert 1 <= len(app.state.open_databases) <= 3
