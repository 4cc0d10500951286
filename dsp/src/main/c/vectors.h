/*
 * What both native kernels are written in: 16-lane GCC vector types (one zmm on AVX-512, two
 * ymm on AVX2, four xmm on baseline x86-64), the ISA name suffix, and the helpers every kernel
 * uses. Include after the kernel's own header, with ISA defined on the command line.
 */
#ifndef DAWG_VECTORS_H
#define DAWG_VECTORS_H
#include <stdint.h>
#include <string.h>

#ifndef ISA
#error "compile with -DISA=avx512|avx2|baseline"
#endif
#define GLUE(a, b) a##_##b
#define NAMED(a, b) GLUE(a, b)

typedef float vf __attribute__((vector_size(64), aligned(64)));
typedef int32_t vi __attribute__((vector_size(64), aligned(64)));
typedef uint32_t vu __attribute__((vector_size(64), aligned(64)));

#define INLINE static inline __attribute__((always_inline))

INLINE vf splat(float x) { return (vf){0} + x; }
INLINE vf load(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
INLINE void store(float *p, vf v) { memcpy(p, &v, sizeof v); }
INLINE vi loadi(const int32_t *p) { vi v; memcpy(&v, p, sizeof v); return v; }
INLINE void storei(int32_t *p, vi v) { memcpy(p, &v, sizeof v); }

#endif
