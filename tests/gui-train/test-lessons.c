/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Learn page's four build steps, compiled from the very files the page
 * shows, run end to end: the curriculum's numbers must come out. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lessons.h"

#define N 180

static void
test_step1_draw (void **state)
{
  float img[SIDE * SIDE];
  int ink;

  for (int shape = CIRCLE; shape <= TRIANGLE; shape++)
    {
      ink = 0;
      draw_shape (img, shape, 8.0f, 8.0f, 5.0f);
      for (int i = 0; i < SIDE * SIDE; i++)
        {
          assert_true (img[i] == 0.0f || img[i] == 1.0f);
          ink += img[i] == 1.0f;
        }
      assert_true (ink > 10 && ink < SIDE * SIDE / 2);
    }
}

static void
test_step2_dataset (void **state)
{
  float *x = calloc (N * SIDE * SIDE, sizeof (float));
  uint8_t y[N];
  int per_class[3] = { 0 };
  CvRng rng;

  cv_rng_seed (&rng, 1);
  make_dataset (x, y, N, &rng);
  for (int k = 0; k < N; k++)
    {
      float ink = 0.0f;
      assert_true (y[k] < 3);
      per_class[y[k]]++;
      for (int i = 0; i < SIDE * SIDE; i++)
        ink += x[k * SIDE * SIDE + i];
      assert_true (ink > 0.0f);
    }
  assert_int_equal (per_class[0], 60);
  assert_int_equal (per_class[1], 60);
  assert_int_equal (per_class[2], 60);
  free (x);
}

static void
test_step3_network (void **state)
{
  CvNet *net = build_network ();
  size_t expected[] = { 80, 1168, 8224, 99 };
  int found = 0;

  assert_non_null (net);
  for (int i = 0; i < cv_net_n_layers (net); i++)
    if (cv_net_layer (net, i)->n_params > 0)
      {
        assert_true (found < 4);
        assert_int_equal (cv_net_layer (net, i)->n_params, expected[found]);
        found++;
      }
  assert_int_equal (found, 4);
  assert_int_equal (cv_net_n_params (net), 9571);
  cv_net_free (net);
}

static void
test_step4_train (void **state)
{
  float *x = calloc (N * SIDE * SIDE, sizeof (float));
  uint8_t y[N];
  CvNet *net = build_network ();
  CvRng rng;
  float accuracy;

  cv_rng_seed (&rng, 1);
  make_dataset (x, y, N, &rng);
  accuracy = train_network (net, x, y, N, 15);
  assert_true (accuracy > 0.9f);
  cv_net_free (net);
  free (x);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_step1_draw),
    cmocka_unit_test (test_step2_dataset),
    cmocka_unit_test (test_step3_network),
    cmocka_unit_test (test_step4_train),
  };

  return cmocka_run_group_tests_name ("train/lessons", tests, NULL, NULL);
}
