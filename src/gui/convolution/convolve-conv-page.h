/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "convolve-model.h"
#include "convolve-conv-lesson.h"

G_BEGIN_DECLS

#define CONVOLVE_TYPE_CONV_PAGE (convolve_conv_page_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveConvPage, convolve_conv_page, CONVOLVE, CONV_PAGE, GtkWidget)

typedef struct _ConvolveConvMini ConvolveConvMini;

/*
 * The Convolution page: the step-through view with its controls.
 *
 * Widget actions (the page's keyboard shortcuts work while the focus is
 * anywhere in the page, except in a text field):
 *   conv.play     Space        play / pause (boolean state, property "playing")
 *   conv.next     Right        one position forward
 *   conv.prev     Left         one position back
 *   conv.first    Home         the first position
 *   conv.last     End          the last position
 *   conv.faster   plus         speed × 2 (up to 8×)
 *   conv.slower   minus        speed ÷ 2 (down to 0.25×)
 *   conv.numbers  n            numbers on every input cell (boolean state)
 *   conv.export   <Ctrl>e      save the current view as PNG
 *
 * Properties: "position" (int, notified on every move), "playing",
 * "show-numbers". Give the page the focus (gtk_widget_grab_focus) when it
 * is shown, so that its keys work at once.
 */
GtkWidget          *convolve_conv_page_new                (void);
/* The 8×8 reduction of a gray picture (w×h values in 0..1, either polarity). */
void                convolve_conv_page_set_input_from_gray (ConvolveConvPage *self,
                                                            const float      *gray,
                                                            int               w,
                                                            int               h);
void                convolve_conv_page_set_input          (ConvolveConvPage *self,
                                                           const float       x[64]);
void                convolve_conv_page_set_kernel         (ConvolveConvPage *self,
                                                           const float       k[9]);
/* Offers the model's learned first-layer kernels in the kernel menu; NULL
 * removes them. */
void                convolve_conv_page_set_model          (ConvolveConvPage *self,
                                                           ConvolveModel    *model);
/* Picks learned kernel `index` of the model given to set_model (for the
 * network view's ::kernel-activated). FALSE if there is no such kernel. */
gboolean            convolve_conv_page_show_learned_kernel (ConvolveConvPage *self,
                                                            int               index);
/* Takes the mini viewer's input, kernel and bias, from the first position. */
void                convolve_conv_page_load_from_mini     (ConvolveConvPage *self,
                                                           ConvolveConvMini *mini);
const ConvolveConvLesson *convolve_conv_page_get_lesson   (ConvolveConvPage *self);
/* The ConvolveConvView inside (for tests and for a window that wants to
 * watch its ::changed). */
GtkWidget          *convolve_conv_page_get_view           (ConvolveConvPage *self);
gboolean            convolve_conv_page_get_playing        (ConvolveConvPage *self);
void                convolve_conv_page_set_playing        (ConvolveConvPage *self,
                                                           gboolean          playing);
double              convolve_conv_page_get_speed          (ConvolveConvPage *self);

G_END_DECLS
