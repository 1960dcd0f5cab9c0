#!/usr/bin/env bash
# Builds one libFuzzer target: Fuzz/build.sh TARGET [SOURCE_FOLDER]
#   TARGET         a folder Fuzz/TARGET holding main.swift (with @_cdecl("LLVMFuzzerTestOneInput"))
#   SOURCE_FOLDER  the module sources compiled in with it; default: the path in Fuzz/TARGET/SOURCES
# The harness is compiled into the same module as the sources, so it can call internal parsers.
# Output: .build/fuzz/TARGET (run it as Fuzz/README.md says).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

target=${1:?usage: Fuzz/build.sh TARGET [SOURCE_FOLDER]}
harness="Fuzz/$target/main.swift"
[ -f "$harness" ] || { echo "Fuzz/build.sh: no $harness" >&2; exit 2; }
sources=${2:-$(cat "Fuzz/$target/SOURCES" 2>/dev/null || true)}
[ -n "$sources" ] && [ -d "$sources" ] || { echo "Fuzz/build.sh: give a source folder, or write it to Fuzz/$target/SOURCES" >&2; exit 2; }

mkdir -p .build/fuzz
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
    -module-name "${target//-/_}_fuzz" \
    "$sources"/*.swift "$harness" \
    -o ".build/fuzz/$target"
echo ".build/fuzz/$target"
