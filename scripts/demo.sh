#!/usr/bin/env bash
# Sets up, builds cachescope (Release, into build/) and runs the demo simulations.
# Extra arguments are passed to the first `cachescope run` (e.g. --json).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"

echo
echo "== cachescope run --config configs/default.json traces/strided.trace"
build/cachescope run --config configs/default.json "$@" traces/strided.trace
echo
echo "== cachescope run --config configs/teaching.json traces/thrash-one-set.trace"
build/cachescope run --config configs/teaching.json traces/thrash-one-set.trace
