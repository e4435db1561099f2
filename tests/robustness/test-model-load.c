/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-model-load.c — loading broken model files never crashes and never
 * disturbs a model already loaded.
 *
 *  - every truncation of the shipped shapes model (38,468 of them, the
 *    file cut shorter one byte at a time) → an error naming the file;
 *  - 2,000 random corruptions (1–8 bytes changed), and 500 more with the
 *    checksum recomputed so the damage reaches the checks behind it → an
 *    error naming the file, or a model that predicts without crashing;
 *  - not a model at all: empty, a PNG, a directory, a missing file, text;
 *  - all the while a model loaded at the start predicts exactly as before.
 */
#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "convolve-model.h"
#include "convolve-dataset.h"

typedef struct {
  char          *dir;
  char          *path;     /* the file under test, in dir */
  GFile         *file;
  GBytes        *original; /* the shipped shapes model */
  ConvolveModel *kept;     /* loaded once, must keep working */
  float          kept_probs[3];
  float          drawing[40 * 40];
} Fixture;

static void
draw_square (float *gray)
{
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 40; x++)
      {
        gboolean edge = (x == 8 || x == 31) ? (y >= 8 && y <= 31)
                      : (y == 8 || y == 31) ? (x >= 8 && x <= 31) : FALSE;
        gray[y * 40 + x] = edge ? 0.0f : 1.0f;
      }
}

static void
assert_kept_model_works (Fixture *f)
{
  float probs[3];

  assert_true (convolve_model_predict_image (f->kept, f->drawing, 40, 40, probs, NULL));
  assert_memory_equal (probs, f->kept_probs, sizeof probs);
}

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  g_autofree char *shipped = g_build_filename (g_getenv ("CONVOLVE_SOURCE_DIR"),
                                               "data", "models", "shapes.cvm", NULL);
  g_autoptr(GFile) shipped_file = g_file_new_for_path (shipped);
  g_autoptr(GError) error = NULL;

  f->original = g_file_load_bytes (shipped_file, NULL, NULL, &error);
  assert_non_null (f->original);
  f->dir = g_dir_make_tmp ("convolve-model-load-XXXXXX", &error);
  assert_non_null (f->dir);
  f->path = g_build_filename (f->dir, "broken.cvm", NULL);
  f->file = g_file_new_for_path (f->path);
  f->kept = convolve_model_new_from_bytes (f->original, &error);
  assert_non_null (f->kept);
  draw_square (f->drawing);
  assert_true (convolve_model_predict_image (f->kept, f->drawing, 40, 40, f->kept_probs, NULL));
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_object_unref (f->file);
  g_bytes_unref (f->original);
  g_object_unref (f->kept);
  g_free (f);
  return 0;
}

/* Loading fails, with a message that names the file. */
static void
assert_load_fails (Fixture *f, const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = convolve_model_new_from_file (f->file, &error);

  if (model != NULL)
    fail_msg ("%s: loaded", what);
  assert_non_null (error);
  assert_true (error->domain == CONVOLVE_DATA_ERROR);
  if (strstr (error->message, f->path) == NULL)
    fail_msg ("%s: the message does not name the file: %s", what, error->message);
  assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_every_truncation (void **state)
{
  Fixture *f = *state;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (f->original, &len);
  int fd;
  gsize checked = 0;

  assert_true (g_file_set_contents (f->path, (const char *) data, (gssize) len, NULL));
  fd = g_open (f->path, O_WRONLY, 0);
  assert_true (fd >= 0);
  /* Cut the one file shorter and shorter: len − 1 bytes down to none. */
  for (gsize cut = len; cut-- > 0;)
    {
      g_autofree char *what = g_strdup_printf ("the first %" G_GSIZE_FORMAT " bytes", cut);

      assert_int_equal (ftruncate (fd, (off_t) cut), 0);
      assert_load_fails (f, what);
      checked++;
      if (cut % 4096 == 0)
        assert_kept_model_works (f);
    }
  close (fd);
  assert_int_equal (checked, len);
  assert_kept_model_works (f);
}

static void
fix_crc (guint8 *p, gsize len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i + 4 < len; i++)
    {
      crc ^= p[i];
      for (int k = 0; k < 8; k++)
        crc = (crc & 1) ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
    }
  crc ^= 0xffffffffu;
  p[len - 4] = (guint8) crc;
  p[len - 3] = (guint8) (crc >> 8);
  p[len - 2] = (guint8) (crc >> 16);
  p[len - 1] = (guint8) (crc >> 24);
}

static void
test_random_corruptions (void **state)
{
  Fixture *f = *state;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (f->original, &len);
  g_autofree guint8 *copy = g_malloc (len);
  int rejected = 0, loaded = 0;

  for (int i = 0; i < 2500; i++)
    {
      gboolean with_crc = i >= 2000;
      int changes = g_rand_int_range (rand, 1, 9);
      gboolean changed = FALSE;
      g_autoptr(GError) error = NULL;
      g_autoptr(ConvolveModel) model = NULL;

      memcpy (copy, data, len);
      for (int k = 0; k < changes; k++)
        {
          /* Most damage lands in the header and names, where lengths are. */
          gsize at = g_rand_boolean (rand) ? (gsize) g_rand_int_range (rand, 0, 200)
                                           : (gsize) g_rand_int_range (rand, 0, (gint32) len);
          guint8 v = (guint8) g_rand_int_range (rand, 0, 256);
          changed |= copy[at] != v;
          copy[at] = v;
        }
      if (with_crc)
        fix_crc (copy, len);
      assert_true (g_file_set_contents_full (f->path, (const char *) copy, (gssize) len,
                                             G_FILE_SET_CONTENTS_NONE, 0600, NULL));
      model = convolve_model_new_from_file (f->file, &error);
      if (model == NULL)
        {
          assert_non_null (error);
          assert_non_null (strstr (error->message, f->path));
          rejected++;
          /* Without a fixed checksum, any real change is caught. */
          if (!with_crc)
            assert_true (changed);
        }
      else
        {
          float probs[16] = { 0 };
          int classes = convolve_model_get_n_classes (model);

          loaded++;
          assert_true (classes >= 2 && classes <= 16);
          (void) convolve_model_predict_image (model, f->drawing, 40, 40, probs, NULL);
          if (!with_crc)
            assert_false (changed);
        }
      if (i % 250 == 0)
        assert_kept_model_works (f);
    }
  print_message ("2,500 corruptions: %d rejected, %d loaded (unchanged bytes, or a "
                 "changed weight behind a fixed checksum)\n", rejected, loaded);
  assert_kept_model_works (f);
}

static void
test_not_a_model (void **state)
{
  Fixture *f = *state;
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0 };
  g_autoptr(GFile) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing_path = g_build_filename (f->dir, "no-such-model.cvm", NULL);
  g_autofree char *sub = g_build_filename (f->dir, "a-folder.cvm", NULL);
  g_autoptr(GFile) folder = NULL;
  ConvolveModel *model;

  assert_true (g_file_set_contents (f->path, "", 0, NULL));
  assert_load_fails (f, "an empty file");
  assert_true (g_file_set_contents (f->path, (const char *) png, sizeof png, NULL));
  assert_load_fails (f, "a PNG");
  assert_true (g_file_set_contents (f->path, "16x16x1 dense3 softmax\n", -1, NULL));
  assert_load_fails (f, "a spec in a text file");
  assert_true (g_file_set_contents (f->path, "CVMODEL1", 8, NULL));
  assert_load_fails (f, "the magic alone");

  missing = g_file_new_for_path (missing_path);
  model = convolve_model_new_from_file (missing, &error);
  assert_null (model);
  assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
  assert_non_null (strstr (error->message, missing_path));
  g_clear_error (&error);

  assert_int_equal (g_mkdir (sub, 0700), 0);
  folder = g_file_new_for_path (sub);
  model = convolve_model_new_from_file (folder, &error);
  assert_null (model);
  assert_non_null (error);
  assert_non_null (strstr (error->message, sub));
  g_rmdir (sub);

  assert_kept_model_works (f);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_every_truncation, setup, teardown),
    cmocka_unit_test_setup_teardown (test_random_corruptions, setup, teardown),
    cmocka_unit_test_setup_teardown (test_not_a_model, setup, teardown),
  };

  return cmocka_run_group_tests_name ("robustness/model-load", tests, NULL, NULL);
}
