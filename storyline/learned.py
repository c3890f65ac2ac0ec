"""Models learned from open data that ship inside the package, each with its model card.

A judgement that hand-set weights could not make well (which sentences carry a story, whether two
articles tell one story) is learned by ``storyline train NAME ...`` (see :mod:`storyline.train`) from
features the stage computes itself, so training and use share one feature function. What ships per
model, in ``storyline/data/``:

* ``NAME.lgb.txt``: a LightGBM model in LightGBM's own text format (no pickle: loading it runs no code);
* ``NAME.card.json``: the model card, i.e. what it was trained on and when, its features in order, its
  settings, its scores and how long training took; ``NAME.card.md`` is the same card for people.

A model file that is missing, or whose features do not match the code's, is one clear error naming the
command that makes a new one; it is never silently replaced by another method. ``$STORYLINE_MODEL_DIR``
points at a folder of retrained models (what ``storyline train NAME --out DIR`` wrote) to use instead; a
model that folder does not hold is the shipped one.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from storyline.errors import ConfigError

MODEL_DIR = Path(__file__).with_name("data")  # the models shipped in the package


def model_directory(name: str) -> Path:
    """Where model ``name`` is loaded from: ``$STORYLINE_MODEL_DIR`` if set and it holds that model (its
    file or its card: a broken one there is an error, not a reason to use another), else the package's own.
    One folder can so hold a retrained salience model while the shipped links model stays in use."""
    override = os.environ.get("STORYLINE_MODEL_DIR")
    if override and any((Path(override) / f"{name}{suffix}").exists() for suffix in (".lgb.txt", ".card.json")):
        return Path(override)
    return MODEL_DIR


@dataclass
class ModelCard:
    name: str
    format_version: int  # raised whenever the features or their meaning change
    features: list[str]  # in the order of the model's columns
    objective: str
    trained_on: str  # the data set, and which part of it
    trained_at: str  # ISO date
    command: str  # the command that reproduces the model
    settings: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)  # measured on held-out training clusters
    training_seconds: float = 0.0
    notes: str = ""

    def to_markdown(self) -> str:
        lines = [f"# Model card: {self.name}", "", self.notes, "",
                 f"- objective: {self.objective}",
                 f"- trained on: {self.trained_on}",
                 f"- trained: {self.trained_at}, in {self.training_seconds:.0f} s",
                 f"- reproduce: `{self.command}`",
                 f"- format version: {self.format_version}", "", "## Features (model columns, in order)", ""]
        lines += [f"{i}. `{name}`" for i, name in enumerate(self.features)]
        lines += ["", "## Settings", "", "```json", json.dumps(self.settings, indent=2, sort_keys=True), "```",
                  "", "## Scores (held-out training clusters)", "", "```json",
                  json.dumps(self.scores, indent=2, sort_keys=True), "```", ""]
        return "\n".join(lines)


class LearnedModel:
    """A shipped model and its card; ``predict`` takes rows of the card's features."""

    def __init__(self, booster, card: ModelCard):
        self.booster = booster
        self.card = card
        self._lock = threading.Lock()  # a LightGBM Booster is not safe to call from two threads at once

    def predict(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        with self._lock:
            # One thread: callers run inside a worker pool or a web server already (no oversubscription).
            return self.booster.predict(np.asarray(rows, dtype=np.float64), num_threads=1)


def model_paths(name: str, directory: Path | None = None) -> tuple[Path, Path, Path]:
    directory = directory or model_directory(name)
    return directory / f"{name}.lgb.txt", directory / f"{name}.card.json", directory / f"{name}.card.md"


_loaded: dict[tuple[str, str], LearnedModel] = {}
_loading = threading.Lock()


def load_model(name: str, *, features: Sequence[str], format_version: int, directory: Path | None = None) -> LearnedModel:
    """The shipped model ``name``, checked against the features the code computes (loaded once)."""
    model_file, card_file, _ = model_paths(name, directory)
    key = (name, str(model_file))
    with _loading:
        if key in _loaded:
            return _loaded[key]
        remake = f"make one with `storyline train {name} ../shared/data/multinews_train3000 --out {model_file.parent}`"
        if not model_file.is_file() or not card_file.is_file():
            raise ConfigError(f"the learned {name} model is missing", input=str(model_file), fix=remake)
        try:
            card = ModelCard(**json.loads(card_file.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"the {name} model card cannot be read ({exc})", input=str(card_file), fix=remake) from None
        if card.format_version != format_version or list(card.features) != list(features):
            raise ConfigError(
                f"the {name} model was trained for other features (format {card.format_version}, this code "
                f"needs {format_version})", input=str(model_file), fix=remake)
        import lightgbm

        text = model_file.read_text(encoding="utf-8", errors="replace")
        if not text.startswith("tree\n"):  # LightGBM's own parser would print its failure to stderr first
            raise ConfigError(f"the {name} model file is not a LightGBM model", input=str(model_file), fix=remake)
        try:
            booster = lightgbm.Booster(model_str=text)
        except lightgbm.basic.LightGBMError as exc:
            raise ConfigError(f"the {name} model file cannot be read ({exc})", input=str(model_file), fix=remake) from None
        if booster.num_feature() != len(features):
            raise ConfigError(f"the {name} model has {booster.num_feature()} features, its card {len(features)}",
                              input=str(model_file), fix=remake)
        _loaded[key] = LearnedModel(booster, card)
        return _loaded[key]


def save_model(booster, card: ModelCard, directory: Path) -> list[Path]:
    """Write the model, its card as JSON and as Markdown; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    model_file, card_file, card_markdown = model_paths(card.name, directory)
    booster.save_model(str(model_file))
    card_file.write_text(json.dumps(asdict(card), indent=2) + "\n", encoding="utf-8")
    card_markdown.write_text(card.to_markdown(), encoding="utf-8")
    with _loading:  # a model loaded earlier in this process is stale now
        _loaded.pop((card.name, str(model_file)), None)
    return [model_file, card_file, card_markdown]
