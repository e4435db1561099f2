/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-class-index.c — the "My classes" index (index.ini, a GKeyFile) as
 * ConvolveClassStore loads it.
 *
 * The input is the index's text. It is written into a private directory
 * that also holds a few sample files for it to name: a real drawing, a
 * garbage ".png", an empty one, one too large to be a drawing made here,
 * and a subdirectory named like a sample. Loading must never fail or
 * crash: what the store keeps is consistent (2–10 classes at most, names
 * valid UTF-8, every sample a picture in 0..1) and every problem is one
 * readable sentence in the warnings.
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>

#include "convolve-class-store.h"
#include "fuzz-common.h"
#include "fuzz-target.h"

/* regressions/class-index/count-huge.ini: an index whose Count is huge
 * (2147483647) with few real classes once made loading add a warning per
 * missing class until memory ran out. Memory stays capped here so such a
 * regression shows as a quick abort, not a machine out of memory. */
#if FUZZ_ASAN
/* Under ASan the address space cannot be capped (its shadow is huge), so
 * the RSS is: the sanitizer aborts past 1.5 GB. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "hard_rss_limit_mb=1536";
}
#endif

static char *dir;

static void
put_png (const char *name, int w, int h)
{
  g_autoptr(GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  guint8 *p = gdk_pixbuf_get_pixels (pb);
  int stride = gdk_pixbuf_get_rowstride (pb);

  gdk_pixbuf_fill (pb, 0xffffffff);
  for (int y = h / 4; y < 3 * h / 4; y++)
    memset (p + y * stride + (w / 2) * 3, 0, 3 * MAX (w / 10, 1));
  FUZZ_CHECK (gdk_pixbuf_save (pb, path, "png", NULL, NULL));
}

static void
put_bytes (const char *name, const char *data, gsize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  FUZZ_CHECK (g_file_set_contents (path, data, (gssize) len, NULL));
}

static void
remove_all (void)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        g_rmdir (p);
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sub = NULL;

  dir = g_dir_make_tmp ("convolve-fuzz-classes-XXXXXX", &error);
  FUZZ_CHECK (dir != NULL);
  atexit (remove_all);
  put_png ("sample-000001.png", 64, 64);
  put_png ("sample-000002.png", 20, 90);
  put_png ("sample-000009.png", 600, 40);             /* too large to be ours */
  put_bytes ("sample-000003.png", "not a picture", 13);
  put_bytes ("sample-000004.png", "", 0);
  put_bytes ("notes.txt", "hello", 5);
  sub = g_build_filename (dir, "sample-000005.png", NULL);
  g_mkdir (sub, 0700);

  if (!FUZZ_ASAN)
    {
      struct rlimit lim = { (rlim_t) 1 << 30, (rlim_t) 1 << 30 };
      setrlimit (RLIMIT_AS, &lim);
    }

  /* gdk-pixbuf's PNG module and the store's types are loaded once. */
  g_type_ensure (CONVOLVE_TYPE_CLASS_STORE);
  g_object_unref (convolve_class_store_new (dir));
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *index = g_build_filename (dir, "index.ini", NULL);
  g_autofree char *aside = g_build_filename (dir, "index.ini.damaged", NULL);
  g_autoptr(ConvolveClassStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *warnings;
  guint n;

  g_unlink (aside);
  FUZZ_CHECK (g_file_set_contents_full (index, (const char *) data, (gssize) size,
                                        G_FILE_SET_CONTENTS_NONE, 0600, NULL));

  store = convolve_class_store_new (dir);
  FUZZ_CHECK (store != NULL);

  n = convolve_class_store_get_n_classes (store);
  FUZZ_CHECK (n <= CONVOLVE_CLASS_STORE_MAX_CLASSES);
  for (guint c = 0; c < n; c++)
    {
      const char *name = convolve_class_store_get_class_name (store, c);
      guint samples = convolve_class_store_get_n_samples (store, c);

      FUZZ_CHECK (name != NULL && name[0] != '\0');
      FUZZ_CHECK (g_utf8_validate (name, -1, NULL));
      for (guint s = 0; s < samples; s++)
        {
          int w = 0, h = 0;
          const float *gray = convolve_class_store_get_sample (store, c, s, &w, &h);
          const char *file = convolve_class_store_get_sample_file (store, c, s);

          FUZZ_CHECK (gray != NULL && file != NULL);
          FUZZ_CHECK (strchr (file, '/') == NULL && file[0] != '.');
          FUZZ_CHECK (w > 0 && h > 0 && w <= 4 * CONVOLVE_CLASS_STORE_MAX_SIZE
                      && h <= 4 * CONVOLVE_CLASS_STORE_MAX_SIZE);
          for (int i = 0; i < w * h; i++)
            FUZZ_CHECK (gray[i] >= 0.0f && gray[i] <= 1.0f);
        }
    }

  /* Every warning reaches a GTK label: UTF-8 always
   * (regressions/class-index/warning-not-utf8.ini). */
  warnings = convolve_class_store_get_warnings (store);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    {
      FUZZ_CHECK (warnings[i][0] != '\0');
      if (!g_utf8_validate (warnings[i], -1, NULL))
        {
          g_autofree char *shown = g_utf8_make_valid (warnings[i], -1);
          fprintf (stderr, "warning not UTF-8: %s\n", shown);
          FUZZ_CHECK (g_utf8_validate (warnings[i], -1, NULL));
        }
    }

  /* What was loaded turns into a dataset, or says why not. */
  {
    ConvolveDataset *ds = convolve_class_store_to_dataset (store, &error);
    if (ds != NULL)
      {
        FUZZ_CHECK (ds->n > 0 && ds->n_classes >= 2);
        for (int i = 0; i < ds->n; i++)
          FUZZ_CHECK (ds->y[i] < ds->n_classes);
        convolve_dataset_free (ds);
      }
    else
      FUZZ_CHECK (error != NULL && g_utf8_validate (error->message, -1, NULL));
  }
  return 0;
}
