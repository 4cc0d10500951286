/*
 * The tracks part of the native mix kernel: every track's strip and the bus partial sums, with
 * tracks in SIMD lanes exactly as in the Java Vector API backend. Written once with GCC vector
 * extensions and compiled per ISA (see mix_kernel.h) with vectors as wide as its registers
 * (vectors.h): a group of 16 tracks is one sub-group on AVX-512, two on AVX2, four on baseline.
 */
#include <string.h>
#include <immintrin.h>
#include "mix_kernel.h"
#include "vectors.h"

_Static_assert(LANES == GROUP, "the Java layout's lane padding is the kernels' group of 16 rows");

INLINE vf vabs(vf x) { return (vf)((vi)x & 0x7fffffff); }
INLINE vf blend(vf no, vf yes, vi mask) { return (vf)(((vi)no & ~mask) | ((vi)yes & mask)); }
/* b > a ? b : a, NaN and signed zeros included: what MAXPS does with b first (one instruction, not three) */
INLINE vf vmax(vf a, vf b) {
#if W == 16
    return (vf)_mm512_max_ps((__m512)b, (__m512)a);
#elif W == 8
    return (vf)_mm256_max_ps((__m256)b, (__m256)a);
#else
    return (vf)_mm_max_ps((__m128)b, (__m128)a);
#endif
}
INLINE vi not_finite(vf x) { return ((vi)x & 0x7f800000) == 0x7f800000; }
INLINE vf flush(vf x) { return blend(x, splat(0.0f), vabs(x) < 1e-30f); }

/* One trapezoidal SVF stage with the output mix: the float32 realisation of an RBJ biquad. */
#define SVF(x, s1, s2, a1, a2, a3, m0, m1, m2) do {                 \
        vf v3 = (x) - (s2);                                         \
        vf v1 = (s1) + (a1) * (s1) + (a2) * v3; /* a1 holds a1 - 1 */                            \
        vf v2 = (s2) + (a2) * (s1) + (a3) * v3;                     \
        (s1) = v1 + v1 - (s1);                                      \
        (s2) = v2 + v2 - (s2);                                      \
        (x) = (m0) * (x) + (m1) * v1 + (m2) * v2;                   \
    } while (0)

#ifdef DEFINE_RESET_ROW
void reset_row(const context *c, int64_t row) {
    for (int k = 0; k < COMPONENTS; k++) {
        c->state[k * c->stride + row] = 0.0f;
    }
    c->state[12 * c->stride + row] = 1.0f; /* compressor gain (hi) */
}
#endif

/*
 * Low shelf, peak and high shelf for both sides of one group, into scratch (one vector per frame
 * and side). Both sides run in one loop: each side is a chain of dependent operations, so
 * interleaving the two lets the CPU overlap them (per lane the arithmetic is unchanged).
 */
static void equalise(const context *c, int64_t group, int offset, int frames, float *out_left, float *out_right) {
    const int64_t rows = c->rows, stride = c->stride;
    const float *fp = c->fp + group;
#define P(col) load(fp + (int64_t)(col) * rows)
    const vf la1 = P(K(F_SVF)), la2 = P(K(F_SVF) + 1), la3 = P(K(F_SVF) + 2),
             lm0 = P(K(F_SVF) + 3), lm1 = P(K(F_SVF) + 4), lm2 = P(K(F_SVF) + 5);
    const vf ma1 = P(K(F_SVF) + 6), ma2 = P(K(F_SVF) + 7), ma3 = P(K(F_SVF) + 8),
             mm0 = P(K(F_SVF) + 9), mm1 = P(K(F_SVF) + 10), mm2 = P(K(F_SVF) + 11);
    const vf ha1 = P(K(F_SVF) + 12), ha2 = P(K(F_SVF) + 13), ha3 = P(K(F_SVF) + 14),
             hm0 = P(K(F_SVF) + 15), hm1 = P(K(F_SVF) + 16), hm2 = P(K(F_SVF) + 17);
#undef P
    /* state: left stages at components 0..5, right at 6..11 */
    float *sl = c->state + group, *sr = c->state + group + 6 * stride;
    /* each stage's last two inputs and outputs per side, for the retune after an EQ change (SvfRetune.java) */
    float *hl = c->state + group + (int64_t)K(HISTORY) * stride, *hr = hl + 8 * stride;
    if (frames == 1) {
        for (int s = 0; s < 4; s++) {
            store(hl + (2 * s + 1) * stride, load(hl + 2 * s * stride));
            store(hr + (2 * s + 1) * stride, load(hr + 2 * s * stride));
        }
    }
    vf l1a = load(sl), l1b = load(sl + stride), l2a = load(sl + 2 * stride),
       l2b = load(sl + 3 * stride), l3a = load(sl + 4 * stride), l3b = load(sl + 5 * stride);
    vf r1a = load(sr), r1b = load(sr + stride), r2a = load(sr + 2 * stride),
       r2b = load(sr + 3 * stride), r3a = load(sr + 4 * stride), r3b = load(sr + 5 * stride);
    /*
     * Software-pipelined: each iteration runs the low band of frame i, the mid band of frame
     * i - 1 and the high band of frame i - 2. The three are independent, so the CPU overlaps
     * them; frame by frame, each band waited for the one before, and a session of a few tracks
     * (a stem) was bound by that latency. Per lane the arithmetic is unchanged. Stage outputs pass
     * through the scratch rows; the last two frames' inputs and outputs go to the retune history.
     */
#define AGE(f) ((f) == frames - 1 ? 0 : 1)
#define LOW(f) do {                                                                          \
        const int64_t at = (int64_t)(offset + (f)) * stride + group;                         \
        vf xl = load(c->in_left + at), xr = load(c->in_right + at);                          \
        if ((f) >= frames - 2) { store(hl + AGE(f) * stride, xl); store(hr + AGE(f) * stride, xr); } \
        SVF(xl, l1a, l1b, la1, la2, la3, lm0, lm1, lm2);                                     \
        SVF(xr, r1a, r1b, la1, la2, la3, lm0, lm1, lm2);                                     \
        STAGE_OUT(f, 2);                                                                     \
    } while (0)
#define BAND(f, history, a, b, ra, rb, k1, k2, k3, n0, n1, n2) do {                          \
        vf xl = load(out_left + (int64_t)(f) * W), xr = load(out_right + (int64_t)(f) * W);   \
        SVF(xl, a, b, k1, k2, k3, n0, n1, n2);                                               \
        SVF(xr, ra, rb, k1, k2, k3, n0, n1, n2);                                             \
        STAGE_OUT(f, history);                                                               \
    } while (0)
#define STAGE_OUT(f, history) do {                                                           \
        store(out_left + (int64_t)(f) * W, xl);                                              \
        store(out_right + (int64_t)(f) * W, xr);                                             \
        if ((f) >= frames - 2) {                                                             \
            store(hl + ((history) + AGE(f)) * stride, xl);                                   \
            store(hr + ((history) + AGE(f)) * stride, xr);                                   \
        }                                                                                    \
    } while (0)
#define MID(f) BAND(f, 4, l2a, l2b, r2a, r2b, ma1, ma2, ma3, mm0, mm1, mm2)
#define HIGH(f) BAND(f, 6, l3a, l3b, r3a, r3b, ha1, ha2, ha3, hm0, hm1, hm2)
    PIPELINED_STAGES(frames);
#undef HIGH
#undef MID
#undef STAGE_OUT
#undef BAND
#undef LOW
#undef AGE
    store(sl, l1a); store(sl + stride, l1b); store(sl + 2 * stride, l2a);
    store(sl + 3 * stride, l2b); store(sl + 4 * stride, l3a); store(sl + 5 * stride, l3b);
    store(sr, r1a); store(sr + stride, r1b); store(sr + 2 * stride, r2a);
    store(sr + 3 * stride, r2b); store(sr + 4 * stride, r3a); store(sr + 5 * stride, r3b);
}

/*
 * Whether any matrix of the 16-track group containing these lanes is ramping. Decided per group,
 * not per sub-group, so that every ISA takes the same branch for a lane (the ramped form turns a
 * -0 coefficient into +0).
 */
static int group_ramping(const context *c, int64_t group) {
    const float *step = c->fp + group / GROUP * GROUP + (int64_t)K(F_MATRIX_STEP) * c->rows;
    int moving = 0;
    for (int k = 0; k < 4; k++) {
        for (int l = 0; l < GROUP; l++) moving |= step[k * c->rows + l] != 0.0f;
    }
    return moving;
}

/*
 * Compressor (one gain per track), output matrix, track outputs and bus partial sums. The bus
 * keeps 16 partial sums per frame (one per lane of a 16-track group) on every ISA.
 */
static void dynamics(const context *c, int64_t group, int offset, int frames, int first_group,
                     float attack, float release, const float *eq_left, const float *eq_right) {
    const int64_t rows = c->rows, stride = c->stride;
    const float *fp = c->fp + group;
#define P(col) load(fp + (int64_t)(col) * rows)
    const vi engaged = P(K(F_COMP_ENGAGED)) != 0.0f;
    const vf threshold = P(K(F_COMP_THRESHOLD)), slope = P(K(F_COMP_SLOPE));
    const vf bll = P(K(F_MATRIX_BASE)), blr = P(K(F_MATRIX_BASE) + 1),
             brl = P(K(F_MATRIX_BASE) + 2), brr = P(K(F_MATRIX_BASE) + 3);
    const vf sll = P(K(F_MATRIX_STEP)), slr = P(K(F_MATRIX_STEP) + 1),
             srl = P(K(F_MATRIX_STEP) + 2), srr = P(K(F_MATRIX_STEP) + 3);
#undef P
    const int ramping = group_ramping(c, group);
    float *st = c->state + group;
    vf ghi = load(st + 12 * stride), glo = load(st + 13 * stride);
    const vf one = splat(1.0f), quiet_rate = splat(0.003f);
    const vf attack_rate = splat(attack), release_rate = splat(release);
    vf peak_l = splat(0.0f), peak_r = splat(0.0f), sum_l = splat(0.0f), sum_r = splat(0.0f);
    for (int i = 0; i < frames; i++) {
        const int64_t at = (int64_t)(offset + i) * stride + group;
        vf left = load(eq_left + (int64_t)i * W), right = load(eq_right + (int64_t)i * W);
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
        peak_l = vmax(peak_l, vabs(yl));
        peak_r = vmax(peak_r, vabs(yr));
        sum_l += yl * yl;
        sum_r += yr * yr;
        float *bl = c->bus + (int64_t)i * GROUP + group % GROUP;
        float *br = bl + (int64_t)GROUP * K(BUS_FRAMES);
        if (first_group) {
            store(bl, yl);
            store(br, yr);
        } else {
            store(bl, load(bl) + yl);
            store(br, load(br) + yr);
        }
    }
    store(st + 12 * stride, ghi);
    store(st + 13 * stride, glo);
    float *m = c->meters + group;
    store(m, vmax(load(m), peak_l));
    store(m + rows, vmax(load(m + rows), peak_r));
    store(m + 2 * rows, load(m + 2 * rows) + sum_l);
    store(m + 3 * rows, load(m + 3 * rows) + sum_r);
}

/*
 * Input is cleaned as MixEngine.writeInput cleans it in Java: NaN and infinities become 0 (and
 * are counted), anything below 1e-30 in magnitude becomes 0, and a finite sample of 2^20 or more
 * is reported as huge.
 */
#define TINY_BITS 0x0da24260         /* the bits of 1e-30f */
#define BIG_BITS ((127 + 20) << 23)  /* the bits of 2^20 */
#define INFINITE_BITS 0x7f800000

INLINE vf clean(vf x, vi *bad_count, vi *huge_lanes) {
    const vi bits = (vi)x & 0x7fffffff;
    const vi bad = bits >= INFINITE_BITS;
    *huge_lanes |= (bits >= BIG_BITS) & ~bad;
    *bad_count -= bad;
    return blend(x, splat(0.0f), bad | (bits < TINY_BITS));
}

/* Frames [from, frames) of one side of one row from planar staging into the frame-major input. */
static int32_t ingest_side(const float *src, float *dst, int64_t stride, int from, int frames, int *huge) {
    vi bad_count = (vi){0}, huge_lanes = (vi){0};
    int i = from;
    for (; i + W <= frames; i += W) {
        const vf y = clean(load(src + i), &bad_count, &huge_lanes);
        for (int j = 0; j < W; j++) dst[(int64_t)(i + j) * stride] = y[j];
    }
    int32_t replaced = 0;
    for (int j = 0; j < W; j++) {
        replaced += bad_count[j];
        *huge |= huge_lanes[j] != 0;
    }
    for (; i < frames; i++) {
        int32_t bits;
        memcpy(&bits, src + i, 4);
        bits &= 0x7fffffff;
        const int bad = bits >= INFINITE_BITS;
        replaced += bad;
        *huge |= bits >= BIG_BITS && !bad;
        dst[(int64_t)i * stride] = bad || bits < TINY_BITS ? 0.0f : src[i];
    }
    return replaced;
}

/* W vectors of W floats transposed in registers: row k's frame j becomes frame j's row k. */
INLINE void transpose(vf *v) {
#if W == 16
    /* 32-bit, 64-bit, then two 128-bit interleaves: 64 shuffles for 256 floats */
    __m512 r[16], t[16];
    for (int k = 0; k < 16; k++) r[k] = (__m512)v[k];
    for (int k = 0; k < 16; k += 2) {
        t[k] = _mm512_unpacklo_ps(r[k], r[k + 1]);
        t[k + 1] = _mm512_unpackhi_ps(r[k], r[k + 1]);
    }
    for (int k = 0; k < 16; k += 4) {
        r[k] = (__m512)_mm512_unpacklo_pd((__m512d)t[k], (__m512d)t[k + 2]);
        r[k + 1] = (__m512)_mm512_unpackhi_pd((__m512d)t[k], (__m512d)t[k + 2]);
        r[k + 2] = (__m512)_mm512_unpacklo_pd((__m512d)t[k + 1], (__m512d)t[k + 3]);
        r[k + 3] = (__m512)_mm512_unpackhi_pd((__m512d)t[k + 1], (__m512d)t[k + 3]);
    }
    for (int k = 0; k < 16; k += 8) {
        for (int j = 0; j < 4; j++) {
            t[k + j] = _mm512_shuffle_f32x4(r[k + j], r[k + 4 + j], 0x88);
            t[k + 4 + j] = _mm512_shuffle_f32x4(r[k + j], r[k + 4 + j], 0xdd);
        }
    }
    for (int m = 0; m < 8; m++) {
        v[m] = (vf)_mm512_shuffle_f32x4(t[m], t[8 + m], 0x88);
        v[m + 8] = (vf)_mm512_shuffle_f32x4(t[m], t[8 + m], 0xdd);
    }
#elif W == 8
    __m256 r[8], t[8];
    for (int k = 0; k < 8; k++) r[k] = (__m256)v[k];
    for (int k = 0; k < 8; k += 2) {
        t[k] = _mm256_unpacklo_ps(r[k], r[k + 1]);
        t[k + 1] = _mm256_unpackhi_ps(r[k], r[k + 1]);
    }
    for (int k = 0; k < 8; k += 4) {
        r[k] = _mm256_shuffle_ps(t[k], t[k + 2], 0x44);
        r[k + 1] = _mm256_shuffle_ps(t[k], t[k + 2], 0xee);
        r[k + 2] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0x44);
        r[k + 3] = _mm256_shuffle_ps(t[k + 1], t[k + 3], 0xee);
    }
    for (int k = 0; k < 4; k++) {
        v[k] = (vf)_mm256_permute2f128_ps(r[k], r[k + 4], 0x20);
        v[k + 4] = (vf)_mm256_permute2f128_ps(r[k], r[k + 4], 0x31);
    }
#else
    __m128 a = (__m128)v[0], b = (__m128)v[1], c = (__m128)v[2], d = (__m128)v[3];
    _MM_TRANSPOSE4_PS(a, b, c, d);
    v[0] = (vf)a; v[1] = (vf)b; v[2] = (vf)c; v[3] = (vf)d;
#endif
}

/*
 * One side of W whole rows: W frames of W rows at a time, transposed in registers, so each
 * frame is one vector store (strided scalar stores were a quarter of a 64-track block).
 */
static int64_t ingest_rows(const float *src, float *dst, int64_t stride, int64_t max_frames, int frames,
                           int32_t *replaced, int *huge) {
    vi bad_count = (vi){0}, huge_lanes = (vi){0};
    const int whole = frames / W * W;
    for (int i = 0; i < whole; i += W) {
        vf v[W];
        for (int k = 0; k < W; k++) v[k] = load(src + k * max_frames + i);
        transpose(v);
        for (int k = 0; k < W; k++) store(dst + (int64_t)(i + k) * stride, clean(v[k], &bad_count, &huge_lanes));
    }
    int64_t total = 0;
    for (int k = 0; k < W; k++) {
        const int32_t n = bad_count[k] + ingest_side(src + k * max_frames, dst + k, stride, whole, frames, huge);
        replaced[k] += n;
        total += n;
        *huge |= huge_lanes[k] != 0;
    }
    return total;
}

/* The block's input of every live row: returns the samples replaced, with bit 32 set if any was huge. */
int64_t NAMED(ingest, ISA)(const context *c, int frames, int live_rows) {
    int huge = 0;
    int64_t row = 0, total = 0;
    for (; row + W <= live_rows; row += W) { /* the last rows may lack staging: they go one by one */
        const int64_t from = row * c->max_frames;
        total += ingest_rows(c->staged_left + from, c->in_left + row, c->stride, c->max_frames, frames, c->replaced + row, &huge)
               + ingest_rows(c->staged_right + from, c->in_right + row, c->stride, c->max_frames, frames, c->replaced + row, &huge);
    }
    for (; row < live_rows; row++) {
        const int64_t from = row * c->max_frames;
        const int32_t n = ingest_side(c->staged_left + from, c->in_left + row, c->stride, 0, frames, &huge)
                        + ingest_side(c->staged_right + from, c->in_right + row, c->stride, 0, frames, &huge);
        c->replaced[row] += n;
        total += n;
    }
    return total | (int64_t)huge << 32;
}

/* Resets lanes whose state went non-finite; flushes tiny state so no denormal ever forms. */
static void sanitise(const context *c, int64_t group) {
    float *st = c->state + group;
    vi bad = (vi){0};
    for (int k = 0; k < COMPONENTS; k++) {
        vf v = load(st + (int64_t)k * c->stride);
        bad |= not_finite(v);
        if (k != 12) store(st + (int64_t)k * c->stride, flush(v));
    }
    for (int l = 0; l < W; l++) {
        if (bad[l]) {
            reset_row(c, group + l);
            c->resets[group + l]++;
        }
    }
}

static void process_group(const context *c, int64_t group, int offset, int frames, int first_group,
                          float attack, float release) {
    float *eq_left = c->bus + (int64_t)2 * GROUP * K(BUS_FRAMES);
    float *eq_right = eq_left + (int64_t)GROUP * K(BUS_FRAMES);
    equalise(c, group, offset, frames, eq_left, eq_right);
    dynamics(c, group, offset, frames, first_group, attack, release, eq_left, eq_right);
    sanitise(c, group);
}

void NAMED(process_tracks, ISA)(const context *c, int offset, int frames, int live_rows, float attack, float release) {
    /* sub-groups past the last live row hold only free slots (silent): skipped */
    const int64_t used = ((int64_t)live_rows + W - 1) / W * W;
    for (int64_t group = 0; group < used; group += W) {
        process_group(c, group, offset, frames, group < GROUP, attack, release);
    }
    float *bl = c->bus, *br = c->bus + (int64_t)GROUP * K(BUS_FRAMES);
    for (int64_t k = used; k < GROUP; k += W) { /* the partial sums those silent lanes would have started */
        for (int i = 0; i < frames; i++) {
            store(bl + (int64_t)i * GROUP + k, splat(0.0f));
            store(br + (int64_t)i * GROUP + k, splat(0.0f));
        }
    }
    for (int i = 0; i < frames; i++) {
        const float sl = sum16(bl + (int64_t)i * GROUP), sr = sum16(br + (int64_t)i * GROUP);
        c->mix_left[offset + i] = sl;
        c->mix_right[offset + i] = sr;
    }
}
