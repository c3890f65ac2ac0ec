"""The ``storyline`` command: a thin layer over the Python API.

Exit status (all commands):
  0  success;
  1  the command finished, but some inputs were skipped (each got one error line on stderr);
  2  usage error, or nothing could be done (no readable input, bad option, store problem).
Only this module prints; errors caused by the user's input are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import sys
from pathlib import Path

from storyline import __version__
from storyline.errors import ConfigError, StorylineError
from storyline.markdown import plural

EXIT_OK, EXIT_PARTIAL, EXIT_FAILED = 0, 1, 2

log = logging.getLogger("storyline")


def parse_field_map(pairs: list[str] | None) -> dict[str, str]:
    """``--field text=body --field published=date`` -> {"text": "body", "published": "date"}."""
    mapping = {}
    for pair in pairs or []:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours or not theirs:
            raise ConfigError(f"--field '{pair}' is not of the form OURS=THEIRS", fix="e.g. --field text=body")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def write_output(text: str, output: str | None) -> None:
    if output and output != "-":
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:  # a directory, a missing folder, no permission, a full disk
            raise ConfigError(f"cannot write the output ({exc.strerror or exc})", input=output,
                              fix="give a writable file path with -o") from None
        log.info("wrote %s", output)
    else:
        sys.stdout.write(text)


def report_input_errors(errors) -> None:
    """One line per skipped input, naming it and the problem."""
    for error in errors:
        print(f"storyline: error: {error.one_line()}", file=sys.stderr)


# --- brief ----------------------------------------------------------------------------------------


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="FILE", help="the store (default: $STORYLINE_DB or ~/.local/share/storyline/storyline.db)")
    parser.add_argument("--config", metavar="FILE",
                        help="a storyline.toml of settings (default: $STORYLINE_CONFIG, else storyline.toml beside the store)")


def settings_of(args: argparse.Namespace):
    """The settings in effect for this command: its options, then the environment, the config file and the
    defaults (:mod:`storyline.settings`), read once."""
    from storyline.settings import SETTING_NAMES, load_settings

    if getattr(args, "settings", None) is None:
        args.settings = load_settings({name: getattr(args, name, None) for name in SETTING_NAMES},
                                      config=getattr(args, "config", None))
    return args.settings


def add_fetch_policy_argument(parser: argparse.ArgumentParser, who: str = "fetch") -> None:
    parser.add_argument("--allow-private-urls", action="store_true",
                        help=f"{who} URLs on private, loopback, link-local and other non-public addresses "
                             "(refused by default, redirects and feed entries included)")


def fetch_policy(args: argparse.Namespace):
    """The one address policy every fetch of this command receives (``--allow-private-urls``)."""
    from storyline.sources.fetch import ALLOW_PRIVATE, PUBLIC_ONLY

    return ALLOW_PRIVATE if args.allow_private_urls else PUBLIC_ONLY


def open_store(args: argparse.Namespace):
    from storyline.store import Store

    return Store(settings_of(args).db)


def add_summarizer_argument(parser: argparse.ArgumentParser) -> None:
    from storyline.summarizers import DEFAULT_SUMMARIZER, summarizers

    parser.add_argument("--summarizer", choices=summarizers.names(), default=None, metavar="NAME",
                        help=f"how the summary's sentences are chosen: {', '.join(summarizers.names())} "
                             f"(default {DEFAULT_SUMMARIZER})")
    parser.add_argument("--words", type=int, default=None, help="summary length in words (default 150)")


def add_embedder_argument(parser: argparse.ArgumentParser) -> None:
    from storyline.analyze import DEFAULT_EMBEDDER, embedders

    parser.add_argument("--embedder", choices=embedders.names(), default=None, metavar="NAME",
                        help=f"the sentence embeddings: {', '.join(embedders.names())} (default {DEFAULT_EMBEDDER}; "
                             "a store keeps the one it was first given)")


def store_embedder(args: argparse.Namespace, store) -> str:
    """The embedder of this store's analyses: the one it was first given (an --embedder that differs from
    it is one clear error)."""
    from storyline.analyze import DEFAULT_EMBEDDER, embedders
    from storyline.settings import store_choice

    settings = settings_of(args)
    requested = settings.embedder if "embedder" in settings.origin else None
    return store_choice(store, "embedder", requested, DEFAULT_EMBEDDER, embedders, in_use=bool(store.count_articles()),
                        contents="analyses")


def store_analyzer(args: argparse.Namespace, store):
    from storyline.analyze import LazyAnalyzer

    return LazyAnalyzer(store_embedder(args, store))


def add_clusterer_argument(parser: argparse.ArgumentParser) -> None:
    from storyline.cluster import DEFAULT_CLUSTERER, clusterers

    parser.add_argument("--clusterer", choices=clusterers.names(), default=None, metavar="NAME",
                        help=f"how articles are grouped into stories: {', '.join(clusterers.names())} (a new store: "
                             f"{DEFAULT_CLUSTERER}, the learned links; 'link' is the hand-set weights). A store keeps "
                             "the one it was first given")


def add_brief_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories of articles")
    parser.add_argument("--story", metavar="ID", help="brief a story from the store instead (see `storyline stories`)")
    parser.add_argument("--since", metavar="DATE|VERSION", help="with --story: what is new since a date or briefing version")
    add_db_argument(parser)
    parser.add_argument("--format", choices=("md", "json", "html"), default="md", help="output format")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--field", action="append", metavar="OURS=THEIRS", help="map a JSONL/CSV column, e.g. text=body"
    )
    parser.add_argument("--no-deep", action="store_true", help="summary and sources only (faster)")
    add_summarizer_argument(parser)
    add_embedder_argument(parser)
    parser.add_argument("--whole-pile", action="store_true",
                        help="brief every article as one story (default: a pile of several stories briefs the biggest)")


def run_brief(args: argparse.Namespace) -> int:
    from storyline.pipeline import NoArticlesError, brief_paths
    from storyline.render import render

    settings = settings_of(args)
    if args.story:
        return run_brief_story(args)
    if args.since:
        raise ConfigError("--since needs --story", fix="storyline brief --story ID --since DATE|VERSION")
    if not args.paths:
        raise ConfigError("no input given", fix="storyline brief PATH... (files or directories of articles)")
    try:
        with progress_bar() as bar:
            run = brief_paths(args.paths, words=settings.words, fields=parse_field_map(args.field), deep=not args.no_deep,
                              on_analyzed=bar.update, whole_pile=args.whole_pile, summarizer=settings.summarizer,
                              analyzer=settings.analyzer())
    except NoArticlesError as exc:
        report_input_errors(exc.errors)  # why each input gave nothing, before the summing-up line
        raise
    report_input_errors(run.errors)
    if run.other_stories:
        others = "; ".join(f"“{headline}” ({plural(n, 'article')})" for headline, n in run.other_stories)
        print(f"storyline: note: the pile holds {len(run.other_stories) + 1} stories; this briefs the biggest "
              f"({plural(len(run.briefing.sources), 'article')}). Not briefed: {others}. Brief them with `storyline ingest` "
              "and `storyline brief --story ID`, or all as one with --whole-pile.", file=sys.stderr)
    write_output(render(run.briefing, args.format), args.output)
    return EXIT_PARTIAL if run.errors else EXIT_OK


def run_brief_story(args: argparse.Namespace) -> int:
    from storyline.changes import changes_since, parse_since, render_changes
    from storyline.pipeline import brief_story
    from storyline.render import briefing_to_dict, render

    if args.paths:
        raise ConfigError("give either PATH... or --story, not both")
    settings = settings_of(args)
    with open_store(args) as store:
        briefing = brief_story(store, args.story, words=settings.words, deep=not args.no_deep,
                               summarizer=settings.summarizer, analyzer=store_analyzer(args, store))
        if args.since:
            version, at = parse_since(args.since)
            old = store.briefing_version(briefing.story_id, version=version, at=at)
            if old is None:
                raise ConfigError(f"story {briefing.story_id} has no briefing at or before {args.since}",
                                  fix="give an earlier version number or a later date")
            changes = changes_since(old, briefing_to_dict(briefing))
            write_output(render_changes(changes, args.format), args.output)
            return EXIT_OK
    write_output(render(briefing, args.format), args.output)
    return EXIT_OK


# --- ingest, stories ------------------------------------------------------------------------------


def add_ingest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="PATH|URL|FEED",
                        help="files, directories, dumps, page URLs or RSS/Atom feeds (.xml/.rss/.atom, /feed)")
    parser.add_argument("--feed", action="store_true", help="treat every URL as a feed")
    parser.add_argument("--field", action="append", metavar="OURS=THEIRS", help="map a JSONL/CSV column, e.g. text=body")
    add_db_argument(parser)
    add_fetch_policy_argument(parser)
    parser.add_argument("--executor", choices=("local", "dask"), default="local",
                        help="where reading and analysis run: in this process (default), or on Dask "
                             "(files and dumps only; needs storyline[scale])")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --executor dask: a running Dask scheduler, tcp://HOST:PORT "
                             "(default: a local cluster of 2 worker processes)")
    parser.add_argument("--partition-size", type=int, default=None, metavar="N",
                        help="with --executor dask: files or dump rows per task (default 64)")
    add_clusterer_argument(parser)
    add_embedder_argument(parser)


def progress_bar(total: int | None = None, unit: str = "article"):
    """A progress bar on a terminal, nothing when stderr is piped."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, disable=not sys.stderr.isatty(), file=sys.stderr, leave=False)


def report_counts(report) -> str:
    """"3 new, 1 already stored, 1 error; 2 stories touched" for ingest and each watch poll."""
    return (f"{report.new} new, {report.already_stored} already stored, {plural(len(report.errors), 'error')}; "
            f"{plural(len(report.stories_touched), 'story', 'stories')} touched")


def report_ingest(report, total: int, path) -> int:
    """The summing-up line; exit 1 when some inputs were skipped, 2 when nothing could be read at all."""
    print(f"{report_counts(report)}; {plural(total, 'article')} in {path}", file=sys.stderr)
    if report.errors and not (report.new or report.already_stored):
        return EXIT_FAILED
    return EXIT_PARTIAL if report.errors else EXIT_OK


def run_ingest(args: argparse.Namespace) -> int:
    from storyline.ingest import ingest_into_store
    from storyline.sources.route import iter_sources

    fields = parse_field_map(args.field)
    if args.executor == "dask":
        return run_ingest_dask(args, fields)
    if args.scheduler or args.partition_size is not None:
        raise ConfigError("--scheduler and --partition-size need --executor dask")
    with open_store(args) as store, progress_bar() as bar:
        report = ingest_into_store(
            iter_sources(args.inputs, store, fields=fields, feeds=args.feed, policy=fetch_policy(args)),
            store,
            on_error=lambda error: bar.write(f"storyline: error: {error.one_line()}", file=sys.stderr),
            on_article=lambda article: bar.update(1), clusterer=settings_of(args).clusterer,
            analyzer=store_analyzer(args, store),
        )
        total = store.count_articles()
    return report_ingest(report, total, store.path)


def run_ingest_dask(args: argparse.Namespace, fields: dict[str, str]) -> int:
    from storyline.executor import DaskExecutor
    from storyline.ingest import ingest_partitions
    from storyline.sources.route import check_partition_size, is_url

    urls = [source for source in args.inputs if is_url(source)]
    if urls or args.feed:
        raise ConfigError("--executor dask reads files and dumps, not URLs or feeds", input=(urls or ["--feed"])[0],
                          fix="ingest URLs and feeds with the local executor")
    if args.partition_size is not None:
        check_partition_size(args.partition_size)  # before a cluster is started for nothing
    with DaskExecutor(args.scheduler) as executor, open_store(args) as store, progress_bar() as bar:
        if executor.dashboard_link:
            print(f"Dask dashboard: {executor.dashboard_link}", file=sys.stderr)
        report = ingest_partitions(
            args.inputs, store, executor, fields=fields, partition_size=args.partition_size,
            on_error=lambda error: bar.write(f"storyline: error: {error.one_line()}", file=sys.stderr),
            on_article=lambda article_id: bar.update(1), clusterer=settings_of(args).clusterer,
            embedder=store_embedder(args, store),
        )
        total = store.count_articles()
    return report_ingest(report, total, store.path)


def add_watch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("feeds", nargs="+", metavar="FEED", help="RSS/Atom feed URLs (or files)")
    parser.add_argument("--every", default="10m", metavar="INTERVAL", help="time between polls: 30s, 10m, 1h (default 10m)")
    parser.add_argument("--max-polls", type=int, default=None, metavar="N", help="stop after N rounds (default: run until stopped)")
    add_db_argument(parser)
    add_fetch_policy_argument(parser)
    add_clusterer_argument(parser)
    add_embedder_argument(parser)


def parse_interval(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match:
        raise ConfigError(f"--every '{text}' is not an interval", fix="e.g. 30s, 10m or 1h")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def run_watch(args: argparse.Namespace) -> int:
    import time as clock

    from storyline.ingest import ingest_into_store
    from storyline.sources.route import iter_sources

    interval = parse_interval(args.every)
    polls = 0
    with open_store(args) as store:
        analyzer = store_analyzer(args, store)
        while True:
            report = ingest_into_store(
                iter_sources(args.feeds, store, feeds=True, policy=fetch_policy(args)), store,
                on_error=lambda error: print(f"storyline: error: {error.one_line()}", file=sys.stderr),
                clusterer=settings_of(args).clusterer, analyzer=analyzer,
            )
            polls += 1
            print(f"poll {polls}: {report_counts(report)}", file=sys.stderr)
            if args.max_polls is not None and polls >= args.max_polls:
                return EXIT_OK
            clock.sleep(interval)


def add_stories_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE", help="only stories with articles published since DATE")
    parser.add_argument("--search", metavar="TEXT", help="only stories whose articles contain these words")
    parser.add_argument("--limit", type=int, default=50, help="at most this many stories (default 50)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    add_db_argument(parser)


def run_stories(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from storyline.changes import parse_user_date

    since = parse_user_date(args.since) if args.since else None
    with open_store(args) as store:
        rows = store.list_stories(since=since, search=args.search, limit=args.limit)
    if args.format == "json":
        write_output(json.dumps([dataclasses.asdict(r) for r in rows], indent=2, ensure_ascii=False) + "\n", None)
        return EXIT_OK
    lines = [f"{'story':<12}  {'articles':>8}  {'outlets':>7}  {'indep.':>6}  {'time span':<23}  title"]
    for r in rows:
        span = f"{(r.first_published or '?')[:10]} .. {(r.last_published or '?')[:10]}"
        lines.append(f"{r.id:<12}  {r.articles:>8}  {r.outlets:>7}  {r.independent:>6}  {span:<23}  {r.title}")
    write_output("\n".join(lines) + "\n", None)
    return EXIT_OK


# --- doctor ---------------------------------------------------------------------------------------


def add_doctor_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--repair", action="store_true",
                        help="rebuild what is derived from the articles (full-text index, analyses, copies, stories)")


def run_doctor(args: argparse.Namespace) -> int:
    """Check the store; exit 0 healthy (or repaired), 1 problems found, 2 the file itself is damaged."""
    from storyline.doctor import repair_store

    with open_store(args) as store:
        integrity = store.integrity_check()
        print(f"store: {store.path} (schema {store.schema_version}, {plural(store.count_articles(), 'article')})")
        print(f"integrity: {integrity}")
        if integrity != "ok":
            print("storyline: error: the SQLite file is damaged; restore it from a backup "
                  "(the articles can be re-ingested from their sources)", file=sys.stderr)
            return EXIT_FAILED
        fts_ok = store.fts_in_step()
        print(f"full-text index: {'ok' if fts_ok else 'out of step with the articles'}")
        problems = store.derived_data_problems()
        for name, count in problems.items():
            print(f"{name}: {count}")
        healthy = fts_ok and not any(problems.values())
        if healthy:
            print("healthy")
            return EXIT_OK
        if not args.repair:
            print("problems found; run `storyline doctor --repair` to rebuild the derived data")
            return EXIT_PARTIAL
        for step in repair_store(store):
            print(f"repaired: {step}")
        still = [name for name, count in store.derived_data_problems().items() if count]
        if still or not store.fts_in_step():
            print(f"storyline: error: still wrong after repair: {', '.join(still) or 'full-text index'}", file=sys.stderr)
            return EXIT_FAILED
        print("healthy")
        return EXIT_OK


# --- serve ----------------------------------------------------------------------------------------


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME[:PORT]",
                        help="a host name readers open the server under (repeatable; .example.org means it and "
                             "its subdomains); requests for other names get 400. Always allowed: the loopback names "
                             "for a loopback --host, the address itself for another; --host 0.0.0.0 needs at least one")
    parser.add_argument("--read-only", action="store_true", help="no adding articles and no saving briefings")
    add_fetch_policy_argument(parser, who="let readers add")
    add_summarizer_argument(parser)
    add_embedder_argument(parser)


def run_serve(args: argparse.Namespace) -> int:
    from storyline.web import serve

    settings = settings_of(args)
    serve(settings.db, host=args.host, port=args.port, read_only=args.read_only, fetch_policy=fetch_policy(args),
          allowed_hosts=args.allowed_host, summarizer=settings.summarizer, words=settings.words,
          embedder=settings.embedder if "embedder" in settings.origin else None)
    return EXIT_OK


# --- bench ----------------------------------------------------------------------------------------

# name -> module under storyline.bench exposing add_arguments(parser) and run(args) -> int
BENCHMARKS = {
    "clean": "Furniture removal (sentence precision/recall) on labelled Multi-News and written pages, old and new cleaner",
    "html": "Main text of HTML pages: storyline against trafilatura alone",
    "summarize": "Summary quality (ROUGE) against baselines and published systems",
    "speed": "Cold and warm briefing time, by stage",
    "cluster": "Story clustering quality (B-cubed, ARI) and throughput",
    "copies": "Syndicated-copy grouping (pair precision/recall) on a labelled copy set, against MinHash baselines",
    "deep": "Deep-briefing time and contradiction precision/recall",
    "web": "Web app response times (p50/p95) over a 5,000-article store under concurrent load",
    "soak": "storyline watch against a misbehaving feed for minutes while serve answers readers",
    "scale": "Ingest throughput and memory at 1k-50k articles, local vs Dask",
}


def add_module_subcommands(parser: argparse.ArgumentParser, *, dest: str, metavar: str, package: str,
                           table: dict[str, str], chosen: str | None) -> None:
    """One subcommand per module of ``package`` (``table``: name -> help). Only the chosen module is imported
    (its ``add_arguments`` and ``run``), so building the parser does not import every benchmark or trainer."""
    sub = parser.add_subparsers(dest=dest, metavar=metavar, required=True)
    for name, help_text in table.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            try:
                module = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if (exc.name or "").startswith("storyline"):
                    raise
                raise ConfigError(f"{metavar.lower()} '{name}' needs the package {exc.name}, which is not installed",
                                  fix="pip install 'storyline[all]'") from None
            module.add_arguments(command_parser)
            command_parser.set_defaults(module_run=module.run)


def add_bench_arguments(parser: argparse.ArgumentParser, chosen: str | None = None) -> None:
    add_module_subcommands(parser, dest="benchmark", metavar="BENCHMARK", package="storyline.bench",
                           table=BENCHMARKS, chosen=chosen)


def run_module(args: argparse.Namespace) -> int:
    return args.module_run(args)


# --- train ----------------------------------------------------------------------------------------


def add_train_arguments(parser: argparse.ArgumentParser, chosen: str | None = None) -> None:
    from storyline.train import TRAINERS

    add_module_subcommands(parser, dest="model", metavar="MODEL", package="storyline.train", table=TRAINERS,
                           chosen=chosen)


# --- config ---------------------------------------------------------------------------------------


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run_config(args: argparse.Namespace) -> int:
    import json

    from storyline.settings import shown_settings

    settings = shown_settings(settings_of(args))
    if args.format == "json":
        print(json.dumps(settings, indent=2))
        return EXIT_OK
    width = max(len(s["name"]) for s in settings)
    for s in settings:
        print(f"{s['name']:<{width}}  {s['value']}  [{s['from']}]")
    return EXIT_OK


# --- main -----------------------------------------------------------------------------------------

COMMANDS = {
    # name: (help, add_arguments, run)
    "brief": ("Brief a pile of articles as one story, or a stored story", add_brief_arguments, run_brief),
    "ingest": ("Store articles: group copies, cluster them into stories", add_ingest_arguments, run_ingest),
    "watch": ("Poll feeds and ingest their new entries", add_watch_arguments, run_watch),
    "stories": ("List the stored stories", add_stories_arguments, run_stories),
    "serve": ("Browse stories and briefings in a web app", add_serve_arguments, run_serve),
    "doctor": ("Check the store and repair what is derived from the articles", add_doctor_arguments, run_doctor),
    "config": ("Show the settings in effect and where each comes from", add_config_arguments, run_config),
    "bench": ("Run a benchmark (prints a table, writes JSON)", add_bench_arguments, run_module),
    "train": ("Train a shipped model (salience, links, timeline) from open training data", add_train_arguments, run_module),
}


# The commands whose subcommands are modules, imported only when named on the command line.
MODULE_COMMANDS = ("bench", "train")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; ``argv`` names the one benchmark or trainer whose options are needed."""
    parser = argparse.ArgumentParser(
        prog="storyline",
        description="Turn a pile of news articles from many outlets into cited story briefings.",
        epilog="Exit status: 0 success, 1 some inputs skipped, 2 usage error or nothing done.",
    )
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    words = [word for word in (sys.argv[1:] if argv is None else argv) if not word.startswith("-")]
    for name, (help_text, add_arguments, run) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name in MODULE_COMMANDS:
            chosen = words[words.index(name) + 1] if name in words[:-1] else None
            add_arguments(command_parser, chosen)
        else:
            add_arguments(command_parser)
        command_parser.set_defaults(run=run)
    return parser


class _OneLineFormatter(logging.Formatter):
    """``storyline: warning: message``, the same shape as the error lines."""

    def format(self, record: logging.LogRecord) -> str:
        return f"storyline: {record.levelname.lower()}: {record.getMessage()}"


def configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party libraries are chatty at INFO; keep their warnings only.
    for noisy in ("sentence_transformers", "transformers", "trafilatura", "urllib3", "httpx", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    # The HTML extractors log "storyline: error: empty HTML tree" without naming the page; our own
    # InputError names it, so theirs are only shown with -vv.
    for extractor in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(extractor).setLevel(level if verbosity >= 2 else logging.CRITICAL)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        parser = build_parser(argv)
    except StorylineError as exc:
        print(f"storyline: error: {exc.one_line()}", file=sys.stderr)
        return EXIT_FAILED
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.run(args)
    except StorylineError as exc:
        print(f"storyline: error: {exc.one_line()}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("storyline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `storyline brief ... | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
