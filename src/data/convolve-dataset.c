/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-dataset.c — labelled image sets: the curriculum's shapes, the
 * shipped digits, Fashion-MNIST and any IDX pair. The IDX reading and
 * writing lives in convolve-idx.c.
 */
#define G_LOG_DOMAIN "convolve-data"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "convolve-dataset.h"
#include "convolve-data-private.h"

G_DEFINE_QUARK (convolve-data-error-quark, convolve_data_error)

static const char *const shape_names[] = { "circle", "square", "triangle", NULL };

static const char *const digit_names[] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL
};

/* Fashion-MNIST's labels, in the order of its label bytes. The data keeps
 * them in English; the window shows them translated (context "class
 * name", like the shapes' names). */
static const char *const fashion_names[] = {
  NC_("class name", "T-shirt/top"), NC_("class name", "Trouser"),
  NC_("class name", "Pullover"), NC_("class name", "Dress"),
  NC_("class name", "Coat"), NC_("class name", "Sandal"),
  NC_("class name", "Shirt"), NC_("class name", "Sneaker"),
  NC_("class name", "Bag"), NC_("class name", "Ankle boot"), NULL
};

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

void
convolve_dataset_free (ConvolveDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->x);
  g_free (ds->y);
  g_strfreev (ds->class_names);
  g_free (ds->name);
  g_free (ds);
}

ConvolveDataset *
convolve_dataset_new (int n, int h, int w, int c, const char *const *class_names)
{
  ConvolveDataset *ds;

  g_return_val_if_fail (n >= 0 && h > 0 && w > 0 && c > 0, NULL);
  g_return_val_if_fail (class_names != NULL && class_names[0] != NULL, NULL);

  ds = g_new0 (ConvolveDataset, 1);
  ds->n = n;
  ds->h = h;
  ds->w = w;
  ds->c = c;
  ds->x = g_new0 (float, MAX ((gsize) n * h * w * c, 1));
  ds->y = g_new0 (guint8, MAX (n, 1));
  ds->class_names = g_strdupv ((char **) class_names);
  ds->n_classes = (int) g_strv_length (ds->class_names);
  ds->name = g_strdup ("");
  ds->input = convolve_input_spec_plain ();
  return ds;
}

ConvolveDataset *
convolve_dataset_slice (const ConvolveDataset *ds, int from, int n)
{
  ConvolveDataset *out;
  gsize sample;

  g_return_val_if_fail (ds != NULL, NULL);
  g_return_val_if_fail (from >= 0 && n >= 0 && from <= ds->n && n <= ds->n - from, NULL);

  sample = (gsize) ds->h * ds->w * ds->c;
  out = convolve_dataset_new (n, ds->h, ds->w, ds->c,
                              (const char *const *) ds->class_names);
  if (n > 0)
    {
      memcpy (out->x, ds->x + (gsize) from * sample, (gsize) n * sample * sizeof (float));
      memcpy (out->y, ds->y + from, (gsize) n);
    }
  g_free (out->name);
  out->name = g_strdup (ds->name);
  out->input = ds->input;
  return out;
}

CvInputSpec
convolve_input_spec_plain (void)
{
  CvInputSpec spec = { 0, 0, 0, 0.0f, 1.0f };
  return spec;
}

CvInputSpec
convolve_input_spec_digits (void)
{
  CvInputSpec spec = { CONVOLVE_DIGITS_BOX, 1, CONVOLVE_DIGITS_DESKEW, 0.0f, 1.0f };
  return spec;
}

/* ---------------------------------------------------------------- shapes */

#define SHAPE_SIZE 16

static void
plot (float *img, int x, int y)
{
  if (x >= 0 && y >= 0 && x < SHAPE_SIZE && y < SHAPE_SIZE)
    img[y * SHAPE_SIZE + x] = 1.0f;
}

/* A one-pixel ring by the midpoint algorithm: symmetric, no gaps. */
static void
draw_circle (float *img, CvRng *rng)
{
  int r = 3 + (int) cv_rng_below (rng, 5);                  /* 3 .. 7 */
  int cx = r + (int) cv_rng_below (rng, (uint32_t) (SHAPE_SIZE - 2 * r));
  int cy = r + (int) cv_rng_below (rng, (uint32_t) (SHAPE_SIZE - 2 * r));
  int x = r, y = 0, err = 1 - r;

  while (x >= y)
    {
      plot (img, cx + x, cy + y); plot (img, cx - x, cy + y);
      plot (img, cx + x, cy - y); plot (img, cx - x, cy - y);
      plot (img, cx + y, cy + x); plot (img, cx - y, cy + x);
      plot (img, cx + y, cy - x); plot (img, cx - y, cy - x);
      y++;
      if (err < 0)
        err += 2 * y + 1;
      else
        {
          x--;
          err += 2 * (y - x) + 1;
        }
    }
}

/* The outline of an axis-aligned square. */
static void
draw_square (float *img, CvRng *rng)
{
  int side = 6 + (int) cv_rng_below (rng, 9);                /* 6 .. 14 */
  int x0 = (int) cv_rng_below (rng, (uint32_t) (SHAPE_SIZE - side + 1));
  int y0 = (int) cv_rng_below (rng, (uint32_t) (SHAPE_SIZE - side + 1));
  int x1 = x0 + side - 1, y1 = y0 + side - 1;

  for (int i = 0; i < side; i++)
    {
      img[y0 * SHAPE_SIZE + x0 + i] = 1.0f;
      img[y1 * SHAPE_SIZE + x0 + i] = 1.0f;
      img[(y0 + i) * SHAPE_SIZE + x0] = 1.0f;
      img[(y0 + i) * SHAPE_SIZE + x1] = 1.0f;
    }
}

/* A one-pixel line between two points (pixel units, 0 = left edge). */
static void
draw_line (float *img, float ax, float ay, float bx, float by)
{
  int steps = (int) ceilf (2.0f * MAX (fabsf (bx - ax), fabsf (by - ay))) + 1;

  for (int i = 0; i <= steps; i++)
    {
      float t = (float) i / (float) steps;
      plot (img, (int) floorf (ax + t * (bx - ax)), (int) floorf (ay + t * (by - ay)));
    }
}

/* The outline of an equilateral triangle, turned by a random angle. */
static void
draw_triangle (float *img, CvRng *rng)
{
  float r = 4.5f + 3.0f * cv_rng_uniform (rng);             /* circumradius 4.5 .. 7.5 */
  float angle = (float) (2.0 * G_PI) * cv_rng_uniform (rng);
  float vx[3], vy[3], minx = 0, maxx = 0, miny = 0, maxy = 0;
  float cx, cy;

  for (int k = 0; k < 3; k++)
    {
      float a = angle + (float) k * (float) (2.0 * G_PI / 3.0);
      vx[k] = r * cosf (a);
      vy[k] = r * sinf (a);
      minx = k == 0 ? vx[k] : MIN (minx, vx[k]);
      maxx = k == 0 ? vx[k] : MAX (maxx, vx[k]);
      miny = k == 0 ? vy[k] : MIN (miny, vy[k]);
      maxy = k == 0 ? vy[k] : MAX (maxy, vy[k]);
    }
  /* Place the triangle's bounding box anywhere inside the picture. */
  cx = 0.5f - minx + (SHAPE_SIZE - 1.0f - (maxx - minx)) * cv_rng_uniform (rng);
  cy = 0.5f - miny + (SHAPE_SIZE - 1.0f - (maxy - miny)) * cv_rng_uniform (rng);

  for (int k = 0; k < 3; k++)
    {
      int l = (k + 1) % 3;
      draw_line (img, cx + vx[k], cy + vy[k], cx + vx[l], cy + vy[l]);
    }
}

ConvolveDataset *
convolve_dataset_new_shapes (int n, guint64 seed)
{
  ConvolveDataset *ds;
  CvRng rng;
  int per_class;

  g_return_val_if_fail (n >= 0, NULL);

  per_class = n / 3;
  ds = convolve_dataset_new (per_class * 3, SHAPE_SIZE, SHAPE_SIZE, 1, shape_names);
  g_free (ds->name);
  ds->name = g_strdup ("shapes");
  cv_rng_seed (&rng, seed);

  /* Interleaved classes, so any prefix of the set is balanced. */
  for (int i = 0; i < ds->n; i++)
    {
      float *img = ds->x + (gsize) i * SHAPE_SIZE * SHAPE_SIZE;
      int label = i % 3;

      ds->y[i] = (guint8) label;
      switch (label)
        {
        case 0: draw_circle (img, &rng); break;
        case 1: draw_square (img, &rng); break;
        default: draw_triangle (img, &rng); break;
        }
    }
  return ds;
}

/* ------------------------------------------------------------- by name */

static gboolean
check_split (const char *name, const char *split, GError **error)
{
  if (g_strcmp0 (split, "train") == 0 || g_strcmp0 (split, "test") == 0)
    return TRUE;
  g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
               _("%s has no split called “%s”: use train or test"),
               name, split != NULL ? split : "");
  return FALSE;
}

static ConvolveDataset *
load_builtin_pair (const char *dir, const char *prefix, const char *name,
                   const char *const *class_names, CvInputSpec input,
                   GError **error)
{
  g_autofree char *images_uri = NULL;
  g_autofree char *labels_uri = NULL;
  g_autoptr(GFile) images = NULL;
  g_autoptr(GFile) labels = NULL;
  ConvolveDataset *ds;

  convolve_data_ensure_resource ();
  images_uri = g_strdup_printf ("resource://" CONVOLVE_RESOURCE_PREFIX "/datasets/%s/%s-images-idx3-ubyte.gz",
                                dir, prefix);
  labels_uri = g_strdup_printf ("resource://" CONVOLVE_RESOURCE_PREFIX "/datasets/%s/%s-labels-idx1-ubyte.gz",
                                dir, prefix);
  images = g_file_new_for_uri (images_uri);
  labels = g_file_new_for_uri (labels_uri);

  if (!g_file_query_exists (images, NULL) || !g_file_query_exists (labels, NULL))
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("The %s data is not built into this program: run %s, then reconfigure and rebuild"),
                   name, g_strcmp0 (dir, "drawn-digits") == 0 ? "build-aux/draw-digits" : "build-aux/import-digits");
      return NULL;
    }

  ds = convolve_dataset_load_idx_with_classes (images, labels, class_names, error);
  if (ds == NULL)
    return NULL;
  g_free (ds->name);
  ds->name = g_strdup (name);
  ds->input = input;
  return ds;
}

static ConvolveDataset *
load_fashion (const char *split, GError **error)
{
  const char *prefix = g_strcmp0 (split, "train") == 0 ? "train" : "t10k";
  g_autofree char *images_path = g_strdup_printf (FASHION_DIR "/%s-images-idx3-ubyte.gz", prefix);
  g_autofree char *labels_path = g_strdup_printf (FASHION_DIR "/%s-labels-idx1-ubyte.gz", prefix);
  g_autoptr(GFile) images = g_file_new_for_path (images_path);
  g_autoptr(GFile) labels = g_file_new_for_path (labels_path);
  ConvolveDataset *ds;

  if (!g_file_test (images_path, G_FILE_TEST_EXISTS) ||
      !g_file_test (labels_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("Fashion-MNIST is not installed (%s is missing). Install Debian's dataset-fashion-mnist package: sudo apt-get install dataset-fashion-mnist"),
                   images_path);
      return NULL;
    }

  ds = convolve_dataset_load_idx_with_classes (images, labels, fashion_names, error);
  if (ds == NULL)
    return NULL;
  g_free (ds->name);
  ds->name = g_strdup ("fashion");
  return ds;
}

/* "x/train-images-idx3-ubyte.gz" → "x/train-labels-idx1-ubyte.gz"; also the
 * dotted spelling of the original MNIST files ("t10k-images.idx3-ubyte"). */
char *
convolve_idx_labels_path_for (const char *images_path)
{
  static const struct { const char *images, *labels; } pairs[] = {
    { "images-idx3-ubyte", "labels-idx1-ubyte" },
    { "images.idx3-ubyte", "labels.idx1-ubyte" },
  };
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      const char *at = g_strrstr (base, pairs[i].images);
      if (at != NULL)
        {
          g_autofree char *head = g_strndup (base, (gsize) (at - base));
          g_autofree char *lbase = g_strconcat (head, pairs[i].labels,
                                                at + strlen (pairs[i].images), NULL);
          return g_build_filename (dir, lbase, NULL);
        }
    }
  return NULL;
}

static ConvolveDataset *
load_path (const char *path, GError **error)
{
  g_autofree char *labels_path = convolve_idx_labels_path_for (path);
  g_autoptr(GFile) images = NULL;
  g_autoptr(GFile) labels = NULL;
  ConvolveDataset *ds;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("%s: no such file, and no dataset of that name (use shapes, digits, fashion or the path of an IDX image file)"),
                   path);
      return NULL;
    }
  if (labels_path == NULL)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("%s: cannot tell where its labels are: name the images NAME-images-idx3-ubyte[.gz] and the labels NAME-labels-idx1-ubyte[.gz] beside them"),
                   path);
      return NULL;
    }
  if (!g_file_test (labels_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("%s: the labels file %s is missing"), path, labels_path);
      return NULL;
    }

  images = g_file_new_for_path (path);
  labels = g_file_new_for_path (labels_path);
  ds = convolve_dataset_load_idx (images, labels, error);
  if (ds != NULL)
    {
      g_free (ds->name);
      ds->name = g_path_get_basename (path);
    }
  return ds;
}

ConvolveDataset *
convolve_dataset_load (const char *name, const char *split, GError **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (split == NULL)
    split = "train";

  if (g_strcmp0 (name, "shapes") == 0)
    {
      if (!check_split (name, split, error))
        return NULL;
      /* train: seed 1; test: seed 2, a set the network never saw. */
      if (g_strcmp0 (split, "train") == 0)
        return convolve_dataset_new_shapes (CONVOLVE_SHAPES_TRAIN_N, CONVOLVE_SHAPES_TRAIN_SEED);
      return convolve_dataset_new_shapes (CONVOLVE_SHAPES_TEST_N, CONVOLVE_SHAPES_TEST_SEED);
    }
  if (g_strcmp0 (name, "digits") == 0)
    {
      if (!check_split (name, split, error))
        return NULL;
      return load_builtin_pair ("digits", split, "digits", digit_names,
                                convolve_input_spec_digits (), error);
    }
  if (g_strcmp0 (name, "drawn-digits") == 0)
    {
      if (g_strcmp0 (split, "test") != 0)
        {
          g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                       _("drawn-digits has only a test split: it is kept out of training"));
          return NULL;
        }
      return load_builtin_pair ("drawn-digits", "test", "drawn-digits", digit_names,
                                convolve_input_spec_digits (), error);
    }
  if (g_strcmp0 (name, "fashion") == 0)
    {
      if (!check_split (name, split, error))
        return NULL;
      return load_fashion (split, error);
    }

  return load_path (name, error);
}
