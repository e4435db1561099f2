/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CONVOLVE_TYPE_CONFIDENCE (convolve_confidence_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveConfidence, convolve_confidence, CONVOLVE, CONFIDENCE, GtkWidget)

/*
 * The network's confidence: the top class shown large (accessible label
 * "Prediction", text = the class name alone), and one bar per class with
 * its name and percentage (each bar an accessible progress bar named after
 * its class). Bars glide to new values on the frame clock. With no
 * probabilities (nothing drawn) it shows a prompt instead of a guess.
 */

GtkWidget  *convolve_confidence_new               (void);
void        convolve_confidence_set_classes       (ConvolveConfidence *self,
                                                   const char * const *names,
                                                   int                 n_classes);
int         convolve_confidence_get_n_classes     (ConvolveConfidence *self);
/* n_classes values summing to ~1, or NULL for "nothing drawn". */
void        convolve_confidence_set_probabilities (ConvolveConfidence *self,
                                                   const float        *probs);
/* -1 when empty. */
int         convolve_confidence_get_top           (ConvolveConfidence *self);
void        convolve_confidence_set_prompt        (ConvolveConfidence *self,
                                                   const char         *prompt);
const char *convolve_confidence_get_prompt        (ConvolveConfidence *self);
/* TRUE while bars are still moving. */
gboolean    convolve_confidence_is_animating      (ConvolveConfidence *self);

G_END_DECLS
