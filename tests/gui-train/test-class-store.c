/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "My classes" on disk: add, rename, delete, reload; damaged files skipped
 * with a message; atomic writes; then train on three drawn classes and
 * recognise a new drawing. No display needed. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <glib/gstdio.h>

#include "convolve-class-store.h"
#include "convolve-trainer.h"

#define SIDE 64

enum { RING, BOX, CROSS };

/* A drawing of SIDE × SIDE: a ring, a square outline or a plus sign, of
 * radius r around (cx, cy). dark_on_light draws black ink on white, as a
 * scanned sheet would be. */
static void
draw (float *img, int shape, double cx, double cy, double r, gboolean dark_on_light)
{
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        double dx = x + 0.5 - cx, dy = y + 0.5 - cy, d;
        gboolean ink;

        if (shape == RING)
          ink = fabs (sqrt (dx * dx + dy * dy) - r) < 2.5;
        else if (shape == BOX)
          {
            d = MAX (fabs (dx), fabs (dy));
            ink = fabs (d - r) < 2.5;
          }
        else
          ink = (fabs (dx) < 2.5 && fabs (dy) < r) || (fabs (dy) < 2.5 && fabs (dx) < r);
        img[y * SIDE + x] = (ink ^ dark_on_light) ? 1.0f : 0.0f;
      }
}

typedef struct {
  char *dir;
} Fixture;

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->dir = g_dir_make_tmp ("convolve-classes-XXXXXX", NULL);
  assert_non_null (f->dir);
  *state = f;
  return 0;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f);
  return 0;
}

static int changed_count;

static void
changed_cb (ConvolveClassStore *store, gpointer data)
{
  changed_count++;
}

/* n samples per class, slightly different each. */
static ConvolveClassStore *
make_three_classes (const char *dir, int n)
{
  ConvolveClassStore *store = convolve_class_store_new (dir);
  const char *names[] = { "ring", "box", "cross" };
  float img[SIDE * SIDE];
  g_autoptr(GError) error = NULL;

  for (int c = 0; c < 3; c++)
    {
      assert_int_equal (convolve_class_store_add_class (store, names[c], &error), c);
      assert_null (error);
      for (int i = 0; i < n; i++)
        {
          draw (img, c, 32 + (i % 3) * 3 - 3, 32 + (i % 4) * 2 - 3, 14 + (i % 5) * 2, i % 4 == 3);
          assert_true (convolve_class_store_add_sample (store, (guint) c, img, SIDE, SIDE, &error));
          assert_null (error);
        }
    }
  return store;
}

static void
test_add_and_reload (void **state)
{
  Fixture *f = *state;
  g_autoptr(ConvolveClassStore) store = make_three_classes (f->dir, 4);
  g_autoptr(ConvolveClassStore) again = NULL;
  const float *a, *b;
  int w, h, w2, h2;

  assert_int_equal (convolve_class_store_get_n_classes (store), 3);
  assert_null (convolve_class_store_get_warnings (store)[0]);

  again = convolve_class_store_new (f->dir);
  assert_null (convolve_class_store_get_warnings (again)[0]);
  assert_int_equal (convolve_class_store_get_n_classes (again), 3);
  assert_string_equal (convolve_class_store_get_class_name (again, 0), "ring");
  assert_string_equal (convolve_class_store_get_class_name (again, 2), "cross");
  for (guint c = 0; c < 3; c++)
    {
      assert_int_equal (convolve_class_store_get_n_samples (again, c), 4);
      for (guint i = 0; i < 4; i++)
        {
          a = convolve_class_store_get_sample (store, c, i, &w, &h);
          b = convolve_class_store_get_sample (again, c, i, &w2, &h2);
          assert_int_equal (w, SIDE);
          assert_int_equal (w, w2);
          assert_int_equal (h, h2);
          for (int p = 0; p < w * h; p++)
            assert_true (fabsf (a[p] - b[p]) < 1.0f / 255.0f + 1e-6f);
        }
    }

  /* Both polarities are stored as ink = 1: the dark-on-light sample 3 has
   * a white border in the store. */
  a = convolve_class_store_get_sample (again, 0, 3, &w, &h);
  assert_true (a[0] < 0.01f);
}

static void
test_names_and_limits (void **state)
{
  Fixture *f = *state;
  g_autoptr(ConvolveClassStore) store = convolve_class_store_new (f->dir);
  g_autoptr(ConvolveClassStore) again = NULL;
  g_autoptr(GError) error = NULL;
  char name[16];
  float blank[SIDE * SIDE] = { 0 };

  changed_count = 0;
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), NULL);

  assert_int_equal (convolve_class_store_add_class (store, "Star", NULL), 0);
  assert_int_equal (changed_count, 1);
  assert_int_equal (convolve_class_store_add_class (store, "  star ", &error), -1);
  assert_true (g_error_matches (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_NAME));
  g_clear_error (&error);
  assert_int_equal (convolve_class_store_add_class (store, "   ", &error), -1);
  g_clear_error (&error);
  for (int i = 1; i < CONVOLVE_CLASS_STORE_MAX_CLASSES; i++)
    {
      g_snprintf (name, sizeof name, "class %d", i);
      assert_int_equal (convolve_class_store_add_class (store, name, NULL), i);
    }
  assert_int_equal (convolve_class_store_add_class (store, "eleventh", &error), -1);
  assert_true (g_error_matches (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_TOO_MANY));
  g_clear_error (&error);

  /* An empty drawing is refused. */
  assert_false (convolve_class_store_add_sample (store, 0, blank, SIDE, SIDE, &error));
  assert_true (g_error_matches (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_EMPTY));
  g_clear_error (&error);

  assert_true (convolve_class_store_rename_class (store, 0, "Sun", NULL));
  assert_false (convolve_class_store_rename_class (store, 1, "sun", &error));
  g_clear_error (&error);
  assert_true (convolve_class_store_delete_class (store, 1, NULL));
  assert_int_equal (convolve_class_store_get_n_classes (store), CONVOLVE_CLASS_STORE_MAX_CLASSES - 1);
  assert_false (convolve_class_store_delete_class (store, 42, &error));
  g_clear_error (&error);

  again = convolve_class_store_new (f->dir);
  assert_int_equal (convolve_class_store_get_n_classes (again), CONVOLVE_CLASS_STORE_MAX_CLASSES - 1);
  assert_string_equal (convolve_class_store_get_class_name (again, 0), "Sun");
  assert_string_equal (convolve_class_store_get_class_name (again, 1), "class 2");
}

static void
test_delete_sample_and_class_files (void **state)
{
  Fixture *f = *state;
  g_autoptr(ConvolveClassStore) store = make_three_classes (f->dir, 3);
  g_autofree char *second = g_strdup (convolve_class_store_get_sample_file (store, 1, 1));
  g_autofree char *second_path = g_build_filename (f->dir, second, NULL);
  g_autofree char *first = g_strdup (convolve_class_store_get_sample_file (store, 0, 0));
  g_autofree char *first_path = g_build_filename (f->dir, first, NULL);

  assert_true (g_file_test (second_path, G_FILE_TEST_EXISTS));
  assert_true (convolve_class_store_delete_sample (store, 1, 1, NULL));
  assert_int_equal (convolve_class_store_get_n_samples (store, 1), 2);
  assert_false (g_file_test (second_path, G_FILE_TEST_EXISTS));

  assert_true (convolve_class_store_delete_class (store, 0, NULL));
  assert_false (g_file_test (first_path, G_FILE_TEST_EXISTS));
  assert_string_equal (convolve_class_store_get_class_name (store, 0), "box");
}

/* A sample replaced by garbage: skipped with a message naming it. */
static void
test_damaged_png (void **state)
{
  Fixture *f = *state;
  g_autoptr(ConvolveClassStore) store = make_three_classes (f->dir, 3);
  g_autoptr(ConvolveClassStore) again = NULL;
  const char *file = convolve_class_store_get_sample_file (store, 1, 2);
  g_autofree char *path = g_build_filename (f->dir, file, NULL);
  g_autofree char *half = NULL;
  gsize len;
  const char *const *warnings;
  g_auto(GStrv) taken = NULL;
  g_autoptr(ConvolveDataset) ds = NULL;

  /* Cut a PNG in half, and delete another file outright. */
  assert_true (g_file_get_contents (path, &half, &len, NULL));
  assert_true (g_file_set_contents (path, half, (gssize) len / 2, NULL));
  {
    g_autofree char *gone = g_build_filename (f->dir, convolve_class_store_get_sample_file (store, 2, 0), NULL);
    g_unlink (gone);
  }

  again = convolve_class_store_new (f->dir);
  warnings = convolve_class_store_get_warnings (again);
  assert_non_null (warnings[0]);
  assert_non_null (warnings[1]);
  assert_null (warnings[2]);
  assert_non_null (strstr (warnings[0], file));
  assert_non_null (strstr (warnings[0], "box"));
  assert_int_equal (convolve_class_store_get_n_samples (again, 0), 3);
  assert_int_equal (convolve_class_store_get_n_samples (again, 1), 2);
  assert_int_equal (convolve_class_store_get_n_samples (again, 2), 2);

  /* The UI takes the messages once. */
  taken = convolve_class_store_take_warnings (again);
  assert_int_equal (g_strv_length (taken), 2);
  assert_null (convolve_class_store_get_warnings (again)[0]);

  /* What remains still trains. */
  ds = convolve_class_store_to_dataset (again, NULL);
  assert_non_null (ds);
  assert_int_equal (ds->n, 7);
}

/* A garbage index: no classes, a message, and the file set aside. */
static void
test_garbage_index (void **state)
{
  Fixture *f = *state;
  g_autofree char *index = g_build_filename (f->dir, "index.ini", NULL);
  g_autofree char *aside = g_build_filename (f->dir, "index.ini.damaged", NULL);
  static const char garbage[] = "\x89PNG\r\n\x1a\n\xff\xfe[[[Count=\x01\x02 = = =\n[Class 0\nName=";
  g_autoptr(ConvolveClassStore) store = NULL;
  g_autoptr(ConvolveClassStore) traversal = NULL;

  assert_true (g_file_set_contents (index, garbage, sizeof garbage - 1, NULL));
  store = convolve_class_store_new (f->dir);
  assert_int_equal (convolve_class_store_get_n_classes (store), 0);
  assert_non_null (convolve_class_store_get_warnings (store)[0]);
  assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  /* Working on from there replaces nothing it should not. */
  assert_int_equal (convolve_class_store_add_class (store, "fresh", NULL), 0);

  /* A well-formed index that names a file outside the directory, a class
   * without a name and an absurd count. */
  assert_true (g_file_set_contents (index,
                                    "[Classes]\nVersion=1\nCount=99\n"
                                    "[Class 0]\nName=evil\nSamples=../../etc/passwd.png;/etc/x.png;\n"
                                    "[Class 1]\nSamples=a.png;\n", -1, NULL));
  traversal = convolve_class_store_new (f->dir);
  assert_int_equal (convolve_class_store_get_n_classes (traversal), 1);
  assert_int_equal (convolve_class_store_get_n_samples (traversal, 0), 0);
  assert_true (g_strv_length ((char **) convolve_class_store_get_warnings (traversal)) >= 3);
}

/* Writes go to a new file renamed over the old one: the index's inode
 * changes, and no temporary file is left behind. */
static void
test_atomic_writes (void **state)
{
  Fixture *f = *state;
  g_autoptr(ConvolveClassStore) store = convolve_class_store_new (f->dir);
  g_autofree char *index = g_build_filename (f->dir, "index.ini", NULL);
  g_autoptr(GDir) dir = NULL;
  GStatBuf before, after;
  const char *name;

  assert_int_equal (convolve_class_store_add_class (store, "one", NULL), 0);
  assert_int_equal (g_stat (index, &before), 0);
  assert_int_equal (convolve_class_store_add_class (store, "two", NULL), 1);
  assert_int_equal (g_stat (index, &after), 0);
  assert_true (before.st_ino != after.st_ino);

  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    assert_true (g_str_equal (name, "index.ini") || g_str_has_suffix (name, ".png"));
}

static void
test_to_dataset (void **state)
{
  Fixture *f = *state;
  g_autoptr(ConvolveClassStore) store = make_three_classes (f->dir, 2);
  g_autoptr(ConvolveClassStore) lonely = NULL;
  g_autoptr(ConvolveDataset) ds = convolve_class_store_to_dataset (store, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_build_filename (f->dir, "other", NULL);

  assert_non_null (ds);
  assert_int_equal (ds->n, 6);
  assert_int_equal (ds->h, 28);
  assert_int_equal (ds->w, 28);
  assert_int_equal (ds->c, 1);
  assert_int_equal (ds->n_classes, 3);
  assert_string_equal (ds->class_names[1], "box");
  for (int i = 0; i < 6; i++)
    assert_int_equal (ds->y[i], i / 2);
  /* The digits preprocessing: the ink's longer side is 20 px. */
  assert_int_equal (ds->input.box, 20);

  lonely = convolve_class_store_new (other);
  convolve_class_store_add_class (lonely, "only", NULL);
  assert_null (convolve_class_store_to_dataset (lonely, &error));
  assert_true (g_error_matches (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_EMPTY));
  remove_tree (other);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Train the digits network with three outputs on the drawn classes, then
 * recognise new drawings it has never seen. */
static void
test_train_and_predict (void **state)
{
  Fixture *f = *state;
  g_autoptr(ConvolveClassStore) store = make_three_classes (f->dir, 8);
  g_autoptr(ConvolveTrainer) trainer = convolve_trainer_new ();
  g_autoptr(GError) error = NULL;
  const char *spec = cv_arch_spec ("digits-small");
  g_autofree char *head = g_strndup (spec, strlen (spec) - strlen (" dense10 softmax"));
  g_autofree char *mine = g_strdup_printf ("%s dense3 softmax", head);
  ConvolveModel *model;
  gboolean timed_out = FALSE;
  guint id;
  float img[SIDE * SIDE], probs[3];

  assert_true (g_str_has_suffix (spec, " dense10 softmax"));
  convolve_trainer_set_spec (trainer, mine);
  convolve_trainer_set_dataset (trainer, convolve_class_store_to_dataset (store, NULL));
  convolve_trainer_set_epochs (trainer, 30);
  convolve_trainer_set_batch_size (trainer, 8);
  convolve_trainer_set_learning_rate (trainer, 0.003);
  convolve_trainer_set_augment (trainer, TRUE);
  assert_true (convolve_trainer_start (trainer, &error));

  id = g_timeout_add_seconds (120, timeout_cb, &timed_out);
  while (convolve_trainer_get_state (trainer) == CONVOLVE_TRAINER_STATE_RUNNING && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  assert_false (timed_out);
  g_source_remove (id);
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_FINISHED);

  model = convolve_trainer_get_model (trainer);
  assert_int_equal (convolve_model_get_n_classes (model), 3);
  assert_string_equal (convolve_model_get_class_name (model, 2), "cross");
  /* New drawings: other sizes and places than any sample. */
  for (int c = 0; c < 3; c++)
    {
      int best = 0;
      draw (img, c, 28, 35, 11, FALSE);
      assert_true (convolve_model_predict_image (model, img, SIDE, SIDE, probs, NULL));
      for (int k = 1; k < 3; k++)
        if (probs[k] > probs[best])
          best = k;
      assert_int_equal (best, c);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_add_and_reload, setup, teardown),
    cmocka_unit_test_setup_teardown (test_names_and_limits, setup, teardown),
    cmocka_unit_test_setup_teardown (test_delete_sample_and_class_files, setup, teardown),
    cmocka_unit_test_setup_teardown (test_damaged_png, setup, teardown),
    cmocka_unit_test_setup_teardown (test_garbage_index, setup, teardown),
    cmocka_unit_test_setup_teardown (test_atomic_writes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_to_dataset, setup, teardown),
    cmocka_unit_test_setup_teardown (test_train_and_predict, setup, teardown),
  };

  return cmocka_run_group_tests_name ("train/class-store", tests, NULL, NULL);
}
