#!/usr/bin/env bash
# Sets up, builds and runs every test: one Debug build with warnings as errors, under
# AddressSanitizer and UndefinedBehaviorSanitizer (build-test/), then replays the fuzzers' corpora
# and fuzzes each target briefly (build-fuzz/, clang). docs/testing.md says why one build, not two.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)

bash scripts/setup.sh

echo "== Debug build, warnings as errors, AddressSanitizer + UBSan (build-test/)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DCACHESCOPE_WERROR=ON -DCACHESCOPE_SANITIZE=ON
cmake --build build-test -j"$jobs"
(cd build-test && ctest --output-on-failure -j"$((jobs + 1))")

echo "== fuzzers: every corpus replayed, each target fuzzed 5 s (build-fuzz/, clang; docs/testing.md)"
bash scripts/fuzz.sh --seconds 5

echo "== all tests passed (Debug build under ASan and UBSan, fuzz corpora)"
