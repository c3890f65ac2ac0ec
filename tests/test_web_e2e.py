"""End to end: a real uvicorn server (`storyline serve`) on 127.0.0.1 and Debian's headless Chromium.

Each test saves a screenshot under test-results/screenshots/. Skips when Chromium or Playwright is not
installed (`.ci/run` installs both). The accessibility check injects axe-core (installed from the npm
registry into .cache/axe by scripts/setup.sh) and skips, saying why, when it is not there; with
STORYLINE_REQUIRE_AXE=1 (as .ci/run sets) it fails instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from web_fixtures import HOSTILE, build_store, running_server

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = REPO / "test-results" / "screenshots"
AXE = Path(os.environ.get("STORYLINE_AXE", REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
DESKTOP, PHONE = (1280, 900), (390, 844)  # a laptop; an iPhone 12-15 in CSS px
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
    with running_server(build_store(directory, analyzer), directory / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """new_page(size=(width, height), **context options): a fresh page (a phone's touch screen below 500
    px); the test fails on any script error or dialog, and each page's screenshot is saved at the end."""
    opened = []

    def make(size: tuple[int, int] = (1200, 900), **options):
        phone = size[0] < 500
        context = browser.new_context(viewport={"width": size[0], "height": size[1]}, is_mobile=phone,
                                      has_touch=phone, **options)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
        opened.append((context, page, problems))
        return page

    yield make
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for number, (context, page, problems) in enumerate(opened):
        shot = SCREENSHOTS / f"{request.node.name}{f'-{number}' if number else ''}.png"
        page.screenshot(path=str(shot), full_page=False)
        context.close()
        assert shot.stat().st_size > 1000
        assert not problems, problems


@pytest.fixture
def page(new_page):
    return new_page()


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
    highlighted = page.locator("mark.sentence.highlight")
    assert highlighted.count() == 1
    assert highlighted.inner_text() in preview and outlet == page.locator(".metadata dd").first.inner_text()
    assert in_viewport(page, ".sentence.highlight")
    # Told by more than its colour: a background, an outline and a "cited" label before it.
    style = highlighted.evaluate("""e => { const s = getComputedStyle(e), b = getComputedStyle(e, '::before');
        return [s.backgroundColor, s.outlineStyle, s.outlineWidth, b.content]; }""")
    assert style[0] not in ("rgba(0, 0, 0, 0)", "transparent") and style[1] == "solid" and style[2] == "2px"
    assert "cited" in style[3]


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
    # The copy joins the orchid story, titled (as its briefing is) after its most central article.
    page.get_by_role("link", name="Crowds queue through the night to see rare ghostbell flower").click()
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


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_story_page_screenshots(new_page, server, size):
    """The story page of the examples pile, whole, at both widths (test-results/screenshots/story-*.png)."""
    page = new_page(size)
    open_harbour_story(page, server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"story-{size[0]}px-full.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.evaluate("document.documentElement.scrollWidth") == size[0]


def test_story_page_fits_a_phone(new_page, server):
    page = new_page(PHONE)
    open_harbour_story(page, server)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert page.locator("script").count() == 0  # all of this is HTML and CSS
    # The tables reflow into one card per row: nothing scrolls sideways, no column is squeezed into a
    # strip one word wide (which made rows hundreds of pixels tall, mostly blank).
    for table in page.locator("table.reflow").all():
        if not table.is_visible():
            continue
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
        for cell in table.locator("tbody td:not(:empty), tbody th").all()[:40]:
            width = cell.bounding_box()["width"]
            assert width > 200 or cell.evaluate("c => c.classList.contains('cell')"), width
    cards = [row.bounding_box()["height"] for row in page.locator("table.actors tbody tr").all() if row.is_visible()]
    assert cards and max(cards) < 400, cards
    # Was 18,500 px; every section folds, and long ones show their first entries.
    height = page_height(page)
    assert height < 12_000, height
    sections = page.locator("details.section")
    assert sections.count() >= 6 and all(d.get_attribute("open") is not None for d in sections.all())
    actors = page.locator("details.section:has(#actors)")
    actors.locator("> summary").click()
    assert actors.get_attribute("open") is None and not actors.locator("table").first.is_visible()
    assert page_height(page) < height - 500
    more = page.locator("details.section[open] details.more").first
    if more.count():
        hidden = more.locator("li, tr").first
        assert not hidden.is_visible()
        more.locator("> summary").click()
        assert hidden.is_visible()


def visible_tips(page) -> int:
    return page.evaluate("[...document.querySelectorAll('.cite .tip')].filter(t => t.checkVisibility()).length")


def on_screen(page, box) -> bool:
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_citation_previews_stay_on_screen_one_at_a_time(new_page, server, size):
    page = new_page(size)
    open_harbour_story(page, server)
    # Every citation of the summary, and the last one on each line of the tables (closest to the edge).
    citations = page.locator(".summary .cite").all() + [
        table.locator(".cite").last for table in page.locator("table.reflow").all()
        if table.is_visible() and table.locator(".cite").count()]
    assert len(citations) >= 8
    for citation in citations:
        citation.focus()  # as the keyboard reaches it
        tip = citation.locator(".tip")
        assert tip.is_visible() and visible_tips(page) == 1
        assert on_screen(page, tip.bounding_box()), (citation.inner_text(), tip.bounding_box())
    # Tab moves on: the next citation's preview shows, the last one's is gone.
    first, second = page.locator(".summary .cite").nth(0), page.locator(".summary .cite").nth(1)
    first.focus()
    page.keyboard.press("Tab")
    assert second.locator(".tip").is_visible() and not first.locator(".tip").is_visible()
    # The pointer on another citation: that preview only, never two at once.
    third = page.locator(".summary .cite").nth(2)
    third.hover()
    assert third.locator(".tip").is_visible() and visible_tips(page) == 1
    # Moving the pointer away and the focus elsewhere closes them (Esc cannot: the page runs no script).
    page.mouse.move(1, 1)
    page.locator("h1").click()
    assert visible_tips(page) == 0


def axe_source() -> str:
    if not AXE.exists():
        reason = f"needs axe-core at {AXE} (scripts/setup.sh installs it with npm; it was not installed)"
        if os.environ.get("STORYLINE_REQUIRE_AXE"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def reader_pages(page, server) -> dict[str, str]:
    """The list, the harbour story, an article opened at a cited sentence, and the add form."""
    open_harbour_story(page, server)
    story = page.url
    cited = page.locator(".summary .cite").first.get_attribute("href")
    return {"list": server + "/", "story": story, "article": server + cited, "add": server + "/add"}


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_pages_have_no_serious_accessibility_violations(new_page, server, size):
    source = axe_source()
    # The pages' CSP forbids every script, an injected one too: this context alone lets axe in.
    page = new_page(size, bypass_csp=True)
    found = {}
    for name, url in reader_pages(page, server).items():
        page.goto(url)
        page.add_script_tag(content=source)
        result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
        found[name] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]]
        assert result["passes"], name  # axe ran its rules on the page
    version = json.loads((AXE.parent / "package.json").read_text())["version"]
    print(f"axe-core {version} at {size[0]} px, violations by page:", found)
    serious = {name: [v for v in violations if v[1] in ("serious", "critical")] for name, violations in found.items()}
    assert not any(serious.values()), serious


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_tap_targets_are_24_px_at_least(new_page, server, size):
    page = new_page(size)
    small = []
    for name, url in reader_pages(page, server).items():
        page.goto(url)
        small += [(name, *target) for target in page.evaluate("""() =>
            [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
              // a link in a sentence is exempt (WCAG 2.5.8: its size is set by the line of text)
              .filter(e => e.checkVisibility() && !e.closest('.tip') && !e.closest('p'))
              .map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim().slice(0, 30), r.width, r.height]; })
              .filter(([, w, h]) => w < 24 || h < 24)""")]
    assert not small, small
