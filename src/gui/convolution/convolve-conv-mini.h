/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "convolve-model.h"
#include "convolve-conv-lesson.h"

G_BEGIN_DECLS

#define CONVOLVE_TYPE_CONV_MINI (convolve_conv_mini_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveConvMini, convolve_conv_mini, CONVOLVE, CONV_MINI, GtkWidget)

/*
 * The compact viewer for the Draw page: a kernel (chosen from a small menu:
 * the presets and the model's learned kernels) slides over the 8×8
 * reduction of the drawing on its own, on the frame clock, and starts over
 * whenever the drawing changes. A click (or Enter when focused) emits
 * ::open, for the window to show the full step-through with
 * convolve_conv_page_load_from_mini().
 */
GtkWidget                *convolve_conv_mini_new                 (void);
void                      convolve_conv_mini_set_input_from_gray (ConvolveConvMini *self,
                                                                  const float      *gray,
                                                                  int               w,
                                                                  int               h);
void                      convolve_conv_mini_set_model           (ConvolveConvMini *self,
                                                                  ConvolveModel    *model);
const ConvolveConvLesson *convolve_conv_mini_get_lesson          (ConvolveConvMini *self);

G_END_DECLS
