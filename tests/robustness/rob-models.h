/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rob-models.h — the two models the atomic-save test writes in turn. Both
 * the writing child and the checking parent build them from the same seeds,
 * so the parent knows every byte of "old" and "new" without asking the
 * child. The "digits-small" network (26,698 parameters, 107 kB on disk) makes a
 * save (with its fsync) take long enough for a kill to land inside it.
 */
#pragma once

#include "convolve-model.h"
#include "convolve-dataset.h"

static inline ConvolveModel *
rob_make_model (guint64 seed)
{
  const char *const names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
  CvModelInfo info = { NULL, 10, (char **) names, convolve_input_spec_digits () };
  CvNet *net = NULL;
  CvError err = { CV_OK, "" };
  CvRng rng;

  if (cv_net_new (cv_arch_spec ("digits-small"), &net, &err) != CV_OK)
    g_error ("digits spec: %s", err.message);
  cv_rng_seed (&rng, seed);
  cv_net_init (net, &rng);
  return convolve_model_new (net, &info);
}
