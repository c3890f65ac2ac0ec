"""Shared fixtures. Tests that need ../shared/data skip with a clear reason when it is absent."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", REPO.parent / "shared" / "data"))
EXAMPLES = REPO / "examples"


@contextmanager
def local_http_server(handler) -> Iterator[tuple[str, ThreadingHTTPServer]]:
    """A real HTTP server on 127.0.0.1 (free port) in a thread; ``server.requests`` logs the paths asked."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


# The fast lane, `pytest -m "not models"`: the tests that need no language or embedding model. A test
# needs them when it asks for the analyzer (directly or through another fixture) or carries the mark.
MODEL_FIXTURES = frozenset({"analyzer"})


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if MODEL_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.models)


def pytest_configure(config) -> None:
    if "not models" in (config.option.markexpr or ""):
        _refuse_models()


def _refuse_models() -> None:
    """In the fast lane a model that loads is a test missing its mark: fail it, with what to do."""
    from storyline.analyze import embedders, parsers, recognizers

    def refuse(**_options):
        raise RuntimeError("this test loads a model: mark it @pytest.mark.models (or ask for the analyzer fixture)")

    for registry in (embedders, recognizers, parsers):
        for name in registry.names():
            registry.register(name)(refuse)


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test when it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared evaluation data is not on this machine)")
    return path


def run_train_command(model: str, out: Path, features, format_version: int, limit: int, rounds: int):
    """``storyline train MODEL --limit L --rounds R`` on Multi-News train3000 as a user runs it, into ``out``;
    checks that the card and the model it wrote match ``features``, and returns (stdout, card, model)."""
    import json
    import subprocess
    import sys

    from storyline.learned import load_model

    train = shared_path("multinews_train3000")
    result = subprocess.run([sys.executable, "-m", "storyline", "train", model, str(train), "--limit", str(limit),
                             "--rounds", str(rounds), "--out", str(out)], capture_output=True, text=True, cwd=REPO, timeout=1200)
    assert result.returncode == 0, result.stderr
    assert "trained in" in result.stdout
    card = json.loads((out / f"{model}.card.json").read_text())
    assert card["features"] == list(features) and card["settings"]["rounds"] == rounds
    assert f"--limit {limit}" in card["command"]
    loaded = load_model(model, features=features, format_version=format_version, directory=out)
    assert loaded.booster.num_trees() == rounds
    return result.stdout, card, loaded


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return shared_path("seeds")


@pytest.fixture(scope="session")
def analyzer():
    """The real default analyzer (MiniLM + spaCy + pysbd), loaded once per test session."""
    from storyline.analyze import default_analyzer

    return default_analyzer()


@pytest.fixture(scope="session")
def seed_articles(seeds_dir, analyzer):
    """The five seed articles, ingested, cleaned and analyzed."""
    from storyline.analyze import analyze_articles
    from storyline.clean import clean_article
    from storyline.sources.route import read_inputs

    result = read_inputs([seeds_dir])
    assert not result.errors
    return analyze_articles([clean_article(a) for a in result.articles], analyzer)


@pytest.fixture(scope="session")
def make_articles(analyzer):
    """Build analyzed articles from texts written in a test: make_articles([(outlet, text, published), ...])."""
    from datetime import datetime

    from storyline.analyze import analyze_articles
    from storyline.clean import clean_article
    from storyline.sources.article import article_id
    from storyline.models import Article

    def make(items):
        articles = []
        for item in items:
            outlet, text = item[0], item[1]
            published = item[2] if len(item) > 2 else None
            if isinstance(published, str):
                published = datetime.fromisoformat(published)
            title = f"A test article from {outlet}"  # not the first line, which the cleaner would drop
            articles.append(
                Article(article_id(outlet, title, text), title, text, outlet, f"test:{outlet}", published=published)
            )
        return analyze_articles([clean_article(a) for a in articles], analyzer)

    return make
