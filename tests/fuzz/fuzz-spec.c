/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-spec.c — the network spec parser, cv_net_new().
 *
 * The input is the spec text (a NUL is appended). What parses must be a
 * consistent network: layer shapes chain, parameter offsets tile the arena,
 * the canonical spec parses to itself. Small networks also run forward and
 * backward once, which reaches the kernels with odd shapes (a stride longer
 * than the kernel, a pool as large as its input, …).
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "cv-engine.h"
#include "fuzz-common.h"
#include "fuzz-target.h"

#define MAX_RUN_FLOATS  (1 << 17)
#define MAX_RUN_PARAMS  (1 << 20)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

static void
check_net (CvNet *net)
{
  int n = cv_net_n_layers (net);
  CvShape prev = cv_net_input_shape (net);
  size_t params = 0;
  CvNet *again = NULL;
  CvError err = { CV_OK, "" };

  FUZZ_CHECK (n >= 1);
  FUZZ_CHECK (prev.h > 0 && prev.w > 0 && prev.c > 0);
  for (int i = 0; i < n; i++)
    {
      const CvLayerInfo *L = cv_net_layer (net, i);

      FUZZ_CHECK (L != NULL);
      FUZZ_CHECK (L->in.h == prev.h && L->in.w == prev.w && L->in.c == prev.c);
      FUZZ_CHECK (L->out.h > 0 && L->out.w > 0 && L->out.c > 0);
      FUZZ_CHECK (cv_layer_kind_name (L->kind) != NULL);
      if (L->n_params > 0)
        {
          FUZZ_CHECK (L->param_offset == params);
          FUZZ_CHECK (L->bias_offset > L->param_offset);
          FUZZ_CHECK (L->bias_offset < L->param_offset + L->n_params);
        }
      params += L->n_params;
      prev = L->out;
    }
  FUZZ_CHECK (cv_net_layer (net, n - 1)->kind == CV_LAYER_SOFTMAX);
  FUZZ_CHECK (params == cv_net_n_params (net));
  FUZZ_CHECK (cv_net_n_classes (net) == prev.c * prev.h * prev.w);

  /* The canonical spec is a fixed point of the parser. */
  FUZZ_CHECK (cv_net_new (cv_net_spec (net), &again, &err) == CV_OK);
  FUZZ_CHECK (strcmp (cv_net_spec (again), cv_net_spec (net)) == 0);
  FUZZ_CHECK (cv_net_n_params (again) == cv_net_n_params (net));
  cv_net_free (again);

  if (fuzz_net_activation_floats (net) <= MAX_RUN_FLOATS
      && cv_net_n_params (net) <= MAX_RUN_PARAMS)
    {
      CvShape in = cv_net_input_shape (net);
      gsize size = cv_shape_size (in);
      float *x = g_new (float, 2 * size);
      uint8_t labels[2] = { 0, (uint8_t) (cv_net_n_classes (net) - 1) };
      CvRng rng;
      CvNet *copy;

      cv_rng_seed (&rng, 7);
      cv_net_init (net, &rng);
      for (gsize i = 0; i < 2 * size; i++)
        x[i] = cv_rng_uniform (&rng);
      FUZZ_CHECK (cv_net_forward (net, x, 2) == CV_OK);
      (void) cv_net_loss (net, labels, 2);
      cv_net_zero_grads (net);
      /* A softmax alone (no layer before it) has nothing to train:
       * backward refuses it with CV_ERR_ARG, and the trainer reports it. */
      if (cv_net_n_layers (net) >= 2)
        FUZZ_CHECK (cv_net_backward (net, labels, 2) == CV_OK);
      else
        FUZZ_CHECK (cv_net_backward (net, labels, 2) == CV_ERR_ARG);
      for (int i = 0; i < cv_net_n_layers (net); i++)
        FUZZ_CHECK (cv_net_activation (net, i) != NULL);

      copy = cv_net_clone (net);
      FUZZ_CHECK (copy != NULL);
      FUZZ_CHECK (cv_net_copy_params (copy, net) == CV_OK);
      cv_net_free (copy);
      g_free (x);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = g_malloc (size + 1);
  CvNet *net = NULL;
  CvError err = { CV_OK, "" };
  CvStatus st;

  if (size > 0)
    memcpy (text, data, size);
  text[size] = '\0';

  st = cv_net_new (text, &net, &err);
  if (st == CV_OK)
    {
      check_net (net);
      cv_net_free (net);
    }
  else
    {
      FUZZ_CHECK (net == NULL);
      FUZZ_CHECK (fuzz_message_ok (&err));
      /* A message about valid UTF-8 text is valid UTF-8 (it ends up in a
       * GTK label): quoting a token must not cut a character in half. */
      if (g_utf8_validate (text, -1, NULL))
        FUZZ_CHECK (g_utf8_validate (err.message, -1, NULL));
    }

  /* NULL and empty specs are errors, not crashes. */
  if (size == 0)
    {
      FUZZ_CHECK (cv_net_new (NULL, &net, &err) != CV_OK);
      FUZZ_CHECK (cv_net_new ("", &net, &err) != CV_OK);
    }
  g_free (text);
  return 0;
}
