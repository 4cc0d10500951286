#!/usr/bin/env bash
# Builds libdawgdsp.so for linux-x86_64 into the classes folder (so it ships inside the jar).
# Usage: build.sh HEADERS_DIR OUT_DIR. JAVA_HOME must be the JDK that runs the build.
set -euo pipefail
headers=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JAVA_HOME:?JAVA_HOME must point at the JDK}
case "$(uname -m)" in
  x86_64) ;;
  *) echo "native: skipped, the C kernels are written for x86-64 (this is $(uname -m)); the native backend will report itself unavailable"; exit 0 ;;
esac
if ! command -v gcc >/dev/null; then
  echo "native: skipped, gcc not found; the native backend will report itself unavailable"
  exit 0
fi
mkdir -p "$out"
# -O3 plus target_clones in the source: one .so with AVX-512, AVX2 and baseline x86-64 versions,
# picked at load time by the CPU's features. No -ffast-math: results must match the Java backends.
gcc -O3 -std=gnu11 -fPIC -shared -fno-math-errno -fno-trapping-math -Wall -Wextra -Werror -Wno-psabi \
    -I"$headers" -I"$jdk/include" -I"$jdk/include/linux" \
    -o "$out/libdawgdsp.so.tmp" "$here"/*.c -lm
mv "$out/libdawgdsp.so.tmp" "$out/libdawgdsp.so"
echo "native: built $out/libdawgdsp.so"
