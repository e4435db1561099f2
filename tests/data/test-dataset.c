/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the shapes generator, dataset loading by name and the IDX format. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "convolve-dataset.h"
#include "convolve-data-private.h"
#include "test-data-common.h"

/* ------------------------------------------------------------- shapes */

static void
shapes_counts (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (180, 1);
  int per_class[3] = { 0 };

  assert_non_null (ds);
  assert_int_equal (ds->n, 180);
  assert_int_equal (ds->h, 16);
  assert_int_equal (ds->w, 16);
  assert_int_equal (ds->c, 1);
  assert_int_equal (ds->n_classes, 3);
  assert_string_equal (ds->class_names[0], "circle");
  assert_string_equal (ds->class_names[1], "square");
  assert_string_equal (ds->class_names[2], "triangle");
  assert_null (ds->class_names[3]);
  for (int i = 0; i < ds->n; i++)
    {
      assert_true (ds->y[i] < 3);
      per_class[ds->y[i]]++;
    }
  assert_int_equal (per_class[0], 60);
  assert_int_equal (per_class[1], 60);
  assert_int_equal (per_class[2], 60);

  /* n not a multiple of 3: n / 3 per class */
  {
    g_autoptr(ConvolveDataset) odd = convolve_dataset_new_shapes (10, 1);
    assert_int_equal (odd->n, 9);
  }
}

static void
shapes_binary_pixels (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (300, 7);

  for (int i = 0; i < ds->n; i++)
    {
      int ink = 0;
      for (int p = 0; p < 256; p++)
        {
          float v = ds->x[i * 256 + p];
          assert_true (v == 0.0f || v == 1.0f);
          ink += v == 1.0f;
        }
      /* every shape has a visible outline, and is not a filled blob */
      assert_true (ink >= 12);
      assert_true (ink <= 80);
    }
}

static void
shapes_deterministic (void **state)
{
  g_autoptr(ConvolveDataset) a = convolve_dataset_new_shapes (90, 42);
  g_autoptr(ConvolveDataset) b = convolve_dataset_new_shapes (90, 42);
  g_autoptr(ConvolveDataset) c = convolve_dataset_new_shapes (90, 43);

  assert_memory_equal (a->x, b->x, 90 * 256 * sizeof (float));
  assert_memory_equal (a->y, b->y, 90);
  assert_true (memcmp (a->x, c->x, 90 * 256 * sizeof (float)) != 0);
}

/* A hand-made classifier: a square's ink all lies on its bounding box; a
 * circle is symmetric through the centre of its box, a triangle is not.
 * If it sorts the shapes well, so can a network. */
static int
classify_by_hand (const float *img)
{
  int x0 = 16, y0 = 16, x1 = -1, y1 = -1, ink = 0, on_box = 0, mirrored = 0;

  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      if (img[y * 16 + x] > 0)
        {
          x0 = MIN (x0, x); x1 = MAX (x1, x);
          y0 = MIN (y0, y); y1 = MAX (y1, y);
        }
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      if (img[y * 16 + x] > 0)
        {
          int mx = x0 + x1 - x, my = y0 + y1 - y;
          ink++;
          on_box += (x == x0 || x == x1 || y == y0 || y == y1);
          mirrored += img[my * 16 + mx] > 0;
        }
  if (on_box == ink)
    return 1;
  return mirrored >= 0.8 * ink ? 0 : 2;
}

static void
shapes_distinguishable (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (600, 3);
  int right = 0;

  for (int i = 0; i < ds->n; i++)
    right += classify_by_hand (ds->x + i * 256) == ds->y[i];
  /* the rule of thumb is imperfect; the classes must not be */
  assert_true (right >= 0.9 * ds->n);

  /* and no two pictures of different classes are the same */
  for (int i = 0; i < ds->n; i++)
    for (int j = i + 1; j < ds->n; j++)
      if (ds->y[i] != ds->y[j])
        assert_true (memcmp (ds->x + i * 256, ds->x + j * 256, 256 * sizeof (float)) != 0);
}

static void
load_shapes_by_name (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveDataset) train = convolve_dataset_load ("shapes", "train", &error);
  g_autoptr(ConvolveDataset) test = NULL;
  g_autoptr(ConvolveDataset) again = convolve_dataset_new_shapes (180, 1);

  assert_null (error);
  assert_int_equal (train->n, 180);
  assert_memory_equal (train->x, again->x, 180 * 256 * sizeof (float));
  test = convolve_dataset_load ("shapes", "test", &error);
  assert_null (error);
  assert_int_equal (test->n, 300);
  assert_true (memcmp (train->x, test->x, 180 * 256 * sizeof (float)) != 0);

  assert_null (convolve_dataset_load ("shapes", "validation", &error));
  assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
}

static void
slice (void **state)
{
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (30, 5);
  g_autoptr(ConvolveDataset) part = convolve_dataset_slice (ds, 10, 5);

  assert_int_equal (part->n, 5);
  assert_memory_equal (part->x, ds->x + 10 * 256, 5 * 256 * sizeof (float));
  assert_memory_equal (part->y, ds->y + 10, 5);
  assert_int_equal (part->n_classes, 3);
}

/* ---------------------------------------------------------------- IDX */

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

static ConvolveDataset *
small_dataset (void)
{
  static const char *const names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL };
  ConvolveDataset *ds = convolve_dataset_new (20, 28, 28, 1, names);
  for (int i = 0; i < 20; i++)
    {
      ds->y[i] = (guint8) (i % 10);
      for (int p = 0; p < 784; p++)
        ds->x[i * 784 + p] = (float) ((i * 7 + p * 13) % 256) / 255.0f;
    }
  return ds;
}

static void
save_pair (Tmp *t, const ConvolveDataset *ds, const char *suffix,
           char **images_out, char **labels_out)
{
  g_autoptr(GError) error = NULL;
  char *ipath = g_strdup_printf ("%s/set-images-idx3-ubyte%s", t->dir, suffix);
  char *lpath = g_strdup_printf ("%s/set-labels-idx1-ubyte%s", t->dir, suffix);
  g_autoptr(GFile) fi = g_file_new_for_path (ipath);
  g_autoptr(GFile) fl = g_file_new_for_path (lpath);

  assert_true (convolve_dataset_save_idx (ds, fi, fl, &error));
  assert_null (error);
  *images_out = ipath;
  *labels_out = lpath;
}

static void
idx_round_trip_plain_and_gzip (void **state)
{
  Tmp *t = *state;
  g_autoptr(ConvolveDataset) ds = small_dataset ();
  const char *suffixes[] = { "", ".gz" };

  for (int s = 0; s < 2; s++)
    {
      g_autofree char *ipath = NULL, *lpath = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(ConvolveDataset) back = NULL;
      g_autoptr(ConvolveDataset) by_name = NULL;
      g_autoptr(GFile) fi = NULL, fl = NULL;

      save_pair (t, ds, suffixes[s], &ipath, &lpath);
      fi = g_file_new_for_path (ipath);
      fl = g_file_new_for_path (lpath);
      back = convolve_dataset_load_idx (fi, fl, &error);
      assert_null (error);
      assert_int_equal (back->n, 20);
      assert_int_equal (back->h, 28);
      assert_int_equal (back->w, 28);
      assert_int_equal (back->n_classes, 10);
      assert_memory_equal (back->y, ds->y, 20);
      for (int i = 0; i < 20 * 784; i++)
        assert_true (fabsf (back->x[i] - ds->x[i]) < 0.5f / 255.0f + 1e-6f);

      /* by path, with the labels found beside the images */
      by_name = convolve_dataset_load (ipath, "test", &error);
      assert_null (error);
      assert_int_equal (by_name->n, 20);
      assert_memory_equal (by_name->x, back->x, 20 * 784 * sizeof (float));
    }
}

static void
idx_gzip_reproducible (void **state)
{
  Tmp *t = *state;
  g_autoptr(ConvolveDataset) ds = small_dataset ();
  g_autofree char *i1 = NULL, *l1 = NULL, *c1 = NULL, *c2 = NULL;
  gsize n1, n2;

  save_pair (t, ds, ".gz", &i1, &l1);
  assert_true (g_file_get_contents (i1, &c1, &n1, NULL));
  g_usleep (1100 * 1000);   /* a different second: no timestamp may leak in */
  g_free (i1);
  g_free (l1);
  save_pair (t, ds, ".gz", &i1, &l1);
  assert_true (g_file_get_contents (i1, &c2, &n2, NULL));
  assert_int_equal (n1, n2);
  assert_memory_equal (c1, c2, n1);
  /* gzip header: magic, deflate, no flags (no name), mtime 0 */
  assert_int_equal ((guint8) c1[0], 0x1f);
  assert_int_equal ((guint8) c1[1], 0x8b);
  assert_int_equal (c1[3], 0);
  assert_int_equal (c1[4] | c1[5] | c1[6] | c1[7], 0);
}

/* Writes bytes to dir/name and returns the path. */
static char *
put (Tmp *t, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (t->dir, name, NULL);
  test_write_file (path, data, len);
  return path;
}

static GBytes *
gzip (const void *data, gsize len)
{
  g_autoptr(GZlibCompressor) conv = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (conv));
  gsize written;

  assert_true (g_output_stream_write_all (out, data, len, &written, NULL, NULL));
  assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

/* An IDX byte file: magic, dims, values. */
static GByteArray *
idx_bytes (guint8 type, int ndims, const guint32 *dims, guint8 fill, gsize values)
{
  GByteArray *a = g_byte_array_new ();
  guint8 head[4] = { 0, 0, type, (guint8) ndims };
  g_byte_array_append (a, head, 4);
  for (int d = 0; d < ndims; d++)
    {
      guint8 be[4] = { (guint8) (dims[d] >> 24), (guint8) (dims[d] >> 16),
                       (guint8) (dims[d] >> 8), (guint8) dims[d] };
      g_byte_array_append (a, be, 4);
    }
  for (gsize i = 0; i < values; i++)
    g_byte_array_append (a, &fill, 1);
  return a;
}

/* Loads images/labels given as byte arrays; returns the error. */
static GError *
load_error (Tmp *t, GByteArray *images, GByteArray *labels,
            const char *iname, const char *lname,
            const char *const *classes)
{
  g_autofree char *ip = put (t, iname, images->data, images->len);
  g_autofree char *lp = put (t, lname, labels->data, labels->len);
  g_autoptr(GFile) fi = g_file_new_for_path (ip);
  g_autoptr(GFile) fl = g_file_new_for_path (lp);
  GError *error = NULL;
  ConvolveDataset *ds = convolve_dataset_load_idx_with_classes (fi, fl, classes, &error);

  assert_null (ds);
  assert_non_null (error);
  return error;
}

static void
assert_message_has (const GError *error, const char *a, const char *b)
{
  if (strstr (error->message, a) == NULL || (b != NULL && strstr (error->message, b) == NULL))
    fail_msg ("message “%s” lacks “%s” / “%s”", error->message, a, b ? b : "");
}

static const char *const ten[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL };

static void
idx_truncated (void **state)
{
  Tmp *t = *state;
  guint32 idims[3] = { 5, 28, 28 }, ldims[1] = { 5 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 0, 5 * 784);
  g_autoptr(GByteArray) labels = idx_bytes (8, 1, ldims, 1, 5);
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  g_autoptr(GBytes) gz = NULL;
  g_autoptr(GByteArray) gza = g_byte_array_new ();

  /* plain: a few bytes short */
  g_byte_array_set_size (images, images->len - 100);
  e1 = load_error (t, images, labels, "a-images-idx3-ubyte", "a-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e1, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED));
  assert_message_has (e1, "a-images-idx3-ubyte: the file ends after 3836 of 3936 bytes", NULL);

  /* inside the header */
  g_byte_array_set_size (images, 7);
  e2 = load_error (t, images, labels, "b-images-idx3-ubyte", "b-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e2, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED));
  assert_message_has (e2, "b-images-idx3-ubyte", "header");

  /* gzip whose content is short: reported in uncompressed bytes */
  g_byte_array_unref (images);
  images = idx_bytes (8, 3, idims, 0, 5 * 784);
  {
    g_autoptr(GByteArray) short_labels = idx_bytes (8, 1, ldims, 1, 3);
    gz = gzip (short_labels->data, short_labels->len);
    g_byte_array_append (gza, g_bytes_get_data (gz, NULL), (guint) g_bytes_get_size (gz));
    e3 = load_error (t, images, gza, "c-images-idx3-ubyte", "c-labels-idx1-ubyte.gz", ten);
    assert_true (g_error_matches (e3, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED));
    assert_message_has (e3, "c-labels-idx1-ubyte.gz: the file ends after 11 of 13 bytes", NULL);
  }

  /* a gzip file cut in the middle of its compressed stream */
  {
    g_autoptr(GBytes) whole = gzip (images->data, images->len);
    g_autoptr(GByteArray) cut = g_byte_array_new ();
    g_byte_array_append (cut, g_bytes_get_data (whole, NULL), (guint) g_bytes_get_size (whole) / 2);
    e4 = load_error (t, cut, labels, "d-images-idx3-ubyte.gz", "d-labels-idx1-ubyte", ten);
    assert_true (g_error_matches (e4, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED));
    assert_message_has (e4, "d-images-idx3-ubyte.gz", "ends");
  }
}

static void
idx_wrong_magic_and_type (void **state)
{
  Tmp *t = *state;
  guint32 idims[3] = { 2, 4, 4 }, ldims[1] = { 2 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 0, 32);
  g_autoptr(GByteArray) labels = idx_bytes (8, 1, ldims, 1, 2);
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;

  images->data[0] = 'P';
  e1 = load_error (t, images, labels, "m-images-idx3-ubyte", "m-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e1, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID));
  assert_message_has (e1, "m-images-idx3-ubyte", "not an IDX file");

  images->data[0] = 0;
  images->data[2] = 0x0d;   /* float */
  e2 = load_error (t, images, labels, "m-images-idx3-ubyte", "m-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e2, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_UNSUPPORTED));
  assert_message_has (e2, "0x0d", NULL);

  /* labels given where images belong */
  e3 = load_error (t, labels, labels, "n-images-idx3-ubyte", "n-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e3, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID));
  assert_message_has (e3, "n-images-idx3-ubyte", "dimension");

  /* a zero dimension */
  images->data[2] = 8;
  images->data[7] = 0;
  e4 = load_error (t, images, labels, "z-images-idx3-ubyte", "z-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e4, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID));
}

static void
idx_huge_header_small_file (void **state)
{
  Tmp *t = *state;
  /* claims 4 billion 28×28 images; must not allocate them */
  guint32 idims[3] = { 0xffffffffu, 28, 28 }, ldims[1] = { 3 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 0, 100);
  g_autoptr(GByteArray) labels = idx_bytes (8, 1, ldims, 1, 3);
  g_autoptr(GError) e1 = NULL, e2 = NULL;
  g_autoptr(GBytes) gz = gzip (images->data, images->len);
  g_autoptr(GByteArray) gza = g_byte_array_new ();

  e1 = load_error (t, images, labels, "h-images-idx3-ubyte", "h-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e1, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID));

  idims[0] = 1000000;   /* plausible, but the file is short */
  g_byte_array_unref (images);
  images = idx_bytes (8, 3, idims, 0, 100);
  g_bytes_unref (gz);
  gz = gzip (images->data, images->len);
  g_byte_array_append (gza, g_bytes_get_data (gz, NULL), (guint) g_bytes_get_size (gz));
  e2 = load_error (t, gza, labels, "h-images-idx3-ubyte.gz", "h-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e2, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED));
  assert_message_has (e2, "ends after 116 of 784000016 bytes", NULL);
}

static void
idx_trailing_bytes (void **state)
{
  Tmp *t = *state;
  guint32 idims[3] = { 2, 4, 4 }, ldims[1] = { 2 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 0, 40);
  g_autoptr(GByteArray) labels = idx_bytes (8, 1, ldims, 1, 2);
  g_autoptr(GError) e = NULL;

  e = load_error (t, images, labels, "t-images-idx3-ubyte", "t-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID));
  assert_message_has (e, "t-images-idx3-ubyte", "goes on");
}

static void
idx_mismatched_counts (void **state)
{
  Tmp *t = *state;
  guint32 idims[3] = { 3, 4, 4 }, ldims[1] = { 4 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 0, 48);
  g_autoptr(GByteArray) labels = idx_bytes (8, 1, ldims, 1, 4);
  g_autoptr(GError) e = NULL;

  e = load_error (t, images, labels, "k-images-idx3-ubyte", "k-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_MISMATCH));
  assert_message_has (e, "holds 3 images", "holds 4 labels");
}

static void
idx_label_out_of_range (void **state)
{
  Tmp *t = *state;
  guint32 idims[3] = { 3, 4, 4 }, ldims[1] = { 3 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 0, 48);
  g_autoptr(GByteArray) labels = idx_bytes (8, 1, ldims, 1, 3);
  g_autoptr(GError) e = NULL, e2 = NULL;

  labels->data[8 + 2] = 10;
  e = load_error (t, images, labels, "l-images-idx3-ubyte", "l-labels-idx1-ubyte", ten);
  assert_true (g_error_matches (e, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID));
  assert_message_has (e, "l-labels-idx1-ubyte: label 10 of sample 3 is outside 0–9", NULL);

  /* without class names, up to 100 classes */
  labels->data[8 + 2] = 200;
  e2 = load_error (t, images, labels, "l-images-idx3-ubyte", "l-labels-idx1-ubyte", NULL);
  assert_message_has (e2, "label 200", NULL);
}

static void
idx_garbled_gzip (void **state)
{
  Tmp *t = *state;
  guint32 idims[3] = { 20, 28, 28 }, ldims[1] = { 20 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 7, 20 * 784);
  g_autoptr(GByteArray) labels = idx_bytes (8, 1, ldims, 1, 20);
  g_autoptr(GBytes) gz = gzip (images->data, images->len);
  g_autoptr(GByteArray) bad = g_byte_array_new ();
  g_autoptr(GError) e = NULL;

  g_byte_array_append (bad, g_bytes_get_data (gz, NULL), (guint) g_bytes_get_size (gz));
  for (guint i = 12; i < bad->len - 8; i += 3)
    bad->data[i] ^= 0x5a;
  e = load_error (t, bad, labels, "g-images-idx3-ubyte.gz", "g-labels-idx1-ubyte", ten);
  assert_true (e->domain == CONVOLVE_DATA_ERROR);
  assert_message_has (e, "g-images-idx3-ubyte.gz", NULL);
}

static void
idx_missing_files (void **state)
{
  Tmp *t = *state;
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
  g_autofree char *nowhere = g_build_filename (t->dir, "nothing-images-idx3-ubyte.gz", NULL);
  g_autofree char *odd = NULL;
  guint32 idims[3] = { 1, 2, 2 };
  g_autoptr(GByteArray) images = idx_bytes (8, 3, idims, 0, 4);
  g_autofree char *alone = put (t, "alone-images-idx3-ubyte", images->data, images->len);

  assert_null (convolve_dataset_load (nowhere, "train", &e1));
  assert_true (g_error_matches (e1, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
  assert_message_has (e1, "nothing-images-idx3-ubyte.gz", NULL);

  assert_null (convolve_dataset_load (alone, "train", &e2));
  assert_true (g_error_matches (e2, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
  assert_message_has (e2, "alone-labels-idx1-ubyte", "missing");

  odd = put (t, "pictures.bin", images->data, images->len);
  assert_null (convolve_dataset_load (odd, "train", &e3));
  assert_message_has (e3, "labels-idx1-ubyte", NULL);
}

static void
labels_path_convention (void **state)
{
  g_autofree char *a = convolve_idx_labels_path_for ("/x/train-images-idx3-ubyte.gz");
  g_autofree char *b = convolve_idx_labels_path_for ("/x/t10k-images.idx3-ubyte");
  g_autofree char *c = convolve_idx_labels_path_for ("/x/images-idx3-ubyte");
  g_autofree char *d = convolve_idx_labels_path_for ("/x/foo.png");

  assert_string_equal (a, "/x/train-labels-idx1-ubyte.gz");
  assert_string_equal (b, "/x/t10k-labels.idx1-ubyte");
  assert_string_equal (c, "/x/labels-idx1-ubyte");
  assert_null (d);
}

/* --------------------------------------------------- shipped datasets */

static void
digits_builtin (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveDataset) train = convolve_dataset_load ("digits", "train", &error);
  g_autoptr(ConvolveDataset) test = NULL;
  int per_class[10] = { 0 };

  if (train == NULL && g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND))
    skip ();
  assert_null (error);
  assert_int_equal (train->n, 4000);
  assert_int_equal (train->h, 28);
  assert_int_equal (train->n_classes, 10);
  assert_int_equal (train->input.box, 20);
  for (int i = 0; i < train->n; i++)
    per_class[train->y[i]]++;
  for (int k = 0; k < 10; k++)
    assert_int_equal (per_class[k], 400);

  test = convolve_dataset_load ("digits", "test", &error);
  assert_null (error);
  assert_int_equal (test->n, 1000);
}

static void
fashion_or_advice (void **state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveDataset) test = convolve_dataset_load ("fashion", "test", &error);

  if (test == NULL)
    {
      assert_true (g_error_matches (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND));
      assert_message_has (error, "dataset-fashion-mnist", NULL);
      return;
    }
  assert_int_equal (test->n, 10000);
  assert_int_equal (test->h, 28);
  assert_int_equal (test->n_classes, 10);
  assert_string_equal (test->class_names[9], "Ankle boot");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (shapes_counts),
    cmocka_unit_test (shapes_binary_pixels),
    cmocka_unit_test (shapes_deterministic),
    cmocka_unit_test (shapes_distinguishable),
    cmocka_unit_test (load_shapes_by_name),
    cmocka_unit_test (slice),
    cmocka_unit_test_setup_teardown (idx_round_trip_plain_and_gzip, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_gzip_reproducible, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_truncated, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_wrong_magic_and_type, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_huge_header_small_file, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_trailing_bytes, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_mismatched_counts, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_label_out_of_range, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_garbled_gzip, tmp_setup, tmp_teardown),
    cmocka_unit_test_setup_teardown (idx_missing_files, tmp_setup, tmp_teardown),
    cmocka_unit_test (labels_path_convention),
    cmocka_unit_test (digits_builtin),
    cmocka_unit_test (fashion_or_advice),
  };

  return cmocka_run_group_tests_name ("data/dataset", tests, NULL, NULL);
}
