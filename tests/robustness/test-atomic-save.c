/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-atomic-save.c — a save killed at any moment leaves the old file or
 * the new one, whole, never a mix or a stub.
 *
 * A child process (rob-save-loop) saves two different models in turn over
 * one path; the test kills it with SIGKILL after a random delay (from its
 * "ready" to about six saves' time, measured, so the test means the same
 * under a sanitizer or a loaded machine), 100 times,
 * and each time the file must be byte for byte model A or model B, and load.
 * Temporary files a killed save leaves beside the target are counted and
 * reported (they are harmless to the model, but a folder scanner must skip
 * them).
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rob-models.h"

#define KILLS 100

static const char *save_loop_path;

static char *
sha256_of_bytes (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static char *
sha256_of_file (const char *path, gsize *len)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, len, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, *len);
}

static int
count_leftovers (const char *dir_path, const char *keep)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  int n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (strcmp (name, keep) != 0)
      n++;
  return n;
}

static void
remove_dir (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir_path, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir_path);
}

/* Blocks until the child writes its "ready" line (or exits). */
static void
wait_ready (int fd)
{
  char c = 0;

  while (c != '\n')
    {
      ssize_t r = read (fd, &c, 1);
      if (r < 0 && errno == EINTR)
        continue;
      assert_true (r == 1);
    }
}

static void
test_kill_during_save (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.cvm", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(ConvolveModel) a = rob_make_model (1);
  g_autoptr(ConvolveModel) b = rob_make_model (2);
  g_autoptr(GBytes) a_bytes = convolve_model_to_bytes (a);
  g_autoptr(GBytes) b_bytes = convolve_model_to_bytes (b);
  g_autofree char *a_sum = sha256_of_bytes (a_bytes);
  g_autofree char *b_sum = sha256_of_bytes (b_bytes);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  int saw_a = 0, saw_b = 0, leftovers = 0;
  gint64 t0, save_us;

  assert_non_null (dir);
  assert_string_not_equal (a_sum, b_sum);
  /* Time a save over an existing file (the child's case: it syncs). */
  assert_true (convolve_model_save (a, file, NULL));
  t0 = g_get_monotonic_time ();
  assert_true (convolve_model_save (a, file, NULL));
  save_us = MAX (g_get_monotonic_time () - t0, 2000);

  for (int i = 0; i < KILLS; i++)
    {
      const char *argv[] = { save_loop_path, path, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(ConvolveModel) loaded = NULL;
      g_autofree char *sum = NULL;
      GPid pid;
      int status = 0, out_fd = -1;
      gsize len = 0;

      assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                             NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      wait_ready (out_fd);
      /* Anywhere in its first six saves or so. */
      g_usleep (g_rand_int_range (rand, 0, (gint32) MIN (6 * save_us, G_MAXINT32)));
      assert_int_equal (kill (pid, SIGKILL), 0);
      assert_int_equal (waitpid (pid, &status, 0), pid);
      g_spawn_close_pid (pid);
      close (out_fd);
      /* Killed, not exited on its own with an error. */
      assert_true (WIFSIGNALED (status));

      sum = sha256_of_file (path, &len);
      assert_non_null (sum);
      if (strcmp (sum, a_sum) == 0)
        saw_a++;
      else if (strcmp (sum, b_sum) == 0)
        saw_b++;
      else
        fail_msg ("kill %d: the file (%" G_GSIZE_FORMAT " bytes) is neither the old "
                  "model nor the new one", i, len);

      loaded = convolve_model_new_from_file (file, &error);
      assert_non_null (loaded);
      assert_null (error);
    }

  leftovers = count_leftovers (dir, "model.cvm");
  print_message ("one save takes %.1f ms here\n", save_us / 1000.0);
  print_message ("%d kills: %d left model A, %d left model B; %d temporary file(s) left "
                 "beside the model\n", KILLS, saw_a, saw_b, leftovers);
  /* The child did write: both versions were seen. */
  assert_true (saw_a > 0 && saw_b > 0);
  remove_dir (dir);
}

/* The first save of a file: killed at any moment, it leaves no file at
 * all or the whole new one. (A writer that opens the target itself leaves
 * a stub here.) */
static void
test_kill_during_first_save (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-atomic-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "new.cvm", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(ConvolveModel) b = rob_make_model (2);
  g_autoptr(GBytes) b_bytes = convolve_model_to_bytes (b);
  g_autofree char *b_sum = sha256_of_bytes (b_bytes);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261206);
  int absent = 0, whole = 0;
  gint64 t0, save_us;

  assert_non_null (dir);
  t0 = g_get_monotonic_time ();
  assert_true (convolve_model_save (b, file, NULL));
  save_us = MAX (g_get_monotonic_time () - t0, 2000);

  for (int i = 0; i < KILLS; i++)
    {
      const char *argv[] = { save_loop_path, "--first", path, NULL };
      g_autoptr(GError) error = NULL;
      g_autofree char *sum = NULL;
      GPid pid;
      int status = 0, out_fd = -1;
      gsize len = 0;

      g_unlink (path);
      assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                             NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      wait_ready (out_fd);
      /* Anywhere in the save, and a little after it. */
      g_usleep (g_rand_int_range (rand, 0, (gint32) MIN (2 * save_us, G_MAXINT32)));
      kill (pid, SIGKILL);
      assert_int_equal (waitpid (pid, &status, 0), pid);
      g_spawn_close_pid (pid);
      close (out_fd);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          absent++;
          continue;
        }
      sum = sha256_of_file (path, &len);
      assert_non_null (sum);
      if (strcmp (sum, b_sum) != 0)
        fail_msg ("kill %d: a first save left %" G_GSIZE_FORMAT " bytes that are not the "
                  "model", i, len);
      whole++;
    }
  print_message ("%d kills during a first save: %d left no file, %d the whole model; "
                 "%d temporary file(s) left\n", KILLS, absent, whole,
                 count_leftovers (dir, "new.cvm"));
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_kill_during_save),
    cmocka_unit_test (test_kill_during_first_save),
  };

  if (argc != 2)
    {
      g_printerr ("usage: %s PATH-TO-rob-save-loop\n", argv[0]);
      return 2;
    }
  save_loop_path = argv[1];
  return cmocka_run_group_tests_name ("robustness/atomic-save", tests, NULL, NULL);
}
