#!/usr/bin/env bash
# Builds libsceneforge_torch.so from sceneforge_torch.cpp against a libtorch.
#   Shims/torch/build.sh OUT_DIR
# TORCH_DIR selects the libtorch: a folder with include/ and lib/ (PyTorch's bundled libtorch, e.g.
# $(python -c 'import torch,os;print(os.path.dirname(torch.__file__))')). Unset: Debian's libtorch-dev.
# Rebuilds only when the sources are newer than the library.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out_dir=${1:-$here/../../.build/shim}
mkdir -p "$out_dir"
lib="$out_dir/libsceneforge_torch.so"
src="$here/sceneforge_torch.cpp"
hdr="$here/include/sceneforge_torch.h"

if [ -f "$lib" ] && [ "$lib" -nt "$src" ] && [ "$lib" -nt "$hdr" ] && [ "$lib" -nt "$0" ] \
   && [ "$(cat "$lib.torchdir" 2>/dev/null)" = "${TORCH_DIR:-debian}" ]; then
    exit 0
fi

if [ -n "${TORCH_DIR:-}" ]; then
    includes=(-I"$TORCH_DIR/include" -I"$TORCH_DIR/include/torch/csrc/api/include")
    libdir="$TORCH_DIR/lib"
    link=(-L"$libdir" -Wl,-rpath,"$libdir")
else
    includes=(-I/usr/include/torch/csrc/api/include)
    libdir=/usr/lib/$(gcc -print-multiarch)
    link=()
fi
libs=(-ltorch -ltorch_cpu -lc10)
# Recent libtorch 2.x headers require C++20; 1.13 is built and tested as C++17.
major=$(for i in "${includes[@]}"; do
    for f in "${i#-I}/torch/headeronly/version.h" "${i#-I}/torch/version.h"; do
        [ -f "$f" ] && sed -n 's/^#define TORCH_VERSION_MAJOR \([0-9]*\).*/\1/p' "$f"
    done
done | head -n 1)
standard=-std=c++17
[ "${major:-1}" -ge 2 ] && standard=-std=c++20
defines=()
if [ -e "$libdir/libtorch_cuda.so" ]; then
    # Linking libtorch_cuda registers the CUDA backend. The allocator statistics also need CUDA's runtime
    # headers: from CUDA_HOME, or the nvidia-* wheels beside PyTorch's own.
    libs+=(-ltorch_cuda -lc10_cuda)
    for dir in "${CUDA_HOME:-/usr/local/cuda}/include" "${TORCH_DIR:-/nonexistent}"/../nvidia/*/include; do
        if [ -f "$dir/cuda_runtime_api.h" ] && [ -f "$dir/crt/host_config.h" ]; then
            defines+=(-DSF_WITH_CUDA=1)
            includes+=(-I"$dir")
            break
        fi
    done
fi
# PyTorch's wheels are built with the pre-C++11 string ABI on some versions; follow what torch says.
abi_flag=()
if [ -n "${TORCH_CXX11_ABI:-}" ]; then abi_flag=(-D_GLIBCXX_USE_CXX11_ABI="$TORCH_CXX11_ABI"); fi

echo "building $lib (libtorch: ${TORCH_DIR:-Debian})" >&2
${CXX:-g++} "$standard" -O2 -fPIC -shared -fvisibility=hidden -Wall -Wno-unused-parameter \
    "${abi_flag[@]}" "${defines[@]}" -I"$here/include" "${includes[@]}" \
    "$src" -o "$lib.tmp" "${link[@]}" -Wl,--no-as-needed "${libs[@]}" -Wl,--as-needed
mv "$lib.tmp" "$lib"
echo "${TORCH_DIR:-debian}" > "$lib.torchdir"
