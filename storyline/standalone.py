"""Whether a sentence can be shown on its own, away from the sentences around it.

A summary, a timeline entry or the evidence of a contradiction shows one source sentence out of its
article. Some sentences cannot stand there: they lean on a sentence the reader does not see ("He said
the talks would resume.", "Instead, the envoy flew home.", the second sentence of a quotation, a
quotation nobody is named as saying) or are not article text at all but a line of the page (a headline
repeated in the body, a caption, a navigation link). :func:`context_need` says which, with the reason,
so each section decides what to do with it (pass it over, rank it lower, or show it only beside its
antecedent: :func:`may_show`) and a reader can see why.

The cleaner (:mod:`storyline.clean`) removes furniture it can recognise in the page; what reaches this
module is text the cleaner kept, judged one sentence at a time.
"""

from __future__ import annotations

import re
from typing import Container

from storyline.attribution import ACCORDING_TO_PATTERN, QUOTE_PATTERN, REPORTING_VERB_PATTERN

REFERS_BACK = "refers back"  # leans on an earlier sentence: a pronoun or connective opens it
CONTINUES_QUOTE = "continues a quote"  # the rest of a quotation begun before, or a quotation no one says
NOT_A_SENTENCE = "not a sentence"  # a headline, caption or link line: no sentence-ending punctuation

# Opening words that point back to a sentence before: personal and demonstrative pronouns, and the
# connectives that continue an argument ("Instead, ...", "However, ...", "Such rhetoric is common").
_REFERS_BACK = re.compile(
    r"(?:He|She|They|It|His|Her|Their|Its|This|These|That|Those|But|And|Also|Instead|However|Yet|Still|"
    r"Moreover|Furthermore|Nevertheless|Nonetheless|Otherwise|Besides|Meanwhile|Such|Then)\b"
)
# Closing quotes may stand apart from the full stop in tokenised copy ("... striking tool. \"", DUC's '').
_SENTENCE_END = re.compile(r"[.!?…](?:\s*[\"”’')\]])*\s*$")
_OPENS_WITH_QUOTE = re.compile(r"\s*[\"“]")


def _continues_quote(text: str) -> bool:
    # a closing quotation mark with no opening one: the quotation began in an earlier sentence
    if text.count("”") > text.count("“") or (text.count('"') % 2 and not _OPENS_WITH_QUOTE.match(text)):
        return True
    # a quotation from end to end, with no reporting verb or "according to" outside it
    if not _OPENS_WITH_QUOTE.match(text):
        return False
    outside = QUOTE_PATTERN.sub(" ", text)
    return len(outside.split()) <= 2 and not (REPORTING_VERB_PATTERN.search(outside) or ACCORDING_TO_PATTERN.search(outside))


def context_need(text: str) -> str | None:
    """Why the sentence cannot be shown alone (:data:`REFERS_BACK`, :data:`CONTINUES_QUOTE`,
    :data:`NOT_A_SENTENCE`), or None."""
    stripped = text.strip()
    if _REFERS_BACK.match(stripped):
        return REFERS_BACK
    if not _SENTENCE_END.search(stripped):
        return NOT_A_SENTENCE
    if _continues_quote(stripped):
        return CONTINUES_QUOTE
    return None


def may_show(need: str | None, index: int, shown: Container[int], last: bool = False) -> bool:
    """Whether the sentence at ``index`` of its article (its :func:`context_need` is ``need``) may be
    shown when the article's sentences at ``shown`` are: a sentence that stands alone always; one that
    leans on the sentence before only beside it; a line that is not a sentence never, unless ``last``
    allows the article's last sentence (a dump that keeps an article's first N words cuts it off: its
    words are the article's, only its end is missing)."""
    if need is None:
        return True
    if need == NOT_A_SENTENCE:
        return last
    return index - 1 in shown
