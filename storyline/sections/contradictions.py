"""Contradictions and change over time, from explainable rules over embedding-paired sentences.

No NLI model can be installed here, so each conflict is found by a rule a reader can check:

* **polarity**: both sentences talk about the same action of the same actor, one affirms and one negates
  it. Actions come from a small lexicon of verb groups with their opposites (attend / decline / skip,
  invite / exclude, sign / postpone, ...); a negation cue ("not", "won't", "no", "never", "declined to")
  shortly before the word flips it. Hypothetical uses ("should attend", "expected to attend") are left out,
  and so are a past and a future claim when no publication dates order them (different events).
* **number**: the same quantity (same unit word after the number) with different values.
* **date**: the same event (very similar sentences) given different calendar dates.
* **actor**: the same statement with a different person or organisation as its subject (who did what).

Pairs come from sentences of different articles whose embeddings are at least ``CANDIDATE_SIMILARITY``
close and which share an actor. When both articles carry publication dates the later claim is reported
as superseding the earlier: "changed over time: earlier X, later Y".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from typing import Mapping


from storyline.attribution import ATTRIBUTED, attribution_cue, classify_sentence
from storyline.models import AnalyzedArticle, SentenceRef
from storyline.sections.actors import ALIASES
from storyline.sections.common import STOPWORDS, SentenceTable, content_words, outlet_of, overlap, source_key
from storyline.dates import DAY_MONTH_PATTERN, ISO_DATE_PATTERN, MONTH_DAY_PATTERN, parse_date

POLARITY, NUMBER, DATE, ACTOR = "polarity", "number", "date", "actor"

# Pairing thresholds, set while reading tests/data/claim_pairs.jsonl (97 pairs; precision 0.786, recall
# 0.786 with these values, `storyline bench deep`): true conflicting pairs score 0.38-0.99 in cosine;
# below 0.35 sentences rarely share a claim.
CANDIDATE_SIMILARITY = 0.35
NUMBER_SIMILARITY = 0.6  # numbers are compared only between sentences about the same thing
NUMBER_OVERLAP = 0.35
DATE_SIMILARITY = 0.7
DATE_OVERLAP = 0.4
ACTOR_SIMILARITY = 0.7
ACTOR_REST_OVERLAP = 0.6  # content words besides the actors that must agree for "who did what"
MAX_CONTRADICTIONS = 20

# Action groups: words affirming the action, words denying it. Extend here, not in the rules.
ACTION_GROUPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "attend": (
        frozenset(
            "attend attends attending attended attendance participate participates participating participated participation join joins joining joined present send sends sending sent".split()
        ),
        frozenset(
            "decline declines declined declining skip skips skipped skipping boycott boycotts boycotted boycotting absent absence stay-away turn-down turned-down turning-down refuse refuses refused withdraw withdrew withdrawn".split()
        ),
    ),
    "invite": (
        frozenset("invite invites invited inviting invitation welcome welcomed".split()),
        frozenset("uninvited unwelcome exclude excludes excluded excluding snub snubbed left-out".split()),
    ),
    "happen": (
        frozenset(
            "sign signs signed signing hold holds held go-ahead proceed proceeds proceeded take-place took-place".split()
        ),
        frozenset(
            "postpone postpones postponed delay delays delayed cancel cancels cancelled canceled call-off called-off scrap scrapped slip suspend suspended".split()
        ),
    ),
    "agree": (
        frozenset("agree agrees agreed accept accepts accepted approve approves approved pass passed".split()),
        frozenset("reject rejects rejected veto vetoed oppose opposes opposed collapse collapsed".split()),
    ),
    "confirm": (
        frozenset("confirm confirms confirmed admit admits admitted".split()),
        frozenset("deny denies denied".split()),
    ),
    "rise": (
        frozenset("rise rises rose risen increase increases increased grow grows grew".split()),
        frozenset("fall falls fell fallen decrease decreases decreased drop drops dropped shrink shrank".split()),
    ),
    "win": (frozenset("win wins won winning".split()), frozenset("lose loses lost losing defeated".split())),
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
    "turn down": "turn-down",
    "turned down": "turned-down",
    "turning down": "turning-down",
    "left out": "left-out",
    "go ahead": "go-ahead",
    "take place": "take-place",
    "took place": "took-place",
    "call off": "call-off",
    "called off": "called-off",
    "be present": "present",
}
NEGATORS = frozenset(
    "not n't no never nor without cannot can't won't didn't doesn't don't isn't wasn't aren't weren't hasn't "
    "haven't wouldn't couldn't neither unable declined refused failed instead".split()
)
# Words that make the action a wish, plan, threat or demand rather than a claim that it happens.
HYPOTHETICAL = frozenset(
    "should could may might would if whether hope hopes hoped want wants wanted expected unclear likely plan plans "
    "planned urge urged considering consider considers threatened threatens threaten called calls asked asks "
    "demanded demands trying tried seeks sought".split()
)
_FUTURE = frozenset("will won't 'll shall going set".split())
_PAST_AUX = frozenset("did didn't was wasn't were weren't had hadn't".split())
_IRREGULAR_PAST = frozenset("sent held took met went won lost fell rose grew shut left".split())
NEGATION_WINDOW = 5  # tokens before the action word (within its clause)
OBJECT_WINDOW = 6  # tokens after it that say what the action is about

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[0-9][0-9,.]*|[.,;:!?()“”\"—–]")
_CLAUSE_END = {".", ";", ":", "!", "?", "—", "–", "(", ")", "“", "”", '"', ","}
_CAPITALISED_RUN = re.compile(r"\b(?:[A-Z][\w.’'-]*)(?:\s+(?:of\s+|de\s+|al-)?[A-Z][\w.’'-]*)*")
_SENTENCE_START_WORDS = frozenset(
    "The A An According In On At But And As After Before When While Meanwhile However Previously It This That There They He She We I If Although Contrary Officials Last Just Under".split()
)
_CALENDAR_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december jan feb mar apr jun jul aug sep sept oct nov dec today".split()
)
# Durations ("two years in prison", "five years or more") usually measure different things; not compared.
DURATION_UNITS = frozenset("year month week day hour minute second decade century".split())
_NUMBER = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s*|-)(million|billion|thousand|hundred)?(?:-|\s+)(?:of\s+)?([a-z][a-z-]+)"
)
_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
_MULTIPLIER = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_UNIT_STOP = frozenset("and or to of the a in on at by for with per than".split())


@dataclass
class ClaimSide:
    text: str
    citation: SentenceRef
    outlet: str
    published: datetime | None
    attribution: str | None  # the attribution cue ("said", "according to") when the claim is reported


@dataclass
class Contradiction:
    kind: str  # polarity | number | date | actor
    explanation: str  # the words that conflict, e.g. "attend" vs "not ... attending"
    first: ClaimSide  # the earlier claim when publication dates order them
    second: ClaimSide
    citations: list[SentenceRef]  # both sides
    similarity: float
    changed_over_time: bool  # publication dates show the second superseding the first
    note: str  # "changed over time: earlier X, later Y", or "sources disagree"


@dataclass
class _Action:
    group: str
    word: str
    affirmed: bool
    negator: str | None
    tense: str  # past | future | present
    hypothetical: bool
    holders: set[str]  # actors named just before the word (its subject or possessor)
    objects: set[str]  # content words right after it (what is attended, signed, closed)


def _join_multiword(text: str) -> str:
    for phrase, joined in _MULTIWORD.items():
        text = re.sub(r"\b" + phrase + r"\b", joined, text, flags=re.I)
    return text


def _words(text: str) -> list[str]:
    return _WORD.findall(_join_multiword(text.replace("’", "'")).lower())


# Words of the lexicon that are too general alone: they count only with one of these words soon after.
NEEDS_OBJECT = {
    w: frozenset(
        "delegation delegations representative representatives team envoy envoys officials minister ambassador".split()
    )
    for w in ("send", "sends", "sending", "sent", "present")
}
_DETERMINERS = frozenset("a an the another any this that every".split())
HOLDER_WINDOW = 10  # tokens before an action word searched for the actor it belongs to
HOLDER_WORDS = 6  # of which the last few plain words may name it too


@lru_cache(maxsize=4096)  # each sentence is compared with many others; read it once
def find_actions(text: str) -> tuple[_Action, ...]:
    """Each action-lexicon word in the sentence with its polarity, tense, modality and actors."""
    words = _words(text)
    cased = _WORD.findall(_join_multiword(text.replace("’", "'")))
    actions = []
    for i, word in enumerate(words):
        for group, (positive, negative) in ACTION_GROUPS.items():
            if word not in positive and word not in negative:
                continue
            if word in NEEDS_OBJECT and not NEEDS_OBJECT[word] & set(words[i + 1 : i + 5]):
                continue
            if (
                i
                and words[i - 1] in _DETERMINERS
                and word
                in {"sign", "signs", "present", "close", "drop", "ban", "win", "permit", "permits", "pass", "hold"}
            ):
                continue  # "yet another sign", "the present": nouns, not the action
            window: list[str] = []
            for w in reversed(words[max(0, i - NEGATION_WINDOW) : i]):
                if w in _CLAUSE_END:
                    break
                window.append(w)
            negator = next((w for w in window if w in NEGATORS or w.endswith("n't")), None)
            affirmed = (word in positive) != (negator is not None)
            if (
                any(w in _FUTURE for w in window)
                or "to" in window[:2]
                and any(w in {"set", "due", "going"} for w in window)
            ):
                tense = "future"
            elif word.endswith("ed") or word in _IRREGULAR_PAST or any(w in _PAST_AUX for w in window):
                tense = "past"
            else:
                tense = "present"
            hypothetical = any(w in HYPOTHETICAL for w in window)
            after = []
            for w in words[i + 1 : i + 1 + OBJECT_WINDOW]:
                if w in _CLAUSE_END:
                    break
                after.append(w)
            objects = {w for w in after if w not in STOPWORDS and w.isalpha() and len(w) > 2}
            before: list[str] = []
            for w in reversed(cased[max(0, i - HOLDER_WINDOW) : i] if len(cased) == len(words) else []):
                if w in {".", ";", ":", "(", ")", "“", "”", '"'}:
                    break
                before.insert(0, w)
            # Names before the word, and the last plain words (a subject such as "the company" or
            # "the government" stands in for a name).
            holders = actor_anchors(" ".join(before)) | {
                w.lower()
                for w in before[-HOLDER_WORDS:]
                if w.isalpha() and w.islower() and w not in STOPWORDS | NEGATORS | _FUTURE
            }
            actions.append(_Action(group, word, affirmed, negator, tense, hypothetical, holders, objects))
    return tuple(actions)


@lru_cache(maxsize=4096)
def actor_anchors(text: str) -> frozenset[str]:
    """Named things in the sentence (capitalised runs), normalised through the alias table."""
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


_LOWER_BOUND = re.compile(r"(?:more than|over|at least|upwards of|exceeding)\s+$")
_UPPER_BOUND = re.compile(r"(?:fewer than|less than|under|up to|at most|nearly|almost)\s+$")


@lru_cache(maxsize=4096)
def _numbers(text: str) -> dict[str, list[tuple[float, float]]]:
    """unit word -> value ranges for quantities in the sentence ("more than 20" -> (20, inf)); no dates or years."""
    for pattern in (ISO_DATE_PATTERN, MONTH_DAY_PATTERN, DAY_MONTH_PATTERN):
        text = pattern.sub(" ", text)
    text = re.sub(r"\b(?:19|20)\d\d\b", " ", text)
    lowered = text.lower()
    for word, value in _NUMBER_WORDS.items():
        lowered = re.sub(r"\b" + word + r"\b(?=[\s-])", str(value), lowered)
    found: dict[str, list[tuple[float, float]]] = {}
    for m in _NUMBER.finditer(lowered):
        unit = m.group(3)
        if unit in _UNIT_STOP:
            continue
        try:
            value = float(m.group(1).replace(",", "").rstrip(".")) * _MULTIPLIER.get(m.group(2) or "", 1)
        except ValueError:
            continue
        before = lowered[: m.start()]
        low, high = value, value
        if _LOWER_BOUND.search(before):
            high = float("inf")
        elif _UPPER_BOUND.search(before):
            low = 0.0
        unit = unit.rstrip("s")
        if unit in DURATION_UNITS:
            continue
        found.setdefault(unit, []).append((low, high))
    return found


def _ranges_disagree(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """No value of one sentence fits any value of the other (1% tolerance for rounding)."""
    return not any(x_low <= y_high * 1.01 and y_low <= x_high * 1.01 for x_low, x_high in a for y_low, y_high in b)


def _dates(text: str, published) -> set[tuple[int, int]]:
    out = set()
    for pattern in (ISO_DATE_PATTERN, MONTH_DAY_PATTERN, DAY_MONTH_PATTERN):
        for m in pattern.finditer(text):
            parsed = parse_date(m.group(0), published)
            if parsed and parsed.day:
                out.add((parsed.month, parsed.day))
    return out


def conflict_between(
    text_a: str, text_b: str, similarity: float, published_a=None, published_b=None
) -> tuple[str, str] | None:
    """The kind and explanation of a conflict between two sentences, or None. Text-only rules."""
    anchors_a, anchors_b = actor_anchors(text_a), actor_anchors(text_b)
    ordered = published_a is not None and published_b is not None and published_a != published_b

    # Polarity: the same action of the same actor, opposite polarity; not hypothetical.
    if similarity >= CANDIDATE_SIMILARITY:
        actions_b = [x for x in find_actions(text_b) if not x.hypothetical and x.holders]
        for x in find_actions(text_a):
            if x.hypothetical or not x.holders:
                continue
            for y in actions_b:
                if x.group != y.group or x.affirmed == y.affirmed or not x.holders & y.holders:
                    continue
                if x.objects and y.objects and not x.objects & y.objects:
                    continue  # "agreed to a coalition" vs "rejected demands for talks": different things
                if {x.tense, y.tense} == {"past", "future"} and not ordered:
                    continue  # "will attend" vs "attended": two events unless dates order them
                who = sorted(x.holders & y.holders)[0].title()
                return POLARITY, f"{_describe(x)} vs {_describe(y)} ({x.group}, said of {who})"

    words_a, words_b = content_words(text_a), content_words(text_b)
    # Numbers: the same unit with different values.
    if similarity >= NUMBER_SIMILARITY and overlap(words_a, words_b) >= NUMBER_OVERLAP:
        numbers_a, numbers_b = _numbers(text_a), _numbers(text_b)
        for unit in sorted(numbers_a.keys() & numbers_b.keys()):
            a, b = numbers_a[unit], numbers_b[unit]
            if _ranges_disagree(a, b):
                return NUMBER, f"{_show(a)} vs {_show(b)} {unit}"

    # Dates: the same event with different calendar dates, and no date in common.
    if similarity >= DATE_SIMILARITY and overlap(words_a, words_b) >= DATE_OVERLAP:
        dates_a, dates_b = _dates(text_a, published_a), _dates(text_b, published_b)
        if dates_a and dates_b and not dates_a & dates_b:
            a, b = min(dates_a), min(dates_b)
            return DATE, f"{_month_day(a)} vs {_month_day(b)}"

    # Who did what: same statement, a different subject.
    if similarity >= ACTOR_SIMILARITY:
        subject_a, subject_b = _subject(text_a), _subject(text_b)
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
                return ACTOR, f"{subject_a.title()} vs {subject_b.title()} as the one who acted"
    return None


def _is_name(subject: str, text: str) -> bool:
    """A sentence-initial capitalised word is a name only if it has two words or is capitalised mid-sentence too."""
    if len(subject.split()) >= 2:
        return True
    return bool(re.search(r"(?<=[a-z,] )" + re.escape(subject.title()) + r"\b", text))


def _subject(text: str) -> str | None:
    """The first named thing of the sentence when it opens the sentence (its likely subject)."""
    match = _CAPITALISED_RUN.match(text.replace("’", "'").strip())
    if not match:
        return None
    words = match.group(0).removesuffix("'s").split()
    if not words or words[0] in _SENTENCE_START_WORDS:
        return None
    run = " ".join(words)
    return ALIASES.get(run.lower(), run).lower()


def _show(ranges: list[tuple[float, float]]) -> str:
    low, high = ranges[0]
    if high == float("inf"):
        return f"more than {low:g}"
    return f"up to {high:g}" if low == 0 else f"{low:g}"


def _describe(action: _Action) -> str:
    return f'"{action.negator} ... {action.word}"' if action.negator else f'"{action.word}"'


def _month_day(value: tuple[int, int]) -> str:
    import calendar

    return f"{calendar.month_abbr[value[0]]} {value[1]}"


def _side(table: SentenceTable, row: int) -> ClaimSide:
    article = table.article(row)
    text = table.text(row)
    cue = attribution_cue(text) if classify_sentence(text) == ATTRIBUTED else None
    return ClaimSide(text, table.ref(row), outlet_of(article), article.article.published, cue)


def build_contradictions(
    articles: list[AnalyzedArticle], source_of: Mapping[str, str] | None = None
) -> list[Contradiction]:
    """Conflicting claims across the story's articles, most similar (most clearly about one thing) first."""
    source_of = source_of or {}
    table = SentenceTable.build(articles)
    sims = table.similarities()
    found: list[Contradiction] = []
    rows = range(len(table.rows))
    for i in rows:
        for j in rows:
            if j <= i or table.rows[i][0] == table.rows[j][0] or sims[i, j] < CANDIDATE_SIMILARITY:
                continue
            a, b = table.article(i), table.article(j)
            if source_key(a, source_of) == source_key(b, source_of):
                continue  # copies of one text do not contradict each other
            published_a, published_b = _day(a.article.published), _day(b.article.published)
            result = conflict_between(table.text(i), table.text(j), float(sims[i, j]), published_a, published_b)
            if result is None:
                continue
            kind, explanation = result
            first, second = _side(table, i), _side(table, j)
            changed = published_a is not None and published_b is not None and published_a != published_b
            if changed and published_b < published_a:
                first, second = second, first
            note = (
                f'changed over time: earlier "{first.text}" ({first.outlet}, {first.published:%Y-%m-%d}), '
                f'later "{second.text}" ({second.outlet}, {second.published:%Y-%m-%d})'
                if changed
                else "sources disagree (no publication dates to order them)"
            )
            found.append(
                Contradiction(
                    kind,
                    explanation,
                    first,
                    second,
                    [first.citation, second.citation],
                    float(sims[i, j]),
                    changed,
                    note,
                )
            )
    found.sort(key=lambda c: -c.similarity)
    return found[:MAX_CONTRADICTIONS]


def _day(value):
    return value.date() if isinstance(value, datetime) else value
