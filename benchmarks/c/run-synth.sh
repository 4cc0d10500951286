#!/usr/bin/env bash
# Builds the native synth kernel (dsp/src/main/c/synth_kernel.c, its AVX-512 code by default) twice
# into synth_kernel_harness.c: as "this" and, from OTHER_SOURCE_DIR (a changed copy of the C
# sources), as "other"; without a folder both are this one. The two alternate in one process.
# Needs the JNI header from a build (./dawg build), gcc and a CPU with that ISA.
#   [ISA=avx512|avx2|baseline] benchmarks/c/run-synth.sh [OTHER_SOURCE_DIR] [ROUNDS]
set -euo pipefail
isa=${ISA:-avx512}
case "$isa" in
  avx512) march=x86-64-v4 ;;
  avx2) march=x86-64-v3 ;;
  baseline) march=x86-64 ;;
  *) echo "ISA must be avx512, avx2 or baseline, not '$isa'" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
headers=$root/dsp/target/native-headers
[[ -f $headers/cloud_dawg_dsp_backend_jni_NativeSynthKernel.h ]] || { echo "run ./dawg build first (no JNI header in $headers)" >&2; exit 2; }
other=${1:-$root/dsp/src/main/c}
[[ -f $other/synth_kernel.c ]] || { echo "no synth_kernel.c in $other" >&2; exit 2; }
jdk=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=(-O3 -std=gnu11 -fno-math-errno -fno-trapping-math -Wall -Wextra -Werror -Wno-psabi -march=$march
       -I"$headers" -I"$jdk/include" -I"$jdk/include/linux")
# ISA only names the functions here; the code each build gets follows -march, as in build.sh
gcc "${flags[@]}" -I"$root/dsp/src/main/c" -DISA=this -c "$root/dsp/src/main/c/synth_kernel.c" -o "$tmp/this.o"
gcc "${flags[@]}" -I"$other" -DISA=other -c "$other/synth_kernel.c" -o "$tmp/other.o"
gcc "${flags[@]}" -I"$root/dsp/src/main/c" -c "$here/synth_kernel_harness.c" -o "$tmp/harness.o"
gcc -o "$tmp/harness" "$tmp/harness.o" "$tmp/this.o" "$tmp/other.o" -lm
echo "synth kernel, $isa ($march), 4096 voices:"
"$tmp/harness" "${2:-40}"
