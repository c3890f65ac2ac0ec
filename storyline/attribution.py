"""Who is speaking in a sentence: a named source (attributed), the outlet itself (opinion), or nobody (neutral).

One place for the reporting-verb lexicon and the attribution cues; :mod:`storyline.sections.quotes`
reuses the same patterns to find speakers, and :mod:`storyline.sections.framing` the opinion cues.

The rules are explainable on purpose: :func:`attribution_cue` and :func:`opinion_cues` return the
words that decided, so a reader can see why a sentence was counted as the outlet's own evaluation.
"""

from __future__ import annotations

import re

ATTRIBUTED = "attributed"
OPINION = "opinion"
NEUTRAL = "neutral"

# Verbs that report speech or a stated position, in the forms news prose uses. Tuned by reading the
# seeds and the first DUC 2004 clusters; "agrees", "maintained" and "called for" report positions too.
REPORTING_VERBS: tuple[str, ...] = tuple(
    """
    said says say saying told tells tell stated announced announces added adds noted notes explained
    explains claimed claims claim insisted insists confirmed confirms denied denies warned warns wrote
    writes reported reports argued argues acknowledged acknowledges asserted asserts declared declares
    stressed stresses emphasized emphasised commented remarked replied responded predicted suggested
    suggests urged urges recalled admitted admits conceded revealed reveals tweeted agreed agrees
    maintained downplayed accused accuses expressed congratulated praised criticized criticised vowed
    pledged promised testified disclosed
    """.split()
)
# Subset that introduces or follows a direct quote ("X said", "said X"), used to resolve speakers.
SPEECH_VERBS: tuple[str, ...] = tuple(
    """
    said says told stated added noted explained claimed insisted confirmed warned wrote writes argued
    asserted declared stressed emphasized emphasised remarked replied responded recalled admitted
    tweeted continued asked conceded predicted
    """.split()
)

# Case-sensitive: mid-sentence verbs are lower-case, and "United States" / "Reports" are not verbs.
REPORTING_VERB_PATTERN = re.compile(r"\b(?:" + "|".join(REPORTING_VERBS) + r")\b")
SPEECH_VERB_ALTERNATION = "|".join(sorted(set(SPEECH_VERBS), key=len, reverse=True))
ACCORDING_TO_PATTERN = re.compile(r"\baccording to\b", re.IGNORECASE)
# Source phrases with no verb of their own: "in the words of X", "X's spokesman said" is caught by verbs.
SOURCE_PHRASE_PATTERN = re.compile(
    r"\b(?:in the words of|as reported by|called for|calls for|made (?:it )?clear|reports? (?:claim|say|suggest)|quoted by|cited by|per a)\b",
    re.IGNORECASE,
)
# Text between double quotes (straight or curly); single quotes are too often apostrophes.
QUOTE_PATTERN = re.compile(r"[\"“”]([^\"“”]{2,}?)[\"“”]")

# The outlet's own evaluation. A small documented lexicon: evaluative adjectives/nouns and hedging or
# judging adverbs that a neutral wire report avoids (drawn from the opinion pieces among the seeds and
# from common press-bias lexicons; kept short so each hit is explainable).
EVALUATIVE_WORDS: frozenset[str] = frozenset("""
    abject absurd appalling atrocious awful blatant brilliant catastrophic cowardly
    cynical deplorable despicable disastrous disgraceful dishonest dismal disgusting
    embarrassing excellent failure failures farcical feckless foolish hapless wiser
    horrible humiliating hypocritical idiotic incompetent inept laughable ludicrous mediocre
    misguided naive outrageous pathetic pitiful pointless preposterous reckless remarkable
    ridiculous sad scandalous senseless shameful shameless shocking silly sinister stunning
    stupid terrible tragic unacceptable useless weak wise wonderful worst wrong
    clearly obviously surely undoubtedly unfortunately sadly fortunately ostensibly pointedly
    probably arguably frankly admittedly supposedly allegedly hopefully thankfully shamefully
    disgracefully predictably conveniently
    """.split())
# Multi-word evaluative phrases and judgements ("yet another sign", "so bad").
EVALUATIVE_PHRASES: tuple[str, ...] = (
    "yet another",
    "once again",
    "so-called",
    "of course",
    "so bad",
    "too little too late",
    "plain and simple",
    "no wonder",
    "needless to say",
    "it is time",
    "the truth is",
)
EVALUATIVE_PHRASE_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in EVALUATIVE_PHRASES) + r")\b", re.IGNORECASE
)
# Modal judgements by the writer ("should", "must", "ought to") — only outside quotes.
MODAL_JUDGEMENT_PATTERN = re.compile(r"\b(?:should|must|ought to|needs? to|had better)\b", re.IGNORECASE)
# First person of the writer; "us" only lower-case, "US" is the country.
FIRST_PERSON_PATTERN = re.compile(r"\b(?:I|I'm|I've|we|We|our|Our|us|my|My|me)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def outside_quotes(text: str) -> str:
    """The sentence with quoted material blanked out (so a speaker's words are not the outlet's)."""
    return QUOTE_PATTERN.sub(" ", text)


def attribution_cue(text: str) -> str | None:
    """The words that attribute the sentence to a source, or None."""
    bare = outside_quotes(text)
    for pattern in (ACCORDING_TO_PATTERN, SOURCE_PHRASE_PATTERN, REPORTING_VERB_PATTERN):
        match = pattern.search(bare)
        if match:
            return match.group(0)
    return None


def evaluative_words(text: str) -> list[str]:
    """The lexicon words and phrases in the text outside quotes, lower-cased, in order."""
    bare = outside_quotes(text)
    hits = [m.group(0).lower() for m in EVALUATIVE_PHRASE_PATTERN.finditer(bare)]
    hits += [w.lower() for w in _WORD.findall(bare) if w.lower() in EVALUATIVE_WORDS]
    return hits


def opinion_cues(text: str) -> list[str]:
    """Everything in the text (outside quotes) that marks the outlet's own evaluation."""
    bare = outside_quotes(text)
    cues = evaluative_words(text)
    cues += [m.group(0).lower() for m in MODAL_JUDGEMENT_PATTERN.finditer(bare)]
    cues += ["first person: " + m.group(0) for m in FIRST_PERSON_PATTERN.finditer(bare)]
    if bare.rstrip().rstrip(")”\"'").endswith("?"):
        cues.append("question")
    return cues


def classify_sentence(text: str) -> str:
    """ "attributed", "opinion" or "neutral" (see the module docstring).

    Reported speech wins over opinion cues: "X called it a failure" is X's evaluation, not the outlet's.
    A quote with no reporting cue at all (a bare pull quote) still counts as attributed.
    """
    if attribution_cue(text) or QUOTE_PATTERN.search(text) and len(outside_quotes(text).split()) <= 3:
        return ATTRIBUTED
    if opinion_cues(text):
        return OPINION
    return NEUTRAL
