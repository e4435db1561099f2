/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-huge-inputs.c — absurd sizes and values, handled in bounded time
 * and memory:
 *  - IDX headers that claim 2^31 images (or 2^31 labels) in a file of a few
 *    bytes: an error, and no allocation of what the header claims;
 *  - a gzip IDX file that inflates far beyond its header (a "zip bomb"):
 *    inflating stops one byte past the header's size;
 *  - a 4096×4096 picture, a picture of 10,000 random strokes, a 1×4096
 *    line: preprocessed in bounded time, output in 0..1;
 *  - NaN and infinite pixels, everywhere or here and there: "nothing
 *    drawn" or a valid input, and finite probabilities;
 *  - a 0×0 picture: nothing drawn (and a critical warning: it is a
 *    caller's mistake, not a crash).
 */
#include <math.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "convolve-dataset.h"
#include "convolve-model.h"
#include "convolve-preprocess.h"

static long
max_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

static char *tmp_dir;

static int
group_setup (void **state)
{
  tmp_dir = g_dir_make_tmp ("convolve-huge-XXXXXX", NULL);
  return tmp_dir == NULL;
}

static int
group_teardown (void **state)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (tmp_dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return 0;
}

static GFile *
write_tmp (const char *name, const void *data, gsize len)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

  assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return g_file_new_for_path (path);
}

/* ------------------------------------------------------------- IDX */

static void
assert_idx_fails (const guint8 *img, gsize img_len, const guint8 *lab, gsize lab_len,
                  const char *expect)
{
  g_autoptr(GFile) images = write_tmp ("claims-images-idx3-ubyte", img, img_len);
  g_autoptr(GFile) labels = write_tmp ("claims-labels-idx1-ubyte", lab, lab_len);
  g_autoptr(GError) error = NULL;
  ConvolveDataset *ds = convolve_dataset_load_idx (images, labels, &error);

  assert_null (ds);
  assert_non_null (error);
  assert_true (error->domain == CONVOLVE_DATA_ERROR);
  print_message ("  %s\n", error->message);
  if (strstr (error->message, expect) == NULL)
    fail_msg ("expected “%s” in: %s", expect, error->message);
  assert_non_null (strstr (error->message, "claims-"));   /* names the file */
}

static void
test_idx_claims_2g (void **state)
{
  /* 2^31 images of 28×28, 2^31 labels: a few bytes each. */
  static const guint8 img[] = { 0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3 };
  static const guint8 lab[] = { 0, 0, 8, 1, 0x80, 0, 0, 0, 1, 2 };
  /* 2^31 images of 1×1: a gigabyte and a half of pixels claimed. */
  static const guint8 img1[] = { 0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 9 };
  /* 2^30 of 1×1: exactly the limit, so only the file's length says no. */
  static const guint8 img30[] = { 0, 0, 8, 3, 0x40, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 9 };
  static const guint8 lab30[] = { 0, 0, 8, 1, 0x40, 0, 0, 0, 1 };
  /* 2^32 − 1 images, and sides over the limit. */
  static const guint8 imgmax[] = { 0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x10, 0, 0, 0, 0x10, 0 };
  static const guint8 wide[] = { 0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0x10, 1, 0, 0, 0, 1, 0 };
  static const guint8 lab1[] = { 0, 0, 8, 1, 0, 0, 0, 1, 0 };
  long before = max_rss_mb ();

  assert_idx_fails (img, sizeof img, lab, sizeof lab, "more than this program reads");
  assert_idx_fails (img1, sizeof img1, lab, sizeof lab, "more than this program reads");
  assert_idx_fails (img30, sizeof img30, lab30, sizeof lab30, "ends after");
  assert_idx_fails (imgmax, sizeof imgmax, lab1, sizeof lab1, "more than this program reads");
  assert_idx_fails (wide, sizeof wide, lab1, sizeof lab1, "more than the 4096");
  /* A good image file with a label file that claims 2^31. */
  {
    static const guint8 one[] = { 0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4 };
    assert_idx_fails (one, sizeof one, lab, sizeof lab, "more than this program reads");
  }
  print_message ("claims of 2^31 items: max RSS %ld MB before, %ld MB after\n",
                 before, max_rss_mb ());
  /* Nothing of the claimed size was allocated (1 GiB would show). */
  assert_true (max_rss_mb () - before < 64);
}

static GBytes *
gzip_header_then_zeros (const guint8 *head, gsize head_len, gsize zeros)
{
  g_autoptr(GZlibCompressor) conv = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *chunk = g_malloc0 (1 << 20);
  gsize fed = 0;
  gboolean head_done = FALSE;

  for (;;)
    {
      const guint8 *in;
      gsize in_len, nread = 0, nwritten = 0, old = out->len;
      gboolean last;
      GConverterResult r;

      if (!head_done)
        {
          in = head;
          in_len = head_len;
        }
      else
        {
          in = chunk;
          in_len = MIN ((gsize) 1 << 20, zeros - fed);
        }
      last = head_done && fed + in_len == zeros;
      g_byte_array_set_size (out, old + (1 << 16));
      r = g_converter_convert (G_CONVERTER (conv), in, in_len, out->data + old, 1 << 16,
                               last ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                               &nread, &nwritten, NULL);
      g_byte_array_set_size (out, old + nwritten);
      assert_true (r != G_CONVERTER_ERROR);
      if (r == G_CONVERTER_FINISHED)
        break;
      if (!head_done)
        {
          head += nread;
          head_len -= nread;
          head_done = head_len == 0;
        }
      else
        fed += nread;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_idx_gzip_bomb (void **state)
{
  /* 1,000 images of 28×28 (784,000 bytes), then 256 MB of zeros. */
  static const guint8 head[] = { 0, 0, 8, 3, 0, 0, 0x03, 0xe8, 0, 0, 0, 28, 0, 0, 0, 28 };
  static const guint8 lab[] = { 0, 0, 8, 1, 0, 0, 0x03, 0xe8 };
  g_autoptr(GBytes) bomb = gzip_header_then_zeros (head, sizeof head, (gsize) 256 << 20);
  g_autofree guint8 *labels = g_malloc0 (sizeof lab + 1000);
  g_autoptr(GFile) images = NULL;
  g_autoptr(GFile) labels_file = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0;
  ConvolveDataset *ds;

  memcpy (labels, lab, sizeof lab);
  images = write_tmp ("bomb-images-idx3-ubyte.gz", g_bytes_get_data (bomb, NULL),
                      g_bytes_get_size (bomb));
  labels_file = write_tmp ("bomb-labels-idx1-ubyte", labels, sizeof lab + 1000);
  t0 = g_get_monotonic_time ();
  ds = convolve_dataset_load_idx (images, labels_file, &error);
  print_message ("a %" G_GSIZE_FORMAT "-byte gzip file inflating to 256 MB: "
                 "rejected in %.2f s\n", g_bytes_get_size (bomb),
                 (g_get_monotonic_time () - t0) / 1e6);
  assert_null (ds);
  assert_non_null (error);
  assert_non_null (strstr (error->message, "goes on after"));
}

/* Broken pairs: what a student's download folder holds. */
static void
test_idx_broken (void **state)
{
  static const guint8 img3[] = { 0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2,
                                 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  static const guint8 lab3[] = { 0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 2 };
  static const guint8 lab4[] = { 0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 0 };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
  static const guint8 lab_bad[] = { 0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 200 };
  g_autoptr(GBytes) gz = gzip_header_then_zeros (img3, sizeof img3, 0);
  gsize gz_len = g_bytes_get_size (gz);
  g_autofree guint8 *gz_copy = g_memdup2 (g_bytes_get_data (gz, NULL), gz_len);

  assert_idx_fails (img3, sizeof img3, lab4, sizeof lab4, "holds 3 images but");
  assert_idx_fails (png, sizeof png, lab3, sizeof lab3, "not an IDX file");
  assert_idx_fails (img3, sizeof img3 - 1, lab3, sizeof lab3, "the file ends after");
  assert_idx_fails (img3, sizeof img3, lab_bad, sizeof lab_bad, "outside");
  /* gzip cut short, and gzip with its deflate data damaged */
  assert_idx_fails (gz_copy, gz_len - 12, lab3, sizeof lab3, "ends");
  gz_copy[12] ^= 0xff;
  gz_copy[13] ^= 0x55;
  assert_idx_fails (gz_copy, gz_len, lab3, sizeof lab3, "damaged");
}

/* ------------------------------------------------------------- pictures */

static void
assert_input_ok (const float *out, int n, gboolean drawn)
{
  for (int i = 0; i < n; i++)
    {
      assert_true (isfinite (out[i]));
      assert_true (out[i] >= 0.0f && out[i] <= 1.0f);
      if (!drawn)
        assert_true (out[i] == 0.0f);
    }
}

static double
preprocess_timed (const float *gray, int w, int h, const CvInputSpec *spec, int size,
                  float *out, gboolean *drawn)
{
  gint64 t0 = g_get_monotonic_time ();

  *drawn = convolve_preprocess (gray, w, h, spec, size, out);
  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
test_4096_square (void **state)
{
  const int side = 4096;
  g_autofree float *gray = g_new (float, (gsize) side * side);
  CvInputSpec digits = convolve_input_spec_digits ();
  CvInputSpec plain = convolve_input_spec_plain ();
  float out[28 * 28];
  gboolean drawn;
  double secs;

  /* White paper with a ring of radius 1,200 px, 60 px thick. */
  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      {
        double r = hypot (x - 2048.0, y - 2048.0);
        gray[(gsize) y * side + x] = fabs (r - 1200.0) < 30.0 ? 0.0f : 1.0f;
      }
  secs = preprocess_timed (gray, side, side, &digits, 28, out, &drawn);
  print_message ("4096×4096 → 28×28 (digits: crop, centre, deskew): %.2f s\n", secs);
  assert_true (drawn);
  assert_input_ok (out, 28 * 28, drawn);
  assert_true (secs < 10.0);

  secs = preprocess_timed (gray, side, side, &plain, 16, out, &drawn);
  print_message ("4096×4096 → 16×16 (plain resize): %.2f s\n", secs);
  assert_true (drawn);
  assert_input_ok (out, 16 * 16, drawn);
  assert_true (secs < 10.0);

  /* All ink: the border is ink too, so the polarity flips; nothing left. */
  for (gsize i = 0; i < (gsize) side * side; i++)
    gray[i] = 0.0f;
  secs = preprocess_timed (gray, side, side, &digits, 28, out, &drawn);
  assert_input_ok (out, 28 * 28, drawn);
  assert_true (secs < 10.0);
}

/* A thick line from (x0, y0) to (x1, y1), dark on light. */
static void
draw_line (float *gray, int w, int h, double x0, double y0, double x1, double y1)
{
  int steps = (int) ceil (MAX (fabs (x1 - x0), fabs (y1 - y0))) + 1;

  for (int s = 0; s <= steps; s++)
    {
      double t = (double) s / steps;
      int cx = (int) (x0 + t * (x1 - x0)), cy = (int) (y0 + t * (y1 - y0));
      for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++)
          {
            int x = cx + dx, y = cy + dy;
            if (x >= 0 && y >= 0 && x < w && y < h)
              gray[(gsize) y * w + x] = 0.0f;
          }
    }
}

static void
test_ten_thousand_strokes (void **state)
{
  const int w = 1600, h = 1200;
  g_autofree float *gray = g_new (float, (gsize) w * h);
  g_autoptr(GRand) rand = g_rand_new_with_seed (10000);
  CvInputSpec digits = convolve_input_spec_digits ();
  float out[28 * 28];
  gboolean drawn;
  double secs;

  for (gsize i = 0; i < (gsize) w * h; i++)
    gray[i] = 1.0f;
  /* 10,000 short strokes scribbled over the middle of the sheet. */
  for (int s = 0; s < 10000; s++)
    {
      double x = g_rand_double_range (rand, 200, w - 200), y = g_rand_double_range (rand, 150, h - 150);
      draw_line (gray, w, h, x, y, x + g_rand_double_range (rand, -40, 40),
                 y + g_rand_double_range (rand, -40, 40));
    }
  secs = preprocess_timed (gray, w, h, &digits, 28, out, &drawn);
  print_message ("10,000 strokes on 1600×1200 → 28×28: %.2f s\n", secs);
  assert_input_ok (out, 28 * 28, drawn);
  assert_true (secs < 10.0);
}

static void
test_lines (void **state)
{
  g_autofree float *gray = g_new (float, 4096);
  CvInputSpec digits = convolve_input_spec_digits ();
  float out[28 * 28];
  gboolean drawn;

  for (int i = 0; i < 4096; i++)
    gray[i] = (i > 1000 && i < 3000) ? 0.0f : 1.0f;
  preprocess_timed (gray, 4096, 1, &digits, 28, out, &drawn);
  assert_input_ok (out, 28 * 28, drawn);
  preprocess_timed (gray, 1, 4096, &digits, 28, out, &drawn);
  assert_input_ok (out, 28 * 28, drawn);
  gray[0] = 0.0f;
  preprocess_timed (gray, 1, 1, &digits, 28, out, &drawn);
  assert_input_ok (out, 28 * 28, drawn);
}

static void
test_nan_and_inf (void **state)
{
  const int w = 64, h = 48;
  const float specials[] = { NAN, INFINITY, -INFINITY, -1e30f, 1e30f, 1e-45f };
  g_autofree float *gray = g_new (float, w * h);
  CvInputSpec specs[] = { convolve_input_spec_digits (), convolve_input_spec_plain () };
  g_autoptr(ConvolveModel) model = NULL;
  CvNet *net = NULL;
  CvError err = { CV_OK, "" };
  CvRng rng;
  const char *const names[] = { "a", "b", "c" };
  CvModelInfo info = { NULL, 3, (char **) names, convolve_input_spec_digits () };
  float out[28 * 28];

  assert_int_equal (cv_net_new ("28x28x1 conv4k3 relu maxpool2 flatten dense3 softmax", &net, &err), CV_OK);
  cv_rng_seed (&rng, 3);
  cv_net_init (net, &rng);
  model = convolve_model_new (net, &info);

  for (gsize k = 0; k < G_N_ELEMENTS (specials); k++)
    for (int pattern = 0; pattern < 4; pattern++)
      {
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            {
              gboolean stroke = x > 20 && x < 26 && y > 8 && y < 40;
              float v = stroke ? 0.0f : 1.0f;
              switch (pattern)
                {
                case 0: v = specials[k]; break;                              /* everywhere */
                case 1: if (stroke) v = specials[k]; break;                  /* as the ink */
                case 2: if (x == 0 || y == 0) v = specials[k]; break;        /* the border */
                case 3: if ((x * 7 + y * 3) % 11 == 0) v = specials[k]; break; /* sprinkled */
                }
              gray[y * w + x] = v;
            }
        for (gsize s = 0; s < G_N_ELEMENTS (specs); s++)
          {
            gboolean drawn = convolve_preprocess (gray, w, h, &specs[s], 28, out);
            assert_input_ok (out, 28 * 28, drawn);
            convolve_preprocess_plain (gray, w, h, 28, out);
            assert_input_ok (out, 28 * 28, TRUE);
          }
        {
          float probs[3], seen[28 * 28];
          gboolean drawn = convolve_model_predict_image (model, gray, w, h, probs, seen);
          assert_input_ok (seen, 28 * 28, drawn);
          for (int c = 0; c < 3; c++)
            assert_true (isfinite (probs[c]) && probs[c] >= 0.0f && probs[c] <= 1.0f);
        }
      }
}

static int criticals;

static void
count_critical (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  criticals++;
}

static void
test_empty_picture (void **state)
{
  float gray[1] = { 0.0f };
  float out[28 * 28];
  CvInputSpec digits = convolve_input_spec_digits ();
  guint id = g_log_set_handler ("convolve-data", G_LOG_LEVEL_CRITICAL, count_critical, NULL);

  criticals = 0;
  memset (out, 0xff, sizeof out);
  assert_false (convolve_preprocess (gray, 0, 0, &digits, 28, out));
  assert_input_ok (out, 28 * 28, FALSE);
  memset (out, 0xff, sizeof out);
  assert_false (convolve_preprocess (gray, 0, 5, &digits, 28, out));
  assert_input_ok (out, 28 * 28, FALSE);
  memset (out, 0xff, sizeof out);
  convolve_preprocess_plain (gray, 0, 0, 28, out);
  assert_input_ok (out, 28 * 28, FALSE);
  g_log_remove_handler ("convolve-data", id);
  /* Each is a caller's mistake, said as a critical warning, not a crash. */
  assert_int_equal (criticals, 3);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_idx_claims_2g),
    cmocka_unit_test (test_idx_gzip_bomb),
    cmocka_unit_test (test_idx_broken),
    cmocka_unit_test (test_4096_square),
    cmocka_unit_test (test_ten_thousand_strokes),
    cmocka_unit_test (test_lines),
    cmocka_unit_test (test_nan_and_inf),
    cmocka_unit_test (test_empty_picture),
  };

  return cmocka_run_group_tests_name ("robustness/huge-inputs", tests, group_setup, group_teardown);
}
