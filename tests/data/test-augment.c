/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the seeded training distortions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "convolve-augment.h"
#include "convolve-dataset.h"

static void
deterministic (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (30, 4);
  gsize n = (gsize) ds->n * 256;
  g_autofree float *a = g_memdup2 (ds->x, n * sizeof (float));
  g_autofree float *b = g_memdup2 (ds->x, n * sizeof (float));
  g_autofree float *c = g_memdup2 (ds->x, n * sizeof (float));
  CvShape shape = { 16, 16, 1 };
  CvRng r1, r2, r3;

  cv_rng_seed (&r1, 9);
  cv_rng_seed (&r2, 9);
  cv_rng_seed (&r3, 10);
  convolve_augment_batch (a, ds->n, shape, &r1, NULL);
  convolve_augment_batch (b, ds->n, shape, &r2, NULL);
  convolve_augment_batch (c, ds->n, shape, &r3, NULL);
  assert_memory_equal (a, b, n * sizeof (float));
  assert_true (memcmp (a, c, n * sizeof (float)) != 0);
  assert_true (memcmp (a, ds->x, n * sizeof (float)) != 0);
  for (gsize i = 0; i < n; i++)
    assert_true (a[i] >= 0.0f && a[i] <= 1.0f + 1e-6f);
}

static void
identity_when_switched_off (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (9, 4);
  g_autofree float *a = g_memdup2 (ds->x, 9 * 256 * sizeof (float));
  ConvolveAugment none = { 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f };
  CvShape shape = { 16, 16, 1 };
  CvRng rng;

  cv_rng_seed (&rng, 1);
  convolve_augment_batch (a, 9, shape, &rng, &none);
  for (int i = 0; i < 9 * 256; i++)
    assert_true (fabsf (a[i] - ds->x[i]) < 1e-5f);
}

static void
keeps_ink (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (60, 5);
  g_autofree float *a = g_memdup2 (ds->x, 60 * 256 * sizeof (float));
  CvShape shape = { 16, 16, 1 };
  CvRng rng;

  cv_rng_seed (&rng, 3);
  convolve_augment_batch (a, 60, shape, &rng, NULL);
  /* distorted, not destroyed: every picture keeps a good share of its ink */
  for (int i = 0; i < 60; i++)
    {
      double before = 0, after = 0;
      for (int p = 0; p < 256; p++)
        {
          before += ds->x[i * 256 + p];
          after += a[i * 256 + p];
        }
      assert_true (after > 0.3 * before);
      assert_true (after < 4.5 * before);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (deterministic),
    cmocka_unit_test (identity_when_switched_off),
    cmocka_unit_test (keeps_ink),
  };

  return cmocka_run_group_tests_name ("data/augment", tests, NULL, NULL);
}
