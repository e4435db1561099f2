/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "cv-engine.h"

G_BEGIN_DECLS

#define CONVOLVE_TYPE_MODEL (convolve_model_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveModel, convolve_model, CONVOLVE, MODEL, GObject)

/*
 * A trained network with its class names and input spec. Prediction is
 * thread-safe with respect to convolve_model_set_params(): a trainer may
 * publish new weights from its worker thread while the main thread
 * predicts; a prediction uses one consistent set and waits at most for a
 * copy.
 */
ConvolveModel *convolve_model_new            (CvNet *net /* transfer full */,
                                              const CvModelInfo *info);
ConvolveModel *convolve_model_new_from_bytes (GBytes *bytes, GError **error);
ConvolveModel *convolve_model_new_from_file  (GFile *file, GError **error);
/* "digits" or "shapes": the models compiled into the GResource. */
ConvolveModel *convolve_model_new_builtin    (const char *name, GError **error);

/* Atomic: a temporary file renamed over the old one once every byte is
 * written (g_file_replace + a cancelled close on failure), so the old file
 * survives a crash or a full disk. */
gboolean       convolve_model_save           (ConvolveModel *self, GFile *file,
                                              GError **error);
GBytes        *convolve_model_to_bytes       (ConvolveModel *self);

int                convolve_model_get_n_classes  (ConvolveModel *self);
const char        *convolve_model_get_class_name (ConvolveModel *self, int index);
const CvInputSpec *convolve_model_get_input_spec (ConvolveModel *self);
int                convolve_model_get_input_size (ConvolveModel *self); /* 28, 16 */
const char        *convolve_model_get_spec       (ConvolveModel *self);
/* A private copy of the network (same weights) for the caller to own. */
CvNet             *convolve_model_dup_net        (ConvolveModel *self);

/* Publish new weights (any thread). */
void     convolve_model_set_params (ConvolveModel *self, const float *params, gsize n);

/* probs[n_classes] for a ready-made input (input_size² values in 0..1,
 * ink = 1, as convolve_preprocess() makes them); the input spec's mean and
 * scale are applied here. */
void     convolve_model_predict       (ConvolveModel *self, const float *input, float *probs);
/* Preprocess a picture with the model's input spec and predict. Returns
 * FALSE when nothing is drawn. input_out (input_size², optional) receives
 * what the network saw. */
gboolean convolve_model_predict_image (ConvolveModel *self, const float *gray,
                                       int w, int h, float *probs, float *input_out);

G_END_DECLS
