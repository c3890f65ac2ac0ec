"""`storyline bench html`: main text of HTML news pages, storyline against trafilatura alone.

The pages are written for this benchmark (fictional stories, invented towns, people and outlets) in the
layouts of large news sites: wire service, broadcaster, newspaper, tabloid, local paper, WordPress blog,
liveblog, long comment thread, AMP, cookie banner and newsletter modal, an article split by "Read more"
links and ad slots, captions and photo credits inside the body, a "story highlights" box, a table
layout, a local TV station, a React site, an opinion column, a match report and a syndicated wire
story. They live in ``data/html_pages/`` with ``labels.json``: per page, snippets of the article body
that must be in the extracted text (*keep*) and snippets of furniture that must not (*drop*: captions,
photo credits, bylines, navigation, related links, promos, comments, share bars, footers). The labels
were written with the pages, before any extractor was run on them.

Scoring follows trafilatura's own evaluation: a keep snippet found is a true positive, one missing a
false negative; a drop snippet found is a false positive, one absent a true negative. Precision, recall
and F1 are pooled over the pages. A snippet is found when its normalised form (lower case, white space
collapsed, curly quotes, dashes and ellipses made plain) is a substring of the normalised text. A page a
method refuses (storyline's InputError, trafilatura's None) scores as an empty text.

Methods, in one run:

* **storyline**: what `storyline ingest page.html` keeps: ``sources.html_page.extract_html`` then
  ``clean.clean_article``;
* **trafilatura**: ``trafilatura.extract(html)`` with its default settings;
* **trafilatura precision**: ``trafilatura.extract(html, favor_precision=True)``;
* **trafilatura + cleaner**: storyline's cleaner applied to the default trafilatura output.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storyline.bench import write_results

DATA = Path(__file__).parent / "data" / "html_pages"
LABELS_FILE = "labels.json"

# A method maps (html, path) to the text it keeps, or None when it refuses the page.
Method = Callable[[str, Path], str | None]

_PLAIN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u00ad": "", "\u200b": "",
})


def normalise(text: str) -> str:
    """Lower case, plain quotes, dashes and ellipses, white space collapsed to single spaces."""
    return " ".join(text.translate(_PLAIN).lower().split())


# Elements a browser lays out as blocks: their text never runs into the text beside them.
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "td", "th", "tr", "ul", "button", "label", "option",
}
_INVISIBLE_TAGS = ("head", "script", "style", "noscript", "template")


def visible_text(html: str) -> str:
    """The text a reader sees on the page (lxml): no head, scripts, styles or hidden elements, and a
    line break around each block element."""
    import lxml.html
    from lxml import etree

    root = lxml.html.document_fromstring(html)
    for element in root.xpath("//*[@hidden]") + [e for tag in _INVISIBLE_TAGS for e in root.iter(tag)]:
        if element.getparent() is not None:
            element.drop_tree()
    etree.strip_elements(root, etree.Comment, with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return root.text_content()


@dataclass
class Page:
    file: str
    html: str
    keep: list[str]
    drop: list[str]


def load_pages(directory: Path = DATA) -> list[Page]:
    labels = json.loads((directory / LABELS_FILE).read_text(encoding="utf-8"))
    return [Page(entry["file"], (directory / entry["file"]).read_text(encoding="utf-8"),
                 entry["keep"], entry["drop"]) for entry in labels["pages"]]


def page_counts(text: str, keep: list[str], drop: list[str]) -> dict:
    """TP/FN over the keep snippets and FP/TN over the drop snippets, with the ones that went wrong."""
    found = normalise(text)
    missed = [s for s in keep if normalise(s) not in found]
    leaked = [s for s in drop if normalise(s) in found]
    return {"tp": len(keep) - len(missed), "fn": len(missed), "fp": len(leaked), "tn": len(drop) - len(leaked),
            "missed": missed, "leaked": leaked}


def pooled(counts: list[dict]) -> dict:
    """Precision, recall and F1 over the summed counts of several pages."""
    tp, fp, fn, tn = (sum(c[k] for c in counts) for k in ("tp", "fp", "fn", "tn"))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


# --- the methods ------------------------------------------------------------------------------------

def storyline_text(html: str, path: Path) -> str | None:
    """What `storyline ingest page.html` keeps: extract_html, then the cleaner."""
    from storyline.clean import clean_article
    from storyline.errors import InputError
    from storyline.sources.html_page import extract_html

    try:
        article = extract_html(html, source=str(path), default_outlet=path.stem)
    except InputError:
        return None
    return clean_article(article).text


def trafilatura_text(html: str, path: Path) -> str | None:
    import trafilatura

    return trafilatura.extract(html)


def trafilatura_precision_text(html: str, path: Path) -> str | None:
    import trafilatura

    return trafilatura.extract(html, favor_precision=True)


def trafilatura_cleaned_text(html: str, path: Path) -> str | None:
    """storyline's cleaner on trafilatura's default output (paragraphs a blank line apart, as
    extract_html gives them, and the page's headline so the cleaner can drop a repeat of it)."""
    import trafilatura

    from storyline.clean import clean_article
    from storyline.errors import InputError
    from storyline.sources.article import make_article
    from storyline.sources.html_page import trafilatura_paragraphs

    text = trafilatura.extract(html)
    if text is None:
        return None
    metadata = trafilatura.extract_metadata(html)
    record = {"title": (metadata.title if metadata else "") or "",
              "text": trafilatura_paragraphs(text)}
    try:
        article = make_article(record, source=str(path), raw=html, raw_format="html", default_outlet=path.stem)
    except InputError:
        return None
    return clean_article(article).text


METHODS: dict[str, Method] = {
    "storyline": storyline_text,
    "trafilatura": trafilatura_text,
    "trafilatura precision": trafilatura_precision_text,
    "trafilatura + cleaner": trafilatura_cleaned_text,
}


def measure(method: Method, pages: list[Page], directory: Path = DATA) -> dict:
    per_page, refused = {}, []
    start = time.perf_counter()
    for page in pages:
        text = method(page.html, directory / page.file)
        if text is None:
            refused.append(page.file)
        per_page[page.file] = {"words": len((text or "").split()), **page_counts(text or "", page.keep, page.drop)}
    seconds = time.perf_counter() - start
    return {"pages": len(pages), "refused": refused, "seconds": round(seconds, 2),
            **pooled(list(per_page.values())), "per_page": per_page}


def evaluate(directory: Path = DATA, methods: dict[str, Method] | None = None) -> dict:
    pages = load_pages(directory)
    methods = METHODS if methods is None else methods
    return {
        "pages": len(pages),
        "keep_snippets": sum(len(p.keep) for p in pages),
        "drop_snippets": sum(len(p.drop) for p in pages),
        "methods": {name: measure(method, pages, directory) for name, method in methods.items()},
    }


def print_table(result: dict, per_page: bool = False) -> None:
    print(f"{result['pages']} written pages, {result['keep_snippets']} article snippets (keep) and "
          f"{result['drop_snippets']} furniture snippets (drop)")
    print(f"{'method':<34} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'refused':>7}")
    for name, m in result["methods"].items():
        print(f"{name:<34} {m['pages']:>5} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} "
              f"{len(m['refused']):>7}")
    if not per_page:
        return
    for name, m in result["methods"].items():
        print(f"\n{name}")
        for file, counts in m["per_page"].items():
            print(f"  {file:<30} words {counts['words']:>4}  TP {counts['tp']:>2} FN {counts['fn']:>2} "
                  f"FP {counts['fp']:>2}")
            for snippet in counts["missed"]:
                print(f"      missed: {snippet}")
            for snippet in counts["leaked"]:
                print(f"      leaked: {snippet}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", type=Path, default=DATA,
                        help=f"a directory of HTML pages with their {LABELS_FILE} (default: the written pages)")
    parser.add_argument("--per-page", action="store_true", help="also list each page's missed and leaked snippets")
    parser.add_argument("--json", type=Path, default=Path("bench-results/html.json"), help="where to write the results")


def run(args: argparse.Namespace) -> int:
    result = evaluate(args.pages)
    print_table(result, args.per_page)
    write_results(args.json, result)
    return 0
