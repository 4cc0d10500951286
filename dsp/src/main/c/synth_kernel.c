/*
 * The native synth kernel: voices in lanes exactly as in the Java Vector API backend, written
 * once with GCC vector extensions and compiled per ISA with vectors as wide as its registers
 * (vectors.h: a group of 16 voice slots is one sub-group on AVX-512, two on AVX2, four on
 * baseline); table samples come from plain loads on every ISA (see gather_pair). Envelope
 * segments end where the layout says and move on by the same copies as SynthLayout.endSegment,
 * so stages change on the same frame with the same values in every backend.
 */
#include <string.h>
#include <immintrin.h>
#include "synth_kernel.h"
#include "vectors.h"

#define LANES SK(LANES)
_Static_assert(LANES == GROUP, "the Java layout's lane padding is the kernels' group of 16 rows");

/*
 * t[index] and t[index + 1] for every lane, each pair fetched as one unaligned 64-bit element and
 * split by in-lane shuffles. PAIRS(j, k) loads lane j's pair and lane k's pair into one 128-bit
 * register.
 *
 * Each pair is a plain 64-bit load, not a gather element. On AMD EPYC with AVX-512 (Zen 5),
 * sixteen loads beat two 8-lane 64-bit gathers by 1.5x (120-133 against 184-194 ns per
 * voice-block, 3 of 3 alternating runs of `dawg bench synth`); without AVX-512, eight loads beat
 * two 4-lane gathers by 18 % (7 of 7). The indices go through memory, one store and then one
 * plain 64-bit load per two lanes, split by a shift: extracting them from the register took a
 * two-uop extract and a sign extension each (13-17 % more ns per voice-block on AVX2, 5 of 5
 * alternating runs), and a 32-bit load per lane left the load ports as the kernel's bound (on
 * Zen 4 the 64-bit index loads took 9-11 % off the AVX-512 kernel and 5-10 % off the AVX2 one,
 * both builds alternating in one process: benchmarks/c/run-synth.sh).
 */
INLINE uint32_t lane_index(const uint64_t *two, int lane) {
    return lane & 1 ? (uint32_t)(two[lane / 2] >> 32) : (uint32_t)two[lane / 2];
}

INLINE __m128d pair_of_pairs(const float *t, const uint64_t *two, int j, int k) {
    return _mm_loadh_pd(_mm_load_sd((const double *)(t + lane_index(two, j))), (const double *)(t + lane_index(two, k)));
}
#define PAIRS(j, k) pair_of_pairs(t, two, j, k)

INLINE void gather_pair(const float *t, vi index, vf *lo, vf *hi) {
    vu at = (vu)index;
    __asm__("" : "+m"(at)); /* keeps it in memory: gcc would turn the loads back into extracts */
    uint64_t two[W / 2];
    memcpy(two, &at, sizeof two);
#if defined(__AVX512F__)
    /*
     * 256-bit registers of the pairs of lanes (0, 1, 4, 5), (8, 9, 12, 13) | (2, 3, 6, 7),
     * (10, 11, 14, 15), each pair put in its place by a merge-masked broadcast from memory (one
     * uop at this width), then joined, so that in-lane shuffles leave the even and the odd floats
     * in lane order. On Zen 5 masked broadcasts beat a load and a 128-bit insert per two pairs by
     * 1.2x (90-118 against 122-132 ns per voice-block, 6 of 6), on Zen 4 by about 2 % in this
     * layout; on Zen 4 these four 256-bit chains beat two 512-bit ones with two-source permutes
     * by 5 % (medians of 40 alternations each, benchmarks/c/run-synth.sh).
     */
    static const int lanes[4][4] = {{0, 1, 4, 5}, {8, 9, 12, 13}, {2, 3, 6, 7}, {10, 11, 14, 15}};
    __m256d q[4];
    for (int r = 0; r < 4; r++) q[r] = _mm256_setzero_pd();
    for (int j = 0; j < 4; j++) {
        for (int r = 0; r < 4; r++) {
            double x;
            memcpy(&x, t + lane_index(two, lanes[r][j]), 8);
            q[r] = _mm256_mask_broadcastsd_pd(q[r], (__mmask8)(1u << j), _mm_set_sd(x));
        }
    }
    const __m512 a = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(q[0]), q[1], 1));
    const __m512 b = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(q[2]), q[3], 1));
    const __m512 l = _mm512_shuffle_ps(a, b, 0x88), h = _mm512_shuffle_ps(a, b, 0xdd);
    memcpy(lo, &l, 64);
    memcpy(hi, &h, 64);
#elif defined(__AVX2__)
    /* pairs 0, 1, 4, 5 and 2, 3, 6, 7: the in-lane shuffles then leave even and odd floats in lane order */
    const __m256 a = _mm256_castpd_ps(_mm256_set_m128d(PAIRS(4, 5), PAIRS(0, 1)));
    const __m256 b = _mm256_castpd_ps(_mm256_set_m128d(PAIRS(6, 7), PAIRS(2, 3)));
    const __m256 l = _mm256_shuffle_ps(a, b, 0x88), h = _mm256_shuffle_ps(a, b, 0xdd);
    memcpy(lo, &l, 32);
    memcpy(hi, &h, 32);
#else
    /* baseline: the same plain 64-bit loads, two pairs per register */
    const __m128 a = _mm_castpd_ps(PAIRS(0, 1)), b = _mm_castpd_ps(PAIRS(2, 3));
    const __m128 l = _mm_shuffle_ps(a, b, 0x88), h = _mm_shuffle_ps(a, b, 0xdd);
    memcpy(lo, &l, 16);
    memcpy(hi, &h, 16);
#endif
}
#undef PAIRS

/* One oscillator: linear interpolation between the table samples either side of the phase. */
INLINE vf oscillator(const float *t, vi table, vu phase) {
    const vi index = table + (vi)(phase >> SK(PHASE_SHIFT));
    vf lo, hi;
    gather_pair(t, index, &lo, &hi);
    const vf frac = __builtin_convertvector((vi)(phase & ((1u << SK(PHASE_SHIFT)) - 1)), vf)
                    * (1.0f / (float)(1 << SK(PHASE_SHIFT)));
    return lo + (hi - lo) * frac;
}

#define AT(column, row) ((int64_t)(column) * c->rows + (row))

/* The same copies as SynthLayout.endSegment. */
static void end_segment(const synth_context *c, int64_t row) {
    int32_t *stage = &c->ints[AT(SK(I_STAGE), row)];
    int32_t decay_frames = (int32_t)c->constants[SK(C_DECAY_FRAMES)];
    int32_t next, frames;
    double start, slope;
    switch (*stage) {
        case SK(ATTACK):
            if (decay_frames > 0) {
                next = SK(DECAY); start = 1.0; slope = c->constants[SK(C_DECAY_SLOPE)]; frames = decay_frames;
            } else {
                next = SK(SUSTAIN); start = c->constants[SK(C_SUSTAIN)]; slope = 0; frames = SK(ENDLESS);
            }
            break;
        case SK(DECAY):
            next = SK(SUSTAIN); start = c->constants[SK(C_SUSTAIN)]; slope = 0; frames = SK(ENDLESS);
            break;
        case SK(RELEASE):
        case SK(FADING):
            next = SK(OFF); start = 0; slope = 0; frames = SK(ENDLESS);
            break;
        default:
            c->ints[AT(SK(I_LEFT), row)] = SK(ENDLESS);
            return;
    }
    *stage = next;
    c->ints[AT(SK(I_POS), row)] = 0;
    c->ints[AT(SK(I_LEFT), row)] = frames;
    c->doubles[AT(SK(D_START), row)] = start;
    c->doubles[AT(SK(D_SLOPE), row)] = slope;
}

/*
 * n frames of the W slots from {@code group} (a sub-group of a group of 16), inside which no
 * envelope segment of the group ends. The accumulator keeps 16 partial sums per frame.
 */
static void render_span(const synth_context *c, int64_t group, int at, int n) {
    float env_start[W] __attribute__((aligned(64))), env_slope[W] __attribute__((aligned(64)));
    for (int lane = 0; lane < W; lane++) {
        const int64_t row = group + lane;
        const double gain = c->doubles[AT(SK(D_GAIN), row)];
        const double start = c->doubles[AT(SK(D_START), row)], slope = c->doubles[AT(SK(D_SLOPE), row)];
        const int32_t pos = c->ints[AT(SK(I_POS), row)];
        env_start[lane] = (float)(gain * (start + (double)(pos + 1) * slope));
        env_slope[lane] = (float)(gain * slope);
    }
    const double *k = c->constants;
    const float level0 = (float)k[SK(C_LEVEL0)], level1 = (float)k[SK(C_LEVEL1)];
    const int two = k[SK(C_OSCILLATORS)] > 1, filtered = k[SK(C_FILTERED)] != 0;
    /* the reference's SVF as state += change, with 2 a1 - 2 in place of a1 (see SimdSynthKernel) */
    const float damping = (float)(2 * k[SK(C_SVF_A1)] - 2), a2 = (float)k[SK(C_SVF_A2)];
    const float two_a2 = (float)(2 * k[SK(C_SVF_A2)]), a3 = (float)k[SK(C_SVF_A3)];
    const vf e0 = load(env_start), de = load(env_slope);
    const vi table0 = loadi(&c->ints[AT(SK(I_TABLE), group)]), table1 = loadi(&c->ints[AT(SK(I_TABLE) + 1, group)]);
    const vu step0 = (vu)loadi(&c->ints[AT(SK(I_STEP), group)]), step1 = (vu)loadi(&c->ints[AT(SK(I_STEP) + 1, group)]);
    vu p0 = (vu)loadi(&c->ints[AT(SK(I_PHASE), group)]), p1 = (vu)loadi(&c->ints[AT(SK(I_PHASE) + 1, group)]);
    float *ic1 = &c->floats[AT(SK(F_IC1), group)], *ic2 = &c->floats[AT(SK(F_IC2), group)];
    vf c1 = load(ic1), c2 = load(ic2);
    const float *t = c->tables;
    float *sum = c->accumulator + (int64_t)at * GROUP + group % GROUP;
    vf frame = splat(0.0f);
    /*
     * One loop per (oscillators, filter) combination, so the loop has no branches: with the
     * flags tested inside, gcc re-read and compared them on every frame (registers are short
     * on AVX2).
     */
#define FRAMES(TWO, FILTERED) for (int i = 0; i < n; i++) {                                 \
        vf x = oscillator(t, table0, p0) * level0;                                           \
        p0 += step0;                                                                         \
        if (TWO) {                                                                           \
            x += oscillator(t, table1, p1) * level1;                                         \
            p1 += step1;                                                                     \
        }                                                                                    \
        if (FILTERED) {                                                                      \
            const vf v3 = x - c2;                                                            \
            const vf d2 = c1 * a2 + v3 * a3;                                                 \
            x = c2 + d2;                                                                     \
            c2 = d2 + d2 + c2;                                                               \
            c1 = c1 * damping + v3 * two_a2 + c1;                                            \
        }                                                                                    \
        const vf envelope = de * frame + e0;                                                 \
        frame += 1.0f;                                                                       \
        store(sum + (int64_t)i * GROUP, load(sum + (int64_t)i * GROUP) + x * envelope);      \
    }
    if (two && filtered) {
        FRAMES(1, 1)
    } else if (two) {
        FRAMES(1, 0)
    } else if (filtered) {
        FRAMES(0, 1)
    } else {
        FRAMES(0, 0)
    }
#undef FRAMES
    storei(&c->ints[AT(SK(I_PHASE), group)], (vi)p0);
    storei(&c->ints[AT(SK(I_PHASE) + 1, group)], (vi)p1);
    store(ic1, c1);
    store(ic2, c2);
}

/* Whether any of n slots from row is playing (an off voice adds nothing, and note-on resets it). */
static int sounding(const synth_context *c, int64_t row, int n) {
    const int32_t *stage = &c->ints[AT(SK(I_STAGE), row)];
    int any = 0;
    for (int lane = 0; lane < n; lane++) any |= stage[lane] != SK(OFF);
    return any;
}

void NAMED(synth_render, ISA)(const synth_context *c, int from, int to) {
    const int64_t used = (c->slots + GROUP - 1) / GROUP * GROUP;
    for (int64_t group = 0; group < used; group += GROUP) {
        if (!sounding(c, group, GROUP)) continue;
        int live[GROUP / W];
        for (int sub = 0; sub < GROUP / W; sub++) live[sub] = sounding(c, group + sub * W, W);
        int32_t *left = &c->ints[AT(SK(I_LEFT), group)], *pos = &c->ints[AT(SK(I_POS), group)];
        /* spans end where any segment of the group ends, on every ISA, so the float envelope is the same */
        for (int at = from; at < to;) {
            int n = to - at;
            for (int lane = 0; lane < GROUP; lane++) n = left[lane] < n ? left[lane] : n;
            for (int sub = 0; sub < GROUP / W; sub++) {
                if (live[sub]) render_span(c, group + sub * W, at, n);
            }
            for (int lane = 0; lane < GROUP; lane++) {
                left[lane] -= n;
                pos[lane] += n;
                if (left[lane] == 0) end_segment(c, group + lane);
            }
            at += n;
        }
    }
}

/* The block's mix: each frame's 16 partial sums added up (a tree, not a chain), then cleared. */
void NAMED(synth_finish, ISA)(float *sum, float *out, int frames) {
    for (int i = 0; i < frames; i++) {
        out[i] = sum16(sum + (int64_t)i * LANES);
    }
    memset(sum, 0, (size_t)frames * LANES * sizeof(float));
}
