#!/usr/bin/env bash
# Create .venv (once) and install storyline with every extra. Safe to run again: it only updates.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# torch is pinned inside the extras (torch==2.13.0, the CPU wheel); an unpinned torch pulls a CUDA build.
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[all]"
