"""The web app through an in-process client: every route, its errors, escaping and the add form.

The store is real (the examples, a hostile article and, when ../shared is here, the seeds, ingested
with the real analyzer); the end-to-end browser tests are in test_web_e2e.py.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler

import pytest
from markupsafe import escape

pytest.importorskip("fastapi", reason="the web app needs the 'web' extra: pip install 'storyline[web]'")

from fastapi.testclient import TestClient  # noqa: E402

from conftest import EXAMPLES, local_http_server  # noqa: E402
from storyline.sources.fetch import ALLOW_PRIVATE  # noqa: E402
from storyline.render import human_date  # noqa: E402
from storyline.web import CONTENT_SECURITY_POLICY, create_app  # noqa: E402
from web_fixtures import HOSTILE, HOSTILE_MARKERS, build_store, copy_store  # noqa: E402

LOCAL = "http://127.0.0.1"  # the in-process client's requests name a loopback host, as a local browser's do


@pytest.fixture(scope="module")
def web_db(tmp_path_factory, analyzer):
    return build_store(tmp_path_factory.mktemp("web"), analyzer)


@pytest.fixture(scope="module")
def client(web_db, analyzer):
    with TestClient(create_app(web_db, analyzer=analyzer), base_url=LOCAL) as client:
        yield client


@pytest.fixture
def writable(web_db, analyzer, tmp_path):
    """A client over a private copy of the store that may add articles."""
    def make(**options):
        return TestClient(create_app(copy_store(web_db, tmp_path), analyzer=analyzer, **options), base_url=LOCAL)
    return make


def esc(text: str) -> str:
    """Text as the pages escape it (Jinja2's autoescape)."""
    return str(escape(text))


def story_id_for(client, words: str) -> str:
    stories = client.get("/api/stories", params={"q": words}).json()["stories"]
    assert stories, f"no story matches {words!r}"
    return stories[0]["id"]


def harbour_story(client) -> str:
    return story_id_for(client, "Greyhollow harbour")


# --- story list --------------------------------------------------------------------------------------


def test_list_shows_every_story_with_counts_and_span(client):
    page = client.get("/")
    assert page.status_code == 200
    data = client.get("/api/stories").json()
    titles = [s["title"] for s in data["stories"]]
    assert len(titles) >= 3  # harbour, orchid, the hostile article (and the seeds when present)
    for story in data["stories"]:
        assert esc(story["title"]) in page.text
    harbour = next(s for s in data["stories"] if "harbour" in s["title"].lower())
    # The example pile: 6 harbour articles from 5 outlets, a wire copy pair makes 4 independent.
    assert (harbour["articles"], harbour["outlets"], harbour["independent"]) == (6, 5, 4)
    assert harbour["first_published"].startswith("2025-03-03") and harbour["last_published"].startswith("2025-03-08")
    # Dates as a reader writes them, the ISO value kept for machines in <time datetime>.
    first, last = harbour["first_published"], harbour["last_published"]
    assert (f'6 articles · 5 outlets, 4 independent · <time datetime="{first}">3 Mar 2025</time> – '
            f'<time datetime="{last}">8 Mar 2025</time>') in page.text


def test_search_and_filters_narrow_the_list(client):
    orchid = client.get("/api/stories", params={"q": "ghostbell orchid"}).json()["stories"]
    assert [s["title"] for s in orchid] == ["Ghostbell orchid blooms at Hallowmere garden for first time in twelve years"]
    assert client.get("/api/stories", params={"q": "zeppelin quasar"}).json()["stories"] == []
    assert "No stories match these filters" in client.get("/", params={"q": "zeppelin quasar"}).text
    by_outlet = client.get("/api/stories", params={"outlet": "Meridian Post"}).json()["stories"]
    assert len(by_outlet) == 1 and "harbour" in by_outlet[0]["title"].lower()
    # Date range by each story's latest article: the harbour story ends 2025-03-08.
    assert any("harbour" in s["title"].lower()
               for s in client.get("/api/stories", params={"since": "2025-03-08", "until": "2025-03-09"}).json()["stories"])
    assert not any("harbour" in s["title"].lower()
                   for s in client.get("/api/stories", params={"since": "2025-03-09", "until": "2025-04-30"}).json()["stories"])
    outlets = {o["outlet"] for o in client.get("/api/stories").json()["outlets"]}
    assert {"Meridian Post", "Norvane Herald", "brackenford-courier"} <= outlets


@pytest.mark.parametrize("query, problem", [
    ({"since": "not a date"}, "'not a date' is not a date"),
    ({"page": "0"}, "page: Input should be greater than or equal to 1"),
    ({"page": "many"}, "page: Input should be a valid integer"),
])
def test_bad_list_parameters_get_one_error_in_one_shape(client, query, problem):
    api = client.get("/api/stories", params=query)
    assert api.status_code == 400
    error = api.json()["error"]
    assert error["status"] == 400 and problem in error["message"]
    page = client.get("/", params=query)
    assert page.status_code == 400 and esc(problem) in page.text and "Traceback" not in page.text


# --- story page --------------------------------------------------------------------------------------


def test_story_page_cites_every_summary_sentence_with_a_followable_link(client):
    story_id = harbour_story(client)
    data = client.get(f"/api/stories/{story_id}").json()
    page = client.get(f"/stories/{story_id}").text
    briefing = data["briefing"]
    citations = {c["n"]: c for c in briefing["citations"]}
    assert briefing["summary"]["sentences"]
    for sentence in briefing["summary"]["sentences"]:
        assert sentence["citations"], sentence["text"]
        for n in sentence["citations"]:
            c = citations[n]
            link = f'href="/articles/{c["article_id"]}?s={c["sentence_index"]}#s{c["sentence_index"]}"'
            assert link in page
    # The preview shown on hover/focus carries the exact source sentence and its outlet, and so does the
    # citation's accessible name (read instead of "[1]"; the preview is hidden from screen readers).
    tips = re.findall(r'aria-label="Source (\d+), (.*?): “(.*?)”">\[\1\]<span class="tip" aria-hidden="true">'
                      r'<b>(.*?)</b> “(.*?)”</span>', page, re.S)
    first = citations[briefing["summary"]["sentences"][0]["citations"][0]]
    outlet, text = esc(first["outlet"]), esc(first["text"])
    assert (str(first["n"]), outlet, text, outlet, text) in tips
    assert len(tips) == page.count('class="cite"')


def test_story_page_shows_every_section_the_briefing_has(client):
    story_id = harbour_story(client)
    data = client.get(f"/api/stories/{story_id}").json()
    page = client.get(f"/stories/{story_id}").text
    for name, items in data["briefing"]["sections"].items():
        assert bool(items) == (f'id="{name}"' in page), name
    # Timeline on a time axis: one dot per dated event, each linking to its entry in the list.
    axis = data["timeline_axis"]
    assert axis["points"] and all(0 <= p["x"] <= axis["width"] for p in axis["points"])
    xs = [p["x"] for p in axis["points"]]
    assert page.count('class="event-dot"') == len(axis["points"])
    for p in axis["points"]:
        assert f'href="#event-{p["index"]}"' in page and f'id="event-{p["index"]}"' in page
    # Events later in time sit further right.
    ordered = sorted(axis["points"], key=lambda p: p["x"])
    assert [p["x"] for p in ordered] == sorted(xs)


def test_coverage_matrix_marks_who_reports_each_fact(client):
    story_id = harbour_story(client)
    data = client.get(f"/api/stories/{story_id}").json()
    coverage, facts = data["coverage"], data["briefing"]["sections"]["facts"]
    assert set(coverage["outlets"]) == {s["outlet"] for s in data["briefing"]["sources"]}
    assert coverage["facts"]
    for row, fact in zip(coverage["facts"], facts):
        reporting = {o for o, cell in row["cells"].items() if cell == "reports"}
        assert reporting == set(fact["outlets"])
    conflicts = data["briefing"]["sections"]["contradictions"]
    marked = [(row["text"], o) for row in coverage["facts"] for o, cell in row["cells"].items() if cell == "contradicts"]
    if conflicts:  # a contradicting outlet is one whose sentence conflicts with a sentence of the fact
        for text, outlet in marked:
            assert any(outlet in (c["first"]["outlet"], c["second"]["outlet"]) for c in conflicts)
    page = client.get(f"/stories/{story_id}").text
    assert page.count('class="cell reports"') == sum(len(r["cells"]) - list(r["cells"].values()).count("silent")
                                                     - list(r["cells"].values()).count("contradicts")
                                                     for r in coverage["facts"])


def test_syndicated_copies_show_as_one_group(client):
    story_id = harbour_story(client)
    data = client.get(f"/api/stories/{story_id}").json()
    groups = [g for g in data["copy_groups"] if g["group"]]
    # The IWS wire story, carried by Port Aldric Daily and Coastline Times.
    assert len(groups) == 1
    assert {s["source"].rsplit("/", 1)[-1] for s in groups[0]["sources"]} == {"port-aldric-daily.txt", "coastline-times.html"}
    assert sum(len(g["sources"]) for g in data["copy_groups"]) == len(data["briefing"]["sources"]) == 6
    assert len(data["copy_groups"]) == 5  # the two copies are one entry
    assert "syndicated copies · one independent source" in client.get(f"/stories/{story_id}").text


def test_a_story_is_listed_under_the_headline_its_briefing_chose(writable):
    client = writable()
    story_id = harbour_story(client)
    headline = client.get(f"/api/stories/{story_id}").json()["briefing"]["headline"]
    listed = next(s for s in client.get("/api/stories").json()["stories"] if s["id"] == story_id)
    assert listed["title"] == headline
    assert f'<a class="story-title" href="/stories/{story_id}">{esc(headline)}</a>' in client.get("/").text


def test_story_id_prefix_redirects_and_unknown_story_is_404(client):
    story_id = harbour_story(client)
    response = client.get(f"/stories/{story_id[:6]}", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == f"/stories/{story_id}"
    missing = client.get("/stories/ffffffffffff")
    assert missing.status_code == 404 and "story ffffffffffff: no such story" in missing.text
    api = client.get("/api/stories/ffffffffffff")
    assert api.status_code == 404
    assert api.json() == {"error": {"status": 404, "message": "story ffffffffffff: no such story", "fix": None}}


def test_changes_api_compares_versions_and_rejects_a_bad_since(client):
    story_id = harbour_story(client)
    version = client.get(f"/api/stories/{story_id}").json()["briefing"]["version"]
    same = client.get(f"/api/stories/{story_id}/changes", params={"since": str(version)}).json()
    assert same["from_version"] == same["to_version"] == version
    assert same["new_sources"] == [] and same["new_summary_sentences"] == []
    bad = client.get(f"/api/stories/{story_id}/changes", params={"since": "yesterday-ish"})
    assert bad.status_code == 400 and "is not a date" in bad.json()["error"]["message"]
    missing = client.get(f"/api/stories/{story_id}/changes")
    assert missing.status_code == 400 and "since" in missing.json()["error"]["message"]


# --- article page --------------------------------------------------------------------------------------


def test_article_page_highlights_the_cited_sentence(client):
    story_id = harbour_story(client)
    cited = client.get(f"/api/stories/{story_id}").json()["briefing"]["citations"][0]
    article = client.get(f"/api/articles/{cited['article_id']}").json()
    sentence = article["sentences"][cited["sentence_index"]]
    assert sentence["text"] == cited["text"]
    assert article["cleaned_text"][sentence["start"]:sentence["end"]] == cited["text"]
    page = client.get(f"/articles/{cited['article_id']}", params={"s": cited["sentence_index"]}).text
    # A <mark>, which the stylesheet also outlines and labels "cited": not told by colour alone.
    marked = re.search(rf'<mark id="s{cited["sentence_index"]}" class="sentence highlight">(.*?)</mark>', page, re.S)
    assert marked and html.unescape(marked.group(1)) == cited["text"]
    assert page.count("sentence highlight") == 1 and page.count("<mark") == 1
    assert f'href="/stories/{story_id}"' in page  # the stories it belongs to


def test_article_page_can_show_the_removed_boilerplate_with_its_rule(client):
    story_id = harbour_story(client)
    sources = client.get(f"/api/stories/{story_id}").json()["briefing"]["sources"]
    source = max(sources, key=lambda s: s["words_removed"])
    article = client.get(f"/api/articles/{source['article_id']}").json()
    assert article["removed"]
    page = client.get(f"/articles/{source['article_id']}").text
    assert f"Show the removed boilerplate ({len(article['removed'])} part" in page
    for removed in article["removed"]:
        assert article["original_text"][removed["start"]:removed["end"]] == removed["text"]
        assert f'title="removed by rule {removed["rule"]}"' in page
    # The original text is all there, in order, removed parts included.
    original_view = page.split('<div class="text original"', 1)[1].split("</div>", 1)[0]
    visible = html.unescape(re.sub(r'<span class="rule">.*?</span>|<[^>]+>', "", original_view.split(">", 1)[1]))
    assert visible == article["original_text"]


@pytest.mark.parametrize("path, status", [("/articles/nope", 404), ("/api/articles/nope", 404),
                                          ("/articles/nope?s=-1", 400), ("/no/such/page", 404)])
def test_article_errors(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if path.startswith("/api/"):
        assert set(response.json()["error"]) == {"status", "message", "fix"}


# --- untrusted text --------------------------------------------------------------------------------------


class MarkupAudit(HTMLParser):
    """What a browser would act on: elements, event-handler attributes and link targets."""

    def __init__(self):
        super().__init__()
        self.tags, self.handlers, self.hrefs = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src", "action")]


def test_hostile_article_text_is_shown_as_text_on_every_page(client):
    story_id = story_id_for(client, "Quillmarsh lighthouse")
    story_page = client.get(f"/stories/{story_id}")
    article_id = story_page.text.split('href="/articles/', 1)[1].split("?", 1)[0].split('"', 1)[0]
    article_page = client.get(f"/articles/{article_id}")
    list_page = client.get("/", params={"q": "Quillmarsh"})
    for response in (story_page, article_page, list_page):
        audit = MarkupAudit()
        audit.feed(response.text)
        assert not {"script", "img", "iframe", "object", "embed"} & audit.tags
        assert audit.handlers == []
        assert not any(h.strip().lower().startswith(("javascript:", "data:text")) for h in audit.hrefs)
    # ... and the reader sees the text exactly as the article has it.
    assert esc(HOSTILE_MARKERS[0]) in article_page.text and esc(HOSTILE_MARKERS[1]) in article_page.text
    assert esc(HOSTILE["title"]) in list_page.text
    assert esc(HOSTILE["outlet"]) in article_page.text
    assert esc(HOSTILE["url"]) in article_page.text  # shown as text, never as a link


def test_every_response_carries_a_restrictive_csp(client):
    story_id = harbour_story(client)
    for path in ("/", f"/stories/{story_id}", "/api/stories", "/no/such/page", "/static/storyline.css", "/add"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in CONTENT_SECURITY_POLICY and "default-src 'none'" in CONTENT_SECURITY_POLICY


def test_openapi_schema_describes_the_json_api(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/changes",
            "/api/articles/{article_id}", "/api/articles"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/articles"]


# --- adding articles ---------------------------------------------------------------------------------------


def test_read_only_server_refuses_to_add(web_db, analyzer):
    client = TestClient(create_app(web_db, read_only=True, analyzer=analyzer), base_url=LOCAL)
    assert "This server is read-only" in client.get("/add").text
    assert 'action="/add"' not in client.get("/add").text
    assert 'href="/add"' not in client.get("/").text
    refused = client.post("/api/articles", data={"urls": "https://example.org/a"})
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "this server is read-only"


def first_story(page: str) -> str:
    return page.split('href="/stories/', 1)[1].split('"', 1)[0]


def test_adding_a_file_stores_it_once_and_reports_its_story(writable):
    client = writable()
    before = client.get("/api/stories").json()["articles"]
    text = (EXAMPLES / "tarne-gazette.txt").read_bytes()
    edited = text.replace(b"Tarne Gazette", b"Hallowmere Weekly")
    first = client.post("/add", files={"files": ("hallowmere-weekly.txt", edited, "text/plain")})
    assert first.status_code == 200
    assert "1 new, 0 already stored, 0 errors." in first.text
    assert "ghostbell" in first.text.lower()  # the story it joined (the orchid story)
    again = client.post("/api/articles", files={"files": ("hallowmere-weekly.txt", edited, "text/plain")}).json()
    assert (again["new"], again["already_stored"]) == (0, 1)
    assert client.get("/api/stories").json()["articles"] == before + 1
    story = client.get(f"/api/stories/{first_story(first.text)}").json()
    added = next(s for s in story["briefing"]["sources"] if s["outlet"] == "hallowmere-weekly")
    assert added["source"] == "upload:hallowmere-weekly.txt"  # as uploaded, not the server's temporary path


def test_bad_submissions_get_one_line_each_and_the_rest_goes_on(writable):
    client = writable()
    good = (EXAMPLES / "brackenford-courier.txt").read_bytes().replace(b"Brackenford Courier", b"Weir Valley Post")
    result = client.post("/api/articles", data={"urls": "file:///etc/passwd\n/etc/passwd\nftp://example.org/x"},
                         files=[("files", ("weir-valley-post.txt", good, "text/plain")),
                                ("files", ("picture.txt", bytes(range(256)) * 40, "text/plain")),
                                ("files", ("empty.txt", b"", "text/plain"))]).json()
    assert result["new"] == 1
    errors = result["errors"]
    assert len(errors) == 5, errors
    assert [e.split(":", 1)[0] for e in errors[:2]] == ["file", "/etc/passwd"]
    assert errors[0].startswith("file:///etc/passwd: not an http(s) URL")
    assert any(e.startswith("picture.txt: ") for e in errors) and any(e.startswith("empty.txt: ") for e in errors)
    assert not any("storyline-upload-" in e for e in errors)  # the name the reader gave, not a server path
    nothing = client.post("/api/articles", data={"urls": ""})
    assert nothing.status_code == 400 and nothing.json()["error"]["message"] == "nothing to add"


def test_oversized_upload_is_refused_with_its_name(writable):
    from storyline.sources.article import MAX_ARTICLE_BYTES

    client = writable()
    response = client.post("/api/articles", files={"files": ("huge.txt", b"a" * (MAX_ARTICLE_BYTES + 1), "text/plain")})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("huge.txt: file too large")


def test_cross_site_form_posts_are_refused(writable):
    client = writable()
    response = client.post("/add", data={"urls": "https://example.org/a"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    response = client.post("/add", data={"urls": "https://example.org/a"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


class ArticlePage(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = (EXAMPLES / "norvane-herald-reef.html").read_bytes().replace(b"Norvane Herald", b"Loopback Ledger")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_private_addresses_are_refused_unless_allowed(writable):
    with local_http_server(ArticlePage) as (base, _):
        refused = writable().post("/api/articles", data={"urls": f"{base}/reef.html"}).json()
        assert refused["new"] == 0
        assert refused["errors"] == [f"{base}/reef.html: refused: 127.0.0.1 is a private or local address (127.0.0.1) "
                                     "(only public internet addresses are fetched; --allow-private-urls lets the "
                                     "operator fetch private ones)"]
        allowed = writable(fetch_policy=ALLOW_PRIVATE).post("/api/articles", data={"urls": f"{base}/reef.html"}).json()
        assert allowed["new"] == 1 and allowed["errors"] == []


def test_a_returning_reader_sees_what_is_new_since_the_last_visit(writable):
    client = writable()
    story_id = story_id_for(client, "ghostbell orchid")
    first = client.get(f"/stories/{story_id}")
    assert "New since your last visit" not in first.text
    version = client.get(f"/api/stories/{story_id}").json()["briefing"]["version"]
    assert "New since your last visit" not in client.get(f"/stories/{story_id}").text  # nothing changed
    text = (EXAMPLES / "tarne-gazette.txt").read_text(encoding="utf-8")
    text = text.replace("Tarne Gazette", "Orchid Watch") + (
        "\n\nGarden staff said on Tuesday that the ghostbell's second flower had opened overnight, "
        "and that the glasshouse would stay open late all week for visitors.\n"
    )
    added = client.post("/api/articles", files={"files": ("orchid-watch.txt", text.encode(), "text/plain")}).json()
    assert added["new"] == 1 and [s["id"] for s in added["stories"]] == [story_id]
    again = client.get(f"/stories/{story_id}")
    assert "New since your last visit" in again.text
    assert f"(version {version} → {version + 1})" in again.text
    assert "orchid-watch" in again.text.split("New since your last visit", 1)[1].split("</section>", 1)[0]
    assert "New since your last visit" not in client.get(f"/stories/{story_id}").text  # seen now


def test_a_mangled_seen_cookie_is_ignored(client):
    story_id = harbour_story(client)
    client.cookies.set("storyline_seen", "%%not json{")
    try:
        assert client.get(f"/stories/{story_id}").status_code == 200
    finally:
        client.cookies.clear()


# --- small things a reader notices ------------------------------------------------------------------------


def test_counts_of_one_are_singular_on_every_page(client):
    story_id = story_id_for(client, "Quillmarsh lighthouse")  # the hostile article: a story of one
    listed = client.get("/", params={"q": "Quillmarsh"}).text
    assert "1 article · 1 outlet, 1 independent" in listed
    assert "1 article from 1 outlet, 1 independent" in client.get(f"/stories/{story_id}").text
    assert "1 articles" not in listed and "1 outlets" not in listed


def test_the_article_page_shows_a_readable_date_with_the_iso_value_kept(client):
    story_id = harbour_story(client)
    source = next(s for s in client.get(f"/api/stories/{story_id}").json()["briefing"]["sources"]
                  if s["source"] == "norvane-herald-reef.html")
    article = client.get(f"/api/articles/{source['article_id']}").json()
    assert article["published"] == "2025-03-06T00:00:00"  # the API keeps ISO 8601
    page = client.get(f"/articles/{source['article_id']}").text
    assert '<dt>Published</dt><dd><time datetime="2025-03-06T00:00:00">6 Mar 2025</time></dd>' in page
    assert human_date("2025-03-06T06:10:00", with_time=True) == "6 Mar 2025, 06:10"  # a time of day when known
    assert human_date("2025-11-30") == "30 Nov 2025" and human_date("not a date") == "not a date"


def test_undated_stories_come_last_and_date_filters_leave_them_out(writable):
    client = writable()
    text = ("Night ferry crews at Oskvik pier voted to refuse overtime until the winter rota is changed, their "
            "union said.\n\nThe pier authority said talks with the crews would resume next week.\n")
    added = client.post("/api/articles", files={"files": ("oskvik-notes.txt", text.encode(), "text/plain")}).json()
    [undated] = added["stories"]
    assert undated["first_published"] is None
    stories = client.get("/api/stories").json()["stories"]
    dated = [s for s in stories if s["last_published"]]
    # Every dated story first, newest first; then the undated ones (the seeds' text files too), the one
    # that changed last first: ingestion time is not news time.
    assert stories[:len(dated)] == dated and len(dated) >= 2
    assert stories[len(dated)]["id"] == undated["id"]
    assert [s["last_published"] for s in dated] == sorted((s["last_published"] for s in dated), reverse=True)
    for filters in ({"since": "1900-01-01"}, {"until": "2100-01-01"}, {"since": "1900-01-01", "until": "2100-01-01"}):
        shown = client.get("/api/stories", params=filters).json()["stories"]
        assert shown == dated, filters
    assert "left out when dates are filtered" in client.get("/", params={"since": "1900-01-01"}).text
    assert "undated" in client.get("/").text.split(undated["title"], 1)[1].split("</li>", 1)[0]


def test_prefix_search_and_a_bad_search_is_a_clear_400(client):
    assert [s["title"] for s in client.get("/api/stories", params={"q": "ghostb*"}).json()["stories"]] == [
        "Ghostbell orchid blooms at Hallowmere garden for first time in twelve years"]
    harbour = client.get("/api/stories", params={"q": "Greyh* harb*"}).json()["stories"]
    assert harbour and all("harbour" in s["title"].lower() for s in harbour)
    assert client.get("/api/stories", params={"q": "harb"}).json()["stories"] == []  # a word is a whole word
    for query in ("*", "** *", "\x00"):
        api = client.get("/api/stories", params={"q": query})
        assert api.status_code == 400 and set(api.json()["error"]) == {"status", "message", "fix"}, query
        page = client.get("/", params={"q": query})
        assert page.status_code == 400 and "Traceback" not in page.text
    assert "a * needs the start of a word" in client.get("/api/stories", params={"q": "*"}).json()["error"]["message"]
