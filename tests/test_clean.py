"""The clean stage: boilerplate removal by named rules, with an audit of every removed span.

Checked on the five real seeds (must-contain: every article paragraph; must-not-contain: every comment,
bio, footer, credit and prompt), on the fictional pile in examples/, on text written here in other house
styles (wire copy, blogs, paywalled sites), and by property tests on arbitrary text.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from storyline.clean import RULES, RULES_BY_NAME, clean_article
from storyline.sources.article import article_id
from storyline.sources.route import read_inputs
from storyline.models import Article, CleanedArticle


def make_article(text: str, title: str = "A headline", outlet: str = "test") -> Article:
    return Article(article_id(outlet, title, text), title, text, outlet, "test")


def paragraphs(cleaned: CleanedArticle) -> list[str]:
    return cleaned.text.split("\n\n") if cleaned.text else []


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_audit_consistent(cleaned: CleanedArticle) -> None:
    """Every span is really the removed text, named by a rule, and kept + removed = the input."""
    text = cleaned.article.text
    previous_end = 0
    blanked = list(text)
    for span in cleaned.removed:
        assert text[span.start : span.end] == span.text
        assert span.rule in RULES_BY_NAME
        assert span.start >= previous_end, "spans are sorted and do not overlap"
        previous_end = span.end
        blanked[span.start : span.end] = " " * (span.end - span.start)
    assert "".join("".join(blanked).split()) == "".join(cleaned.text.split())
    assert "\n\n\n" not in cleaned.text and cleaned.text == cleaned.text.strip()
    for paragraph in paragraphs(cleaned):
        assert paragraph and "\n" not in paragraph


def assert_cleans(cleaned: CleanedArticle, keep: list[str], remove: list[str]) -> None:
    assert_audit_consistent(cleaned)
    kept = [flat(p) for p in paragraphs(cleaned)]
    removed = flat(" ".join(span.text for span in cleaned.removed))
    for text in keep:
        assert flat(text) in kept, f"article paragraph lost: {text!r}"
    for text in remove:
        # one-word boilerplate ("Share") may occur inside article text ("Share prices fell")
        assert not any(
            flat(text) == p or (" " in flat(text) and flat(text) in p) for p in kept
        ), f"boilerplate kept: {text!r}"
        assert flat(text) in removed, f"boilerplate not in the audit: {text!r}"


# --- the five real seeds ---------------------------------------------------------------------------

# The start of every boilerplate paragraph of each seed; every other paragraph must survive verbatim.
SEED_BOILERPLATE = {
    "000": ["Image Source", "This report prepared by"],
    "001": [
        "US Declines to Send a Delegation to Syria Peace Talks | US ambassador",
        "Last 5 posts by Jason Ditz",
        "Author: Jason Ditz",
        "Jason Ditz is news editor of",
        "• Bianca",
        "It really is of no consequence",
        "• Don",
        "Most likely it’s being played out",
        "Cooperation behind the scenes by the US",
        "• BooBooBaby",
        "Interesting! Very interesting!",
    ],
    "002": ["syrian peace talks", "This article (First Hint", "Supporting Independent & Investigative News"],
    "003": ["REUTERS/Yuri Gripas", "Follow Russ Read on Twitter", "Send tips to", "All content created by"],
    "004": ["Syria: US and Russian Federation talks", "Advertisement", "SWITZERLAND-GENEVA-"],
}


@pytest.fixture(scope="module")
def cleaned_seeds(seeds_dir) -> dict[str, CleanedArticle]:
    result = read_inputs([seeds_dir])
    assert not result.errors
    return {Path(a.source).name[:3]: clean_article(a) for a in result.articles}


@pytest.mark.parametrize("seed", sorted(SEED_BOILERPLATE))
def test_seed_keeps_every_article_paragraph_and_drops_all_boilerplate(cleaned_seeds, seed):
    cleaned = cleaned_seeds[seed]
    markers = SEED_BOILERPLATE[seed]
    keep, remove = [], []
    for paragraph in re.split(r"\n\s*\n", cleaned.article.text):
        paragraph = paragraph.strip()
        (remove if any(paragraph.startswith(m) for m in markers) else keep).append(paragraph)
    assert len(remove) >= len(markers)  # every marker names a real paragraph of the seed
    assert_cleans(cleaned, keep, remove)
    assert len(paragraphs(cleaned)) == len(keep)


def test_seed_audit_names_the_rule_for_each_kind_of_boilerplate(cleaned_seeds):
    rules = {(seed, span.text.split()[0], span.rule) for seed, c in cleaned_seeds.items() for span in c.removed}
    for expected in [
        ("000", "Image", "photo_credit"),
        ("000", "This", "report_credit"),
        ("001", "US", "repeated_headline"),
        ("001", "Last", "author_posts"),
        ("001", "Author:", "byline"),
        ("001", "Jason", "author_bio"),
        ("001", "•", "comment_thread"),
        ("002", "syrian", "kicker"),
        ("002", "This", "licence_footer"),
        ("002", "Please,", "social_prompt"),
        ("003", "REUTERS/Yuri", "photo_credit"),
        ("003", "Send", "contact_prompt"),
        ("004", "Advertisement", "ui_line"),
        ("004", "SWITZERLAND-GENEVA-U.S.-RUSSIA-TRUCE", "slug_caption"),
    ]:
        assert expected in rules


def test_seed_004_headline_share_is_repaired(cleaned_seeds):
    cleaned = cleaned_seeds["004"]
    assert cleaned.article.title == "Share"
    assert cleaned.title == cleaned.headline == "Syria: US and Russian Federation talks on military action fail"
    assert cleaned.removed[0].rule == "headline_repaired"
    assert cleaned.text.startswith("US Secretary of State John Kerry took a more cautionary position")


def test_clean_seed_headlines_stay(cleaned_seeds):
    for seed in ("000", "001", "002", "003"):
        assert cleaned_seeds[seed].title == ""
        assert cleaned_seeds[seed].headline == cleaned_seeds[seed].article.title


def test_cleaning_a_cleaned_seed_removes_nothing_more(cleaned_seeds):
    for cleaned in cleaned_seeds.values():
        again = clean_article(make_article(cleaned.text, cleaned.headline))
        assert again.removed == () and again.text == cleaned.text


# --- the fictional pile in examples/ ---------------------------------------------------------------

FICTION_DISCLAIMER = "Disclaimer: This is a fictional example article"

EXAMPLE_BOILERPLATE = {
    "port-aldric-daily.txt": [
        "Share",
        "Advertisement",
        "Related: Fishers vow to return to the harbour mouth",
        "Copyright 2025 Island Wire Service. All rights reserved.",
        FICTION_DISCLAIMER,
    ],
    "saltwind-review.txt": [
        "opinion",
        "Share",
        "The Greyhollow Giveaway: Varda Sells The Reef For A Container Quay",
        "Image Source – Saltwind Review archive",
        "Jonas Pell is editor-at-large of the Saltwind Review.",
        "Last 5 posts by Jonas Pell",
        "Follow Jonas Pell on Twitter",
        "You have permission to republish this article",
        FICTION_DISCLAIMER,
    ],
    "brackenford-courier.txt": [
        "Photo by Tom Reyes / Brackenford Courier",
        "Advertisement",
        "Send tips to newsdesk@brackenfordcourier.example.",
        FICTION_DISCLAIMER,
    ],
    "tarne-gazette.txt": [
        "gardens",
        "Updated 8:15 a.m.",
        "Click here to subscribe",
        "3 comments",
        "• Hedda",
        "We went last night.",
        "Reply",
        "• Old Gardener",
        "Twelve years of watering",
        FICTION_DISCLAIMER,
    ],
    "Harbour deal to be signed Friday, minister says": [
        "Share",
        "Advertisement",
        "Photo: Mara Quill / Norvane Herald",
        "Mara Quill is harbour correspondent of the Norvane Herald.",
        "2 comments",
        "Selka Mum",
        "They said the same thing about the airport.",
        "Reply",
        "Port Aldric Dockhand",
        "About time. My son has been waiting",
        FICTION_DISCLAIMER,
    ],
    "Norvane postpones harbour signing over reef concerns": [
        "Updated 9:40 a.m.",
        "Read more: How the Greyhollow harbour plan",
        "Samir Castell is islands correspondent at the Meridian Post. Send tips to samir@meridian-post.example.",
        "Sign up for our newsletter",
        FICTION_DISCLAIMER,
    ],
}


def example_articles() -> dict[str, Article]:
    """The example pile's text files by file name, and its JSONL records (the ingest field names) by title."""
    articles = {a.source.rsplit("/", 1)[-1]: a for a in read_inputs(sorted(EXAMPLES.glob("*.txt"))).articles}
    for line in (EXAMPLES / "island-news.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        articles[record["title"]] = make_article(record["text"], record["title"], record["outlet"])
    return articles


@pytest.mark.parametrize("name", sorted(EXAMPLE_BOILERPLATE))
def test_example_keeps_every_article_paragraph_and_drops_all_boilerplate(name):
    article = example_articles()[name]
    markers = EXAMPLE_BOILERPLATE[name]
    cleaned = clean_article(article)
    keep, remove = [], []
    for paragraph in re.split(r"\n\s*\n", article.text):
        paragraph = paragraph.strip()
        if paragraph == article.title:
            continue  # a repeated headline: checked below
        (remove if any(paragraph.startswith(m) for m in markers) else keep).append(paragraph)
    assert len(remove) >= len(markers)
    assert_cleans(cleaned, keep, remove)
    assert not paragraphs(cleaned)[0].startswith(article.title)


def test_example_html_pages_are_cleaned_after_extraction():
    pages = [a for a in read_inputs(sorted(EXAMPLES.glob("*.html"))).articles if a.raw_format == "html"]
    if not pages:
        pytest.skip("storyline.ingest does not read HTML pages yet")
    texts = {a.title: clean_article(a) for a in pages}
    reef = texts["Environment Agency warns harbour dredging could smother Selka Reef"]
    assert_cleans(
        reef,
        keep=['"We cannot approve dredging near the Selka Reef until the survey is complete," agency director '
              "Ruth Amsel said.", "Amsel said a survey would take about three months."],
        remove=["Photo: Mara Quill / Norvane Herald", "Author: Mara Quill", "Follow Mara Quill on Twitter",
                "Mara Quill is harbour correspondent of the Norvane Herald.", FICTION_DISCLAIMER],
    )
    wire = texts["Lawmakers back Greyhollow harbour deal as fishers protest"]
    assert_cleans(
        wire,
        keep=["Harbour Minister Tobin Krael said the government still planned to sign the agreement with "
              "Calloway Maritime on Friday, March 7."],
        remove=["Updated 3:45 p.m.", "Sign up for our newsletter to get the day's harbour news in your inbox.",
                "This story was distributed by Island Wire Service", FICTION_DISCLAIMER],
    )


def test_syndicated_wire_copies_clean_to_the_same_text():
    """The two outlets' copies of the wire story differ only in chrome and footers, which cleaning removes."""
    txt = clean_article(example_articles()["port-aldric-daily.txt"])
    pages = [a for a in read_inputs([EXAMPLES / "coastline-times.html"]).articles if a.raw_format == "html"]
    if not pages:
        pytest.skip("storyline.ingest does not read HTML pages yet")
    html = clean_article(pages[0])
    assert flat(txt.text) == flat(html.text)


# --- other house styles, written here --------------------------------------------------------------

WIRE_COPY = """\
We use cookies to improve your experience on our site. By continuing to browse you agree to our cookie policy.

Updated 3:45 p.m.

By JANE ROE and MARK POE

OSTERLAND, Vell (AP) — Lawmakers in the small republic of Vell passed an emergency budget late Friday, hours before a midnight deadline that would have closed most public offices.

The vote was 72-25 after a week of talks, Finance Minister Aldo Kress said in a statement posted on Twitter.

Related: What a shutdown would mean for Vell's civil servants

“We kept the lights on,” Kress told reporters outside the chamber. “Now the real work starts.”

Ministers are seen after the vote in the capital on Friday. (AP Photo/Lena Frost)

A photo of the final tally, shared widely on social media, showed three lawmakers abstaining.

Sign up for our Politics Today newsletter.

Read more: Inside the week of talks that saved Vell's budget

Copyright 2025 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.
"""


def test_wire_copy_with_ap_dateline_and_copyright():
    cleaned = clean_article(make_article(WIRE_COPY, "Vell passes emergency budget hours before deadline"))
    assert_cleans(
        cleaned,
        keep=[
            "OSTERLAND, Vell (AP) — Lawmakers in the small republic of Vell passed an emergency budget late Friday, "
            "hours before a midnight deadline that would have closed most public offices.",
            "The vote was 72-25 after a week of talks, Finance Minister Aldo Kress said in a statement posted on "
            "Twitter.",
            "“We kept the lights on,” Kress told reporters outside the chamber. “Now the real work starts.”",
            "A photo of the final tally, shared widely on social media, showed three lawmakers abstaining.",
        ],
        remove=[
            "We use cookies to improve your experience on our site.",
            "Updated 3:45 p.m.",
            "By JANE ROE and MARK POE",
            "Related: What a shutdown would mean",
            "(AP Photo/Lena Frost)",
            "Sign up for our Politics Today newsletter.",
            "Read more: Inside the week of talks",
            "Copyright 2025 The Associated Press. All rights reserved.",
        ],
    )
    assert len(paragraphs(cleaned)) == 4


BLOG_POST = """\
Why the Lindqvist dam matters more than you think

Share this:
Twitter
Facebook
Like this:
Like Loading...

Posted on March 3, 2025 by riverwatch

Three towns downstream of the Lindqvist dam still draw their drinking water from the reservoir. When the
operator lowered the water level last month, two of them had to truck in water for a week.

Photo by Ana Lund / Getty Images

Advertisement

The operator says the repairs will be finished by June. Residents are not so sure, and a petition calling
for an independent inspection has gathered 3,000 signatures.

Follow us on Twitter and Facebook for more river news!

The views expressed in this article are the author's own and do not reflect those of Riverwatch.

Click here to subscribe to our weekly digest.
"""


def test_blog_post_with_share_bar_and_hard_wrapped_paragraphs():
    cleaned = clean_article(make_article(BLOG_POST, "Why the Lindqvist dam matters more than you think"))
    assert_cleans(
        cleaned,
        keep=[
            "Three towns downstream of the Lindqvist dam still draw their drinking water from the reservoir. When "
            "the operator lowered the water level last month, two of them had to truck in water for a week.",
            "The operator says the repairs will be finished by June. Residents are not so sure, and a petition "
            "calling for an independent inspection has gathered 3,000 signatures.",
        ],
        remove=[
            "Why the Lindqvist dam matters more than you think",
            "Share this:",
            "Like Loading...",
            "Photo by Ana Lund / Getty Images",
            "Advertisement",
            "Follow us on Twitter and Facebook for more river news!",
            "The views expressed in this article are the author's own",
            "Click here to subscribe to our weekly digest.",
        ],
    )
    assert len(paragraphs(cleaned)) == 2  # the wrapped lines are joined, each paragraph stays one


AGENCY_PAGE = """\
Skip to content

Vell central bank holds rates, signals cut in summer

business

Vell central bank holds rates, signals cut in summer | Markets react calmly

Published 10:02 AM EST

Image: Getty Images

OSTERLAND, March 5 (Reuters) - Vell's central bank kept its main interest rate at 4.5% on Wednesday and said it expected to cut it in the summer if inflation kept falling.

Story continues below advertisement

"The worst is behind us," Governor Ilse Marr told a news conference.

READ MORE: Why Vell's inflation fell faster than expected

Already a subscriber? Log in to keep reading.

Reporting by Ana Lund; Editing by Tom Berg

Mark Poe contributed to this report.

12 comments
"""


def test_agency_page_with_deck_kicker_and_credits():
    cleaned = clean_article(make_article(AGENCY_PAGE, "Vell central bank holds rates, signals cut in summer"))
    assert_cleans(
        cleaned,
        keep=[
            "OSTERLAND, March 5 (Reuters) - Vell's central bank kept its main interest rate at 4.5% on Wednesday "
            "and said it expected to cut it in the summer if inflation kept falling.",
            '"The worst is behind us," Governor Ilse Marr told a news conference.',
        ],
        remove=[
            "Skip to content",
            "Vell central bank holds rates, signals cut in summer | Markets react calmly",
            "business",
            "Published 10:02 AM EST",
            "Image: Getty Images",
            "Story continues below advertisement",
            "READ MORE: Why Vell's inflation fell faster than expected",
            "Already a subscriber? Log in to keep reading.",
            "Reporting by Ana Lund; Editing by Tom Berg",
            "Mark Poe contributed to this report.",
            "12 comments",
        ],
    )
    assert len(paragraphs(cleaned)) == 2
    rules = {span.text.split()[0]: span.rule for span in cleaned.removed}
    assert rules["business"] == "kicker" and rules["Mark"] == "report_credit"


BROADCASTER_PAGE = """\
Media playback is unsupported on your device

- Advertisement -

Flood defences in the river town of Osk held overnight as the water reached its highest level in forty years, the regional authority said on Sunday.

Image copyright Osk Regional Authority

Residents of the lower town were moved to the school gym on Saturday evening. (Photo by Ana Lund/Getty Images)

"The walls did exactly what they were built to do," engineer Pia Holm said.

Click to share on Twitter (Opens in new window)

Get the day's top stories delivered to your inbox.

Contributing: Mark Poe, Tom Berg
"""


def test_broadcaster_page_with_player_line_and_parenthesised_credits():
    cleaned = clean_article(make_article(BROADCASTER_PAGE, "Osk flood defences hold"))
    assert_cleans(
        cleaned,
        keep=[
            "Flood defences in the river town of Osk held overnight as the water reached its highest level in "
            "forty years, the regional authority said on Sunday.",
            '"The walls did exactly what they were built to do," engineer Pia Holm said.',
        ],
        remove=[
            "Media playback is unsupported on your device",
            "- Advertisement -",
            "Image copyright Osk Regional Authority",
            "Residents of the lower town were moved to the school gym on Saturday evening. (Photo by Ana "
            "Lund/Getty Images)",
            "Click to share on Twitter (Opens in new window)",
            "Get the day's top stories delivered to your inbox.",
            "Contributing: Mark Poe, Tom Berg",
        ],
    )


def test_advertisement_inside_a_hard_wrapped_paragraph_is_cut_out():
    text = (
        "The council met on Monday to discuss the new harbour rules, which would limit\n"
        "the number of cruise ships allowed to dock on any single day to two.\n"
        "Advertisement\n"
        "Opponents say the limit would cost the town a third of its summer trade and\n"
        "that nobody had asked the shopkeepers."
    )
    cleaned = clean_article(make_article(text))
    assert [s.text for s in cleaned.removed] == ["Advertisement"]
    assert len(paragraphs(cleaned)) == 2
    assert_audit_consistent(cleaned)


def test_boilerplate_flattened_into_the_first_and_last_paragraph_is_cut_off():
    # A dump or an extractor that lost the page's line breaks: the sign-up box above the article and
    # the comment prompt below it end up in the article's only paragraph.
    article_text = (
        "The council voted on Monday to limit cruise ships to two a day. Opponents say the limit would "
        "cost the town a third of its summer trade. What do you think of the vote?"
    )
    text = (
        "Breaking news emails get breaking news alerts and special reports. The news and stories that "
        f"matter, delivered weekday mornings. {article_text} Let us know in the comments."
    )
    cleaned = clean_article(make_article(text))
    assert cleaned.text == article_text
    assert [span.rule for span in cleaned.removed] == ["subscribe_prompt", "comment_count"]
    assert_audit_consistent(cleaned)


def test_a_boilerplate_sentence_between_article_sentences_stays():
    text = ("The council voted on Monday to limit cruise ships. Let us know in the comments. "
            "Opponents say the limit would cost the town a third of its summer trade.")
    cleaned = clean_article(make_article(text))
    assert cleaned.removed == () and cleaned.text == text


def test_a_page_that_is_only_an_archive_or_embed_notice_cleans_to_nothing():
    # The Wayback Machine's note and Twitter's location notice, as pages fetched from an archive carry them.
    for text in (
        "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive. Flowing in "
        "every day, these data are added to the Wayback Machine after an embargo period.",
        "Tweet with a location You can add location information to your Tweets, such as your city or precise "
        "location, from the web and via third-party applications. You always have the option to delete your "
        "Tweet location history. Learn more",
    ):
        cleaned = clean_article(make_article(text))
        assert cleaned.text == "" and {span.rule for span in cleaned.removed} <= {"embed_notice", "ui_line"}
        assert_audit_consistent(cleaned)


# A broadcaster's page in the layout of a large news site: caption labels, "Related topics" and
# "More on this story" lists inside the article element, and a date only in the related list.
NEWS_SITE_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Island ferry sinks: Twelve rescued off Norvane coast - Norvane Broadcasting</title></head><body>
<a href="#main">Skip to content</a><nav><a>Home</a><a>News</a><a>Sport</a><a>Weather</a></nav>
<main id="main"><article><header><h1>Island ferry sinks: Twelve rescued off Norvane coast</h1>
<div><span>3 hours ago</span></div><div>Share<span>Save</span></div><div><p>By Amir Haddad</p></div></header>
<figure><img src="x.jpg"><figcaption><span>Image source, </span>Norvane Coastguard<span>Image caption, </span>
The coastguard said the sea was calm when the ferry began to list</figcaption></figure>
<p><b>Twelve people have been rescued after a small passenger ferry sank off the coast of Norvane.</b></p>
<p>The vessel, the MV Gullwing, sent a distress call at about 06:40 local time on Tuesday, three miles out.</p>
<p>Two lifeboats and a helicopter were sent, and all twelve people on board were taken to hospital.</p>
<div><p>Media caption, Footage shows the moment the ferry began to sink</p></div>
<p>The ferry operator, Norvane Lines, said it would co-operate fully with the investigation.</p>
<p>Councillor Ines Varga said the islands had asked for newer ferries for years. "We were lucky," she said.</p>
<section><h2>Related topics</h2><ul><li>Norvane</li><li>Shipping accidents</li></ul></section>
<section><h2>More on this story</h2><ul><li><a>Ferry operator fined over safety checks</a>
<span>Published 12 May 2024</span></li></ul></section></article>
<section><h2>Top Stories</h2><ul><li><a>Election called for June</a></li></ul></section></main>
<footer><p>Copyright 2025 Norvane Broadcasting. All rights reserved.</p></footer></body></html>"""


def test_broadcaster_page_with_caption_labels_and_link_lists(tmp_path):
    page = tmp_path / "ferry.html"
    page.write_text(NEWS_SITE_PAGE, encoding="utf-8")
    [article] = read_inputs([page]).articles
    # the only date on the page is a related story's: no date is better than that one
    assert article.published is None
    cleaned = clean_article(article)
    assert_cleans(
        cleaned,
        keep=["Two lifeboats and a helicopter were sent, and all twelve people on board were taken to hospital.",
              'Councillor Ines Varga said the islands had asked for newer ferries for years. "We were lucky," she said.'],
        remove=["Media caption, Footage shows the moment the ferry began to sink", "Related topics", "Shipping accidents",
                "Ferry operator fined over safety checks"],
    )
    assert "link_list" in {span.rule for span in cleaned.removed}


def test_update_notices_closed_comments_and_a_contribution_line_from_a_place_go():
    body = "Ferry workers in three ports walked out on Tuesday in a dispute over pay, the union said."
    for furniture in ("KQVN 7 will update this story as more information becomes available.",
                      "This is a developing story.", "This story has been updated to correct the time of the vote.",
                      "Comments are closed on wire stories.",
                      "Halvard Press Agency writer Jonas Feyde contributed to this report from Nordvik."):
        cleaned = clean_article(make_article(f"{body}\n\n{furniture}"))
        assert cleaned.text == body, furniture
        assert_audit_consistent(cleaned)


def test_reuters_style_stamps_standards_line_and_licensing_link_go():
    text = ("By Jon Reyes\n\nMarch 7, 2025 8:15 AM UTC Updated ago\n\nThe harbour authority will appeal, its chairman "
            "said on Friday.\n\nReporting by Jon Reyes; Editing by Clara Ng\n\nOur Standards: The Tidewire Trust "
            "Principles.\n\nAcquire Licensing Rights, opens new tab\n\nMara Quill Environment correspondent\n\n"
            "Lena Ostrova is the Meridian Post's port correspondent. Follow her on Twitter @lostrova.")
    cleaned = clean_article(make_article(text))
    assert cleaned.text == "The harbour authority will appeal, its chairman said on Friday."
    assert_audit_consistent(cleaned)


def test_wire_page_language_link_separator_credit_and_paid_links_go():
    article = ("GREYHOLLOW, Norvane Islands (AP) — A winter storm cut power to about 40,000 homes on Sunday.\n\n"
               "RELATED COVERAGE\n\nThe storm is expected to move north by Monday morning.")
    text = (f"Leer en español\n\n{article}\n\n___\n\nAssociated Press writer Jon Reyes in Port Aldric contributed "
            "to this report.\n\nCopyright 2025 The Associated Press. All Rights Reserved.\n\nPaid for by\n\n"
            "Five foods to avoid after 50\n\nDoctors stunned by this trick")
    cleaned = clean_article(make_article(text))
    assert cleaned.text == article.replace("RELATED COVERAGE\n\n", "")
    assert {span.rule for span in cleaned.removed} >= {"ui_line", "report_credit", "licence_footer", "link_list"}
    assert_audit_consistent(cleaned)


def test_a_label_followed_by_article_text_or_a_list_of_sentences_stays():
    kept = [
        "Top stories of the year were chosen by the readers, the editor said.",
        "Related\n\nThe minister resigned on Friday after the vote.",  # the label alone goes (ui_line)
        "Read more\n\n- The levy rises to 4 percent in April.\n\n- Fishers pay half.",  # items are sentences
        "The key points:\n\n- Taxes rise in April\n\n- Pensions are frozen",  # not a link-list label
    ]
    for text in kept:
        cleaned = clean_article(make_article(text))
        assert "link_list" not in {span.rule for span in cleaned.removed}, text
        assert_audit_consistent(cleaned)


def test_single_newline_paragraphs_are_separate_units():
    text = (
        "Osk flood defences hold\n"
        "weather\n"
        "Flood defences in the river town of Osk held overnight, the regional authority said on Sunday.\n"
        "Advertisement\n"
        "Residents of the lower town were moved to the school gym on Saturday evening.\n"
        "Follow Osk News on Twitter"
    )
    cleaned = clean_article(make_article(text, "Osk flood defences hold"))
    assert [s.rule for s in cleaned.removed] == ["repeated_headline", "kicker", "ui_line", "social_prompt"]
    assert paragraphs(cleaned) == [
        "Flood defences in the river town of Osk held overnight, the regional authority said on Sunday.",
        "Residents of the lower town were moved to the school gym on Saturday evening.",
    ]


def test_a_wrapped_line_that_reads_like_a_credit_stays_in_its_sentence():
    text = (
        "The ministry released dozens of images on Tuesday, and officials said the\n"
        "photos by the agency showed that the reef had been damaged long before the\n"
        "dredging began, a claim the fishers' union rejected within the hour."
    )
    cleaned = clean_article(make_article(text))
    assert cleaned.removed == ()
    assert cleaned.text == " ".join(text.split())


# Article paragraphs that look a little like boilerplate: each must survive as the only paragraph, as the
# last paragraph (where bios are looked for) and right under the headline (where kickers are).
LOOKALIKES = [
    "By Friday, the talks had collapsed.",
    "Follow-up talks will be held in Geneva next week, the ministry said on Twitter.",
    "Supporters were urged to follow Kress on Twitter for updates, his aide said.",
    "The photo, taken by a Reuters photographer, shows the minister shaking hands with the rebels.",
    "Photos of the flooded streets spread quickly on social media.",
    "Copyright law was a central issue in the dispute.",
    "Updated figures released on March 3 show 40 deaths.",
    "Share prices fell 3% on Tuesday after the announcement.",
    "Subscribers to the service rose by a tenth last year.",
    "Source – a senior official – said the deal was off.",
    "Jane Doe is a reporter for the Tribune who was detained in Iran last year.",
    "The report, prepared by the UN for the Security Council, has not been published.",
    "Reply to the letter came on Monday, officials said.",
    "“Follow us on Twitter,” the campaign told supporters at the rally.",
    "Kress said the deal was a victory. “We won,” he said.",
    "Advertising revenue at the broadcaster fell by a fifth.",
    "Comments by the minister angered the opposition.",
    "Related talks in Vienna ended without agreement.",
    "Register voters by email, officials urged.",
    "Phishing messages may land in your inbox.",
    "Image quality on the new satellites is far better, the agency said.",
    "Close to 3,000 people attended the rally.",
    "Print runs of the newspaper were cut by half.",
    "Photos from the scene show widespread damage to the old town.",
    "Newspapers were delivered every morning until the strike.",
    "The stories, delivered daily by couriers, reached the front within a week.",
    "Learn more about the plan at the town hall on Friday, the mayor said.",
    "“Let us know what you think,” the mayor told residents.",
    "Get the vaccine, news alerts on phones urged on Sunday.",
    "The Internet Archive's Wayback Machine stores copies of old web pages.",
    "The site said JavaScript is disabled on old phones, which angered users.",
    "At 9 a.m. the council met again.",
    "On March 7, 2025 at 8 a.m. the ferry left port.",
    "The victim was a reporter.",
    "Jane Doe was a reporter for the Tribune.",
    "Our standards are high, the mayor said.",
    "Fans follow her on Twitter, where she posts daily.",
    "The new road was paid for by the council and the state.",
    "More from the minister's speech is expected on Monday.",
    "Trending topics on the site included the strike.",
    "1 of 12 ferries was still in port on Monday.",
    "Five min read aloud at the rally, the letter was cheered.",
    "Residents will have their say in a vote in May.",
    # breadcrumbs, section links, site banners, archive notices (issue 16)
    "Home / away fans were kept apart, police said.",
    "Ferries / buses will run on Sunday, the operator said.",
    "News, sport and weather will follow at six, the broadcaster said.",
    "Business and politics met in Asia and Europe at the summit.",
    "An official of the ministry said inspections would begin in May.",
    "The ministry's official website was down for hours on Monday.",
    "Here's how you can help the flood victims, the mayor said.",
    "Yes, no one expected it, the coach said.",
    "An archived article from that year describes crowds on the quay.",
    "The copy is for personal use only, the court ruled.",
    # photo credits and furniture glued to a sentence
    "A photo taken by a UPI photographer on Saturday showed empty quays.",
    "Getty Images, the photo agency, said its own staff were among those stranded.",
    "The deal with AFP/Getty was signed on Monday, the agency said.",
    "the deal with afp/getty was signed on monday, the agency said.",
    "Email and Facebook accounts were hacked, police said.",
    "Photo ID is required at polling stations from May.",
    "Video footage showed the ferry listing in heavy seas.",
    "Health Science Technology Minister Ola Brenn resigned on Friday.",
    "Download the app, officials told residents before the storm.",
    "The licence photo on his permit was out of date, the court heard.",
    "He resigned on Friday. [The minister] will be replaced by May, aides said.",
    "The talks ended on Monday. (Reuters) The minister said a deal was close.",
    "The ferry sank in 2014. (The crew/passengers were saved.) The inquiry took a year.",
    # captions by their form (issue 16): a weekday and a year set off by commas, "In this ... photo", "View images"
    "The last ferry sailed on Sunday, Oct. 28, 2012, in a storm.",
    "In this photograph-obsessed age, the museum bans cameras.",
    "In this picture-perfect town, tourism is everything.",
    "In this year's budget, the council cut ferry fares by a tenth.",
    "View images of the flood were shared widely, police said.",
    "Story highlights of the season included a win in May, the coach said.",
    "The deal with getty images / the agency was signed on Monday.",
    "The council will update this plan in May, the mayor said.",
    "Comments from residents are closed to the press, the mayor said.",
    "Jon Reyes contributed to this report's findings, the inquiry said.",
    "Where was the harbour master? ( h/t the brackenford courier ) The board did not say.",
]


@pytest.mark.parametrize("sentence", LOOKALIKES)
def test_article_sentences_that_resemble_boilerplate_are_kept(sentence):
    body = "The minister arrived in the capital on Monday for two days of talks with the opposition."
    for text in (sentence, f"{body}\n\n{sentence}", f"{sentence}\n\n{body}", f"Advertisement\n\n{sentence}\n\nShare"):
        cleaned = clean_article(make_article(text))
        assert flat(sentence) in [flat(p) for p in paragraphs(cleaned)], text
        assert_audit_consistent(cleaned)
    # ... and as the first or last sentence of a paragraph (where flattened boilerplate is cut off)
    for text in (f"{sentence} {body}", f"{body} {sentence}"):
        cleaned = clean_article(make_article(text))
        assert cleaned.removed == () and flat(cleaned.text) == flat(text), text


# --- furniture inside and around sentences (issue 16) ----------------------------------------------


def test_breadcrumbs_section_links_and_site_banners_go():
    article = ("The Ministry of Fisheries today announced new catch limits for cod in the northern banks.\n\n"
               "An official of the ministry said inspections would begin in May.")
    text = ("An official website of the Norvane Islands government\nHere's how you know\n"
            "Official websites use .gov.nv A .gov.nv website belongs to an official government organization.\n\n"
            "Home News Sport Weather Sounds\n\nHome » Newsroom » Press Releases\n\nFor Immediate Release\n\n"
            f"{article}\n\nWas this page helpful?\nYes No\n\nSections: News Sports Business Opinion Obituaries")
    cleaned = clean_article(make_article(text))
    assert cleaned.text == article
    assert {"site_banner", "section_links", "breadcrumb"} <= {span.rule for span in cleaned.removed}
    assert_audit_consistent(cleaned)


@pytest.mark.parametrize("crumb", ["Home / News / World News", "News / Local / Politics", "World | Europe",
                                   "home / politics / congress", "Home » Newsroom » Press Releases"])
def test_a_breadcrumb_line_goes(crumb):
    body = "The council voted 5-2 on Thursday to close the old ferry terminal by the end of the year."
    cleaned = clean_article(make_article(f"{crumb}\n\n{body}"))
    assert cleaned.text == body and [span.rule for span in cleaned.removed] == ["breadcrumb"]


def test_archived_article_and_reprint_notices_go():
    body = "Brackenford's city council voted on Thursday to close the old ferry terminal."
    text = ("This is an archived article that was published on brackenfordcourier.com in 2017, and information in "
            "the article may be outdated. It is provided only for personal research purposes and may not be "
            f"reprinted.\n\n{body}\n\nDow Jones Reprints: This copy is for your personal, non-commercial use only.")
    cleaned = clean_article(make_article(text))
    assert cleaned.text == body
    assert {span.rule for span in cleaned.removed} == {"archive_notice"}


def test_a_link_list_in_one_block_of_lines_is_found():
    body = "The harbour board approved the dredging plan on Monday after three years of studies."
    text = (f"{body}\n\nLatest Headlines\nStorm closes ferry routes to the outer islands\nHarbour board approves "
            "dredging plan\nFishers protest new quota rules\n\nMore in Politics\nCouncil race draws record field")
    cleaned = clean_article(make_article(text))
    assert cleaned.text == body
    assert {span.rule for span in cleaned.removed} == {"link_list", "ui_line"}  # the label goes as a ui_line


def test_photo_credits_and_captions_on_their_own_lines_go():
    body = "Ferry workers in three ports walked out on Tuesday in a dispute over pay."
    for credit in ("Photo by Ines Marlow/UPI | License Photo", "| License Photo", "Mara Quill/Getty Images",
                   "Jon Reyes/AFP via Getty Images", "Image copyright Getty Images",
                   "Workers repair the north quay in Port Aldric, March 2, 2025. REUTERS/Jon Reyes",
                   "(Photo: Rhea Tamm | The Courier) The old ferry terminal in Brackenford on Jan. 18, 2017."):
        cleaned = clean_article(make_article(f"{body}\n\n{credit}\n\nTalks resume on Thursday, the union said."))
        assert paragraphs(cleaned) == [body, "Talks resume on Thursday, the union said."], credit
        assert {span.rule for span in cleaned.removed} <= {"photo_credit", "photo_caption"}, credit


@pytest.mark.parametrize("text, kept, rule", [
    ("Photo by Ines Marlow/UPI | License Photo Jan. 22 (UPI) -- The Norvane government will not send an envoy.",
     "Jan. 22 (UPI) -- The Norvane government will not send an envoy.", "photo_credit"),
    ('"We will not negotiate," Reyes said on the eve of the inauguration.Pool Photo by Teo Varga/UPI | License Photo',
     '"We will not negotiate," Reyes said on the eve of the inauguration.', "photo_credit"),
    ("Union leader Sami Kress (Photo: Jon Reyes/AFP via Getty Images) told a rally that pay had not risen.",
     "Union leader Sami Kress told a rally that pay had not risen.", "photo_credit"),
    ("He was charged last month. Share share tweet link a man has pleaded guilty to the charges.",
     "He was charged last month. a man has pleaded guilty to the charges.", "ui_line"),
    ("Charles sykes/getty in a dec. 31 blog post the star writes that she scheduled surgery.",
     "in a dec. 31 blog post the star writes that she scheduled surgery.", "photo_credit"),
    ("Image copyright getty images british mps are set to debate a petition later.",
     "british mps are set to debate a petition later.", "photo_credit"),
    ("Advertisement continue reading the main story one finding of the study was that produce had more phosphorus.",
     "one finding of the study was that produce had more phosphorus.", "ui_line"),
    ("Skip to navigation Sign in Subscribe Search The dredging of the north quay will begin in June.",
     "The dredging of the north quay will begin in June.", "section_links"),
    ("The ruling was a surprise. [ executions in the united states just fell to a 25-year low ] in a pair of "
     "rulings the court answered the question.",
     "The ruling was a surprise. in a pair of rulings the court answered the question.", "related_link"),
    ("Opponents demonstrating against an execution in 2014. ( matt mcclain/the washington post ) the supreme "
     "court said thursday that some prisoners may seek new sentences.",
     "the supreme court said thursday that some prisoners may seek new sentences.", "photo_caption"),
    ("The pizzeria reopened on Thursday. The restaurant was closed after their... ( associated press ) a "
     "northern indiana pizzeria opened to a full house of friends.",
     "The pizzeria reopened on Thursday. a northern indiana pizzeria opened to a full house of friends.",
     "photo_caption"),
    # captions by their form, cut even between two article sentences of a flattened page
    ("The union said the strike would go on until May. FILE - In this Dec. 12, 2012, file photo, ferries wait "
     "in Port Aldric. The harbour board will meet the union again on Friday, officials said.",
     "The union said the strike would go on until May. The harbour board will meet the union again on Friday, "
     "officials said.", "photo_caption"),
    ("the council met to vote on the ordinance. protesters gather outside the brackenford town hall during the "
     "council meeting, wednesday, may 28, 2014, in brackenford. The ordinance passed 11-6 after hours of debate.",
     "the council met to vote on the ordinance. The ordinance passed 11-6 after hours of debate.", "photo_caption"),
    ("In this undated photo provided by the family, Sami Kress stands on the quay. Kress was last seen on "
     "Monday evening near the ferry terminal, police said.",
     "Kress was last seen on Monday evening near the ferry terminal, police said.", "photo_caption"),
    ("View images a ferry crosses the bay at dusk, as seen from greyhollow. The new timetable starts on "
     "sunday, the operator said.", "The new timetable starts on sunday, the operator said.", "photo_caption"),
    ("Story highlights the ferry strike enters its third week talks resume on friday ( cnn ) ferry workers in "
     "three ports walked out again on tuesday.",
     "( cnn ) ferry workers in three ports walked out again on tuesday.", "link_list"),
    ("Getty images / ines marlow the old terminal in port aldric was closed on friday after a fire.",
     "the old terminal in port aldric was closed on friday after a fire.", "photo_credit"),
    ("Ap photo/jon reyes the broad quay in greyhollow \"we will rebuild it,\" the mayor said in a statement.",
     "the broad quay in greyhollow \"we will rebuild it,\" the mayor said in a statement.", "photo_credit"),
])
def test_furniture_glued_to_a_sentence_is_cut_and_the_sentence_kept(text, kept, rule):
    cleaned = clean_article(make_article(text))
    assert cleaned.text == kept
    assert [span.rule for span in cleaned.removed] == [rule]
    assert_audit_consistent(cleaned)


def test_glued_furniture_is_only_cut_when_a_sentence_is_left():
    for text in ("Share share tweet link the end.", "Photo by X/UPI | License Photo Jan."):
        cleaned = clean_article(make_article(f"The ferry left port on Monday morning for the outer islands.\n\n{text}"))
        assert all(span.rule not in ("ui_line", "photo_credit") or span.text == text for span in cleaned.removed)


def test_a_comment_thread_longer_than_the_article_is_removed_whole():
    article = (
        "The harbour board approved the new ferry timetable on Monday after a year of complaints from "
        "islanders about missed connections and cancelled evening crossings."
    )
    comments = "".join(
        f"  • Reader {n}\n\n    I have waited for this timetable for years and I still do not believe the "
        f"evening ferry will ever run on time, whatever the board says.\n\n    Reply\n\n"
        for n in range(6)
    )
    cleaned = clean_article(make_article(f"{article}\n\n5 comments\n\n{comments}"))
    assert cleaned.text == article
    assert {span.rule for span in cleaned.removed} == {"comment_count", "comment_thread", "ui_line"}
    assert_audit_consistent(cleaned)


def test_bullet_lists_in_the_article_are_not_comments():
    text = (
        "The agreement has three parts:\n\n"
        "• A ceasefire from Friday.\n\n"
        "• Aid convoys to the besieged towns.\n\n"
        "• Talks on a new constitution in Geneva."
    )
    cleaned = clean_article(make_article(text))
    assert cleaned.removed == ()
    assert len(paragraphs(cleaned)) == 4


def test_a_headline_with_deck_repeated_in_the_body_is_removed():
    text = "Storm closes ports: ferries to resume on Thursday\n\nAll ferries were cancelled on Tuesday."
    cleaned = clean_article(make_article(text, "Storm closes ports"))
    assert [s.rule for s in cleaned.removed] == ["repeated_headline"]
    assert cleaned.text == "All ferries were cancelled on Tuesday."


def test_an_empty_or_all_boilerplate_article_gives_empty_text():
    assert clean_article(make_article("")).text == ""
    cleaned = clean_article(make_article("Advertisement\n\nShare\n\n3 comments"))
    assert cleaned.text == "" and len(cleaned.removed) == 3


def test_rules_table_is_documented():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert re.fullmatch(r"[a-z_]+", rule.name) and len(rule.description) > 20
        assert rule.where in ("anywhere", "tail", "head", "thread")
        assert (rule.pattern is None) == (rule.where in ("head", "thread"))


# --- properties on arbitrary text ------------------------------------------------------------------

_PIECES = [
    "Advertisement", "Share", "  • Bianca", "    It really is of no consequence, in fact.", "3 comments", "Reply",
    "REUTERS/Yuri Gripas", "Follow Russ Read on Twitter", "Updated 3:45 p.m.", "Author: Jason Ditz",
    "Jason Ditz is news editor of", "syrian peace talks", "A headline", "A headline | a deck",
    "Copyright 2025 X. All rights reserved.", "Photo: A / B", "The talks began on Monday in Astana.",
    "Kerry said that both countries have arrived at some clarity.", "• one", "“Quote,” he said.", "By Friday",
    "Like", "Updated 9:40 a.m. by x",
    "We use cookies. By continuing you agree to our cookie policy.", "Disclaimer: fiction.", "opinion",
    "Get breaking news alerts. The talks began on Monday. Let us know in the comments.", "Learn more",
    "Most read", "- Ferry fares to rise in April", "Image caption, Boats in the harbour", "1 of 12", "5 min read",
    "Home / News / World", "Photo by X Y/UPI | License Photo", "Share share tweet link", "charles sykes/getty",
    "An official website of the X government", "(Photo: A/B)", "News Sport Weather Sounds", "Latest Headlines",
]
_LINES = st.builds(
    lambda indent, line: indent + line,
    st.sampled_from(["", "", "  ", "    ", "\t", "• "]),
    st.one_of(st.sampled_from(_PIECES), st.text(max_size=40)),
)
_SEPARATORS = st.sampled_from(["\n", "\n\n", "\n \n", "\n\n\n", " ", "\r\n\r\n", "\t\n"])


@st.composite
def article_texts(draw) -> str:
    lines = draw(st.lists(_LINES, max_size=12))
    out = ""
    for line in lines:
        out += line + draw(_SEPARATORS)
    return out


# 300 examples keep CI fast; set HYPOTHESIS_MAX_EXAMPLES=20000 for a deeper local run (passes, ~30 s).
@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", 300)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=st.one_of(article_texts(), st.text()), title=st.sampled_from(["A headline", "Share", "", "x"]))
def test_property_audit_accounts_for_the_input_and_cleaning_is_idempotent(text, title):
    cleaned = clean_article(make_article(text, title))
    assert_audit_consistent(cleaned)
    again = clean_article(make_article(cleaned.text, cleaned.headline))
    assert again.removed == ()
    assert again.text == cleaned.text


# --- the example pile stays as its README describes it ---------------------------------------------


def test_example_pile_is_small_fictional_and_documented():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    files = [p for p in EXAMPLES.iterdir() if p.name != "README.md"]
    assert sum(p.stat().st_size for p in EXAMPLES.iterdir()) < 40_000
    assert {p.suffix for p in files} == {".txt", ".html", ".jsonl"}
    for path in files:
        assert f"`{path.name}`" in readme, f"{path.name} is not listed in examples/README.md"
        assert path.read_text(encoding="utf-8").count("fictional") >= 1, f"{path.name} does not say it is fictional"
    records = [json.loads(line) for line in (EXAMPLES / "island-news.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["outlet"] for r in records] == ["Norvane Herald", "Meridian Post"]
    assert all(r["published"] and r["title"] and r["text"] for r in records)


def test_example_pile_contains_the_facts_its_readme_promises():
    text = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLES.iterdir()}
    dateline = "PORT ALDRIC, Norvane Islands, March 4, 2025 (IWS) —"
    assert dateline in text["port-aldric-daily.txt"] and dateline in text["coastline-times.html"]
    herald, meridian = (json.loads(line)["text"] for line in text["island-news.jsonl"].splitlines())
    assert "will sign its agreement with Calloway Maritime Group" in herald and "on Friday" in herald
    assert "did not sign its harbour agreement" in meridian and "will not sign until" in meridian
    assert "could slip by a few days" in text["norvane-herald-reef.html"]
    brenn = "Our boats were here before any dredger, and they will be here after"
    assert sum(brenn in t for t in text.values()) == 3
    assert "Sunday, March 9, 2025" in text["brackenford-courier.txt"]
    assert all(word in text["saltwind-review.txt"] for word in ("cronies", "shameless", "reckless"))


def test_a_long_run_of_archive_dates_is_cleaned_without_catastrophic_backtracking():
    """A scraped archive list ("december, 2015 november, 2015 ...") once took the date-stamp pattern
    hours (digits could be split into tokens in exponentially many ways). Run apart so a regression
    fails here instead of hanging the suite."""
    import subprocess
    import sys

    months = "december november october september august july june may april march february january".split()
    archive = " ".join(f"{month}, 2015" for month in months)
    code = ("import sys; from storyline.clean import clean_article; from storyline.models import Article; "
            "text = sys.stdin.read(); print(clean_article(Article('x', '', text, 'o', 's')).text)")
    text = f"{archive} the harbour board met on monday and approved the dredging plan for the north quay."
    result = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "approved the dredging plan" in result.stdout
