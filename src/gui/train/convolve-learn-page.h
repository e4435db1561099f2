/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * The lessons: the curriculum told afresh, one lesson at a time (a list on
 * the left, Page Up / Page Down or the learn.previous / learn.next actions
 * to move), large enough for a projector. Each lesson has a "Try it"
 * button that emits ::try-it (page, preset); the window opens that page
 * with that preset. The pages and presets used:
 *
 *   "convolution" "vertical-edge" (a 3×3 vertical-edge kernel sliding over
 *                 the 8×8 picture) | "step" (step through one sum)
 *   "draw"        "shapes" (the Draw page with the shapes model)
 *   "train"       "shapes" | "shapes-run" | "digits" (handed to
 *                 convolve_train_page_apply_preset)
 */

#define CONVOLVE_TYPE_LEARN_PAGE (convolve_learn_page_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveLearnPage, convolve_learn_page, CONVOLVE, LEARN_PAGE, GtkWidget)

GtkWidget *convolve_learn_page_new          (void);
guint      convolve_learn_page_get_n_lessons (ConvolveLearnPage *self);
void       convolve_learn_page_show_lesson  (ConvolveLearnPage *self,
                                             guint              index);
guint      convolve_learn_page_get_lesson   (ConvolveLearnPage *self);
/* The page and preset of a lesson's "Try it" (for tests). */
void       convolve_learn_page_get_try_it   (ConvolveLearnPage *self,
                                             guint              index,
                                             const char       **page,
                                             const char       **preset);

G_END_DECLS
