/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-class-store-save.c — the "My classes" index survives a kill at any
 * moment, and a folder full of garbage loads with warnings, not a crash.
 *
 * A child (rob-class-loop) adds and deletes drawings over one directory
 * and is SIGKILLed after a random delay, 100 times. Each time the index on
 * disk must be whole: it parses, it has as many class groups as its Count
 * says and each has its Name and Samples, and the store loads it with no
 * warning at all — so every sample it lists exists and reads (the drawing
 * is written before the index names it, the index forgets it before the
 * drawing is deleted).
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

#include "convolve-class-store.h"

#define KILLS 100

static const char *loop_path;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (path, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        remove_tree (p);
      else
        g_unlink (p);
    }
  g_rmdir (path);
}

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
assert_index_whole (const char *dir, int kill_no)
{
  g_autofree char *path = g_build_filename (dir, "index.ini", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveClassStore) store = NULL;
  g_auto(GStrv) groups = NULL;
  const char *const *warnings;
  int count;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error))
    fail_msg ("kill %d: the index does not parse: %s", kill_no, error->message);
  count = g_key_file_get_integer (kf, "Classes", "Count", &error);
  assert_null (error);
  groups = g_key_file_get_groups (kf, NULL);
  assert_int_equal (g_strv_length (groups), count + 1);
  for (int i = 0; i < count; i++)
    {
      g_autofree char *group = g_strdup_printf ("Class %d", i);
      assert_true (g_key_file_has_key (kf, group, "Name", NULL));
      if (!g_key_file_has_key (kf, group, "Samples", NULL))
        fail_msg ("kill %d: [%s] lost its Samples line", kill_no, group);
    }

  store = convolve_class_store_new (dir);
  warnings = convolve_class_store_get_warnings (store);
  if (warnings != NULL && warnings[0] != NULL)
    fail_msg ("kill %d: loading warns: %s", kill_no, warnings[0]);
  assert_int_equal (convolve_class_store_get_n_classes (store), count);
}

static int
count_leftovers (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  int n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, ".goutputstream-"))
      n++;
  return n;
}

static void
test_kill_during_edits (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-classes-XXXXXX", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);
  gint64 op_us;

  assert_non_null (dir);

  /* How long one change takes here (a drawing and the index, each synced):
   * the kills are spread over the first few. */
  {
    g_autofree char *probe_dir = g_build_filename (dir, "probe", NULL);
    g_autoptr(ConvolveClassStore) probe = convolve_class_store_new (probe_dir);
    float gray[48 * 48];
    gint64 t0;

    for (int p = 0; p < 48 * 48; p++)
      gray[p] = (p % 48 == 20) ? 0.0f : 1.0f;
    assert_int_equal (convolve_class_store_add_class (probe, "a", NULL), 0);
    t0 = g_get_monotonic_time ();
    assert_true (convolve_class_store_add_sample (probe, 0, gray, 48, 48, NULL));
    op_us = MAX (g_get_monotonic_time () - t0, 1000);
    remove_tree (probe_dir);
  }

  for (int i = 0; i < KILLS; i++)
    {
      const char *argv[] = { loop_path, dir, NULL };
      g_autoptr(GError) error = NULL;
      GPid pid;
      int status = 0, out_fd = -1;

      assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                             NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      wait_ready (out_fd);
      g_usleep (g_rand_int_range (rand, 0, (gint32) MIN (6 * op_us, G_MAXINT32)));
      assert_int_equal (kill (pid, SIGKILL), 0);
      assert_int_equal (waitpid (pid, &status, 0), pid);
      g_spawn_close_pid (pid);
      close (out_fd);
      assert_true (WIFSIGNALED (status));

      assert_index_whole (dir, i);
    }
  print_message ("one change takes %.1f ms; %d kills, the index whole each time; "
                 "%d temporary file(s) left in the folder\n",
                 op_us / 1000.0, KILLS, count_leftovers (dir));
  remove_tree (dir);
}

/* A folder of garbage: every kind of unreadable sample, and a garbage
 * index. Loading skips each with a warning; nothing crashes. */
static void
test_garbage_folder (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-garbage-XXXXXX", NULL);
  g_autofree char *index = g_build_filename (dir, "index.ini", NULL);
  g_autofree char *sub = g_build_filename (dir, "sample-000005.png", NULL);
  static const char index_text[] =
    "[Classes]\nVersion=1\nCount=12\nNextSample=1\n"
    "[Class 0]\nName=ok\nSamples=sample-000003.png;sample-000004.png;sample-000005.png;"
    "missing.png;../escape.png;/etc/passwd;.hidden.png\n"
    "[Class 1]\nName=\n"
    "[Class 2]\nName=two\nSamples=\n";
  g_autoptr(ConvolveClassStore) store = NULL;
  const char *const *warnings;
  guint n_warnings;

  g_autofree char *garbage = g_build_filename (dir, "sample-000003.png", NULL);
  g_autofree char *empty = g_build_filename (dir, "sample-000004.png", NULL);

  assert_true (g_file_set_contents (garbage, "not a picture", -1, NULL));
  assert_true (g_file_set_contents (empty, "", 0, NULL));
  assert_int_equal (g_mkdir (sub, 0700), 0);
  assert_true (g_file_set_contents (index, index_text, -1, NULL));

  store = convolve_class_store_new (dir);
  warnings = convolve_class_store_get_warnings (store);
  n_warnings = warnings != NULL ? g_strv_length ((char **) warnings) : 0;
  for (guint i = 0; i < n_warnings; i++)
    {
      assert_true (g_utf8_validate (warnings[i], -1, NULL));
      print_message ("  warning: %s\n", warnings[i]);
    }
  /* 7 bad samples, a nameless class, 12 classes claimed. */
  assert_true (n_warnings >= 9);
  assert_int_equal (convolve_class_store_get_n_classes (store), 2);
  assert_int_equal (convolve_class_store_get_n_samples (store, 0), 0);

  /* A garbage index: set aside, not destroyed, and the store starts empty. */
  {
    g_autoptr(ConvolveClassStore) again = NULL;
    g_autofree char *aside = g_build_filename (dir, "index.ini.damaged", NULL);

    assert_true (g_file_set_contents (index, "\x89PNG\r\n\x1a\n\0\0garbage", 17, NULL));
    again = convolve_class_store_new (dir);
    assert_int_equal (convolve_class_store_get_n_classes (again), 0);
    assert_non_null (convolve_class_store_get_warnings (again));
    assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  }
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_kill_during_edits),
    cmocka_unit_test (test_garbage_folder),
  };

  if (argc != 2)
    {
      g_printerr ("usage: %s PATH-TO-rob-class-loop\n", argv[0]);
      return 2;
    }
  loop_path = argv[1];
  return cmocka_run_group_tests_name ("robustness/class-store", tests, NULL, NULL);
}
