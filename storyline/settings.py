"""One configuration that reaches every registry.

Each setting is taken from the first of these that gives it, and remembers where it came from
(``storyline config`` shows both):

1. the command line (``--summarizer``, ``--clusterer``, ``--embedder``, ``--words``, ``--db``);
2. the environment (``$STORYLINE_SUMMARIZER``, ``$STORYLINE_CLUSTERER``, ``$STORYLINE_EMBEDDER``,
   ``$STORYLINE_WORDS``, ``$STORYLINE_DB``);
3. a TOML file: ``--config FILE`` (or ``$STORYLINE_CONFIG``), else ``storyline.toml`` beside the store;
4. the defaults.

A store keeps the clusterer and the embedder it was first given (:func:`store_choice`): its stories and
its analyses were made by them. What shapes a briefing besides its articles, the settings and the code
and models that run, is one key (:func:`briefing_fingerprint`): a saved briefing is shown again only
under the same key, so changed settings or code give a new version, never stale text.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from storyline.analyze import DEFAULT_EMBEDDER, LazyAnalyzer, analyzer_key
from storyline.brief import DEFAULT_WORDS
from storyline.errors import ConfigError
from storyline.store import DEFAULT_DB
from storyline.summarizers import DEFAULT_SUMMARIZER

if TYPE_CHECKING:
    from storyline.analyze import Analyzer
    from storyline.registry import Registry
    from storyline.store import Store

CONFIG_FILE_NAME = "storyline.toml"
MIN_WORDS = 10  # a shorter budget holds no sentence worth showing


@dataclass(frozen=True)
class Settings:
    """The settings in effect; ``origin`` says where each came from."""

    db: Path = DEFAULT_DB
    summarizer: str = DEFAULT_SUMMARIZER
    # None: the store's own (the one it was first given), or the default clusterer for a new store.
    clusterer: str | None = None
    embedder: str = DEFAULT_EMBEDDER
    words: int = DEFAULT_WORDS
    origin: Mapping[str, str] = field(default_factory=dict, compare=False)

    def analyzer(self) -> "Analyzer":
        """The analyzer these settings name, loaded at its first use (the default one once per process)."""
        return LazyAnalyzer(self.embedder)


# setting -> (environment variable, type); the TOML file takes the same names.
_SETTINGS = {
    "db": ("STORYLINE_DB", lambda value: Path(value).expanduser()),
    "summarizer": ("STORYLINE_SUMMARIZER", str),
    "clusterer": ("STORYLINE_CLUSTERER", str),
    "embedder": ("STORYLINE_EMBEDDER", str),
    "words": ("STORYLINE_WORDS", int),
}


def load_settings(options: Mapping[str, Any] | None = None, *, config: str | Path | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from the command line's ``options`` (None values are not given), the environment,
    the config file and the defaults, in that order; every name is checked against its registry."""
    environ = os.environ if environ is None else environ
    options = {name: value for name, value in (options or {}).items() if value is not None}
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}

    def take(name: str, value: Any, where: str, kind: type) -> None:
        if name in values:
            return
        try:
            if kind is int and isinstance(value, bool) or kind is not int and not isinstance(value, (str, Path)):
                raise TypeError(value)  # TOML's true is not a word count, nor 3 a summarizer
            values[name] = kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be {'a whole number' if kind is int else 'a string'}, not {value!r}",
                              input=where) from None
        origin[name] = where

    for name, value in options.items():
        take(name, value, f"--{name}", _SETTINGS[name][1])
    for name, (variable, kind) in _SETTINGS.items():
        if environ.get(variable):
            take(name, environ[variable], f"${variable}", kind)
    config_path, config_origin = _config_path(config, environ, values.get("db"))
    if config_path is not None:
        for name, value in _read_config(config_path, chosen=config_origin != "beside the store").items():
            take(name, value, str(config_path), _SETTINGS[name][1])
    if "db" in values and origin["db"] == str(config_path):
        values["db"] = config_path.parent / values["db"]  # a store named in a config file is beside it
    settings = replace(Settings(), **values, origin=origin)
    return _checked(settings)


def _config_path(config: str | Path | None, environ: Mapping[str, str], db: str | None) -> tuple[Path | None, str]:
    if config is not None:
        return Path(config), "--config"
    if environ.get("STORYLINE_CONFIG"):
        return Path(environ["STORYLINE_CONFIG"]), "$STORYLINE_CONFIG"
    store = Path(db) if db else DEFAULT_DB
    beside = store.parent / CONFIG_FILE_NAME
    return (beside, "beside the store") if beside.is_file() else (None, "")


def _read_config(path: Path, *, chosen: bool) -> dict[str, Any]:
    """The settings a TOML file gives. A file named by --config or $STORYLINE_CONFIG must exist; only such a
    file may name the store (the one found beside a store cannot move it)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("no such config file", input=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the config file ({getattr(exc, 'strerror', None) or exc})",
                          input=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc})", input=str(path)) from None
    allowed = set(_SETTINGS) if chosen else set(_SETTINGS) - {"db"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}", input=str(path),
                          fix=f"the settings are: {', '.join(sorted(allowed))}")
    return data


def _checked(settings: Settings) -> Settings:
    """Every name against its registry and the word budget against its floor, at start: never mid-run."""
    from storyline.analyze import embedders
    from storyline.cluster import clusterers
    from storyline.summarizers import summarizers

    where = settings.origin.get
    for name, registry in (("summarizer", summarizers), ("embedder", embedders), ("clusterer", clusterers)):
        value = getattr(settings, name)
        try:
            if value is not None:
                registry.check(value)
        except ConfigError as exc:
            raise ConfigError(str(exc), input=where(name, "default"), fix=exc.fix) from None
    if settings.words < MIN_WORDS:
        raise ConfigError(f"words {settings.words} is too small", input=where("words", "default"),
                          fix=f"give at least {MIN_WORDS}")
    return settings


def store_choice(store: "Store", name: str, requested: str | None, default: str, registry: "Registry",
                 *, in_use: bool, record: bool = True, contents: str = "contents") -> str:
    """The ``name`` (clusterer, embedder) that made this store's contents: the one it was first given
    (recorded in the store), else ``requested`` or ``default``, recorded now. Another one for a store whose
    contents it made (``in_use``) is one clear error before anything is stored: stories made by two methods,
    or embeddings of two models, are not comparable, and ``doctor --repair`` could not rebuild them.
    ``record=False``: a reader of the store (read-only), which takes the choice without writing it;
    ``contents``: what the error says was made ("stories", "analyses")."""
    recorded = store.setting(name)
    if recorded is None and in_use:
        recorded = default  # contents made before the choice was recorded were made by the default
    if requested is not None and recorded not in (None, registry.check(requested)):
        if in_use:
            raise ConfigError(f"this store's {contents} are made by the '{recorded}' {name}, not '{requested}'",
                              input=str(store.path), fix=f"use --{name} {recorded}, or another store (--db)")
        recorded = None  # nothing made by it yet: the store takes the new choice
    recorded = recorded or requested or default
    if record and store.setting(name) != recorded:
        store.set_setting(name, recorded)
    return recorded


def shown_settings(settings: Settings) -> list[dict]:
    """Each setting in effect, its value and where it comes from, as ``storyline config`` shows them: the
    store's own clusterer and embedder are read from it (never created), and each shipped model with its card."""
    from storyline.cluster import DEFAULT_CLUSTERER
    from storyline.learned import MODEL_DIR, model_directory, model_paths
    from storyline.store import Store

    origin = dict(settings.origin)
    shown = [{"name": "store", "value": str(settings.db),
              "from": origin.get("db", "default") + ("" if settings.db.exists() else " (not created yet)")}]
    recorded = {}
    if settings.db.exists():
        with Store(settings.db) as store:
            recorded = {name: store.setting(name) for name in ("clusterer", "embedder")}
    for name, default in (("clusterer", DEFAULT_CLUSTERER), ("embedder", DEFAULT_EMBEDDER)):
        given = getattr(settings, name)
        if recorded.get(name):
            shown.append({"name": name, "value": recorded[name], "from": "recorded in the store"})
        else:
            shown.append({"name": name, "value": given or default,
                          "from": origin.get(name, f"default (ingest --{name})")})
    for name in ("summarizer", "words"):
        shown.append({"name": name, "value": getattr(settings, name),
                      "from": origin.get(name, f"default (brief/serve --{name})")})
    for name in ("salience", "links", "timeline"):
        directory = model_directory(name)
        model_file, card_file, _ = model_paths(name, directory)
        try:
            card = json.loads(card_file.read_text(encoding="utf-8"))
            value = f"{model_file} (trained {card['trained_at']} on {card['trained_on'].split(':')[0]})"
        except (OSError, ValueError, KeyError):
            value = f"{model_file} (no readable card)"
        shown.append({"name": f"{name} model", "value": value,
                      "from": "shipped" if directory == MODEL_DIR else "$STORYLINE_MODEL_DIR"})
    return shown


# What shapes a briefing besides its articles: the code of the stages it runs (everything but the
# benchmarks, the trainers and the interfaces: CLI, web app) and the models shipped with them, and the libraries whose
# models analyze the text. A new release, a retrained model or an edited rule is a new fingerprint.
_BRIEFING_CODE_EXCLUDED = ("bench", "train", "static", "templates")
_BRIEFING_LIBRARIES = ("spacy", "en_core_web_sm", "sentence-transformers", "pysbd", "lightgbm")


@functools.cache
def _code_fingerprint() -> str:
    from importlib import metadata

    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if (path.is_file() and relative.parts[0] not in _BRIEFING_CODE_EXCLUDED
                and (path.suffix == ".py" or relative.parts[0] == "data")
                and relative.name not in ("cli.py", "web.py")):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    for name in _BRIEFING_LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


def briefing_fingerprint(words: int = DEFAULT_WORDS, summarizer: str = DEFAULT_SUMMARIZER, deep: bool = True,
                         analyzed_with: str | None = None) -> str:
    """The settings a briefing is made with (word budget, summarizer, depth, the analyzer key behind its
    sentences and embeddings: default analyzer's if None), and the code and models that make it, as one key."""
    made_with = json.dumps({"words": words, "summarizer": summarizer, "deep": deep,
                            "analyzer": analyzed_with or analyzer_key()}, sort_keys=True)
    return hashlib.blake2b((made_with + _code_fingerprint()).encode(), digest_size=8).hexdigest()


SETTING_NAMES = tuple(f.name for f in fields(Settings) if f.name != "origin")
