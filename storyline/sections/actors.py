"""Actors: the people, organisations and places of a story, merged across spellings and forms.

spaCy's PERSON / ORG / GPE / LOC / FAC entities are normalised (titles, "the" and possessives dropped),
obvious extraction errors are filtered (sentence fragments, all-caps slugs, platforms tagged as people),
and mentions are merged:

* people by surname, tolerating transliteration variants ("Sergei" / "Sergey", "Kislyak" / "Kislak":
  a character-similarity ratio of at least ``SPELLING_SIMILARITY``), so "Lavrov" and "President Trump"
  join "Sergei Lavrov" and "Donald Trump";
* organisations and places by a small alias table ("US", "U.S.", "the United States") and by the
  "Department of State" / "State Department" form.

A role is read from the text around a mention: a title before the name ("Russian Foreign Minister
Sergei Lavrov") or an appositive after it ("Lavrov, Russia's foreign minister,").
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Mapping

from storyline.models import AnalyzedArticle, Entity, SentenceRef
from storyline.markdown import md_escape, refs_md
from storyline.sections.base import Section, StoryContext, register_section
from storyline.sections.common import outlet_of, source_key

PERSON, ORGANISATION, PLACE = "person", "organisation", "place"
_KIND = {"PERSON": PERSON, "ORG": ORGANISATION, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}

# Transliteration variants of one name score >= 0.8 (Kislyak/Kislak 0.91, Sergei/Sergey 0.83);
# different surnames that share letters stay below (Kerry/Kirby 0.6, Krol/Kerry 0.44).
SPELLING_SIMILARITY = 0.8

TITLE_WORDS = frozenset("""
    president president-elect vice prime minister secretary ambassador spokesman spokeswoman spokesperson
    adviser advisor envoy director chief chairman chairwoman chair ceo executive senator sen. rep.
    representative governor mayor general gen. admiral colonel col. lieutenant commander leader king queen
    prince princess pope judge justice chancellor nominee official officer head founder curator minister
    correspondent editor analyst professor prof. dr. doctor mr. mrs. ms. sir lord lady fm counterpart
    attorney deputy commissioner speaker botanist columnist economist
    """.split())
# Honorifics dropped from the name itself (the role keeps them).
_HONORIFIC = re.compile(
    r"^(?:(?:U\.?S\.?|US|former|then|acting|deputy|vice|the|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Sen\.?|Rep\.?|Gov\.?|Gen\.?|Col\.?|Prof\.?|President(?:-elect)?|Prime Minister|Secretary(?: of State)?|Foreign Minister|Minister|Ambassador|Chancellor|King|Queen|Prince|Pope|Judge|Senator|Governor|Mayor|General)\s+)+"
)
# Alias table for the places and bodies news names in many forms.
ALIASES = {
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "un": "United Nations",
    "u.n.": "United Nations",
    "russian federation": "Russia",
    "eu": "European Union",
    "washington d.c.": "Washington",
    "washington, d.c.": "Washington",
    "isis": "Islamic State",
    "isil": "Islamic State",
    "u.s. department of state": "State Department",
    "us state department": "State Department",
    "u.s. state department": "State Department",
    "department of state": "State Department",
}
# Names spaCy's small model tags as people or organisations that are platforms, not actors.
NOT_ACTORS = frozenset(
    "twitter facebook instagram youtube tiktok reddit whatsapp telegram linkedin google pixabay getty reuters/ "
    "advertisement share image source".split()
)
_NAME_PARTICLES = frozenset(
    {
        "al",
        "al-",
        "de",
        "del",
        "della",
        "da",
        "di",
        "van",
        "von",
        "der",
        "bin",
        "ibn",
        "la",
        "le",
        "el",
        "of",
        "and",
        "for",
        "the",
    }
)


@dataclass
class Actor:
    name: str  # the canonical (longest common) form
    kind: str  # person | organisation | place
    aliases: list[str]  # every other form seen, as written
    role: str | None  # title or description the text gives, if any
    role_citation: SentenceRef | None
    mentions: dict[str, int]  # outlet -> number of mentions
    total_mentions: int
    independent_sources: int
    citations: list[SentenceRef]  # the first mention in each outlet


@dataclass
class _Mention:
    form: str  # normalised form
    written: str
    label: str
    article: int
    entity: Entity


@dataclass
class _Cluster:
    kind: str
    mentions: list[_Mention] = field(default_factory=list)
    forms: Counter = field(default_factory=Counter)  # form -> mentions; kept by add(), asked for every mention

    def __post_init__(self) -> None:
        self.forms.update(m.form for m in self.mentions)

    def add(self, mention: _Mention) -> None:
        self.mentions.append(mention)
        self.forms[mention.form] += 1


def normalise_name(text: str) -> str:
    """The bare name: no leading "the", honorifics or titles, no possessive, no stray punctuation."""
    text = text.replace("’", "'").strip(' \t\n,;:"“”()[]')
    text = re.sub(r"'s?$", "", text).strip()
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = _HONORIFIC.sub("", text).strip()
    return text


def is_plausible_name(text: str, label: str) -> bool:
    """Filter obvious extraction errors: fragments, slugs, platforms, lower-case phrases."""
    if not text or len(text) < 2 or text.lower() in NOT_ACTORS:
        return False
    words = text.split()
    if len(words) > 6 or any(c in text for c in "|@#/\\") or text.count("-") >= 3:
        return False
    if text.isupper() and len(text) > 6 and label == "PERSON":  # "SWITZERLAND-GENEVA-...", shouting slugs
        return False
    if not text[0].isupper() and words[0].lower() not in _NAME_PARTICLES:
        return False
    if label != "PERSON" and re.match(r"^[A-Z][\w.]*-[A-Z]", text):
        return False  # "U.S.-Russia", "United States-Russian": compound modifiers, not actors
    lower = [w for w in words if not w[0].isupper() and re.split(r"(?<=-)", w.lower())[0] not in _NAME_PARTICLES]
    if label == "PERSON" and lower:
        return False  # "Trump's remarks" style fragments
    return True


def _canonical_alias(form: str) -> str:
    return ALIASES.get(form.lower(), form)


def _surname(form: str) -> str:
    last = form.split()[-1].lower()
    return re.sub(r"^(?:al|el)-", "", last)


def _similar(a: str, b: str) -> bool:
    # A transliteration changes a letter or two, not the length of the name ("Jiang" is not "Jianguo").
    return a == b or (
        a[:1] == b[:1] and abs(len(a) - len(b)) <= 1 and SequenceMatcher(None, a, b).ratio() >= SPELLING_SIMILARITY
    )


@lru_cache(maxsize=1 << 16)  # asked for every mention against every form of every person so far
def _same_person(a: str, b: str) -> bool:
    """Two person forms name one person: same (or variant) surname, and compatible first names."""
    if not _similar(_surname(a), _surname(b)):
        return False
    first_a, first_b = a.split()[:-1], b.split()[:-1]
    if not first_a or not first_b:
        return True  # "Lavrov" joins "Sergei Lavrov"
    return _similar(first_a[0].lower().rstrip("."), first_b[0].lower().rstrip(".")) or (
        first_a[0][0].lower() == first_b[0][0].lower()
        and (len(first_a[0].rstrip(".")) == 1 or len(first_b[0].rstrip(".")) == 1)
    )


_INSIDE_TITLE = re.compile(
    r"\b(?:Secretary|Minister|Ministry|Department|Ambassador|Director|Chief)\s+(?:of|to|for)\s+(?:the\s+)?$"
)
# Lower-case words allowed inside a title before a name ("Iranian foreign minister Mohammad Javad Zarif").
_TITLE_MODIFIERS = "foreign|national|security|prime|defense|defence|interior|finance|press|chief|executive|former|deputy|state|union|opposition|party|government|harbour|environment|agency"
_TITLE_ALTERNATION = "|".join(re.escape(w) for w in sorted(TITLE_WORDS, key=len, reverse=True))
_ROLE_BEFORE = re.compile(
    r"((?:(?:[A-Z][\w.’'-]*|of|for|the|on|to|" + _TITLE_MODIFIERS + "|" + _TITLE_ALTERNATION + r")\s+){1,7})$"
)
_ROLE_AFTER = re.compile(
    r"^,\s+((?:the\s+|a\s+|an\s+)?[^,.;“”\"]{3,80}?)(?:,|\.|;|$|\s+(?:said|says|told|stated|added|wrote)\b)"
)
_APPOSITIVE_BEFORE = re.compile(r"((?:\b[A-Z][\w.-]*(?:'s|’s)\s+)[^,;“”\"]{3,60}?(?:,\s*[A-Z][\w. ]{1,20})?),\s*$")
_LEADING_FILLER = re.compile(
    r"^(?:(?:The|A|An|On|In|At|And|But|Meanwhile|According|Previously|As|When|Then|Under|After|Before|Just)\s+)+"
)


def _has_title(text: str) -> bool:
    return any(w.lower().strip(",.") in TITLE_WORDS for w in text.split())


def _title_phrase(words: list[str]) -> bool:
    """A title, optionally followed by "of/to X" ("Secretary of State", "Ambassador to Kazakhstan")."""
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower().strip(",.") in TITLE_WORDS:
            tail = words[i + 1 :]
            return not tail or (tail[0] in {"of", "to", "for"} and 2 <= len(tail) <= 3)
    return False


def find_role(sentence_text: str, start: int, end: int) -> str | None:
    """A title before the mention or an appositive after it, if it names a role."""
    prefix = sentence_text[:start]
    before = _ROLE_BEFORE.search(prefix)
    if before:
        words = before.group(1).split()
        while words and words[-1].lower() in {"of", "for", "the", "on", "to"}:
            words.pop()
        while words and not words[0][0].isupper():
            words.pop(0)
        role = _LEADING_FILLER.sub("", " ".join(words))
        if role and _title_phrase(role.split()):
            return role
    # "Russia's ambassador in Washington, Sergey Kislyak"
    appositive = _APPOSITIVE_BEFORE.search(prefix)
    if appositive and _has_title(appositive.group(1)):
        return appositive.group(1).strip()
    after = _ROLE_AFTER.search(sentence_text[end:])
    if after and _has_title(after.group(1)):
        return after.group(1).strip()
    return None


@register_section
class Actors(Section):
    """The story's actors, most widely reported first."""

    name, title = "actors", "Actors"
    item = Actor
    shown = 25  # rows of the Markdown and HTML tables (all are in the JSON)

    def build(self, context: StoryContext) -> list[Actor]:
        return _actors(context.articles, context.sources)

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        lines = ["| actor | kind | role | also written | mentions by outlet |", "|---|---|---|---|---|"]
        for a in items[: self.shown]:
            role = f"{md_escape(a['role'])} {refs_md(a['role_citation'])}" if a["role"] else ""
            mentions = ", ".join(f"{md_escape(o)} {n}" for o, n in a["mentions"].items())
            lines.append(
                f"| {md_escape(a['name'])} {refs_md(a['citations'][:1])} | {a['kind']} | {role} | "
                f"{md_escape(', '.join(a['aliases']))} | {mentions} |"
            )
        return lines


build_actors = Actors.build_alone


def _actors(articles: list[AnalyzedArticle], source_of: Mapping[str, str]) -> list[Actor]:
    mentions: list[_Mention] = []
    for position, article in enumerate(articles):
        for entity in article.entities:
            if entity.label not in _KIND:
                continue
            form = normalise_name(entity.text)
            if not is_plausible_name(form, entity.label):
                continue
            sentence = article.sentences[entity.sentence_index]
            if _INSIDE_TITLE.search(sentence.text[: entity.start - sentence.start]):
                continue  # "State" in "Secretary of State" is part of a title
            mentions.append(_Mention(_canonical_alias(form), entity.text, entity.label, position, entity))

    # People first (full names before bare surnames, so "Lavrov" finds "Sergei Lavrov").
    person_forms = {m.form for m in mentions if m.label == "PERSON" and len(m.form.split()) >= 2}
    people: list[_Cluster] = []
    for form in sorted(person_forms, key=lambda f: (-len(f.split()), f)):
        for cluster in people:
            if any(_same_person(form, other) for other in cluster.forms):
                # A form-only placeholder (article -1): it lets bare surnames find the cluster.
                cluster.add(_Mention(form, form, "PERSON", -1, None))
                break
        else:
            people.append(_Cluster(PERSON, [_Mention(form, form, "PERSON", -1, None)]))

    others: dict[tuple[str, str], _Cluster] = {}
    for m in mentions:
        single = len(m.form.split()) == 1
        target = None
        if m.label == "PERSON" or single:
            # A bare surname (whatever spaCy labelled it) joins the person cluster with that surname.
            matches = [c for c in people if any(_same_person(m.form, f) for f in c.forms)]
            if m.label == "PERSON" or (single and matches and m.form not in ALIASES.values()):
                target = max(matches, key=lambda c: len(c.mentions), default=None)
        if target is None and m.label == "PERSON":
            target = _Cluster(PERSON)
            people.append(target)
        if target is not None:
            target.add(m)
            continue
        key = (_KIND[m.label], m.form.lower())
        others.setdefault(key, _Cluster(_KIND[m.label])).add(m)

    # A one-word organisation that ends a longer one joins it when that is unambiguous ("the Post" ->
    # "Washington Post", like a surname joins a full name).
    for (kind, form), cluster in list(others.items()):
        if kind != ORGANISATION or " " in form:
            continue
        longer = [k for k in others if k[0] == kind and " " in k[1] and k[1].split()[-1] == form]
        if len(longer) == 1:
            for mention in cluster.mentions:
                others[longer[0]].add(mention)
            del others[(kind, form)]

    actors = []
    for cluster in people + list(others.values()):
        real = [m for m in cluster.mentions if m.article >= 0]
        if real:
            actors.append(_to_actor(cluster.kind, real, articles, source_of))
    # An organisation that is really a person's surname seen alone ("Trump" tagged ORG) was merged above;
    # drop duplicate names that remain across kinds by keeping the larger.
    actors.sort(key=lambda a: (-a.independent_sources, -a.total_mentions, a.name))
    seen: set[str] = set()
    unique = []
    for actor in actors:
        if actor.name.lower() in seen:
            continue
        seen.add(actor.name.lower())
        unique.append(actor)
    return unique


def _to_actor(
    kind: str, mentions: list[_Mention], articles: list[AnalyzedArticle], source_of: Mapping[str, str]
) -> Actor:
    forms = Counter(m.form for m in mentions)
    # Canonical: the most frequent form among the longest ones (full names over bare surnames).
    longest = max(len(f.split()) for f in forms)
    name = max((f for f in forms if len(f.split()) == longest), key=lambda f: (forms[f], len(f)))
    written = []
    for m in mentions:
        alias = normalise_name(m.written)
        if alias != name and alias not in written:
            written.append(alias)
    per_outlet: Counter[str] = Counter()
    citations: list[SentenceRef] = []
    seen_outlets: set[str] = set()
    roles: Counter[str] = Counter()
    role_refs: dict[str, SentenceRef] = {}
    for m in mentions:
        article = articles[m.article]
        outlet = outlet_of(article)
        per_outlet[outlet] += 1
        if outlet not in seen_outlets:
            seen_outlets.add(outlet)
            citations.append(article.ref(m.entity.sentence_index))
        if kind == PERSON:
            sentence = article.sentences[m.entity.sentence_index]
            role = find_role(sentence.text, m.entity.start - sentence.start, m.entity.end - sentence.start)
            if role:
                roles[role] += 1
                role_refs.setdefault(role, article.ref(sentence.index))
    role = max(roles, key=lambda r: (roles[r], len(r))) if roles else None
    sources = {source_key(articles[m.article], source_of) for m in mentions}
    return Actor(
        name=name,
        kind=kind,
        aliases=written,
        role=role,
        role_citation=role_refs.get(role) if role else None,
        mentions=dict(per_outlet),
        total_mentions=sum(per_outlet.values()),
        independent_sources=len(sources),
        citations=citations,
    )


def alias_index(actors: list[Actor]) -> dict[str, str]:
    """Lower-cased form (name, alias or surname) -> canonical name of a person, for resolving speakers."""
    index: dict[str, str] = {}
    for actor in actors:
        if actor.kind != PERSON:
            continue
        for form in [actor.name, *actor.aliases]:
            index.setdefault(form.lower(), actor.name)
            index.setdefault(_surname(form), actor.name)
    return index
