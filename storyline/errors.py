"""Errors a user can act on.

Library code raises these (and logs); only the CLI prints them, as one line:
``storyline: error: <input>: <problem> (<fix>)``. Programming errors stay ordinary exceptions.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class: an error caused by the user's input or environment, not by a bug."""

    def __init__(self, problem: str, *, input: str | None = None, fix: str | None = None):
        self.problem = problem
        self.input = input
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = f"{self.input}: {self.problem}" if self.input else self.problem
        return f"{text} ({self.fix})" if self.fix else text


class InputError(StorylineError):
    """One input (file, row, URL, feed) could not be read; the rest of the batch goes on."""


class ConfigError(StorylineError):
    """A bad option or setting."""


class MissingDependencyError(StorylineError):
    """An optional dependency is not installed; the message names the exact pip install."""

    def __init__(self, package: str, extra: str, purpose: str):
        super().__init__(
            f"{purpose} needs the '{package}' package, which is not installed",
            fix=f"pip install 'storyline[{extra}]'",
        )


class StoreError(StorylineError):
    """The store cannot be opened or is in a state the user must act on."""


def require(module: str, *, extra: str, purpose: str):
    """Import an optional dependency lazily, or raise an error naming the pip install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(module.split(".")[0], extra, purpose) from exc
