/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-cli bench — training throughput with Adam and single-image
 * inference latency for one architecture.
 */
#define G_LOG_DOMAIN "convolve-cli"

#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <glib/gi18n.h>

#include "convolve-cli.h"

#define TRAIN_RUNS          5
#define TRAIN_RUN_US        (G_USEC_PER_SEC / 2)
#define INFER_WARMUP        50
#define INFER_MAX           3000
#define INFER_BUDGET_US     (2 * G_USEC_PER_SEC)

/* Microseconds with nanosecond resolution: single predictions are short. */
static double
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (double *values, int n, double p)
{
  int index;

  qsort (values, (size_t) n, sizeof *values, compare_double);
  index = (int) (p * (n - 1) + 0.5);
  return values[CLAMP (index, 0, n - 1)];
}

int
cli_bench (int argc, char **argv)
{
  g_autofree char *arch = NULL, *batch_s = NULL, *threads_s = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "arch", 'a', 0, G_OPTION_ARG_STRING, &arch, N_("Architecture name or spec"), N_("NAME|SPEC") },
    { "batch", 'b', 0, G_OPTION_ARG_STRING, &batch_s, N_("Samples per training batch (32)"), "N" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &threads_s, N_("Worker threads for the engine (1)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object: arch, batch, threads, train_samples_per_s, infer_us_median, infer_us_p99"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *owned = NULL;
  g_autofree float *x = NULL;
  g_autofree guint8 *y = NULL;
  g_autofree float *probs = NULL;
  g_autofree double *rates = NULL;
  g_autofree double *latencies = NULL;
  gint64 batch = 32, threads = 1;
  const char *spec;
  CvNet *net = NULL;
  CvTrain *train = NULL;
  CvTrainConfig cfg;
  CvError err = { 0 };
  CvRng rng;
  CvBatchResult res;
  size_t sample_size;
  int n, classes, n_lat = 0;
  double rate, median, p99;

  if (!cli_parse_options ("bench", NULL,
                          _("Measure training throughput (Adam) and single-image inference latency."),
                          _("Training: samples per second after a warm-up epoch, the median of five\n"
                            "timed runs of about half a second.  Inference: the median and 99th\n"
                            "percentile of single-image predictions, in microseconds.\n\n"
                            "Example:\n  convolve-cli bench --arch lenet --batch 32 --json"),
                          entries, &argc, &argv, &error))
    return cli_report ("bench", error);

  if (argc > 1)
    g_set_error (&error, CLI_ERROR, CLI_ERROR_USAGE, _("unexpected argument “%s”"), argv[1]);
  else if (arch == NULL)
    g_set_error_literal (&error, CLI_ERROR, CLI_ERROR_USAGE, _("--arch is required"));
  if (error == NULL && batch_s != NULL)
    cli_parse_int ("batch", batch_s, 1, CLI_MAX_BATCH, &batch, &error);
  if (error == NULL && threads_s != NULL)
    cli_parse_int ("threads", threads_s, 1, 8, &threads, &error);
  if (error != NULL)
    return cli_report ("bench", error);

  spec = cli_resolve_arch (arch, &owned, &error);
  if (spec == NULL)
    return cli_report ("bench", error);
  if (cv_net_new (spec, &net, &err) != CV_OK)
    {
      g_set_error (&error, CLI_ERROR, CLI_ERROR_FAILED, "%s: %s", arch, err.message);
      return cli_report ("bench", error);
    }

  /* Training and the predictions below split their big products. */
  cv_net_set_threads (net, (int) threads);

  /* Random pixels and labels: speed does not depend on what is learnt. */
  cv_rng_seed (&rng, 1);
  cv_net_init (net, &rng);
  sample_size = cv_shape_size (cv_net_input_shape (net));
  classes = cv_net_n_classes (net);
  n = (int) batch * 8;
  x = g_new (float, sample_size * n);
  y = g_new (guint8, n);
  for (size_t i = 0; i < sample_size * n; i++)
    x[i] = cv_rng_uniform (&rng);
  for (int i = 0; i < n; i++)
    y[i] = (guint8) cv_rng_below (&rng, (guint32) classes);

  cv_train_config_default (&cfg);
  cv_opt_config_default (&cfg.opt, CV_OPT_ADAM);
  cfg.batch = (int) batch;
  cfg.seed = 1;
  if (cv_train_new (net, &cfg, x, y, n, &train, &err) != CV_OK)
    {
      g_set_error (&error, CLI_ERROR, CLI_ERROR_FAILED, "%s: %s", arch, err.message);
      cv_net_free (net);
      return cli_report ("bench", error);
    }

  /* Warm-up: one epoch (caches, allocations, page faults). */
  do
    cv_train_step (train, &res);
  while (!res.epoch_done);

  rates = g_new (double, TRAIN_RUNS);
  for (int r = 0; r < TRAIN_RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time (), t;
      gint64 samples = 0;

      do
        {
          cv_train_step (train, &res);
          samples += res.n;
          t = g_get_monotonic_time ();
        }
      while (t - t0 < TRAIN_RUN_US);
      rates[r] = (double) samples * G_USEC_PER_SEC / (double) MAX (t - t0, 1);
    }
  rate = percentile (rates, TRAIN_RUNS, 0.5);
  cv_train_free (train);

  probs = g_new (float, classes);
  latencies = g_new (double, INFER_MAX);
  for (int i = 0; i < INFER_WARMUP; i++)
    cv_net_predict (net, x + (i % n) * sample_size, probs);
  {
    gint64 start = g_get_monotonic_time ();

    while (n_lat < INFER_MAX && g_get_monotonic_time () - start < INFER_BUDGET_US)
      {
        double t0 = now_us ();

        cv_net_predict (net, x + (n_lat % n) * sample_size, probs);
        latencies[n_lat++] = now_us () - t0;
      }
  }
  median = percentile (latencies, n_lat, 0.5);
  p99 = percentile (latencies, n_lat, 0.99);
  cv_net_free (net);

  if (json)
    {
      g_autoptr(GString) out = g_string_new ("{\"arch\": ");

      cli_json_string (out, arch);
      g_string_append_printf (out, ", \"batch\": %d, \"threads\": %d, \"train_samples_per_s\": ",
                              (int) batch, (int) threads);
      cli_json_number (out, rate, 1);
      g_string_append (out, ", \"infer_us_median\": ");
      cli_json_number (out, median, 1);
      g_string_append (out, ", \"infer_us_p99\": ");
      cli_json_number (out, p99, 1);
      g_string_append (out, "}");
      g_print ("%s\n", out->str);
    }
  else
    {
      g_print (_("%s, batch %d, %d thread(s)\n"), arch, (int) batch, (int) threads);
      g_print (_("training (Adam): %.0f samples/s (median of %d runs)\n"), rate, TRAIN_RUNS);
      g_print (_("inference, one image: median %.1f µs, p99 %.1f µs (%d runs)\n"), median, p99, n_lat);
    }

  return CLI_EXIT_OK;
}
