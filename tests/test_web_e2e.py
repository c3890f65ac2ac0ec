"""End to end: a real uvicorn server (`storyline serve`) on 127.0.0.1 and Debian's headless Chromium.

Each test saves a screenshot under test-results/screenshots/. Skips when Chromium or Playwright is not
installed (`.ci/run` installs both).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from storyline.bench.web import free_port
from web_fixtures import HOSTILE, build_store

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = REPO / "test-results" / "screenshots"
# As root in a container, with no network beyond loopback: no sandbox, and none of Chromium's own
# background connections (they are refused here, many at a time).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright: pip install 'storyline[dev]'")
pytest.importorskip("fastapi", reason="the web app needs the 'web' extra")
if not Path(CHROMIUM).exists():
    pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory, analyzer):
    """`storyline serve` in its own process over a store with the seeds, the examples and a hostile article."""
    directory = tmp_path_factory.mktemp("e2e")
    db = build_store(directory, analyzer)
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"storyline serve did not start: {process.stdout.read()}")
            time.sleep(0.3)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; fails the test on any script error or dialog, and saves a screenshot at the end."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{request.node.name}.png"
    page.screenshot(path=str(shot), full_page=False)
    context.close()
    assert shot.stat().st_size > 1000
    assert not problems, problems


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector, "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )


def open_harbour_story(page, server) -> None:
    page.goto(server + "/")
    # Named after its first article until its briefing picks the most central headline.
    page.locator(".story-title", has_text="Greyhollow harbour deal").click()
    page.wait_for_url("**/stories/*")


def test_list_then_story(page, server):
    page.goto(server + "/")
    assert page.title() == "Stories · storyline"
    rows = page.locator(".story-row")
    assert rows.count() >= 3
    assert "6 articles · 5 outlets, 4 independent" in page.locator(".story-row", has_text="Greyhollow").inner_text()
    open_harbour_story(page, server)
    assert "Greyhollow harbour deal" in page.locator("h1").inner_text()
    assert page.locator(".summary .cite").count() >= 3
    assert page.locator("svg .event-dot").count() >= 3
    assert page.locator("table.coverage td.reports").count() > 0
    # Contradictions side by side: the two claims of a conflict share a row on a wide screen.
    first, second = (page.locator("ul.contradictions > li").first.locator("> ul > li").nth(i).bounding_box()
                     for i in range(2))
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"] + first["width"] / 2


def test_focusing_a_citation_shows_its_source_then_following_it_highlights_the_sentence(page, server):
    open_harbour_story(page, server)
    citation = page.locator(".summary .cite").first
    tip = citation.locator(".tip")
    assert not tip.is_visible()
    citation.focus()  # keyboard users get the preview too, not only on hover
    assert tip.is_visible()
    preview = tip.inner_text()
    outlet = tip.locator("b").inner_text()
    citation.click()
    page.wait_for_url("**/articles/*")
    highlighted = page.locator(".sentence.highlight")
    assert highlighted.count() == 1
    assert highlighted.inner_text() in preview and outlet == page.locator(".metadata dd").first.inner_text()
    assert in_viewport(page, ".sentence.highlight")
    background = highlighted.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_hovering_a_citation_shows_its_source(page, server):
    open_harbour_story(page, server)
    citation = page.locator("ul.timeline .cite").first
    citation.hover()
    assert citation.locator(".tip").is_visible()


def test_search_finds_a_story(page, server):
    page.goto(server + "/")
    page.get_by_role("searchbox", name="Search stories").fill("ghostbell")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=ghostbell*")
    titles = page.locator(".story-title").all_inner_texts()
    assert titles == ["Ghostbell orchid blooms at Hallowmere garden for first time in twelve years"]


def test_boilerplate_toggle_shows_what_the_cleaner_removed(page, server):
    open_harbour_story(page, server)
    page.locator(".sources a").first.click()
    page.wait_for_url("**/articles/*")
    removed = page.locator("del.removed")
    assert removed.count() > 0 and not removed.first.is_visible()
    page.locator("label[for=show-removed]").click()
    assert removed.first.is_visible()
    assert page.locator(".text.cleaned").is_hidden()


def test_add_a_file_through_the_form(page, server, tmp_path):
    text = (EXAMPLES / "tarne-gazette.txt").read_text(encoding="utf-8").replace("Tarne Gazette", "Glasshouse Notes")
    upload = tmp_path / "glasshouse-notes.txt"
    upload.write_text(text, encoding="utf-8")
    page.goto(server + "/")
    page.get_by_role("link", name="Add articles").click()
    page.set_input_files("#files", str(upload))
    page.get_by_role("button", name="Add").click()
    page.wait_for_selector("#add-result")
    assert page.locator("#add-result").inner_text() == "1 new, 0 already stored, 0 errors."
    page.get_by_role("link", name="Ghostbell orchid blooms at Hallowmere garden for first time in twelve years").click()
    assert "glasshouse-notes" in page.locator("ul.sources").inner_text()


def test_hostile_article_runs_nothing(page, server):
    page.goto(server + "/?q=Quillmarsh")
    page.locator(".story-title").first.click()
    page.wait_for_url("**/stories/*")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.locator(".summary .cite").first.focus()  # the preview carries article text too
    assert HOSTILE["outlet"] in page.locator(".summary .cite .tip").first.inner_text()  # as text, not bold
    page.locator(".sources a").first.click()
    page.wait_for_url("**/articles/*")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    body = page.locator("main").inner_text()
    assert "<script>window.__pwned='text'</script>" in body
    assert HOSTILE["title"] in page.locator("h1").inner_text()
    assert page.locator("main script, main img").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0


def test_story_page_fits_a_phone(browser, server, request):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_harbour_story(page, server)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
    context.close()
    assert overflow <= 0  # wide tables scroll inside their own box, the page does not
