"""Benchmarks: commands that print a table and write JSON (``storyline bench NAME``).

Each module here exposes ``add_arguments(parser)`` and ``run(args) -> int``; cli.py lists them. The
helpers below are what several of them share.
"""

from __future__ import annotations

import json
from pathlib import Path


def write_results(path: Path, result: dict) -> None:
    """The benchmark's JSON file (its folder made if needed), and one line saying where it went."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def own_peak_memory_mb() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_memory_mb(pid: int, field: str = "VmRSS") -> float | None:
    """Memory of another process from /proc (Linux): ``VmRSS`` now, ``VmHWM`` its peak; None if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
