#!/usr/bin/env bash
# Regenerates the sample kernel traces in traces/ (binary format) with the built CLI.
# Usage: bash scripts/make-samples.sh [path/to/cachescope]     (default: build/cachescope)
# tests/trace/samples_kernels_test.cpp checks that every sample equals its kernel's live stream
# and that the numbers in traces/README.md are what the teaching config gives.
set -euo pipefail
cd "$(dirname "$0")/.."
cli="${1:-build/cachescope}"
record() {  # record FILE KERNEL PARAM...
    local file="$1" kernel="$2"
    shift 2
    local args=()
    for p in "$@"; do args+=(--param "$p"); done
    "$cli" trace record --kernel "$kernel" "${args[@]}" -o "traces/$file"
}
record matmul-ijk.bin        matmul n=32 order=ijk
record matmul-ikj.bin        matmul n=32 order=ikj
record matmul-ijk-tiled.bin  matmul n=32 order=ijk tile=8
record matmul-ijk-bt.bin     matmul n=32 order=ijk transpose_b=1
record conv2d-nchw.bin       conv2d channels=8 filters=8 height=16 width=16
record conv2d-nhwc.bin       conv2d channels=8 filters=8 height=16 width=16 layout=NHWC
record conv2d-im2col.bin     conv2d channels=8 filters=8 height=16 width=16 algo=im2col
record attention.bin         attention seq=32 dim=16
record transpose-naive.bin   transpose rows=64 cols=64
record transpose-tiled.bin   transpose rows=64 cols=64 tile=8
record softmax.bin           softmax rows=16 cols=256
