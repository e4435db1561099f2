/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "convolve-class-store.h"

G_BEGIN_DECLS

/*
 * Reviewing "My classes": every class with its name (edit it and press
 * Enter to rename), its drawings as thumbnails (each with a button that
 * deletes it), a button that deletes the whole class (after asking), and
 * an entry that adds a class. Follows the store's ::changed. Problems
 * (a name taken, a damaged file skipped) appear as toasts.
 */

#define CONVOLVE_TYPE_CLASS_MANAGER (convolve_class_manager_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveClassManager, convolve_class_manager, CONVOLVE, CLASS_MANAGER, GtkWidget)

GtkWidget *convolve_class_manager_new (ConvolveClassStore *store);

/* A window holding a manager, transient for parent (may be NULL). */
GtkWidget *convolve_class_manager_window_new (ConvolveClassStore *store,
                                              GtkWindow          *parent);

G_END_DECLS
