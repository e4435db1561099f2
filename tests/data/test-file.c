/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-file.c — convolve_file_write_atomic(): a new file, a replaced one
 * (its permissions kept), and failures that leave the old file and no
 * temporary file behind.
 */
/* symlink(2) and setrlimit(2) are POSIX, not C11. */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <glib/gstdio.h>

#include "convolve-file.h"

static int
count_entries (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  int n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
assert_contents (const char *path, const char *want)
{
  g_autofree char *got = NULL;
  gsize len = 0;

  assert_true (g_file_get_contents (path, &got, &len, NULL));
  assert_int_equal (len, strlen (want));
  assert_memory_equal (got, want, len);
}

static void
test_write_and_replace (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  assert_non_null (dir);
  assert_true (convolve_file_write_atomic (file, "epoch,loss\n", 11, &error));
  assert_null (error);
  assert_contents (path, "epoch,loss\n");
  assert_int_equal (count_entries (dir), 1);

  /* Replaced whole; a mode the user chose survives. */
  assert_int_equal (g_chmod (path, 0640), 0);
  assert_true (convolve_file_write_atomic (file, "epoch,loss\n1,0.5\n", 17, &error));
  assert_contents (path, "epoch,loss\n1,0.5\n");
  assert_int_equal (g_stat (path, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0640);
  assert_int_equal (count_entries (dir), 1);

  /* Empty contents are a file of 0 bytes, not an error. */
  assert_true (convolve_file_write_atomic (file, "", 0, &error));
  assert_contents (path, "");

  /* Written through a symbolic link, the link stays and its target changes. */
  {
    g_autofree char *link = g_build_filename (dir, "link.csv", NULL);
    g_autoptr(GFile) link_file = g_file_new_for_path (link);

    assert_int_equal (symlink ("history.csv", link), 0);
    assert_true (convolve_file_write_atomic (link_file, "via link\n", 9, &error));
    assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
    assert_contents (path, "via link\n");
    assert_int_equal (count_entries (dir), 2);
    g_unlink (link);
  }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_failures_leave_nothing (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.cvm", NULL);
  g_autofree char *sub = g_build_filename (dir, "folder", NULL);
  g_autoptr(GFile) missing = g_file_new_build_filename (dir, "gone", "model.cvm", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (sub);
  g_autoptr(GError) error = NULL;

  assert_non_null (dir);
  /* A folder that does not exist: an error naming the file. */
  assert_false (convolve_file_write_atomic (missing, "x", 1, &error));
  assert_non_null (error);
  assert_non_null (strstr (error->message, "model.cvm"));
  g_clear_error (&error);

  /* The target is a folder: the rename fails, the folder stays, and the
   * temporary file is removed. */
  assert_int_equal (g_mkdir (sub, 0700), 0);
  assert_false (convolve_file_write_atomic (folder, "x", 1, &error));
  assert_non_null (error);
  g_clear_error (&error);
  assert_true (g_file_test (sub, G_FILE_TEST_IS_DIR));
  assert_int_equal (count_entries (dir), 1);

  /* A write that fails halfway (a full disk; here a file size limit):
   * the old file stays as it was. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    char big[4096];
    struct rlimit old_limit, small;

    assert_true (convolve_file_write_atomic (file, "old model", 9, &error));
    memset (big, 'n', sizeof big);
    assert_int_equal (getrlimit (RLIMIT_FSIZE, &old_limit), 0);
    small = old_limit;
    small.rlim_cur = 1024;
    signal (SIGXFSZ, SIG_IGN);
    assert_int_equal (setrlimit (RLIMIT_FSIZE, &small), 0);
    assert_false (convolve_file_write_atomic (file, big, sizeof big, &error));
    assert_int_equal (setrlimit (RLIMIT_FSIZE, &old_limit), 0);
    assert_non_null (error);
    g_clear_error (&error);
    assert_contents (path, "old model");
    assert_int_equal (count_entries (dir), 2);   /* model.cvm and folder/ */
  }

  g_rmdir (sub);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_write_and_replace),
    cmocka_unit_test (test_failures_leave_nothing),
  };

  return cmocka_run_group_tests_name ("data/file", tests, NULL, NULL);
}
