/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * ConvolveConvLesson: the step-through of one convolution, without GTK.
 *
 * An 8×8 input, a 3×3 kernel and a bias go through a tiny engine network
 * (Conv2D, optional ReLU, and a 2×2 max pool when the feature map has an
 * even side), so every number the viewer shows comes from the engine's own
 * Conv2D. The lesson walks a position index over the convolution's output
 * cells, row by row, then — with ReLU — over the same cells again as ReLU
 * turns each into its activation, and then — when there is a pool stage —
 * over the pooled cells.
 *
 * Stepping: next/prev stop at the ends (they return FALSE there);
 * convolve_conv_lesson_advance() wraps from the last position to the first,
 * for playing in a loop.
 */

#include <glib.h>
#include "cv-engine.h"

G_BEGIN_DECLS

#define CONVOLVE_CONV_INPUT_SIZE  8
#define CONVOLVE_CONV_KERNEL_SIZE 3
#define CONVOLVE_CONV_INPUT_CELLS (CONVOLVE_CONV_INPUT_SIZE * CONVOLVE_CONV_INPUT_SIZE)
#define CONVOLVE_CONV_KERNEL_CELLS (CONVOLVE_CONV_KERNEL_SIZE * CONVOLVE_CONV_KERNEL_SIZE)

typedef enum {
  CONVOLVE_CONV_INPUT_VERTICAL_BAR,
  CONVOLVE_CONV_INPUT_HORIZONTAL_BAR,
  CONVOLVE_CONV_INPUT_DIAGONAL,
  CONVOLVE_CONV_INPUT_CROSS,
  CONVOLVE_CONV_INPUT_SQUARE,
  CONVOLVE_CONV_INPUT_RANDOM,
  CONVOLVE_CONV_INPUT_EMPTY,
  CONVOLVE_CONV_N_INPUT_PRESETS
} ConvolveConvInputPreset;

typedef enum {
  CONVOLVE_CONV_KERNEL_VERTICAL_EDGE,
  CONVOLVE_CONV_KERNEL_HORIZONTAL_EDGE,
  CONVOLVE_CONV_KERNEL_DIAGONAL_EDGE,
  CONVOLVE_CONV_KERNEL_BOX_BLUR,
  CONVOLVE_CONV_KERNEL_SHARPEN,
  CONVOLVE_CONV_KERNEL_OUTLINE,
  CONVOLVE_CONV_KERNEL_IDENTITY,
  CONVOLVE_CONV_N_KERNEL_PRESETS
} ConvolveConvKernelPreset;

typedef enum {
  CONVOLVE_CONV_STAGE_CONV,   /* the kernel slides over the input */
  CONVOLVE_CONV_STAGE_POOL,   /* a 2×2 window slides over the activated map */
  CONVOLVE_CONV_STAGE_RELU,   /* ReLU goes over the feature map, cell by cell */
} ConvolveConvStage;

/* One position of the convolution, as the viewer writes it out. */
typedef struct {
  int   i, j;                  /* output cell */
  int   row0, col0;            /* input cell under the kernel's top-left weight;
                                  negative or ≥ 8 in the zero border */
  float x[CONVOLVE_CONV_KERNEL_CELLS];        /* the patch (0 in the border) */
  gboolean padded[CONVOLVE_CONV_KERNEL_CELLS];/* this cell is in the zero border */
  float w[CONVOLVE_CONV_KERNEL_CELLS];        /* the kernel */
  float products[CONVOLVE_CONV_KERNEL_CELLS]; /* x · w, elementwise */
  float sum;                   /* Σ x · w, summed in reading order */
  float bias;
  float result;                /* the engine's Conv2D output at (i, j) */
  float activated;             /* the engine's activation (= result without ReLU) */
} ConvolveConvStep;

/* One position of the 2×2 max pool. */
typedef struct {
  int   i, j;                  /* pooled cell */
  float values[4];             /* activated map at (2i, 2j), (2i, 2j+1), (2i+1, 2j), (2i+1, 2j+1) */
  int   winner;                /* index of the largest value (the first one on ties) */
  float result;                /* the engine's MaxPool2D output at (i, j) */
} ConvolveConvPoolStep;

typedef struct _ConvolveConvLesson ConvolveConvLesson;

ConvolveConvLesson *convolve_conv_lesson_new  (void);
void                convolve_conv_lesson_free (ConvolveConvLesson *self);
/* Input, kernel, bias, activation, stride, padding (not the position). */
void                convolve_conv_lesson_copy_settings (ConvolveConvLesson       *self,
                                                        const ConvolveConvLesson *src);

/* ---- settings; every setter recomputes through the engine and clamps the
 * position to the new range. */
void         convolve_conv_lesson_set_input        (ConvolveConvLesson *self,
                                                    const float        *x /* 64 */);
const float *convolve_conv_lesson_get_input        (const ConvolveConvLesson *self);
void         convolve_conv_lesson_set_input_cell   (ConvolveConvLesson *self,
                                                    int row, int col, float value);
void         convolve_conv_lesson_set_input_preset (ConvolveConvLesson     *self,
                                                    ConvolveConvInputPreset preset,
                                                    guint64                 seed);
/* The 8×8 reduction of a gray picture (either polarity), fitted and centred
 * the way the data layer prepares model inputs. FALSE (and an empty input)
 * when nothing is drawn. */
gboolean     convolve_conv_lesson_set_input_from_gray (ConvolveConvLesson *self,
                                                       const float        *gray,
                                                       int                 w,
                                                       int                 h);

void         convolve_conv_lesson_set_kernel        (ConvolveConvLesson *self,
                                                     const float        *k /* 9 */);
const float *convolve_conv_lesson_get_kernel        (const ConvolveConvLesson *self);
void         convolve_conv_lesson_set_kernel_cell   (ConvolveConvLesson *self,
                                                     int index, float value);
void         convolve_conv_lesson_set_kernel_preset (ConvolveConvLesson      *self,
                                                     ConvolveConvKernelPreset preset);
/* First-layer kernels of a network whose first layer is a 3×3 Conv2D over
 * one channel: their number (0 if it is not such a network), and loading
 * kernel `index` (with its bias). */
int          convolve_conv_learned_kernel_count     (const CvNet *net);
gboolean     convolve_conv_lesson_set_learned_kernel(ConvolveConvLesson *self,
                                                     const CvNet        *net,
                                                     int                 index);

void         convolve_conv_lesson_set_bias     (ConvolveConvLesson *self, float bias);
float        convolve_conv_lesson_get_bias     (const ConvolveConvLesson *self);
void         convolve_conv_lesson_set_relu     (ConvolveConvLesson *self, gboolean relu);
gboolean     convolve_conv_lesson_get_relu     (const ConvolveConvLesson *self);
void         convolve_conv_lesson_set_stride   (ConvolveConvLesson *self, int stride /* 1 or 2 */);
int          convolve_conv_lesson_get_stride   (const ConvolveConvLesson *self);
void         convolve_conv_lesson_set_same     (ConvolveConvLesson *self, gboolean same);
gboolean     convolve_conv_lesson_get_same     (const ConvolveConvLesson *self);

/* ---- geometry */
int          convolve_conv_lesson_get_out_size  (const ConvolveConvLesson *self);
/* Zero border actually applied: top/left, and bottom/right. */
int          convolve_conv_lesson_get_pad_before (const ConvolveConvLesson *self);
int          convolve_conv_lesson_get_pad_after  (const ConvolveConvLesson *self);
gboolean     convolve_conv_lesson_has_pool      (const ConvolveConvLesson *self);
int          convolve_conv_lesson_get_pool_size (const ConvolveConvLesson *self);

/* ---- positions */
int          convolve_conv_lesson_get_n_positions      (const ConvolveConvLesson *self);
int          convolve_conv_lesson_get_n_conv_positions (const ConvolveConvLesson *self);
int          convolve_conv_lesson_get_position         (const ConvolveConvLesson *self);
/* Clamped to 0 … n_positions − 1. TRUE if the position changed. */
gboolean     convolve_conv_lesson_set_position (ConvolveConvLesson *self, int position);
gboolean     convolve_conv_lesson_next         (ConvolveConvLesson *self);
gboolean     convolve_conv_lesson_prev         (ConvolveConvLesson *self);
gboolean     convolve_conv_lesson_first        (ConvolveConvLesson *self);
gboolean     convolve_conv_lesson_last         (ConvolveConvLesson *self);
/* next, but from the last position back to the first. */
void         convolve_conv_lesson_advance      (ConvolveConvLesson *self);
ConvolveConvStage convolve_conv_lesson_get_stage (const ConvolveConvLesson *self);
/* The position within its stage: the output cell (conv, ReLU, in reading
 * order) or the pooled cell. */
int          convolve_conv_lesson_get_stage_index (const ConvolveConvLesson *self);
/* The ReLU stage's positions: out × out with ReLU, else 0. */
int          convolve_conv_lesson_get_n_relu_positions (const ConvolveConvLesson *self);
/* The position of output cell (i, j) in the convolution, of the same cell
 * in the ReLU stage (-1 without ReLU), and of pooled cell (i, j). */
int          convolve_conv_lesson_conv_position (const ConvolveConvLesson *self, int i, int j);
int          convolve_conv_lesson_relu_position (const ConvolveConvLesson *self, int i, int j);
int          convolve_conv_lesson_pool_position (const ConvolveConvLesson *self, int i, int j);

/* ---- numbers (from the engine) */
/* (out, out): Conv2D output, and after the activation. */
const float *convolve_conv_lesson_get_conv_output (const ConvolveConvLesson *self);
const float *convolve_conv_lesson_get_activated   (const ConvolveConvLesson *self);
/* (pool, pool), or NULL without a pool stage. */
const float *convolve_conv_lesson_get_pooled      (const ConvolveConvLesson *self);
/* Largest |value| of the Conv2D output (at least 1): the colour scale. */
float        convolve_conv_lesson_get_value_range (const ConvolveConvLesson *self);
void         convolve_conv_lesson_get_conv_step   (const ConvolveConvLesson *self,
                                                   int i, int j,
                                                   ConvolveConvStep *step);
void         convolve_conv_lesson_get_pool_step   (const ConvolveConvLesson *self,
                                                   int i, int j,
                                                   ConvolveConvPoolStep *step);

/* ---- words (translated; free with g_free) */
const char  *convolve_conv_input_preset_name  (ConvolveConvInputPreset preset);
const char  *convolve_conv_kernel_preset_name (ConvolveConvKernelPreset preset);
/* "(8 − 3 + 2·0) / 1 + 1 = 6" */
char        *convolve_conv_lesson_format_output_size (const ConvolveConvLesson *self);
/* "y[1, 2] = Σ x·w + b = 2 + 0.5 = 2.5" or "p[0, 1] = max(…) = 1" */
char        *convolve_conv_lesson_format_equation    (const ConvolveConvLesson *self);
/* A few plain sentences about the current step. */
char        *convolve_conv_lesson_describe_step      (const ConvolveConvLesson *self);
/* A value as the viewer writes it: at most two decimals, a real minus
 * sign, no trailing zeros ("−0.25", "1", "0.11"). buf ≥ 16 bytes. */
const char  *convolve_conv_format_value (float value, char *buf, gsize size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConvolveConvLesson, convolve_conv_lesson_free)

G_END_DECLS
