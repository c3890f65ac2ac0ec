"""Dates that an article's own text names, resolved against its publication date.

Date expressions come from spaCy DATE entities plus our own patterns for explicit month-day dates
(which spaCy sometimes misses). Each expression is read by explicit rules (:func:`parse_date`):

* an explicit year is a fact; a month-day or month without a year takes the year that puts it nearest
  to the publication date; "Friday" takes the nearest Friday on the side the verb's tense points to
  ("will sign on Friday" -> the coming Friday, "met on Friday" -> the last one); "last month",
  "yesterday", "last year" are counted back from the publication date.
* Without a publication date, relative expressions cannot be placed and are left out; month-day and
  month dates keep an unknown year.

Part of the analysis layer: the timeline, the contradiction rules and story clustering (an article's
event time) all read dates through this module.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from storyline.sources.article import PUBLISHED_YEARS
from storyline.models import AnalyzedArticle, Sentence

DAY, MONTH, SEASON, YEAR = "day", "month", "season", "year"
UNPLACED = "unplaced"  # a weekday with no publication date: only joins an event dated elsewhere

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_SEASON_MONTH = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}
# Month names are matched capitalised only ("may" is a modal verb); "Mar" needs its full stop or a day.
_MONTH_NAME = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|March|Mar\.|April|Apr\.?|May|June|Jun\.?|July|Jul\.?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
# Before a day number a month's full name is a month in any case: lower-cased dumps write "january 4th,
# 2016". Lower-case "may" and "march" are verbs too, so they need the year as well ("may 4, 2016").
_LOWER_MONTH_WITH_YEAR = r"(?=\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?:1[89]|20)\d\d\b)"
_MONTH_NAME_BEFORE_DAY = (
    _MONTH_NAME[:-1]
    + "|"
    + "|".join(name.lower() + (_LOWER_MONTH_WITH_YEAR if name in {"May", "March"} else "") for name in calendar.month_name[1:])
    + ")"
)
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
MONTH_DAY_PATTERN = re.compile(
    r"\b" + _MONTH_NAME_BEFORE_DAY + r"\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+" + _YEAR + r"\b)?"
)
DAY_MONTH_PATTERN = re.compile(
    r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_NAME + r"\.?(?:,?\s+" + _YEAR + r"\b)?"
)
ISO_DATE_PATTERN = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
_MONTH_ONLY = re.compile(
    r"(?:\b(?P<part>early|mid|late|the end of|end of|the beginning of|beginning of)[\s-]+)?"
    + r"\b"
    + _MONTH_NAME
    + r"\b\.?(?:,?\s+(?:of\s+)?"
    + _YEAR
    + r"\b)?"
)
_SEASON = re.compile(
    r"\b(?:(?P<rel>last|this|next|early|late)\s+)?(?P<season>spring|summer|autumn|fall|winter)\b(?:\s+(?:of\s+)?"
    + _YEAR
    + r"\b)?",
    re.I,
)
_WEEKDAY = re.compile(
    r"\b(?:(?P<rel>last|next|this|on)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I
)
_RELATIVE_DAY = re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight)\b", re.I)
_RELATIVE_MONTH = re.compile(r"\b(?P<rel>last|this|next|earlier this|later this|previous)\s+month\b", re.I)
_RELATIVE_YEAR = re.compile(r"\b(?P<rel>last|this|next|earlier this|later this|previous)\s+year\b", re.I)
_BARE_YEAR = re.compile(r"^(?:in\s+|the\s+year\s+)?" + _YEAR + r"$", re.I)
# Tense cues before a weekday: the last one before the date decides which side of the publication date.
# A future auxiliary takes the next two words with it, so "will be signed" reads as future.
_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|'ll|going to|is to|are to|to be|scheduled|set to|plans? to|planned|expected to|due to|next|upcoming|coming)\b(?:\s+\w+){0,2}",
    re.I,
)
_PAST_CUE = re.compile(r"\b(?:did|didn't|was|were|had|has|have|said|met|began|took|held|last|ago|\w+ed)\b", re.I)


@dataclass
class EventDate:
    text: str  # the expression as written
    precision: str  # day | month | season | year
    year: int | None  # None: the year is unknown
    month: int | None = None
    day: int | None = None
    qualifier: str | None = None  # early / mid / late (month), or the season's name
    year_known: bool = True  # False: year unknown (without a publication date); never guessed
    basis: str = "explicit"  # explicit | publication date | inferred order (year unknown)
    label: str = ""  # human-readable: "20 Dec 2016", "late Jan (year unknown)"
    year_offset: int = 0  # year-unknown dates: years after the earliest date of the story (inferred order)

    def order_key(self, base_year: int) -> tuple[int, int, int]:
        year = self.year if self.year is not None else base_year + self.year_offset
        day = self.day or {"early": 5, "mid": 15, "late": 25}.get(self.qualifier or "", 15)
        return (year, self.month or (7 if self.precision == YEAR else 6), day)


@dataclass
class DateMention:
    date: EventDate
    article: int
    sentence: int
    incidental: bool = False  # named in passing, not when the sentence's event happens (incidental_date)
    span: tuple[int, int] = (0, 0)  # where the expression stands in its sentence's text


# A date named in passing rather than as the time of the sentence's event: a baseline of a comparison
# ("the worst since 1980", "higher than in 2010"), a span's bound ("from 1990 to 2000", "before Oct.
# 23"), a date used as a modifier ("the 2016 election", "a white 1989 Suzuki", "the Aug. 7 bombings";
# but "during a Dec. 28 phone call" dates the sentence's event),
# a date inside a relative, conditional or subordinate clause, which gives background to the sentence's
# event ("His wife, who had not seen him since his arrest on Nov. 30, was told ...", "came after he
# signed a petition in May 1995", "if Operation Rescue returns in April", "could ... until elections in
# April"), after "of" ("the Sherman Act of 1890"), in a participle clause ("a photograph taken in
# January 1997") or inside a quote (a speaker's plan or wish). Read off the tune clusters of storyline
# bench deep.
_INCIDENTAL_BEFORE = re.compile(
    r"(?:\bsince|\bthan(?:\s+in)?|\buntil|\bthrough|\bfrom|\bbetween|\bbefore|\bas\s+of|"
    r"\bback\s+to|\bdating\s+(?:back\s+)?to|\brecords\s+began\s+in|\bby|"
    # the earlier value of a change: "fallen below $50 billion, from $70 billion at the end of July"
    r"\bfrom\s+(?:[^\s,;]+\s+){0,2}[^\s,;]*\d[^\s,;]*(?:\s+[^\s,;]+){0,2}\s+(?:in|at|on))\s*$",
    re.I,
)
_MODIFIER_BEFORE = re.compile(r"\b(?:the|a|an|its|his|her|their|this|that|last\s+year's)(?:\s+[a-z]+){0,2}\s*$", re.I)
# A clause opened before the date and not closed by a comma: its verb is not the sentence's main event
# ("when" is left out: "traffic returned when the bridge reopened on March 2" dates the main event).
_SUBORDINATE = re.compile(
    r"(?:\b(?:who|whom|whose|which)\b|,\s*where\b|(?:^|\s)(?:[Aa]fter|[Ss]ince|[Ww]here|[Bb]efore|[Uu]ntil|[Ii]f|[Uu]nless|"
    r"[Dd]espite|[Ll]ike|[Ii]n response to)\s|\b(?:could|might|would|may|should|must|can)\s)"
)
# "the sensation of September", "the Sherman Act of 1890": a date after "of" names a thing, except the
# time words that say when ("the morning of Oct. 23").
_OF_DATE = re.compile(r"(?<!morning)(?<!evening)(?<!night)(?<!afternoon)(?<!\bday)(?<!week)(?<!\bend)(?<!beginning)(?<!middle)\s+of\s*$")
# "A photograph taken in January 1997", "an indictment, issued in June": a participle without its
# auxiliary (an irregular form, or an -ed form after a comma) opens a clause about something else.
_REDUCED_RELATIVE = re.compile(
    r"(?:,\s*\w{3,}ed|\b(?:taken|given|written|chosen|driven|seen|shown|known|drawn))(?:\s+(?:in|on))?\s*$"
)


# What follows a four-digit number that makes it no year: a decade's "s" ("the 1980's", "1970s") or a
# time zone ("7:03 p.m. (1903 GMT)").
_NOT_A_YEAR_AFTER = re.compile(r"'?s\b|\s*(?:GMT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|local\s+time)\b")
# A modal or future verb in the date's own clause after it makes a year or month a forecast or a plan, not
# the time of something that happened ("the deficit in 1999 could reach $300 billion", "come 2000 everyone
# will have forgotten").
_FORECAST_AFTER = re.compile(
    r"^[^,;:]*?\b(?:could|would|will|won't|might|may|should|(?:is|are)\s+(?:expected|projected|forecast))\b"
)


def _inside_quote(sentence: str, position: int) -> bool:
    from storyline.attribution import QUOTE_PATTERN  # the one definition of a quote

    if any(m.start() <= position < m.end() for m in QUOTE_PATTERN.finditer(sentence)):
        return True
    before = sentence[:position]
    return before.count("``") > before.count("''") or before.count("“") > before.count("”")


def incidental_date(sentence: str, start: int, end: int, precision: str) -> bool:
    """Whether the date at sentence[start:end] is named in passing (see _INCIDENTAL_BEFORE)."""
    before = sentence[:start].rstrip()
    if _INCIDENTAL_BEFORE.search(before + " "):
        return True
    if precision in (YEAR, MONTH) and _FORECAST_AFTER.search(sentence[end:]):
        return True
    if precision == YEAR and re.search(r"\bfor\s*$", before):
        return True  # "the growth rate for 2009", "the budget for 2010": the period a figure is for
    # "the 2016 election", "the Aug. 7 embassy bombing": the date modifies the noun after it.
    # "during a Dec. 28 phone call" dates the sentence's own event, so "during" keeps it.
    expression = sentence[start:end]
    if re.match(r"(?:the|a|an)\s", expression, re.I):  # spaCy's span can take the article in: "the Aug. 7"
        before, start = (before + " " + expression.split()[0]).strip(), start + len(expression.split()[0]) + 1
    modifier = _MODIFIER_BEFORE.search(before)
    if modifier and re.match(r"^\s+[A-Za-z][\w.-]+", sentence[end:]) and not re.search(r"\bduring\s*$", before[: modifier.start()]):
        following = re.match(r"^\s+([A-Za-z][\w.-]+)", sentence[end:]).group(1).lower()
        if following not in {"and", "or", "to", "when", "after", "before", "at", "in", "on", "by", "as", "the", "a"}:
            return True
    if _OF_DATE.search(before) or re.search(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s*$", before):
        return True  # "the Sherman Act of 1890"; "Mr. October" is a name
    if _REDUCED_RELATIVE.search(before) and not re.search(r"\b(?:was|were|is|are|be|been|has|have|had)\s+\w+\s*(?:in|on)?\s*$", before):
        return True
    if _inside_quote(sentence, start):
        return True  # a speaker's words: a plan or a wish, not the event the sentence reports
    opened = None
    for m in _SUBORDINATE.finditer(before):
        opened = m
    if opened is not None and "," not in before[opened.end() :]:
        return True
    return False


def _nearest_year(month: int, day: int, published: date) -> int | None:
    """The year (of the publication's, the one before, the one after) that puts month-day nearest to the
    publication date; None when the day exists in none of them (Feb. 29 far from a leap year)."""
    best = None
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            gap = abs((date(year, month, day) - published).days)
        except ValueError:  # Feb. 29 of a common year
            continue
        if best is None or gap < best[0]:
            best = (gap, year)
    return best[1] if best else None


def date_label(d: EventDate) -> str:
    month = calendar.month_abbr[d.month] if d.month else ""
    if d.year is not None and not d.year_known:  # borrowed from another article's dated report
        year = f"{d.year}, year inferred"
    else:
        year = str(d.year) if d.year is not None else "year unknown"
    if d.precision == DAY:
        text = f"{d.day} {month}"
    elif d.precision == MONTH:
        text = f"{d.qualifier + ' ' if d.qualifier else ''}{month}"
    elif d.precision == SEASON:
        text = f"{d.qualifier}"
    else:
        return year
    return f"{text} {year}" if d.year_known else f"{text} ({year})"


def _finish(d: EventDate) -> EventDate:
    d.year_known = d.year is not None
    if not d.year_known:
        d.basis = "inferred order (year unknown)"
    d.label = date_label(d)
    return d


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _tense_before(prefix: str) -> str:
    future = [m.end() for m in _FUTURE_CUE.finditer(prefix)]
    past = [
        m.end() for m in _PAST_CUE.finditer(prefix) if m.group(0).lower() not in {"scheduled", "planned", "expected"}
    ]
    if future and (not past or future[-1] >= past[-1]):
        return "future"
    return "past"


def parse_date(text: str, published: date | None, *, context_before: str = "") -> EventDate | None:
    """Read one date expression; None if it names no placeable date (durations, "this week" undated).

    ``context_before`` is the sentence text before the expression (its tense places a bare weekday).
    """
    text = text.strip()
    if published is not None and not PUBLISHED_YEARS[0] <= published.year <= PUBLISHED_YEARS[1]:
        published = None  # no sane date is counted from year 1 or 9999 (nor can it be: date overflow)
    stripped = re.sub(r"^(?:the|on|in|since|by|from|until)\s+", "", text, flags=re.I)
    for pattern in (ISO_DATE_PATTERN, MONTH_DAY_PATTERN, DAY_MONTH_PATTERN):
        m = pattern.search(stripped)
        if m:
            month = int(m.group("month")) if pattern is ISO_DATE_PATTERN else _month(m.group("month"))
            day = int(m.group("day"))
            if not 1 <= month <= 12 or not 1 <= day <= 31:  # "2017-13-01", "Jan. 0"
                continue
            year = int(m.group("year")) if m.group("year") else None
            # 2000 is a leap year: Feb. 29 without a year may be real; "February 31" never is.
            if day > calendar.monthrange(year or 2000, month)[1]:
                return None
            basis = "explicit"
            if year is None and published is not None:
                year, basis = _nearest_year(month, day, published), "publication date"
            return _finish(EventDate(text, DAY, year, month, day, basis=basis))
    m = _MONTH_ONLY.search(stripped)
    if m:
        month = _month(m.group("month"))
        year = int(m.group("year")) if m.group("year") else None
        part = (m.group("part") or "").lower().replace("the ", "")
        qualifier = {"end of": "late", "beginning of": "early"}.get(part, part) or None
        basis = "explicit"
        if year is None and published is not None:
            year, basis = _nearest_year(month, 15, published), "publication date"
        return _finish(EventDate(text, MONTH, year, month, qualifier=qualifier, basis=basis))
    m = _SEASON.search(stripped)
    if m:
        season = m.group("season").lower().replace("fall", "autumn")
        year = int(m.group("year")) if m.group("year") else None
        basis = "explicit"
        if year is None:
            if published is None:
                return None  # a season with neither a year nor a publication date places nothing
            rel = (m.group("rel") or "").lower()
            year = published.year + {"last": -1, "next": 1}.get(rel, 0)
            basis = "publication date"
        return _finish(EventDate(text, SEASON, year, _SEASON_MONTH[season], qualifier=season, basis=basis))
    m = _BARE_YEAR.match(stripped)
    if m:
        return _finish(EventDate(text, YEAR, int(m.group("year"))))
    if published is None:
        return None  # weekdays and relative expressions need the publication date
    m = _RELATIVE_DAY.search(stripped)
    if m:
        shift = {"yesterday": -1, "tomorrow": 1}.get(m.group("word").lower(), 0)
        return _day(text, published + timedelta(days=shift))
    m = _WEEKDAY.search(stripped)
    if m:
        target = _WEEKDAYS[m.group("weekday").lower()]
        rel = (m.group("rel") or "").lower()
        back = (published.weekday() - target) % 7
        ahead = (target - published.weekday()) % 7
        if rel == "last":
            shift = -(back or 7)
        elif rel == "next":
            shift = ahead or 7
        elif back == 0:
            shift = 0
        else:
            shift = ahead if _tense_before(context_before) == "future" else -back
        return _day(text, published + timedelta(days=shift))
    m = _RELATIVE_MONTH.search(stripped)
    if m:
        rel = m.group("rel").lower()
        shift = -1 if rel in {"last", "previous"} else 1 if rel == "next" else 0
        month_index = published.year * 12 + published.month - 1 + shift
        year, month = divmod(month_index, 12)
        return _finish(EventDate(text, MONTH, year, month + 1, basis="publication date"))
    m = _RELATIVE_YEAR.search(stripped)
    if m:
        rel = m.group("rel").lower()
        shift = -1 if rel in {"last", "previous"} else 1 if rel == "next" else 0
        return _finish(EventDate(text, YEAR, published.year + shift, basis="publication date"))
    return None


def _day(text: str, value: date) -> EventDate:
    return _finish(EventDate(text, DAY, value.year, value.month, value.day, basis="publication date"))


def find_dates(article: AnalyzedArticle, sentences: Iterable[Sentence] | None = None) -> list[DateMention]:
    """Every placeable date expression of an article (or of these of its sentences), with its sentence."""
    published = (
        article.article.published.date()
        if isinstance(article.article.published, datetime)
        else article.article.published
    )
    by_sentence = article.entities_by_sentence()
    found: list[DateMention] = []
    for sentence in article.sentences if sentences is None else sentences:
        spans: list[tuple[int, int]] = []
        # spaCy DATE entities first, then explicit month-day dates spaCy missed.
        candidates = [
            (e.start - sentence.start, e.end - sentence.start)
            for e in by_sentence.get(sentence.index, [])
            if e.label == "DATE"
        ]
        for pattern in (ISO_DATE_PATTERN, MONTH_DAY_PATTERN, DAY_MONTH_PATTERN):
            candidates += [m.span() for m in pattern.finditer(sentence.text)]
        for start, end in sorted(candidates, key=lambda span: (span[0], -span[1])):  # the longest at a start
            if any(start < e and s < end for s, e in spans):
                continue
            expression = sentence.text[start:end]
            if _NOT_A_YEAR_AFTER.match(sentence.text[end:]):
                continue  # "the 1980's" is a decade, "(1903 GMT)" a clock time: neither places an event
            parsed = parse_date(expression, published, context_before=sentence.text[:start])
            if parsed is None and published is None and _WEEKDAY.search(expression):
                # "met in Moscow Tuesday" with no publication date: no date of its own, but it may
                # cite the same event as a dated sentence elsewhere (see build_timeline).
                parsed = EventDate(expression, DAY, None, basis=UNPLACED)
            if parsed is not None:
                incidental = incidental_date(sentence.text, start, end, parsed.precision)
                if (
                    spans
                    and found[-1].incidental
                    and found[-1].date.precision == parsed.precision
                    and _LIST_ITEM_BETWEEN.match(sentence.text[spans[-1][1] : start])
                ):
                    incidental = True  # the next item of a list shares its role: "2.6% in 1999, 2.8% in 2000"
                spans.append((start, end))
                found.append(DateMention(parsed, 0, sentence.index, incidental, (start, end)))
    return found


# Clauses that modify something else than the sentence's main event: a relative clause ("the Republican
# he defeated in 1996"), a participle clause on a noun ("sanctions imposed in 1992", "the agreement reached
# in October"), an adverbial clause opened by a subordinator ("after he signed a petition in May 1995"), a
# gerund after a preposition ("from accepting a prize he was awarded in September 1996"), an appositive, a
# clause as subject. spaCy's dependency labels (ClearNLP scheme).
MODIFYING_CLAUSES = frozenset({"acl", "relcl", "advcl", "pcomp", "appos", "csubj"})
# "the talks scheduled to commence Jan. 23", "a vote set for Tuesday": the clause dates the noun's coming
# event, which is what the sentence is about.
_SCHEDULED = frozenset({"scheduled", "set", "slated", "due", "planned", "expected", "timed"})


def _date_token(doc, start: int, end: int):
    """The head token of the date at doc.text[start:end] in its parse, or None when no token covers it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _path_to_verb(token) -> list:
    """The token's ancestors up to the first verb (or the root), that one included, nearest first."""
    path = []
    while token.head.i != token.i and token.pos_ not in ("VERB", "AUX"):
        token = token.head
        path.append(token)
    return path


def in_modifying_clause(doc, start: int, end: int) -> bool:
    """Whether the date at doc.text[start:end] stands inside a clause that modifies something else
    (:data:`MODIFYING_CLAUSES`) on its way up the parse to the sentence's root: then it dates that clause's
    event, not the sentence's. ``doc``: a spaCy parse of the sentence (:func:`storyline.analyze.default_parser`)."""
    date = _date_token(doc, start, end)
    if date is None:
        return False
    token = date.head  # the date's own relation (in, on, the noun it modifies) is not a clause
    inside = False
    while token.head.i != token.i:  # the root is its own head
        inside = inside or _modifies_something_else(token)
        token = token.head
    # A sentence whose root is no verb was misparsed ("The bridge ... reopened on March 2": the small model
    # makes "bridge" the root and "reopened" a clause on it): its clauses say nothing.
    return inside and token.pos_ in ("VERB", "AUX")


def _modifies_something_else(clause) -> bool:
    if clause.dep_ not in MODIFYING_CLAUSES:
        return False
    if clause.text.lower() in _SCHEDULED:
        # "With training camp originally scheduled to open on Oct. 6, the message is clear": a schedule
        # in a "with" phrase is the circumstance of another statement, not the sentence's event.
        noun = clause.head
        return noun.dep_ == "pobj" and noun.head.text.lower() == "with"
    if clause.dep_ == "advcl":
        # Only a clause a subordinator opens is background: a "when" clause times the sentence's own event
        # ("traffic returned when the bridge reopened on March 2"), and a date after "to expand the harbour"
        # is as likely the main verb's ("will sign ... to expand the harbour on Friday").
        return any(child.dep_ == "mark" for child in clause.children)
    return True


# A future the sentence doubts or denies is no event: "officials do not believe the season will start as
# scheduled on Nov. 3", "the players aren't going to get paid Nov. 15"; a plain future with a date is a
# schedule ("Russia, Vietnam and Peru will join in November").
_FUTURE_AUXILIARIES = frozenset({"will", "wo", "'ll", "would", "could", "might", "may", "shall"})
_BELIEF_VERBS = frozenset({"believe", "think", "hope", "expect", "doubt", "predict", "fear", "assume", "suspect", "anticipate", "wish"})


def in_doubted_future(doc, start: int, end: int) -> bool:
    """Whether the date at doc.text[start:end] times a future that its sentence negates or only believes
    in (a verb of belief above it). ``doc`` as for :func:`in_modifying_clause`."""
    date = _date_token(doc, start, end)
    if date is None:
        return False
    verb = (_path_to_verb(date) or [date])[-1]
    verbs = [verb]  # the date's verb and the verbs it complements, up to the clause it is said in
    while verb.dep_ in ("xcomp", "ccomp", "conj", "advcl") and verb.head.i != verb.i:
        verb = verb.head
        verbs.append(verb)
    if not any(_is_future(v) for v in verbs):
        return False
    return any(c.dep_ == "neg" for v in verbs for c in v.children) or any(v.lemma_ in _BELIEF_VERBS for v in verbs[1:])


def _is_future(verb) -> bool:
    if verb.text.lower() == "going" and any(c.dep_ == "xcomp" for c in verb.children):
        return True  # "going to miss"
    return any(c.dep_ == "aux" and c.text.lower() in _FUTURE_AUXILIARIES for c in verb.children)


def dates_another_event(doc, start: int, end: int) -> bool:
    """What the parse tells of a date that the surface rules cannot: it stands in a clause that modifies
    something else (:func:`in_modifying_clause`) or times a doubted future (:func:`in_doubted_future`)."""
    return in_modifying_clause(doc, start, end) or in_doubted_future(doc, start, end)


# --- learned: is a dated timeline candidate a real event with that date? ---------------------------
# The rules above find what they can read off a sentence's shape; whether its main event is what the
# date dates (a hypothetical, a plan, an assertion about the past, a caption) is learned from hand labels
# on Multi-News train pages (storyline train timeline). Features of one candidate: the date's mention, its
# place in the parse, the verb it hangs on and the sentence around it. Lower-case cues only, since
# Multi-News is lower-cased; nothing of where the sentence stands on its page or how long it is: on the
# training pages those tell furniture (which the cleaning stage owns) from text, not events from others.
EVENT_DATE_FEATURES = (
    "precision_day", "precision_month", "precision_season", "precision_year", "year_written",
    "dates_in_sentence", "date_dep_pobj", "date_dep_npadvmod", "date_dep_modifier", "preposition_in",
    "preposition_on", "preposition_other", "attached_to_verb", "attached_to_noun", "nouns_on_path",
    "prepositions_on_path", "clause_is_root", "clause_complement", "clause_adverbial", "clause_conjunct",
    "clause_modifier", "clause_depth", "verb_past", "verb_participle", "verb_present", "verb_base",
    "verb_gerund", "verb_future", "verb_modal", "verb_negated", "verb_passive", "root_reporting", "root_be",
    "root_not_verb", "has_quote", "date_in_quote", "superlative", "comparison_before", "plan_word",
    "furniture_word", "weekday_in_sentence",
)
_REPORTING_LEMMAS = frozenset("say tell report announce assert describe add state claim write note confirm allege charge accuse".split())
_COMPARISON_BEFORE = re.compile(r"\b(?:since|than|until|till|before|after|from|by|between|behind|like)\b(?:\W+\w+){0,3}\W*$", re.I)
_PLAN_WORD = re.compile(r"\b(?:plan(?:s|ned|ning)?|schedul\w*|expect\w*|due|slated|intend\w*|hope[sd]?|propos\w*)\b", re.I)
_FURNITURE_WORD = re.compile(r"\b(?:photo|file|caption|image|click|subscribe|copyright|getty|reuters|ap|afp|slide|video|read more|sign up)\b", re.I)


def event_date_features(doc, text: str, mention: DateMention, dates_in_sentence: int) -> list[float]:
    """The :data:`EVENT_DATE_FEATURES` of one dated candidate sentence; ``doc`` is its parse."""
    start, end = mention.span
    precision = mention.date.precision
    date_root = _date_token(doc, start, end) or doc[0]
    head = date_root.head
    preposition = head.text.lower() if head.dep_ == "prep" or head.pos_ == "ADP" else ""
    attached = head.head if preposition and head.head.i != head.i else head
    path = _path_to_verb(date_root)
    path_nouns = sum(t.pos_ in ("NOUN", "PROPN") for t in path)
    path_preps = sum(t.pos_ == "ADP" for t in path)
    verb = (path or [date_root])[-1]
    depth, token = 0, verb
    while token.head.i != token.i:
        token, depth = token.head, depth + 1
    root = token
    children = list(verb.children)
    tag = verb.tag_
    quotes = [m.span() for m in re.finditer(r"[\"“”]|``|''", text)]
    return [
        float(precision == DAY), float(precision == MONTH), float(precision == SEASON), float(precision == YEAR),
        float(bool(re.search(r"\b(?:1[6-9]|20)\d\d\b", text[start:end]))), float(dates_in_sentence),
        float(date_root.dep_ == "pobj"), float(date_root.dep_ == "npadvmod"),
        float(date_root.dep_ in ("compound", "nmod", "amod", "poss")),
        float(preposition == "in"), float(preposition == "on"), float(bool(preposition) and preposition not in ("in", "on")),
        float(attached.pos_ in ("VERB", "AUX")), float(attached.pos_ in ("NOUN", "PROPN")), float(path_nouns), float(path_preps),
        float(verb.dep_ == "ROOT"), float(verb.dep_ in ("ccomp", "xcomp")), float(verb.dep_ == "advcl"), float(verb.dep_ == "conj"),
        float(verb.dep_ in MODIFYING_CLAUSES and verb.dep_ != "advcl"), float(depth),
        float(tag == "VBD"), float(tag == "VBN"), float(tag in ("VBZ", "VBP")), float(tag == "VB"), float(tag == "VBG"),
        float(any(c.dep_ == "aux" and c.lower_ in ("will", "wo", "'ll", "shall") for c in children)),
        float(any(c.dep_ == "aux" and c.lower_ in ("would", "could", "might", "may", "should", "must", "can") for c in children)),
        float(any(c.dep_ == "neg" for c in children)), float(any(c.dep_ == "auxpass" for c in children)),
        float(root.lemma_.lower() in _REPORTING_LEMMAS), float(root.lemma_.lower() == "be"), float(root.pos_ not in ("VERB", "AUX")),
        float(bool(quotes)), float(sum(1 for a, _ in quotes if a < start) % 2 == 1),
        float(any(t.tag_ in ("JJS", "RBS") for t in doc)),
        float(bool(_COMPARISON_BEFORE.search(text[:start]))), float(bool(_PLAN_WORD.search(text))),
        float(bool(_FURNITURE_WORD.search(text))), float(bool(_WEEKDAY.search(text))),
    ]


# The text between two items of one list of dates: a comma or "and"/"or" and at most a few words.
_LIST_ITEM_BETWEEN = re.compile(r"^(?=[^;:.]*(?:,|\band\b|\bor\b))\W*(?:[\w.'$%-]+\W+){0,6}$")



# --- when an article's events happen (for story clustering) ---------------------------------------
EVENT_AGREEMENT_DAYS = 31  # text dates this close to the median tell the same time
_WRITTEN_YEAR = re.compile(r"\b(?:1[6-9]|2[0-9])[0-9]{2}\b")


def event_time(article: AnalyzedArticle) -> tuple[date | None, float]:
    """When the article's events happen, with a confidence in [0, 1].

    Its publication date (or its dateline's) when known: confidence 1. Otherwise the median of the
    day- or month-precise dates its own text states with their year, with a confidence by
    how many agree (0.8 at most, one written date already: a text's dates can be background). Dates named
    in passing ("the worst since 1980", "when the quake struck on 4 March 2025") count only when the
    text has no other, at half the confidence. No such date: unknown (None, 0), and the article is
    judged on its text alone.
    """
    published = article.article.published
    if published is not None:
        return (published.date() if isinstance(published, datetime) else published), 1.0
    # Without a publication date only a date whose year is written can be placed: read only those sentences.
    with_year = [s for s in article.sentences if _WRITTEN_YEAR.search(s.text)]
    placed = [m for m in find_dates(article, with_year)
              if m.date.year_known and m.date.year and m.date.month and m.date.precision in (DAY, MONTH)]
    own = [m for m in placed if not m.incidental]
    weight = 1.0 if own else 0.5
    days = sorted(date(m.date.year, m.date.month, m.date.day or 15).toordinal() for m in own or placed)
    if not days:
        return None, 0.0
    median = days[len(days) // 2]
    agreeing = sum(abs(day - median) <= EVENT_AGREEMENT_DAYS for day in days)
    confidence = 0.8 * weight * (agreeing / len(days)) * min(1.0, (len(days) + 1) / 2)
    return date.fromordinal(median), round(confidence, 3)
