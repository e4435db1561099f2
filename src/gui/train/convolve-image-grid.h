/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A grid of small pictures with a caption under each: the dataset preview,
 * the misclassified samples of a confusion-matrix cell and the first-layer
 * kernels. Pixels are drawn as sharp squares (no smoothing), so a 3×3
 * kernel looks like nine cells. Gray pictures show ink (1) in the text
 * colour on a card; signed pictures (kernels) show positive weights in
 * orange and negative ones in blue, a colour-blind-safe pair.
 */

#define CONVOLVE_TYPE_IMAGE_GRID (convolve_image_grid_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveImageGrid, convolve_image_grid, CONVOLVE, IMAGE_GRID, GtkWidget)

GtkWidget *convolve_image_grid_new        (int                cell_size,
                                           gboolean           is_signed);
void       convolve_image_grid_clear      (ConvolveImageGrid *self);
/* Copies w × h values (one channel). */
void       convolve_image_grid_add        (ConvolveImageGrid *self,
                                           const float       *pixels,
                                           int                w,
                                           int                h,
                                           const char        *caption);
/* Replaces the pixels of an existing item (same size), for live kernels. */
void       convolve_image_grid_update     (ConvolveImageGrid *self,
                                           guint              index,
                                           const float       *pixels);
guint      convolve_image_grid_get_n_items (ConvolveImageGrid *self);
const char *convolve_image_grid_get_caption (ConvolveImageGrid *self,
                                             guint              index);

G_END_DECLS
