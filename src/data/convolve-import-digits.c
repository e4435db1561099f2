/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-import-digits — turns OpenCV's digits.png into the shipped
 * digit data. Run by build-aux/import-digits, which fetches the picture.
 *
 *   convolve-import-digits DIGITS.PNG OUTDIR
 *
 * digits.png is 2000×1000 pixels: 50 rows × 100 cells of 20×20, white ink
 * on black, five rows per digit, 0 first (500 MNIST digits per class).
 * Every cell goes through convolve_preprocess() with the digits input
 * spec — the very function drawings go through — and lands in 28×28.
 * A fixed, seeded, stratified split puts 100 digits of each class into
 * the test set and 400 into the training set. The output, four gzip IDX
 * files, is the same bytes on every run.
 */
#define G_LOG_DOMAIN "convolve-import-digits"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "convolve-dataset.h"
#include "convolve-preprocess.h"

#define CELL        20
#define COLS        100
#define ROWS        50
#define PER_CLASS   500
#define TEST_PER    100
#define SPLIT_SEED  20251125u   /* fixed forever: changing it changes the data */
#define OUT_SIZE    28

static const char *const digit_names[] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL
};

static gboolean
write_split (const char *outdir, const char *prefix, const ConvolveDataset *ds,
             GError **error)
{
  g_autofree char *ipath = g_strdup_printf ("%s/%s-images-idx3-ubyte.gz", outdir, prefix);
  g_autofree char *lpath = g_strdup_printf ("%s/%s-labels-idx1-ubyte.gz", outdir, prefix);
  g_autoptr(GFile) images = g_file_new_for_path (ipath);
  g_autoptr(GFile) labels = g_file_new_for_path (lpath);

  return convolve_dataset_save_idx (ds, images, labels, error);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(ConvolveDataset) all = NULL;
  g_autoptr(ConvolveDataset) train = NULL;
  g_autoptr(ConvolveDataset) test = NULL;
  CvInputSpec spec = convolve_input_spec_digits ();
  const guint8 *pixels;
  int stride, channels, n_train = 0, n_test = 0;
  float cell[CELL * CELL];
  uint32_t order[PER_CLASS];
  gboolean is_test[ROWS * COLS];
  uint32_t train_order[(PER_CLASS - TEST_PER) * 10];
  uint32_t test_order[TEST_PER * 10];
  CvRng rng;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s DIGITS.PNG OUTDIR\n", argv[0]);
      return 2;
    }

  pixbuf = gdk_pixbuf_new_from_file (argv[1], &error);
  if (pixbuf == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[1], error->message);
      return 1;
    }
  if (gdk_pixbuf_get_width (pixbuf) != CELL * COLS || gdk_pixbuf_get_height (pixbuf) != CELL * ROWS ||
      gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    {
      fprintf (stderr, "%s: expected a 2000×1000 picture with 8-bit samples, got %d×%d\n",
               argv[1], gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf));
      return 1;
    }
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);

  /* Every cell, in reading order, through the shared preprocessing. */
  all = convolve_dataset_new (ROWS * COLS, OUT_SIZE, OUT_SIZE, 1, digit_names);
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < COLS; c++)
      {
        int i = r * COLS + c;
        for (int y = 0; y < CELL; y++)
          for (int x = 0; x < CELL; x++)
            cell[y * CELL + x] = pixels[(gsize) (r * CELL + y) * stride + (c * CELL + x) * channels] / 255.0f;
        all->y[i] = (guint8) (r / 5);
        if (!convolve_preprocess (cell, CELL, CELL, &spec, OUT_SIZE,
                                  all->x + (gsize) i * OUT_SIZE * OUT_SIZE))
          {
            fprintf (stderr, "%s: cell %d (row %d, column %d) is blank\n", argv[1], i, r, c);
            return 1;
          }
      }

  /* Stratified split: per class, a seeded shuffle; the first 100 are test. */
  cv_rng_seed (&rng, SPLIT_SEED);
  memset (is_test, 0, sizeof is_test);
  for (int k = 0; k < 10; k++)
    {
      for (int j = 0; j < PER_CLASS; j++)
        order[j] = (uint32_t) (k * PER_CLASS + j);   /* class k's cells are contiguous */
      cv_rng_shuffle (&rng, order, PER_CLASS);
      for (int j = 0; j < TEST_PER; j++)
        is_test[order[j]] = TRUE;
    }
  for (uint32_t i = 0; i < ROWS * COLS; i++)
    {
      if (is_test[i])
        test_order[n_test++] = i;
      else
        train_order[n_train++] = i;
    }
  /* Mixed classes in both files, so any prefix is balanced-ish. */
  cv_rng_shuffle (&rng, train_order, (uint32_t) n_train);
  cv_rng_shuffle (&rng, test_order, (uint32_t) n_test);

  train = convolve_dataset_new (n_train, OUT_SIZE, OUT_SIZE, 1, digit_names);
  test = convolve_dataset_new (n_test, OUT_SIZE, OUT_SIZE, 1, digit_names);
  for (int j = 0; j < n_train; j++)
    {
      memcpy (train->x + (gsize) j * OUT_SIZE * OUT_SIZE,
              all->x + (gsize) train_order[j] * OUT_SIZE * OUT_SIZE,
              OUT_SIZE * OUT_SIZE * sizeof (float));
      train->y[j] = all->y[train_order[j]];
    }
  for (int j = 0; j < n_test; j++)
    {
      memcpy (test->x + (gsize) j * OUT_SIZE * OUT_SIZE,
              all->x + (gsize) test_order[j] * OUT_SIZE * OUT_SIZE,
              OUT_SIZE * OUT_SIZE * sizeof (float));
      test->y[j] = all->y[test_order[j]];
    }

  if (!write_split (argv[2], "train", train, &error) ||
      !write_split (argv[2], "test", test, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[2], error->message);
      return 1;
    }
  printf ("wrote %d training and %d test digits to %s\n", n_train, n_test, argv[2]);
  return 0;
}
