/* JNI entry points of the native synth kernel (NativeSynthKernel.java). */
#include <jni.h>
#include <math.h>
#include <string.h>
#include <xmmintrin.h>
#include "synth_kernel.h"

const char *dawg_chosen_isa(void); /* mix_jni.c: the CPUID choice, shared by both kernels */

static synth_fn chosen_render(void) {
    static synth_fn chosen = 0;
    if (!chosen) {
        const char *isa = dawg_chosen_isa();
        chosen = strcmp(isa, "avx512") == 0 ? synth_render_avx512
               : strcmp(isa, "avx2") == 0 ? synth_render_avx2 : synth_render_baseline;
    }
    return chosen;
}

JNIEXPORT void JNICALL Java_cloud_dawg_dsp_backend_jni_NativeSynthKernel_render(
        JNIEnv *env, jclass cls, jlong ints, jlong doubles, jlong floats, jlong constants, jlong accumulator,
        jint rows, jint slots, jfloatArray tables, jint from, jint to) {
    (void)cls;
    /* the shared wavetables, in place: pinned for the call, never copied, never written */
    float *t = (*env)->GetPrimitiveArrayCritical(env, tables, NULL);
    if (t == NULL) return; /* an OutOfMemoryError is pending in Java */
    const synth_context c = {
        (int32_t *)(intptr_t)ints, (double *)(intptr_t)doubles, (float *)(intptr_t)floats,
        (const double *)(intptr_t)constants, (float *)(intptr_t)accumulator, t, rows, slots};
    const unsigned int csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040); /* FTZ + DAZ for this call only */
    chosen_render()(&c, from, to);
    _mm_setcsr(csr);
    (*env)->ReleasePrimitiveArrayCritical(env, tables, t, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_cloud_dawg_dsp_backend_jni_NativeSynthKernel_finish(
        JNIEnv *env, jclass cls, jlong floats, jlong out, jlong accumulator, jint rows, jint frames) {
    (void)env; (void)cls;
    float *sum = (float *)(intptr_t)accumulator, *o = (float *)(intptr_t)out, *ic = (float *)(intptr_t)floats;
    const int lanes = SK(LANES);
    for (int i = 0; i < frames; i++) {
        float s = 0;
        for (int lane = 0; lane < lanes; lane++) s += sum[i * lanes + lane];
        o[i] = s;
    }
    memset(sum, 0, (size_t)frames * lanes * sizeof(float));
    for (int64_t k = SK(F_IC1) * (int64_t)rows; k < (SK(F_IC2) + 1) * (int64_t)rows; k++) {
        if (fabsf(ic[k]) < 1e-30f) ic[k] = 0;
    }
}
