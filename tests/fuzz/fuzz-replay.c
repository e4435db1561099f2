/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-replay.c — the regression runner: a main() for a fuzz target in
 * builds without libFuzzer. Each argument is a file or a directory; every
 * regular file in it (sorted by name, dot files skipped) is read and
 * handed to LLVMFuzzerTestOneInput once. A directory that does not exist
 * is skipped: a target may have no regressions yet.
 *
 * Inputs named "open-*" reproduce bugs that are known and not fixed yet.
 * They are skipped by default and replayed alone (with the target in its
 * strict mode) when CONVOLVE_FUZZ_OPEN_BUGS=1: meson runs that as a
 * should_fail test, so the suite stays green and the bug stays visible.
 * Whoever fixes one renames its input (drop "open-") and drops the
 * target's workaround.
 */
#include <glib.h>
#include <string.h>

#include "fuzz-target.h"

static int
replay_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      g_printerr ("fuzz-replay: %s\n", error->message);
      return 1;
    }
  /* Name the input first: if it crashes, the log says which one. */
  g_print ("replay %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
  /* A private copy of exactly len bytes, so ASan sees reads past the end. */
  {
    g_autofree guint8 *copy = g_malloc (MAX (len, 1));   /* never NULL */
    if (len > 0)
      memcpy (copy, contents, len);
    LLVMFuzzerTestOneInput (copy, len);
  }
  return 0;
}

static gboolean open_bugs;

static gboolean
wanted (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  return g_str_has_prefix (base, "open-") == open_bugs;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
  int failures = 0, replayed = 0;

  open_bugs = g_strcmp0 (g_getenv ("CONVOLVE_FUZZ_OPEN_BUGS"), "1") == 0;
  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (g_file_test (argv[i], G_FILE_TEST_IS_REGULAR))
        {
          if (!wanted (argv[i]))
            continue;
          failures += replay_file (argv[i]);
          replayed++;
          continue;
        }
      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        continue;
      dir = g_dir_open (argv[i], 0, NULL);
      if (dir == NULL)
        continue;
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint k = 0; k < names->len; k++)
        if (g_file_test (names->pdata[k], G_FILE_TEST_IS_REGULAR) && wanted (names->pdata[k]))
          {
            failures += replay_file (names->pdata[k]);
            replayed++;
          }
    }

  g_print ("fuzz-replay: %d input(s) replayed\n", replayed);
  if (replayed == 0 && open_bugs)
    return 77;   /* no open bugs: skipped */
  if (replayed == 0)
    {
      g_printerr ("fuzz-replay: no inputs found\n");
      return 1;
    }
  return failures == 0 ? 0 : 1;
}
