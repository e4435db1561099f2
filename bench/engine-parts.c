/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine-parts: times two parts of a training step in isolation, where the
 * whole-network benchmarks cannot tell them apart.
 *
 *   1. digits-small's second convolution backward (batch 32, 14×14×8 in,
 *      16 filters, 3×3): kernel gradient alone, then with the input
 *      gradient, on each fast kernel path the CPU has. The difference is the
 *      8-channel input gradient (AVX2: the gathering 8-wide product;
 *      AVX-512: pixels along the lanes).
 *   2. A ReLU pass over a batch of 32 × 28×28×8 activations, shared by
 *      cv_parallel_for over 1 and 2 threads.
 *
 * Each figure is the best of 7 rounds of 200 calls, in microseconds.
 * Usage: engine-parts
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cv-kernels.h"

#define ROUNDS 7
#define CALLS 200

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

static float *
random_floats (size_t n)
{
  float *v = malloc (sizeof (float) * n);
  if (v == NULL)
    exit (1);
  for (size_t i = 0; i < n; i++)
    v[i] = (float) rand () / (float) RAND_MAX - 0.5f;
  return v;
}

typedef struct {
  float       *y;
  const float *x;
  size_t       per;
} ReluJob;

static int
relu_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const ReluJob *j = data;
  (void) scratch;
  cv_relu_forward (j->y + (size_t) s0 * j->per, j->x + (size_t) s0 * j->per,
                   (size_t) (s1 - s0) * j->per);
  return 0;
}

int
main (void)
{
  static const char *const names[] = { "reference", "portable C", "AVX2+FMA", "AVX-512" };
  const CvConvDims d = { .n = 32, .h = 14, .w = 14, .c = 8, .oh = 14, .ow = 14, .f = 16,
                         .k = 3, .s = 1, .pt = 1, .pl = 1 };
  const size_t nx = (size_t) d.n * d.h * d.w * d.c, ny = (size_t) d.n * d.oh * d.ow * d.f;
  const size_t nk = (size_t) d.k * d.k * d.c * d.f;
  float *x = random_floats (nx), *dy = random_floats (ny), *k = random_floats (nk);
  float *dx = malloc (sizeof (float) * nx), *dk = calloc (nk, sizeof (float));
  float *db = calloc ((size_t) d.f, sizeof (float));
  CvScratch scratch = { 0 };
  CvConvCache cache = { 0 };

  printf ("digits-small's second convolution backward, batch 32 (best of %d x %d calls):\n",
          ROUNDS, CALLS);
  for (int path = CV_PATH_AVX2; path <= cv_kernels_best_path (); path++)
    {
      double best[2] = { 1e9, 1e9 };
      cv_kernels_force (path);
      for (int with_dx = 0; with_dx < 2; with_dx++)
        for (int r = 0; r < ROUNDS; r++)
          {
            double t0 = now ();
            for (int i = 0; i < CALLS; i++)
              cv_conv2d_backward (with_dx ? dx : NULL, dk, db, dy, x, k, &d, &scratch, &cache);
            double t = (now () - t0) / CALLS * 1e6;
            if (t < best[with_dx])
              best[with_dx] = t;
          }
      printf ("  %-10s  kernel gradient %7.1f us   with the input gradient %7.1f us"
              "   (input gradient %6.1f us)\n",
              names[path], best[0], best[1], best[1] - best[0]);
    }
  cv_kernels_force (-1);

  const size_t per = 28 * 28 * 8, n = 32;
  float *a = random_floats (per * n), *b = malloc (sizeof (float) * per * n);
  printf ("ReLU over 32 x 28x28x8 activations (best of %d x %d passes):\n", ROUNDS, CALLS);
  for (int threads = 1; threads <= 2; threads++)
    {
      CvScratch s = { 0 };
      double best = 1e9;
      cv_scratch_set_threads (&s, threads);
      for (int r = 0; r < ROUNDS; r++)
        {
          double t0 = now ();
          for (int i = 0; i < CALLS; i++)
            {
              ReluJob job = { i % 2 ? a : b, i % 2 ? b : a, per };
              cv_parallel_for (&s, (int) n, 1, 1, relu_share, &job);
            }
          double t = (now () - t0) / CALLS * 1e6;
          if (t < best)
            best = t;
        }
      printf ("  %d thread%s  %6.1f us a pass\n", threads, threads > 1 ? "s" : " ", best);
      cv_scratch_free (&s);
    }

  cv_conv_cache_free (&cache);
  cv_scratch_free (&scratch);
  free (x); free (dy); free (k); free (dx); free (dk); free (db); free (a); free (b);
  return 0;
}
