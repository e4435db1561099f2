/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Every layer's output for one input, drawn with cairo (no GTK): one row
 * per stage — the input, each convolution (with its ReLU folded in) and
 * pool as small feature maps labelled with their shapes, hidden dense
 * layers as bars, and the output probabilities with the class names.
 * The numbers are the engine's activations of the last cv_net_forward().
 */

#include <glib.h>
#include <cairo.h>

#include "cv-engine.h"
#include "convolve-conv-draw.h"

G_BEGIN_DECLS

#define CONVOLVE_NETWORK_MAX_MAPS 64

typedef enum {
  CONVOLVE_NETWORK_ROW_INPUT,
  CONVOLVE_NETWORK_ROW_MAPS,    /* Conv2D (+ ReLU) or a pool */
  CONVOLVE_NETWORK_ROW_BARS,    /* a hidden Dense (+ ReLU) */
  CONVOLVE_NETWORK_ROW_OUTPUT,  /* the softmax probabilities */
} ConvolveNetworkRowKind;

typedef struct {
  ConvolveNetworkRowKind kind;
  int     layer;            /* whose activation is shown (-1: the input) */
  int     first_layer;      /* the layer the row is named after */
  CvShape shape;
  double  y, height;
} ConvolveNetworkRow;

typedef struct {
  int                n_rows;
  ConvolveNetworkRow rows[16];
  double             label_width;
  double             map_size;                        /* of the first conv row */
  int                n_first_maps;
  double             first_map_x[CONVOLVE_NETWORK_MAX_MAPS];
  double             first_map_y[CONVOLVE_NETWORK_MAX_MAPS];
} ConvolveNetworkLayout;

/* Lays out and draws. input: (H, W, C) of the last forward; NULL draws the
 * rows empty. class_names may be NULL (classes are numbered). */
void convolve_network_draw (cairo_t                   *cr,
                            const CvNet               *net,
                            const float               *input,
                            const char *const         *class_names,
                            double                     width,
                            double                     height,
                            const ConvolveConvPalette *palette,
                            ConvolveNetworkLayout     *layout);

/* The first convolution's feature map under (x, y), or -1. */
int  convolve_network_hit_first_map (const ConvolveNetworkLayout *layout,
                                     double x, double y);

G_END_DECLS
