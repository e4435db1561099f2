/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Train page in a real window under Xvfb: a full shapes training
 * started through the page's train.start action ends with one chart point
 * per epoch, a log that matches the trainer's epoch-finished signals, the
 * status "Finished" and a confusion matrix equal to cv_net_evaluate. Exits
 * 77 (skip) when there is no display. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "convolve-chart.h"
#include "convolve-train-page.h"

typedef struct {
  GtkWidget *window;
  GtkWidget *page;
  GPtrArray *expected_lines;   /* what the trainer's signals said */
  GArray    *expected_rows;    /* double[5]: epoch, loss, accuracy, val, seconds */
  int        batches;
  double     max_batch_accuracy;  /* the running training accuracy, at its best */
  gboolean   batch_accuracy_bad;  /* outside 0..1 once */
  int        use_model_count;
} Fixture;

static void
epoch_finished_cb (ConvolveTrainer *trainer,
                   int              epoch,
                   double           loss,
                   double           accuracy,
                   double           val_accuracy,
                   double           seconds,
                   Fixture         *f)
{
  int epochs = convolve_trainer_get_epochs (trainer);
  double row[5] = { epoch, loss, accuracy, val_accuracy, seconds };

  g_array_append_vals (f->expected_rows, row, 5);
  g_ptr_array_add (f->expected_lines,
                   g_strdup_printf ("Epoch %d/%d · loss %.3f · accuracy %.1f%% · validation %.1f%% · %.1f s",
                                    epoch, epochs, loss, 100.0 * accuracy, 100.0 * val_accuracy, seconds));
}

static void
batch_finished_cb (ConvolveTrainer *trainer,
                   int              batch,
                   int              batches,
                   double           loss,
                   Fixture         *f)
{
  double accuracy = convolve_trainer_get_batch_accuracy (trainer);

  f->batches++;
  if (!(accuracy >= 0.0 && accuracy <= 1.0))
    f->batch_accuracy_bad = TRUE;
  f->max_batch_accuracy = MAX (f->max_batch_accuracy, accuracy);
}

static void
use_model_cb (ConvolveTrainPage *page,
              ConvolveModel     *model,
              Fixture           *f)
{
  assert_true (CONVOLVE_IS_MODEL (model));
  f->use_model_count++;
}

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  ConvolveTrainer *trainer;

  f->expected_lines = g_ptr_array_new_with_free_func (g_free);
  f->expected_rows = g_array_new (FALSE, FALSE, sizeof (double));
  f->page = convolve_train_page_new ();
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (f->window), f->page);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_test_widget_wait_for_draw (f->window);

  trainer = convolve_train_page_get_trainer (CONVOLVE_TRAIN_PAGE (f->page));
  g_signal_connect (trainer, "epoch-finished", G_CALLBACK (epoch_finished_cb), f);
  g_signal_connect (trainer, "batch-finished", G_CALLBACK (batch_finished_cb), f);
  g_signal_connect (f->page, "use-model", G_CALLBACK (use_model_cb), f);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_ptr_array_unref (f->expected_lines);
  g_array_unref (f->expected_rows);
  g_free (f);
  return 0;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until the trainer reaches a state or 120 s pass. */
static void
wait_for_state (ConvolveTrainer     *trainer,
                ConvolveTrainerState state)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (120, timeout_cb, &timed_out);

  while (convolve_trainer_get_state (trainer) != state && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  assert_false (timed_out);
  g_source_remove (id);
}

/* The confusion matrix is counted on a worker after the run. */
static void
wait_for_results (ConvolveTrainPage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, timeout_cb, &timed_out);

  while (convolve_train_page_get_confusion (page, NULL) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  assert_false (timed_out);
  g_source_remove (id);
}

static void
spin (int ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Depth-first search for a widget. */
typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find_widget (GtkWidget    *root,
             Match         match,
             gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_label_with_text (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_label_containing (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_button_for_action (GtkWidget *widget, gconstpointer action)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static gboolean
action_enabled (Fixture *f, const char *action)
{
  GtkWidget *button = find_widget (f->page, is_button_for_action, action);

  assert_non_null (button);
  return gtk_widget_get_sensitive (button);
}

/* The curriculum's table: 80, 1,168, 8,224, 99 and the total 9,571. */
static void
test_architecture_table (void **state)
{
  Fixture *f = *state;
  const char *numbers[] = { "80", "1,168", "8,224", "99", "9,571" };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    assert_non_null (find_widget (f->page, is_label_with_text, numbers[i]));
  assert_non_null (find_widget (f->page, is_label_with_text, "Ready"));
  assert_true (action_enabled (f, "train.start"));
  assert_false (action_enabled (f, "train.stop"));
  assert_false (action_enabled (f, "train.pause"));
}

static void
test_full_training (void **state)
{
  Fixture *f = *state;
  ConvolveTrainPage *page = CONVOLVE_TRAIN_PAGE (f->page);
  ConvolveTrainer *trainer = convolve_train_page_get_trainer (page);
  ConvolveChartData *loss, *accuracy;
  const char *const *lines;
  const ConvolveDataset *val;
  const int *confusion;
  g_autofree int *expected = NULL;
  CvNet *net;
  float eval_loss, eval_accuracy;
  int epochs, k;

  assert_true (convolve_train_page_apply_preset (page, "shapes"));
  gtk_widget_activate_action (f->page, "train.start", NULL);
  assert_true (convolve_trainer_get_state (trainer) == CONVOLVE_TRAINER_STATE_RUNNING);
  assert_false (action_enabled (f, "train.start"));
  assert_true (action_enabled (f, "train.stop"));
  wait_for_state (trainer, CONVOLVE_TRAINER_STATE_FINISHED);
  wait_for_results (page);
  gtk_test_widget_wait_for_draw (f->window);

  epochs = convolve_trainer_get_epochs (trainer);
  assert_int_equal (epochs, 20);
  assert_true (f->batches > 0);
  /* The accuracy curve grew between epochs from real numbers too. */
  assert_false (f->batch_accuracy_bad);
  assert_true (f->max_batch_accuracy > 0.5);

  /* One point per epoch in every curve. */
  loss = convolve_chart_get_data (CONVOLVE_CHART (convolve_train_page_get_loss_chart (page)));
  accuracy = convolve_chart_get_data (CONVOLVE_CHART (convolve_train_page_get_accuracy_chart (page)));
  assert_int_equal (convolve_chart_data_get_n_points (loss, 0), epochs);
  assert_int_equal (convolve_chart_data_get_n_points (accuracy, 0), epochs);
  assert_int_equal (convolve_chart_data_get_n_points (accuracy, 1), epochs);
  for (int i = 0; i < epochs; i++)
    {
      double x, y;
      assert_true (convolve_chart_data_get_point (accuracy, 1, i, &x, &y));
      assert_true (x == i + 1);
    }

  /* The log says what the signals said, line by line. */
  lines = convolve_train_page_get_log_lines (page);
  assert_int_equal (g_strv_length ((char **) lines), f->expected_lines->len);
  for (guint i = 0; i < f->expected_lines->len; i++)
    assert_string_equal (lines[i], g_ptr_array_index (f->expected_lines, i));

  /* The history to export as CSV: a header and the same numbers. */
  {
    g_autofree char *csv = convolve_train_page_get_history_csv (page);
    g_auto(GStrv) rows = NULL;

    assert_non_null (csv);
    rows = g_strsplit (csv, "\n", -1);
    assert_string_equal (rows[0], "epoch,loss,accuracy,val_accuracy,seconds");
    assert_int_equal (g_strv_length (rows), epochs + 2);   /* and "" after the last \n */
    assert_string_equal (rows[epochs + 1], "");
    for (int i = 0; i < epochs; i++)
      {
        g_auto(GStrv) cells = g_strsplit (rows[i + 1], ",", -1);
        const double *want = &g_array_index (f->expected_rows, double, 5 * i);

        assert_int_equal (g_strv_length (cells), 5);
        for (int c = 0; c < 5; c++)
          assert_true (fabs (g_ascii_strtod (cells[c], NULL) - want[c]) < 1e-3);
      }
  }

  assert_non_null (find_widget (f->page, is_label_with_text, "Finished"));
  assert_true (action_enabled (f, "train.start"));
  assert_false (action_enabled (f, "train.stop"));
  assert_true (action_enabled (f, "train.save"));

  /* The confusion matrix equals the engine's evaluation of the same model
   * on the same pictures (what convolve-cli eval prints). */
  confusion = convolve_train_page_get_confusion (page, &k);
  assert_non_null (confusion);
  assert_int_equal (k, 3);
  val = convolve_trainer_get_validation (trainer);
  assert_non_null (val);
  net = convolve_model_dup_net (convolve_trainer_get_model (trainer));
  expected = g_new0 (int, k * k);
  assert_int_equal (cv_net_evaluate (net, val->x, val->y, val->n, 128,
                                     &eval_loss, &eval_accuracy, expected), CV_OK);
  for (int i = 0; i < k * k; i++)
    assert_int_equal (confusion[i], expected[i]);
  /* The curriculum's criterion: the shapes are learnt. */
  assert_true (eval_accuracy > 0.9f);
  cv_net_free (net);

  /* A cell shows as many pictures as it counts. */
  for (int r = 0; r < k; r++)
    for (int c = 0; c < k; c++)
      assert_int_equal (convolve_train_page_show_cell (page, r, c), confusion[r * k + c]);

  gtk_widget_activate_action (f->page, "train.use-model", NULL);
  assert_int_equal (f->use_model_count, 1);
}

static void
test_pause_step_stop (void **state)
{
  Fixture *f = *state;
  ConvolveTrainPage *page = CONVOLVE_TRAIN_PAGE (f->page);
  ConvolveTrainer *trainer = convolve_train_page_get_trainer (page);
  int before;

  /* Step before Start: a run that waits after its first batch. */
  gtk_widget_activate_action (f->page, "train.step", NULL);
  assert_true (convolve_trainer_get_state (trainer) == CONVOLVE_TRAINER_STATE_PAUSED);
  assert_non_null (find_widget (f->page, is_label_with_text, "Paused"));
  assert_true (action_enabled (f, "train.step"));
  assert_true (action_enabled (f, "train.pause"));
  spin (300);
  before = f->batches;
  assert_true (before >= 1);
  gtk_widget_activate_action (f->page, "train.step", NULL);
  spin (300);
  assert_int_equal (f->batches, before + 1);
  assert_true (convolve_trainer_get_state (trainer) == CONVOLVE_TRAINER_STATE_PAUSED);

  /* Resume, then pause, then stop. */
  gtk_widget_activate_action (f->page, "train.pause", NULL);
  assert_true (convolve_trainer_get_state (trainer) == CONVOLVE_TRAINER_STATE_RUNNING);
  gtk_widget_activate_action (f->page, "train.pause", NULL);
  assert_true (convolve_trainer_get_state (trainer) == CONVOLVE_TRAINER_STATE_PAUSED);
  gtk_widget_activate_action (f->page, "train.stop", NULL);
  wait_for_state (trainer, CONVOLVE_TRAINER_STATE_CANCELLED);
  assert_non_null (find_widget (f->page, is_label_with_text, "Stopped"));
  assert_false (action_enabled (f, "train.stop"));
}

/* A learning rate far too large: the plain-words message and the fix. */
static void
test_divergence (void **state)
{
  Fixture *f = *state;
  ConvolveTrainPage *page = CONVOLVE_TRAIN_PAGE (f->page);
  ConvolveTrainer *trainer = convolve_train_page_get_trainer (page);

  assert_true (convolve_train_page_apply_preset (page, "too-fast"));
  gtk_widget_activate_action (f->page, "train.start", NULL);
  wait_for_state (trainer, CONVOLVE_TRAINER_STATE_FAILED);
  assert_non_null (find_widget (f->page, is_label_with_text, "Failed"));
  assert_true (action_enabled (f, "train.lower-rate"));

  gtk_widget_activate_action (f->page, "train.lower-rate", NULL);
  assert_true (fabs (convolve_trainer_get_learning_rate (trainer) - 0.2) < 1e-9);
  assert_true (convolve_trainer_get_state (trainer) == CONVOLVE_TRAINER_STATE_RUNNING);
  gtk_widget_activate_action (f->page, "train.stop", NULL);
  wait_for_state (trainer, CONVOLVE_TRAINER_STATE_CANCELLED);
}

/* Fashion-MNIST is read on a worker: Start waits for it, the window does
 * not. Skipped when the package is not installed. */
static void
test_fashion_loads_in_background (void **state)
{
  Fixture *f = *state;
  ConvolveTrainPage *page = CONVOLVE_TRAIN_PAGE (f->page);
  ConvolveTrainer *trainer = convolve_train_page_get_trainer (page);
  gboolean timed_out = FALSE;
  guint id;

  if (!g_file_test ("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", G_FILE_TEST_EXISTS))
    skip ();

  assert_true (convolve_train_page_apply_preset (page, "fashion"));
  assert_int_equal (convolve_train_page_get_dataset (page), CONVOLVE_TRAIN_DATASET_FASHION);
  assert_false (action_enabled (f, "train.start"));
  assert_non_null (find_widget (f->page, is_label_with_text, "Reading the pictures…"));

  id = g_timeout_add_seconds (60, timeout_cb, &timed_out);
  while (!action_enabled (f, "train.start") && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  assert_false (timed_out);
  g_source_remove (id);
  assert_int_equal (convolve_trainer_get_dataset (trainer)->n, 10000);
  assert_int_equal (convolve_trainer_get_validation (trainer)->n, 10000);
  assert_int_equal (convolve_trainer_get_dataset (trainer)->n_classes, 10);

  /* Choosing another dataset while one is read drops the late result. */
  assert_true (convolve_train_page_apply_preset (page, "fashion"));
  assert_true (convolve_train_page_apply_preset (page, "shapes"));
  spin (2500);
  assert_int_equal (convolve_train_page_get_dataset (page), CONVOLVE_TRAIN_DATASET_SHAPES);
  assert_int_equal (convolve_trainer_get_dataset (trainer)->n, 180);
  assert_true (action_enabled (f, "train.start"));
}

/* "My classes": the store's drawings train a network with one output per
 * class, with no validation set (every drawing is needed to learn). */
static void
test_my_classes (void **state)
{
  Fixture *f = *state;
  ConvolveTrainPage *page = CONVOLVE_TRAIN_PAGE (f->page);
  ConvolveTrainer *trainer = convolve_train_page_get_trainer (page);
  g_autofree char *dir = g_dir_make_tmp ("convolve-page-classes-XXXXXX", NULL);
  g_autoptr(ConvolveClassStore) store = convolve_class_store_new (dir);
  const char *names[] = { "dot", "bar", "ring" };
  float img[32 * 32];
  const char *const *lines;

  /* Not enough classes yet: the choice is refused. */
  convolve_train_page_set_class_store (page, store);
  assert_false (convolve_train_page_apply_preset (page, "my-classes"));

  for (int c = 0; c < 3; c++)
    {
      assert_int_equal (convolve_class_store_add_class (store, names[c], NULL), c);
      for (int i = 0; i < 2; i++)
        {
          for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
              {
                double d = hypot (x - 16 - i, y - 16);
                img[y * 32 + x] = c == 0 ? d < 5 : c == 1 ? (abs (x - 16) < 2 && abs (y - 16) < 12)
                                                         : fabs (d - 10) < 2;
              }
          assert_true (convolve_class_store_add_sample (store, (guint) c, img, 32, 32, NULL));
        }
    }
  assert_true (convolve_train_page_apply_preset (page, "my-classes"));
  assert_int_equal (convolve_train_page_get_dataset (page), CONVOLVE_TRAIN_DATASET_MY_CLASSES);
  assert_true (g_str_has_suffix (convolve_trainer_get_spec (trainer), " dense3 softmax"));
  assert_null (convolve_trainer_get_validation (trainer));
  assert_int_equal (convolve_trainer_get_dataset (trainer)->n, 6);

  convolve_train_page_set_epochs (page, 3);
  gtk_widget_activate_action (f->page, "train.start", NULL);
  wait_for_state (trainer, CONVOLVE_TRAINER_STATE_FINISHED);
  lines = convolve_train_page_get_log_lines (page);
  assert_int_equal (g_strv_length ((char **) lines), 3);
  assert_true (g_str_has_prefix (lines[2], "Epoch 3/3 · loss "));
  assert_null (strstr (lines[2], "validation"));
  assert_string_equal (convolve_model_get_class_name (convolve_trainer_get_model (trainer), 2), "ring");

  /* A drawing damaged on disk: left out of the training set, and the page
   * says which file. */
  {
    const char *file = convolve_class_store_get_sample_file (store, 0, 0);
    g_autofree char *path = g_build_filename (dir, file, NULL);
    g_autofree char *name = g_strdup (file);

    assert_true (g_file_set_contents (path, "not a PNG", -1, NULL));
    /* The page follows the store's ::changed and reads the set again. */
    convolve_class_store_reload (store);
    assert_int_equal (convolve_train_page_get_dataset (page), CONVOLVE_TRAIN_DATASET_MY_CLASSES);
    assert_int_equal (convolve_trainer_get_dataset (trainer)->n, 5);
    assert_non_null (find_widget (f->window, is_label_containing, name));
  }

  /* Deleting a class while My classes is chosen falls back to Shapes when
   * fewer than two remain. */
  assert_true (convolve_class_store_delete_class (store, 2, NULL));
  assert_true (convolve_class_store_delete_class (store, 1, NULL));
  assert_int_equal (convolve_train_page_get_dataset (page), CONVOLVE_TRAIN_DATASET_SHAPES);
  convolve_train_page_set_class_store (page, NULL);

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_architecture_table, setup, teardown),
    cmocka_unit_test_setup_teardown (test_full_training, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pause_step_stop, setup, teardown),
    cmocka_unit_test_setup_teardown (test_divergence, setup, teardown),
    cmocka_unit_test_setup_teardown (test_my_classes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_fashion_loads_in_background, setup, teardown),
  };

  if (!gtk_init_check ())
    {
      fprintf (stderr, "no display: skipping the Train page tests\n");
      return 77;
    }
  adw_init ();
  return cmocka_run_group_tests_name ("train/page", tests, NULL, NULL);
}
