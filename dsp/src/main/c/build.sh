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
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No -ffast-math: results must stay within tolerance of the Java backends.
flags=(-O3 -std=gnu11 -fPIC -fno-math-errno -fno-trapping-math -Wall -Wextra -Werror -Wno-psabi
       -I"$headers" -I"$jdk/include" -I"$jdk/include/linux")
# The mix kernel's tracks part once per ISA; mix_jni.c picks one from CPUID at load time.
gcc "${flags[@]}" -march=x86-64-v4 -DISA=avx512 -c "$here/mix_kernel.c" -o "$tmp/k512.o"
gcc "${flags[@]}" -march=x86-64-v3 -DISA=avx2 -c "$here/mix_kernel.c" -o "$tmp/k2.o"
gcc "${flags[@]}" -march=x86-64 -DISA=baseline -DDEFINE_RESET_ROW -c "$here/mix_kernel.c" -o "$tmp/k1.o"
gcc "${flags[@]}" -march=x86-64 -c "$here/mix_jni.c" -o "$tmp/jni.o"
# The synth kernel likewise; synth_jni.c uses the same CPUID choice.
gcc "${flags[@]}" -march=x86-64-v4 -DISA=avx512 -c "$here/synth_kernel.c" -o "$tmp/s512.o"
gcc "${flags[@]}" -march=x86-64-v3 -DISA=avx2 -c "$here/synth_kernel.c" -o "$tmp/s2.o"
gcc "${flags[@]}" -march=x86-64 -DISA=baseline -c "$here/synth_kernel.c" -o "$tmp/s1.o"
gcc "${flags[@]}" -march=x86-64 -c "$here/synth_jni.c" -o "$tmp/sjni.o"
gcc -shared -o "$out/libdawgdsp.so.tmp" "$tmp"/*.o -lm
mv "$out/libdawgdsp.so.tmp" "$out/libdawgdsp.so"
echo "native: built $out/libdawgdsp.so (avx512, avx2, baseline)"
