/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include "cv-engine.h"

G_BEGIN_DECLS

#define CONVOLVE_DATA_ERROR (convolve_data_error_quark ())

typedef enum {
  CONVOLVE_DATA_ERROR_NOT_FOUND,     /* a file or a named dataset is missing */
  CONVOLVE_DATA_ERROR_TRUNCATED,     /* a file ends before its header says */
  CONVOLVE_DATA_ERROR_INVALID,       /* wrong magic, dimensions, labels, … */
  CONVOLVE_DATA_ERROR_MISMATCH,      /* images and labels do not agree */
  CONVOLVE_DATA_ERROR_UNSUPPORTED,   /* e.g. a model whose input cannot be made */
  CONVOLVE_DATA_ERROR_MODEL,         /* the engine rejected model bytes */
} ConvolveDataError;

GQuark convolve_data_error_quark (void);

/* Labelled images, NHWC floats in 0..1 with ink = 1 (light on dark). */
typedef struct {
  int      n, h, w, c;
  float   *x;             /* (n, h, w, c) */
  guint8  *y;             /* n labels in [0, n_classes) */
  int      n_classes;
  char   **class_names;   /* n_classes, NULL-terminated (GStrv) */
  char    *name;          /* "shapes", "digits", a file name, … */
  CvInputSpec input;      /* how a drawing becomes input like these samples */
} ConvolveDataset;

void             convolve_dataset_free (ConvolveDataset *ds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConvolveDataset, convolve_dataset_free)

/* An empty dataset with room for n samples (x zeroed). */
ConvolveDataset *convolve_dataset_new (int n, int h, int w, int c,
                                       const char *const *class_names);

/* The curriculum's shapes: circles, squares, triangles drawn into 16×16
 * pixels of 0/1, n / 3 per class (n = 180 by default), seeded. */
ConvolveDataset *convolve_dataset_new_shapes (int n, guint64 seed);

/* Names: "shapes" (train: 180 samples, seed 1; test: 300 samples, seed 2),
 * "digits" (the shipped MNIST split, 4,000 + 1,000, from the GResource),
 * "drawn-digits" (mouse-drawn digits, split "test" only, never trained on),
 * "fashion" (Debian's dataset-fashion-mnist), or a path to an IDX image file
 * with its labels file beside it (split ignored). split is "train" or
 * "test" (NULL: "train"). */
ConvolveDataset *convolve_dataset_load (const char *name, const char *split,
                                        GError **error);

/* Any IDX pair (gzip or plain); every size is checked against the file. */
ConvolveDataset *convolve_dataset_load_idx (GFile *images, GFile *labels,
                                            GError **error);

/* The subset at indices [from, from + n). */
ConvolveDataset *convolve_dataset_slice (const ConvolveDataset *ds, int from, int n);

/* --- additions by the data layer ---------------------------------------- */

/* Like convolve_dataset_load_idx(), with known class names: a label outside
 * [0, g_strv_length (class_names)) is an error. With class_names NULL the
 * classes are "0".."k" for the largest label k (at most 100 classes). */
ConvolveDataset *convolve_dataset_load_idx_with_classes (GFile *images, GFile *labels,
                                                         const char *const *class_names,
                                                         GError **error);

/* Writes the images (pixels rounded to bytes, ink = 255) and labels as IDX
 * files; a name ending in ".gz" is gzip-compressed reproducibly (no file
 * name, mtime 0, level 9), so the same data gives the same bytes. */
gboolean convolve_dataset_save_idx (const ConvolveDataset *ds, GFile *images,
                                    GFile *labels, GError **error);

/* Input specs: plain (no crop: the whole picture is resized, as for
 * shapes, fashion and other IDX sets) and the digits one (crop to the ink,
 * longer side 20 px in 28×28, centre of mass, deskew). */
CvInputSpec convolve_input_spec_plain  (void);
CvInputSpec convolve_input_spec_digits (void);

G_END_DECLS
