#!/usr/bin/env bash
# Builds the PNG fuzzer (libFuzzer + AddressSanitizer) and, with "run [SECONDS]", runs it on a
# corpus seeded from the PNG fixtures.
#   Fuzz/png/build.sh            build .build/fuzz/png-fuzzer
#   Fuzz/png/build.sh run 60     build, then fuzz for 60 s
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out=.build/fuzz
mkdir -p "$out/corpus-png"
mapfile -t sources < <(find Sources/SceneForgeImaging -name '*.swift' | sort)
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name SceneForgeImagingFuzz -I Sources/CPNG \
    "${sources[@]}" Fuzz/png/main.swift -lpng16 -o "$out/png-fuzzer"
echo "built $out/png-fuzzer"
if [ "${1:-}" = run ]; then
    cp -n Tests/Fixtures/imaging/png/*.png Tests/Fixtures/imaging/malformed/*.png Tests/Fixtures/imaging/thumbnails/*.png "$out/corpus-png/" 2>/dev/null || true
    "$out/png-fuzzer" -max_total_time="${2:-60}" -rss_limit_mb=2048 -malloc_limit_mb=256 -max_len=65536 "$out/corpus-png"
fi
