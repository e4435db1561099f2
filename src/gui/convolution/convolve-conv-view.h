/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "convolve-conv-lesson.h"
#include "convolve-conv-draw.h"

G_BEGIN_DECLS

#define CONVOLVE_TYPE_CONV_VIEW (convolve_conv_view_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveConvView, convolve_conv_view, CONVOLVE, CONV_VIEW, GtkWidget)

/*
 * Draws a ConvolveConvLesson (it owns one) with convolve_conv_draw():
 * hovering an output cell outlines its receptive field, hovering an input
 * cell outlines every output cell it feeds. In the full layout, clicking an
 * output or pooled cell jumps there, clicking or dragging over the input
 * paints it, clicking a kernel weight opens a small editor and scrolling
 * over it changes it by 0.1. ::changed is emitted after each such edit.
 */
GtkWidget          *convolve_conv_view_new          (gboolean compact);
ConvolveConvLesson *convolve_conv_view_get_lesson   (ConvolveConvView *self);
gboolean            convolve_conv_view_get_compact  (ConvolveConvView *self);
gboolean            convolve_conv_view_get_show_numbers (ConvolveConvView *self);
void                convolve_conv_view_set_show_numbers (ConvolveConvView *self,
                                                         gboolean          show_numbers);
/* Redraw after the lesson was changed from outside. */
void                convolve_conv_view_refresh      (ConvolveConvView *self);
/* The theme's colours for the drawing. */
void                convolve_conv_view_get_palette  (GtkWidget           *widget,
                                                     ConvolveConvPalette *palette);
/* The current view as a PNG, twice the widget's size. */
gboolean            convolve_conv_view_save_png     (ConvolveConvView *self,
                                                     const char       *path,
                                                     GError          **error);

G_END_DECLS
