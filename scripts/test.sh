#!/usr/bin/env bash
# Sets up, builds and runs every test twice: a Debug build with warnings as errors (build-test/),
# then the same with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/); then replays the
# fuzzers' corpora and fuzzes each target briefly (build-fuzz/, clang).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)

bash scripts/setup.sh

echo "== Debug build, warnings as errors (build-test/)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DCACHESCOPE_WERROR=ON
cmake --build build-test -j"$jobs"
(cd build-test && ctest --output-on-failure -j2)

echo "== AddressSanitizer + UBSan build (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCACHESCOPE_SANITIZE=ON -DCACHESCOPE_WERROR=ON
cmake --build build-asan -j"$jobs"
(cd build-asan && ctest --output-on-failure -j2)

echo "== fuzzers: every corpus replayed, each target fuzzed 5 s (build-fuzz/, clang; docs/testing.md)"
bash scripts/fuzz.sh --seconds 5

echo "== all tests passed (Debug and sanitizer builds, fuzz corpora)"
