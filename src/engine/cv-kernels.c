/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-kernels.c — the network's hot kernels. For now: the reference.
 */
#include "cv-kernels.h"

static int forced_path = -1;

int
cv_kernels_path (void)
{
  return forced_path >= 0 ? forced_path : 0;
}

void
cv_kernels_force (int path)
{
  forced_path = path;
}

int
cv_conv2d_forward (float *y, const float *x, const float *k, const float *b,
                   const CvConvDims *d, CvScratch *scratch)
{
  cv_ref_conv2d_forward (y, x, k, b, d);
  return 0;
}

int
cv_conv2d_backward (float *dx, float *dk, float *db, const float *dy,
                    const float *x, const float *k, const CvConvDims *d,
                    CvScratch *scratch)
{
  cv_ref_conv2d_backward (dx, dk, db, dy, x, k, d);
  return 0;
}

void
cv_dense_forward (float *y, const float *x, const float *w, const float *b,
                  int n, int in, int out)
{
  cv_ref_dense_forward (y, x, w, b, n, in, out);
}

void
cv_dense_backward (float *dx, float *dw, float *db, const float *dy,
                   const float *x, const float *w, int n, int in, int out)
{
  cv_ref_dense_backward (dx, dw, db, dy, x, w, n, in, out);
}
