/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Drawing of a ConvolveConvLesson with cairo and pango, without GTK: the
 * widgets call it from their snapshot, the PNG export and the pixel tests
 * call it on an image surface.
 *
 * Full layout (left to right): the input with its zero border and the
 * kernel's window; the kernel above the nine products x·w; the output map
 * with a blue–orange legend; the 2×2 max pool. The equation runs under
 * them. The compact layout (the Draw page's mini viewer) keeps the input,
 * the kernel and the output map only.
 */

#include <glib.h>
#include <cairo.h>

#include "convolve-conv-lesson.h"

G_BEGIN_DECLS

typedef struct {
  double r, g, b, a;
} ConvolveConvColor;

/* Text and background colours of the theme; everything else derives. */
typedef struct {
  ConvolveConvColor fg;
  ConvolveConvColor bg;
} ConvolveConvPalette;

typedef enum {
  CONVOLVE_CONV_HIT_NONE,
  CONVOLVE_CONV_HIT_INPUT,    /* a = row, b = column of the 8×8 input */
  CONVOLVE_CONV_HIT_KERNEL,   /* a = weight index 0…8, b = 0 */
  CONVOLVE_CONV_HIT_OUTPUT,   /* a = i, b = j */
  CONVOLVE_CONV_HIT_POOL,     /* a = i, b = j */
} ConvolveConvHit;

typedef struct {
  gboolean compact;
  gboolean show_numbers;      /* numbers on every input cell, not only the window */
  int      hover_in_row;      /* -1: none */
  int      hover_in_col;
  int      hover_out_i;       /* -1: none */
  int      hover_out_j;
} ConvolveConvDrawOptions;

typedef struct {
  gboolean compact;
  double   unit;
  double   width, height;     /* the area laid out in */
  double   in_x, in_y, in_cell;   /* top-left of the displayed input, border included */
  int      in_cells;              /* displayed cells per side (8 + border) */
  int      pad_before;
  double   k_x, k_y, k_cell;      /* kernel */
  double   p_x, p_y;              /* products (cell k_cell) */
  double   out_x, out_y, out_cell;
  double   pool_x, pool_y;        /* cell out_cell */
  double   legend_x, legend_y, legend_w;
  double   eq_x, eq_y, eq_size;
  double   title_size, number_scale;
} ConvolveConvLayout;

void convolve_conv_draw_options_init (ConvolveConvDrawOptions *options);

/* Lays the lesson out centred in width × height. */
void convolve_conv_layout_compute (const ConvolveConvLesson *lesson,
                                   double                    width,
                                   double                    height,
                                   gboolean                  compact,
                                   ConvolveConvLayout       *layout);

/* The size the layout needs for a given unit (one input cell). */
void convolve_conv_layout_size_for_unit (gboolean compact,
                                         double   unit,
                                         double  *width,
                                         double  *height);

void convolve_conv_draw (cairo_t                       *cr,
                         const ConvolveConvLesson      *lesson,
                         const ConvolveConvLayout      *layout,
                         const ConvolveConvPalette     *palette,
                         const ConvolveConvDrawOptions *options);

ConvolveConvHit convolve_conv_hit_test (const ConvolveConvLesson *lesson,
                                        const ConvolveConvLayout *layout,
                                        double x, double y,
                                        int *a, int *b);

/* t in −1…1: blue (negative) through the neutral colour to orange
 * (positive); the pair reads for every common kind of colour blindness. */
void convolve_conv_diverging_color (double                   t,
                                    const ConvolveConvColor *neutral,
                                    ConvolveConvColor       *out);

G_END_DECLS
