/*
 * Native mix kernel: every track's channel strip, the bus and the master strip for one chunk,
 * in one JNI call, on memory owned by Java (see NativeMixKernel.java and MixLayout.java).
 *
 * Tracks sit in SIMD lanes exactly as in the Java Vector API backend. The code is written
 * once with GCC vector extensions of 16 floats and compiled three times (target_clones): for
 * x86-64-v4 (AVX-512) one register per vector, for x86-64-v3 (AVX2 + FMA) two, for baseline
 * x86-64 four; the loader picks the clone for the CPU it runs on.
 */
#include <jni.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <xmmintrin.h>
#include "cloud_dawg_dsp_backend_jni_NativeMixKernel.h"

#define K(name) cloud_dawg_dsp_backend_jni_NativeMixKernel_##name
#define LANES K(LANES)
#define COMPONENTS K(STATE_COMPONENTS)

typedef float vf __attribute__((vector_size(64), aligned(64)));
typedef int32_t vi __attribute__((vector_size(64), aligned(64)));

#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define INLINE static inline __attribute__((always_inline))

INLINE vf splat(float x) { return (vf){0} + x; }
INLINE vf load(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
INLINE void store(float *p, vf v) { memcpy(p, &v, sizeof v); }
INLINE vf vabs(vf x) { return (vf)((vi)x & 0x7fffffff); }
INLINE vf blend(vf no, vf yes, vi mask) { return (vf)(((vi)no & ~mask) | ((vi)yes & mask)); }
INLINE vf vmax(vf a, vf b) { return blend(a, b, b > a); }
INLINE vi not_finite(vf x) { return ((vi)x & 0x7f800000) == 0x7f800000; }
INLINE vf flush(vf x) { return blend(x, splat(0.0f), vabs(x) < 1e-30f); }

typedef struct {
    const float *in_left, *in_right;
    float *out_left, *out_right, *mix_left, *mix_right;
    const float *fp;
    const double *dp;
    float *state;
    double *master;
    int32_t *resets;
    float *bus;
    int64_t stride, rows, master_row, sample_rate;
} context;

static context unpack(jlong address) {
    const int64_t *c = (const int64_t *)(intptr_t)address;
    context x;
    x.in_left = (const float *)(intptr_t)c[K(CTX_IN_LEFT)];
    x.in_right = (const float *)(intptr_t)c[K(CTX_IN_RIGHT)];
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
    x.stride = c[K(CTX_STRIDE)];
    x.rows = c[K(CTX_ROWS)];
    x.master_row = c[K(CTX_MASTER_ROW)];
    x.sample_rate = c[K(CTX_SAMPLE_RATE)];
    return x;
}

/* One trapezoidal SVF stage with the output mix: the float32 realisation of an RBJ biquad. */
#define SVF(x, s1, s2, a1, a2, a3, m0, m1, m2) do {                 \
        vf v3 = (x) - (s2);                                         \
        vf v1 = (s1) + (a1) * (s1) + (a2) * v3; /* a1 holds a1 - 1 */                            \
        vf v2 = (s2) + (a2) * (s1) + (a3) * v3;                     \
        (s1) = v1 + v1 - (s1);                                      \
        (s2) = v2 + v2 - (s2);                                      \
        (x) = (m0) * (x) + (m1) * v1 + (m2) * v2;                   \
    } while (0)

static void reset_row(const context *c, int64_t row) {
    for (int k = 0; k < COMPONENTS; k++) {
        c->state[k * c->stride + row] = 0.0f;
    }
    c->state[12 * c->stride + row] = 1.0f; /* compressor gain (hi) */
}

CLONES
static void process_group(const context *c, int64_t group, int offset, int frames, int first_group,
                          float attack, float release) {
    const int64_t rows = c->rows, stride = c->stride;
    const float *fp = c->fp + group;
#define P(col) load(fp + (int64_t)(col) * rows)
    const vf la1 = P(K(F_SVF)), la2 = P(K(F_SVF) + 1), la3 = P(K(F_SVF) + 2),
             lm0 = P(K(F_SVF) + 3), lm1 = P(K(F_SVF) + 4), lm2 = P(K(F_SVF) + 5);
    const vf ma1 = P(K(F_SVF) + 6), ma2 = P(K(F_SVF) + 7), ma3 = P(K(F_SVF) + 8),
             mm0 = P(K(F_SVF) + 9), mm1 = P(K(F_SVF) + 10), mm2 = P(K(F_SVF) + 11);
    const vf ha1 = P(K(F_SVF) + 12), ha2 = P(K(F_SVF) + 13), ha3 = P(K(F_SVF) + 14),
             hm0 = P(K(F_SVF) + 15), hm1 = P(K(F_SVF) + 16), hm2 = P(K(F_SVF) + 17);
    const vi engaged = P(K(F_COMP_ENGAGED)) != 0.0f;
    const vf threshold = P(K(F_COMP_THRESHOLD)), slope = P(K(F_COMP_SLOPE));
    const vf bll = P(K(F_MATRIX_BASE)), blr = P(K(F_MATRIX_BASE) + 1),
             brl = P(K(F_MATRIX_BASE) + 2), brr = P(K(F_MATRIX_BASE) + 3);
    const vf sll = P(K(F_MATRIX_STEP)), slr = P(K(F_MATRIX_STEP) + 1),
             srl = P(K(F_MATRIX_STEP) + 2), srr = P(K(F_MATRIX_STEP) + 3);
#undef P
    vi moving = (sll != 0.0f) | (slr != 0.0f) | (srl != 0.0f) | (srr != 0.0f);
    int ramping = 0;
    for (int l = 0; l < LANES; l++) ramping |= moving[l];

    float *st = c->state + group;
#define S(k) load(st + (int64_t)(k) * stride)
    vf l1a = S(0), l1b = S(1), l2a = S(2), l2b = S(3), l3a = S(4), l3b = S(5);
    vf r1a = S(6), r1b = S(7), r2a = S(8), r2b = S(9), r3a = S(10), r3b = S(11);
    vf ghi = S(12), glo = S(13);
#undef S
    const vf one = splat(1.0f), quiet_rate = splat(0.003f);
    const vf attack_rate = splat(attack), release_rate = splat(release);

    for (int i = 0; i < frames; i++) {
        const int64_t at = (int64_t)(offset + i) * stride + group;
        vf left = load(c->in_left + at);
        SVF(left, l1a, l1b, la1, la2, la3, lm0, lm1, lm2);
        SVF(left, l2a, l2b, ma1, ma2, ma3, mm0, mm1, mm2);
        SVF(left, l3a, l3b, ha1, ha2, ha3, hm0, hm1, hm2);
        vf right = load(c->in_right + at);
        SVF(right, r1a, r1b, la1, la2, la3, lm0, lm1, lm2);
        SVF(right, r2a, r2b, ma1, ma2, ma3, mm0, mm1, mm2);
        SVF(right, r3a, r3b, ha1, ha2, ha3, hm0, hm1, hm2);

        vf level = vmax(vabs(left), vabs(right));
        vi quiet = (level < 0.001f) | ~engaged;
        vf reduced = one / ((level - threshold) * slope + one);
        vf target = blend(blend(one, reduced, level > threshold), one, quiet);
        vf rate = blend(blend(release_rate, attack_rate, target < ghi), quiet_rate, quiet);
        vf delta = (target - ghi - glo) * rate + glo;
        vf sum = ghi + delta;
        glo = delta - (sum - ghi); /* Fast2Sum: the gain keeps ~48 bits, so slow releases never stall */
        ghi = sum;
        left *= ghi;
        right *= ghi;

        vf mll = bll, mlr = blr, mrl = brl, mrr = brr;
        if (ramping) {
            vf n = splat((float)(i + 1));
            mll = sll * n + bll; mlr = slr * n + blr; mrl = srl * n + brl; mrr = srr * n + brr;
        }
        vf yl = mll * left + mlr * right;
        vf yr = mrl * left + mrr * right;
        store(c->out_left + at, yl);
        store(c->out_right + at, yr);
        float *bl = c->bus + (int64_t)i * LANES;
        float *br = bl + (int64_t)LANES * K(BUS_FRAMES);
        if (first_group) {
            store(bl, yl);
            store(br, yr);
        } else {
            store(bl, load(bl) + yl);
            store(br, load(br) + yr);
        }
    }

    vi bad = not_finite(l1a) | not_finite(l1b) | not_finite(l2a) | not_finite(l2b) | not_finite(l3a)
           | not_finite(l3b) | not_finite(r1a) | not_finite(r1b) | not_finite(r2a) | not_finite(r2b)
           | not_finite(r3a) | not_finite(r3b) | not_finite(ghi) | not_finite(glo);
    vf out[COMPONENTS] = {flush(l1a), flush(l1b), flush(l2a), flush(l2b), flush(l3a), flush(l3b),
                          flush(r1a), flush(r1b), flush(r2a), flush(r2b), flush(r3a), flush(r3b),
                          ghi, flush(glo)};
    for (int k = 0; k < COMPONENTS; k++) {
        store(st + (int64_t)k * stride, out[k]);
    }
    for (int l = 0; l < LANES; l++) {
        if (bad[l]) {
            reset_row(c, group + l);
            c->resets[group + l]++;
        }
    }
}

/* The master strip: one strip, in double, literally the reference (Direct Form I). */
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
    for (int i = offset; i < offset + frames; i++) {
        double side[2] = {c->mix_left[i], c->mix_right[i]};
        for (int ch = 0; ch < 2; ch++) {
            double x = side[ch];
            for (int stage = 0; stage < 3; stage++) {
                double *q = s + ch * 12 + stage * 4;
                const double *k = b + stage * 5;
                double y = k[0] * x + k[1] * q[0] + k[2] * q[1] - k[3] * q[2] - k[4] * q[3];
                q[1] = q[0]; q[0] = x; q[3] = q[2]; q[2] = y;
                x = y;
            }
            side[ch] = x;
        }
        double level = fmax(fabs(side[0]), fabs(side[1]));
        double g = s[24];
        if (!engaged || level < 0.001) {
            g += (1 - g) * 0.003;
        } else {
            double target = 1.0;
            if (level > threshold) target = 1.0 / (1.0 + ((level - threshold) / threshold) / ratio);
            g += (target - g) * (target < g ? attack : release);
        }
        s[24] = g;
        double l = side[0] * g, r = side[1] * g, n = i - offset + 1;
        c->mix_left[i] = (float)((m[0] + step[0] * n) * l + (m[1] + step[1] * n) * r);
        c->mix_right[i] = (float)((m[2] + step[2] * n) * l + (m[3] + step[3] * n) * r);
    }
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

CLONES
static void sum_bus(const context *c, int offset, int frames) {
    for (int i = 0; i < frames; i++) {
        const float *bl = c->bus + (int64_t)i * LANES, *br = bl + (int64_t)LANES * K(BUS_FRAMES);
        float l = 0, r = 0;
        for (int k = 0; k < LANES; k++) { l += bl[k]; r += br[k]; }
        c->mix_left[offset + i] = l;
        c->mix_right[offset + i] = r;
    }
}

JNIEXPORT void JNICALL Java_cloud_dawg_dsp_backend_jni_NativeMixKernel_process(
        JNIEnv *env, jclass cls, jlong address, jint offset, jint frames, jint live_rows) {
    (void)env; (void)cls;
    const context c = unpack(address);
    const unsigned int csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040); /* FTZ + DAZ for this call only: no denormal ever slows a tail */
    const double fs = (double)c.sample_rate;
    const float attack = (float)(1 - exp(-1 / (0.003 * fs))), release = (float)(1 - exp(-1 / (0.1 * fs)));
    if (live_rows == 0) {
        memset(c.bus, 0, (size_t)frames * LANES * sizeof(float));
        memset(c.bus + (int64_t)LANES * K(BUS_FRAMES), 0, (size_t)frames * LANES * sizeof(float));
    }
    for (int64_t group = 0; group < live_rows; group += LANES) {
        process_group(&c, group, offset, frames, group == 0, attack, release);
    }
    sum_bus(&c, offset, frames);
    if (process_master(&c, offset, frames)) {
        c.resets[c.master_row]++;
    }
    _mm_setcsr(csr);
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
    __builtin_cpu_init();
    const char *isa = "baseline";
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd")) {
        isa = "avx512";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        isa = "avx2";
    }
    return (*env)->NewStringUTF(env, isa);
}
