/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Installs the Train and Learn pages' style sheet (from the GResource) on
 * the default display, once. */
void convolve_train_style_ensure (void);

G_END_DECLS
