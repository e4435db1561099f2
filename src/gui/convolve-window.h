/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "convolve-canvas.h"
#include "convolve-confidence.h"
#include "convolve-input-view.h"

G_BEGIN_DECLS

#define CONVOLVE_TYPE_WINDOW (convolve_window_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveWindow, convolve_window, CONVOLVE, WINDOW, AdwApplicationWindow)

ConvolveWindow     *convolve_window_new            (GtkApplication *application);
/* For the tests and the bench: the widgets the window wires together. */
ConvolveCanvas     *convolve_window_get_canvas     (ConvolveWindow *self);
ConvolveConfidence *convolve_window_get_confidence (ConvolveWindow *self);
ConvolveInputView  *convolve_window_get_input_view (ConvolveWindow *self);
/* Run the model on the drawing now and update the panels. */
void                convolve_window_predict        (ConvolveWindow *self);
/* Recognise with the model in @file from now on (as Open Model does). On
 * failure the window says why, keeps its model, and @error holds the
 * same sentence. */
gboolean            convolve_window_open_model     (ConvolveWindow *self,
                                                    GFile          *file,
                                                    GError        **error);
/* "digits", "shapes" or "my-classes" (as win.mode). My classes without a
 * trained model opens the Train page on that dataset instead. */
void                convolve_window_set_mode       (ConvolveWindow *self,
                                                    const char     *mode);
/* Presentation mode (win.presentation, F5): fullscreen, larger type, high
 * contrast, secondary controls hidden. */
gboolean            convolve_window_get_presentation (ConvolveWindow *self);

G_END_DECLS
