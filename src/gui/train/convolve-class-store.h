/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "convolve-dataset.h"

G_BEGIN_DECLS

/*
 * "My classes": the pictures a class draws to teach the network something
 * new. GLib/GIO and gdk-pixbuf only (no GTK), so tests use it without a
 * display.
 *
 * On disk, in one directory (by default g_get_user_data_dir()/convolve/
 * classes): one PNG per sample (the drawing as it was made, ink dark on
 * white) and index.ini, a GKeyFile naming the classes and their samples.
 * Every file is written atomically (convolve_file_write_atomic): a crash
 * leaves the old file whole. Loading skips what it cannot read — a damaged
 * PNG, a garbage index — and collects one plain sentence per problem in
 * the warnings, for the UI to show; it never fails on bad content.
 */

#define CONVOLVE_CLASS_STORE_MIN_CLASSES 2
#define CONVOLVE_CLASS_STORE_MAX_CLASSES 10
/* Drawings larger than this are scaled down before they are stored. */
#define CONVOLVE_CLASS_STORE_MAX_SIZE    128

#define CONVOLVE_CLASS_STORE_ERROR (convolve_class_store_error_quark ())

typedef enum {
  CONVOLVE_CLASS_STORE_ERROR_TOO_MANY,    /* an eleventh class */
  CONVOLVE_CLASS_STORE_ERROR_NAME,        /* empty or duplicate name */
  CONVOLVE_CLASS_STORE_ERROR_INDEX,       /* no such class or sample */
  CONVOLVE_CLASS_STORE_ERROR_EMPTY,       /* nothing drawn, or too few classes to train */
} ConvolveClassStoreError;

GQuark convolve_class_store_error_quark (void);

#define CONVOLVE_TYPE_CLASS_STORE (convolve_class_store_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveClassStore, convolve_class_store, CONVOLVE, CLASS_STORE, GObject)

/* directory NULL: the user's data directory. Loads at once (see warnings). */
ConvolveClassStore *convolve_class_store_new          (const char         *directory);
const char         *convolve_class_store_get_directory (ConvolveClassStore *self);
/* Reads the directory again, dropping unsaved nothing (every change is
 * saved at once). Returns the number of problems found. */
guint               convolve_class_store_reload       (ConvolveClassStore *self);

/* Problems found while loading or saving, oldest first; NULL-terminated,
 * owned by the store. take_warnings hands them over and clears them. */
const char *const  *convolve_class_store_get_warnings (ConvolveClassStore *self);
char              **convolve_class_store_take_warnings (ConvolveClassStore *self);

guint               convolve_class_store_get_n_classes (ConvolveClassStore *self);
const char         *convolve_class_store_get_class_name (ConvolveClassStore *self,
                                                         guint               class_index);
guint               convolve_class_store_get_n_samples (ConvolveClassStore *self,
                                                        guint               class_index);
/* The stored drawing: width × height gray values in 0..1, ink = 1.
 * Borrowed. */
const float        *convolve_class_store_get_sample   (ConvolveClassStore *self,
                                                       guint               class_index,
                                                       guint               sample_index,
                                                       int                *width,
                                                       int                *height);
/* The sample's file name inside the directory. */
const char         *convolve_class_store_get_sample_file (ConvolveClassStore *self,
                                                          guint               class_index,
                                                          guint               sample_index);

/* Each returns FALSE with an error and leaves the store as it was, except
 * for a write error after the change (the warnings say so). ::changed is
 * emitted after every change. */
int                 convolve_class_store_add_class    (ConvolveClassStore *self,
                                                       const char         *name,
                                                       GError            **error);
gboolean            convolve_class_store_rename_class (ConvolveClassStore *self,
                                                       guint               class_index,
                                                       const char         *name,
                                                       GError            **error);
gboolean            convolve_class_store_delete_class (ConvolveClassStore *self,
                                                       guint               class_index,
                                                       GError            **error);
/* gray: w × h values in 0..1, either polarity (the preprocessing decides by
 * the border), e.g. a canvas rasterised by convolve_strokes_rasterize(). */
gboolean            convolve_class_store_add_sample   (ConvolveClassStore *self,
                                                       guint               class_index,
                                                       const float        *gray,
                                                       int                 w,
                                                       int                 h,
                                                       GError            **error);
gboolean            convolve_class_store_delete_sample (ConvolveClassStore *self,
                                                        guint               class_index,
                                                        guint               sample_index,
                                                        GError            **error);

/* Every sample through the data layer's preprocessing with the digits input
 * spec (28×28: crop to the ink, centre of mass), labelled by class. Needs at
 * least two classes with a sample each. */
ConvolveDataset    *convolve_class_store_to_dataset   (ConvolveClassStore *self,
                                                       GError            **error);

G_END_DECLS
