"""Benchmarks: commands that print a table and write JSON (``storyline bench NAME``).

Each module here exposes ``add_arguments(parser)`` and ``run(args) -> int``; cli.py lists them.
"""
