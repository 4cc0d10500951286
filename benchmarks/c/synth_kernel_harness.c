/*
 * Times the native synth kernel (synth_render_<name> + synth_finish_<name>) without the JVM: the
 * standard voice of `dawg bench synth` (two saws detuned by +-7 cents, SVF low-pass at 4 kHz,
 * sustained notes spread over seven octaves), 4096 voices, 128-frame blocks. Two builds of
 * synth_kernel.c, named "this" and "other", run in one process, alternating every 100 blocks,
 * so both see the same moments of a noisy VM; it prints each one's median ns per voice-block
 * and the median of the per-round ratios other / this. Both start from the same voices, so the
 * last line says whether the two kept the output bit for bit. See run-synth.sh.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xmmintrin.h>
#include "synth_kernel.h"

#define VOICES 4096
#define FRAMES 128
#define TABLE 8192
#define LEVELS 12
#define CHUNK 100

void synth_render_this(const synth_context *c, int from, int to);
void synth_render_other(const synth_context *c, int from, int to);
void synth_finish_this(float *sum, float *out, int frames);
void synth_finish_other(float *sum, float *out, int frames);

typedef struct {
    synth_context c;
    double constants[16];
} instrument;

static double thread_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void *zeroed(size_t bytes) {
    bytes = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes);
    memset(p, 0, bytes);
    return p;
}

#define AT(column, row) ((int64_t)(column) * VOICES + (row))

/* The voices as SynthEngine leaves them in sustain; tables hold a smooth signal (the timing does not depend on it). */
static void prepare(instrument *in, const float *tables) {
    synth_context *c = &in->c;
    c->ints = zeroed(9 * VOICES * sizeof(int32_t));
    c->doubles = zeroed(3 * VOICES * sizeof(double));
    c->floats = zeroed(2 * VOICES * sizeof(float));
    c->accumulator = zeroed(FRAMES * SK(LANES) * sizeof(float));
    c->constants = in->constants;
    c->tables = tables;
    c->rows = c->slots = VOICES;
    for (int v = 0; v < VOICES; v++) {
        const int note = 24 + (v * 7) % 84;
        c->ints[AT(SK(I_STAGE), v)] = SK(SUSTAIN);
        c->ints[AT(SK(I_LEFT), v)] = SK(ENDLESS);
        for (int o = 0; o < 2; o++) {
            const double f = 440 * pow(2, (note - 69) / 12.0) * pow(2, (o ? 7 : -7) / 1200.0);
            c->ints[AT(SK(I_STEP) + o, v)] = (int32_t)(uint32_t)llround(f / 48000 * 4294967296.0);
            int level = 0; /* the richest octave level whose top harmonic stays below Nyquist */
            while (level < LEVELS - 1 && (2048 >> level) * f >= 24000) level++;
            c->ints[AT(SK(I_TABLE) + o, v)] = level * TABLE;
        }
        c->doubles[AT(SK(D_START), v)] = 0.8;
        c->doubles[AT(SK(D_GAIN), v)] = 0.05 * (64 + v % 64) / 127;
    }
    const double g = tan(M_PI * 4000 / 48000), k = 1 / 0.9, a1 = 1 / (1 + g * (g + k));
    double *q = in->constants;
    q[SK(C_LEVEL0)] = q[SK(C_LEVEL1)] = 0.5;
    q[SK(C_OSCILLATORS)] = 2;
    q[SK(C_FILTERED)] = 1;
    q[SK(C_SVF_A1)] = a1; q[SK(C_SVF_A2)] = g * a1; q[SK(C_SVF_A3)] = g * g * a1;
    q[SK(C_DECAY_FRAMES)] = 4800; q[SK(C_DECAY_SLOPE)] = -0.2 / 4800; q[SK(C_SUSTAIN)] = 0.8;
}

int main(int argc, char **argv) {
    const int rounds = argc > 1 ? atoi(argv[1]) : 40;
    if (rounds < 1 || rounds > 1000) {
        fprintf(stderr, "rounds must be 1..1000\n");
        return 2;
    }
    float *tables = zeroed(((size_t)4 * LEVELS * TABLE + 16) * sizeof(float));
    for (int i = 0; i < 4 * LEVELS * TABLE + 16; i++) tables[i] = sinf(i * 0.001f);
    instrument a, b;
    prepare(&a, tables);
    prepare(&b, tables);
    _mm_setcsr(_mm_getcsr() | 0x8040); /* FTZ + DAZ, as the JNI entry sets them */
    float out_a[FRAMES], out_b[FRAMES];
    double *ta = malloc(rounds * sizeof(double)), *tb = malloc(rounds * sizeof(double)), *ratio = malloc(rounds * sizeof(double));
    int same = 1;
    for (int r = -2; r < rounds; r++) { /* two rounds of warm-up */
        const double t0 = thread_ns();
        for (int i = 0; i < CHUNK; i++) { synth_render_this(&a.c, 0, FRAMES); synth_finish_this(a.c.accumulator, out_a, FRAMES); }
        const double t1 = thread_ns();
        for (int i = 0; i < CHUNK; i++) { synth_render_other(&b.c, 0, FRAMES); synth_finish_other(b.c.accumulator, out_b, FRAMES); }
        const double t2 = thread_ns();
        same &= memcmp(out_a, out_b, sizeof out_a) == 0;
        if (r < 0) continue;
        ta[r] = (t1 - t0) / CHUNK / VOICES;
        tb[r] = (t2 - t1) / CHUNK / VOICES;
        ratio[r] = tb[r] / ta[r];
    }
    qsort(ta, rounds, sizeof(double), by_value);
    qsort(tb, rounds, sizeof(double), by_value);
    qsort(ratio, rounds, sizeof(double), by_value);
    printf("this:  %.1f ns per voice-block (median of %d rounds, best %.1f)\n", ta[rounds / 2], rounds, ta[0]);
    printf("other: %.1f ns per voice-block (median of %d rounds, best %.1f)\n", tb[rounds / 2], rounds, tb[0]);
    printf("other / this: %.3f (quartiles %.3f .. %.3f)\n", ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
    printf("output: %s\n", same ? "bit for bit the same" : "DIFFERENT");
    return 0;
}
