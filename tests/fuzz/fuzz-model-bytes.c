/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-model-bytes.c — the model bytes reader, cv_model_from_bytes(), and
 * the same bytes loaded through ConvolveModel.
 *
 * Each input is read twice: as it is, and with its last four bytes
 * rewritten as the right CRC-32, so that mutations reach the checks behind
 * the checksum. Whatever is accepted must be a usable model: it writes
 * itself out again byte for byte the same, and a small one predicts.
 */
#include <glib.h>
#include <math.h>
#include <stdlib.h>

#include "cv-engine.h"
#include "convolve-model.h"
#include "fuzz-common.h"
#include "fuzz-target.h"

#define MAX_PREDICT_FLOATS (1 << 18)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* GType registration is a one-off allocation; do it before LeakSanitizer
   * starts comparing inputs. */
  g_type_ensure (CONVOLVE_TYPE_MODEL);
  return 0;
}

static void
check_model (CvNet *net, const CvModelInfo *info, const guint8 *data, gsize size)
{
  uint8_t *again = NULL;
  size_t again_len = 0;

  FUZZ_CHECK (net != NULL);
  FUZZ_CHECK (info->spec != NULL);
  FUZZ_CHECK (info->n_classes == cv_net_n_classes (net));
  for (int c = 0; c < info->n_classes; c++)
    FUZZ_CHECK (info->class_names[c] != NULL);

  /* Accepted bytes are a fixed point: written out they are the same. */
  if (strcmp (info->spec, cv_net_spec (net)) == 0)
    {
      FUZZ_CHECK (cv_model_to_bytes (net, info, &again, &again_len) == CV_OK);
      FUZZ_CHECK (again_len == size && memcmp (again, data, size) == 0);
      free (again);
    }

  if (fuzz_net_activation_floats (net) <= MAX_PREDICT_FLOATS)
    {
      gsize in = cv_shape_size (cv_net_input_shape (net));
      float *x = g_new0 (float, in);
      float *probs = g_new0 (float, cv_net_n_classes (net));

      for (gsize i = 0; i < in; i++)
        x[i] = (float) (i % 7) / 7.0f;
      /* Weights are finite (the reader checks); outputs may still
       * overflow, which is allowed, but nothing may crash. */
      (void) cv_net_predict (net, x, probs);
      g_free (probs);
      g_free (x);
    }
}

static void
read_engine (const guint8 *data, gsize size)
{
  CvNet *net = NULL;
  CvModelInfo info = { 0 };
  CvError err = { CV_OK, "" };
  CvStatus st;

  st = cv_model_from_bytes (data, size, &net, &info, &err);
  if (st == CV_OK)
    check_model (net, &info, data, size);
  else
    {
      FUZZ_CHECK (net == NULL);
      FUZZ_CHECK (info.spec == NULL && info.class_names == NULL);
      FUZZ_CHECK (err.status == st);
      FUZZ_CHECK (fuzz_message_ok (&err));
      FUZZ_CHECK (cv_status_name (st) != NULL);
    }
  cv_model_info_clear (&info);
  if (net != NULL)
    cv_net_free (net);

  /* Info only, and net only: the reader allows either to be NULL. */
  st = cv_model_from_bytes (data, size, NULL, &info, NULL);
  cv_model_info_clear (&info);
  st = cv_model_from_bytes (data, size, &net, NULL, NULL);
  if (net != NULL)
    cv_net_free (net);
  (void) st;
}

static void
read_data_layer (const guint8 *data, gsize size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = NULL;

  model = convolve_model_new_from_bytes (bytes, &error);
  if (model == NULL)
    {
      FUZZ_CHECK (error != NULL && error->message[0] != '\0');
      return;
    }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (convolve_model_get_n_classes (model) >= 2);
  for (int c = 0; c < convolve_model_get_n_classes (model); c++)
    FUZZ_CHECK (convolve_model_get_class_name (model, c) != NULL);

  {
    g_autoptr(GBytes) out = convolve_model_to_bytes (model);
    FUZZ_CHECK (out != NULL);
  }

  {
    CvNet *net_shape = convolve_model_dup_net (model);
    gsize floats = fuzz_net_activation_floats (net_shape);
    int size_in = convolve_model_get_input_size (model);
    int classes = convolve_model_get_n_classes (model);

    if (floats <= MAX_PREDICT_FLOATS)
      {
        /* A drawing of a plus sign, 40×30, through the model's own input
         * spec (whatever box, centring and deskew the bytes asked for).
         * input_out holds input_size² floats, as the header says. */
        float gray[40 * 30];
        gsize n_seen = (gsize) size_in * size_in;
        g_autofree float *probs = g_new0 (float, classes);
        g_autofree float *seen = fuzz_guarded_new (n_seen);

        for (int y = 0; y < 30; y++)
          for (int x = 0; x < 40; x++)
            gray[y * 40 + x] = (x == 20 || y == 15) ? 0.0f : 1.0f;
        (void) convolve_model_predict_image (model, gray, 40, 30, probs,
                                             seen);
        FUZZ_CHECK (fuzz_guard_intact (seen, n_seen));
        for (int c = 0; c < classes; c++)
          {
            /* regressions/model-bytes/nan-probabilities.cvm: finite but
             * huge weights overflow to inf; the softmax still answers a
             * distribution. */
            if (!(probs[c] >= 0.0f && probs[c] <= 1.0f))
              fprintf (stderr, "probability %d of %d is %g\n", c, classes, probs[c]);
            FUZZ_CHECK (probs[c] >= 0.0f && probs[c] <= 1.0f);
          }
      }
    cv_net_free (net_shape);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  read_engine (data, size);
  read_data_layer (data, size);

  if (size >= 24)
    {
      g_autofree guint8 *fixed = g_memdup2 (data, size);
      fuzz_fix_crc (fixed, size);
      read_engine (fixed, size);
      read_data_layer (fixed, size);
    }
  return 0;
}
