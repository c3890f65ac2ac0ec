"""Who is speaking in a sentence: a named source (attributed), the outlet itself (opinion), or nobody (neutral).

One place for the reporting-verb lexicon and the attribution cues; :mod:`storyline.sections.quotes`
reuses the same patterns to find speakers, and :mod:`storyline.sections.framing` the opinion cues.

The rules are explainable on purpose: :func:`attribution_cue` and :func:`opinion_cues` return the
words that decided, so a reader can see why a sentence was counted as the outlet's own evaluation.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
# Text between double quotes: straight, curly, or the newswire's ``...'' (DUC 2004, AP and NYT copy),
# whose opening is sometimes typed '' too (''This is very painful,'' she said); single quotes are too
# often apostrophes.
_NEWSWIRE_OPENING = r"``|(?<!\S)''(?=\w)"
QUOTE_PATTERN = re.compile(rf"(?:{_NEWSWIRE_OPENING}|[\"“”])((?:(?!``|'')[^\"“”]){{2,}}?)(?:''|[\"“”])")

# The outlet's own evaluation. Loaded words come from two maintained lexicons shipped in PyPI packages
# (both read offline from the installed package, nothing is downloaded): TextBlob's subjectivity lexicon
# (Pattern's en-sentiment.xml by De Smedt & Daelemans, PDDL; TextBlob is MIT) and VADER's valence
# lexicon (Hutto & Gilbert 2014, MIT). A word is loaded when both agree: TextBlob rates it subjective
# (mean subjectivity over its senses >= LOADED_SUBJECTIVITY) and VADER's raters gave it a strong valence
# (|mean| >= LOADED_VALENCE). Movie-review lexicons also rate words whose news sense is factual ("guilty",
# "free", "poor", "critical") or that name a person's feeling the story reports ("fans were thrilled"),
# so those are left out (FACTUAL_IN_NEWS, read off the tune clusters of storyline bench deep; the second
# line: the most frequent words whose news sense is mostly factual or idiomatic, "the worst fire in
# Sweden's history", "a bad cough", "the wrong switches", "great popularity", "for better or worse").
LOADED_SUBJECTIVITY = 0.6
LOADED_VALENCE = 1.5
FACTUAL_IN_NEWS: frozenset[str] = frozenset("""
    active blind bright clean comfortable crying dangerous difficult easy effective free guilty ill sick tired
    exhausted lonely poor rich wealthy popular powerful strong successful true welcome winning favored favorite
    celebrated kind pretty super love loved liked hate hated enjoyed enjoying suffers satisfied pleased glad
    happy proud disappointed angered angry annoyed outraged troubled insecure fearful thrilled delighted
    impressed distraught aghast appalled disgusted mad unhappy violent bloody harsh grim critical definitely
    justified ethical honest loyal gentle noble smart intelligent creative innovative ambitious passionate
    heroic brave lucky fortunate confident respectful sympathetic talented superior precious sweet lovely
    beloved funny good grand devastating destructive
    bad great greatest wrong worse worst nice sophisticated loving
    """.split())


@lru_cache(maxsize=1)
def loaded_lexicon() -> frozenset[str]:
    """The words both lexicons rate as evaluative (see LOADED_SUBJECTIVITY), read from the installed packages."""
    import importlib.resources
    import xml.etree.ElementTree as ElementTree
    from collections import defaultdict

    subjectivity: dict[str, list[float]] = defaultdict(list)
    sentiment_xml = importlib.resources.files("textblob") / "en" / "en-sentiment.xml"
    for word in ElementTree.fromstring(sentiment_xml.read_bytes()):
        subjectivity[word.get("form", "")].append(float(word.get("subjectivity") or 0))
    valence: dict[str, float] = {}
    vader = importlib.resources.files("vaderSentiment") / "vader_lexicon.txt"
    for line in vader.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            valence[parts[0]] = float(parts[1])
    return frozenset(
        form
        for form, scores in subjectivity.items()
        if sum(scores) / len(scores) >= LOADED_SUBJECTIVITY
        and abs(valence.get(form, 0.0)) >= LOADED_VALENCE
        and form not in FACTUAL_IN_NEWS
        and form.isalpha()
    )


# storyline's own short list of judging words the lexicons lack: hedging and judging adverbs and the
# evaluative adjectives of the opinion pieces among the seeds and of common press-bias lexicons.
EVALUATIVE_WORDS: frozenset[str] = frozenset("""
    abject absurd atrocious blatant catastrophic cowardly deplorable despicable disgraceful dishonest dismal
    farcical feckless foolish hapless humiliating hypocritical incompetent inept laughable ludicrous mediocre
    misguided naive pitiful pointless preposterous reckless scandalous senseless shameful shameless
    unacceptable useless
    clearly obviously surely undoubtedly unfortunately sadly fortunately ostensibly pointedly
    arguably frankly admittedly supposedly thankfully shamefully disgracefully predictably conveniently
    """.split())
# Multi-word evaluative phrases and judgements ("yet another sign", "so bad").
EVALUATIVE_PHRASES: tuple[str, ...] = (
    "yet another",
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
    """The sentence with quoted material blanked out (so a speaker's words are not the outlet's).

    Blanked with spaces of the same length, so positions in it are positions in the sentence.
    """
    return QUOTE_PATTERN.sub(lambda m: " " * len(m.group(0)), text)


def attribution_cue(text: str) -> str | None:
    """The words that attribute the sentence to a source, or None."""
    bare = outside_quotes(text)
    for pattern in (ACCORDING_TO_PATTERN, SOURCE_PHRASE_PATTERN, REPORTING_VERB_PATTERN):
        match = pattern.search(bare)
        if match:
            return match.group(0)
    return None


# Verbs that put an evaluation in someone else's mouth: "groups denounced the release as cynical".
_STANCE_VERB_PATTERN = re.compile(
    r"\b(?:denounced|denounces|denounce|called|calls|described|describes|branded|labelled|labeled|condemned|"
    r"condemn|condemns|believed|believes|believe|thinks|think|thought|feels|feel|felt|emphasize|emphasizes|talked about|"
    r"(?i:in (?:his|her|their|its|\w+'s) (?:opinion|view)))\b"
)
# A reporting verb in the last part of a sentence ("..., leaders of the church said in a letter")
# attributes everything before it.
ATTRIBUTION_AT_END = 0.5


_OPENING_MARK = re.compile(rf"{_NEWSWIRE_OPENING}|“|\"")
_NEWSWIRE_CLOSING = r"(?<=\S)''|''(?!\w)"  # not an opening typed '' ("'' Rather," opens a sentence pysbd split)
_CLOSING_MARK = re.compile(rf"{_NEWSWIRE_CLOSING}|”|\"")


def outside_running_quotes(text: str, inside: bool) -> tuple[str, bool]:
    """The sentence outside quotes when a quote may run across sentences, and whether one is open after it.

    News quotes often span sentences (``The talks failed. We will try again,'' she said.): ``inside``
    says a quote opened in an earlier sentence is still open, so the words up to its closing mark are
    quoted; an opening mark that is never closed quotes the rest of the sentence (and what follows).
    """
    if inside:
        closing = _CLOSING_MARK.search(text)
        if closing is None:
            return "", True
        text = " " * closing.end() + text[closing.end() :]
    bare = outside_quotes(text)
    closing = re.search(rf"{_NEWSWIRE_CLOSING}|”", bare)  # a quote whose opening was not seen: what comes before is quoted
    if closing is not None:
        bare = " " * closing.end() + bare[closing.end() :]
    opening = _OPENING_MARK.search(bare)
    if opening is not None:
        return bare[: opening.start()], True
    return bare, False


def own_voice(text: str, bare: str | None = None) -> str:
    """The part of a sentence in the writer's own voice: outside quotes, before any reporting or stance verb.

    "Of course, the money would have helped, officials said" keeps "Of course, the money would have
    helped"; "Fischer said the sentences were unacceptable" keeps "Fischer". ``bare`` is the sentence
    outside quotes when the caller knows more (:func:`outside_running_quotes`).
    """
    bare = outside_quotes(text) if bare is None else bare
    cuts = [
        m.start()
        for pattern in (ACCORDING_TO_PATTERN, REPORTING_VERB_PATTERN, _STANCE_VERB_PATTERN)
        for m in [pattern.search(bare)]
        if m
    ]
    if not cuts:
        return bare
    if min(cuts) > ATTRIBUTION_AT_END * len(bare.rstrip()):
        return ""  # "Last week's brutal assault ..., leaders said": all of it is theirs
    return bare[: min(cuts)]


def evaluative_words(text: str, bare: str | None = None) -> list[str]:
    """Loaded words and judging phrases in the writer's own voice (:func:`own_voice`), lower-cased, in order.

    Lower-case words only: a capitalised "Great" or "Super" names something (Great Barrier Reef, Super Bowl).
    """
    bare = own_voice(text, bare)
    lexicon = loaded_lexicon()
    hits = [m.group(0).lower() for m in EVALUATIVE_PHRASE_PATTERN.finditer(bare)]
    for m in _WORD.finditer(bare):
        w = m.group(0)
        if not w.islower() or not (w in lexicon or w in EVALUATIVE_WORDS):
            continue
        if w.endswith("ing") and _VERB_FORM_BEFORE.search(bare[: m.start()]):
            continue
        hits.append(w)
    return hits


# An -ing word after a comma or a preposition is a verb, not a judgement: ", frustrating clinic workers",
# ", stunning even his supporters", "blame for depressing the vote" (but "a frustrating season").
_VERB_FORM_BEFORE = re.compile(r"(?:,|\b(?:for|by|of|in|from|without|after|before|while|on|about|at))\s+$")


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
