#!/usr/bin/env bash
# Set up, then brief the seed articles (../shared/data/seeds), or the fictional examples/ pile where
# the shared data is not on this machine. Extra arguments go to `storyline brief` (e.g. --format html).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
input=../shared/data/seeds
[ -d "$input" ] || { echo "(../shared/data/seeds not found: briefing the fictional examples/ pile)" >&2; input=examples; }
export HF_HUB_OFFLINE=1
.venv/bin/storyline brief "$input" "$@"
