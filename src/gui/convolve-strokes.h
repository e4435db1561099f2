/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <cairo.h>

G_BEGIN_DECLS

#define CONVOLVE_TYPE_STROKES (convolve_strokes_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveStrokes, convolve_strokes, CONVOLVE, STROKES, GObject)

/*
 * The drawing, independent of any widget: a history of strokes in unit
 * coordinates (0..1 on both axes of a square sheet), so a canvas of any size
 * shows the same picture and the model always gets the same pixels.
 *
 * A stroke is a polyline of points with a pressure each; its width is the
 * brush size (a fraction of the sheet's side) times a pressure factor.
 * "Clear" is an entry in the history too, so it can be undone like a stroke.
 * Undo and redo move one entry at a time; starting a new stroke drops what
 * could have been redone.
 *
 * GLib and cairo only: the unit tests use it without a display.
 */

ConvolveStrokes *convolve_strokes_new          (void);

/* Brush width as a fraction of the sheet's side (e.g. 0.07). */
void             convolve_strokes_begin        (ConvolveStrokes *self,
                                                double           x,
                                                double           y,
                                                double           pressure,
                                                double           width,
                                                gboolean         eraser);
void             convolve_strokes_extend       (ConvolveStrokes *self,
                                                double           x,
                                                double           y,
                                                double           pressure);
void             convolve_strokes_end          (ConvolveStrokes *self);
gboolean         convolve_strokes_is_drawing   (ConvolveStrokes *self);

void             convolve_strokes_clear        (ConvolveStrokes *self);
gboolean         convolve_strokes_undo         (ConvolveStrokes *self);
gboolean         convolve_strokes_redo         (ConvolveStrokes *self);
gboolean         convolve_strokes_can_undo     (ConvolveStrokes *self);
gboolean         convolve_strokes_can_redo     (ConvolveStrokes *self);
/* TRUE when no ink would be drawn (nothing since the last clear). */
gboolean         convolve_strokes_is_empty     (ConvolveStrokes *self);
guint            convolve_strokes_get_n_points (ConvolveStrokes *self);
/* Bumped on every change; cheap "did anything change" checks. */
guint64          convolve_strokes_get_serial   (ConvolveStrokes *self);

/* Draw the ink of the visible strokes into cr, scaled to a size×size
 * square at the origin, in cr's current source colour. The eraser removes
 * ink only: the caller paints its background first and this is drawn in a
 * group on top. */
void             convolve_strokes_draw         (ConvolveStrokes *self,
                                                cairo_t         *cr,
                                                double           size);
/* Rasterise to size×size gray values in 0..1, ink = 1, anti-aliased. */
void             convolve_strokes_rasterize    (ConvolveStrokes *self,
                                                int              size,
                                                float           *gray);

G_END_DECLS
