#!/usr/bin/env bash
# Set up, then run the whole test suite. Extra arguments go to pytest (e.g. -k clean, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
