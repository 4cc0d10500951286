/*
 * What both native kernels are written in: GCC vector types as wide as the ISA's registers
 * (W lanes: 16 floats in a zmm on AVX-512, 8 in a ymm on AVX2, 4 in an xmm on baseline x86-64),
 * the ISA name suffix, and the helpers every kernel uses. Include after the kernel's own header,
 * with ISA defined on the command line.
 *
 * The layouts Java shares are padded to groups of 16 rows (the widest ISA). A kernel walks a
 * group as 16 / W sub-groups of W lanes, and keeps per-group results (bus partial sums, synth
 * accumulators) 16 wide, so every ISA adds them up in the same order. Vectors of 16 floats on
 * AVX2 would need two registers each: the kernels' 30-odd live vectors then spill on every frame
 * (measured: the AVX2 mix kernel ran at half the speed of the Java Vector API backend).
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

#if defined(__AVX512F__)
#define W 16
#elif defined(__AVX2__)
#define W 8
#else
#define W 4
#endif
/* the rows of one group in the Java layouts */
#define GROUP 16

typedef float vf __attribute__((vector_size(4 * W)));
typedef int32_t vi __attribute__((vector_size(4 * W)));
typedef uint32_t vu __attribute__((vector_size(4 * W)));

#define INLINE static inline __attribute__((always_inline))

INLINE vf splat(float x) { return (vf){0} + x; }
INLINE vf load(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
INLINE void store(float *p, vf v) { memcpy(p, &v, sizeof v); }
INLINE vi loadi(const int32_t *p) { vi v; memcpy(&v, p, sizeof v); return v; }
INLINE void storei(int32_t *p, vi v) { memcpy(p, &v, sizeof v); }

/*
 * The 16 partial sums of one frame (one per lane of a group) added up as a tree, the same on
 * every ISA: lanes 0-7 plus 8-15, then 0-3 plus 4-7, then (0 + 2) + (1 + 3).
 */
INLINE float sum16(const float *p) {
    typedef float half __attribute__((vector_size(32)));
    typedef float quarter __attribute__((vector_size(16)));
    half a, b;
    memcpy(&a, p, 32);
    memcpy(&b, p + 8, 32);
    a += b;
    quarter c, d;
    memcpy(&c, &a, 16);
    memcpy(&d, (float *)&a + 4, 16);
    c += d;
    return (c[0] + c[2]) + (c[1] + c[3]);
}

#endif
