/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-draw-digits — renders the drawn-digits test set: digits "as a
 * person draws them with a mouse", never trained on.
 *
 *   convolve-draw-digits OUTDIR [PNGDIR]
 *
 * Each digit is one of a few stroke templates (how people actually write
 * it: a 1 with or without a flag, an open or a closed 4, a 7 with or
 * without a bar, …) in a unit box. Per sample, from a fixed seed: the
 * template's points wobble, the digit gets a size, a width, a slant, a
 * small rotation and a place on a canvas of its own size; the strokes are
 * resampled every few pixels with a little hand tremor, like mouse events,
 * and drawn by cairo with round caps and joins in a random pen width,
 * light on dark or dark on light. The canvas then goes through
 * convolve_preprocess() exactly as a drawing in the app does, and the
 * 28×28 results are written as a gzip IDX pair ("test" split). With PNGDIR,
 * the raw canvases are written there too, for looking at.
 */
#define G_LOG_DOMAIN "convolve-draw-digits"

#include "config.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convolve-dataset.h"
#include "convolve-preprocess.h"

#define PER_CLASS  30
#define DRAW_SEED  1202u
#define OUT_SIZE   28
#define MAX_POINTS 256
#define MAX_STROKES 4

typedef struct {
  int   n;
  float x[MAX_POINTS], y[MAX_POINTS];
} Stroke;

typedef struct {
  int    n;
  Stroke s[MAX_STROKES];
} Glyph;

static const char *const digit_names[] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL
};

/* ------------------------------------------------------ template pieces */

static Stroke *
new_stroke (Glyph *g)
{
  Stroke *s = &g->s[g->n++];
  s->n = 0;
  return s;
}

static void
add_point (Stroke *s, float x, float y)
{
  if (s->n < MAX_POINTS)
    {
      s->x[s->n] = x;
      s->y[s->n] = y;
      s->n++;
    }
}

/* An elliptic arc, angles in degrees, 0 = right, 90 = down (y grows down). */
static void
add_arc (Stroke *s, float cx, float cy, float rx, float ry, float a0, float a1)
{
  int steps = (int) (fabsf (a1 - a0) / 10.0f) + 2;
  for (int i = 0; i <= steps; i++)
    {
      float a = (a0 + (a1 - a0) * i / steps) * (float) (G_PI / 180.0);
      add_point (s, cx + rx * cosf (a), cy + ry * sinf (a));
    }
}

static void
template_for (int digit, int variant, Glyph *g)
{
  Stroke *s;

  g->n = 0;
  switch (digit)
    {
    case 0:
      s = new_stroke (g);
      if (variant == 0)
        add_arc (s, 0.5f, 0.5f, 0.32f, 0.45f, -90, 275);
      else   /* drawn the other way round, a little tilted start */
        add_arc (s, 0.5f, 0.5f, 0.30f, 0.45f, -80, -440);
      break;

    case 1:
      s = new_stroke (g);
      if (variant >= 1)
        add_point (s, 0.30f, 0.25f);
      add_point (s, 0.55f, 0.04f);
      add_point (s, 0.55f, 0.96f);
      if (variant == 2)
        {
          s = new_stroke (g);
          add_point (s, 0.30f, 0.96f);
          add_point (s, 0.80f, 0.96f);
        }
      break;

    case 2:
      s = new_stroke (g);
      add_arc (s, 0.5f, 0.3f, 0.3f, 0.25f, 190, 380);
      if (variant == 0)
        add_point (s, 0.16f, 0.95f);
      else
        {
          add_point (s, 0.45f, 0.68f);
          add_point (s, 0.18f, 0.94f);
        }
      add_point (s, 0.86f, 0.95f);
      break;

    case 3:
      s = new_stroke (g);
      add_arc (s, 0.47f, 0.27f, 0.28f, 0.22f, 200, 450);
      if (variant == 1)
        {
          s = new_stroke (g);
          add_arc (s, 0.47f, 0.72f, 0.32f, 0.24f, 260, 520);
        }
      else
        add_arc (s, 0.47f, 0.73f, 0.32f, 0.24f, 270, 520);
      break;

    case 4:
      if (variant == 0)
        {
          s = new_stroke (g);
          add_point (s, 0.62f, 0.04f);
          add_point (s, 0.12f, 0.66f);
          add_point (s, 0.90f, 0.66f);
          s = new_stroke (g);
          add_point (s, 0.66f, 0.30f);
          add_point (s, 0.66f, 0.97f);
        }
      else
        {
          s = new_stroke (g);
          add_point (s, 0.20f, 0.04f);
          add_point (s, 0.17f, 0.60f);
          add_point (s, 0.88f, 0.60f);
          s = new_stroke (g);
          add_point (s, 0.70f, 0.04f);
          add_point (s, 0.70f, 0.97f);
        }
      break;

    case 5:
      s = new_stroke (g);
      if (variant == 0)
        {
          add_point (s, 0.80f, 0.05f);
          add_point (s, 0.28f, 0.05f);
        }
      else
        add_point (s, 0.28f, 0.05f);
      add_point (s, 0.24f, 0.46f);
      add_arc (s, 0.50f, 0.67f, 0.30f, 0.27f, 235, 510);
      if (variant == 1)
        {
          s = new_stroke (g);
          add_point (s, 0.28f, 0.05f);
          add_point (s, 0.82f, 0.05f);
        }
      break;

    case 6:
      s = new_stroke (g);
      add_point (s, 0.72f, 0.04f);
      add_point (s, 0.48f, 0.18f);
      add_point (s, 0.30f, 0.42f);
      add_arc (s, 0.50f, 0.72f, 0.28f, 0.24f, 180, variant == 0 ? -180 : -200);
      break;

    case 7:
      s = new_stroke (g);
      add_point (s, 0.14f, 0.05f);
      add_point (s, 0.86f, 0.05f);
      if (variant == 2)
        add_point (s, 0.50f, 0.60f);
      add_point (s, 0.40f, 0.97f);
      if (variant == 1)
        {
          s = new_stroke (g);
          add_point (s, 0.38f, 0.52f);
          add_point (s, 0.78f, 0.52f);
        }
      break;

    case 8:
      if (variant == 0)
        {
          /* one stroke: a figure of eight from the top */
          s = new_stroke (g);
          for (int i = 0; i <= 72; i++)
            {
              float t = (float) (2.0 * G_PI) * i / 72.0f;
              float a = cosf (t) > 0 ? 0.24f : 0.30f;
              add_point (s, 0.5f - a * sinf (2 * t), 0.5f - 0.45f * cosf (t));
            }
        }
      else
        {
          s = new_stroke (g);
          add_arc (s, 0.5f, 0.27f, 0.24f, 0.22f, 90, 450);
          s = new_stroke (g);
          add_arc (s, 0.5f, 0.72f, 0.30f, 0.24f, -90, 270);
        }
      break;

    default: /* 9 */
      s = new_stroke (g);
      add_arc (s, 0.5f, 0.3f, 0.28f, 0.25f, 0, -360);
      if (variant == 0)
        add_point (s, 0.74f, 0.97f);
      else
        {
          add_point (s, 0.76f, 0.70f);
          add_point (s, 0.62f, 0.93f);
          add_point (s, 0.42f, 0.97f);
        }
      break;
    }
}

static const int n_variants[10] = { 2, 3, 2, 2, 2, 2, 2, 3, 2, 2 };

/* ------------------------------------------------------------ drawing */

static float
uniform (CvRng *rng, float lo, float hi)
{
  return lo + (hi - lo) * cv_rng_uniform (rng);
}

/* Draws one sample into a new w×h gray canvas (values 0..1). */
static float *
render (int digit, CvRng *rng, int *w_out, int *h_out, cairo_surface_t **surface_out)
{
  Glyph g;
  int w = 200 + (int) cv_rng_below (rng, 161);        /* 200 .. 360 px */
  int h = 200 + (int) cv_rng_below (rng, 161);
  int side = MIN (w, h);
  float height = uniform (rng, 0.35f, 0.85f) * side;
  float width = height * uniform (rng, 0.50f, 0.85f);
  float slant = uniform (rng, -0.35f, 0.35f);
  float angle = uniform (rng, -10.0f, 10.0f) * (float) (G_PI / 180.0);
  float pen = MAX (2.0f, height * uniform (rng, 0.05f, 0.14f));
  gboolean dark_ink = cv_rng_below (rng, 2) == 0;
  float ca = cosf (angle), sa = sinf (angle);
  float margin = pen + 2.0f;
  float ox, oy, ext;
  cairo_surface_t *surface;
  cairo_t *cr;
  float *gray;
  unsigned char *data;
  int stride;

  template_for (digit, (int) cv_rng_below (rng, (uint32_t) n_variants[digit]), &g);

  /* Wobble the template's points a little: no two hands agree. */
  for (int k = 0; k < g.n; k++)
    for (int i = 0; i < g.s[k].n; i++)
      {
        g.s[k].x[i] += 0.015f * cv_rng_normal (rng);
        g.s[k].y[i] += 0.015f * cv_rng_normal (rng);
      }

  /* Place: the rotated, slanted box must fit with a margin. */
  ext = 0.5f * (fabsf (ca) * (width + fabsf (slant) * height) + fabsf (sa) * height);
  ox = uniform (rng, margin + ext, MAX (margin + ext, w - margin - ext));
  ext = 0.5f * (fabsf (sa) * width + fabsf (ca) * height);
  oy = uniform (rng, margin + ext, MAX (margin + ext, h - margin - ext));

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  cr = cairo_create (surface);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba (cr, 0, 0, 0, 0);
  cairo_paint (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  cairo_set_line_width (cr, pen);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (int k = 0; k < g.n; k++)
    {
      const Stroke *s = &g.s[k];
      gboolean first = TRUE;
      for (int i = 0; i + 1 < s->n; i++)
        {
          /* resample the segment like mouse motion events, ~4 px apart */
          float x0 = s->x[i], y0 = s->y[i], x1 = s->x[i + 1], y1 = s->y[i + 1];
          float len = hypotf ((x1 - x0) * width, (y1 - y0) * height);
          int steps = MAX (1, (int) (len / 4.0f));
          for (int j = (i == 0 ? 0 : 1); j <= steps; j++)
            {
              float t = (float) j / steps;
              float ux = (x0 + t * (x1 - x0) - 0.5f) * width;
              float uy = (y0 + t * (y1 - y0) - 0.5f) * height;
              float px, py;
              ux += slant * (-uy);               /* lean right as y goes up */
              px = ox + ca * ux - sa * uy + 0.35f * cv_rng_normal (rng);
              py = oy + sa * ux + ca * uy + 0.35f * cv_rng_normal (rng);
              if (first)
                cairo_move_to (cr, px, py);
              else
                cairo_line_to (cr, px, py);
              first = FALSE;
            }
        }
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  gray = g_new (float, (gsize) w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float ink = data[y * stride + x] / 255.0f;
        gray[(gsize) y * w + x] = dark_ink ? 1.0f - ink : ink;
      }
  *w_out = w;
  *h_out = h;
  *surface_out = surface;
  return gray;
}

static void
write_png (const char *dir, int index, int digit, const float *gray, int w, int h)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  g_autofree char *path = g_strdup_printf ("%s/%03d-%d.png", dir, index, digit);

  cairo_surface_flush (s);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 v = (guint32) (gray[(gsize) y * w + x] * 255.0f + 0.5f);
        ((guint32 *) (data + y * stride))[x] = (v << 16) | (v << 8) | v;
      }
  cairo_surface_mark_dirty (s);
  cairo_surface_write_to_png (s, path);
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveDataset) ds = NULL;
  g_autofree char *ipath = NULL;
  g_autofree char *lpath = NULL;
  g_autoptr(GFile) images = NULL;
  g_autoptr(GFile) labels = NULL;
  CvInputSpec spec = convolve_input_spec_digits ();
  const char *png_dir = argc > 2 ? argv[2] : NULL;
  CvRng rng;

  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: %s OUTDIR [PNGDIR]\n", argv[0]);
      return 2;
    }

  cv_rng_seed (&rng, DRAW_SEED);
  ds = convolve_dataset_new (10 * PER_CLASS, OUT_SIZE, OUT_SIZE, 1, digit_names);
  for (int i = 0; i < ds->n; i++)
    {
      int digit = i % 10, w, h;
      cairo_surface_t *surface = NULL;
      g_autofree float *gray = render (digit, &rng, &w, &h, &surface);

      ds->y[i] = (guint8) digit;
      if (!convolve_preprocess (gray, w, h, &spec, OUT_SIZE, ds->x + (gsize) i * OUT_SIZE * OUT_SIZE))
        {
          fprintf (stderr, "sample %d came out blank\n", i);
          return 1;
        }
      if (png_dir != NULL)
        write_png (png_dir, i, digit, gray, w, h);
      cairo_surface_destroy (surface);
    }

  ipath = g_build_filename (argv[1], "test-images-idx3-ubyte.gz", NULL);
  lpath = g_build_filename (argv[1], "test-labels-idx1-ubyte.gz", NULL);
  images = g_file_new_for_path (ipath);
  labels = g_file_new_for_path (lpath);
  if (!convolve_dataset_save_idx (ds, images, labels, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[1], error->message);
      return 1;
    }
  printf ("wrote %d drawn digits to %s\n", ds->n, argv[1]);
  return 0;
}
