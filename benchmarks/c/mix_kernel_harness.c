/*
 * Times the native mix kernel's tracks part (process_tracks_<isa>) and its ingest directly, without
 * the JVM: 64 tracks with EQ and compressor, 128-frame blocks, input in cache. The figures are TSC
 * ticks per track-block, the best of a few runs; much steadier than `dawg bench mix` on a noisy VM,
 * so small changes to mix_kernel.c can be compared side by side (run.sh OTHER_DIR builds both).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include "mix_kernel.h"

#define TRACKS 64
#define FRAMES 128

#define PROCESS_TRACKS(isa) process_tracks_##isa
#define INGEST(isa) ingest_##isa
#define EXPAND(f, isa) f(isa)

static void *zeroed(size_t bytes) {
    bytes = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes);
    memset(p, 0, bytes);
    return p;
}

int main(int argc, char **argv) {
    const int blocks = argc > 1 ? atoi(argv[1]) : 20000;
    const int64_t stride = TRACKS, rows = TRACKS + 16, max_frames = FRAMES;
    context c;
    memset(&c, 0, sizeof c);
    const size_t audio = (size_t)max_frames * stride * sizeof(float);
    c.in_left = zeroed(audio); c.in_right = zeroed(audio); c.out_left = zeroed(audio); c.out_right = zeroed(audio);
    float *staged_left = zeroed(TRACKS * max_frames * sizeof(float)), *staged_right = zeroed(TRACKS * max_frames * sizeof(float));
    c.staged_left = staged_left; c.staged_right = staged_right;
    c.replaced = zeroed(rows * sizeof(int32_t));
    c.mix_left = zeroed(max_frames * sizeof(float)); c.mix_right = zeroed(max_frames * sizeof(float));
    float *fp = zeroed(64 * rows * sizeof(float));
    c.fp = fp;
    c.dp = zeroed(64 * rows * sizeof(double));
    c.state = zeroed(K(STATE_COMPONENTS) * stride * sizeof(float));
    c.master = zeroed(K(MASTER_STATE_SIZE) * sizeof(double));
    c.resets = zeroed(rows * sizeof(int32_t));
    c.bus = zeroed((size_t)K(BUS_FRAMES) * K(LANES) * 4 * sizeof(float));
    c.meters = zeroed(4 * rows * sizeof(float));
    c.stride = stride; c.rows = rows; c.master_row = TRACKS; c.sample_rate = 48000; c.max_frames = max_frames;
    srand(1);
    for (int t = 0; t < TRACKS; t++) {
        /* three bell-shaped SVF stages (m0 = 1, m2 = 0), +3 dB, spread over the spectrum */
        const double fs = 48000, f[3] = {100 + t, 1000 + 10 * t, 5000 + 20 * t}, q[3] = {0.7, 1.5, 0.7}, a = pow(10, 3.0 / 40);
        for (int s = 0; s < 3; s++) {
            const double g = tan(M_PI * f[s] / fs), k = 1 / q[s], a1 = 1 / (1 + g * (g + k)), a2 = g * a1, a3 = g * a2;
            float *col = fp + (K(F_SVF) + 6 * s) * rows + t;
            col[0] = (float)(a1 - 1); col[rows] = (float)a2; col[2 * rows] = (float)a3;
            col[3 * rows] = 1; col[4 * rows] = (float)(k * (a * a - 1)); col[5 * rows] = 0;
        }
        fp[K(F_COMP_ENGAGED) * rows + t] = 1;
        fp[K(F_COMP_THRESHOLD) * rows + t] = 0.1f;
        fp[K(F_COMP_SLOPE) * rows + t] = 1 / (0.1f * 4);
        fp[K(F_MATRIX_BASE) * rows + t] = 0.7f; fp[(K(F_MATRIX_BASE) + 1) * rows + t] = 0.1f;
        fp[(K(F_MATRIX_BASE) + 2) * rows + t] = 0.1f; fp[(K(F_MATRIX_BASE) + 3) * rows + t] = 0.7f;
        c.state[12 * stride + t] = 1; /* compressor gain */
        for (int i = 0; i < FRAMES; i++) {
            staged_left[t * max_frames + i] = (float)(0.5 * sin(i * 0.05 * (t + 1)) + 0.01 * (rand() / (double)RAND_MAX - 0.5));
            staged_right[t * max_frames + i] = (float)(0.4 * sin(i * 0.03 * (t + 1)));
        }
    }
    const unsigned int csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040); /* FTZ + DAZ, as the JNI entry point sets them */
    double best_ingest = 1e300, best_tracks = 1e300;
    for (int run = 0; run < 5; run++) {
        const unsigned long long t0 = __rdtsc();
        for (int i = 0; i < blocks; i++) EXPAND(INGEST, ISA)(&c, FRAMES, TRACKS);
        const unsigned long long t1 = __rdtsc();
        for (int i = 0; i < blocks; i++) EXPAND(PROCESS_TRACKS, ISA)(&c, 0, FRAMES, TRACKS, 0.006f, 0.0002f);
        const unsigned long long t2 = __rdtsc();
        const double ingest = (double)(t1 - t0) / blocks / TRACKS, tracks = (double)(t2 - t1) / blocks / TRACKS;
        best_ingest = ingest < best_ingest ? ingest : best_ingest;
        best_tracks = tracks < best_tracks ? tracks : best_tracks;
    }
    _mm_setcsr(csr);
    printf("tracks %.1f ingest %.1f TSC ticks per track-block (best of 5), mix[5] %a\n", best_tracks, best_ingest, c.mix_left[5]);
    return 0;
}
