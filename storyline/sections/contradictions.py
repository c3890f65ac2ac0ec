"""Contradictions and change over time, from explainable rules over embedding-paired sentences.

No NLI model can be installed here, so each conflict is found by a rule a reader can check, and each rule
says how far it can be trusted (``confidence``: the share of its items that were real conflicts on the
tune part of the labelled evaluation, see :mod:`storyline.bench.deep`). Precision comes first: two false
alarms are enough for a reader to stop trusting the section, so a pair is flagged only when both
sentences speak of

* the **same subject**: the grammatical subject of the action (the noun phrase right before its verb
  group, "the United States won't be attending"), not any name nearby;
* the **same predicate**: an action of a small lexicon of verb groups with their opposites (attend /
  decline / skip, sign / postpone, ...), used as an asserted verb or predicate adjective. Nouns
  ("the US absence", "an invitation"), wishes and plans ("should attend", "expected to attend",
  "opposed ... attending"), infinitives and bare gerunds are not assertions and are left out, and so is
  a partial negation ("will not be totally absent": the same fact with a nuance);
* the **same time**: a past and a future claim, or two sentences naming different dates, are two
  events, unless publication dates order them (then it is a change over time, oldest first).

The kinds:

* **polarity**: one affirms the action, the other denies it.
* **number**: the same measure (same unit word, same words around it) with values that cannot both be
  true; with publication dates this is a *change over time* (a death toll rising from report to
  report), and every report of the measure is listed oldest first, each cited.
* **date**: the same event (very similar sentences) given different calendar dates.
* **actor**: the same statement with a different named subject (who did what).

Evidence is article text only: a sentence that :func:`storyline.standalone.context_need` says cannot be
shown alone (a breadcrumb, headline line, caption, or a sentence whose subject is a pronoun) is never
a side. Copies of one sentence (wire copies, or one outlet's article read twice) are one side citing
every copy, and two sides from one independent source never form a pair.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from storyline.attribution import ATTRIBUTED, REPORTING_VERBS, attribution_cue, outside_quotes
from storyline.dates import DAY_MONTH_PATTERN, ISO_DATE_PATTERN, MONTH_DAY_PATTERN, parse_date
from storyline.models import SentenceRef
from storyline.markdown import md_escape, refs_md
from storyline.sections.actors import ALIASES
from storyline.sections.base import Section, StoryContext, register_section
from storyline.sections.common import STOPWORDS, content_words, outlet_of, overlap
from storyline.standalone import context_need

POLARITY, NUMBER, DATE, ACTOR = "polarity", "number", "date", "actor"

# Pairing thresholds. CANDIDATE_SIMILARITY was set on tests/data/claim_pairs.jsonl (true conflicting
# pairs score 0.38-0.99 in MiniLM cosine; below 0.35 sentences rarely share a claim); the others were
# checked on the tune clusters of the labelled evaluation (storyline bench deep).
CANDIDATE_SIMILARITY = 0.35
NUMBER_SIMILARITY = 0.6  # numbers are compared only between sentences about the same thing
NUMBER_OVERLAP = 0.35
DATE_SIMILARITY = 0.7
DATE_OVERLAP = 0.4
ACTOR_SIMILARITY = 0.8
ACTOR_REST_OVERLAP = 0.7  # content words besides the actors that must agree for "who did what"
MIN_EVIDENCE_WORDS = 6  # shorter lines are headlines, captions or fragments
MAX_CONTRADICTIONS = 12

# How far each rule is trusted: the share of real conflicts among its items on the tune part of the
# labelled evaluation (storyline bench deep, --part tune), rounded down. Items are ranked by it.
CONFIDENCE = {
    "polarity, same subject": 0.9,
    "number, same measure": 0.8,
    "date, same event": 0.7,
    "polarity, subject named in the other": 0.6,
    "actor, same statement": 0.5,
}

# Action groups: words affirming the action, words denying it. Verbs and predicate adjectives only (a
# noun such as "absence" or "invitation" presupposes rather than asserts). Extend here, not in the rules.
ACTION_GROUPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "attend": (
        frozenset(
            "attend attends attending attended participate participates participating participated join joins "
            "joining joined present send sends sending sent".split()
        ),
        frozenset(
            "decline declines declined declining skip skips skipped skipping boycott boycotts boycotted "
            "boycotting absent stay-away refuse refuses refused withdraw withdrew withdrawn".split()
        ),
    ),
    "invite": (
        frozenset("invite invites invited inviting".split()),
        frozenset("uninvited exclude excludes excluded excluding snub snubbed".split()),
    ),
    "happen": (
        frozenset("sign signs signed signing hold holds held proceed proceeds proceeded take-place took-place".split()),
        frozenset(
            "postpone postpones postponed delay delays delayed cancel cancels cancelled canceled call-off "
            "called-off scrap scrapped suspend suspended".split()
        ),
    ),
    "agree": (
        frozenset("agree agrees agreed accept accepts accepted approve approves approved pass passed".split()),
        frozenset("reject rejects rejected veto vetoed".split()),
    ),
    "confirm": (
        frozenset("confirm confirms confirmed admit admits admitted".split()),
        frozenset("deny denies denied".split()),
    ),
    "rise": (
        frozenset("rise rises rose risen increase increases increased grow grows grew".split()),
        frozenset("fall falls fell fallen decrease decreases decreased drop drops dropped shrink shrank".split()),
    ),
    "win": (frozenset("win wins won".split()), frozenset("lose loses lost defeated".split())),
    "open": (
        frozenset("open opens opened reopen reopened".split()),
        frozenset("close closes closed shut shuts".split()),
    ),
    "alive": (
        frozenset("survive survived survives alive rescued".split()),
        frozenset("die died dies dead killed".split()),
    ),
    "allow": (
        frozenset("allow allows allowed permit permits permitted legal".split()),
        frozenset("ban bans banned prohibit prohibited illegal forbid forbidden".split()),
    ),
}
_MULTIWORD = {
    "stay away": "stay-away",
    "take place": "take-place",
    "took place": "took-place",
    "call off": "call-off",
    "called off": "called-off",
}
NEGATORS = frozenset(
    "not n't no never nor without cannot can't won't didn't doesn't don't isn't wasn't aren't weren't hasn't "
    "haven't wouldn't couldn't neither unable declined refused failed".split()
)
# "not totally absent", "not all sent": a partial negation says the same fact with a nuance.
PARTIAL = frozenset("totally entirely completely fully necessarily all only just always quite".split())
# Words that make the action a wish, plan, threat, demand or stance rather than a claim that it happens.
HYPOTHETICAL = frozenset(
    "should could may might would if whether hope hopes hoped want wants wanted expected unclear likely plan plans "
    "planned urge urged considering consider considers threatened threatens threaten called calls asked asks "
    "demanded demands trying tried seeks sought opposed opposes oppose against favour favor supports supported "
    "invited allowed permitted ready willing able".split()
)
# Words that open a clause of its own: a negation before one belongs to another verb.
_CLAUSE_OPENERS = frozenset("where that which who whom when how why what because although though while".split())
_BE = frozenset("be is are was were been being am 's 're".split())
_FUTURE = frozenset("will won't 'll shall".split())
_FUTURE_TO = frozenset("set due going scheduled expected slated".split())  # "is set to attend"
_PAST_AUX = frozenset("did didn't was wasn't were weren't had hadn't".split())
_IRREGULAR_PAST = frozenset("sent held took won lost fell rose grew shut dead".split())
# Verbs whose "to" infinitive asserts (or denies) the action itself: "declined to attend", "agreed to sign".
_ASSERTING_CONTROL = frozenset("declined refused failed agreed decided confirmed promised pledged vowed".split())
# Words allowed between a subject and its action: auxiliaries, negators, adverbs (and -ly words).
_VERB_GROUP = (
    frozenset(
        "will would shall 'll can could may might must do does did has have had be is are was were been being am "
        "to also still yet now then again even already not n't never no further later soon reportedly "
        "totally entirely completely fully officially formally ultimately eventually instead".split()
    )
    | NEGATORS
    | _FUTURE_TO
    | _ASSERTING_CONTROL
)
_PRONOUNS = frozenset("it they he she we i you this that these those who which there".split())
_DETERMINERS = frozenset("a an the another any this that every its their his her our your".split())
NEGATION_WINDOW = 6  # tokens before the action word (within its clause)
OBJECT_WINDOW = 6  # tokens after it that say what the action is about
SUBJECT_WORDS = 6  # longest subject noun phrase read

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|[0-9][0-9,.]*|[.,;:!?()“”\"—–]")
_CLAUSE_END = {".", ";", ":", "!", "?", "—", "–", "(", ")", "“", "”", '"', ","}
_CAPITALISED_RUN = re.compile(r"\b(?:[A-Z][\w.’'-]*)(?:\s+(?:of\s+|de\s+|al-)?[A-Z][\w.’'-]*)*")
_SENTENCE_START_WORDS = frozenset(
    "The A An According In On At But And As After Before When While Meanwhile However Previously It This That "
    "There They He She We I If Although Contrary Officials Last Just Under".split()
)
_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december jan feb mar apr jun jul aug sep sept oct nov dec today".split()
)
_REPORTING = frozenset(REPORTING_VERBS)


@dataclass
class ClaimSide:
    text: str
    citation: SentenceRef
    outlet: str
    published: datetime | None
    attribution: str | None  # the attribution cue ("said", "according to") when the claim is reported
    copies: list[SentenceRef] = field(default_factory=list)  # other articles carrying the same sentence


@dataclass
class Contradiction:
    kind: str  # polarity | number | date | actor
    explanation: str  # the words that conflict, e.g. "attend" vs "not ... attending"
    first: ClaimSide  # the earlier claim when publication dates order them
    second: ClaimSide  # the later one (for a change in numbers: the latest report)
    citations: list[SentenceRef]  # every side and every copy of it
    similarity: float
    changed_over_time: bool  # publication dates show the second superseding the first
    note: str  # "changed over time: earlier X, later Y", or "sources disagree"
    reason: str  # why it was flagged: the rule and what matched (same subject, same measure, ...)
    confidence: float  # how far the rule is trusted (CONFIDENCE); items are ranked by it
    reports: list[ClaimSide] = field(default_factory=list)  # every side, oldest first (numbers: each report)


@dataclass
class _Action:
    group: str
    word: str
    affirmed: bool
    negator: str | None
    tense: str  # past | future | present
    subject: frozenset[str]  # the subject's words (names through the alias table, lower-cased nouns)
    subject_text: str
    objects: frozenset[str]  # content words right after it (what is attended, signed, closed)


def _join_multiword(text: str) -> str:
    for phrase, joined in _MULTIWORD.items():
        text = re.sub(r"\b" + phrase + r"\b", joined, text, flags=re.I)
    return text


def _cased_words(text: str) -> list[str]:
    return _WORD.findall(_join_multiword(text.replace("’", "'")))


# Words of the lexicon that are too general alone: they count only with one of these words soon after.
NEEDS_OBJECT = {
    w: frozenset(
        "delegation delegations representative representatives team envoy envoys officials minister ambassador".split()
    )
    for w in ("send", "sends", "sending", "sent", "present")
}


def _subject_of(cased: list[str], words: list[str], i: int) -> tuple[frozenset[str], str]:
    """The subject noun phrase of the verb group ending before position ``i`` ((), "" when it is a pronoun)."""
    j = i - 1
    while j >= 0 and (words[j] in _VERB_GROUP or (words[j].endswith("ly") and len(words[j]) > 4)):
        j -= 1
    if j < 0 or words[j] in _CLAUSE_END:
        return frozenset(), ""
    if words[j] in _PRONOUNS:
        # "The company said it will not close ...": the pronoun after a reporting verb is that verb's subject.
        k = j - 1
        if k >= 0 and words[k] == "that":
            k -= 1
        if k >= 0 and words[k] in _REPORTING:
            return _subject_of(cased, words, k)
        return frozenset(), ""
    phrase: list[str] = []
    while j >= 0 and len(phrase) < SUBJECT_WORDS and words[j] not in _CLAUSE_END:
        if words[j] in _REPORTING or words[j] in {"that", "which", "who", "and", "as", "while"}:
            break
        phrase.insert(0, cased[j])
        if words[j] in _DETERMINERS:
            break
        j -= 1
    text = " ".join(phrase)
    names = actor_anchors(text)
    nouns = {
        w.lower()
        for w in phrase
        if w.isalpha() and w.islower() and w.lower() not in STOPWORDS and w.lower() not in _DETERMINERS
    }
    return frozenset(names | nouns), text


@lru_cache(maxsize=8192)  # each sentence is compared with many others; read it once
def find_actions(text: str) -> tuple[_Action, ...]:
    """Each asserted action-lexicon word in the sentence with its polarity, tense and subject."""
    cased = _cased_words(outside_quotes(text))
    words = [w.lower() for w in cased]
    actions = []
    for i, word in enumerate(words):
        group = next((g for g, (pos, neg) in ACTION_GROUPS.items() if word in pos or word in neg), None)
        if group is None:
            continue
        positive = ACTION_GROUPS[group][0]
        if word in NEEDS_OBJECT and not NEEDS_OBJECT[word] & set(words[i + 1 : i + 5]):
            continue
        previous = words[i - 1] if i else ""
        if previous in _DETERMINERS or previous.endswith("'s") or previous in {"of", "for", "from", "by", "the"}:
            continue  # "yet another sign", "the US's absence", "barred from attending": not asserted here
        window: list[str] = []
        for w in reversed(words[max(0, i - NEGATION_WINDOW) : i]):
            if w in _CLAUSE_END:
                break
            window.append(w)
        if any(w in HYPOTHETICAL for w in window):
            continue
        if word.endswith("ing") and not (set(window[:3]) & _BE):
            continue  # a bare gerund is a noun here ("opposed diplomats attending")
        if previous == "to" and not (set(window[1:3]) & (_ASSERTING_CONTROL | _FUTURE_TO)):
            continue  # "invited to attend", "hopes to sign": the infinitive is not asserted
        negator = next((w for w in window if w in NEGATORS or w.endswith("n't")), None)
        if negator is not None:
            between = window[: window.index(negator)]
            if set(between) & PARTIAL:
                continue  # "will not be totally absent"
            if set(between) & _CLAUSE_OPENERS:
                negator = None  # "did not say where the meeting took place": the "not" is the saying's
        affirmed = (word in positive) != (negator is not None)
        if any(w in _FUTURE for w in window) or "to" in window[:2] and set(window) & _FUTURE_TO:
            tense = "future"
        elif word.endswith("ed") or word in _IRREGULAR_PAST or any(w in _PAST_AUX for w in window):
            tense = "past"
        else:
            tense = "present"
        subject, subject_text = _subject_of(cased, words, i)
        if not subject:
            continue  # no subject the sentence itself names: nothing to compare
        after = []
        for w in words[i + 1 : i + 1 + OBJECT_WINDOW]:
            if w in _CLAUSE_END:
                break
            after.append(w)
        objects = frozenset(w for w in after if w not in STOPWORDS and w.isalpha() and len(w) > 2)
        actions.append(_Action(group, word, affirmed, negator, tense, subject, subject_text, objects))
    return tuple(actions)


@lru_cache(maxsize=8192)
def actor_anchors(text: str) -> frozenset[str]:
    """Named things in the text (capitalised runs), normalised through the alias table."""
    anchors = set()
    for match in _CAPITALISED_RUN.finditer(text.replace("’", "'")):
        run = match.group(0).removesuffix("'s").strip()
        words = run.split()
        while words and words[0] in _SENTENCE_START_WORDS:
            words.pop(0)
        if not words:
            continue
        run = " ".join(words).rstrip("'")
        if run.lower().rstrip(".") in _CALENDAR_WORDS:
            continue  # "Friday" is when, not who
        anchors.add(ALIASES.get(run.lower(), run).lower())
        for word in words:  # "US State Department" also names the United States
            alias = ALIASES.get(word.lower())
            if alias:
                anchors.add(alias.lower())
    return frozenset(anchors)


# --- numbers --------------------------------------------------------------------------------------

# Durations ("two years in prison", "five years or more") usually measure different things; not compared.
DURATION_UNITS = frozenset("year month week day hour minute second decade century time".split())
# A speed is read at a moment ("moving west at 8 mph", later "drifting at only 2 mph"): two readings
# conflict only as a change over time, when publication dates order them.
MOMENTARY_UNITS = frozenset("mph kph km/h knot".split())
_NUMBER = re.compile(
    r"(?<![\w.$£€])(\d[\d,]*(?:\.\d+)?)(?:\s*|-)(million|billion|thousand|hundred)?(?:-|\s+)(?:of\s+)?([A-Za-z][a-z-]+)",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100,
}  # fmt: skip
# "dozens", "hundreds", "thousands" are left out: a vague amount is no figure to contradict ("176 people
# have been kidnapped" and "hundreds of people have been kidnapped" are one report told loosely).
_MULTIPLIER = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_UNIT_STOP = frozenset("and or to of the a in on at by for with per than from as were was are is who".split())
_LOWER_BOUND = re.compile(r"(?:more than|over|at least|upwards of|exceeding|above)\s+$")
_UPPER_BOUND = re.compile(r"(?:fewer than|less than|under|up to|at most|nearly|almost|below)\s+$")
_APPROXIMATE = re.compile(r"(?:about|around|some|roughly|approximately|an estimated|estimated|nearly|almost)\s+$")
MEASURE_WINDOW = 5  # content words either side of a number that say what it counts
MAX_APPROXIMATION = 0.25  # "about 200" fits 150-250 (rounded to the hundred), never wider than a quarter


def _rounding_margin(value: float) -> float:
    """How far "about N" may be from the true figure: half the unit N was rounded to ("about 180": 5)."""
    unit = 1.0
    while value >= unit * 10 and value % (unit * 10) == 0:
        unit *= 10
    return min(max(unit / 2, value * 0.02), value * MAX_APPROXIMATION)


@dataclass(frozen=True)
class Quantity:
    unit: str  # the counted noun, singular ("people", "percent", "vote")
    low: float
    high: float
    context: frozenset[str]  # content words around it (what is counted: killed, injured, turnout ...)
    where: frozenset[str]  # names right after it ("in Honduras"): a different place is a different measure
    written: str


@lru_cache(maxsize=8192)
def quantities(text: str) -> tuple[Quantity, ...]:
    """Quantities in the sentence ("more than 20 people" -> 20..inf people); no dates, years or durations."""
    for pattern in (ISO_DATE_PATTERN, MONTH_DAY_PATTERN, DAY_MONTH_PATTERN):
        text = pattern.sub(" ", text)
    text = re.sub(r"\b(?:1[89]|20)\d\d\b", " ", text)
    text = text.replace("%", " percent").replace("per cent", "percent")
    for word, value in _NUMBER_WORDS.items():
        text = re.sub(r"\b" + word + r"\b(?=[\s-])", str(value), text, flags=re.I)
    found = []
    for m in _NUMBER.finditer(text):
        unit = m.group(3).lower()
        if unit in _UNIT_STOP:
            continue
        try:
            value = float(m.group(1).replace(",", "").rstrip(".")) * _MULTIPLIER.get((m.group(2) or "").lower(), 1)
        except ValueError:
            continue
        before = text[: m.start()].lower()
        low, high = value, value
        if _LOWER_BOUND.search(before):
            high = float("inf")
        elif _UPPER_BOUND.search(before):
            low = 0.0
        elif _APPROXIMATE.search(before):
            margin = _rounding_margin(value)
            low, high = value - margin, value + margin
        unit = unit.removesuffix("s") if unit not in {"press", "loss"} else unit
        if unit in DURATION_UNITS or unit.endswith("-old") or unit.endswith("-year"):
            continue
        # What is counted: content words near the number (before it: "death toll rose to"; after: "were
        # killed"), and where: the names right after it ("people in Honduras").
        words_before = [w for w in re.findall(r"[a-z][a-z'-]+", before) if w not in STOPWORDS][-MEASURE_WINDOW:]
        after = re.findall(r"[A-Za-z][A-Za-z'-]+", text[m.end() :])[:MEASURE_WINDOW]
        words_after = [w.lower() for w in after if w.lower() not in STOPWORDS]
        context = frozenset(w[:6] for w in words_before + words_after if w != unit and len(w) > 2)
        where = frozenset(w.lower() for w in after if w[:1].isupper() and w.lower() not in _CALENDAR_WORDS)
        found.append(Quantity(unit, low, high, context, where, m.group(0).strip()))
    return tuple(found)


def _fits(a: Quantity, b: Quantity) -> bool:
    """One value can be true together with the other (1% tolerance for rounding)."""
    return a.low <= b.high * 1.01 and b.low <= a.high * 1.01


NAME_PREFIX = 4


def _name_words(text: str) -> set[str]:
    """The words of the names a sentence gives (outside quotes); its first word only inside a longer name."""
    bare = outside_quotes(text).strip()
    first, _, rest = bare.partition(" ")
    if not rest[:1].isupper():
        bare = first.lower() + " " + rest  # "Their car-bomb", "Two sailors": capitalised as the first word
    # The first letters only, so that "Swedish" and "Sweden's", "Kenya" and "Kenyan" are one name.
    return {w.removesuffix("'s")[:NAME_PREFIX] for name in actor_anchors(bare) for w in name.split()}


def _number_conflict(text_a: str, text_b: str) -> tuple[str, Quantity, Quantity] | None:
    """The same measure (unit and what it counts) with values that cannot both hold, or None.

    The names of one sentence must all be in the other: "213 killed in Nairobi" and "224 killed in Kenya
    and Tanzania" count different things (one embassy, both); a toll that rises names the same places.
    """
    names_a, names_b = _name_words(text_a), _name_words(text_b)
    if not (names_a <= names_b or names_b <= names_a):
        return None
    quantities_a, quantities_b = quantities(text_a), quantities(text_b)
    # A figure the other sentence writes too is no conflict ("up from 8.7 per cent to 9.1." vs "to 9.1 % from 8.7 %").
    written_a, written_b = _figures(text_a), _figures(text_b)
    quantities_a = tuple(q for q in quantities_a if not (q.low == q.high and q.low in written_b))
    quantities_b = tuple(q for q in quantities_b if not (q.low == q.high and q.low in written_a))
    for x in quantities_a:
        same = [
            y
            for y in quantities_b
            if y.unit == x.unit and x.context & y.context and not (x.where and y.where and not x.where & y.where)
        ]
        if not same or any(_fits(x, y) for y in same):
            continue
        # the other sentence must not give a value that fits under another wording of the same unit
        if any(_fits(x, y) for y in quantities_b if y.unit == x.unit):
            continue
        return x.unit, x, same[0]
    return None


def _figures(text: str) -> frozenset[float]:
    """Every figure a sentence writes in digits, whatever follows it."""
    return frozenset(float(m.replace(",", "")) for m in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text))


def _show(q: Quantity) -> str:
    if q.high == float("inf"):
        return f"more than {q.low:g}"
    if q.low == 0:
        return f"up to {q.high:g}"
    if q.low != q.high:
        return f"about {(q.low + q.high) / 2:g}"
    return f"{q.low:g}"


# --- dates ----------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _dates(text: str, published) -> frozenset[tuple[int, int]]:
    out = set()
    for pattern in (ISO_DATE_PATTERN, MONTH_DAY_PATTERN, DAY_MONTH_PATTERN):
        for m in pattern.finditer(text):
            parsed = parse_date(m.group(0), published)
            if parsed and parsed.day:
                out.add((parsed.month, parsed.day))
    return frozenset(out)


_RELATIVE_PERIOD = re.compile(r"\b(?:last|this|next|previous)\s+(?:year|month|week|season)\b", re.I)


@lru_cache(maxsize=8192)
def _years(text: str) -> frozenset[str]:
    """Years and relative periods the sentence names ("2016", "last year")."""
    return frozenset(re.findall(r"\b(?:19|20)\d\d\b", text)) | {m.lower() for m in _RELATIVE_PERIOD.findall(text)}


def _different_occasions(text_a: str, text_b: str, published_a, published_b) -> bool:
    """Both sentences name a date or year, and none in common: they speak of two occasions."""
    dates_a, dates_b = _dates(text_a, published_a), _dates(text_b, published_b)
    if dates_a and dates_b and not dates_a & dates_b:
        return True
    years_a, years_b = _years(text_a), _years(text_b)
    return bool(years_a and years_b and not years_a & years_b)


def _month_day(value: tuple[int, int]) -> str:
    return f"{calendar.month_abbr[value[0]]} {value[1]}"


# --- the rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: str
    explanation: str
    rule: str  # a key of CONFIDENCE
    reason: str
    measure: str = ""  # numbers: the unit, so reports of one measure can be chained


def _same_subject(x: _Action, y: _Action) -> bool:
    return bool(x.subject & y.subject)


def conflict_between(
    text_a: str, text_b: str, similarity: float, published_a=None, published_b=None
) -> Conflict | None:
    """The conflict between two sentences (kind, explanation, the rule and why), or None. Text-only rules."""
    ordered = published_a is not None and published_b is not None and published_a != published_b

    def occasions() -> bool:
        return _different_occasions(text_a, text_b, published_a, published_b)

    # Polarity: the same action of the same subject at the same time, one affirms and one denies it.
    actions_a = find_actions(text_a) if similarity >= CANDIDATE_SIMILARITY else ()
    if actions_a and not occasions():
        actions_b = find_actions(text_b)
        anchors_a, anchors_b = actor_anchors(outside_quotes(text_a)), actor_anchors(outside_quotes(text_b))
        best = None
        for x in actions_a:
            for y in actions_b:
                if x.group != y.group or x.affirmed == y.affirmed:
                    continue
                if x.objects and y.objects and not x.objects & y.objects:
                    continue  # "agreed to a coalition" vs "rejected demands for talks": different things
                if {x.tense, y.tense} == {"past", "future"} and not ordered:
                    continue  # "will attend" vs "attended": two events unless dates order them
                if _same_subject(x, y):
                    rule = "polarity, same subject"
                elif x.subject & anchors_b or y.subject & anchors_a:
                    rule = "polarity, subject named in the other"
                else:
                    continue
                if best is None or CONFIDENCE[rule] > CONFIDENCE[best[0]]:
                    best = (rule, x, y)
        if best:
            rule, x, y = best
            reason = (
                f'{x.subject_text} / {y.subject_text}: one says it does "{x.group}", the other says it does not '
                f"({x.tense} and {y.tense} tense)"
            )
            return Conflict(POLARITY, f"{_describe(x)} vs {_describe(y)} ({x.group}, said of {x.subject_text})", rule, reason)

    words_a, words_b = content_words(text_a), content_words(text_b)
    # Numbers: the same measure with values that cannot both be right.
    if similarity >= NUMBER_SIMILARITY and overlap(words_a, words_b) >= NUMBER_OVERLAP and not occasions():
        found = _number_conflict(text_a, text_b)
        if found and found[0] in MOMENTARY_UNITS and not ordered:
            found = None  # two readings of a speed are two moments unless publication dates order them
        if found:
            unit, x, y = found
            shared = ", ".join(sorted(x.context & y.context))
            reason = f'the same measure ({unit}; counted with "{shared}") given as {_show(x)} and {_show(y)}'
            return Conflict(NUMBER, f"{_show(x)} vs {_show(y)} {unit}", "number, same measure", reason, unit)

    # Dates: the same event with different calendar dates, and no date in common.
    if similarity >= DATE_SIMILARITY and overlap(words_a, words_b) >= DATE_OVERLAP:
        dates_a, dates_b = _dates(text_a, published_a), _dates(text_b, published_b)
        if dates_a and dates_b and not dates_a & dates_b:
            a, b = min(dates_a), min(dates_b)
            reason = f"near-identical sentences (similarity {similarity:.2f}) date the event differently"
            return Conflict(DATE, f"{_month_day(a)} vs {_month_day(b)}", "date, same event", reason)

    # Who did what: the same statement with a different named subject.
    if similarity >= ACTOR_SIMILARITY:
        subject_a, subject_b = _opening_name(text_a), _opening_name(text_b)
        anchors_a, anchors_b = actor_anchors(text_a), actor_anchors(text_b)
        if (
            subject_a
            and subject_b
            and not set(subject_a.split()) & set(subject_b.split())  # "Campbell" / "John Campbell" is one actor
            and not any(set(subject_a.split()) & set(x.split()) for x in anchors_b)
            and not any(set(subject_b.split()) & set(x.split()) for x in anchors_a)
            and _is_name(subject_a, text_a)
            and _is_name(subject_b, text_b)
        ):
            rest_a = words_a - set(subject_a.split())
            rest_b = words_b - set(subject_b.split())
            if overlap(rest_a, rest_b) >= ACTOR_REST_OVERLAP:
                reason = "the same statement word for word, with a different person or body doing it"
                return Conflict(ACTOR, f"{subject_a.title()} vs {subject_b.title()} as the one who acted", "actor, same statement", reason)
    return None


def _is_name(subject: str, text: str) -> bool:
    """A sentence-initial capitalised word is a name only if it has two words or is capitalised mid-sentence too."""
    if len(subject.split()) >= 2:
        return True
    return bool(re.search(r"(?<=[a-z,] )" + re.escape(subject.title()) + r"\b", text))


def _opening_name(text: str) -> str | None:
    """The first named thing of the sentence when it opens the sentence (its likely subject)."""
    match = _CAPITALISED_RUN.match(text.replace("’", "'").strip())
    if not match:
        return None
    words = match.group(0).removesuffix("'s").split()
    if not words or words[0] in _SENTENCE_START_WORDS:
        return None
    run = " ".join(words)
    return ALIASES.get(run.lower(), run).lower()


def _describe(action: _Action) -> str:
    return f'"{action.negator} ... {action.word}"' if action.negator else f'"{action.word}"'


# --- the section ----------------------------------------------------------------------------------


def usable_as_evidence(text: str) -> bool:
    """Article text that can stand alone: never a breadcrumb, headline line, caption or a dangling reference."""
    return context_need(text) is None and len(text.split()) >= MIN_EVIDENCE_WORDS


def _normalised(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split()).lower()


@dataclass
class _Claim:
    """One distinct sentence of the story with every row (article) that carries it."""

    rows: list[int]
    sources: set[str]


@register_section
class Contradictions(Section):
    """Conflicting claims across independent sources, the most trusted rule first, then the closest pair."""

    name, title = "contradictions", "Contradictions and changes"
    item = Contradiction
    changes_position = 3

    def build(self, context: StoryContext) -> list[Contradiction]:
        return _contradictions(context)

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        lines = []
        for c in items:
            first, second = c["first"], c["second"]
            kind = "change over time" if c["changed_over_time"] else c["kind"]
            lines.append(
                f"- **{kind}** ({md_escape(c['explanation'])}), confidence {c['confidence']:.0%}: {md_escape(c['reason'])}"
            )
            for side in c.get("reports") or [first, second]:  # every report, oldest first
                when = f", {side['published'][:10]}" if side.get("published") else ""
                refs = refs_md([side["citation"], *side.get("copies", [])])
                lines.append(f"  - {md_escape(side['outlet'])}{when}: {md_escape(side['text'])} {refs}")
        return lines

    def change_text(self, item: dict[str, Any]) -> str:
        return item["explanation"]


build_contradictions = Contradictions.build_alone


def _contradictions(context: StoryContext) -> list[Contradiction]:
    table = context.table
    claims: dict[str, _Claim] = {}
    for row in range(len(table.rows)):
        text = table.text(row)
        if not usable_as_evidence(text):
            continue
        claim = claims.setdefault(_normalised(text), _Claim([], set()))
        claim.rows.append(row)
        claim.sources.add(context.source(table.article(row)))
    distinct = list(claims.values())
    if len(distinct) < 2:
        return []
    sims = context.similarities
    found: list[tuple[Conflict, Contradiction]] = []
    for i, a in enumerate(distinct):
        for b in distinct[i + 1 :]:
            if a.sources & b.sources:
                continue  # one source (or copies of one text) does not contradict itself
            row_a, row_b = a.rows[0], b.rows[0]
            similarity = float(sims[row_a, row_b])
            if similarity < CANDIDATE_SIMILARITY:
                continue
            published_a, published_b = _day(table.article(row_a).article.published), _day(
                table.article(row_b).article.published
            )
            conflict = conflict_between(table.text(row_a), table.text(row_b), similarity, published_a, published_b)
            if conflict is None:
                continue
            sides = sorted([_side(context, a.rows), _side(context, b.rows)], key=_when)
            found.append((conflict, _item(conflict, sides, similarity)))
    items = _chain_numbers(found)
    items.sort(key=lambda c: (-c.confidence, not c.changed_over_time, -c.similarity))
    return items[:MAX_CONTRADICTIONS]


def _when(side: ClaimSide) -> tuple[bool, datetime]:
    return (side.published is None, side.published or datetime.min)


def _side(context: StoryContext, rows: list[int]) -> ClaimSide:
    table, row = context.table, rows[0]
    article = table.article(row)
    text = table.text(row)
    cue = attribution_cue(text) if context.voices[row] == ATTRIBUTED else None
    copies = [table.ref(r) for r in rows[1:]]
    return ClaimSide(text, table.ref(row), outlet_of(article), article.article.published, cue, copies)


def _item(conflict: Conflict, sides: list[ClaimSide], similarity: float) -> Contradiction:
    first, second = sides[0], sides[-1]
    dated = [s for s in sides if s.published is not None]
    changed = len({_day(s.published) for s in dated}) > 1 and len(dated) == len(sides)
    if changed:
        steps = "; ".join(f'"{s.text}" ({s.outlet}, {s.published:%Y-%m-%d})' for s in sides)
        note = f"changed over time, oldest first: {steps}" if len(sides) > 2 else (
            f'changed over time: earlier "{first.text}" ({first.outlet}, {first.published:%Y-%m-%d}), '
            f'later "{second.text}" ({second.outlet}, {second.published:%Y-%m-%d})'
        )
    else:
        note = "sources disagree (no publication dates to order them)"
    citations = [ref for s in sides for ref in [s.citation, *s.copies]]
    return Contradiction(
        conflict.kind,
        conflict.explanation,
        first,
        second,
        citations,
        similarity,
        changed,
        note,
        conflict.reason,
        CONFIDENCE[conflict.rule],
        sides,
    )


def _chain_numbers(found: list[tuple[Conflict, Contradiction]]) -> list[Contradiction]:
    """Number conflicts of one measure that share a report become one chain of every report, oldest first."""
    items = [item for conflict, item in found if conflict.kind != NUMBER]
    chains: list[tuple[str, list[ClaimSide], list[Contradiction]]] = []
    for conflict, item in found:
        if conflict.kind != NUMBER:
            continue
        keys = {(s.citation.article_id, s.citation.sentence_index) for s in item.reports}
        chain = next(
            (
                c
                for c in chains
                if c[0] == conflict.measure
                and keys & {(s.citation.article_id, s.citation.sentence_index) for s in c[1]}
            ),
            None,
        )
        if chain is None:
            chains.append((conflict.measure, list(item.reports), [item]))
            continue
        known = {(s.citation.article_id, s.citation.sentence_index) for s in chain[1]}
        chain[1].extend(s for s in item.reports if (s.citation.article_id, s.citation.sentence_index) not in known)
        chain[2].append(item)
    for measure, sides, members in chains:
        if len(members) == 1:
            items.append(members[0])
            continue
        sides.sort(key=_when)
        values = []
        for side in sides:
            q = next((q for q in quantities(side.text) if q.unit == measure), None)
            values.append(_show(q) if q else "?")
        best = max(members, key=lambda m: m.similarity)
        conflict = Conflict(
            NUMBER,
            " -> ".join(values) + f" {measure}",
            "number, same measure",
            f"{len(sides)} reports give the same measure ({measure}) as {', '.join(values)}",
            measure,
        )
        items.append(_item(conflict, sides, best.similarity))
    return items


def _day(value):
    return value.date() if isinstance(value, datetime) else value
