"""Who published an article and when, read from its own text: the dateline that opens it and the credit
lines the cleaner removes.

Ingest takes the outlet from the data, else the URL's domain, else the file name, and the publication
date from the data alone. Plain-text pages often have neither, yet their text says both:

* a dateline ("PORT ALDRIC, Norvane Islands, March 4, 2025 (IWS) —", "MOSCOW (Reuters) -",
  "Dec 20 (Reuters) -") gives the place, the wire and the date: the date counts only when the dateline
  gives its year ("Jan. 15" alone dates nothing; a year is never guessed); a tag opening the story
  ("(CNN) The ...") or a dateline's wire tag after a byline in the lead ("By X ... (HealthDay News) --")
  gives the wire; a known wire is credited by its name ("( ap )" -> "Associated Press");
* a report credit ("This report prepared by Randi Nord for Geopolitics Alert."), a licence footer ("All
  content created by the Daily Caller News Foundation ...", "Copyright 2025 Island Wire Service.") or a
  social prompt of the outlet's own ("Please, follow us on Twitter: Follow @DNewsHQ") names the outlet.

Only lines the cleaner removed by those rules are read as credits (a sentence that mentions Reuters
in the middle of the article is news, not a credit), and only the dateline that opens the body.
:func:`with_text_provenance` fills an outlet that was a fallback and a missing date, saying where each
came from (``Article.outlet_source``, ``Article.published_source``); the article id never changes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Iterable

from storyline.dates import DAY, DAY_MONTH_PATTERN, ISO_DATE_PATTERN, MONTH_DAY_PATTERN, YEAR, parse_date
from storyline.models import FALLBACK_OUTLET_SOURCES, Article, Dateline, RemovedSpan

# A dateline is short: a place of a few words, a region or two, a date and a wire tag.
MAX_DATELINE_WORDS = 14
MAX_PLACE_WORDS = 6
MAX_OUTLET_WORDS = 6

# News agencies and the outlets that tag their own stories ("(CNN) --"), by the tag's lower-cased text, with
# the name they are credited by; in lower-cased text (some dumps) only these tags are read as wires.
KNOWN_WIRES = {
    "ap": "Associated Press", "associated press": "Associated Press", "afp": "AFP", "agence france-presse": "AFP",
    "reuters": "Reuters", "upi": "UPI", "cnn": "CNN", "cnn money": "CNN Money", "bloomberg": "Bloomberg",
    "xinhua": "Xinhua", "ians": "IANS", "pti": "PTI", "ani": "ANI", "efe": "EFE", "dpa": "dpa", "ansa": "ANSA",
    "tass": "TASS", "kyodo": "Kyodo", "yonhap": "Yonhap", "ew.com": "EW.com", "the conversation": "The Conversation",
}
_KNOWN_WIRE = "|".join(re.escape(tag).replace(r"\ ", r"\s+") for tag in sorted(KNOWN_WIRES, key=len, reverse=True))
_WIRE_TAG = rf"\(\s*(?P<wire>(?i:{_KNOWN_WIRE})|[A-Z][\w&.'’\-]*(?:\s[\w&.'’\-]+){{0,3}})\s*\)"
# A tag that opens the story with no place before it: "(CNN) The ...", "( cnn ) a cross-border raid ...",
# "(Bloomberg) -- ..." (an unknown tag needs the dash: "(Updated) The ..." is no wire).
_OPENING_TAG = re.compile(
    rf"\(\s*(?P<wire>(?i:{_KNOWN_WIRE}))\s*\)\s*(?:--|[-–—](?=\s))?|\((?P<tag>[A-Z][\w&.'’\-]*(?:\s[\w&.'’\-]+){{0,2}})\)\s*(?:--|[-–—](?=\s))")
# The head (place, region, date) ends at the wire tag or at a dash with space after it: the hyphen of
# "WINSTON-SALEM" is not the dateline's dash.
_DATELINE = re.compile(rf"(?P<head>[^\n()]{{2,120}}?)\s*(?:{_WIRE_TAG})?\s*(?:--|[-–—])(?=\s|$)")
_CAPS_PLACE = re.compile(r"[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]*){0,4}")  # "WASHINGTON", "PORT ALDRIC"
_TITLE_PLACE = re.compile(r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|of|de|la|el))*")  # "Norvane Islands"
_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day")
_DATE_PATTERNS = (MONTH_DAY_PATTERN, DAY_MONTH_PATTERN, ISO_DATE_PATTERN)  # dates.py's, not our own


def read_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening ``paragraph`` (the article's first body paragraph), or None.

    A dateline needs its dash and either an all-capitals place ("WASHINGTON —"), a wire tag after a place
    ("Kazakhstan (GPA) –") or a date with a wire tag ("Dec 20 (Reuters) -"): "WASHINGTON has long
    argued ..." or "The talks - which began Monday - ended" are sentences."""
    flat = " ".join(paragraph.split())
    if (m := _OPENING_TAG.match(flat)) and len(flat) > m.end():
        return Dateline(m.group(0).strip(), None, None, None, m.group("wire") or m.group("tag"))
    m = _DATELINE.match(flat)
    if not m or len(m.group(0).split()) > MAX_DATELINE_WORDS:
        return None
    wire = m.group("wire")
    parts = [part.strip() for part in m.group("head").split(",")]
    place_parts, date_text = parts, None
    for k in range(len(parts)):  # the date is the longest run of trailing parts that reads as one
        candidate = ", ".join(parts[k:])
        if any(pattern.fullmatch(candidate) for pattern in _DATE_PATTERNS):
            place_parts, date_text = parts[:k], candidate
            break
    if place_parts and _WEEKDAY.fullmatch(place_parts[-1]) and date_text:
        place_parts = place_parts[:-1]  # "MOSCOW, Tuesday, Dec. 20, 2016"
    if any(not part for part in place_parts):
        return None
    if place_parts:
        first, regions = place_parts[0], place_parts[1:]
        caps = bool(_CAPS_PLACE.fullmatch(first))
        known = bool(wire) and " ".join(wire.lower().split()) in KNOWN_WIRES  # "tucson, ariz. ( ap ) --"
        if not (caps or known or (wire and _TITLE_PLACE.fullmatch(first))):
            return None
        if len(regions) > 2 or not (known or all(_TITLE_PLACE.fullmatch(region) for region in regions)):
            return None
        if sum(len(part.split()) for part in place_parts) > MAX_PLACE_WORDS:
            return None
    elif not (date_text and wire):
        return None
    return Dateline(m.group(0), ", ".join(place_parts) or None, date_text, _dateline_date(date_text, wire), wire)


# A wire tag with its dash further into the lead, after a byline or a caption a flattened page put first:
# "By X, HealthDay Reporter Wednesday, Jan. 14, 2015 (HealthDay News) -- A new device ...".
MAX_LEAD_CHARS = 600
_LEAD_WIRE_TAG = re.compile(
    rf"(?:^|\s)\(\s*(?P<wire>(?i:{_KNOWN_WIRE})|[A-Za-z][\w&.'’\-]*(?:\s[\w&.'’\-]+){{0,2}})\s*\)\s*(?:--|[–—])\s")


def lead_wire(paragraph: str) -> str | None:
    """The wire or outlet tag of a dateline inside the first paragraph's opening, or None."""
    m = _LEAD_WIRE_TAG.search(" ".join(paragraph.split())[:MAX_LEAD_CHARS])
    return m.group("wire") if m else None


def _dateline_date(date_text: str | None, wire: str | None) -> datetime | None:
    """The dateline's date, when its year is written in it."""
    if not date_text:
        return None
    parsed = parse_date(date_text, None)
    if parsed is None or parsed.precision != DAY:
        return None
    year = parsed.year
    if year is None and wire:  # a year elsewhere in the dateline: "(UPI 2017)"
        years = [parse_date(word, None) for word in wire.split()]
        year = next((y.year for y in years if y is not None and y.precision == YEAR), None)
    if year is None:
        return None  # "Jan. 15": the year is unknown and is not guessed
    try:
        return datetime(year, parsed.month, parsed.day)
    except ValueError:  # Feb. 29 of a common year
        return None


# The outlet a removed credit line names, by the rule that removed it, best first: a report credit says
# whom the report was prepared for, a licence footer who owns or distributed it, the outlet's own social
# prompt ("follow us") its handle. A person's prompt ("Follow Russ Read on Twitter") names no outlet.
_NAME_FRAGMENT = r"(?P<outlet>[^,;:.!?()|\n]{2,80})"
_CREDITS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("report_credit", re.compile(
        r"(?i:this\s+(?:report|article|story|piece)\s+(?:was\s+)?(?:prepared|written|produced|filed|compiled|"
        rf"reported)\s+by)\s[^.!?]{{1,80}}?\s(?i:for)\s+{_NAME_FRAGMENT}")),
    ("licence_footer", re.compile(
        rf"(?i:all\s+(?:content|articles|material)\s+(?:created|produced|published|written)\s+by)\s+{_NAME_FRAGMENT}")),
    ("licence_footer", re.compile(rf"(?i:(?:distributed|syndicated|provided)\s+by)\s+{_NAME_FRAGMENT}")),
    ("licence_footer", re.compile(
        rf"(?:©|\((?i:c)\)|(?i:copyright))\s*(?:©\s*)?(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?,?\s+)?{_NAME_FRAGMENT}")),
    ("social_prompt", re.compile(r"(?i:follow\s+us)\b[^@.!?]{0,40}?(?P<outlet>@\w{2,30})")),
)
CREDIT_RULES = frozenset(rule for rule, _ in _CREDITS)
_NAME_CONNECTORS = frozenset({"of", "for", "and", "&", "the", "on", "de", "la", "du"})
_NOT_AN_OUTLET = frozenset({"us", "our", "me", "the author", "author", "the authors", "staff", "permission"})


def _outlet_name(fragment: str) -> str | None:
    """The outlet's name at the start of a credit's fragment: its run of capitalised words ("Daily Caller
    News Foundation" of "the Daily Caller News Foundation, an independent ..."); in lower-cased text,
    the whole fragment when it is short enough to be a name."""
    if fragment.startswith("@"):
        return fragment
    words = fragment.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if any(c.isupper() for c in fragment):
        name = []
        for word in words:
            if not (word[:1].isupper() or word[:1].isdigit() or word.lower() in _NAME_CONNECTORS):
                break
            name.append(word)
        while name and name[-1].lower() in _NAME_CONNECTORS:
            name.pop()
        words = name if name and name[0][:1].isupper() else []
    if not words or len(words) > MAX_OUTLET_WORDS or all(w.isdigit() for w in words):
        return None
    name = " ".join(words)
    return None if name.lower() in _NOT_AN_OUTLET else name


def credited_name(name: str) -> str:
    """An outlet's name as it is credited: a known wire's ("ap" -> "Associated Press"), a lower-cased dump's
    name in title case ("geopolitics alert" -> "Geopolitics Alert"), else as written."""
    key = " ".join(name.lower().split())
    if key in KNOWN_WIRES:
        return KNOWN_WIRES[key]
    if name.islower() and not name.startswith("@"):
        return " ".join(w if w in _NAME_CONNECTORS else w[:1].upper() + w[1:] for w in name.split())
    return name


def outlet_from_credits(removed: Iterable[RemovedSpan]) -> str | None:
    """The outlet named by the best credit line among the cleaner's removed spans, or None."""
    spans = [(span.rule, " ".join(span.text.split())) for span in removed if span.rule in CREDIT_RULES]
    for rule, pattern in _CREDITS:
        for span_rule, text in spans:
            if span_rule != rule:
                continue
            for m in pattern.finditer(text):
                name = _outlet_name(m.group("outlet").strip())
                if name:
                    return credited_name(name)
    return None


def with_text_provenance(article: Article, removed: Iterable[RemovedSpan], dateline: Dateline | None,
                         lead: str = "") -> Article:
    """``article`` with the outlet its credit line or dateline names, when ingest only had a fallback
    (the file name), and the dateline's date, when the input gave none; the id stays the same. ``lead``:
    the first paragraph, whose opening may carry the dateline's wire tag after a byline or caption."""
    changes: dict[str, object] = {}
    if article.outlet_source in FALLBACK_OUTLET_SOURCES:
        if credited := outlet_from_credits(removed):
            changes.update(outlet=credited, outlet_source="credit line")
        elif wire := (dateline.wire if dateline and dateline.wire else lead_wire(lead)):
            changes.update(outlet=credited_name(wire), outlet_source="dateline")
    if article.published is None and dateline and dateline.published:
        changes.update(published=dateline.published, published_source="dateline")
    return replace(article, **changes) if changes else article
