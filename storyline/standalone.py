"""Whether a sentence can be shown on its own, away from the sentences around it.

A summary, a timeline entry or the evidence of a contradiction shows one source sentence out of its
article. Some sentences cannot stand there: they lean on a sentence the reader does not see ("He said
the talks would resume.", "Instead, the envoy flew home.") or are not article text at all but a line of
the page (a headline repeated in the body, a caption, a navigation link). :func:`context_need` says
which, with the reason, so each section decides what to do with it (pass it over, rank it lower, or
show it only beside its antecedent) and a reader can see why.

The cleaner (:mod:`storyline.clean`) removes furniture it can recognise in the page; what reaches this
module is text the cleaner kept, judged one sentence at a time.
"""

from __future__ import annotations

import re

REFERS_BACK = "refers back"  # leans on an earlier sentence: a pronoun or connective opens it
NOT_A_SENTENCE = "not a sentence"  # a headline, caption or link line: no sentence-ending punctuation

# Opening words that point back to a sentence before: personal and demonstrative pronouns, and the
# connectives that continue an argument.
_REFERS_BACK = re.compile(r"(?:He|She|They|It|His|Her|Their|Its|This|These|That|Those|But|And|Also)\b")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s*$")


def context_need(text: str) -> str | None:
    """Why the sentence cannot be shown alone (:data:`REFERS_BACK`, :data:`NOT_A_SENTENCE`), or None."""
    stripped = text.strip()
    if _REFERS_BACK.match(stripped):
        return REFERS_BACK
    if not _SENTENCE_END.search(stripped):
        return NOT_A_SENTENCE
    return None
