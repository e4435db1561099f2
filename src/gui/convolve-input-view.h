/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CONVOLVE_TYPE_INPUT_VIEW (convolve_input_view_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveInputView, convolve_input_view, CONVOLVE, INPUT_VIEW, GtkWidget)

/*
 * "What the network sees": a size×size picture (28×28, 16×16) drawn as big,
 * crisp cells — one rectangle per pixel, never a smoothed scale-up. It holds
 * two pictures, the plain downsample of the drawing and the normalised input
 * the network really gets, and shows one of them (:show-normalized).
 */

GtkWidget *convolve_input_view_new                (void);
/* plain and normalized: size² values in 0..1, ink = 1; NULL clears. */
void       convolve_input_view_set_input          (ConvolveInputView *self,
                                                   int                size,
                                                   const float       *plain,
                                                   const float       *normalized);
int        convolve_input_view_get_size           (ConvolveInputView *self);
gboolean   convolve_input_view_get_show_normalized (ConvolveInputView *self);
void       convolve_input_view_set_show_normalized (ConvolveInputView *self,
                                                    gboolean           show_normalized);

G_END_DECLS
