/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "convolve-model.h"

G_BEGIN_DECLS

#define CONVOLVE_TYPE_NETWORK_VIEW (convolve_network_view_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveNetworkView, convolve_network_view, CONVOLVE, NETWORK_VIEW, GtkWidget)

/*
 * Every layer's output for the current drawing: feature maps of each
 * convolution and pool labelled with their shapes, hidden dense layers as
 * bars, the output probabilities. The view runs its own copy of the model's
 * network (cv_net_forward on the main thread; a few hundred microseconds
 * for the shipped models). Clicking a map of the first convolution emits
 * ::kernel-activated with its index — the kernel that made it.
 */
GtkWidget *convolve_network_view_new                (void);
/* Takes a private copy of the network; call again when new weights are
 * published (after an epoch). NULL clears the view. */
void       convolve_network_view_set_model          (ConvolveNetworkView *self,
                                                     ConvolveModel       *model);
/* The drawing (w×h gray values, either polarity), preprocessed the model's
 * way. */
void       convolve_network_view_set_input_from_gray (ConvolveNetworkView *self,
                                                      const float         *gray,
                                                      int                  w,
                                                      int                  h);

G_END_DECLS
