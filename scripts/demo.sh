#!/usr/bin/env bash
# Sets up, builds the cachescope binary and the classroom GUI cachescope-gui (Release, into build/)
# and runs the demo simulations with the command line (the GUI is built, not started: run
# build/cachescope-gui yourself, see docs/gui.md).
# Extra arguments are passed to the first `cachescope run` (e.g. --json).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build --target cachescope cachescope-gui -j"$(nproc)"

echo
# A real program's references (Valgrind Lackey) through a desktop-like split-L1 hierarchy.
echo "== cachescope run --config configs/default.json traces/lackey-sample.txt"
build/cachescope run --config configs/default.json "$@" traces/lackey-sample.txt
echo
# Conflict misses: three lines fighting over one 2-way set of the tiny teaching L1. --classify
# splits the misses into compulsory / capacity / conflict; --vs-opt shows how many Belady's OPT
# would have avoided on the same stream.
echo "== cachescope run --config configs/teaching.json --classify --vs-opt traces/thrash-one-set.trace"
build/cachescope run --config configs/teaching.json --classify --vs-opt traces/thrash-one-set.trace
echo
# A kernel that really computes: C = A·B with the ijk loop order walks B down its columns; the
# tables by tensor and by statement show that B's loads take nearly all the misses.
echo "== cachescope run --config configs/teaching.json --kernel matmul --param n=32 --param order=ijk"
build/cachescope run --config configs/teaching.json --kernel matmul --param n=32 --param order=ijk
