/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * The confusion matrix after training: rows are the true classes, columns
 * the predictions, each cell the number of test pictures. Correct cells
 * (the diagonal) are tinted bluish green, mistakes vermillion, stronger for
 * a larger share of the row. A click — or the arrow keys and Enter —
 * emits ::cell-activated (row, column) so the page can show the pictures.
 */

#define CONVOLVE_TYPE_CONFUSION (convolve_confusion_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveConfusion, convolve_confusion, CONVOLVE, CONFUSION, GtkWidget)

GtkWidget *convolve_confusion_new        (void);
/* counts: n × n (row = true class); copied. names: n strings; copied. */
void       convolve_confusion_set_matrix (ConvolveConfusion  *self,
                                          int                 n,
                                          const char *const  *names,
                                          const int          *counts);
int        convolve_confusion_get_count  (ConvolveConfusion  *self,
                                          int                 row,
                                          int                 column);

/* The drawing and the hit test, for tests without a display. */
void       convolve_confusion_draw       (cairo_t            *cr,
                                          int                 n,
                                          const char *const  *names,
                                          const int          *counts,
                                          int                 width,
                                          int                 height,
                                          const GdkRGBA      *foreground,
                                          int                 cursor_row,
                                          int                 cursor_column);
gboolean   convolve_confusion_cell_at    (int                 n,
                                          int                 width,
                                          int                 height,
                                          double              x,
                                          double              y,
                                          int                *row,
                                          int                *column);

G_END_DECLS
