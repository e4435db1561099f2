/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-cli eval — accuracy, per-class accuracy and confusion matrix.
 */
#define G_LOG_DOMAIN "convolve-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "convolve-cli.h"

int
cli_eval (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *dataset = NULL, *split = NULL;
  g_autofree char *samples_s = NULL, *seed_s = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("The model file (.cvm)"), N_("FILE") },
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset, N_("shapes, digits, drawn-digits, fashion or an IDX image file"), N_("NAME") },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, N_("train or test (test)"), N_("SPLIT") },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &samples_s, N_("shapes: draw N fresh samples; other datasets: the first N"), "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_s, N_("shapes with --samples: the seed to draw them from (2)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = NULL;
  g_autoptr(ConvolveDataset) ds = NULL;
  g_autofree int *confusion = NULL;
  gint64 samples = 0, seed = 2;
  int classes, size;
  float loss = 0.f, accuracy = 0.f;
  CvNet *net;
  CvStatus status;

  if (!cli_parse_options ("eval", NULL,
                          _("Measure a model's accuracy on a dataset."),
                          _("Examples:\n"
                            "  convolve-cli eval --model shapes.cvm --dataset shapes\n"
                            "  convolve-cli eval --model data/models/digits.cvm --dataset digits --split test"),
                          entries, &argc, &argv, &error))
    return cli_report ("eval", error);

  if (argc > 1)
    g_set_error (&error, CLI_ERROR, CLI_ERROR_USAGE, _("unexpected argument “%s”"), argv[1]);
  else if (model_path == NULL)
    g_set_error_literal (&error, CLI_ERROR, CLI_ERROR_USAGE, _("--model is required"));
  else if (dataset == NULL)
    g_set_error_literal (&error, CLI_ERROR, CLI_ERROR_USAGE, _("--dataset is required"));
  else if (split != NULL && strcmp (split, "train") != 0 && strcmp (split, "test") != 0)
    g_set_error (&error, CLI_ERROR, CLI_ERROR_USAGE, _("--split: “%s” is neither “train” nor “test”"), split);
  if (error == NULL && samples_s != NULL)
    cli_parse_int ("samples", samples_s, 1, CLI_MAX_SAMPLES, &samples, &error);
  if (error == NULL && seed_s != NULL)
    cli_parse_int ("seed", seed_s, 0, G_MAXINT64, &seed, &error);
  if (error != NULL)
    return cli_report ("eval", error);
  if (split == NULL)
    split = g_strdup ("test");

  model = cli_load_model (model_path, &error);
  if (model == NULL)
    return cli_report ("eval", error);
  ds = cli_load_dataset (dataset, split, (int) samples, (guint64) seed, &error);
  if (ds == NULL)
    return cli_report ("eval", error);

  classes = convolve_model_get_n_classes (model);
  size = convolve_model_get_input_size (model);
  net = convolve_model_dup_net (model);
  {
    CvShape in = cv_net_input_shape (net);

    if (in.h != ds->h || in.w != ds->w || in.c != ds->c || classes != ds->n_classes)
      {
        g_set_error (&error, CLI_ERROR, CLI_ERROR_FAILED,
                     _("%s: the model takes %d×%d×%d images in %d classes, but the dataset “%s” has %d×%d×%d images in %d classes"),
                     model_path, in.h, in.w, in.c, classes, dataset, ds->h, ds->w, ds->c, ds->n_classes);
        cv_net_free (net);
        return cli_report ("eval", error);
      }
  }
  (void) size;

  confusion = g_new0 (int, (gsize) classes * classes);
  status = cv_net_evaluate (net, ds->x, ds->y, ds->n, 128, &loss, &accuracy, confusion);
  cv_net_free (net);
  if (status != CV_OK)
    {
      g_set_error (&error, CLI_ERROR, CLI_ERROR_FAILED, _("%s: evaluation failed (%s)"),
                   model_path, cv_status_name (status));
      return cli_report ("eval", error);
    }

  if (json)
    {
      g_autoptr(GString) out = g_string_new ("{\"model\": ");

      cli_json_string (out, model_path);
      g_string_append (out, ", \"dataset\": ");
      cli_json_string (out, dataset);
      g_string_append (out, ", \"split\": ");
      cli_json_string (out, split);
      g_string_append_printf (out, ", \"n\": %d, \"loss\": ", ds->n);
      cli_json_number (out, loss, 6);
      g_string_append (out, ", \"accuracy\": ");
      cli_json_number (out, accuracy, 6);
      g_string_append (out, ", \"classes\": [");
      for (int i = 0; i < classes; i++)
        {
          if (i)
            g_string_append (out, ", ");
          cli_json_string (out, convolve_model_get_class_name (model, i));
        }
      g_string_append (out, "], \"per_class\": [");
      for (int i = 0; i < classes; i++)
        {
          int total = 0;

          for (int j = 0; j < classes; j++)
            total += confusion[i * classes + j];
          if (i)
            g_string_append (out, ", ");
          if (total > 0)
            cli_json_number (out, (double) confusion[i * classes + i] / total, 6);
          else
            g_string_append (out, "null");
        }
      g_string_append (out, "], \"confusion\": [");
      for (int i = 0; i < classes; i++)
        {
          g_string_append (out, i ? ", [" : "[");
          for (int j = 0; j < classes; j++)
            g_string_append_printf (out, j ? ", %d" : "%d", confusion[i * classes + j]);
          g_string_append (out, "]");
        }
      g_string_append (out, "]}");
      g_print ("%s\n", out->str);
    }
  else
    {
      int correct = 0, width = 8;

      for (int i = 0; i < classes; i++)
        {
          correct += confusion[i * classes + i];
          width = MAX (width, (int) g_utf8_strlen (convolve_model_get_class_name (model, i), -1) + 2);
        }

      g_print (_("%s on %s (%s, %d images)\n"), model_path, dataset, split, ds->n);
      g_print (_("accuracy %.2f%% (%d/%d)  loss %.4f\n"), 100.0 * accuracy, correct, ds->n, loss);
      g_print ("\n%s\n", _("per class:"));
      for (int i = 0; i < classes; i++)
        {
          int total = 0;

          for (int j = 0; j < classes; j++)
            total += confusion[i * classes + j];
          g_print ("  %-*s %6.1f%%  (%d/%d)\n", width, convolve_model_get_class_name (model, i),
                   total ? 100.0 * confusion[i * classes + i] / total : 0.0,
                   confusion[i * classes + i], total);
        }

      g_print ("\n%s\n", _("confusion matrix (rows: true class, columns: predicted):"));
      g_print ("  %-*s", width, "");
      for (int j = 0; j < classes; j++)
        g_print (" %*.*s", width, width, convolve_model_get_class_name (model, j));
      g_print ("\n");
      for (int i = 0; i < classes; i++)
        {
          g_print ("  %-*s", width, convolve_model_get_class_name (model, i));
          for (int j = 0; j < classes; j++)
            g_print (" %*d", width, confusion[i * classes + j]);
          g_print ("\n");
        }
    }

  return CLI_EXIT_OK;
}
