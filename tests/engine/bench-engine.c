/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-engine.c — how fast the engine trains and predicts (not a test).
 *
 *   engine-bench [seconds-per-measure] [path]
 *
 * Trains each built-in architecture at batch 32 on random inputs for about
 * the given CPU time (default 1 s) and prints samples per CPU-second, then
 * times single-image predictions (CPU µs each). One thread.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cv-engine.h"
#include "cv-kernels.h"

/* CPU time of this (single-threaded) process: on a shared machine it
 * measures the engine, not the neighbours. */
static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void
bench_arch (const char *arch, double seconds, int batch)
{
  CvNet *net = NULL;
  if (cv_net_new (cv_arch_spec (arch), &net, NULL) != CV_OK)
    return;
  CvRng rng;
  cv_rng_seed (&rng, 1);
  cv_net_init (net, &rng);
  size_t sample = cv_shape_size (cv_net_input_shape (net));
  int n = 1024;
  float *x = malloc (sizeof (float) * sample * (size_t) n);
  uint8_t *y = malloc ((size_t) n);
  for (size_t i = 0; i < sample * (size_t) n; i++)
    x[i] = cv_rng_uniform (&rng) < 0.2f ? 1.0f : 0.0f;
  for (int i = 0; i < n; i++)
    y[i] = (uint8_t) cv_rng_below (&rng, (uint32_t) cv_net_n_classes (net));

  CvTrainConfig cfg;
  cv_train_config_default (&cfg);
  cfg.batch = batch;
  CvTrain *train = NULL;
  cv_train_new (net, &cfg, x, y, n, &train, NULL);
  CvBatchResult res;
  cv_train_step (train, &res);   /* warm up: buffers grow once */
  long samples = 0;
  double t0 = now (), t;
  do
    {
      cv_train_step (train, &res);
      samples += res.n;
      t = now ();
    }
  while (t - t0 < seconds);
  double train_rate = (double) samples / (t - t0);

  float probs[16];
  CvNet *single = cv_net_clone (net);
  cv_net_predict (single, x, probs);
  long predictions = 0;
  t0 = now ();
  do
    {
      for (int i = 0; i < 50; i++)
        cv_net_predict (single, x + (size_t) (predictions++ % n) * sample, probs);
      t = now ();
    }
  while (t - t0 < seconds / 2);
  printf ("%-13s params %7zu  train batch %d: %9.0f samples/s   predict: %8.1f us/image\n",
          arch, cv_net_n_params (net), batch, train_rate, 1e6 * (t - t0) / (double) predictions);
  cv_net_free (single);
  cv_train_free (train);
  cv_net_free (net);
  free (x);
  free (y);
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? atof (argv[1]) : 1.0;
  if (argc > 2)   /* 0 reference, 1 portable C, 2 AVX2+FMA */
    cv_kernels_force (atoi (argv[2]));
  const char *paths[] = { "reference", "blocked C", "AVX2+FMA", "AVX-512" };
  int path = cv_kernels_path ();
  printf ("kernel path: %s\n", path >= 0 && path < 4 ? paths[path] : "?");
  for (const char *const *name = cv_arch_names (); *name != NULL; name++)
    bench_arch (*name, seconds, 32);
  return 0;
}
