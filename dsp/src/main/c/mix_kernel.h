/*
 * Shared by the native kernel's translation units: the context Java hands over (see
 * NativeMixKernel.java) and the per-ISA entry points. mix_kernel.c is compiled once per ISA
 * (x86-64-v4 = AVX-512, x86-64-v3 = AVX2 + FMA, baseline x86-64) with ISA set to the suffix;
 * mix_jni.c picks one at load time from the CPU's features.
 */
#ifndef DAWG_MIX_KERNEL_H
#define DAWG_MIX_KERNEL_H
#include <stdint.h>
#include "cloud_dawg_dsp_backend_jni_NativeMixKernel.h"

#define K(name) cloud_dawg_dsp_backend_jni_NativeMixKernel_##name
#define LANES K(LANES)
#define COMPONENTS K(STATE_COMPONENTS)

typedef struct {
    float *in_left, *in_right;
    const float *staged_left, *staged_right; /* planar input: row r's frame i at r * max_frames + i */
    int32_t *replaced;                       /* per row: non-finite input samples replaced by ingest */
    float *out_left, *out_right, *mix_left, *mix_right;
    const float *fp;
    const double *dp;
    float *state;
    double *master;
    int32_t *resets;
    float *bus;
    float *meters;
    int64_t stride, rows, master_row, sample_rate, max_frames;
} context;

/*
 * Three filter stages over a chunk, software-pipelined: each iteration runs LOW of frame i, MID of
 * frame i - 1 and HIGH of frame i - 2, three independent recursions the CPU overlaps (frame by
 * frame, each stage waited for the one before). The caller defines LOW(f), MID(f) and HIGH(f),
 * each one stage of one frame, reading its input where the stage before left it.
 */
#define PIPELINED_STAGES(frames) do {                                       \
        if ((frames) == 1) {                                                \
            LOW(0); MID(0); HIGH(0);                                        \
        } else {                                                            \
            LOW(0); LOW(1); MID(0);                                         \
            for (int i_ = 2; i_ < (frames); i_++) {                         \
                LOW(i_); MID(i_ - 1); HIGH(i_ - 2);                         \
            }                                                               \
            MID((frames) - 1); HIGH((frames) - 2); HIGH((frames) - 1);      \
        }                                                                   \
    } while (0)

typedef void (*tracks_fn)(const context *c, int offset, int frames, int live_rows, float attack, float release);

void process_tracks_avx512(const context *c, int offset, int frames, int live_rows, float attack, float release);
void process_tracks_avx2(const context *c, int offset, int frames, int live_rows, float attack, float release);
void process_tracks_baseline(const context *c, int offset, int frames, int live_rows, float attack, float release);
void reset_row(const context *c, int64_t row);

typedef int64_t (*ingest_fn)(const context *c, int frames, int live_rows);
int64_t ingest_avx512(const context *c, int frames, int live_rows);
int64_t ingest_avx2(const context *c, int frames, int live_rows);
int64_t ingest_baseline(const context *c, int frames, int live_rows);

#endif
