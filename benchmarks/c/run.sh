#!/usr/bin/env bash
# Builds the native mix kernel (dsp/src/main/c; its AVX2 code, or AVX-512 with ISA=avx512) with
# mix_kernel_harness.c and runs it; with a folder argument, builds that folder's mix_kernel.c too
# and alternates the two, 3 rounds. Needs the JNI header from a build (./dawg build), gcc and a
# CPU with that ISA.
#   [ISA=avx2|avx512] benchmarks/c/run.sh [OTHER_SOURCE_DIR]
set -euo pipefail
isa=${ISA:-avx2}
case "$isa" in
  avx2) march=x86-64-v3 ;;
  avx512) march=x86-64-v4 ;;
  *) echo "ISA must be avx2 or avx512, not '$isa'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
headers=$root/dsp/target/native-headers
[[ -f $headers/cloud_dawg_dsp_backend_jni_NativeMixKernel.h ]] || { echo "run ./dawg build first (no JNI header in $headers)" >&2; exit 2; }
jdk=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build() { # source-dir output
  local flags=(-O3 -std=gnu11 -fno-math-errno -fno-trapping-math -Wno-psabi -march=$march -DISA=$isa
               -I"$1" -I"$headers" -I"$jdk/include" -I"$jdk/include/linux")
  gcc "${flags[@]}" -DDEFINE_RESET_ROW -c "$1/mix_kernel.c" -o "$tmp/k.o"
  gcc "${flags[@]}" -c "$here/mix_kernel_harness.c" -o "$tmp/h.o"
  gcc -o "$2" "$tmp/h.o" "$tmp/k.o" -lm
}
build "$root/dsp/src/main/c" "$tmp/this"
if [[ $# -eq 0 ]]; then "$tmp/this"; exit; fi
build "$1" "$tmp/other"
for round in 1 2 3; do
  echo "this:  $("$tmp/this")"
  echo "other: $("$tmp/other")"
done
