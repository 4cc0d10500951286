/*
 * JNI entry points of the native mix kernel: one call mixes a chunk of a whole session (tracks,
 * bus, master) on memory owned by Java. The tracks code is chosen once from the CPU's features
 * (AVX-512, AVX2 + FMA, or baseline x86-64), so the same library runs on any x86-64.
 */
#include <jni.h>
#include <math.h>
#include <string.h>
#include <xmmintrin.h>
#include "mix_kernel.h"

static context unpack(jlong address) {
    const int64_t *c = (const int64_t *)(intptr_t)address;
    context x;
    x.in_left = (float *)(intptr_t)c[K(CTX_IN_LEFT)];
    x.in_right = (float *)(intptr_t)c[K(CTX_IN_RIGHT)];
    x.staged_left = (const float *)(intptr_t)c[K(CTX_STAGED_LEFT)];
    x.staged_right = (const float *)(intptr_t)c[K(CTX_STAGED_RIGHT)];
    x.replaced = (int32_t *)(intptr_t)c[K(CTX_REPLACED)];
    x.max_frames = c[K(CTX_MAX_FRAMES)];
    x.out_left = (float *)(intptr_t)c[K(CTX_OUT_LEFT)];
    x.out_right = (float *)(intptr_t)c[K(CTX_OUT_RIGHT)];
    x.mix_left = (float *)(intptr_t)c[K(CTX_MIX_LEFT)];
    x.mix_right = (float *)(intptr_t)c[K(CTX_MIX_RIGHT)];
    x.fp = (const float *)(intptr_t)c[K(CTX_FLOAT_PARAMS)];
    x.dp = (const double *)(intptr_t)c[K(CTX_DOUBLE_PARAMS)];
    x.state = (float *)(intptr_t)c[K(CTX_STATE)];
    x.master = (double *)(intptr_t)c[K(CTX_MASTER_STATE)];
    x.resets = (int32_t *)(intptr_t)c[K(CTX_RESETS)];
    x.bus = (float *)(intptr_t)c[K(CTX_BUS)];
    x.meters = (float *)(intptr_t)c[K(CTX_METERS)];
    x.stride = c[K(CTX_STRIDE)];
    x.rows = c[K(CTX_ROWS)];
    x.master_row = c[K(CTX_MASTER_ROW)];
    x.sample_rate = c[K(CTX_SAMPLE_RATE)];
    return x;
}

/* fmax/fmaxf exactly (a NaN argument yields the other), inline: the libm calls cost more than the max */
static inline double max_num(double a, double b) { return (a >= b || b != b) ? a : b; }
static inline float max_numf(float a, float b) { return (a >= b || b != b) ? a : b; }

typedef double v2d __attribute__((vector_size(16))); /* [left, right]: both sides in one SSE2 register */

/* One Direct Form I step of one stage for both sides: per side the reference's terms in its order. */
#define DF1(in, x1, x2, y1, y2, b0, b1, b2, a1, a2) do {                  \
        const v2d y_ = b0 * (in) + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;   \
        x2 = x1; x1 = (in); y2 = y1; y1 = y_;                               \
        (in) = y_;                                                          \
    } while (0)

/*
 * The master's three EQ stages over both sides of a chunk, in place; the two sides share each
 * instruction. Software-pipelined as the tracks' EQ is: each iteration runs the low stage of frame
 * i, the mid stage of frame i - 1 and the high stage of frame i - 2, three independent recursions
 * of ~9 cycles each that the CPU overlaps (frame by frame they waited for each other).
 */
static void master_eq(v2d *x, int frames, double *q, const double *k) {
#define COEFFS(n, s) const v2d b0##n = {k[5 * s], k[5 * s]}, b1##n = {k[5 * s + 1], k[5 * s + 1]},       \
        b2##n = {k[5 * s + 2], k[5 * s + 2]}, a1##n = {k[5 * s + 3], k[5 * s + 3]}, a2##n = {k[5 * s + 4], k[5 * s + 4]}; \
    v2d x1##n = {q[4 * s], q[4 * s + 12]}, x2##n = {q[4 * s + 1], q[4 * s + 13]},                      \
        y1##n = {q[4 * s + 2], q[4 * s + 14]}, y2##n = {q[4 * s + 3], q[4 * s + 15]}
    COEFFS(l, 0); COEFFS(m, 1); COEFFS(h, 2);
#undef COEFFS
#define LOW(f) DF1(x[f], x1l, x2l, y1l, y2l, b0l, b1l, b2l, a1l, a2l)
#define MID(f) DF1(x[f], x1m, x2m, y1m, y2m, b0m, b1m, b2m, a1m, a2m)
#define HIGH(f) DF1(x[f], x1h, x2h, y1h, y2h, b0h, b1h, b2h, a1h, a2h)
    PIPELINED_STAGES(frames);
#undef LOW
#undef MID
#undef HIGH
#define STORE(n, s) q[4 * s] = x1##n[0]; q[4 * s + 1] = x2##n[0]; q[4 * s + 2] = y1##n[0]; q[4 * s + 3] = y2##n[0]; \
    q[4 * s + 12] = x1##n[1]; q[4 * s + 13] = x2##n[1]; q[4 * s + 14] = y1##n[1]; q[4 * s + 15] = y2##n[1]
    STORE(l, 0); STORE(m, 1); STORE(h, 2);
#undef STORE
}
#undef DF1

/* The master strip: one strip, in double, literally the reference (Direct Form I), in place on the mix. */
static int process_master(const context *c, int offset, int frames) {
    const int64_t rows = c->rows, row = c->master_row;
    const double *dp = c->dp + row;
#define D(col) dp[(int64_t)(col) * rows]
    double b[15];
    for (int k = 0; k < 15; k++) b[k] = D(K(D_DF1) + k);
    const int engaged = D(K(D_COMP_ENGAGED)) != 0.0;
    const double threshold = D(K(D_COMP_THRESHOLD)), ratio = D(K(D_COMP_RATIO));
    double m[4], step[4];
    for (int k = 0; k < 4; k++) { m[k] = D(K(D_MATRIX_BASE) + k); step[k] = D(K(D_MATRIX_STEP) + k); }
#undef D
    const double fs = (double)c->sample_rate;
    const double attack = 1 - exp(-1 / (0.003 * fs)), release = 1 - exp(-1 / (0.1 * fs));
    double *s = c->master; /* [side][stage][x1 x2 y1 y2], gain */
    /* the tracks' EQ scratch is free by now: BUS_FRAMES frames of two doubles fit in it */
    v2d *x = (v2d *)(void *)(c->bus + (int64_t)2 * LANES * K(BUS_FRAMES));
    for (int i = 0; i < frames; i++) x[i] = (v2d){c->mix_left[offset + i], c->mix_right[offset + i]};
    master_eq(x, frames, s, b);
    float peak_l = 0, peak_r = 0;
    double sum_l = 0, sum_r = 0;
    double g = s[24];
    for (int i = 0; i < frames; i++) {
        const double left = x[i][0], right = x[i][1];
        double level = max_num(fabs(left), fabs(right));
        if (!engaged || level < 0.001) {
            g += (1 - g) * 0.003;
        } else {
            double target = 1.0;
            if (level > threshold) target = 1.0 / (1.0 + ((level - threshold) / threshold) / ratio);
            g += (target - g) * (target < g ? attack : release);
        }
        double l = left * g, r = right * g, n = i + 1;
        const float yl = (float)((m[0] + step[0] * n) * l + (m[1] + step[1] * n) * r);
        const float yr = (float)((m[2] + step[2] * n) * l + (m[3] + step[3] * n) * r);
        c->mix_left[offset + i] = yl;
        c->mix_right[offset + i] = yr;
        peak_l = max_numf(peak_l, fabsf(yl));
        peak_r = max_numf(peak_r, fabsf(yr));
        sum_l += yl * yl;
        sum_r += yr * yr;
    }
    s[24] = g;
    float *meter = c->meters + row;
    meter[0] = max_numf(meter[0], peak_l);
    meter[rows] = max_numf(meter[rows], peak_r);
    meter[2 * rows] = (float)(meter[2 * rows] + sum_l);
    meter[3 * rows] = (float)(meter[3 * rows] + sum_r);
    for (int k = 0; k < 25; k++) {
        if (!isfinite(s[k])) {
            memset(s, 0, 25 * sizeof(double));
            s[24] = 1;
            return 1;
        }
        if (fabs(s[k]) < 1e-30) s[k] = 0;
    }
    return 0;
}

static const char *const ISA_NAMES[] = {"baseline", "avx2", "avx512"};
static const tracks_fn TRACKS[] = {process_tracks_baseline, process_tracks_avx2, process_tracks_avx512};
static const ingest_fn INGESTS[] = {ingest_baseline, ingest_avx2, ingest_avx512};

/* The best code this CPU runs: 2 = AVX-512, 1 = AVX2 + FMA, 0 = baseline x86-64. */
static int supported_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("fma")
        && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2")) {
        return 2;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2")) {
        return 1;
    }
    return 0;
}

static volatile int chosen_level = -1;

/* The code both kernels run: the best supported, unless limited (limitIsa, for tests and diagnosis). */
int dawg_isa_level(void) {
    int level = chosen_level;
    if (level < 0) {
        level = supported_level();
        chosen_level = level;
    }
    return level;
}

const char *dawg_chosen_isa(void) {
    return ISA_NAMES[dawg_isa_level()];
}

JNIEXPORT void JNICALL Java_cloud_dawg_dsp_backend_jni_NativeMixKernel_process(
        JNIEnv *env, jclass cls, jlong address, jint offset, jint frames, jint live_rows, jboolean master) {
    (void)env; (void)cls;
    const context c = unpack(address);
    const unsigned int csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040); /* FTZ + DAZ for this call only: no denormal ever slows a tail */
    const double fs = (double)c.sample_rate;
    const float attack = (float)(1 - exp(-1 / (0.003 * fs))), release = (float)(1 - exp(-1 / (0.1 * fs)));
    TRACKS[dawg_isa_level()](&c, offset, frames, live_rows, attack, release);
    if (master && process_master(&c, offset, frames)) {
        c.resets[c.master_row]++;
    }
    _mm_setcsr(csr);
}

JNIEXPORT jlong JNICALL Java_cloud_dawg_dsp_backend_jni_NativeMixKernel_ingest(
        JNIEnv *env, jclass cls, jlong address, jint frames, jint live_rows) {
    (void)env; (void)cls;
    const context c = unpack(address);
    return INGESTS[dawg_isa_level()](&c, frames, live_rows);
}

JNIEXPORT void JNICALL Java_cloud_dawg_dsp_backend_jni_NativeMixKernel_reset(
        JNIEnv *env, jclass cls, jlong address, jint row) {
    (void)env; (void)cls;
    const context c = unpack(address);
    if (row == c.master_row) {
        memset(c.master, 0, 25 * sizeof(double));
        c.master[24] = 1;
    } else {
        reset_row(&c, row);
    }
}

JNIEXPORT jstring JNICALL Java_cloud_dawg_dsp_backend_jni_NativeMixKernel_isa(JNIEnv *env, jclass cls) {
    (void)cls;
    return (*env)->NewStringUTF(env, dawg_chosen_isa());
}

JNIEXPORT jint JNICALL Java_cloud_dawg_dsp_backend_jni_NativeMixKernel_supportedIsa(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return supported_level();
}

/* Uses at most the given level from the next call on (never more than the CPU supports); returns the level used. */
JNIEXPORT jint JNICALL Java_cloud_dawg_dsp_backend_jni_NativeMixKernel_limitIsa(JNIEnv *env, jclass cls, jint most) {
    (void)env; (void)cls;
    const int supported = supported_level();
    chosen_level = most < supported ? (most < 0 ? 0 : most) : supported;
    return chosen_level;
}
