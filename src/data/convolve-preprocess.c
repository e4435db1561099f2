/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-preprocess.c — from a picture to a model's input.
 *
 * The steps, in order (each one is a static function below):
 *   1. polarity: the median of the border pixels is the background; if it is
 *      light, the picture is inverted. Then the background level is
 *      subtracted and the contrast stretched, so ink is 0..1 on 0.
 *   2. specks: 8-connected pieces of ink smaller than 5% of the largest
 *      piece are erased (a stray click, dust in a scan).
 *   3. deskew (optional): a horizontal shear by −μ11/μ02 about the centre of
 *      mass straightens a slanted digit, as in OpenCV's digit sample.
 *   4. crop to the ink's bounding box; scale its longer side to `box`
 *      pixels, keeping the aspect ratio.
 *   5. place it in out_size × out_size with its centre of mass (or the
 *      centre of its box) in the middle, nudged so the box stays inside.
 *   6. resample by exact area averaging (each output pixel is the mean of
 *      the source area it covers), which is the anti-aliasing.
 *   7. stretch so the brightest pixel is 1: a thin pen and a fat one give
 *      strokes of the same strength.
 * MNIST was made the same way (20-pixel box, centre of mass in 28×28).
 */
#define G_LOG_DOMAIN "convolve-data"

#include "config.h"

#include <math.h>
#include <string.h>

#include "convolve-preprocess.h"

#define INK_FLOOR     0.02f   /* below this after normalising: background */
#define SPECK_RATIO   0.05f   /* pieces lighter than this × the largest go */
#define BLANK_MASS    0.5f    /* less ink than half a pixel: nothing drawn */
#define MAX_SKEW      1.0f

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* Step 1. How to turn a pixel into ink: ink = (v' − lo) / (1 − lo) where v'
 * is v, or 1 − v when the background (the border's median) is light. */
typedef struct {
  gboolean invert;
  float    lo;
} Levels;

static gboolean
find_levels (const float *gray, int w, int h, Levels *lv)
{
  gsize nb = 0;
  float *border;
  float bg;

  border = g_new (float, 2 * (gsize) (w + h));
  for (int x = 0; x < w; x++)
    {
      border[nb++] = gray[x];
      if (h > 1)
        border[nb++] = gray[(gsize) (h - 1) * w + x];
    }
  for (int y = 1; y < h - 1; y++)
    {
      border[nb++] = gray[(gsize) y * w];
      if (w > 1)
        border[nb++] = gray[(gsize) y * w + w - 1];
    }
  qsort (border, nb, sizeof (float), cmp_float);
  bg = CLAMP (border[nb / 2], 0.0f, 1.0f);
  g_free (border);

  lv->invert = bg > 0.5f;
  lv->lo = lv->invert ? 1.0f - bg : bg;
  return 1.0f - lv->lo >= 0.05f;
}

static inline float
ink_of (const Levels *lv, float v)
{
  v = CLAMP (v, 0.0f, 1.0f);
  if (lv->invert)
    v = 1.0f - v;
  v = (v - lv->lo) / (1.0f - lv->lo);
  return v < INK_FLOOR ? 0.0f : MIN (v, 1.0f);
}

/* The whole picture as ink. */
static void
ink_picture (const float *gray, int w, int h, const Levels *lv, float *ink)
{
  for (gsize i = 0, n = (gsize) w * h; i < n; i++)
    ink[i] = ink_of (lv, gray[i]);
}

/* The bounding box of the ink within a region, inclusive; FALSE if none. */
static gboolean
ink_bounds (const float *gray, int w, const Levels *lv,
            int rx0, int ry0, int rx1, int ry1,
            int *x0, int *y0, int *x1, int *y1)
{
  /* ink_of (v) > 0 exactly when v passes one threshold: compare raw values */
  float t = lv->lo + INK_FLOOR * (1.0f - lv->lo);

  *x0 = rx1 + 1; *y0 = ry1 + 1; *x1 = -1; *y1 = -1;
  for (int y = ry0; y <= ry1; y++)
    {
      const float *row = gray + (gsize) y * w;
      int first = -1, last = -1;
      for (int x = rx0; x <= rx1; x++)
        {
          float v = lv->invert ? 1.0f - row[x] : row[x];
          if (v >= t && ink_of (lv, row[x]) > 0.0f)
            {
              if (first < 0)
                first = x;
              last = x;
            }
        }
      if (first >= 0)
        {
          *x0 = MIN (*x0, first);
          *x1 = MAX (*x1, last);
          *y0 = MIN (*y0, y);
          *y1 = y;
        }
    }
  return *x1 >= 0;
}

/* The ink inside [x0, x1] × [y0, y1] with a one-pixel empty margin,
 * averaged over k×k blocks (k = 1: copied). A big drawing is reduced here
 * to about twice the box first, so the later steps stay cheap; averaging
 * blocks is itself area resampling, so the result barely changes. */
static float *
ink_crop (const float *gray, int w, const Levels *lv,
          int x0, int y0, int x1, int y1, int k, int *cw, int *ch)
{
  int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  int nw = (bw + k - 1) / k + 2, nh = (bh + k - 1) / k + 2;
  float *out = g_new0 (float, (gsize) nw * nh);
  float norm = 1.0f / (float) (k * k);

  for (int y = y0; y <= y1; y++)
    {
      const float *row = gray + (gsize) y * w;
      float *orow = out + (gsize) ((y - y0) / k + 1) * nw + 1;
      for (int x = x0; x <= x1; x++)
        orow[(x - x0) / k] += ink_of (lv, row[x]) * norm;
    }
  *cw = nw;
  *ch = nh;
  return out;
}

/* Step 2. Erases 8-connected pieces much lighter than the largest one.
 * Returns the ink mass that remains. */
static double
remove_specks (float *ink, int w, int h)
{
  gsize n = (gsize) w * h;
  int *label = g_new0 (int, n);
  int *stack = g_new (int, n);
  GArray *mass = g_array_new (FALSE, FALSE, sizeof (double));
  double largest = 0.0, total = 0.0;
  int pieces = 0;

  for (gsize start = 0; start < n; start++)
    {
      double m = 0.0;
      int top = 0;

      if (ink[start] == 0.0f || label[start] != 0)
        continue;
      pieces++;
      label[start] = pieces;
      stack[top++] = (int) start;
      while (top > 0)
        {
          int p = stack[--top];
          int px = p % w, py = p / w;

          m += ink[p];
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int qx = px + dx, qy = py + dy, q;
                if (qx < 0 || qy < 0 || qx >= w || qy >= h)
                  continue;
                q = qy * w + qx;
                if (ink[q] != 0.0f && label[q] == 0)
                  {
                    label[q] = pieces;
                    stack[top++] = q;
                  }
              }
        }
      g_array_append_val (mass, m);
      largest = MAX (largest, m);
    }

  if (pieces > 1)
    {
      for (gsize i = 0; i < n; i++)
        if (label[i] != 0 && g_array_index (mass, double, label[i] - 1) < SPECK_RATIO * largest)
          ink[i] = 0.0f;
    }
  for (int k = 0; k < pieces; k++)
    {
      double m = g_array_index (mass, double, k);
      if (pieces == 1 || m >= SPECK_RATIO * largest)
        total += m;
    }

  g_array_unref (mass);
  g_free (stack);
  g_free (label);
  return total;
}

typedef struct {
  double m00, cx, cy;
  double mu11, mu02;
  int    x0, y0, x1, y1;   /* bounding box of the ink, inclusive */
} Moments;

static gboolean
moments (const float *ink, int w, int h, Moments *mo)
{
  double sx = 0, sy = 0, sxy = 0, syy = 0, m = 0;

  mo->x0 = w;
  mo->y0 = h;
  mo->x1 = -1;
  mo->y1 = -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double v = ink[(gsize) y * w + x];
        /* pixel centres at x + 0.5 */
        double fx = x + 0.5, fy = y + 0.5;
        if (v == 0.0)
          continue;
        m += v;
        sx += v * fx;
        sy += v * fy;
        sxy += v * fx * fy;
        syy += v * fy * fy;
        mo->x0 = MIN (mo->x0, x);
        mo->x1 = MAX (mo->x1, x);
        mo->y0 = MIN (mo->y0, y);
        mo->y1 = MAX (mo->y1, y);
      }
  if (m <= 0.0)
    return FALSE;
  mo->m00 = m;
  mo->cx = sx / m;
  mo->cy = sy / m;
  mo->mu11 = sxy / m - mo->cx * mo->cy;
  mo->mu02 = syy / m - mo->cy * mo->cy;
  return TRUE;
}

/* Step 3. Returns a new picture of width *w_out (same height) in which
 * row y is shifted by −skew·(y − cy), with linear interpolation. */
static float *
deskew (const float *ink, int w, int h, const Moments *mo, int *w_out)
{
  double skew, margin;
  int pad, nw;
  float *out;

  if (mo->mu02 < 1e-2)
    {
      *w_out = w;
      return g_memdup2 (ink, (gsize) w * h * sizeof (float));
    }
  skew = CLAMP (mo->mu11 / mo->mu02, -MAX_SKEW, MAX_SKEW);
  margin = fabs (skew) * MAX (mo->cy, h - mo->cy);
  pad = (int) ceil (margin) + 1;
  nw = w + 2 * pad;
  out = g_new0 (float, (gsize) nw * h);

  for (int y = 0; y < h; y++)
    {
      /* out(x) = in(x − pad + skew·(y − cy)) at pixel centres */
      double shift = skew * (y + 0.5 - mo->cy) - pad;
      const float *row = ink + (gsize) y * w;
      float *orow = out + (gsize) y * nw;
      for (int x = 0; x < nw; x++)
        {
          double sxf = x + shift;       /* source index (centre-aligned) */
          int sx0 = (int) floor (sxf);
          double t = sxf - sx0;
          float a = (sx0 >= 0 && sx0 < w) ? row[sx0] : 0.0f;
          float b = (sx0 + 1 >= 0 && sx0 + 1 < w) ? row[sx0 + 1] : 0.0f;
          orow[x] = (float) ((1.0 - t) * a + t * b);
        }
    }
  *w_out = nw;
  return out;
}

/* Weights of source pixels [first, first + count) for each of n output
 * pixels along one axis: output pixel j covers source interval
 * [origin + j / s, origin + (j + 1) / s), and each weight is the overlap
 * times s, so the weights of one output pixel sum to 1 inside the image. */
typedef struct {
  int   *first;   /* n */
  int   *count;   /* n */
  float *weight;  /* n × stride */
  int    stride;
} AxisWeights;

static void
axis_weights (AxisWeights *aw, int n, double origin, double s, int src_len)
{
  double step = 1.0 / s;

  aw->stride = (int) ceil (step) + 2;
  aw->first = g_new (int, n);
  aw->count = g_new (int, n);
  aw->weight = g_new0 (float, (gsize) n * aw->stride);
  for (int j = 0; j < n; j++)
    {
      double a = origin + j * step, b = a + step;
      int lo = MAX ((int) floor (a), 0);
      int hi = MIN ((int) ceil (b), src_len);   /* exclusive */
      int k = 0;

      aw->first[j] = lo;
      for (int i = lo; i < hi && k < aw->stride; i++, k++)
        {
          double ov = MIN (b, (double) i + 1) - MAX (a, (double) i);
          aw->weight[(gsize) j * aw->stride + k] = ov > 0 ? (float) (ov * s) : 0.0f;
        }
      aw->count[j] = k;
    }
}

static void
axis_weights_clear (AxisWeights *aw)
{
  g_free (aw->first);
  g_free (aw->count);
  g_free (aw->weight);
}

/* Step 6: out[oh × ow] = area average of src over the mapped footprint. */
static void
area_resample (const float *src, int sw, int sh,
               double origin_x, double scale_x, double origin_y, double scale_y,
               float *out, int ow, int oh)
{
  AxisWeights ax, ay;
  float *tmp = g_new0 (float, (gsize) sh * ow);   /* rows resampled in x */

  axis_weights (&ax, ow, origin_x, scale_x, sw);
  axis_weights (&ay, oh, origin_y, scale_y, sh);

  for (int y = 0; y < sh; y++)
    {
      const float *row = src + (gsize) y * sw;
      for (int j = 0; j < ow; j++)
        {
          const float *wt = ax.weight + (gsize) j * ax.stride;
          float acc = 0.0f;
          for (int k = 0; k < ax.count[j]; k++)
            acc += wt[k] * row[ax.first[j] + k];
          tmp[(gsize) y * ow + j] = acc;
        }
    }
  for (int i = 0; i < oh; i++)
    {
      const float *wt = ay.weight + (gsize) i * ay.stride;
      for (int j = 0; j < ow; j++)
        {
          float acc = 0.0f;
          for (int k = 0; k < ay.count[i]; k++)
            acc += wt[k] * tmp[(gsize) (ay.first[i] + k) * ow + j];
          out[(gsize) i * ow + j] = CLAMP (acc, 0.0f, 1.0f);
        }
    }

  g_free (tmp);
  axis_weights_clear (&ax);
  axis_weights_clear (&ay);
}

/* Step 7. Returns FALSE if there is (next to) nothing left. */
static gboolean
stretch (float *out, int n)
{
  float max = 0.0f, sum = 0.0f;

  for (int i = 0; i < n; i++)
    {
      max = MAX (max, out[i]);
      sum += out[i];
    }
  if (max < 0.05f || sum < 0.05f)
    {
      memset (out, 0, (gsize) n * sizeof (float));
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    out[i] = MIN (out[i] / max, 1.0f);
  return TRUE;
}

void
convolve_preprocess_plain (const float *gray, int w, int h, int out_size, float *out)
{
  Levels lv;
  float *ink;

  g_return_if_fail (out != NULL && out_size > 0);
  memset (out, 0, (gsize) out_size * out_size * sizeof (float));
  g_return_if_fail (gray != NULL && w > 0 && h > 0);

  if (!find_levels (gray, w, h, &lv))
    return;
  ink = g_new (float, (gsize) w * h);
  ink_picture (gray, w, h, &lv, ink);
  area_resample (ink, w, h, 0.0, (double) out_size / w, 0.0, (double) out_size / h,
                 out, out_size, out_size);
  g_free (ink);
}

gboolean
convolve_preprocess (const float       *gray,
                     int                w,
                     int                h,
                     const CvInputSpec *spec,
                     int                out_size,
                     float             *out)
{
  float *ink = NULL;
  int ww, hh, bx0, by0, bx1, by1, k, box;
  Levels lv;
  Moments mo;
  double s, ox, oy, bw, bh, cx, cy, left, top;
  gboolean ok = FALSE;

  g_return_val_if_fail (out != NULL && out_size > 0, FALSE);
  memset (out, 0, (gsize) out_size * out_size * sizeof (float));
  g_return_val_if_fail (gray != NULL && w > 0 && h > 0 && spec != NULL, FALSE);

  if (!find_levels (gray, w, h, &lv))
    return FALSE;

  if (spec->box <= 0)
    {
      convolve_preprocess_plain (gray, w, h, out_size, out);
      return stretch (out, out_size * out_size);
    }

  if (!ink_bounds (gray, w, &lv, 0, 0, w - 1, h - 1, &bx0, &by0, &bx1, &by1))
    return FALSE;
  box = MIN (spec->box, out_size);
  for (int pass = 0; ; pass++)
    {
      int nx0, ny0, nx1, ny1;

      k = MAX (1, MAX (bx1 - bx0 + 1, by1 - by0 + 1) / (2 * box));
      ink = ink_crop (gray, w, &lv, bx0, by0, bx1, by1, k, &ww, &hh);
      if (remove_specks (ink, ww, hh) < BLANK_MASS / (k * k) || !moments (ink, ww, hh, &mo))
        goto out;
      if (pass > 0)
        break;
      /* Specks gone, the ink may cover less: crop again from the picture,
       * so that a speck cannot change the result at all. */
      if (!ink_bounds (gray, w, &lv,
                       bx0 + (mo.x0 - 1) * k, by0 + (mo.y0 - 1) * k,
                       MIN (bx0 + mo.x1 * k - 1, bx1), MIN (by0 + mo.y1 * k - 1, by1),
                       &nx0, &ny0, &nx1, &ny1))
        goto out;
      if (nx0 == bx0 && ny0 == by0 && nx1 == bx1 && ny1 == by1)
        break;
      bx0 = nx0; by0 = ny0; bx1 = nx1; by1 = ny1;
      g_clear_pointer (&ink, g_free);
    }

  if (spec->deskew)
    {
      int dw;
      float *sheared = deskew (ink, ww, hh, &mo, &dw);
      g_free (ink);
      ink = sheared;
      ww = dw;
      if (!moments (ink, ww, hh, &mo))
        goto out;
    }

  /* Step 4: scale so the box's longer side is spec->box pixels. */
  bw = mo.x1 - mo.x0 + 1;
  bh = mo.y1 - mo.y0 + 1;
  s = (double) box / MAX (bw, bh);

  /* Step 5: the point that lands in the middle of the output. */
  if (spec->center_of_mass)
    {
      cx = mo.cx;
      cy = mo.cy;
    }
  else
    {
      cx = mo.x0 + bw / 2.0;
      cy = mo.y0 + bh / 2.0;
    }
  left = (mo.x0 - cx) * s + out_size / 2.0;
  top = (mo.y0 - cy) * s + out_size / 2.0;
  /* keep the scaled box inside the output */
  if (left < 0)
    cx += left / s;
  else if (left + bw * s > out_size)
    cx += (left + bw * s - out_size) / s;
  if (top < 0)
    cy += top / s;
  else if (top + bh * s > out_size)
    cy += (top + bh * s - out_size) / s;

  /* Output pixel j starts at source x = cx + (j − out_size/2) / s. */
  ox = cx - (out_size / 2.0) / s;
  oy = cy - (out_size / 2.0) / s;
  area_resample (ink, ww, hh, ox, s, oy, s, out, out_size, out_size);
  ok = stretch (out, out_size * out_size);

out:
  g_free (ink);
  return ok;
}
