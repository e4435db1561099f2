/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cli.c — runs the built convolve-cli (its path is argv[1]) in a
 * private temp dir and checks exit codes, messages and numbers.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "convolve-dataset.h"
#include "convolve-model.h"

static const char *cli_path;
static const char *python_path;   /* optional: a real JSON parser */
static char *tmpdir;
static char *model_path;   /* trained once by the group setup */

typedef struct {
  int   status;   /* exit status; 128 + signal if killed */
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

/* Runs convolve-cli with the NULL-terminated arguments in tmpdir. */
static Run
run_cli (const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  int wait_status = 0;
  va_list ap;

  g_ptr_array_add (args, (char *) cli_path);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  if (!g_spawn_sync (tmpdir, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &run.out, &run.err, &wait_status, &error))
    fail_msg ("cannot run %s: %s", cli_path, error->message);

  if (WIFEXITED (wait_status))
    run.status = WEXITSTATUS (wait_status);
  else
    {
      run.status = 128 + WTERMSIG (wait_status);
      fail_msg ("convolve-cli crashed with signal %d; stderr: %s", WTERMSIG (wait_status), run.err);
    }
  return run;
}

static void
assert_contains (const char *haystack, const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    fail_msg ("expected “%s” in:\n%s", needle, haystack ? haystack : "(null)");
}

static double
json_number (const char *json, const char *key)
{
  g_autofree char *pattern = g_strdup_printf ("\"%s\": ", key);
  const char *p = strstr (json, pattern);

  if (p == NULL)
    fail_msg ("no key %s in %s", key, json);
  return g_ascii_strtod (p + strlen (pattern), NULL);
}

/* Every line of text is one JSON value, as Python's json module reads it. */
static void
assert_json_lines (const char *text)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  if (python_path == NULL)
    return;
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           python_path, "-c",
                           "import json, sys\n"
                           "lines = sys.stdin.read().splitlines()\n"
                           "assert lines\n"
                           "for line in lines:\n"
                           "    json.loads(line)\n",
                           NULL);
  if (proc == NULL)
    fail_msg ("cannot run %s: %s", python_path, error->message);
  if (!g_subprocess_communicate_utf8 (proc, text, NULL, NULL, &err, &error))
    fail_msg ("%s", error->message);
  if (!g_subprocess_get_successful (proc))
    fail_msg ("not JSON lines:\n%s\n%s", text, err);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* ---------------------------------------------------------- usage errors */

static void
test_unknown_command (void **state)
{
  Run run = run_cli ("frobnicate", NULL);

  assert_int_equal (run.status, 2);
  assert_contains (run.err, "frobnicate");
  assert_contains (run.err, "--help");
  run_clear (&run);
}

static void
test_no_arguments (void **state)
{
  Run run = run_cli (NULL);

  assert_int_equal (run.status, 2);
  assert_contains (run.err, "Usage");
  run_clear (&run);
}

static void
test_epochs_negative (void **state)
{
  Run run = run_cli ("train", "--dataset", "shapes", "--epochs", "-3", NULL);

  assert_int_equal (run.status, 2);
  assert_contains (run.err, "--epochs");
  assert_contains (run.err, "-3");
  assert_contains (run.err, "convolve-cli train --help");
  run_clear (&run);
}

static void
test_lr_not_a_number (void **state)
{
  Run run = run_cli ("train", "--dataset", "shapes", "--lr", "abc", NULL);

  assert_int_equal (run.status, 2);
  assert_contains (run.err, "--lr");
  assert_contains (run.err, "abc");
  run_clear (&run);
}

static void
test_unknown_option (void **state)
{
  Run run = run_cli ("eval", "--frob", NULL);

  assert_int_equal (run.status, 2);
  assert_contains (run.err, "--frob");
  run_clear (&run);
}

static void
test_help (void **state)
{
  const char *commands[] = { "summary", "train", "eval", "predict", "bench" };

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      Run run = run_cli (commands[i], "--help", NULL);

      assert_int_equal (run.status, 0);
      assert_contains (run.out, commands[i]);
      run_clear (&run);
    }
  {
    Run run = run_cli ("train", "--help", NULL);

    assert_contains (run.out, "--augment");
    assert_contains (run.out, "--schedule");
    assert_contains (run.out, "--patience");
    run_clear (&run);
  }
}

/* -------------------------------------------------------- runtime errors */

static void
test_missing_model (void **state)
{
  Run run = run_cli ("eval", "--model", "missing.cvm", "--dataset", "shapes", NULL);

  assert_int_equal (run.status, 1);
  assert_contains (run.err, "missing.cvm");
  assert_null (strchr (strchr (run.err, '\n') + 1, '\n'));   /* one line */
  run_clear (&run);
}

static void
test_corrupt_model (void **state)
{
  g_autofree char *garbage = tmp_path ("garbage.cvm");
  g_autofree char *cut = tmp_path ("cut.cvm");
  g_autofree char *flipped = tmp_path ("flipped.cvm");
  g_autofree char *bytes = NULL;
  gsize len = 0;

  assert_true (g_file_set_contents (garbage, "this is not a model at all", -1, NULL));
  assert_true (g_file_get_contents (model_path, &bytes, &len, NULL));
  assert_true (g_file_set_contents (cut, bytes, (gssize) len / 2, NULL));
  bytes[len / 2] ^= 0x40;
  assert_true (g_file_set_contents (flipped, bytes, (gssize) len, NULL));

  {
    const char *names[] = { "garbage.cvm", "cut.cvm", "flipped.cvm" };

    for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
      {
        Run run = run_cli ("eval", "--model", names[i], "--dataset", "shapes", NULL);

        assert_int_equal (run.status, 1);
        assert_contains (run.err, names[i]);
        run_clear (&run);

        run = run_cli ("summary", names[i], NULL);
        assert_int_equal (run.status, 1);
        assert_contains (run.err, names[i]);
        run_clear (&run);

        run = run_cli ("predict", "--model", names[i], "whatever.png", NULL);
        assert_int_equal (run.status, 1);
        assert_contains (run.err, names[i]);
        run_clear (&run);
      }
  }
}

static void
test_unknown_architecture (void **state)
{
  Run run = run_cli ("summary", "resnet152", NULL);

  assert_int_equal (run.status, 1);
  assert_contains (run.err, "resnet152");
  run_clear (&run);

  run = run_cli ("train", "--arch", "resnet152", "--dataset", "shapes", NULL);
  assert_int_equal (run.status, 1);
  assert_contains (run.err, "resnet152");
  run_clear (&run);

  run = run_cli ("summary", "16x16x1 conv8k3 relu dense3", NULL);   /* no softmax */
  assert_int_equal (run.status, 1);
  run_clear (&run);
}

static void
test_unknown_dataset (void **state)
{
  Run run = run_cli ("train", "--arch", "shapes", "--dataset", "no-such-set", NULL);

  assert_int_equal (run.status, 1);
  assert_contains (run.err, "no-such-set");
  run_clear (&run);
}

static void
test_bad_images (void **state)
{
  g_autofree char *garbage = tmp_path ("garbage.png");
  Run run;

  assert_true (g_file_set_contents (garbage, "\x89PNG\r\n\x1a\nnope", 12, NULL));
  run = run_cli ("predict", "--model", model_path, "garbage.png", "absent.png", ".", NULL);
  assert_int_equal (run.status, 1);
  assert_contains (run.err, "garbage.png");
  assert_contains (run.err, "absent.png");
  run_clear (&run);

  run = run_cli ("predict", "--model", model_path, NULL);
  assert_int_equal (run.status, 2);
  run_clear (&run);
}

static void
test_bad_choices (void **state)
{
  Run run = run_cli ("train", "--dataset", "shapes", "--optimizer", "rmsprop", NULL);

  assert_int_equal (run.status, 2);
  assert_contains (run.err, "rmsprop");
  run_clear (&run);

  run = run_cli ("train", "--dataset", "shapes", "--schedule", "cosine", NULL);
  assert_int_equal (run.status, 2);
  assert_contains (run.err, "cosine");
  run_clear (&run);

  run = run_cli ("train", "--dataset", "shapes", "--batch", "0", NULL);
  assert_int_equal (run.status, 2);
  assert_contains (run.err, "--batch");
  run_clear (&run);

  run = run_cli ("eval", "--model", "model.cvm", "--dataset", "shapes", "--split", "validation", NULL);
  assert_int_equal (run.status, 2);
  assert_contains (run.err, "validation");
  run_clear (&run);

  /* A network that does not fit the data. */
  run = run_cli ("train", "--arch", "lenet", "--dataset", "shapes", "--epochs", "1", NULL);
  assert_int_equal (run.status, 1);
  assert_contains (run.err, "16");
  run_clear (&run);
}

/* A learning rate far too high: exit 1 with the trainer's plain words. */
static void
test_train_diverges (void **state)
{
  Run run = run_cli ("train", "--arch", "shapes", "--dataset", "shapes", "--lr", "10",
                     "--epochs", "3", "--out", "diverged.cvm", NULL);
  g_autofree char *diverged = tmp_path ("diverged.cvm");

  assert_int_equal (run.status, 1);
  assert_contains (run.err, "the learning rate 10 is too high. Try 0.001.");
  assert_false (g_file_test (diverged, G_FILE_TEST_EXISTS));
  run_clear (&run);
}

/* --------------------------------------------------------------- summary */

static void
test_summary_shapes (void **state)
{
  Run run = run_cli ("summary", "shapes", NULL);

  assert_int_equal (run.status, 0);
  assert_contains (run.out, "Conv2D");
  assert_contains (run.out, " 80\n");
  assert_contains (run.out, " 1,168\n");
  assert_contains (run.out, " 8,224\n");
  assert_contains (run.out, " 99\n");
  assert_contains (run.out, "9,571");
  run_clear (&run);

  run = run_cli ("summary", "shapes", "--json", NULL);
  assert_int_equal (run.status, 0);
  assert_true (g_str_has_prefix (run.out, "{"));
  assert_json_lines (run.out);
  assert_contains (run.out, "\"params\": 1168}");
  assert_contains (run.out, "\"total_params\": 9571}");
  assert_contains (run.out, "{\"type\": \"Flatten\", \"output_shape\": [256], \"params\": 0}");
  run_clear (&run);

  run = run_cli ("summary", "lenet", NULL);
  assert_int_equal (run.status, 0);
  assert_contains (run.out, "454,922");
  run_clear (&run);
}

/* ------------------------------------------------- training and a model */

static void
test_train_criterion (void **state)
{
  /* The group setup trained with the defaults and --json. */
  g_autofree char *log_path = tmp_path ("train.jsonl");
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  Run run;

  assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  assert_json_lines (log);
  lines = g_strsplit (g_strstrip (log), "\n", -1);
  assert_int_equal (g_strv_length (lines), 20);
  for (int i = 0; lines[i]; i++)
    {
      assert_true (g_str_has_prefix (lines[i], "{") && g_str_has_suffix (lines[i], "}"));
      assert_int_equal ((int) json_number (lines[i], "epoch"), i + 1);
      assert_int_equal ((int) json_number (lines[i], "epochs"), 20);
      json_number (lines[i], "loss");
      json_number (lines[i], "accuracy");
      json_number (lines[i], "val_accuracy");
      json_number (lines[i], "seconds");
    }

  /* ≥ 98 % on the training samples, ≥ 90 % on 300 fresh ones. */
  run = run_cli ("eval", "--model", "model.cvm", "--dataset", "shapes", "--split", "train", "--json", NULL);
  assert_int_equal (run.status, 0);
  assert_json_lines (run.out);
  assert_true (json_number (run.out, "accuracy") >= 0.98);
  run_clear (&run);

  run = run_cli ("eval", "--model", "model.cvm", "--dataset", "shapes", "--samples", "300", "--seed", "7777", "--json", NULL);
  assert_int_equal (run.status, 0);
  assert_int_equal ((int) json_number (run.out, "n"), 300);
  assert_true (json_number (run.out, "accuracy") >= 0.90);
  assert_contains (run.out, "\"classes\": [\"circle\", \"square\", \"triangle\"]");
  assert_contains (run.out, "\"confusion\": [[");
  run_clear (&run);
}

static void
test_eval_text (void **state)
{
  Run run = run_cli ("eval", "--model", "model.cvm", "--dataset", "shapes", NULL);

  assert_int_equal (run.status, 0);
  assert_contains (run.out, "accuracy");
  assert_contains (run.out, "circle");
  assert_contains (run.out, "confusion matrix");
  run_clear (&run);

  /* A model and a dataset that do not fit each other. */
  run = run_cli ("eval", "--model", "model.cvm", "--dataset", "digits", NULL);
  assert_int_equal (run.status, 1);
  run_clear (&run);
}

static void
test_summary_model (void **state)
{
  Run run = run_cli ("summary", "model.cvm", NULL);

  assert_int_equal (run.status, 0);
  assert_contains (run.out, "9,571");
  run_clear (&run);
}

/* Writes a shapes sample as a 64×64 PNG, dark ink on white, as a person
 * would draw it. */
static void
write_sample_png (const ConvolveDataset *ds, int index, const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;

  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      {
        float ink = ds->x[(gsize) index * 256 + (y / 4) * 16 + x / 4];
        guint8 v = (guint8) (255.f * (1.f - ink));

        pixels[y * stride + x * 3 + 0] = v;
        pixels[y * stride + x * 3 + 1] = v;
        pixels[y * stride + x * 3 + 2] = v;
      }
  if (!gdk_pixbuf_save (pixbuf, path, "png", &error, NULL))
    fail_msg ("%s", error->message);
}

static void
test_predict_png (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (30, 4242);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *blank = tmp_path ("blank.png");
  int wait_status = 0, correct = 0;

  {
    g_autoptr(GdkPixbuf) white = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 30);

    gdk_pixbuf_fill (white, 0xffffffff);
    assert_true (gdk_pixbuf_save (white, blank, "png", NULL, NULL));
  }

  g_ptr_array_add (args, g_strdup (cli_path));
  g_ptr_array_add (args, g_strdup ("predict"));
  g_ptr_array_add (args, g_strdup ("--json"));
  g_ptr_array_add (args, g_strdup ("--model"));
  g_ptr_array_add (args, g_strdup ("model.cvm"));
  for (int i = 0; i < ds->n; i++)
    {
      char *path = g_strdup_printf ("%s/sample-%02d.png", tmpdir, i);

      write_sample_png (ds, i, path);
      g_ptr_array_add (args, path);
    }
  g_ptr_array_add (args, g_strdup ("blank.png"));
  g_ptr_array_add (args, NULL);

  assert_true (g_spawn_sync (tmpdir, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                             &out, &err, &wait_status, &error));
  assert_true (WIFEXITED (wait_status));
  assert_int_equal (WEXITSTATUS (wait_status), 0);

  assert_json_lines (out);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  assert_int_equal (g_strv_length (lines), ds->n + 1);
  for (int i = 0; i < ds->n; i++)
    {
      assert_contains (lines[i], "\"probabilities\": [");
      if ((int) json_number (lines[i], "label") == ds->y[i])
        correct++;
    }
  assert_contains (lines[ds->n], "\"nothing_drawn\": true");
  /* The model scores about 93 % on fresh shapes; leave room for chance. */
  assert_true (correct >= ds->n * 8 / 10);

  /* The text form names the class and says "nothing drawn". */
  {
    Run run = run_cli ("predict", "--model", "model.cvm", "sample-00.png", "blank.png", NULL);

    assert_int_equal (run.status, 0);
    assert_contains (run.out, "sample-00.png: ");
    assert_contains (run.out, "blank.png: nothing drawn");
    run_clear (&run);
  }
}

/* Without --model, predict uses the shipped digits model and the drawing
 * preprocessing: a thick dark stroke on white, off-centre, is a 1. */
static void
test_predict_builtin_digits (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) builtin = convolve_model_new_builtin ("digits", &error);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *path = tmp_path ("one.png");
  guint8 *pixels;
  int stride;
  Run run;

  if (builtin == NULL)
    {
      print_message ("no shipped digits model yet: %s\n", error->message);
      skip ();
    }

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 120, 90);
  gdk_pixbuf_fill (pixbuf, 0xffffff00);   /* transparent white */
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 15; y < 75; y++)
    for (int x = 30; x < 37; x++)
      {
        guint8 *p = pixels + y * stride + x * 4;

        p[0] = p[1] = p[2] = 20;
        p[3] = 255;
      }
  assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, NULL));

  run = run_cli ("predict", "--json", "one.png", NULL);
  assert_int_equal (run.status, 0);
  assert_json_lines (run.out);
  assert_contains (run.out, "\"label\": 1,");
  run_clear (&run);
}

/* Ctrl+C during training: says so, exit 130, writes no model. */
static void
test_train_interrupt (void **state)
{
  const char *argv[] = { cli_path, "train", "--arch", "shapes", "--dataset", "shapes",
                         "--epochs", "100000", "--out", "never.cvm", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *never = tmp_path ("never.cvm");
  GPid pid;
  int out_fd, err_fd, wait_status = 0;
  char buf[4096];
  ssize_t got;
  GString *err = g_string_new (NULL);

  assert_true (g_spawn_async_with_pipes (tmpdir, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                         NULL, NULL, &pid, NULL, &out_fd, &err_fd, &error));

  /* Wait for the first epoch line: the worker is running. */
  got = read (out_fd, buf, sizeof buf - 1);
  assert_true (got > 0);
  buf[got] = '\0';
  assert_non_null (strstr (buf, "epoch 1/100000"));

  kill (pid, SIGINT);
  assert_int_equal (waitpid (pid, &wait_status, 0), pid);
  while ((got = read (err_fd, buf, sizeof buf)) > 0)
    g_string_append_len (err, buf, got);
  close (out_fd);
  close (err_fd);
  g_spawn_close_pid (pid);

  assert_true (WIFEXITED (wait_status));
  assert_int_equal (WEXITSTATUS (wait_status), 130);
  assert_contains (err->str, "interrupted");
  assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
  g_string_free (err, TRUE);
}

static void
test_bench_json (void **state)
{
  Run run = run_cli ("bench", "--arch", "shapes", "--batch", "8", "--json", NULL);

  assert_int_equal (run.status, 0);
  assert_json_lines (run.out);
  assert_contains (run.out, "\"arch\": \"shapes\"");
  assert_int_equal ((int) json_number (run.out, "batch"), 8);
  assert_true (json_number (run.out, "train_samples_per_s") > 0.0);
  assert_true (json_number (run.out, "infer_us_median") > 0.0);
  assert_true (json_number (run.out, "infer_us_p99") >= json_number (run.out, "infer_us_median"));
  run_clear (&run);

  run = run_cli ("bench", "--arch", "shapes", "--threads", "0", NULL);
  assert_int_equal (run.status, 2);
  run_clear (&run);
}

/* ----------------------------------------------------------- the group */

static int
group_setup (void **state)
{
  g_autofree char *log_path = NULL;
  Run run;

  tmpdir = g_dir_make_tmp ("convolve-cli-XXXXXX", NULL);
  if (tmpdir == NULL)
    return -1;
  model_path = tmp_path ("model.cvm");
  log_path = tmp_path ("train.jsonl");

  /* The defaults: shapes, seed 1, Adam, 20 epochs. */
  run = run_cli ("train", "--arch", "shapes", "--dataset", "shapes", "--json",
                 "--out", "model.cvm", NULL);
  if (run.status != 0 || !g_file_test (model_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("training failed (%d): %s\n", run.status, run.err);
      run_clear (&run);
      return -1;
    }
  g_file_set_contents (log_path, run.out, -1, NULL);
  run_clear (&run);
  return 0;
}

static int
group_teardown (void **state)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = tmp_path (name);

      g_unlink (path);
    }
  g_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&model_path, g_free);
  return 0;
}

#define TEST(name, fn) { name, fn, NULL, NULL, NULL }

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    TEST ("cli/unknown-command", test_unknown_command),
    TEST ("cli/no-arguments", test_no_arguments),
    TEST ("cli/epochs-negative", test_epochs_negative),
    TEST ("cli/lr-not-a-number", test_lr_not_a_number),
    TEST ("cli/unknown-option", test_unknown_option),
    TEST ("cli/help", test_help),
    TEST ("cli/missing-model", test_missing_model),
    TEST ("cli/corrupt-model", test_corrupt_model),
    TEST ("cli/unknown-architecture", test_unknown_architecture),
    TEST ("cli/unknown-dataset", test_unknown_dataset),
    TEST ("cli/bad-images", test_bad_images),
    TEST ("cli/bad-choices", test_bad_choices),
    TEST ("cli/train-diverges", test_train_diverges),
    TEST ("cli/summary-shapes", test_summary_shapes),
    TEST ("cli/summary-model", test_summary_model),
    TEST ("cli/train-criterion", test_train_criterion),
    TEST ("cli/eval-text", test_eval_text),
    TEST ("cli/predict-png", test_predict_png),
    TEST ("cli/predict-builtin-digits", test_predict_builtin_digits),
    TEST ("cli/train-interrupt", test_train_interrupt),
    TEST ("cli/bench-json", test_bench_json),
  };

  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-convolve-cli [PATH-TO-python3]\n", argv[0]);
      return 2;
    }
  cli_path = argv[1];
  python_path = argc > 2 ? argv[2] : NULL;
  return cmocka_run_group_tests_name ("cli", tests, group_setup, group_teardown);
}
