"""Named registries for the swappable parts (embedder, splitter, summarizer, ...).

An implementation registers a factory under a name; configuration picks it by name::

    @embedders.register("minilm")
    def make_minilm(**options) -> Embedder: ...

    embedder = embedders.create("minilm")
"""

from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

from storyline.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def add(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return add

    def names(self) -> list[str]:
        return sorted(self._factories)

    def check(self, name: str) -> str:
        """``name`` if it is registered, else one clear error listing the choices (settings fail at start)."""
        if name not in self._factories:
            raise ConfigError(f"unknown {self.kind} '{name}'", fix=f"choose one of: {', '.join(self.names())}")
        return name

    def create(self, name: str, **options: Any) -> T:
        return self._factories[self.check(name)](**options)
