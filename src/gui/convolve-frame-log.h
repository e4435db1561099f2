/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A log of the frames a window paints, for benchmarks (bench/frame-rate):
 * when the environment variable CONVOLVE_FRAME_LOG names a file, every frame
 * the window's frame clock paints appends one line to it, the frame's time
 * in microseconds (gdk_frame_clock_get_frame_time, monotonic). Nothing is
 * done when the variable is unset.
 */
void convolve_frame_log_attach (GtkWidget *window);

G_END_DECLS
