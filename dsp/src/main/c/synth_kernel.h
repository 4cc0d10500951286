/*
 * The native synth kernel's entry points. synth_kernel.c is compiled once per ISA like the mix
 * kernel (see mix_kernel.h); synth_jni.c picks one at load time. Column and constant numbers
 * come from NativeSynthKernel.java through the generated header, so C reads what Java writes.
 */
#ifndef DAWG_SYNTH_KERNEL_H
#define DAWG_SYNTH_KERNEL_H
#include <stdint.h>
#include "cloud_dawg_dsp_backend_jni_NativeSynthKernel.h"

#define SK(name) cloud_dawg_dsp_backend_jni_NativeSynthKernel_##name

typedef struct {
    int32_t *ints;
    double *doubles;
    float *floats;
    const double *constants;
    float *accumulator;
    const float *tables;
    int64_t rows, slots;
} synth_context;

typedef void (*synth_fn)(const synth_context *c, int from, int to);
typedef void (*finish_fn)(float *sum, float *out, int frames);

void synth_render_avx512(const synth_context *c, int from, int to);
void synth_render_avx2(const synth_context *c, int from, int to);
void synth_render_baseline(const synth_context *c, int from, int to);
void synth_finish_avx512(float *sum, float *out, int frames);
void synth_finish_avx2(float *sum, float *out, int frames);
void synth_finish_baseline(float *sum, float *out, int frames);

#endif
