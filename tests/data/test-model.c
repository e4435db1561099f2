/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of ConvolveModel: files, atomic saves, publication from another
 * thread, prediction; and the shipped models' accuracies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "convolve-dataset.h"
#include "convolve-model.h"
#include "convolve-preprocess.h"
#include "test-data-common.h"

static const char *const shape_classes[] = { "circle", "square", "triangle", NULL };

static ConvolveModel *
new_shapes_model (guint64 seed)
{
  CvNet *net = NULL;
  CvError err = { 0 };
  CvRng rng;
  CvModelInfo info = { 0 };

  assert_int_equal (cv_net_new (cv_arch_spec ("shapes"), &net, &err), CV_OK);
  cv_rng_seed (&rng, seed);
  cv_net_init (net, &rng);
  info.spec = (char *) cv_net_spec (net);
  info.n_classes = 3;
  info.class_names = (char **) shape_classes;
  info.input = convolve_input_spec_plain ();
  return convolve_model_new (net, &info);
}

typedef struct {
  char *dir;
} Tmp;

static int
tmp_setup (void **state)
{
  Tmp *t = g_new0 (Tmp, 1);
  t->dir = test_tmpdir_new ();
  *state = t;
  return 0;
}

static int
tmp_teardown (void **state)
{
  Tmp *t = *state;
  test_tmpdir_remove (t->dir);
  g_free (t->dir);
  g_free (t);
  return 0;
}

static void
round_trip (void **state)
{
  Tmp *t = *state;
  g_autoptr(ConvolveModel) model = new_shapes_model (1);
  g_autoptr(ConvolveModel) back = NULL;
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (3, 1);
  g_autofree char *path = g_build_filename (t->dir, "m.cvm", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) b1 = NULL, b2 = NULL;
  float p1[3], p2[3];

  assert_true (convolve_model_save (model, file, &error));
  assert_null (error);
  back = convolve_model_new_from_file (file, &error);
  assert_null (error);
  assert_non_null (back);

  assert_int_equal (convolve_model_get_n_classes (back), 3);
  assert_string_equal (convolve_model_get_class_name (back, 2), "triangle");
  assert_int_equal (convolve_model_get_input_size (back), 16);
  assert_string_equal (convolve_model_get_spec (back), convolve_model_get_spec (model));
  assert_int_equal (convolve_model_get_input_spec (back)->box, 0);

  b1 = convolve_model_to_bytes (model);
  b2 = convolve_model_to_bytes (back);
  assert_true (g_bytes_equal (b1, b2));

  for (int i = 0; i < 3; i++)
    {
      convolve_model_predict (model, ds->x + i * 256, p1);
      convolve_model_predict (back, ds->x + i * 256, p2);
      assert_memory_equal (p1, p2, sizeof p1);
      assert_true (fabsf (p1[0] + p1[1] + p1[2] - 1.0f) < 1e-4f);
    }

  /* from bytes too */
  {
    g_autoptr(ConvolveModel) again = convolve_model_new_from_bytes (b1, &error);
    assert_null (error);
    assert_non_null (again);
  }
}

static void
corrupt_files (void **state)
{
  Tmp *t = *state;
  g_autoptr(ConvolveModel) model = new_shapes_model (2);
  g_autoptr(GBytes) good = convolve_model_to_bytes (model);
  gsize len = g_bytes_get_size (good);
  const guint8 *data = g_bytes_get_data (good, NULL);
  g_autofree char *path = g_build_filename (t->dir, "bad.cvm", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree guint8 *copy = g_memdup2 (data, len);
  g_autofree char *missing = g_build_filename (t->dir, "none.cvm", NULL);
  g_autoptr(GFile) nofile = g_file_new_for_path (missing);
  g_autoptr(GError) e0 = NULL;
  float probs[3];
  float input[256] = { 0 };

  /* truncated */
  {
    g_autoptr(GError) error = NULL;
    test_write_file (path, data, len / 2);
    assert_null (convolve_model_new_from_file (file, &error));
    assert_true (error->domain == CONVOLVE_DATA_ERROR);
    assert_non_null (strstr (error->message, "bad.cvm"));
  }
  /* a flipped byte in the weights */
  {
    g_autoptr(GError) error = NULL;
    copy[len - 40] ^= 0x10;
    test_write_file (path, copy, len);
    assert_null (convolve_model_new_from_file (file, &error));
    assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_MODEL));
    assert_non_null (strstr (error->message, "bad.cvm"));
  }
  /* something else entirely */
  {
    g_autoptr(GError) error = NULL;
    test_write_file (path, "\x89PNG\r\n\x1a\n....", 12);
    assert_null (convolve_model_new_from_file (file, &error));
    assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_MODEL));
    assert_non_null (strstr (error->message, "not a Convolve model"));
  }
  /* empty */
  {
    g_autoptr(GError) error = NULL;
    test_write_file (path, "", 0);
    assert_null (convolve_model_new_from_file (file, &error));
    assert_true (error->domain == CONVOLVE_DATA_ERROR);
  }
  assert_null (convolve_model_new_from_file (nofile, &e0));
  assert_true (g_error_matches (e0, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
  assert_non_null (strstr (e0->message, "none.cvm"));

  /* nothing lost: the model in memory still works */
  convolve_model_predict (model, input, probs);
  assert_true (fabsf (probs[0] + probs[1] + probs[2] - 1.0f) < 1e-4f);
}

static void
atomic_save_keeps_old_file (void **state)
{
  Tmp *t = *state;
  g_autoptr(ConvolveModel) old_model = new_shapes_model (3);
  g_autoptr(ConvolveModel) new_model = new_shapes_model (4);
  g_autofree char *path = g_build_filename (t->dir, "keep.cvm", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) old_bytes = convolve_model_to_bytes (old_model);
  g_autofree char *on_disk = NULL;
  gsize on_disk_len = 0;
  struct rlimit saved, tiny;
  void (*old_handler) (int);
  gboolean ok;

  assert_true (convolve_model_save (old_model, file, &error));

  /* Make the next write fail part-way: a file size limit of 1 KiB. */
  assert_int_equal (getrlimit (RLIMIT_FSIZE, &saved), 0);
  tiny = saved;
  tiny.rlim_cur = 1024;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  assert_int_equal (setrlimit (RLIMIT_FSIZE, &tiny), 0);
  ok = convolve_model_save (new_model, file, &error);
  setrlimit (RLIMIT_FSIZE, &saved);
  signal (SIGXFSZ, old_handler);

  assert_false (ok);
  assert_non_null (error);
  assert_non_null (strstr (error->message, "keep.cvm"));

  assert_true (g_file_get_contents (path, &on_disk, &on_disk_len, NULL));
  assert_int_equal (on_disk_len, g_bytes_get_size (old_bytes));
  assert_memory_equal (on_disk, g_bytes_get_data (old_bytes, NULL), on_disk_len);
  /* and no temporary file is left behind */
  {
    GDir *d = g_dir_open (t->dir, 0, NULL);
    int count = 0;
    while (g_dir_read_name (d) != NULL)
      count++;
    g_dir_close (d);
    assert_int_equal (count, 1);
  }
}

/* ------------------------------------------------ publication, threads */

typedef struct {
  ConvolveModel *model;
  float         *a, *b;
  gsize          n;
  gint           stop;
} Publisher;

static gpointer
publish_thread (gpointer data)
{
  Publisher *p = data;
  for (int i = 0; !g_atomic_int_get (&p->stop); i++)
    convolve_model_set_params (p->model, (i & 1) ? p->b : p->a, p->n);
  return NULL;
}

static void
publish_without_tearing (void **state)
{
  g_autoptr(ConvolveModel) model = new_shapes_model (5);
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (3, 9);
  CvNet *net = convolve_model_dup_net (model);
  gsize n = cv_net_n_params (net);
  g_autofree float *a = g_memdup2 (cv_net_params (net), n * sizeof (float));
  g_autofree float *b = g_new (float, n);
  float pa[3], pb[3], p[3];
  Publisher pub;
  GThread *thread;
  int seen_a = 0, seen_b = 0;

  for (gsize i = 0; i < n; i++)
    b[i] = -a[i] * 1.5f;
  convolve_model_set_params (model, a, n);
  convolve_model_predict (model, ds->x, pa);
  convolve_model_set_params (model, b, n);
  convolve_model_predict (model, ds->x, pb);
  assert_true (memcmp (pa, pb, sizeof pa) != 0);

  pub.model = model;
  pub.a = a;
  pub.b = b;
  pub.n = n;
  pub.stop = 0;
  thread = g_thread_new ("publisher", publish_thread, &pub);
  for (int i = 0; i < 3000; i++)
    {
      convolve_model_predict (model, ds->x, p);
      if (memcmp (p, pa, sizeof p) == 0)
        seen_a++;
      else if (memcmp (p, pb, sizeof p) == 0)
        seen_b++;
      else
        fail_msg ("prediction %d used a torn set of weights", i);
    }
  g_atomic_int_set (&pub.stop, 1);
  g_thread_join (thread);
  assert_int_equal (seen_a + seen_b, 3000);
  cv_net_free (net);
}

static void
predict_image_blank_and_drawn (void **state)
{
  g_autoptr(ConvolveModel) model = new_shapes_model (6);
  g_autofree float *canvas = g_new (float, 160 * 160);
  float probs[3], input[256];

  for (int i = 0; i < 160 * 160; i++)
    canvas[i] = 1.0f;   /* white paper */
  assert_false (convolve_model_predict_image (model, canvas, 160, 160, probs, input));
  for (int i = 0; i < 3; i++)
    assert_true (probs[i] == 0.0f);

  /* a dark square outline */
  for (int i = 20; i < 140; i++)
    for (int k = 0; k < 6; k++)
      {
        canvas[(20 + k) * 160 + i] = 0.0f;
        canvas[(134 + k) * 160 + i] = 0.0f;
        canvas[i * 160 + 20 + k] = 0.0f;
        canvas[i * 160 + 134 + k] = 0.0f;
      }
  assert_true (convolve_model_predict_image (model, canvas, 160, 160, probs, input));
  assert_true (fabsf (probs[0] + probs[1] + probs[2] - 1.0f) < 1e-4f);
  assert_true (input[2 * 16 + 8] > 0.5f);   /* the top edge, as ink */
  assert_true (input[8 * 16 + 8] == 0.0f);  /* the paper inside */
}

/* ------------------------------------------------------ shipped models */

static double
accuracy_on (ConvolveModel *model, const ConvolveDataset *ds)
{
  int right = 0, nc = convolve_model_get_n_classes (model);
  g_autofree float *probs = g_new (float, nc);
  gsize size = (gsize) ds->h * ds->w * ds->c;

  for (int i = 0; i < ds->n; i++)
    {
      int best = 0;
      convolve_model_predict (model, ds->x + i * size, probs);
      for (int k = 1; k < nc; k++)
        if (probs[k] > probs[best])
          best = k;
      right += best == ds->y[i];
    }
  return (double) right / ds->n;
}

static void
shipped_digits (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = convolve_model_new_builtin ("digits", &error);
  g_autoptr(ConvolveDataset) test = NULL;
  g_autoptr(ConvolveDataset) drawn = NULL;
  double acc;

  if (model == NULL)
    {
      assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
      skip ();
    }
  assert_int_equal (convolve_model_get_n_classes (model), 10);
  assert_int_equal (convolve_model_get_input_size (model), 28);
  assert_int_equal (convolve_model_get_input_spec (model)->box, 20);

  test = convolve_dataset_load ("digits", "test", &error);
  assert_null (error);
  acc = accuracy_on (model, test);
  print_message ("shipped digits model: %.1f%% on the 1,000 test digits\n", 100 * acc);
  assert_true (acc >= 0.988);

  drawn = convolve_dataset_load ("drawn-digits", "test", &error);
  if (drawn != NULL)
    {
      acc = accuracy_on (model, drawn);
      print_message ("shipped digits model: %.1f%% on %d drawn digits\n", 100 * acc, drawn->n);
      assert_true (acc >= 0.98);
    }
}

/* A well-formed model whose input is not a square gray picture (6×6×2):
 * refused at load time with a message, never used by predict_image. */
static void
non_picture_model_refused (void **state)
{
  CvNet *net = NULL;
  CvError err = { 0 };
  CvModelInfo info = { 0 };
  char *names[] = { (char *) "a", (char *) "b" };
  uint8_t *bytes = NULL;
  size_t len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) gbytes = NULL;
  g_autoptr(ConvolveModel) model = NULL;

  assert_int_equal (cv_net_new ("6x6x2 flatten dense2 softmax", &net, &err), CV_OK);
  info.spec = (char *) cv_net_spec (net);
  info.n_classes = 2;
  info.class_names = names;
  info.input.scale = 1.0f;
  assert_int_equal (cv_model_to_bytes (net, &info, &bytes, &len), CV_OK);
  cv_net_free (net);
  gbytes = g_bytes_new_take (g_memdup2 (bytes, len), len);
  free (bytes);

  model = convolve_model_new_from_bytes (gbytes, &error);
  assert_null (model);
  assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_UNSUPPORTED));
  assert_non_null (strstr (error->message, "6×6"));
}

static void
shipped_digits_drawn_one (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = convolve_model_new_builtin ("digits", &error);
  g_autofree float *canvas = g_new0 (float, 280 * 280);
  float probs[10];
  gint64 t0;
  double us;

  if (model == NULL)
    skip ();
  /* a "1" */
  for (int y = 40; y < 240; y++)
    for (int x = 130; x < 146; x++)
      canvas[y * 280 + x] = 1.0f;
  convolve_model_predict_image (model, canvas, 280, 280, probs, NULL);
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < 100; i++)
    assert_true (convolve_model_predict_image (model, canvas, 280, 280, probs, NULL));
  us = (g_get_monotonic_time () - t0) / 100.0;
  /* Timing is printed for information only: tests check correctness, the
   * speed goals are bench/'s (draw-latency). */
  print_message ("digits: preprocess + predict on 280×280: %.0f µs\n", us);
  assert_true (probs[1] > 0.5f);
}

static void
shipped_shapes (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = convolve_model_new_builtin ("shapes", &error);
  g_autoptr(ConvolveDataset) fresh = convolve_dataset_new_shapes (600, 20261125);
  double acc;

  if (model == NULL)
    skip ();
  assert_int_equal (convolve_model_get_n_classes (model), 3);
  acc = accuracy_on (model, fresh);
  print_message ("shipped shapes model: %.1f%% on 600 fresh shapes\n", 100 * acc);
  assert_true (acc >= 0.98);
}

static void
unknown_builtin (void **state)
{
  g_autoptr(GError) error = NULL;

  assert_null (convolve_model_new_builtin ("letters", &error));
  assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
  assert_non_null (strstr (error->message, "letters"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (round_trip, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (corrupt_files, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (atomic_save_keeps_old_file, tmp_setup, tmp_teardown),
    cmocka_unit_test (publish_without_tearing),
    cmocka_unit_test (predict_image_blank_and_drawn),
    cmocka_unit_test (shipped_digits),
    cmocka_unit_test (non_picture_model_refused),
    cmocka_unit_test (shipped_digits_drawn_one),
    cmocka_unit_test (shipped_shapes),
    cmocka_unit_test (unknown_builtin),
  };

  return cmocka_run_group_tests_name ("data/model", tests, NULL, NULL);
}
