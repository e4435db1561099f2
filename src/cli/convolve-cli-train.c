/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-cli train — trains through ConvolveTrainer on a GMainLoop, so
 * the command line exercises the same worker thread as the window.
 */
#define G_LOG_DOMAIN "convolve-cli"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "convolve-cli.h"
#include "convolve-trainer.h"

typedef struct {
  GMainLoop       *loop;
  ConvolveTrainer *trainer;
  gboolean         json;
  gboolean         interrupted;
  int              epochs;
  GError          *error;
} TrainRun;

static void
epoch_finished_cb (ConvolveTrainer *trainer,
                   int              epoch,
                   double           loss,
                   double           accuracy,
                   double           val_accuracy,
                   double           seconds,
                   TrainRun        *run)
{
  if (run->json)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      g_string_append_printf (out, "{\"epoch\": %d, \"epochs\": %d, \"loss\": ", epoch, run->epochs);
      cli_json_number (out, loss, 6);
      g_string_append (out, ", \"accuracy\": ");
      cli_json_number (out, accuracy, 6);
      g_string_append (out, ", \"val_accuracy\": ");
      if (val_accuracy >= 0.0)
        cli_json_number (out, val_accuracy, 6);
      else
        g_string_append (out, "null");
      g_string_append (out, ", \"seconds\": ");
      cli_json_number (out, seconds, 4);
      g_string_append (out, "}");
      g_print ("%s\n", out->str);
    }
  else
    {
      g_autofree char *val = val_accuracy >= 0.0
        ? g_strdup_printf ("%.1f%%", 100.0 * val_accuracy)
        : g_strdup ("–");

      g_print (_("epoch %d/%d  loss %.4f  accuracy %.1f%%  val %s  %.2f s\n"),
               epoch, run->epochs, loss, 100.0 * accuracy, val, seconds);
    }
  /* A pipe (tee, a test, a GUI reading us) sees each epoch as it ends. */
  fflush (stdout);
}

static void
done_cb (ConvolveTrainer *trainer,
         TrainRun        *run)
{
  g_main_loop_quit (run->loop);
}

static void
failed_cb (ConvolveTrainer *trainer,
           const GError    *error,
           TrainRun        *run)
{
  g_clear_error (&run->error);
  run->error = g_error_copy (error);
  g_main_loop_quit (run->loop);
}

static gboolean
sigint_cb (gpointer data)
{
  TrainRun *run = data;

  run->interrupted = TRUE;
  convolve_trainer_cancel (run->trainer);
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_enum (const char  *option,
            const char  *text,
            const char  *a,
            const char  *b,
            int         *out,
            GError     **error)
{
  if (g_strcmp0 (text, a) == 0)
    *out = 0;
  else if (g_strcmp0 (text, b) == 0)
    *out = 1;
  else
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USAGE,
                   _("--%s: “%s” is neither “%s” nor “%s”"), option, text, a, b);
      return FALSE;
    }
  return TRUE;
}

int
cli_train (int argc, char **argv)
{
  g_autofree char *arch = NULL, *dataset = NULL, *out = NULL;
  g_autofree char *samples_s = NULL, *val_samples_s = NULL, *epochs_s = NULL;
  g_autofree char *batch_s = NULL, *lr_s = NULL, *optimizer_s = NULL;
  g_autofree char *seed_s = NULL, *schedule_s = NULL, *patience_s = NULL;
  g_autofree char *threads_s = NULL;
  gboolean augment = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "arch", 'a', 0, G_OPTION_ARG_STRING, &arch, N_("Architecture name or spec (default: the dataset's name)"), N_("NAME|SPEC") },
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset, N_("shapes, digits, fashion or an IDX image file"), N_("NAME") },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &samples_s, N_("Training samples: shapes draws this many (180); other datasets keep the first N"), "N" },
    { "val-samples", 0, 0, G_OPTION_ARG_STRING, &val_samples_s, N_("shapes: size of the fresh validation set (300); 0: no validation"), "N" },
    { "epochs", 'e', 0, G_OPTION_ARG_STRING, &epochs_s, N_("Passes over the data (20)"), "N" },
    { "batch", 'b', 0, G_OPTION_ARG_STRING, &batch_s, N_("Samples per batch (8)"), "N" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &lr_s, N_("Learning rate, the peak one for onecycle (0.005)"), N_("RATE") },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &optimizer_s, N_("adam or sgd (adam)"), N_("NAME") },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_s, N_("Seed for weights, shuffling, augmentation and shapes (1)"), "N" },
    { "augment", 0, 0, G_OPTION_ARG_NONE, &augment, N_("Randomly rotate, scale, shift and thicken training images"), NULL },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule_s, N_("Learning-rate schedule: constant or onecycle (constant)"), N_("NAME") },
    { "patience", 0, 0, G_OPTION_ARG_STRING, &patience_s, N_("Stop after N epochs without a better validation accuracy and keep the best weights (0: off)"), "N" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &threads_s, N_("Threads for the engine; the results are the same for any count (1)"), "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Save the trained model here (atomically)"), N_("FILE.cvm") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per epoch: epoch, epochs, loss, accuracy, val_accuracy, seconds"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveTrainer) trainer = NULL;
  g_autoptr(ConvolveDataset) train_set = NULL;
  g_autoptr(ConvolveDataset) val_set = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *owned_spec = NULL;
  gint64 samples = 0, val_samples = 300, epochs = 20, batch = 8, patience = 0;
  gint64 seed = 1, threads = 1;
  double lr = 0.005;
  int optimizer = 0, schedule = 0;
  const char *spec;
  TrainRun run = { 0 };
  guint sigint_id;
  int status;

  if (!cli_parse_options ("train", NULL,
                          _("Train a network through the trainer thread, one line per epoch."),
                          _("The defaults (Adam, rate 0.005, batch 8, 20 epochs, seed 1) train the\n"
                            "shapes network to an accuracy of 1.00 on its 180 samples and about\n"
                            "0.95 on fresh ones.\n\n"
                            "Ctrl+C stops at the next batch and writes no model (exit status 130).\n\n"
                            "Validation: shapes draws a fresh set of --val-samples from seed + 1;\n"
                            "digits and fashion use their test split (--val-samples 0: none);\n"
                            "an IDX file has none.\n\n"
                            "Examples:\n"
                            "  convolve-cli train --arch shapes --dataset shapes --out shapes.cvm\n"
                            "  convolve-cli train --arch digits --dataset digits --augment \\\n"
                            "      --schedule onecycle --epochs 50 --batch 32 --lr 0.003 --out digits.cvm"),
                          entries, &argc, &argv, &error))
    return cli_report ("train", error);

  if (argc > 1)
    g_set_error (&error, CLI_ERROR, CLI_ERROR_USAGE, _("unexpected argument “%s”"), argv[1]);
  else if (dataset == NULL)
    g_set_error_literal (&error, CLI_ERROR, CLI_ERROR_USAGE, _("--dataset is required"));
  if (error == NULL && samples_s != NULL)
    cli_parse_int ("samples", samples_s, 1, CLI_MAX_SAMPLES, &samples, &error);
  if (error == NULL && val_samples_s != NULL)
    cli_parse_int ("val-samples", val_samples_s, 0, CLI_MAX_SAMPLES, &val_samples, &error);
  if (error == NULL && epochs_s != NULL)
    cli_parse_int ("epochs", epochs_s, 1, 100000, &epochs, &error);
  if (error == NULL && batch_s != NULL)
    cli_parse_int ("batch", batch_s, 1, CLI_MAX_BATCH, &batch, &error);
  if (error == NULL && lr_s != NULL)
    {
      if (cli_parse_double ("lr", lr_s, 0.0, 1000.0, &lr, &error) && lr <= 0.0)
        g_set_error (&error, CLI_ERROR, CLI_ERROR_USAGE, _("--lr: “%s” must be greater than 0"), lr_s);
    }
  if (error == NULL && seed_s != NULL)
    cli_parse_int ("seed", seed_s, 0, G_MAXINT64, &seed, &error);
  if (error == NULL && patience_s != NULL)
    cli_parse_int ("patience", patience_s, 0, 100000, &patience, &error);
  if (error == NULL && threads_s != NULL)
    cli_parse_int ("threads", threads_s, 1, 8, &threads, &error);
  if (error == NULL && optimizer_s != NULL)
    parse_enum ("optimizer", optimizer_s, "adam", "sgd", &optimizer, &error);
  if (error == NULL && schedule_s != NULL)
    parse_enum ("schedule", schedule_s, "constant", "onecycle", &schedule, &error);
  if (error != NULL)
    return cli_report ("train", error);

  if (arch == NULL)
    {
      if (cv_arch_spec (dataset) == NULL)
        {
          g_set_error (&error, CLI_ERROR, CLI_ERROR_USAGE,
                       _("--arch is required: there is no architecture named “%s”"), dataset);
          return cli_report ("train", error);
        }
      arch = g_strdup (dataset);
    }
  spec = cli_resolve_arch (arch, &owned_spec, &error);
  if (spec == NULL)
    return cli_report ("train", error);

  if (g_strcmp0 (dataset, "shapes") == 0)
    {
      train_set = cli_load_dataset (dataset, "train", samples > 0 ? (int) samples : 180,
                                    (guint64) seed, &error);
      if (train_set != NULL && val_samples > 0)
        val_set = cli_load_dataset (dataset, "test", (int) val_samples, (guint64) seed + 1, &error);
    }
  else
    {
      train_set = cli_load_dataset (dataset, "train", (int) samples, (guint64) seed, &error);
      /* An IDX file has no split: validating on it would only repeat the
       * training accuracy. */
      if (train_set != NULL && val_samples > 0 && !g_file_test (dataset, G_FILE_TEST_EXISTS))
        val_set = convolve_dataset_load (dataset, "test", NULL);
    }
  if (error != NULL)
    return cli_report ("train", error);

  trainer = convolve_trainer_new ();
  convolve_trainer_set_spec (trainer, spec);
  convolve_trainer_set_dataset (trainer, g_steal_pointer (&train_set));
  convolve_trainer_set_validation (trainer, g_steal_pointer (&val_set));
  convolve_trainer_set_epochs (trainer, (int) epochs);
  convolve_trainer_set_batch_size (trainer, (int) batch);
  convolve_trainer_set_learning_rate (trainer, lr);
  convolve_trainer_set_optimizer (trainer, optimizer ? CONVOLVE_OPTIMIZER_SGD : CONVOLVE_OPTIMIZER_ADAM);
  convolve_trainer_set_schedule (trainer, schedule ? CONVOLVE_LR_SCHEDULE_ONE_CYCLE : CONVOLVE_LR_SCHEDULE_CONSTANT);
  convolve_trainer_set_augment (trainer, augment);
  convolve_trainer_set_seed (trainer, (guint64) seed);
  convolve_trainer_set_patience (trainer, (int) patience);
  convolve_trainer_set_threads (trainer, (int) threads);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.trainer = trainer;
  run.json = json;
  run.epochs = (int) epochs;
  g_signal_connect (trainer, "epoch-finished", G_CALLBACK (epoch_finished_cb), &run);
  g_signal_connect (trainer, "finished", G_CALLBACK (done_cb), &run);
  g_signal_connect (trainer, "failed", G_CALLBACK (failed_cb), &run);

  if (!convolve_trainer_start (trainer, &error))
    {
      g_autoptr(GError) wrapped = g_error_new (CLI_ERROR, CLI_ERROR_FAILED, "%s", error->message);
      return cli_report ("train", wrapped);
    }

  sigint_id = g_unix_signal_add (SIGINT, sigint_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);

  status = CLI_EXIT_OK;
  switch (convolve_trainer_get_state (trainer))
    {
    case CONVOLVE_TRAINER_STATE_FINISHED:
      if (!json && convolve_trainer_get_best_epoch (trainer) > 0)
        {
          if (convolve_trainer_get_epoch (trainer) < (int) epochs)
            g_print (_("Stopped early after epoch %d: validation accuracy had not improved for %d epochs.\n"),
                     convolve_trainer_get_epoch (trainer), (int) patience);
          g_print (_("Kept the weights of epoch %d, the best on validation.\n"),
                   convolve_trainer_get_best_epoch (trainer));
        }
      if (out != NULL)
        {
          g_autoptr(GFile) file = g_file_new_for_commandline_arg (out);
          g_autoptr(GError) save_error = NULL;

          if (!convolve_model_save (convolve_trainer_get_model (trainer), file, &save_error))
            {
              g_set_error (&error, CLI_ERROR, CLI_ERROR_FAILED, "%s: %s", out, save_error->message);
              status = cli_report ("train", error);
            }
          else if (!json)
            g_print (_("Saved the model to %s\n"), out);
        }
      break;

    case CONVOLVE_TRAINER_STATE_CANCELLED:
      g_printerr (_("convolve-cli: interrupted: training stopped after %d of %d epochs; no model was written\n"),
                  convolve_trainer_get_epoch (trainer), (int) epochs);
      status = CLI_EXIT_INTERRUPTED;
      break;

    case CONVOLVE_TRAINER_STATE_FAILED:
    default:
      g_printerr ("convolve-cli: %s\n", run.error ? run.error->message : _("training failed"));
      status = CLI_EXIT_FAILURE;
      break;
    }

  /* Disconnect before the trainer goes: nothing may call back into run. */
  g_signal_handlers_disconnect_by_data (trainer, &run);
  g_clear_error (&run.error);
  return status;
}
