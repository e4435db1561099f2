/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "convolve-strokes.h"

G_BEGIN_DECLS

#define CONVOLVE_TYPE_CANVAS (convolve_canvas_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveCanvas, convolve_canvas, CONVOLVE, CANVAS, GtkWidget)

#define CONVOLVE_CANVAS_BRUSH_MIN  2
#define CONVOLVE_CANVAS_BRUSH_MAX 20

GtkWidget       *convolve_canvas_new            (void);
/* The drawing; owned by the canvas, outlives any resize or page switch. */
ConvolveStrokes *convolve_canvas_get_strokes    (ConvolveCanvas *self);
/* Brush width in hundredths of the sheet's side. */
int              convolve_canvas_get_brush_size (ConvolveCanvas *self);
void             convolve_canvas_set_brush_size (ConvolveCanvas *self,
                                                 int             brush_size);
gboolean         convolve_canvas_get_eraser     (ConvolveCanvas *self);
void             convolve_canvas_set_eraser     (ConvolveCanvas *self,
                                                 gboolean        eraser);

/* The pointer path, split out so that the bench and the tests drive the
 * same code as the gestures; x, y in widget coordinates. */
void             convolve_canvas_stroke_begin   (ConvolveCanvas *self,
                                                 double          x,
                                                 double          y,
                                                 double          pressure);
void             convolve_canvas_stroke_extend  (ConvolveCanvas *self,
                                                 double          x,
                                                 double          y,
                                                 double          pressure);
void             convolve_canvas_stroke_end     (ConvolveCanvas *self);

/* Emit ::changed now if a change is waiting for the next frame. */
void             convolve_canvas_flush          (ConvolveCanvas *self);

G_END_DECLS
