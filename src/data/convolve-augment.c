/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-augment.c — seeded distortions of training pictures.
 *
 * Every random number comes from the CvRng passed in, in a fixed order per
 * sample (thickness choice, its strength, angle, scale, shift x, shift y,
 * then the elastic field row by row), so the same seed gives the same
 * batches bit for bit.
 */
#define G_LOG_DOMAIN "convolve-data"

#include "config.h"

#include <math.h>
#include <string.h>

#include "convolve-augment.h"

void
convolve_augment_init_default (ConvolveAugment *aug)
{
  aug->rotate = 12.0f;
  aug->scale = 0.15f;
  aug->shift = 2.0f;
  aug->thickness = 0.5f;
  aug->elastic_alpha = 18.0f;
  aug->elastic_sigma = 4.0f;
}

/* Smooths field (w × h) in place with a Gaussian of sigma pixels
 * (separable, zero outside), using tmp. */
static void
gaussian_blur (float *field, float *tmp, int w, int h, float sigma)
{
  int r = (int) ceilf (2.5f * sigma);
  float kernel[64];
  float sum = 0.0f;

  r = MIN (r, 31);
  for (int i = -r; i <= r; i++)
    {
      kernel[i + r] = expf (-(float) (i * i) / (2.0f * sigma * sigma));
      sum += kernel[i + r];
    }
  for (int i = 0; i <= 2 * r; i++)
    kernel[i] /= sum;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.0f;
        for (int i = MAX (-r, -x); i <= MIN (r, w - 1 - x); i++)
          acc += kernel[i + r] * field[y * w + x + i];
        tmp[y * w + x] = acc;
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.0f;
        for (int i = MAX (-r, -y); i <= MIN (r, h - 1 - y); i++)
          acc += kernel[i + r] * tmp[(y + i) * w + x];
        field[y * w + x] = acc;
      }
}

/* Symmetric uniform in [−a, a]. */
static float
uniform_pm (CvRng *rng, float a)
{
  return a * (2.0f * cv_rng_uniform (rng) - 1.0f);
}

/* A soft dilation (grow > 0) or erosion (grow < 0) with the plus-shaped
 * 3×3 neighbourhood: img moves |grow| of the way to the max (or min). */
static void
thicken (float *img, float *tmp, int w, int h, int c, float grow)
{
  memcpy (tmp, img, (gsize) w * h * c * sizeof (float));
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int ch = 0; ch < c; ch++)
        {
          gsize i = ((gsize) y * w + x) * c + ch;
          float v = tmp[i], e = v;
          static const int nb[4][2] = { { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 } };
          for (int k = 0; k < 4; k++)
            {
              int qx = x + nb[k][0], qy = y + nb[k][1];
              float q = (qx < 0 || qy < 0 || qx >= w || qy >= h)
                        ? 0.0f : tmp[((gsize) qy * w + qx) * c + ch];
              e = grow > 0 ? MAX (e, q) : MIN (e, q);
            }
          img[i] = v + fabsf (grow) * (e - v);
        }
}

void
convolve_augment_one (float *img, CvShape shape, const ConvolveAugment *aug, CvRng *rng)
{
  int w = shape.w, h = shape.h, c = shape.c;
  gsize size = cv_shape_size (shape);
  float *tmp = g_new (float, size);
  float pick = cv_rng_uniform (rng);
  float strength = cv_rng_uniform (rng);
  float angle = uniform_pm (rng, aug->rotate) * (float) (G_PI / 180.0);
  float scale = 1.0f + uniform_pm (rng, aug->scale);
  float tx = uniform_pm (rng, aug->shift);
  float ty = uniform_pm (rng, aug->shift);
  float ca, sa, mcx, mcy;
  float *field = NULL;   /* (2, h, w): x then y displacements */

  /* Dilation 0.3–0.8 of the way; erosion only 0.2–0.5, since a one-pixel
   * line would vanish. */
  if (pick < aug->thickness * 0.5f)
    thicken (img, tmp, w, h, c, 0.3f + 0.5f * strength);
  else if (pick < aug->thickness)
    thicken (img, tmp, w, h, c, -(0.2f + 0.3f * strength));

  /* The elastic field, if any: displacements in source pixels. */
  if (aug->elastic_alpha > 0.0f && aug->elastic_sigma > 0.0f)
    {
      float k = (float) MAX (w, h) / 28.0f;
      gsize n = (gsize) w * h;
      float *scratch = g_new (float, n);

      field = g_new (float, 2 * n);
      for (gsize i = 0; i < 2 * n; i++)
        field[i] = 2.0f * cv_rng_uniform (rng) - 1.0f;
      gaussian_blur (field, scratch, w, h, aug->elastic_sigma * k);
      gaussian_blur (field + n, scratch, w, h, aug->elastic_sigma * k);
      for (gsize i = 0; i < 2 * n; i++)
        field[i] *= aug->elastic_alpha * k;
      g_free (scratch);
    }

  /* Inverse map: for each output pixel centre, where it comes from. */
  memcpy (tmp, img, size * sizeof (float));
  ca = cosf (angle) / scale;
  sa = sinf (angle) / scale;
  mcx = w / 2.0f;
  mcy = h / 2.0f;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float dx = x + 0.5f - mcx - tx, dy = y + 0.5f - mcy - ty;
        float sx = ca * dx + sa * dy + mcx - 0.5f;
        float sy = -sa * dx + ca * dy + mcy - 0.5f;
        if (field != NULL)
          {
            sx += field[y * w + x];
            sy += field[(gsize) w * h + y * w + x];
          }
        int x0 = (int) floorf (sx), y0 = (int) floorf (sy);
        float fx = sx - x0, fy = sy - y0;

        for (int ch = 0; ch < c; ch++)
          {
            float v00 = 0, v01 = 0, v10 = 0, v11 = 0;
#define AT(X, Y) tmp[((gsize) (Y) * w + (X)) * c + ch]
            if (y0 >= 0 && y0 < h)
              {
                if (x0 >= 0 && x0 < w) v00 = AT (x0, y0);
                if (x0 + 1 >= 0 && x0 + 1 < w) v01 = AT (x0 + 1, y0);
              }
            if (y0 + 1 >= 0 && y0 + 1 < h)
              {
                if (x0 >= 0 && x0 < w) v10 = AT (x0, y0 + 1);
                if (x0 + 1 >= 0 && x0 + 1 < w) v11 = AT (x0 + 1, y0 + 1);
              }
#undef AT
            img[((gsize) y * w + x) * c + ch] =
              (1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11);
          }
      }
  g_free (field);
  g_free (tmp);
}

void
convolve_augment_batch (float *x, int n, CvShape shape, CvRng *rng, void *user)
{
  ConvolveAugment defaults;
  const ConvolveAugment *aug = user;
  gsize size = cv_shape_size (shape);

  if (aug == NULL)
    {
      convolve_augment_init_default (&defaults);
      aug = &defaults;
    }
  for (int i = 0; i < n; i++)
    convolve_augment_one (x + (gsize) i * size, shape, aug, rng);
}
