/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-idx.c — the IDX reader, convolve_dataset_load_idx(), plain and gzip.
 *
 * The data layer reads IDX pairs from GFiles only (no in-memory entry
 * point), so each input is written into a private temp directory as two
 * files. Input layout:
 *   byte 0      flags: 1 gzip the images, 2 gzip the labels (level 1, so
 *               the fuzzer mutates what the reader sees after inflating),
 *               4 pass three class names, 8 load through
 *               convolve_dataset_load() by path (labels found by name)
 *   bytes 1–2   n, little-endian: the first n bytes that follow are the
 *               image file (clamped to what there is), the rest the labels
 * Raw gzip inputs work too: a file that starts with 1f 8b is inflated.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convolve-dataset.h"
#include "fuzz-target.h"

static char *tmp_dir;
static char *images_path;
static char *labels_path;

static void
remove_tmp_dir (void)
{
  g_unlink (images_path);
  g_unlink (labels_path);
  g_rmdir (tmp_dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;

  tmp_dir = g_dir_make_tmp ("convolve-fuzz-idx-XXXXXX", &error);
  if (tmp_dir == NULL)
    {
      g_printerr ("fuzz-idx: %s\n", error->message);
      abort ();
    }
  images_path = g_build_filename (tmp_dir, "fuzz-images-idx3-ubyte", NULL);
  labels_path = g_build_filename (tmp_dir, "fuzz-labels-idx1-ubyte", NULL);
  atexit (remove_tmp_dir);
  /* Types the reader creates on first use, before leak checking starts. */
  g_type_ensure (G_TYPE_ZLIB_DECOMPRESSOR);
  g_type_ensure (G_TYPE_ZLIB_COMPRESSOR);
  return 0;
}

static GBytes *
gzip (const guint8 *data, gsize len)
{
  g_autoptr(GZlibCompressor) conv = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_pos = 0;

  for (;;)
    {
      gsize old = out->len, nread = 0, nwritten = 0;
      GConverterResult r;

      g_byte_array_set_size (out, (guint) (old + 4096));
      r = g_converter_convert (G_CONVERTER (conv), data + in_pos, len - in_pos,
                               out->data + old, 4096, G_CONVERTER_INPUT_AT_END,
                               &nread, &nwritten, NULL);
      in_pos += nread;
      g_byte_array_set_size (out, (guint) (old + nwritten));
      FUZZ_CHECK (r != G_CONVERTER_ERROR);
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
write_file (const char *path, const guint8 *data, gsize len, gboolean compress)
{
  g_autoptr(GBytes) packed = NULL;

  if (compress)
    {
      packed = gzip (data, len);
      data = g_bytes_get_data (packed, &len);
    }
  /* No fsync: thousands of inputs a second. */
  FUZZ_CHECK (g_file_set_contents_full (path, (const char *) data, (gssize) len,
                                        G_FILE_SET_CONTENTS_NONE, 0600, NULL));
}

static void
check_dataset (const ConvolveDataset *ds, gboolean named)
{
  gsize count;

  FUZZ_CHECK (ds->n > 0 && ds->h > 0 && ds->w > 0 && ds->c > 0);
  FUZZ_CHECK (ds->n_classes >= 1);
  FUZZ_CHECK (ds->class_names != NULL);
  FUZZ_CHECK ((int) g_strv_length (ds->class_names) == ds->n_classes);
  if (named)
    FUZZ_CHECK (ds->n_classes == 3);
  for (int i = 0; i < ds->n; i++)
    FUZZ_CHECK (ds->y[i] < ds->n_classes);
  count = (gsize) ds->n * ds->h * ds->w * ds->c;
  for (gsize i = 0; i < count; i++)
    FUZZ_CHECK (ds->x[i] >= 0.0f && ds->x[i] <= 1.0f);

  /* A slice of a read dataset is a dataset. */
  {
    ConvolveDataset *part = convolve_dataset_slice (ds, ds->n / 2, ds->n - ds->n / 2);
    FUZZ_CHECK (part != NULL && part->n == ds->n - ds->n / 2);
    convolve_dataset_free (part);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const names[] = { "circle", "square", "triangle", NULL };
  g_autoptr(GFile) images = NULL;
  g_autoptr(GFile) labels = NULL;
  g_autoptr(GError) error = NULL;
  ConvolveDataset *ds;
  guint flags;
  gsize split;

  if (size < 3)
    return 0;
  flags = data[0];
  split = MIN ((gsize) (data[1] | data[2] << 8), size - 3);
  data += 3;
  size -= 3;

  write_file (images_path, data, split, (flags & 1) != 0);
  write_file (labels_path, data + split, size - split, (flags & 2) != 0);

  images = g_file_new_for_path (images_path);
  labels = g_file_new_for_path (labels_path);
  if (flags & 8)
    ds = convolve_dataset_load (images_path, NULL, &error);
  else if (flags & 4)
    ds = convolve_dataset_load_idx_with_classes (images, labels, names, &error);
  else
    ds = convolve_dataset_load_idx (images, labels, &error);

  if (ds == NULL)
    {
      FUZZ_CHECK (error != NULL && error->message[0] != '\0');
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
    }
  else
    {
      FUZZ_CHECK (error == NULL);
      check_dataset (ds, (flags & 12) == 4);
      convolve_dataset_free (ds);
    }
  return 0;
}
