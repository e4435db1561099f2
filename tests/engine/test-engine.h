/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-engine.h — shared helpers for the engine's cmocka tests.
 *
 * Each test has a path-like name (engine/conv2d/gradient). Every test
 * program takes an optional glob as its first argument and runs only the
 * tests whose names match it, so meson can list each test on its own.
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "cv-engine.h"

#define CV_TEST(name, fn) { name, fn, NULL, NULL, NULL }

static inline int
cv_test_main (const char *group, const struct CMUnitTest *tests, size_t n, int argc, char **argv)
{
  if (argc > 1)
    cmocka_set_test_filter (argv[1]);
  return _cmocka_run_group_tests (group, tests, n, NULL, NULL);
}

#define CV_TEST_MAIN(group, tests) \
  cv_test_main (group, tests, sizeof (tests) / sizeof ((tests)[0]), argc, argv)

/* Uniform in [lo, hi), from the engine's generator. */
static inline void
fill_uniform_d (double *a, size_t n, CvRng *rng, double lo, double hi)
{
  for (size_t i = 0; i < n; i++)
    a[i] = lo + (hi - lo) * (double) cv_rng_uniform (rng);
}

static inline void
fill_uniform_f (float *a, size_t n, CvRng *rng, float lo, float hi)
{
  for (size_t i = 0; i < n; i++)
    a[i] = lo + (hi - lo) * cv_rng_uniform (rng);
}

/*
 * Central finite differences of loss() with respect to each theta[i],
 * compared with analytic[i]. Returns the worst ratio
 *   |analytic - numeric| / (atol + rtol * max(|analytic|, |numeric|)),
 * so a check passes when the result is <= 1.
 */
typedef double (*CvLossFn) (void *ctx);

static inline double
grad_check_d (double *theta, size_t n, const double *analytic,
              CvLossFn loss, void *ctx, double h, double atol, double rtol)
{
  double worst = 0;
  for (size_t i = 0; i < n; i++)
    {
      double saved = theta[i];
      theta[i] = saved + h;
      double lp = loss (ctx);
      theta[i] = saved - h;
      double lm = loss (ctx);
      theta[i] = saved;
      double numeric = (lp - lm) / (2 * h);
      double scale = fmax (fabs (analytic[i]), fabs (numeric));
      double ratio = fabs (analytic[i] - numeric) / (atol + rtol * scale);
      if (ratio > worst)
        worst = ratio;
    }
  return worst;
}
