/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the data tests: a private temp dir per test program. */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

/* Creates a fresh temp dir; remove it with test_tmpdir_remove(). */
static inline char *
test_tmpdir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("convolve-data-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static inline void
test_tmpdir_remove (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        test_tmpdir_remove (path);
      else
        g_unlink (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

static inline void
test_write_file (const char *path, const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}
