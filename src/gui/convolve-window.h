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

G_END_DECLS
