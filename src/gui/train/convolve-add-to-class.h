/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "convolve-class-store.h"

G_BEGIN_DECLS

/*
 * "Add to class…" on the Draw page: a popover with one button per class
 * ("smile · 4 drawings"), an entry to start a new class, and "Manage
 * Classes…" (rename, delete, review thumbnails). Before showing it, hand
 * it the current drawing with convolve_add_to_class_popover_set_drawing().
 *
 * ::sample-added (class_index) after a drawing was stored — the window may
 * clear the canvas; ::message (text) for a toast: "Added to …", and the
 * store's warnings (e.g. a damaged sample skipped at load), reported when
 * the popover is shown.
 */

#define CONVOLVE_TYPE_ADD_TO_CLASS_POPOVER (convolve_add_to_class_popover_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveAddToClassPopover, convolve_add_to_class_popover,
                      CONVOLVE, ADD_TO_CLASS_POPOVER, GtkPopover)

GtkWidget *convolve_add_to_class_popover_new         (ConvolveClassStore        *store);
/* gray: w × h values in 0..1, either polarity; copied. */
void       convolve_add_to_class_popover_set_drawing (ConvolveAddToClassPopover *self,
                                                      const float               *gray,
                                                      int                        w,
                                                      int                        h);
/* What a click on class i does (for tests and keyboard shortcuts). */
gboolean   convolve_add_to_class_popover_add_to      (ConvolveAddToClassPopover *self,
                                                      guint                      class_index,
                                                      GError                   **error);

G_END_DECLS
