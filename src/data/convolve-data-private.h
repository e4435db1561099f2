/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "convolve-dataset.h"

G_BEGIN_DECLS

#define CONVOLVE_RESOURCE_PREFIX "/io/github/convolve/Convolve"

/* The shapes splits that convolve_dataset_load("shapes", …) returns. */
#define CONVOLVE_SHAPES_TRAIN_N    180
#define CONVOLVE_SHAPES_TRAIN_SEED 1
#define CONVOLVE_SHAPES_TEST_N     300
#define CONVOLVE_SHAPES_TEST_SEED  2

/* How the digit data (and every drawing shown to the digits model) is made:
 * the ink's longer side fitted into 20 pixels of a 28×28 picture, centred by
 * centre of mass, deskewed by image moments. */
#define CONVOLVE_DIGITS_BOX    20
#define CONVOLVE_DIGITS_SIZE   28
#define CONVOLVE_DIGITS_DESKEW 1

/* Registers the data GResource (models and digit data) once. */
void  convolve_data_ensure_resource (void);

/* "NAME-images-idx3-ubyte[.gz]" → "NAME-labels-idx1-ubyte[.gz]" in the same
 * directory, or NULL when the name does not follow the convention. */
char *convolve_idx_labels_path_for (const char *images_path);

/* A short name for messages: the path of a local file, the last two parts
 * of any other URI ("digits/train-labels-idx1-ubyte.gz"). */
char *convolve_file_display_name (GFile *file);

G_END_DECLS
