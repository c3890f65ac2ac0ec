"""`storyline bench clean [MULTINEWS_DIR]`: furniture removal on labelled pages, old cleaner and new.

Labelled sets, each sentence read by a person and labelled as article text or page furniture:

* **Multi-News** (tune): the raw sources of the first 20 clusters of ``multinews_train3000`` (56 documents,
  lower-cased scraped pages with their furniture). The data's licence keeps it out of the repository,
  so ``data/clean_labels.json`` holds, per document, only a hash of each sentence (blake2b of the
  whitespace-collapsed text) and its label; a sentence with furniture glued to it ("Image caption a
  man has admitted ... an amateur surgeon in australia has pleaded guilty ...") is *mixed* and names
  the character range that is furniture. The hashes also check that the data and the splitter below are the
  ones the labels were made with. Read while the cleaner's rules were written.
* **tune 2**: 58 documents of the next 25 clusters (``data/clean_labels_tune2.json``), labelled by a reader
  who had not seen the rules, measured once as held out, then read for what the cleaner missed.
* **held out**: 56 documents of 21 later clusters (``data/clean_labels_held_out.json``), labelled the same
  way and never read for rules: the figure to trust.
* **Written**: pages written for this benchmark (fictional) in the layouts of large news sites, with
  their labels, in ``data/clean_pages.json``.

Sentences are split by :func:`labelled_sentences` (a fixed rule, so the labels stay valid whatever
storyline's own splitter does). Each sentence is one piece, a mixed sentence two or three (its
furniture part and its article part). A piece is *removed* when at least half of its characters are in
the cleaner's audit; furniture is the positive class, so precision is the share of removed pieces that
were furniture and recall the share of furniture pieces removed. Then the cleaned Multi-News clusters
are analyzed, summarized with the default summarizer and given a timeline, and each summary and
timeline sentence is checked for furniture (at least half of a furniture piece's characters inside it).

Each Multi-News document also names the outlet its own text credits (a wire tag, dateline, copyright or
credit line, the site's own furniture; not a source it quotes or a picture agency), or none: the outlets
storyline names from the text (``Article.outlet_source`` "credit line" or "dateline") are scored against it.

The old cleaner's figures are stored in ``data/clean_baseline.json`` (measured with the cleaner at the
commit it names); ``--baseline-cleaner FILE`` measures a ``clean.py`` file in the same run instead
(``git show main:storyline/clean.py > /tmp/old_clean.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from storyline.bench import write_results
from storyline.clean import clean_article
from storyline.sources.article import make_article
from storyline.models import Article, CleanedArticle

DATA = Path(__file__).parent / "data"
LABELS_FILE = DATA / "clean_labels.json"
TUNE2_LABELS_FILE = DATA / "clean_labels_tune2.json"
HELD_OUT_LABELS_FILE = DATA / "clean_labels_held_out.json"
PAGES_FILE = DATA / "clean_pages.json"
BASELINE_FILE = DATA / "clean_baseline.json"
REMOVED_SHARE = 0.5  # a piece at least half inside the audit was removed

# A sentence ends at . ! ? or … (and closing quotes) before white space and a capital: the Multi-News
# copies are lower-cased but keep a capital at each sentence start, so "dec. 12" is never split.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z])")


def labelled_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: lines, split at sentence ends."""
    spans, position = [], 0
    for line in text.split("\n"):
        bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(line)] + [len(line)]
        for a, b in zip(bounds, bounds[1:]):
            piece = line[a:b]
            if piece.strip():
                start = position + a + len(piece) - len(piece.lstrip())
                spans.append((start, start + len(piece.strip())))
        position += len(line) + 1
    return spans


def sentence_key(sentence: str) -> str:
    return hashlib.blake2b(" ".join(sentence.split()).encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Piece:
    start: int  # character offsets into the document's text
    end: int
    furniture: bool


@dataclass
class Document:
    name: str  # "mn_tra_00004/0" or the written page's name
    group: str  # "Multi-News" | "tune 2" | "held out" | "written"
    cluster: str
    article: Article
    pieces: list[Piece]
    outlet: str | None = None  # the outlet the text names as its own, read by a person (None: it names none)
    outlet_labelled: bool = False


def _pieces(text: str, start: int, end: int, label: str, furniture_chars: list[list[int]]) -> list[Piece]:
    """The pieces of one sentence: itself, or for a mixed sentence its furniture parts and the rest.
    ``furniture_chars`` are [first, last) offsets into the whitespace-collapsed sentence."""
    if label != "mixed":
        return [Piece(start, end, label == "furniture")]
    # raw offset of each character of the collapsed sentence (a run of white space is one space)
    raw = [start + m.start() for m in re.finditer(r"\S|\s+", text[start:end])]
    marked = [False] * len(raw)
    for first, last in furniture_chars:
        marked[first:last] = [True] * (last - first)
    pieces: list[Piece] = []
    for i, furniture in enumerate(marked):
        if text[raw[i]].isspace():
            continue
        if pieces and pieces[-1].furniture == furniture:
            pieces[-1].end = raw[i] + 1
        else:
            pieces.append(Piece(raw[i], raw[i] + 1, furniture))
    return pieces


def _article(text: str, source: str) -> Article:
    # as `storyline ingest` reads a plain-text file: no headline, the path stands for the outlet
    return make_article({"title": "", "text": text}, source=source, raw=text, raw_format="text", default_outlet=source)


def load_multinews(root: Path, labels_file: Path = LABELS_FILE, group: str = "Multi-News") -> list[Document]:
    """The labelled Multi-News documents, checked against their sentence hashes."""
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    clusters_dir = root / "clusters" if (root / "clusters").is_dir() else root
    documents = []
    for entry in labels["documents"]:
        path = clusters_dir / entry["cluster"] / "docs" / f"{entry['doc']}.txt"
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        spans = labelled_sentences(text)
        keys = [sentence_key(text[a:b]) for a, b in spans]
        if keys != [s[0] for s in entry["sentences"]]:
            raise ValueError(f"{path}: the text is not the one labelled (sentence hashes differ)")
        pieces = [p for (a, b), (_, label, *words) in zip(spans, entry["sentences"])
                  for p in _pieces(text, a, b, label, words[0] if words else [])]
        name = f"{entry['cluster']}/{entry['doc']}"
        documents.append(Document(name, group, entry["cluster"], _article(text, name), pieces,
                                  entry.get("outlet"), "outlet" in entry))
    return documents


def load_written() -> list[Document]:
    documents = []
    for page in json.loads(PAGES_FILE.read_text(encoding="utf-8"))["pages"]:
        text = page["text"]
        label_of = {" ".join(item[0].split()): (item[1], item[2] if len(item) > 2 else []) for item in page["labels"]}
        pieces = []
        for a, b in labelled_sentences(text):
            label, words = label_of.get(" ".join(text[a:b].split()), ("article", []))
            pieces.extend(_pieces(text, a, b, label, words))
        documents.append(Document(page["name"], "written", page["name"], _article(text, page["name"]), pieces))
    return documents


def _removed_mask(cleaned: CleanedArticle) -> list[bool]:
    mask = [False] * len(cleaned.article.text)
    for span in cleaned.removed:
        mask[span.start : span.end] = [True] * (span.end - span.start)
    return mask


def _share(mask: list[bool], text: str, start: int, end: int) -> float:
    chars = [i for i in range(start, end) if not text[i].isspace()]
    return sum(mask[i] for i in chars) / len(chars) if chars else 0.0


def removal_scores(documents: list[Document], cleaned: list[CleanedArticle]) -> dict:
    """Piece counts and precision / recall of furniture removal."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    false_removals = []
    for document, result in zip(documents, cleaned):
        mask = _removed_mask(result)
        for piece in document.pieces:
            removed = _share(mask, document.article.text, piece.start, piece.end) >= REMOVED_SHARE
            counts[("tp" if removed else "fn") if piece.furniture else ("fp" if removed else "tn")] += 1
            if removed and not piece.furniture:
                false_removals.append(f"{document.name}@{piece.start}")
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {"precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "furniture_pieces": tp + fn, "article_pieces": counts["fp"] + counts["tn"], **counts,
            "false_removals": false_removals}


def _name_words(name: str) -> set[str]:
    return set(re.findall(r"[\w@]+", name.lower())) - {"the", "news", "media", "inc", "ltd", "co", "com"}


def outlet_scores(documents: list[Document], cleaned: list[CleanedArticle]) -> dict:
    """Outlets named from the text (a credit line or dateline) against the labelled ones: of the documents
    whose text names its outlet, how many get that name; and how many get a name their text does not give.
    Names match when one's words hold the other's ("Thomson Reuters" / "Reuters")."""
    named = right = wrong = 0
    misses = []
    for document, result in zip(documents, cleaned):
        if not document.outlet_labelled:
            continue
        article = result.article
        shown = article.outlet if article.outlet_source in ("credit line", "dateline") else None
        if document.outlet:
            named += 1
            truth, got = _name_words(document.outlet), _name_words(shown or "")
            if got and (got <= truth or truth <= got):
                right += 1
                continue
        elif not shown:
            continue
        if shown:
            wrong += 1
        misses.append(f"{document.name}: {shown!r} for {document.outlet!r}")
    return {"labelled_documents": sum(d.outlet_labelled for d in documents), "text_names_outlet": named,
            "named_right": right, "share_named": round(right / named, 3) if named else None,
            "named_wrong": wrong, "misses": misses}


def _raw_offsets(cleaned: CleanedArticle) -> list[int]:
    """Raw-text offset of each character of the cleaned text (-1 for white space the cleaner rewrote).

    The cleaned text is the raw text less the audited spans, with white space collapsed: its non-space
    characters are the raw text's kept ones, in order."""
    mask = _removed_mask(cleaned)
    raw = cleaned.article.text
    kept = iter(i for i, ch in enumerate(raw) if not mask[i] and not ch.isspace())
    return [-1 if ch.isspace() else next(kept) for ch in cleaned.text]


def furniture_sentence_share(documents: list[Document], cleaned: list[CleanedArticle]) -> dict:
    """Summary and timeline of each labelled cluster (cleaned by ``cleaned``), and which of their
    sentences carry furniture."""
    from storyline.analyze import analyze_articles
    from storyline.sections.timeline import build_timeline
    from storyline.summarizers import length_for_input, summarize

    by_id = {result.article.id: (document, result) for document, result in zip(documents, cleaned)}
    analyzed = {a.id: a for a in analyze_articles([c for c in cleaned if c.text.strip()])}
    clusters: dict[str, list] = {}
    for document, result in zip(documents, cleaned):
        if result.article.id in analyzed:
            clusters.setdefault(document.cluster, []).append(analyzed[result.article.id])

    def carries_furniture(article_id: str, start: int, end: int) -> bool:
        document, result = by_id[article_id]
        offsets = {i for i in _raw_offsets(result)[start:end] if i >= 0}
        return any(
            piece.furniture and (inside := [i for i in range(piece.start, piece.end) if i in offsets])
            and len(inside) >= REMOVED_SHARE * len(piece_chars)
            for piece in document.pieces
            if (piece_chars := [i for i in range(piece.start, piece.end) if not document.article.text[i].isspace()])
        )

    summary, timeline = [], []
    for articles in clusters.values():
        budget = length_for_input(sum(len(a.cleaned.text.split()) for a in articles))
        for sentence in summarize(articles, budget).sentences:
            ref = sentence.citations[0]
            summary.append((carries_furniture(ref.article_id, ref.start, ref.end), sentence.text))
        for entry in build_timeline(articles):
            ref = entry.citations[0]
            timeline.append((carries_furniture(ref.article_id, ref.start, ref.end), entry.event))
    return {
        "summary_sentences": len(summary), "summary_furniture": sum(f for f, _ in summary),
        "timeline_sentences": len(timeline), "timeline_furniture": sum(f for f, _ in timeline),
        # to read (the results file stays outside the repository, like the data)
        "furniture_sentences": [text for f, text in summary + timeline if f],
    }


def load_cleaner(path: Path) -> Callable[[Article], CleanedArticle]:
    """``clean_article`` of a clean.py file (an older version of storyline/clean.py)."""
    spec = importlib.util.spec_from_file_location("storyline_baseline_clean", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.clean_article


SETS = ("Multi-News", "tune 2", "held out", "written")


def measure(cleaner: Callable[[Article], CleanedArticle], documents: dict[str, list[Document]],
            with_briefings: bool = True) -> dict:
    """Removal scores per set and overall; outlets named from the text, and the furniture in summaries and
    timelines, per Multi-News set."""
    cleaned = {name: [cleaner(d.article) for d in docs] for name, docs in documents.items()}
    result = {name: removal_scores(documents[name], cleaned[name]) for name in documents}
    result["overall"] = removal_scores([d for docs in documents.values() for d in docs],
                                       [c for name in documents for c in cleaned[name]])
    for name in documents:
        if any(d.outlet_labelled for d in documents[name]):
            result[name]["outlets"] = outlet_scores(documents[name], cleaned[name])
    if with_briefings:
        for name in documents:
            if name != "written":
                result[_briefings_key(name)] = furniture_sentence_share(documents[name], cleaned[name])
    return result


def _briefings_key(name: str) -> str:
    return "briefings" if name == "Multi-News" else f"briefings {name}"  # the first set's key as stored before


def evaluate(root: Path, baseline_cleaner: Path | None = None, with_briefings: bool = True) -> dict:
    documents = {"Multi-News": load_multinews(root), "tune 2": load_multinews(root, TUNE2_LABELS_FILE, "tune 2"),
                 "held out": load_multinews(root, HELD_OUT_LABELS_FILE, "held out"), "written": load_written()}
    if baseline_cleaner:
        before = measure(load_cleaner(baseline_cleaner), documents, with_briefings)
        before_note = f"measured in this run from {baseline_cleaner}"
    else:
        stored = json.loads(BASELINE_FILE.read_text(encoding="utf-8"))
        before, before_note = stored["figures"], stored["cleaner"]
    return {
        "dataset": root.name,
        "documents": {name: len(docs) for name, docs in documents.items()},
        "before": before, "before_cleaner": before_note,
        "after": measure(clean_article, documents, with_briefings),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", type=Path, nargs="?", default=Path("../shared/data/multinews_train3000"),
                        help="the multinews_train3000 directory (default ../shared/data/multinews_train3000)")
    parser.add_argument("--baseline-cleaner", type=Path, default=None,
                        help="a clean.py file to measure as 'before' (default: the stored figures)")
    parser.add_argument("--no-briefings", action="store_true", help="skip the summary and timeline check")
    parser.add_argument("--json", type=Path, default=Path("bench-results/clean.json"), help="where to write the results")


def run(args: argparse.Namespace) -> int:
    result = evaluate(args.dataset, args.baseline_cleaner, not args.no_briefings)
    documents = result["documents"]
    print(", ".join(f"{n} {name}" for name, n in documents.items()) + " documents, labelled by sentence "
          "(Multi-News and tune 2: read while rules were written; held out: never read for rules); "
          f"before = {result['before_cleaner']}")
    print(f"{'set':<11} {'pieces':>6} {'furniture':>9} {'P before':>8} {'R before':>8} {'P after':>7} {'R after':>7}")
    for name in (*documents, "overall"):
        new, old = result["after"][name], result["before"].get(name)
        before = f"{old['precision']:>8.3f} {old['recall']:>8.3f}" if old else f"{'-':>8} {'-':>8}"
        print(f"{name:<11} {new['furniture_pieces'] + new['article_pieces']:>6} {new['furniture_pieces']:>9} "
              f"{before} {new['precision']:>7.3f} {new['recall']:>7.3f}")
    for name in documents:
        for when in ("before", "after"):
            if briefings := result[when].get(_briefings_key(name)):
                print(f"{name}, {when}: furniture in {briefings['summary_furniture']}/{briefings['summary_sentences']} "
                      f"summary sentences and {briefings['timeline_furniture']}/{briefings['timeline_sentences']} "
                      "timeline entries")
        for when in ("before", "after"):
            if outlets := result[when].get(name, {}).get("outlets"):
                print(f"{name}, {when}: outlet named from the text for {outlets['named_right']} of the "
                      f"{outlets['text_names_outlet']} documents whose text names it ({outlets['share_named']}); "
                      f"a wrong or unfounded name for {outlets['named_wrong']} of {outlets['labelled_documents']}")
    write_results(args.json, result)
    return 0
