/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include "cv-engine.h"

G_BEGIN_DECLS

/*
 * The one function that turns a picture into a model's input, exactly the
 * way the training data was made. The canvas, `convolve-cli predict`, the
 * dataset import and the tests all call it.
 *
 * gray: w×h values in 0..1, row-major; either polarity (dark ink on a light
 * background or the other way round: the border decides).
 * out: out_size×out_size values in 0..1, ink = 1.
 * Returns FALSE (and leaves out zeroed) when nothing is drawn.
 */
gboolean convolve_preprocess (const float       *gray,
                              int                w,
                              int                h,
                              const CvInputSpec *spec,
                              int                out_size,
                              float             *out);

/* The plain downsample (no crop, no centring) for "what the network sees"
 * comparisons; also normalises polarity. */
void convolve_preprocess_plain (const float *gray, int w, int h,
                                int out_size, float *out);

G_END_DECLS
