"""Remove boilerplate from article text by named, documented rules, keeping an audit.

(Placeholder: no rules yet. ``clean_article`` is the stage's public function.)
"""

from __future__ import annotations

import re

from storyline.models import Article, CleanedArticle


def clean_article(article: Article) -> CleanedArticle:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", article.text) if p.strip()]
    return CleanedArticle(article, "\n\n".join(paragraphs), ())
