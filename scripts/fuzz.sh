#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang) into build-fuzz/ and runs them on their corpora.
#   bash scripts/fuzz.sh                 replay every corpus, then fuzz each target 5 s (what test.sh runs)
#   bash scripts/fuzz.sh --seconds 600   fuzz each target 10 minutes (a campaign; docs/testing.md)
#   bash scripts/fuzz.sh --seconds 60 fuzz_config    only the targets named
# New inputs found while fuzzing go to build-fuzz/new-corpus/<target>/, not into the repository;
# a crash stops the run with libFuzzer's report and leaves the input as build-fuzz/crash-*.
# Without clang++ it says so and exits 0: the fuzzers are an extra, not a build requirement.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=5
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

if ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz: skipped: clang++ is not installed (apt-get install clang libclang-rt-14-dev to run the fuzzers)"
    exit 0
fi

CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCACHESCOPE_FUZZ=ON \
    -DCACHESCOPE_BUILD_TESTS=OFF -DCACHESCOPE_BUILD_GUI=OFF >/dev/null
cmake --build build-fuzz --target fuzzers -j"$(nproc)"

# A 16 MiB quarantine instead of ASan's 256 MiB: the line readers allocate a 256 KiB block buffer
# per input, and with the default quarantine every input paid for fresh pages (din ran at ~150
# inputs/s instead of ~4,500). Freed memory is still poisoned until 16 MiB more has been freed.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16}"

if [[ ${#targets[@]} -eq 0 ]]; then
    for dir in fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
for t in "${targets[@]}"; do
    corpus="fuzz/corpus/$t"
    scratch="build-fuzz/new-corpus/$t"
    mkdir -p "$scratch"
    # Replay: every kept input (seeds and past crashes) must pass.
    "build-fuzz/fuzz/$t" -runs=0 "$corpus" 2>"build-fuzz/$t.replay.log" ||
        { cat "build-fuzz/$t.replay.log"; echo "fuzz: $t: a corpus input fails"; exit 1; }
    if [[ "$seconds" != 0 ]]; then
        "build-fuzz/fuzz/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix=build-fuzz/ "$scratch" "$corpus" 2>"build-fuzz/$t.log" ||
            { tail -50 "build-fuzz/$t.log"; echo "fuzz: $t: finding (input saved as build-fuzz/crash-* or similar)"; exit 1; }
        runs=$(grep -o 'Done [0-9]* runs' "build-fuzz/$t.log" | tail -1 || true)
        cov=$(grep -o 'cov: [0-9]*' "build-fuzz/$t.log" | tail -1 || true)
        echo "fuzz: $t: ${runs:-?} in ${seconds} s, ${cov:-cov: ?}, no finding"
    else
        echo "fuzz: $t: corpus replayed"
    fi
done
