"""Remove boilerplate from article text by named, documented rules, keeping an audit.

HTML extraction (trafilatura) drops most page chrome, but plain-text inputs, JSONL dumps and even
extracted pages still carry "Advertisement" lines, share bars, photo credits, author bios, licence
footers, social prompts and reader comments. :func:`clean_article` removes them and records every
removed piece as a :class:`~storyline.models.RemovedSpan` (offsets into ``Article.text`` and the name of
the rule in :data:`RULES` that removed it).

The cascade, in order:

1. Segment the text into *units*: paragraphs separated by blank lines; a block of lines that each read
   as a paragraph is one unit per line, while a hard-wrapped block stays one unit (wrapped lines are
   joined with a space), except for lines that are boilerplate on their own ("Advertisement").
2. Pattern rules (``where="anywhere"``) remove a unit when the whole unit matches, or when every
   sentence of it matches some pattern rule ("Copyright 2025 X. All rights reserved."). In a unit that
   is otherwise article text, the run of matching sentences that opens or closes it goes (a page whose
   line breaks were lost puts the sign-up box above the article in its first paragraph).
3. Reader comment threads, found by their structure (a comment count, commenter name lines followed by
   indented comment paragraphs, bullet-marked names), and lists of links to other stories (a label such
   as "Most read" followed by short lines that are not sentences).
4. Head rules: a boilerplate headline ("Share") is replaced by the first headline-like line; the
   headline repeated as the first body line and lower-case kicker lines under it are removed.
5. Tail rules (``where="tail"``): author bios and report credits, only in the run of boilerplate that
   ends the article, where a sentence such as "X is an editor at Y" is a bio and not news.
6. Glued furniture: in the units that stay, furniture a flattened page glued to an article sentence
   (a share bar or a photo credit at its start, "| License Photo" at its end, "(Photo: X)" inside it)
   is cut out and the sentence kept.
7. Provenance (:mod:`storyline.credits`): the dateline opening the body gives a missing publication
   date, and a removed credit line (or the dateline's wire tag) an outlet that was only the file name.

Conservative by design: a false removal is worse than a missed footer. Pattern rules must match a whole
unit, all of its sentences, or whole sentences at its edges (never one between two article sentences);
glued furniture is cut only by patterns that no article words match (a name and an agency, a share
bar of several buttons);
units longer than :data:`MAX_BOILERPLATE_WORDS` are never removed whole by a pattern, and an article
sentence that merely mentions Twitter or a photo does not match any rule. An article with nothing left
is an input error (:func:`clean_articles`): there is nothing in it to analyze.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Pattern

from storyline.credits import read_dateline, with_text_provenance
from storyline.errors import InputError
from storyline.models import Article, CleanedArticle, RemovedSpan

log = logging.getLogger(__name__)

# Longest unit a pattern rule may remove. The longest real boilerplate paragraph in the seeds (the DCNF
# licence footer) has 61 words; anything much longer is article text whatever it mentions.
MAX_BOILERPLATE_WORDS = 120
# A headline-like line (to repair a boilerplate headline) and a kicker line are at most this long.
MAX_HEADLINE_WORDS = 30
MAX_KICKER_WORDS = 6
# A line continues the previous one (hard wrapping) only if that line is at least this share of the
# block's longest line: wrapped lines fill the width, headlines and page-furniture lines do not.
WRAPPED_LINE_SHARE = 0.6
# A commenter name line ("• Bianca", "Port Aldric Dockhand") is at most this many words.
MAX_COMMENTER_NAME_WORDS = 4


@dataclass(frozen=True)
class Rule:
    """One named cleaning rule. ``pattern`` is matched against a whole unit or one sentence of it
    (whitespace collapsed); structural rules (pattern None) are implemented by the functions below."""

    name: str
    description: str
    where: str  # "anywhere" | "tail" (pattern rules) | "head" | "thread" (structural rules)
    pattern: Pattern[str] | None = None


def _rx(*alternatives: str) -> Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|van|von|al|bin|la|le|da|di))*"
_PLATFORM = r"(?i:Twitter|X|Facebook|Instagram|Threads|Bluesky|Mastodon|TikTok|YouTube|LinkedIn|Telegram|WhatsApp)"
_UI_WORD = (
    r"(?:share(?:\s+(?:this|on))?(?:\s+(?:article|story|page|post))?|facebook|twitter|x|whatsapp|linkedin|"
    r"reddit|pinterest|telegram|e-?mail|print|copy\s+link|tweet|pin\s+it|save|comments?|reply|flipboard)"
)
_DATE_TOKEN = (
    r"(?:\d{1,4}(?::\d\d)?(?:st|nd|rd|th)?|[ap]\.?m\.?|noon|midnight|utc|gmt|[ecmp][sd]?t|bst|cet|cest|"
    r"et|pt|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|"
    r"fri(?:day)?|sat(?:urday)?|sun(?:day)?|today|yesterday|at|on|ago|mins?|minutes?|hours?|hrs?|days?)(?!\w)\.?"
)  # a token ends where its word does: "2015" is never read as "20" + "15" (exponential backtracking)
_JOURNALIST = (
    r"(?:editor|correspondent|reporter|writer|columnist|contributor|journalist|producer|blogger|"
    r"freelancer|editor-at-large|photographer|news\s+editor|staff\s+writer)s?"
)

# The label of a list of links to other stories ("Most read", "Related coverage", "Paid for by").
_LINK_LIST_LABEL = (
    r"(?i:related(?:\s+(?:topics|stories|articles|content|coverage|links|reading|news|internet\s+links))?|"
    r"more\s+on\s+(?:this|the)\s+(?:story|topic)|more\s+(?:stories|news|(?:from|in)\s+[\w\s'’&.-]{1,30})|"
    r"most\s+(?:read|popular|viewed|shared|watched)|top\s+(?:stories|news)|trending(?:\s+now)?|popular\s+now|"
    r"recommended(?:\s+for\s+you)?|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|read\s+(?:more|next)|"
    r"latest\s+(?:news|stories|headlines)|story\s+highlights|editor'?s\s+picks|around\s+the\s+web|in\s+case\s+you\s+missed\s+it|"
    r"elsewhere\s+on\s+[\w\s.]{1,20}|topics|tags|paid\s+for\s+by(?:\s+[\w\s.&]{1,30})?|"
    r"(?:sponsored|promoted)\s+(?:stories|links|content)|from\s+(?:our|the\s+web'?s?)\s+partners)\s*:?"
)

# A section or account link of a site's navigation bar ("News", "Latin America", "Sign in").
_NAV_WORD = (
    r"(?:home|news|sports?|weather|sounds|business|markets|money|economy|opinion|politics|world|u\.?s\.?|uk|"
    r"africa|asia|australia|europe|americas|latin\s+america|middle\s+east|entertainment|culture|arts|books|music|"
    r"film|movies|tv|television|lifestyle|life|style|fashion|food|travel|health|wellness|science|tech(?:nology)?|"
    r"climate|environment|education|obituaries|local|national|international|videos?|photos|podcasts?|live|"
    r"magazine|crosswords?|games|puzzles|newsletters?|real\s+estate|cars|jobs|classifieds|sign\s+in|log\s*in|"
    r"sign\s+up|register|subscribe|search|menu|account|skip\s+to\s+(?:main\s+)?(?:content|navigation))(?!\w)"
)
_NAV_BAR = rf"(?i:{_NAV_WORD}(?:(?:\s+|\s*[|·•,]\s*){_NAV_WORD}){{3,}})"  # four or more links in a row
# A breadcrumb item: one to four words, no sentence punctuation; separators "/", "»", ">", "›", "|".
_CRUMB_ITEM = r"[\w'’&-]+(?:\s+[\w'’&-]+){0,3}"
_CRUMB_SEPARATOR = r"\s+[/»>›|]\s+"
# Photo agencies a credit names, for credits glued to a lower-cased sentence ("charles sykes/getty ...").
_AGENCY = r"(?i:getty(?:\s+images)?|afp|ap|epa|reuters|upi|pa(?:\s+media)?|alamy|shutterstock|ians|pti)"

# Sentences whose form makes them a photo caption wherever they stand, even between two article
# sentences of a flattened page: an AP file-photo caption ("FILE - In this Dec. 12, 2012, file photo ...",
# "In this undated photo released by ..."), an AP caption's closing date and place (a description, then
# ", Wednesday, May 28, 2014, in Houston.": an article writes "on Wednesday", never the weekday and the
# year set off by commas), and a gallery link with its caption ("View images A plane crosses ...").
_MONTH_WORD = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAY_WORD = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_PHOTO_WORD = r"(?:file\s+)?(?:photo(?:graph)?|image|picture|frame\s+grab|video\s+grab)s?(?![\w-])"
# A caption runs to its own full stop, not to the one of "Dec. 12" (a full stop before a capital ends it).
_CAPTION_END = r"[.!?][\"”’]?(?=\s+[\"“‘(\[]?[A-Z]|\s*$)"
_CAPTION_BODY = r"(?:[^.!?\n]|[.!?][\"”’]?(?!\s+[\"“‘(\[]?[A-Z]|\s*$))"
_CAPTION_SENTENCES = (
    rf"(?i:file\s*[-–—]+\s*in\s+this)\s{_CAPTION_BODY}{{20,400}}?{_CAPTION_END}",
    rf"(?i:in\s+this\s+(?:(?:undated|handout|{_MONTH_WORD}\.?|{_WEEKDAY_WORD}|\d{{1,4}}(?:st|nd|rd|th)?),?\s+){{1,5}}"
    rf"{_PHOTO_WORD}|in\s+this\s+(?:file\s+)?{_PHOTO_WORD},?\s+(?:taken|released|provided|made\s+available|"
    rf"shot|distributed|obtained|posted)\b|in\s+this\s+file\s+{_PHOTO_WORD}),?\s{_CAPTION_BODY}{{20,400}}?{_CAPTION_END}",
    rf"[^.!?\n]{{10,300}}?,\s+(?i:{_WEEKDAY_WORD}),\s+(?i:{_MONTH_WORD})\.?\s+\d{{1,2}},\s+\d{{4}}"
    rf"(?:,\s+(?i:in|at|near|outside)\s+[^.!?\n]{{1,80}}?)?\.(?=\s+[\"“‘(\[]?[A-Z]|\s*$)",
    rf"(?i:view\s+(?:all\s+)?(?:images|photos|gallery|slideshow))\s+(?!(?i:of|from|were|was|are|is|that|which)\s)"
    rf"[^.!?\n]{{1,200}}{_CAPTION_END}",
)

RULES: tuple[Rule, ...] = (
    Rule(
        "ui_line",
        "a page-furniture line: Advertisement, Share, Tweet, Email, Print, share-bar runs, Skip to content",
        "anywhere",
        _rx(
            r"[\s\-–—•|]*(?i:advertisement|advertising|sponsored(?:\s+content)?|skip\s+to\s+(?:main\s+)?content|"
            r"continue\s+reading(?:\s+(?:below|the\s+main\s+story))?|story\s+continue[sd]\s+(?:below|after)"
            r"(?:\s+(?:this\s+)?(?:advertisement|ad))?|scroll\s+to\s+continue(?:\s+with\s+content)?|"
            r"listen\s+to\s+this\s+article|like(?:\s+this)?|(?:like\s+)?loading|related|menu|search|close|"
            r"accept(?:\s+all)?|subscribe|log\s*in|learn\s+more|"
            r"sign\s+in|back\s+to\s+top|media\s+playback\s+is\s+unsupported\s+on\s+your\s+device|"
            r"click\s+to\s+(?:share|email|print|tweet)\b[^.!?]{0,60})[.:…\s\-–—•|]*",
            rf"(?i:{_UI_WORD}(?:\s*[|·•/,]?\s*{_UI_WORD}){{0,9}})[.:]?",
            r"[^.!?\n]{1,60}?,?\s*\(?(?i:opens\s+(?:in\s+)?(?:a\s+)?new\s+(?:tab|window))\)?\.?",
            r"[_\-–—=*~•·\s]{3,}",  # a separator line: "___", "* * *"
            r"(?i:(?:photo|image|slide|picture)\s+)?\d{1,3}\s+(?i:of)\s+\d{1,3}",  # a gallery counter: "1 of 12"
            r"(?i:\d{1,2}\s*min(?:ute)?s?\s+read|share\s+full\s+article|(?:give|gift)\s+this\s+article|"
            r"save\s+(?:this\s+)?article|have\s+your\s+say|see\s+all\s+(?:photos|images|comments))[.:]?",
            # a link to the page in another language
            r"(?i:leer\s+en\s+español|lire\s+en\s+français|auf\s+deutsch\s+lesen|read\s+in\s+english|"
            r"en\s+español|in\s+english)",
            _LINK_LIST_LABEL,  # a link-list label whose list the extractor dropped
            r"(?i:(?:acquire|purchase|request)\s+(?:licensing|reprint)\s+rights|reuse\s+this\s+content)[.:]?",
            # an update notice: "KQVN 7 will update this story as more information becomes available."
            r"(?:[^.!?]{0,40}\s)?(?i:will\s+(?:continue\s+to\s+)?update\s+this\s+(?:story|article|report|page))"
            r"(?:\s+[^.!?]{0,80})?[.!]?",
            r"(?i:this\s+(?:is\s+a\s+(?:breaking|developing)\s+(?:news\s+)?story|(?:story|article|report|page)\s+"
            r"(?:will\s+be|has\s+been|was)\s+updated))(?:\s+[^.!?]{0,80})?[.!]?",
        ),
    ),
    Rule(
        "breadcrumb",
        'a breadcrumb trail of section links: "Home / Politics / Congress", "News / Local / Politics",'
        ' "Home » Newsroom » Press Releases", "World | Europe"',
        "anywhere",
        _rx(
            rf"(?i:home)(?:{_CRUMB_SEPARATOR}{_CRUMB_ITEM}){{1,6}}",
            rf"[A-Z]{_CRUMB_ITEM}(?:{_CRUMB_SEPARATOR}[A-Z]{_CRUMB_ITEM}){{2,6}}",  # three or more capitalised items
            rf"(?i:news|world|politics|business|opinion|sports?|local|national|entertainment|culture|health|science)"
            rf"(?:{_CRUMB_SEPARATOR}[A-Z]{_CRUMB_ITEM}){{1,5}}",
        ),
    ),
    Rule(
        "section_links",
        'a bar of section or account links: "Home News Sport Weather Sounds",'
        ' "Sections: News Sports Business Opinion", "Skip to navigation Sign in Subscribe Search"',
        "anywhere",
        re.compile(rf"(?i:(?:sections?|menu|navigation|browse)\s*:?\s*)?{_NAV_BAR}[.:]?"),
    ),
    Rule(
        "site_banner",
        'a site banner or page control: "An official website of the United States government", "Here\'s how you'
        ' know", "Official websites use .gov ...", "Was this page helpful?", "For Immediate Release"',
        "anywhere",
        _rx(
            r"(?i:an\s+official\s+(?:website|web\s+site|site)\s+of)\s[^.!?]{1,80}\.?",
            r"(?i:here(?:'|’)?s\s+how\s+you\s+know)[.:]?",
            r"(?i:official\s+websites\s+use\s)[^!?]{1,200}",
            r"(?i:secure\s+(?:\S+\s+)?websites\s+use\s+https)\b[^!?]{0,200}",
            r"(?i:share\s+sensitive\s+information\s+only\s+on\s+official,?\s+secure\s+websites)[.]?",
            r"(?i:was\s+this\s+(?:page|article|information)\s+(?:helpful|useful)\??)(?:\s*(?i:yes\s*/?\s*no))?",
            r"(?i:yes\s*/\s*no|yes\s+no)",
            r"(?i:for\s+immediate\s+release)[.:]?",
        ),
    ),
    Rule(
        "archive_notice",
        'an archive or reprint notice: "This is an archived article that was published on X in 2017 ...",'
        ' "It is provided only for personal research purposes ...", "Dow Jones Reprints: This copy is for your'
        ' personal, non-commercial use only."',
        "anywhere",
        _rx(
            r"(?i:this\s+is\s+an\s+archived\s+(?:article|story|page))\b[^!?]{0,250}",
            r"(?i:it\s+is\s+provided\s+only\s+for\s+personal\s+research\s+purposes)\b[^!?]{0,150}",
            r"(?i:(?:[\w\s]{0,20}reprints?\s*:\s*)?this\s+copy\s+is\s+for\s+your\s+personal,?\s+non-?commercial\s+use"
            r"(?:\s+only)?)[.]?",
            r"(?i:to\s+order\s+presentation-ready\s+copies)\b[^!?]{0,250}",
        ),
    ),
    Rule(
        "comment_count",
        'a comment-section header, control or prompt: "12 comments", "Comments (3)", "Leave a reply",'
        ' "Let us know in the comments."',
        "anywhere",
        _rx(
            r"(?i:(?:\d+|no|view(?:\s+all)?|show(?:\s+all)?|load(?:\s+more)?|read|hide)\s+(?:comments?|replies))",
            r"(?i:comments?\s*\(\d+\)|\d+\s+repl(?:y|ies)|leave\s+a\s+(?:comment|reply)|join\s+the\s+"
            r"(?:discussion|conversation)|(?:add|post)\s+a\s+comment|report(?:\s+abuse)?)[.:]?",
            r"(?i:comments\s+(?:are|have\s+been)\s+(?:closed|disabled|turned\s+off))\b[^.!?]{0,60}[.!]?",
            r"(?i:let\s+us\s+know\s+(?:in\s+the\s+comments(?:\s+below)?|(?:what|how)\s+you\s+(?:think|feel)"
            r"(?:\s+(?:in\s+the\s+comments|below))?))[.!]?",
        ),
    ),
    Rule(
        "timestamp",
        'an update or publication stamp of date and time words:'
        ' "Updated 3:45 p.m.", "Posted on March 3, 2025 by X"',
        "anywhere",
        _rx(
            rf"(?i:(?:last\s+)?(?:updated|modified|published|posted|first\s+published)(?:\s+(?:on|at))?:?"
            rf"(?:[\s,|·/–-]*{_DATE_TOKEN})+)(?:\s+by\s+[^.!?]{{1,40}})?",
            # a line of nothing but date and time words, with a month, not ending a sentence (a split after
            # "Dec." leaves "10." in "... in Stockholm on Dec. 10."): "March 7, 2025 8:15 AM UTC Updated ago"
            rf"(?i:(?=[^.!?]*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)"
            rf"{_DATE_TOKEN}(?:[\s,|·/–-]*{_DATE_TOKEN})*(?:[\s,|·/–-]*(?:updated|modified)"
            rf"(?:[\s,|·/–-]*{_DATE_TOKEN})*)?)(?<![.!?])",
        ),
    ),
    Rule(
        "byline",
        'a byline or credit line on its own: "By Jane Doe", "Author: Jason Ditz", "Reporting by X; Editing by Y",'
        ' "Mara Quill Environment correspondent"',
        "anywhere",
        _rx(
            rf"(?:By|BY|Written\s+by|Words\s+by|Text\s+by|Reported\s+by)\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*"
            r"(?:\s*[,|·–—-]\s*[^.!?]{0,60})?",
            rf"(?i:author|writer|reporter|byline)\s*:\s*{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*",
            r"(?:(?:Additional\s+)?[Rr]eporting|Editing|Writing|Compiled)\s+by\s+[^.!?]{1,120}\.?",
            rf"Contributing\s*:\s*{_NAME}(?:\s*(?:,|;|and|&)\s*{_NAME})*[^.!?]{{0,60}}\.?",
            # a name and a role, with no verb: "Mara Quill Environment correspondent"
            rf"[A-Z][\w'’.\-]*\s+{_NAME}\s*,?\s+(?:(?!(?:is|was|were|are|has|had|been|became)\b)[a-z'’-]+\s+){{0,3}}"
            rf"{_JOURNALIST}\.?",
        ),
    ),
    Rule(
        "author_posts",
        'an author-box link: "Last 5 posts by X", "View all posts by X", "More from X", "About the author"',
        "anywhere",
        _rx(
            r"(?i:last\s+\d+\s+(?:posts|articles|stories)\s+by|(?:view|see|read)\s+all\s+(?:posts|articles|"
            r"stories)\s+by|more\s+(?:posts|articles|stories)\s+(?:from|by))\s+[^.!?]{1,60}",
            r"(?i:about\s+the\s+authors?)[.:]?",
        ),
    ),
    Rule(
        "photo_credit",
        'a photo or image credit line: "REUTERS/Yuri Gripas", "Image Source – Pixabay", "Photo: X / Y",'
        ' "(AP Photo/X)"',
        "anywhere",
        _rx(
            r"[A-Z]{2,}(?:\s[A-Z]{2,})?/\s?[A-Z][\w'’.\-]*(?:\s[A-Z][\w'’.\-]*){0,3}",
            # the credit itself is a few words: "Source – a senior official – said ..." is not a credit
            r"(?i:(?:image|photo|picture|pic|photograph|illustration|graphic|video|footage)s?"
            r"(?:\s+(?:source|credit|copyright|courtesy(?:\s+of)?))?|credit)\s*[:–—|-]\s*(?:[^\s.!?]+\s*){1,8}\.?",
            r"(?i:(?:pool\s+|file\s+)?(?:image|photo|picture|photograph|illustration)s?)\s+"
            r"(?:by|courtesy\s+of|via|from|copyright|credit)\s+(?:[^\s.!?|]+\s*){1,8}",
            # UPI's credit line: "Photo by X/UPI | License Photo"
            r"(?:(?i:(?:pool\s+)?(?:photo|image)\s+by)\s+[^|.!?]{1,60}?\s*)?\|\s*(?i:license\s+photo)",
            rf"(?i:image\s+(?:copyright|source),?)\s+{_AGENCY}",
            r"\((?:[A-Z][\w.]*\s)?(?i:photo|image|pool\s+photo)s?\s?/\s?[^)]{1,60}\)\.?",
            r"\((?i:photo|image|picture)s?\s*(?:by|credit|courtesy\s+of|:)\s*:?\s*[^)]{1,80}\)\.?",
            # "Mara Quill/Getty Images", "Jon Reyes/AFP via Getty Images"
            r"(?:[A-Z][\w'’.\-]*(?:\s+|\s*/\s*)){0,4}(?:/\s*)?(?:(?:via|for)\s+)?(?:Getty\s+Images|Shutterstock|"
            r"iStock(?:photo)?|Pixabay|Unsplash|Wikimedia\s+Commons|Alamy)(?:\s+(?:for|via)\s+[^.!?]{1,40})?\.?",
        ),
    ),
    Rule(
        "photo_caption",
        'an image caption ending in a credit, or one labelled as a caption: "Boats in the harbour. Photo by X /'
        ' Agency", "... (AP Photo/X)", "Image caption, Boats in the harbour", "FILE - In this Dec. 12, 2012, file'
        ' photo ...", "Protesters gather outside city hall, Wednesday, May 28, 2014, in Houston."',
        "anywhere",
        _rx(
            # a caption is short: a longer "sentence" after the label is article text its line break was lost in
            r"(?i:(?:image|media|video|photo)\s+(?:caption|source)),?:?\s[^\n]{0,150}",
            r"[^\n]{1,400}?[.!?\"”]?\s*\((?:[A-Z][\w.]*\s)?(?i:photo|image|pool\s+photo)s?\s?/\s?[^)]{1,60}\)\.?",
            r"[^\n]{1,400}?[.!?\"”]?\s*\((?i:photo|image|picture)s?\s*(?:by|credit|courtesy\s+of|:)\s*:?\s*"
            r"[^)]{1,80}\)\.?",
            r"[^\n]{1,400}?[.!?\"”]\s*(?i:photo|image|picture|photograph)s?(?:\s+by|\s*:)\s+[A-Z][^.!?/]{0,60}/\s*"
            r"[A-Z][^.!?]{0,50}\.?",
            r"[^\n]{1,300}?[.!?\"”]\s+[A-Z]{2,}(?:\s[A-Z]{2,})?/\s?[A-Z][\w'’.\-]*(?:\s[A-Z][\w'’.\-]*){0,3}"
            r"(?:/(?i:file(?:\s+photo)?))?",
            r"\((?i:photo|image|picture)s?\s*(?:by|credit|courtesy\s+of|:)\s*:?\s*[^)]{1,80}\)\s*[^\n]{0,200}",
            *_CAPTION_SENTENCES,
        ),
    ),
    Rule(
        "slug_caption",
        'an agency caption led by an all-caps slug: "SWITZERLAND-GENEVA-U.S.-RUSSIA-TRUCE IN SYRIA- Sergey Lavrov"',
        "anywhere",
        re.compile(
            r"[A-Z][A-Z0-9.'&]*(?:\s?-\s?[A-Z0-9][A-Z0-9.'&]*(?:\s[A-Z0-9][A-Z0-9.'&]*)*){2,}\s?-?"
            r"(?:\s+[^.!?]{0,80})?"
        ),
    ),
    Rule(
        "social_prompt",
        'a social-media prompt: "Follow X on Twitter", "Please, follow us on Twitter: Follow @X",'
        ' "Like us on Facebook"',
        "anywhere",
        _rx(
            rf"(?i:please,?\s+)?(?i:follow)\s+(?:(?i:us|me|him|her|them)|@\w+|{_NAME})\s+on\s+{_PLATFORM}"
            rf"(?:\s*(?:,|and|or)\s*{_PLATFORM})*(?:\s*[:|,]?\s*(?:(?i:follow)\s+)?@\w+)*"
            r"(?:\s+(?i:for\s+(?:more|the\s+latest|updates))[^.!?]{0,40})?[.!]?",
            r"(?i:follow)\s+@\w+[.!]?",
            rf"(?i:like\s+us\s+on|join\s+us\s+on|find\s+us\s+on|"
            rf"connect\s+with\s+us\s+on)\s+{_PLATFORM}[^.!?]{{0,40}}[.!]?",
        ),
    ),
    Rule(
        "contact_prompt",
        'a tips or contact line: "Send tips to x@y.org.", "Got a tip? ...", "... please contact x@y.org."',
        "anywhere",
        _rx(
            r"(?i:send\s+(?:us\s+)?(?:your\s+)?(?:news\s+)?tips?\s+to)\s+[^\s]+",
            r"(?i:(?:got|have)\s+a\s+(?:news\s+)?tip\?)[^!?]{0,100}",
            r"[^.!?@]{0,100}\b(?i:contact|e-?mail|write\s+to|"
            r"reach)\b[^.!?@]{0,40}\s[\w.+-]+@[\w-]+(?:\.[\w-]+)+\.?",
        ),
    ),
    Rule(
        "subscribe_prompt",
        'a subscription, newsletter, alert or notification prompt: "Click here to subscribe",'
        ' "Sign up for our newsletter ...", "Get breaking news alerts and special reports."',
        "anywhere",
        _rx(
            r"(?i:click\s+here\s+to)\s[^.!?]{1,100}[.!]?",
            r"(?i:download\s+(?:the|our)\s+(?:free\s+)?)[^.!?]{0,40}?\b(?i:news|weather)\s+(?i:app)\b[^.!?]{0,80}[.!]?",
            r"(?i:subscribe(?:\s+(?:now|today|to|for|and))?)\b[^.!?]{0,100}[.!]?",
            r"(?i:sign\s+up|subscribe|register)(?i:\s+(?:now|today|here))?\s+(?i:for|to)\s+"
            r"(?i:our|the|a|free|\w+'s)\b[^.!?]{0,40}\b(?i:newsletters?|briefings?|alerts|updates|emails?|digest)\b"
            r"[^.!?]{0,80}[.!]?",
            r"(?i:(?:get|have|receive)\s)[^.!?]{0,60}(?i:(?:delivered\s+)?(?:to|in)(?:to)?\s+your\s+inbox)"
            r"[^.!?]{0,40}[.!]?",
            r"(?i:(?:get|receive)\s+(?:our|the)\s)[^.!?]{0,40}(?i:newsletter)[^.!?]{0,80}[.!]?",
            r"(?i:already\s+a\s+(?:subscriber|member)\??)[^.!?]{0,60}[.!?]?",
            r"(?i:(?:this\s+(?:article|story|content)\s+is\s+)?(?:for|available\s+(?:only\s+)?to)\s+subscribers"
            r"(?:\s+only)?)[.!]?",
            r"(?i:(?:breaking\s+news\s+e-?mails?\s+)?(?:get|receive)\s+(?:breaking\s+)?news\s+alerts)\b[^.!?]{0,80}[.!]?",
            # "The news and stories that matter, delivered weekday mornings."
            r"[^.!?]{0,60}\b(?i:news|stories|headlines|newsletters?|briefings?|digest)\b[^.!?]{0,40}?,?\s+"
            r"(?i:delivered\s+(?:(?:straight\s+|right\s+)?to\s+your\s+inbox|(?:every\s+|each\s+)?(?:weekday|week|"
            r"morning|evening|day)s?(?:\s+(?:mornings?|evenings?))?|daily|weekly))[.!]?",
            r"(?i:(?:close\s+)?get\s+e-?mail\s+(?:notifications|alerts)\s+(?:on|about|for))\s[^.!?]{1,80}[.!]?",
            r"(?i:your\s+notification\s+has\s+been\s+saved|there\s+was\s+a\s+problem\s+(?:saving|loading|"
            r"submitting|processing)\s+your\s+(?:notification|subscription|request|preferences))[.!]?",
            r"(?i:whenever)\s[^.!?]{1,60}\s(?i:posts\s+new\s+content)\b[^.!?]{0,100}[.!]?",
            r"(?i:(?:e-?mail\s+)?notifications\s+are\s+(?:only\s+)?sent)\b[^.!?]{0,100}[.!]?",
            r"(?i:(?:interested\s+in\?\s*)?add\s+(?:[^.!?]{1,60}\s)?as\s+an\s+interest)\b[^.!?]{0,120}[.!]?",
        ),
    ),
    Rule(
        "cookie_notice",
        'a cookie or consent notice: "We use cookies to ...",'
        ' "By continuing to browse you agree to our cookie policy."',
        "anywhere",
        _rx(
            r"[^.!?]{0,60}\b(?i:(?:we|this\s+(?:web)?site|"
            r"our\s+(?:web)?site)\s+uses?\s+cookies)\b[^.!?]{0,150}[.!]?",
            r"(?i:by\s+(?:continuing|using|clicking))[^.!?]{0,80}(?i:agree|consent)[^.!?]{0,80}"
            r"(?i:cookie|privacy|terms)[^.!?]{0,40}[.!]?",
            r"(?i:(?:accept|reject|manage)(?:\s+all)?\s+cookies|cookie\s+(?:policy|settings|preferences))[.!]?",
        ),
    ),
    Rule(
        "embed_notice",
        'the fixed text of an embedded widget, a browser notice or a web-archive capture: "Add a location to'
        ' your Tweets ...", "JavaScript is disabled in your browser.",'
        ' "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive."',
        "anywhere",
        _rx(
            r"(?i:(?:tweet\s+with\s+a\s+location\s+)?you\s+can\s+add\s+location\s+information\s+to\s+your\s+tweets)"
            r"\b[^.!?]{0,150}[.!]?",
            r"(?i:add\s+a\s+location\s+to\s+your\s+tweets|you\s+can\s+switch\s+location\s+on/off)\b[^.!?]{0,150}[.!]?",
            r"(?i:you\s+always\s+have\s+the\s+option\s+to\s+delete\s+your\s+(?:tweet\s+)?location\s+history)"
            r"[.!]?(?:\s*(?i:learn\s+more)[.!]?)?",
            r"(?i:(?:note:\s*|sorry,?\s*|it\s+(?:looks|seems)\s+like\s+|we(?:'ve|\s+have)\s+detected\s+that\s+)?"
            r"javascript\s+is\s+(?:disabled|not\s+(?:enabled|supported|available)|turned\s+off))\b[^.!?]{0,30}"
            r"\b(?i:(?:in|by|on)\s+(?:your|this)\s+browser)[^.!?]{0,40}[.!]?",
            r"(?i:please\s+enable\s+javascript|for\s+this\s+reason,?\s+some\s+(?:items|features|content)\s+on\s+this"
            r"\s+page)\b[^.!?]{0,80}[.!]?",
            # the Wayback Machine's and Archive-It's notes, which a page fetched from an archive carries
            r"(?i:starting\s+in\s+\d{4},?\s+alexa\s+internet\s+has\s+been\s+donating)\b[^!?]{0,100}",
            r"(?i:flowing\s+in\s+every\s+day,?\s+these\s+data\s+are\s+added\s+to\s+the\s+wayback\s+machine)"
            r"\b[^!?]{0,60}",
            r"(?i:these\s+crawls\s+are\s+part\s+of\s+an\s+effort\s+to\s+archive\s+pages)\b[^!?]{0,200}",
            r"(?i:that\s+way,?\s+as\s+the\s+pages\s+that\s+are\s+referenced\s+are\s+changed)\b[^!?]{0,600}",
            r"(?i:crawls\s+of\s+supported)\s*[\"“]?\s*(?i:no\s+more\s+404)\s*[\"”]?\s*(?i:sites)[.!]?",
            r"(?i:this\s+is\s+a\s+set\s+of\s+web\s+collections\s+curated\s+by)\b[^!?]{0,150}",
            r"(?i:focused\s+crawls\s+are\s+collections\s+of)\b[^!?]{0,250}",
            r"(?i:they\s+include\s+web\s+captures\s+of)\b[^!?]{0,400}",
        ),
    ),
    Rule(
        "related_link",
        'a link to another story: "Related: ...", "Read more: ...", "See also: ...", "READ MORE: ..."',
        "anywhere",
        re.compile(
            r"(?i:related(?:\s+(?:stories|articles|coverage|content|links?))?|read\s+more|read\s+also|also\s+read|"
            r"see\s+also|more\s+on\s+this\s+story|recommended(?:\s+for\s+you)?|read\s+next|watch|listen)"
            r"\s*[:|–—»>]\s*[^\n]{1,200}"
        ),
    ),
    Rule(
        "licence_footer",
        "a republishing, copyright or licence notice (Creative Commons, \"You have permission to republish\", "
        '"All content created by ... is available without charge", "Copyright 2025 X. All rights reserved.")',
        "anywhere",
        _rx(
            r"[^!?]{0,150}?\b(?i:you\s+(?:have|are\s+granted)\s+permission\s+to\s+(?:republish|reprint|"
            r"reproduce))\b"
            r"[^!?]{0,300}",
            r"(?i:this\s+(?:article|story|report|post|work|content|"
            r"piece))\b[^!?]{0,150}?\b(?i:is\s+(?:a\s+)?free\s+and"
            r"\s+open\s+source|is\s+(?:licensed|published|republished|reproduced)\s+(?:under|with|from)|(?:first|"
            r"originally)\s+(?:appeared|published)\s+(?:on|in|at)|was\s+(?:originally\s+)?published\s+(?:on|in|by)|"
            r"(?:was|is)\s+(?:distributed|syndicated|provided)\s+by)\b[^!?]{0,250}",
            r"[^!?]{0,150}?\b(?i:creative\s+commons\s+(?:licen[cs]e|attribution)|cc\s+by(?:-[a-z]{2}){0,3}\s+\d)"
            r"[^!?]{0,250}",
            r"(?i:all\s+(?:content|articles|material)\s+(?:created|produced|published|written)\s+by)\b[^!?]{0,300}",
            r"(?i:all\s+republished\s+(?:articles|stories|content)\s+must)\b[^!?]{0,200}",
            r"(?:©|\((?i:c)\)|(?i:copyright)\s+(?:©\s*)?(?=\d))[^.!?]{0,100}"
            r"(?:\.\s*(?i:all\s+rights\s+reserved))?[.!]?",
            r"(?i:all\s+rights\s+reserved)[.!]?",
            r"(?i:this\s+material\s+may\s+not\s+be\s+(?:published|reproduced|copied|redistributed))[^!?]{0,200}",
            r"(?i:(?:reprinted|republished|reproduced)\s+(?:with|by)\s+(?:kind\s+)?permission)[^.!?]{0,100}[.!]?",
        ),
    ),
    Rule(
        "disclaimer",
        'a disclaimer paragraph: "Disclaimer: ...", "The views expressed are the author\'s own ..."',
        "anywhere",
        _rx(
            r"(?i:disclaimer)\s*:[^\n]{1,700}",
            r"(?i:our\s+(?:standards|principles))\s*:\s*[^.!?]{1,80}[.!]?",
            r"(?i:the\s+(?:views|opinions)\s+expressed\s+(?:in\s+this\s+(?:article|piece|column)\s+|here\s+)?"
            r"are\s+(?:those\s+of\s+the\s+author|the\s+author'?s?\s+own|solely))[^\n]{0,300}",
        ),
    ),
    Rule(
        "author_bio",
        'an author bio at the end of the article: "Jason Ditz is news editor of ...", "X writes for Y."',
        "tail",
        _rx(
            # no relative clause: "X is a reporter for Y who was detained" is news, not a bio
            rf"(?![^.!?]*\b(?:who|which|was|were|had|when|after|because|until)\b){_NAME}\s+is\s+(?:an?\s+|the\s+)?"
            rf"(?:[\w'’-]+\s+){{0,4}}{_JOURNALIST}(?:\s+(?:of|at|for|with|on|to|"
            rf"based\s+in)\b(?:\s+[^\s!?]*[^\s.!?]){{0,10}})?\.?",
            rf"(?![^.!?]*\b(?:who|which|was|were|had|when|after|because|until)\b){_NAME}\s+(?:writes|reports)\s+"
            r"(?:for|about|on)(?:\s+[^\s!?]*[^\s.!?]){1,10}\.?",
        ),
    ),
    Rule(
        "report_credit",
        'a report credit at the end of the article: "This report prepared by X for Y.",'
        ' "X contributed to this report."',
        "tail",
        _rx(
            r"(?i:this\s+(?:report|article|story|piece)\s+(?:was\s+)?(?:prepared|written|produced|filed|compiled|"
            r"reported)\s+by)\s[^.!?]{1,150}\.?",
            r"[^.!?]{1,80}\s(?i:contributed(?:\s+reporting)?\s+to\s+this\s+(?:report|article|story))"
            r"(?:\s+(?i:from)\s+[^.!?]{1,40})?\.?",
        ),
    ),
    Rule(
        "support_appeal",
        'an appeal for support at the end of the article: "Supporting independent news is important to us."',
        "tail",
        _rx(
            r"(?i:(?:supporting|support|donate\s+to|help\s+fund|become\s+a\s+(?:member|patron|supporter)\s+of))\b"
            r"[^!?]{0,100}\b(?i:(?:to|for)\s+us|our\s+(?:journalism|work|reporting|newsroom|mission))[.!]?",
            r"(?i:please\s+)?(?i:donate|support\s+us|become\s+a\s+(?:member|patron|supporter))(?:\s+(?:today|"
            r"now))?[.!]?",
        ),
    ),
    Rule(
        "headline_repaired",
        "the ingested headline was boilerplate (e.g. \"Share\"); this first headline-like body line is the real "
        "headline and moves to CleanedArticle.title",
        "head",
    ),
    Rule(
        "repeated_headline",
        'the headline repeated as a body line above the text (also "Headline | deck" and "Headline: deck" forms)',
        "head",
    ),
    Rule(
        "kicker",
        'a short lower-case tag or section line right under the headline,'
        ' without sentence punctuation ("syrian peace talks")',
        "head",
    ),
    Rule(
        "link_list",
        'a list of links to other stories under its label: "Related topics", "Most read", "More on this story",'
        ' then short list items that are not sentences',
        "thread",
    ),
    Rule(
        "comment_thread",
        "a reader comment thread: a comment count or bullet-marked commenter names followed by indented comments",
        "thread",
    ),
)

RULES_BY_NAME = {rule.name: rule for rule in RULES}
_PATTERN_RULES = tuple(r for r in RULES if r.pattern is not None and r.where == "anywhere")
_TAIL_RULES = tuple(r for r in RULES if r.pattern is not None and r.where == "tail")

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s+\S)")

# Furniture glued to article text where a page lost its line breaks: "Share share tweet link a man has
# pleaded guilty ...", "Charles sykes/getty in a dec. 31 blog post ...", "... on the eve of the
# inauguration.Pool Photo by X/UPI | License Photo". (rule, pattern) pairs: an opening pattern is matched
# at a sentence's start, a closing one at its end, an inner one anywhere in it; only the matched words
# go, and only when more words than a kicker line has stay on the cut's other side and what stays of the
# sentence is not boilerplate itself (then the cleaner leaves the sentence whole: cleaning stays idempotent).
MIN_GLUED_REST_WORDS = MAX_KICKER_WORDS + 1
_SHARE_WORD = r"(?:share|tweet|link|e-?mail|facebook|twitter|whatsapp|linkedin|pinterest|reddit|print|comments?)(?!\w)"
_PAREN_PHOTO_CREDIT = (r"\(\s*(?:[A-Za-z][\w.]*\s)?(?i:photo|image|pool\s+photo)s?\s?/\s?[^)]{1,60}\)|"
                       r"\((?i:photo|image|picture)s?\s*(?:by|credit|courtesy\s+of|:)\s*:?\s*[^)]{1,80}\)")
# A word of a photographer's name in lower-cased text: not a function word ("the deal with afp/getty").
_CREDIT_NAME_WORD = (r"(?!(?:the|a|an|this|that|his|her|its|their|our|in|on|at|with|by|for|of|to|from|and|but|as|"
                     r"is|was|said|says)(?:\s|/))[a-z][\w'’.\-]*")
_UPI_CREDIT = r"(?:(?i:(?:pool\s+)?(?:photo|image)\s+by)\s+[^|.!?]{1,60}?\s*)?\|\s*(?i:license\s+photo)"
_GLUED_OPENINGS = tuple((rule, re.compile(pattern)) for rule, pattern in (
    # a share bar: "share" or "tweet" and another button, or three buttons
    ("ui_line", rf"(?i:(?:share|tweet)(?:\s+{_SHARE_WORD}){{1,7}}|{_SHARE_WORD}(?:\s+{_SHARE_WORD}){{2,7}})\s+"),
    ("ui_line", r"(?i:(?:advertisement\s+)?(?:continue\s+reading\s+the\s+main\s+story|"
                r"story\s+continue[sd]\s+below(?:\s+(?:this\s+)?advertisement)?))\s+"),
    # an ad slot's label between two sentences: "... said. Advertisement The minister ..."
    ("ui_line", r"[Aa]dvertisement\s+(?=(?:The|A|An|In|On|At|He|She|It|They|We|I|But|And|This|That)\s)"),
    # a media marker before a sentence of lower-cased text: "Photo the researchers did not ..."
    ("ui_line", r"(?:Photo|Advertisement|Video)\s+(?=(?:the|a|an)\s)"),
    ("ui_line", r"(?i:(?:en\s+)?español)\s+(?=(?:the|a|an)\s)"),  # a link to the page in Spanish
    ("section_links", rf"{_NAV_BAR}\s+(?=[A-Z\"“])"),
    # CNN's highlights box, flattened into the lead: everything up to the wire tag that opens the story
    ("link_list", r"(?i:story\s+highlights)\s[^\n]{1,600}?(?=\(\s*[A-Za-z][\w.]{1,15}(?:\s[\w.]{1,15})?\s*\)\s)"),
    # a credit: "charles sykes/getty", "john d mchugh/afp/getty", "Image copyright Getty Images",
    # "Photograph by the asahi shimbun, getty images", "Photo by X/UPI | License Photo", "(Photo: X)"
    ("photo_credit", rf"(?i:{_CREDIT_NAME_WORD}(?:\s+{_CREDIT_NAME_WORD}){{1,3}}(?:/[a-z]+)*/{_AGENCY})\s+"),
    ("photo_credit", rf"(?i:image\s+(?:copyright|source),?\s+){_AGENCY}\s+"),
    ("photo_credit", rf"(?i:(?:photo|photograph|image|picture)s?\s+(?:by|courtesy\s+of)\s+[^.!?()|]{{1,60}}?,?\s+)"
                     rf"{_AGENCY}\s+"),
    # "getty images / jeff j mitchell the late architect ...", "ap photo/carlos osorio the museum ...": the
    # name ends where a function word begins the caption or sentence
    ("photo_credit", rf"(?i:{_AGENCY}(?:\s+(?:photo|images?))?\s*/\s*{_CREDIT_NAME_WORD}(?:\s+{_CREDIT_NAME_WORD}){{0,3}})"
                     r"\s+(?=(?i:the|a|an|in|on|at|this|these|his|her|their)\s)"),
    ("photo_credit", rf"{_UPI_CREDIT}\s+"),
    ("photo_credit", rf"(?:{_PAREN_PHOTO_CREDIT})\s+"),
))
_CAPTION_SENTENCE = re.compile("|".join(f"(?:{pattern})" for pattern in _CAPTION_SENTENCES))
# An inline link to another story in brackets, opening a sentence: "[ executions fell to a 25-year low ] in a
# pair of rulings ...". Five words or more: an editor's insertion ("[The minister] said") is shorter.
_BRACKETED_LINK = re.compile(r"\[\s*(?:[^\s\[\]]+\s+){4,20}[^\s\[\]]*\s*\]\s+")
# A photo credit in parentheses opening a sentence ends the caption before it: "Opponents demonstrating in
# 2014. ( matt mcclain/the washington post ) the florida supreme court said ...", or, with a wire's name, a
# caption the page cut short: "The restaurant was closed after their... ( associated press ) ...".
_CAPTION_CREDIT = re.compile(r"\(\s*(?!(?i:h\s*/\s*t|via)\b)(?:[\w'’.\-]+(?:\s+[\w'’.\-]+){0,4}\s*/\s*[^()/]{2,40}(?:/[^()/]{2,30}){0,2}|"
                             r"(?i:photo|image)s?\s*:\s*[^()]{2,60}|"
                             r"(?P<wire>(?i:associated\s+press|reuters|afp)))(?<![.!?])\s*\)(?:\s+|\s*$)")
MAX_CAPTION_WORDS = 40
# What a credit names last: an agency or a paper ("( jabin botsford/the washington post/getty images )").
_CREDIT_SOURCE = re.compile(rf"/[^()/]*\b(?:{_AGENCY}|images|photos?|press|post|times|news|herald|tribune)\s*\)", re.I)
_GLUED_CLOSINGS = tuple((rule, re.compile(pattern)) for rule, pattern in (
    ("photo_credit", rf"(?:(?<=[.!?\"”])|\s+){_UPI_CREDIT}$"),
))
_GLUED_INNER = tuple((rule, re.compile(pattern)) for rule, pattern in (
    ("photo_credit", rf"\s(?:{_PAREN_PHOTO_CREDIT})(?=\s)"),
    ("ui_line", r"\s(?i:story\s+continue[sd]\s+below)(?=\s)"),  # Politico's marker, mid-sentence
))
_BULLET = re.compile(r"[•·*▪●◦‣–-]\s")
_WRAPPED_LINE_END = re.compile(r"[.!?:…\"'”’)\]]\s*$")
_SECTION_LABELS = frozenset(
    "opinion analysis commentary editorial exclusive explainer breaking news world politics business".split()
)


@dataclass
class _Unit:
    start: int  # offsets into Article.text of the unit's text, without surrounding white space
    end: int
    raw: str  # Article.text[start:end]
    indent: int  # width of the white space before the unit's first line

    @property
    def flat(self) -> str:
        return " ".join(self.raw.split())

    @property
    def words(self) -> int:
        return len(self.raw.split())

    @property
    def bulleted(self) -> bool:
        return bool(_BULLET.match(self.flat))


def _segment(text: str) -> list[_Unit]:
    """Split text into units: paragraphs, or lines of a block whose lines are each a paragraph."""
    lines = []  # (start, end, text) of each line, end excluding the newline
    position = 0
    for line in text.split("\n"):
        lines.append((position, position + len(line), line))
        position += len(line) + 1

    units: list[_Unit] = []
    block: list[tuple[int, int, str]] = []
    for line in lines + [(len(text), len(text), "")]:
        if line[2].strip():
            block.append(line)
            continue
        if block:
            units.extend(_segment_block(text, block))
            block = []
    return units


def _line_unit(text: str, first: tuple[int, int, str], last: tuple[int, int, str]) -> _Unit:
    start = first[0] + len(first[2]) - len(first[2].lstrip())
    end = last[0] + len(last[2].rstrip())
    return _Unit(start, end, text[start:end], _indent(first[2]))


def _segment_block(text: str, block: list[tuple[int, int, str]]) -> list[_Unit]:
    """Units of one block of non-blank lines: a line joins the previous one only when that line was
    hard-wrapped (it ends mid-sentence and is about as long as the block's longest line)."""
    longest = max(len(line[2].strip()) for line in block)
    units: list[_Unit] = []
    run: list[tuple[int, int, str]] = []  # the lines of the unit being built
    in_link_list = False  # the lines under a link-list label ("Latest Headlines") are its items
    for line in block:
        stripped = line[2].strip()
        previous = run[-1][2] if run else ""
        wrapped = (
            run
            and not in_link_list
            and not _WRAPPED_LINE_END.search(previous)
            and len(previous.strip()) >= WRAPPED_LINE_SHARE * longest
            and _indent(line[2]) <= _indent(previous)
        )
        # A boilerplate line inside a wrapped paragraph ("Advertisement") stands alone, unless it merely
        # continues a sentence ("... photos by the agency showed"); a line that is boilerplate on its own
        # (a label, a breadcrumb) is not continued by the next.
        if wrapped and not stripped[:1].islower() and len(stripped.split()) <= 3:
            wrapped = not _match_pattern(" ".join(stripped.split()), _PATTERN_RULES)
        if wrapped and len(run) == 1 and _match_pattern(" ".join(previous.split()), _PATTERN_RULES):
            wrapped = False
        if re.fullmatch(_LINK_LIST_LABEL, " ".join(stripped.split())):
            in_link_list = True
        elif _WRAPPED_LINE_END.search(stripped):
            in_link_list = False  # a sentence ends the list
        if run and not wrapped:
            units.append(_line_unit(text, run[0], run[-1]))
            run = []
        run.append(line)
    if run:
        units.append(_line_unit(text, run[0], run[-1]))
    return units


def _indent(line: str) -> int:
    return len(line[: len(line) - len(line.lstrip())].expandtabs(4))


def _match_pattern(flat: str, rules: tuple[Rule, ...]) -> str | None:
    for rule in rules:
        if rule.pattern.fullmatch(flat):  # type: ignore[union-attr]
            return rule.name
    return None


def _sentences(unit: _Unit) -> list[tuple[int, int]]:
    """(start, end) offsets into unit.raw of its sentence-like pieces."""
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(unit.raw)] + [len(unit.raw)]
    pieces = []
    for a, b in zip(bounds, bounds[1:]):
        piece = unit.raw[a:b]
        a += len(piece) - len(piece.lstrip())
        b = a + len(piece.strip())
        if b > a:
            pieces.append((a, b))
    return pieces


def _sentence_rules(unit: _Unit, rules: tuple[Rule, ...]) -> list[tuple[int, int, str | None]]:
    """(start, end, matching rule or None) of each sentence-like piece of the unit."""
    return [(a, b, _match_pattern(" ".join(unit.raw[a:b].split()), rules)) for a, b in _sentences(unit)]


def _spans(unit: _Unit, pieces: list[tuple[int, int, str | None]]) -> list[RemovedSpan]:
    """Removal spans for matching pieces, one span for consecutive sentences of one rule."""
    spans: list[RemovedSpan] = []
    for a, b, rule in pieces:
        if spans and spans[-1].rule == rule and not unit.raw[spans[-1].end - unit.start : a].strip():
            a = spans.pop().start - unit.start
        spans.append(RemovedSpan(unit.start + a, unit.start + b, unit.raw[a:b], rule))
    return spans


def _pattern_spans(unit: _Unit, rules: tuple[Rule, ...]) -> list[RemovedSpan] | None:
    """Spans removing the unit when it, or every one of its sentences, matches a pattern rule."""
    if unit.words > MAX_BOILERPLATE_WORDS:
        return None
    rule = _match_pattern(unit.flat, rules)
    if rule:
        return [RemovedSpan(unit.start, unit.end, unit.raw, rule)]
    pieces = _sentence_rules(unit, rules)
    if len(pieces) < 2 or any(rule is None for _, _, rule in pieces):
        return None
    return _spans(unit, pieces)


def _edge_spans(unit: _Unit, rules: tuple[Rule, ...], closing_rules: tuple[Rule, ...] | None = None) -> list[RemovedSpan]:
    """Spans for the runs of boilerplate sentences that open and close a unit that is otherwise article
    text (the closing run matched with ``closing_rules`` if given): where an extractor or a dump
    flattened a page, the sign-up prompt or embed notice above the article, or the credit below it,
    ends up in one paragraph with the text. A boilerplate-looking sentence between two article
    sentences is never removed."""
    opening = _sentence_rules(unit, rules)
    closing = opening if closing_rules is None else _sentence_rules(unit, closing_rules)

    def starts_sentence(k: int) -> bool:  # "At 9 a.m. | the council met": a split after an abbreviation
        return not unit.raw[opening[k][0]].islower()

    first = 0
    while first < len(opening) and opening[first][2]:
        first += 1
    if first == len(opening):  # all boilerplate: whole units are _pattern_spans's to judge
        return []
    while first and not starts_sentence(first):
        first -= 1
    last = len(closing)
    while last > first and closing[last - 1][2]:
        last -= 1
    while last < len(closing) and not starts_sentence(last):
        last += 1
    return _spans(unit, opening[:first] + closing[last:])


def _trim(unit: _Unit, spans: list[RemovedSpan]) -> _Unit:
    """The unit less the opening and closing runs that ``spans`` (from :func:`_edge_spans`) remove."""
    start, end = unit.start, unit.end
    for span in spans:
        if not unit.raw[start - unit.start : span.start - unit.start].strip():  # opening run
            start = span.end
        else:
            end = min(end, span.start)
    raw = unit.raw[start - unit.start : end - unit.start]
    start += len(raw) - len(raw.lstrip())
    return _Unit(start, start + len(raw.strip()), raw.strip(), unit.indent)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _repeats_headline(unit: _Unit, headline: str) -> bool:
    head = _tokens(headline)
    if not head:
        return False
    if _tokens(unit.flat) == head:
        return True
    # "Headline | deck", "Headline – deck", "Headline: deck"
    for separator in re.finditer(r"\s*[|–—:]\s+", unit.flat):
        if _tokens(unit.flat[: separator.start()]) == head:
            return len(unit.flat[separator.end() :].split()) <= MAX_HEADLINE_WORDS
    return False


def _is_kicker(unit: _Unit) -> bool:
    flat = unit.flat
    if unit.words > MAX_KICKER_WORDS or re.search(r"[.!?:;,\"“”]$", flat) or re.search(r"\d", flat):
        return False
    return flat[:1].islower() or flat.lower() in _SECTION_LABELS


def _looks_like_headline(unit: _Unit) -> bool:
    return (
        unit.words <= MAX_HEADLINE_WORDS
        and not unit.bulleted
        and not unit.flat.endswith((".", ",", ";", ":"))
        and unit.flat[:1].isupper()
    )


def _looks_like_commenter(unit: _Unit) -> bool:
    flat = _BULLET.sub("", unit.flat, count=1) if unit.bulleted else unit.flat
    return 0 < len(flat.split()) <= MAX_COMMENTER_NAME_WORDS and not re.search(r"[.!?:;,\"“”]$", flat)


# A list item that links to another story: a short line that is not a sentence.
MAX_LINK_ITEM_WORDS = 16


def _is_link_item(unit: _Unit) -> bool:
    return unit.words <= MAX_LINK_ITEM_WORDS and not re.search(r"[.!?\"”’]$", unit.flat)


def _link_lists(units: list[_Unit], removed: dict[int, list[RemovedSpan]]) -> set[int]:
    """Indices of link-list labels ("Most read") and the list items under them. A label with no list
    after it is left to the pattern rules; an item that reads as a sentence ends the list."""
    found: set[int] = set()
    for i, unit in enumerate(units):
        if i in found or not re.fullmatch(_LINK_LIST_LABEL, unit.flat):
            continue
        items = []
        for j in range(i + 1, len(units)):
            if j in removed:  # already gone (a "Share" line between the items)
                continue
            if not _is_link_item(units[j]):
                break
            items.append(j)
        if items:
            found.update([i, *items])
    return found - set(removed)


def _comment_thread(units: list[_Unit], removed: dict[int, list[RemovedSpan]]) -> set[int]:
    """Indices of units that belong to reader comment threads, found by structure."""
    # The article's own paragraphs sit at the smallest indentation of any prose; comments are deeper.
    body_indent = min((u.indent for u in units if u.words >= 20), default=0)

    def indented(i: int) -> bool:
        return i < len(units) and units[i].indent > body_indent

    def commenter(i: int, in_thread: bool) -> bool:
        # a name line followed by a more indented comment; a name without a bullet only inside a thread
        unit = units[i]
        return (
            _looks_like_commenter(unit)
            and (unit.bulleted or in_thread)
            and i + 1 < len(units)
            and units[i + 1].indent > unit.indent
        )

    thread: set[int] = set()
    i = 0
    while i < len(units):
        header = i in removed and removed[i][0].rule == "comment_count"
        if not (header or commenter(i, False)):
            i += 1
            continue
        j = i + 1 if header else i
        while j < len(units) and (
            indented(j)
            or commenter(j, True)
            or (j in removed and removed[j][0].rule in ("ui_line", "comment_count"))
        ):
            j += 1
        thread.update(k for k in range(i, j) if k not in removed)
        i = max(j, i + 1)
    return thread


def _glued_spans(unit: _Unit) -> list[RemovedSpan]:
    """Spans of furniture glued to the article sentences of a unit that stays (see _GLUED_OPENINGS)."""
    cuts: list[tuple[int, int, str]] = []  # offsets into unit.raw

    def words(a: int, b: int) -> int:
        return len(unit.raw[a:b].split())

    previous: tuple[int, int] | None = None  # the sentence before, from its capital ("... on Dec. 10, 2016.")
    caption_end = 0
    for a, b in _sentences(unit):
        if a < caption_end:  # inside a caption sentence cut whole (split after "Dec.")
            continue
        if m := _CAPTION_SENTENCE.match(unit.raw, a):
            cuts.append((a, m.end(), "photo_caption"))
            caption_end = m.end()
            continue
        sentence_cuts: list[tuple[int, int, str]] = []
        start, end = a, b
        if (m := _BRACKETED_LINK.match(unit.raw, a, b)) and words(m.end(), len(unit.raw)) >= MIN_GLUED_REST_WORDS:
            sentence_cuts.append((a, m.end(), "related_link"))
            start = m.end()
        elif m := _CAPTION_CREDIT.match(unit.raw, a, b):
            if (previous and words(*previous) <= MAX_CAPTION_WORDS
                    and (not m.group("wire") or unit.raw[: previous[1]].endswith(("...", "…")))):
                sentence_cuts.append((previous[0], m.end(), "photo_caption"))  # the caption and its credit
                start = m.end()
            elif previous is None and _CREDIT_SOURCE.search(m.group(0)):
                sentence_cuts.append((a, m.end(), "photo_credit"))  # a credit opening the text: its caption was dropped
                start = m.end()
        # a piece that opens in lower case continues the sentence before (a split after "Dec.")
        previous = (previous[0], b) if previous and not (unit.raw[a].isupper() or unit.raw[a] in "(\"“") else (a, b)
        while True:  # an opening cut may bare another ("Share share Photo the ...")
            opening = next(((rule, m) for rule, pattern in _GLUED_OPENINGS if (m := pattern.match(unit.raw, start, b))), None)
            if not opening or words(opening[1].end(), len(unit.raw)) < MIN_GLUED_REST_WORDS:
                break
            sentence_cuts.append((start, opening[1].end(), opening[0]))
            start = opening[1].end()
        while True:  # likewise a closing cut
            closing = next(((rule, m) for rule, pattern in _GLUED_CLOSINGS
                            if (m := pattern.search(unit.raw, start, end)) and m.end() == end), None)
            if not closing or words(0, closing[1].start()) < MIN_GLUED_REST_WORDS:
                break
            sentence_cuts.append((closing[1].start(), end, closing[0]))
            end = closing[1].start()
        for rule, pattern in _GLUED_INNER:
            sentence_cuts.extend((m.start(), m.end(), rule) for m in pattern.finditer(unit.raw, start, end))
        rest, position = [], a
        for cut_start, cut_end, _ in sorted(sentence_cuts):
            rest.append(unit.raw[position:cut_start])
            position = max(position, cut_end)
        rest.append(unit.raw[position:b])
        if sentence_cuts and not _match_pattern(" ".join(" ".join(rest).split()), _PATTERN_RULES + _TAIL_RULES):
            first_cut = min(cut[0] for cut in sentence_cuts)  # a caption cut takes the sentence before whole
            cuts[:] = [cut for cut in cuts if cut[0] < first_cut] + sentence_cuts
    if words(0, len(unit.raw)) - sum(words(a, b) for a, b, _ in cuts) < MIN_GLUED_REST_WORDS:
        return []  # what would be left is no longer than a kicker line
    spans: list[RemovedSpan] = []
    for a, b, rule in sorted(cuts):
        a += len(unit.raw[a:b]) - len(unit.raw[a:b].lstrip())  # a span is the furniture, not the space around it
        b = a + len(unit.raw[a:b].strip())
        if b > a and not (spans and a < spans[-1].end - unit.start):
            spans.append(RemovedSpan(unit.start + a, unit.start + b, unit.raw[a:b], rule))
    return spans


def _kept_text(text: str, unit: _Unit, cuts: list[RemovedSpan]) -> str:
    """The unit's text on one line, less the glued furniture ``cuts``."""
    if not cuts:
        return re.sub(r"\s*\n\s*", " ", unit.raw)
    pieces, position = [], unit.start
    for span in cuts:
        pieces.append(text[position : span.start])
        position = span.end
    pieces.append(text[position : unit.end])
    return " ".join(re.sub(r"\s*\n\s*", " ", piece.strip()) for piece in pieces if piece.strip())


def clean_article(article: Article) -> CleanedArticle:
    """Remove boilerplate from ``article.text``; return the cleaned text and an audit of what went."""
    units = _segment(article.text)
    removed: dict[int, list[RemovedSpan]] = {}
    trimmed: dict[int, list[RemovedSpan]] = {}  # runs cut off units that stay (units[i] is then the rest)

    def remove(i: int, rule: str) -> None:
        removed[i] = [RemovedSpan(units[i].start, units[i].end, units[i].raw, rule)]

    def trim(i: int, spans: list[RemovedSpan]) -> None:
        trimmed.setdefault(i, []).extend(spans)
        units[i] = _trim(units[i], spans)

    # 2. pattern rules, anywhere
    for i, unit in enumerate(units):
        spans = _pattern_spans(unit, _PATTERN_RULES)
        if not spans and (edges := _edge_spans(unit, _PATTERN_RULES)):
            trim(i, edges)
            spans = _pattern_spans(units[i], _PATTERN_RULES)  # what is left may be boilerplate as a whole
        if spans:
            removed[i] = spans

    # 3. reader comment threads, and lists of links to other stories
    for i in _comment_thread(units, removed):
        remove(i, "comment_thread")
    for i in _link_lists(units, removed):
        remove(i, "link_list")

    # 4. furniture glued to article sentences: a cut at a unit's edge trims it (the head and tail rules
    # then judge what is left, as they would on the cleaned text), one inside it is made at the end
    glued: dict[int, list[RemovedSpan]] = {}
    for i, unit in enumerate(units):
        if i in removed or not (spans := _glued_spans(unit)):
            continue
        edges = [span for span in spans if not article.text[unit.start : span.start].strip()
                 or not article.text[span.end : unit.end].strip()]
        if edges:
            trim(i, edges)
        glued[i] = [span for span in spans if span not in edges]

    # 5. head: repair a boilerplate headline, drop the repeated headline and kicker lines
    title = ""
    headline = article.title
    title_flat = " ".join(article.title.split())
    needs_title = not title_flat or bool(_match_pattern(title_flat, _PATTERN_RULES))
    for i, unit in enumerate(units):
        if i in removed:
            continue
        if needs_title and _looks_like_headline(unit):
            title, headline, needs_title = unit.flat, unit.flat, False
            remove(i, "headline_repaired")
        elif _repeats_headline(unit, headline):
            remove(i, "repeated_headline")
        elif _is_kicker(unit):
            remove(i, "kicker")
        else:
            break

    # 6. tail: bios and credits in the run of boilerplate that ends the article
    for i in range(len(units) - 1, -1, -1):
        if i in removed:
            continue
        spans = _pattern_spans(units[i], _PATTERN_RULES + _TAIL_RULES)
        if not spans and (edges := _edge_spans(units[i], _PATTERN_RULES, _PATTERN_RULES + _TAIL_RULES)):
            trim(i, edges)  # the article's last paragraph: a bio or credit may close it
            spans = _pattern_spans(units[i], _PATTERN_RULES + _TAIL_RULES)
        if not spans:
            break
        removed[i] = spans

    for i, spans in glued.items():  # what is left of the units that stay (the tail may have trimmed them)
        glued[i] = [span for span in spans if units[i].start <= span.start and span.end <= units[i].end]
    kept = [_kept_text(article.text, unit, glued.get(i, [])) for i, unit in enumerate(units) if i not in removed]
    inside = [span for i, spans in glued.items() if i not in removed for span in spans]
    audit = tuple(sorted((span for spans in (*removed.values(), *trimmed.values(), inside) for span in spans),
                         key=lambda span: span.start))
    if audit:
        log.debug("%s: removed %d boilerplate spans (%s)", article.id, len(audit), ", ".join(s.rule for s in audit))

    # 7. provenance: the dateline opening the body, and the outlet a removed credit line names
    dateline = read_dateline(kept[0]) if kept else None
    article = with_text_provenance(article, audit, dateline, kept[0] if kept else "")
    return CleanedArticle(article, "\n\n".join(kept), audit, title, dateline)


def clean_articles(articles: Iterable[Article], on_error: Callable[[Article, InputError], None]) -> list[CleanedArticle]:
    """:func:`clean_article` for each article, in order. An article that was boilerplate from end to end
    (a cookie wall, a sign-up box, a web-archive notice) is left out and passed to ``on_error`` with an
    :class:`InputError` naming it and the rules that removed it: there is nothing in it to analyze, group
    or brief."""
    kept = []
    for article in articles:
        cleaned = clean_article(article)
        if cleaned.text.strip():
            kept.append(cleaned)
        else:
            rules = ", ".join(dict.fromkeys(span.rule for span in cleaned.removed))
            on_error(article, InputError(f"nothing left after removing boilerplate ({rules})", input=article.source))
    return kept
