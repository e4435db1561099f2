/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trainer-cancel-latency — how long convolve_trainer_cancel() blocks the
 * main thread: from the call until the worker has stopped and been joined.
 * The bound is one batch, so the numbers are per architecture and batch.
 *
 *   trainer-cancel-latency [--runs N] [ARCH[:BATCH]…]
 *
 * Default: shapes:16 digits-small:32 lenet:32 lenet:128, 30 runs each.
 * Prints median, p99 and max in milliseconds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "convolve-trainer.h"

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
batch_cb (ConvolveTrainer *trainer, int batch, int batches, double loss, gboolean *seen)
{
  *seen = TRUE;
}

static gboolean
measure (const char *arch, int batch, int runs)
{
  const char *spec = cv_arch_spec (arch);
  g_autofree double *ms = g_new0 (double, runs);
  g_autoptr(ConvolveTrainer) trainer = NULL;
  const char *names[101] = { 0 };
  char labels[100][4];
  ConvolveDataset *ds;
  CvNet *net = NULL;
  CvError err;
  CvShape in;
  CvRng rng;
  int classes, n;

  if (spec == NULL || cv_net_new (spec, &net, &err) != CV_OK)
    {
      g_printerr ("trainer-cancel-latency: unknown architecture “%s”\n", arch);
      return FALSE;
    }
  in = cv_net_input_shape (net);
  classes = MIN (cv_net_n_classes (net), 100);
  cv_net_free (net);

  for (int c = 0; c < classes; c++)
    {
      g_snprintf (labels[c], sizeof labels[c], "%d", c);
      names[c] = labels[c];
    }
  /* Enough random samples that no run reaches the end of an epoch. */
  n = batch * 200;
  ds = convolve_dataset_new (n, in.h, in.w, in.c, names);
  cv_rng_seed (&rng, 7);
  for (size_t i = 0; i < (size_t) n * cv_shape_size (in); i++)
    ds->x[i] = cv_rng_uniform (&rng);
  for (int i = 0; i < n; i++)
    ds->y[i] = (guint8) cv_rng_below (&rng, (guint32) classes);

  trainer = convolve_trainer_new ();
  convolve_trainer_set_spec (trainer, arch);
  convolve_trainer_set_dataset (trainer, ds);
  convolve_trainer_set_batch_size (trainer, batch);
  convolve_trainer_set_epochs (trainer, 1);

  for (int r = 0; r < runs; r++)
    {
      g_autoptr(GError) error = NULL;
      gboolean seen = FALSE;
      gulong id = g_signal_connect (trainer, "batch-finished", G_CALLBACK (batch_cb), &seen);
      gint64 t0;

      if (!convolve_trainer_start (trainer, &error))
        {
          g_printerr ("trainer-cancel-latency: %s\n", error->message);
          return FALSE;
        }
      /* Cancel at a random point inside a batch, after the first one. */
      while (!seen)
        g_main_context_iteration (NULL, TRUE);
      g_usleep (g_random_int_range (0, 20000));

      t0 = g_get_monotonic_time ();
      convolve_trainer_cancel (trainer);
      ms[r] = (double) (g_get_monotonic_time () - t0) / 1000.0;
      g_signal_handler_disconnect (trainer, id);
    }

  qsort (ms, (size_t) runs, sizeof *ms, compare_double);
  g_print ("%-14s batch %4d   median %7.2f ms   p99 %7.2f ms   max %7.2f ms   (%d runs)\n",
           arch, batch, ms[runs / 2], ms[(int) (0.99 * (runs - 1) + 0.5)], ms[runs - 1], runs);
  return TRUE;
}

int
main (int argc, char **argv)
{
  const char *defaults[] = { "shapes:16", "digits-small:32", "lenet:32", "lenet:128" };
  const char *const *targets = defaults;
  int n_targets = G_N_ELEMENTS (defaults);
  int runs = 30, first = 1;

  if (argc > 2 && strcmp (argv[1], "--runs") == 0)
    {
      runs = MAX (1, atoi (argv[2]));
      first = 3;
    }
  if (argc > first)
    {
      targets = (const char *const *) argv + first;
      n_targets = argc - first;
    }

  for (int i = 0; i < n_targets; i++)
    {
      g_auto(GStrv) parts = g_strsplit (targets[i], ":", 2);
      int batch = parts[1] ? atoi (parts[1]) : 32;

      if (!measure (parts[0], MAX (batch, 1), runs))
        return 1;
    }
  return 0;
}
