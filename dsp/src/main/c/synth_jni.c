/* JNI entry points of the native synth kernel (NativeSynthKernel.java). */
#include <jni.h>
#include <math.h>
#include <string.h>
#include <xmmintrin.h>
#include "synth_kernel.h"

int dawg_isa_level(void); /* mix_jni.c: the CPUID choice, shared by both kernels (0 baseline, 1 avx2, 2 avx512) */

static const synth_fn renders[] = {synth_render_baseline, synth_render_avx2, synth_render_avx512};
static const finish_fn finishes[] = {synth_finish_baseline, synth_finish_avx2, synth_finish_avx512};

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
    renders[dawg_isa_level()](&c, from, to);
    _mm_setcsr(csr);
    (*env)->ReleasePrimitiveArrayCritical(env, tables, t, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_cloud_dawg_dsp_backend_jni_NativeSynthKernel_finish(
        JNIEnv *env, jclass cls, jlong floats, jlong out, jlong accumulator, jint rows, jint frames) {
    (void)env; (void)cls;
    float *ic = (float *)(intptr_t)floats;
    finishes[dawg_isa_level()]((float *)(intptr_t)accumulator, (float *)(intptr_t)out, frames);
    for (int64_t k = SK(F_IC1) * (int64_t)rows; k < (SK(F_IC2) + 1) * (int64_t)rows; k++) {
        if (fabsf(ic[k]) < 1e-30f) ic[k] = 0;
    }
}
