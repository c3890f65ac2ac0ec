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
# axe-core, the accessibility checker the browser tests inject into each page (tests/test_web_e2e.py),
# from the npm registry into .cache/axe (git-ignored). Without npm the check is skipped, with the reason.
AXE_VERSION=4.14.1
if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ] || ! grep -q "\"version\": \"$AXE_VERSION\"" .cache/axe/node_modules/axe-core/package.json; then
  if command -v npm >/dev/null; then
    npm install --prefix .cache/axe --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION" >/dev/null \
      || echo "setup: could not install axe-core with npm; the accessibility check will be skipped" >&2
  else
    echo "setup: npm not found; the accessibility check of the browser tests will be skipped (apt-get install npm)" >&2
  fi
fi
