/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-kernels.c — the network's hot kernels: Conv2D as im2col + SGEMM and
 * Dense as SGEMM, with the path (reference, portable C, AVX2+FMA) chosen at
 * run time. The reference loops in cv-ref-impl.inc stay the definition;
 * tests/engine/test-kernels.c holds these to them.
 */
#include <stdlib.h>
#include <string.h>

#include "cv-kernels.h"

static int forced_path = -1;

int
cv_kernels_best_path (void)
{
#if defined(__x86_64__)
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return CV_PATH_AVX2;
#endif
  return CV_PATH_C;
}

int
cv_kernels_path (void)
{
  if (forced_path >= 0)
    return forced_path;
  return cv_kernels_best_path ();
}

void
cv_kernels_force (int path)
{
  if (path > cv_kernels_best_path ())
    path = cv_kernels_best_path ();
  forced_path = path;
}

/* ----------------------------------------------------------------- im2col */

/* Output positions handled per GEMM: enough rows to keep the micro-kernel
 * busy, few enough that the chunk (rows × k·k·c) stays in L2. */
static int
chunk_rows (const CvConvDims *d)
{
  int kkc = d->k * d->k * d->c;
  int rows = (64 * 1024) / kkc;
  rows -= rows % 6;
  return rows < 96 ? 96 : rows;
}

static int
ensure_col (CvScratch *s, size_t floats)
{
  if (floats <= s->col_cap)
    return 0;
  float *col = realloc (s->col, sizeof (float) * floats);
  if (col == NULL)
    return -1;
  s->col = col;
  s->col_cap = floats;
  return 0;
}

/* col (rows, k, k, c): the input patch under each output position in
 * [r0, r0 + rows), zeros where the kernel hangs over the padding. */
static void
im2col (float *col, const float *x, const CvConvDims *d, int r0, int rows)
{
  const int k = d->k, c = d->c;
  const size_t kkc = (size_t) k * k * c;

  for (int r = 0; r < rows; r++)
    {
      int pos = r0 + r;
      int j = pos % d->ow, i = (pos / d->ow) % d->oh, n = pos / (d->ow * d->oh);
      int top = i * d->s - d->pt, left = j * d->s - d->pl;
      /* the kernel columns q with 0 <= left + q < w */
      int q_lo = left < 0 ? -left : 0;
      int q_hi = d->w - left < k ? d->w - left : k;
      float *dst = col + (size_t) r * kkc;

      for (int m = 0; m < k; m++)
        {
          float *row = dst + (size_t) m * k * c;
          int ii = top + m;
          if (ii < 0 || ii >= d->h || q_lo >= q_hi)
            {
              memset (row, 0, sizeof (float) * (size_t) k * c);
              continue;
            }
          if (q_lo > 0)
            memset (row, 0, sizeof (float) * (size_t) q_lo * c);
          memcpy (row + (size_t) q_lo * c,
                  x + (((size_t) n * d->h + ii) * d->w + left + q_lo) * c,
                  sizeof (float) * (size_t) (q_hi - q_lo) * c);
          if (q_hi < k)
            memset (row + (size_t) q_hi * c, 0, sizeof (float) * (size_t) (k - q_hi) * c);
        }
    }
}

/* The adjoint of im2col: dx += each patch gradient, at its place. */
static void
col2im (float *dx, const float *col, const CvConvDims *d, int r0, int rows)
{
  const int k = d->k, c = d->c;
  const size_t kkc = (size_t) k * k * c;

  for (int r = 0; r < rows; r++)
    {
      int pos = r0 + r;
      int j = pos % d->ow, i = (pos / d->ow) % d->oh, n = pos / (d->ow * d->oh);
      int top = i * d->s - d->pt, left = j * d->s - d->pl;
      int q_lo = left < 0 ? -left : 0;
      int q_hi = d->w - left < k ? d->w - left : k;
      const float *src = col + (size_t) r * kkc;

      for (int m = 0; m < k; m++)
        {
          int ii = top + m;
          if (ii < 0 || ii >= d->h || q_lo >= q_hi)
            continue;
          const float *g = src + ((size_t) m * k + q_lo) * c;
          float *t = dx + (((size_t) n * d->h + ii) * d->w + left + q_lo) * c;
          size_t len = (size_t) (q_hi - q_lo) * c;
          for (size_t e = 0; e < len; e++)
            t[e] += g[e];
        }
    }
}

/* ----------------------------------------------------------------- conv2d */

int
cv_conv2d_forward (float *y, const float *x, const float *k, const float *b,
                   const CvConvDims *d, CvScratch *scratch)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_conv2d_forward (y, x, k, b, d);
      return 0;
    }

  const int kkc = d->k * d->k * d->c;
  const int total = d->n * d->oh * d->ow;
  const int rows = chunk_rows (d);
  if (ensure_col (scratch, (size_t) rows * kkc) != 0)
    return -1;

  /* y (total, f) starts as the bias; the GEMM adds patches · kernel. */
  for (int r = 0; r < total; r++)
    memcpy (y + (size_t) r * d->f, b, sizeof (float) * (size_t) d->f);

  for (int r0 = 0; r0 < total; r0 += rows)
    {
      int nr = total - r0 < rows ? total - r0 : rows;
      im2col (scratch->col, x, d, r0, nr);
      if (cv_sgemm (path, 0, 0, nr, d->f, kkc, scratch->col, kkc, k, d->f,
                    y + (size_t) r0 * d->f, d->f, scratch) != 0)
        return -1;
    }
  return 0;
}

int
cv_conv2d_backward (float *dx, float *dk, float *db, const float *dy,
                    const float *x, const float *k, const CvConvDims *d,
                    CvScratch *scratch)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_conv2d_backward (dx, dk, db, dy, x, k, d);
      return 0;
    }

  const int kkc = d->k * d->k * d->c;
  const int total = d->n * d->oh * d->ow;
  const int rows = chunk_rows (d);
  if (ensure_col (scratch, (size_t) rows * kkc) != 0)
    return -1;

  /* db (f) += column sums of dy (total, f) */
  for (int r = 0; r < total; r++)
    for (int f = 0; f < d->f; f++)
      db[f] += dy[(size_t) r * d->f + f];

  if (dx != NULL)
    memset (dx, 0, sizeof (float) * (size_t) d->n * d->h * d->w * d->c);

  for (int r0 = 0; r0 < total; r0 += rows)
    {
      int nr = total - r0 < rows ? total - r0 : rows;
      const float *dyc = dy + (size_t) r0 * d->f;   /* (nr, f) */

      /* dk (kkc, f) += colᵀ (kkc, nr) · dy (nr, f) */
      im2col (scratch->col, x, d, r0, nr);
      if (cv_sgemm (path, 1, 0, kkc, d->f, nr, scratch->col, kkc, dyc, d->f,
                    dk, d->f, scratch) != 0)
        return -1;

      if (dx != NULL)
        {
          /* dcol (nr, kkc) = dy (nr, f) · kᵀ (f, kkc), then back into place */
          memset (scratch->col, 0, sizeof (float) * (size_t) nr * kkc);
          if (cv_sgemm (path, 0, 1, nr, kkc, d->f, dyc, d->f, k, d->f,
                        scratch->col, kkc, scratch) != 0)
            return -1;
          col2im (dx, scratch->col, d, r0, nr);
        }
    }
  return 0;
}

/* ---------------------------------------------------------------- maxpool */

/* The reference's order (window row by row, the first of equal maxima
 * wins), with channels innermost so that the comparisons vectorize. */
void
cv_maxpool_forward (float *y, int32_t *argmax, const float *x, const CvPoolDims *d)
{
  if (cv_kernels_path () == CV_PATH_REFERENCE)
    {
      cv_ref_maxpool_forward (y, argmax, x, d);
      return;
    }
  const int c = d->c;
  const size_t in_size = (size_t) d->h * d->w * c;

  for (int n = 0; n < d->n; n++)
    for (int i = 0; i < d->oh; i++)
      for (int j = 0; j < d->ow; j++)
        {
          size_t o = (((size_t) n * d->oh + i) * d->ow + j) * c;
          float *restrict yo = y + o;
          int32_t *restrict ao = argmax + o;
          const float *restrict xs = x + (size_t) n * in_size;
          for (int m = 0; m < d->k; m++)
            for (int q = 0; q < d->k; q++)
              {
                int32_t at = (int32_t) (((size_t) (i * d->s + m) * d->w + (size_t) (j * d->s + q)) * c);
                const float *restrict xv = xs + at;
                if (m == 0 && q == 0)
                  {
                    for (int ch = 0; ch < c; ch++)
                      {
                        yo[ch] = xv[ch];
                        ao[ch] = at + ch;
                      }
                    continue;
                  }
                for (int ch = 0; ch < c; ch++)
                  {
                    float v = xv[ch], best = yo[ch];
                    int32_t a = ao[ch];
                    int better = v > best;
                    yo[ch] = better ? v : best;
                    ao[ch] = better ? at + ch : a;
                  }
              }
        }
}

/* ------------------------------------------------------------------ dense */

/* A few samples (single-image prediction): row by row, skipping the zeros
 * ReLU leaves, with no packing of the weight matrix. */
static void
dense_forward_rows (float *restrict y, const float *restrict x, const float *restrict w,
                    int n, int in, int out)
{
  for (int s = 0; s < n; s++)
    {
      float *restrict ys = y + (size_t) s * out;
      for (int i = 0; i < in; i++)
        {
          float xv = x[(size_t) s * in + i];
          if (xv == 0.0f)
            continue;
          const float *restrict wr = w + (size_t) i * out;
          for (int o = 0; o < out; o++)
            ys[o] += xv * wr[o];
        }
    }
}

int
cv_dense_forward (float *y, const float *x, const float *w, const float *b,
                  int n, int in, int out, CvScratch *scratch)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_dense_forward (y, x, w, b, n, in, out);
      return 0;
    }
  for (int s = 0; s < n; s++)
    memcpy (y + (size_t) s * out, b, sizeof (float) * (size_t) out);
  if (n < 4)
    {
      dense_forward_rows (y, x, w, n, in, out);
      return 0;
    }
  return cv_sgemm (path, 0, 0, n, out, in, x, in, w, out, y, out, scratch);
}

int
cv_dense_backward (float *dx, float *dw, float *db, const float *dy,
                   const float *x, const float *w, int n, int in, int out,
                   CvScratch *scratch)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_dense_backward (dx, dw, db, dy, x, w, n, in, out);
      return 0;
    }
  for (int s = 0; s < n; s++)
    for (int o = 0; o < out; o++)
      db[o] += dy[(size_t) s * out + o];
  /* dw (in, out) += xᵀ (in, n) · dy (n, out) */
  if (cv_sgemm (path, 1, 0, in, out, n, x, in, dy, out, dw, out, scratch) != 0)
    return -1;
  if (dx == NULL)
    return 0;
  /* dx (n, in) = dy (n, out) · wᵀ (out, in) */
  memset (dx, 0, sizeof (float) * (size_t) n * in);
  return cv_sgemm (path, 0, 1, n, in, out, dy, out, w, out, dx, in, scratch);
}
