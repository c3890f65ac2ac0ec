"""Quotes: who said what, direct and reported, with the speaker resolved and copies merged.

A sentence holds a *direct* quote when it has double-quoted words (at least ``MIN_QUOTE_WORDS``), and
*reported* speech when it has a speech verb or "according to" (the lexicon lives in
:mod:`storyline.attribution`). The speaker is resolved in this order:

1. the subject of the speech verb: a person right before it ("X said", "X, the minister, said", "X,
   who met Y, said" is X, not Y), or the name right after it ("said X"; not "said X turned down ...",
   where X is the subject of what was said), or "according to X"; never merely the nearest name;
2. a pronoun subject ("He added ...") -> a person named before it in the sentence, else the last speaker
   of the article who is a person (a quote that continues), else the last person named before it; never
   a person the article titles the other way (Ms. Boyle is not "he");
3. an organisation or noun phrase as subject ("a State Department release said", "the Post writes");
4. a bare quote with no cue -> the speaker of the previous sentence, if it was attributed.

Places and relaying outlets are not speakers of others' words: "A Bureau of Prisons official in
Washington confirmed" is the official; "X told the AP" and "according to the Post, X said" are X's. A
passive "is said to" names no speaker.

Speakers are mapped to the actors' canonical names, so "Lavrov" and "Sergey Lavrov" are one speaker.
The same quote carried by several outlets (same words, allowing small edits) is one entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from storyline.attribution import QUOTE_PATTERN, SPEECH_VERB_ALTERNATION
from storyline.models import AnalyzedArticle, SentenceRef
from storyline.markdown import md_escape, plural, refs_md
from storyline.sections.actors import alias_index, normalise_name
from storyline.sections.base import Section, StoryContext, register_section
from storyline.sections.common import outlet_of, tokens

DIRECT, REPORTED = "direct", "reported"
MIN_QUOTE_WORDS = 3
# Two quotes are one when this share of the shorter one's words is in the longer (wire copies keep the
# words; outlets trim the ends).
SAME_QUOTE_CONTAINMENT = 0.8

# "Habibie was quoted as saying": the whole phrase is the cue, so the passive does not hide the speaker.
_SPEECH_VERB = re.compile(
    r"\b(?:(?:(?:is|was|were|been)\s+)?quoted\s+as\s+saying|" + SPEECH_VERB_ALTERNATION + r"|say|claim|writes|noted|confirmed|insisted|lamented|complained|urged|acknowledged|cautioned|(?i:according to))\b"
)
_AUXILIARY = r"(?:(?:has|have|had|was|is|also|further|then|later|again|reportedly|once|\w+ly)\s+)*"
# Nouns that can be the speaker when no person is named ("a State Department release said").
_SPEAKER_NOUNS = r"(?:officials?|spokes(?:man|woman|person)|release|statement|report|reports|media|sources?|ministry|department|agency|office|government|source|aides?|diplomats?)"
_NOUN_SUBJECT = re.compile(
    r"(?P<subject>(?:\b(?:the|a|an|The|A|An)\s+)?\b(?:(?:[A-Z][\w.’'-]*|de|al|van|von|[a-z-]+(?=\s+"
    + _SPEAKER_NOUNS
    + r"))\s+){0,4}"
    r"(?:[A-Z][\w.’'-]*|" + _SPEAKER_NOUNS + r"))\s*,?\s+" + _AUXILIARY + r"$"
)
_PRONOUN = re.compile(r"\b(?P<pronoun>[Hh]e|[Ss]he)\s+" + _AUXILIARY + r"$")
# Between a person and the speech verb: an appositive ("X, the minister, said") or where the person is
# from ("Bert Ammerman of River Vale, New Jersey, said", "Gwen Ifill of NBC News said").
_PLACE_OF_PERSON = r"(?:\s+(?:of|from|in)\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s*){1,4}(?:,\s*(?:[A-Z][\w.’'-]*\s*){1,3})?)?"
_APPOSITIVE_GAP = re.compile(r"^" + _PLACE_OF_PERSON + r"(?P<appositive>,[^,“”\"]{1,70}(?P<closed>,)?)?\s*" + _AUXILIARY + r"$")
# "at the invitation of President Ben Ali, an official statement said": a speaker noun after the comma,
# with no comma closing it, is the subject, not an appositive of the name before it.
_SPEAKER_NOUN = re.compile(r"\b" + _SPEAKER_NOUNS + r"\b")
_AFTER_VERB_NAME = re.compile(r"^\s+(?P<who>(?:the\s+)?(?:[A-Z][\w.’'-]*\s*){1,4})")
# "X, who met Y last week, said": the relative clause between a subject and its verb is skipped, so
# the speaker is X, not Y (the name nearest the verb).
_RELATIVE_CLAUSE = re.compile(r",\s+(?:who|whose|which)\b[^“”\"]{1,160}?,\s*" + _AUXILIARY + r"$")
# "A Bureau of Prisons official in Washington confirmed": a place after the subject is not the speaker.
_LOCATIVE = re.compile(r"\s+(?:in|from|at)\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s*){1,3}$")
# "Sources close to the prime minister said", "people familiar with the talks said".
_SOURCES_CLOSE_TO = re.compile(
    r"\b(?P<subject>(?:[Ss]ources|[Pp]eople|[Oo]fficials|[Dd]iplomats|[Aa]ides)\s+(?:close to|familiar with)\s+[^,“”\"]{2,60}?)"
    r"(?:,[^,“”\"]{1,80},)?\s*" + _AUXILIARY + r"$"
)
# "A relative of Hemed told", "a lawyer for Odeh said": the speaker is the relative, not Hemed.
_RELATION_BEFORE = re.compile(
    r"\b(spokes(?:man|woman|person)|aide|adviser|advisor|relative|friend|lawyer|attorney|son|daughter|wife|"
    r"husband|brother|sister|mother|father|neighbou?r|colleague)\s+(?:for|to|of)\s+(?:\w+\s+)?$"
)
# "He was said to", "is said to have": a passive report names no speaker.
_PASSIVE_BEFORE = re.compile(r"\b(?:is|was|were|are|be|been|being)\s+$")
# Outlets that relay someone else's words ("X told the AP", "according to the Post"): a speaker only
# when the sentence names no other.
RELAY = re.compile(
    r"\b(?:AP|Associated Press|Reuters|AFP|Post|Times|Journal|CNN|BBC|NBC|ABC|CBS|Fox|Tribune|Guardian|"
    r"Telegraph|TASS|Interfax|Xinhua|Press|Broadcasting|Radio|Television|Daily|Herald|Gazette|Chronicle|"
    r"newspaper|magazine|media|reports?|outlet|"
    r"broadcaster|network|agency)\b",
    re.IGNORECASE,
)


@dataclass
class Quote:
    speaker: str | None  # canonical name; None when no speaker could be resolved
    text: str  # the quoted words (direct) or the sentence reporting the speech (reported)
    kind: str  # direct | reported
    cue: str  # the words that attribute it ("said", "according to", "previous sentence", ...)
    citations: list[SentenceRef]  # every sentence carrying it; first: the one shown
    outlets: list[str]
    independent_sources: int


def _speaker_for_cue(
    bare: str,
    cue: re.Match,
    people: list[tuple[int, int, str]],
    referent: "Callable[[str, int], str | None]",
    aliases: Mapping[str, str],
) -> str | None:
    """The speaker a speech verb or "according to" points at: its subject, or the name right after it.

    A pronoun subject ("she added") is the person ``referent(pronoun, position)`` says it stands for, and
    only the subject counts: never merely the name nearest the verb.
    """
    prefix, suffix = bare[: cue.start()], bare[cue.end() :]
    if _PASSIVE_BEFORE.search(prefix):
        return None
    sources = _SOURCES_CLOSE_TO.search(prefix)
    if sources:
        return sources.group("subject")
    relative = _RELATIVE_CLAUSE.search(prefix)
    if relative:
        prefix = prefix[: relative.start()] + " "
        people = [p for p in people if p[1] <= relative.start()]
    located = _LOCATIVE.search(prefix)
    if located and not any(start >= located.start() for start, _, _ in people):
        prefix = prefix[: located.start()] + " "
    if cue.group(0).lower() == "according to":
        for start, end, name in people:  # "according to engineer Priya Natarajan"
            if start >= cue.end() and re.fullmatch(r"\s+(?:[\w.’'-]+\s+){0,3}", bare[cue.end() : start]):
                return name
        who = re.match(r"\s+(?P<who>(?:the\s+)?[A-Z][\w.’' -]{1,60}?)(?:,|\.|$|\s+(?:on|in|at|last|this)\b)", suffix)
        return _resolve(who.group("who"), aliases) if who else None
    # A person right before the verb, possibly with an appositive between ("Tillerson, the nominee said").
    for start, end, name in sorted(people, key=lambda p: -p[1]):
        gap = _APPOSITIVE_GAP.match(prefix[end:]) if end <= len(prefix) else None
        if gap and gap.group("appositive") and not gap.group("closed") and _SPEAKER_NOUN.search(gap.group("appositive")):
            break
        if gap:
            relation = _RELATION_BEFORE.search(prefix[:start])
            return f"{relation.group(1)} {prefix[relation.end(1):start].split()[0]} {name}" if relation else name
        if end <= len(prefix):
            break
    pronoun = _PRONOUN.search(prefix)
    if pronoun:
        return referent(pronoun.group("pronoun").lower(), pronoun.start())
    subject = _NOUN_SUBJECT.search(prefix)
    if subject and not re.fullmatch(r"(?:It|This|That|There|They|We|I|He|She|You)", subject.group("subject").strip()):
        return _resolve(subject.group("subject"), aliases)
    # "..., said Sergey Lavrov" / "said the spokesman"; not "said Hariri turned down ...", where the
    # name after the verb is the subject of what was said.
    for start, end, name in people:
        if start >= cue.end() and re.fullmatch(r"\s*(?:[A-Z][\w.’'-]*\s+){0,4}", bare[cue.end() : start]):
            if re.match(r"\s*(?:[,.;:!?]|$|(?:and|in|on|at|during|after|who|whose|of)\b)", bare[end:]):
                return name
    return None


def _resolve(name: str, aliases: Mapping[str, str]) -> str:
    """A person's canonical name when the form is known, else the phrase as written."""
    form = normalise_name(name)
    if not form:
        return name.strip()
    if form.lower() in aliases:
        return aliases[form.lower()]
    # The name within a subject phrase: "a tearful Ana Ruiz" is Ana Ruiz, "But Prodi" is Prodi.
    words = form.split()
    while len(words) > 1 and (words[0][:1].islower() or words[0].lower() in _NOT_A_GIVEN_NAME):
        words = words[1:]
    by_surname = aliases.get(words[-1].lower())
    # "Lucia Pinochet" is not Augusto Pinochet: a surname stands for a known person only when no other
    # given name is written.
    if by_surname and (len(words) == 1 or by_surname.split()[0][0].lower() == words[0][0].lower()):
        return by_surname
    return name.strip(" ,")


_NOT_A_GIVEN_NAME = frozenset("but and yet so then also still now meanwhile however while when".split())


def find_quotes(article: AnalyzedArticle, aliases: Mapping[str, str]) -> list[Quote]:
    """Every quote and reported statement in one article."""
    by_sentence = article.entities_by_sentence()
    found: list[Quote] = []
    named: list[str] = []  # the people named so far, oldest first
    people_of_story = set(aliases.values())  # the story's people (actors), by their canonical names
    # A title tells a person's pronoun only for a person the article itself names in full: "Mary Boyle ...
    # Ms. Boyle" is she; "Mrs. Clinton" in an article that never writes "Bill Clinton" is somebody else.
    introduced = {_resolve(e.text, aliases) for e in article.entities if e.label == "PERSON" and len(e.text.split()) >= 2}
    pronoun_of: dict[str, str] = {}  # "he" / "she" for a person the article gives a title (Mr., Ms.)
    last_speaker: str | None = None
    previous_speaker: str | None = None
    for sentence in article.sentences:
        text = sentence.text
        # Quotes blanked with same-length filler so entity offsets stay valid.
        bare = QUOTE_PATTERN.sub(lambda m: "“" + "_" * (len(m.group(0)) - 2) + "”", text)
        people = [
            (e.start - sentence.start, e.end - sentence.start, _resolve(e.text, aliases))
            for e in by_sentence.get(sentence.index, [])
            if e.label == "PERSON" and "_" not in bare[e.start - sentence.start : e.end - sentence.start]
        ]
        for start, _, name in people:
            title = _TITLE_BEFORE.search(text[:start])
            if title and name in introduced:
                pronoun_of.setdefault(name, "he" if title.group(1) == "Mr" else "she")
        quotes = [m for m in QUOTE_PATTERN.finditer(text) if len(m.group(1).split()) >= MIN_QUOTE_WORDS]

        def referent(pronoun: str, position: int, people=people, speaker=last_speaker) -> str | None:
            """Who "he" / "she" stands for: the first person named before it in the sentence, its subject
            ("Maribel Martinez was presented ... her son Andy ..., she said"), else the last person who spoke, else the last person named; never a
            person the article gives the other title, nor a country or a group ("Libya said ... he said")."""
            candidates = [name for start, end, name in people if end <= position]  # the first is the subject
            candidates += [speaker] if speaker in named or speaker in people_of_story else []
            candidates += named[::-1]
            return next((name for name in candidates if pronoun_of.get(name, pronoun) == pronoun), None)

        cues = [(m, _speaker_for_cue(bare, m, people, referent, aliases)) for m in _SPEECH_VERB.finditer(bare)]
        if any(speaker and not RELAY.search(speaker) for _, speaker in cues):
            # "X told the AP", "according to the Post, X said": the outlet relays X's words.
            cues = [(m, speaker) for m, speaker in cues if not (speaker and RELAY.search(speaker))]
        ref = article.ref(sentence.index)
        used: set[int] = set()
        sentence_speaker = None
        for quote in quotes:
            # The cue nearest the quote speaks it; with no cue, the previous sentence's speaker.
            near = sorted(
                (c for c in cues if c[1]),
                key=lambda c: min(abs(c[0].start() - quote.end()), abs(quote.start() - c[0].end())),
            )
            if near:
                cue, speaker = near[0]
                used.add(cue.start())
                how = cue.group(0)
            elif previous_speaker and not cues:
                speaker, how = previous_speaker, "previous sentence"
            else:
                continue
            sentence_speaker = sentence_speaker or speaker
            found.append(Quote(speaker, quote.group(1).strip(), DIRECT, how, [ref], [], 0))
        quoted_speakers = {q.speaker for q in found if q.citations[0] == ref}
        for cue, speaker in cues:
            if speaker and cue.start() not in used and speaker not in quoted_speakers:
                found.append(Quote(speaker, text, REPORTED, cue.group(0), [ref], [], 0))
                quoted_speakers.add(speaker)
                sentence_speaker = sentence_speaker or speaker
        previous_speaker = sentence_speaker
        last_speaker = sentence_speaker or last_speaker
        for _, _, name in people:
            if name in named:
                named.remove(name)
            named.append(name)
    return found


_TITLE_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$")


def _same_quote(a: Quote, b: Quote) -> bool:
    if a.kind != b.kind or (a.speaker and b.speaker and a.speaker != b.speaker):
        return False
    words_a, words_b = set(tokens(a.text)), set(tokens(b.text))
    if not words_a or not words_b:
        return False
    return len(words_a & words_b) / min(len(words_a), len(words_b)) >= SAME_QUOTE_CONTAINMENT


@register_section
class Quotes(Section):
    """Who said what: direct quotes first, then reported speech; each merged across outlets."""

    name, title = "quotes", "Who said what"
    item = Quote
    requires = ("actors",)  # speakers are named by the actors' canonical names
    changes_position = 2

    def build(self, context: StoryContext) -> list[Quote]:
        return _quotes(context, alias_index(context.items("actors")))

    def markdown(self, items: list[dict[str, Any]]) -> list[str]:
        lines = []
        for q in items:
            speaker = md_escape(q["speaker"] or "unattributed")
            text = f"“{md_escape(q['text'])}”" if q["kind"] == "direct" else f"(reported) {md_escape(q['text'])}"
            outlets = f" — carried by {plural(len(q['outlets']), 'outlet')}" if len(q["outlets"]) > 1 else ""
            lines.append(f"- **{speaker}**: {text} {refs_md(q['citations'])}{outlets}")
        return lines


build_quotes = Quotes.build_alone


def _quotes(context: StoryContext, aliases: Mapping[str, str]) -> list[Quote]:
    merged: list[tuple[Quote, set[str]]] = []
    for article in context.articles:
        outlet, source = outlet_of(article), context.source(article)
        for quote in find_quotes(article, aliases):
            for existing, sources in merged:
                if _same_quote(existing, quote):
                    existing.citations.extend(quote.citations)
                    existing.speaker = existing.speaker or quote.speaker
                    if outlet not in existing.outlets:
                        existing.outlets.append(outlet)
                    sources.add(source)
                    break
            else:
                quote.outlets.append(outlet)
                merged.append((quote, {source}))
    quotes = []
    for quote, sources in merged:
        quote.independent_sources = len(sources)
        quotes.append(quote)
    quotes.sort(key=lambda q: (q.kind != DIRECT, -q.independent_sources, q.speaker is None))
    return quotes
