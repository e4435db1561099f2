/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Step 2: n pictures of random size and place, as one [N, H, W, C]
 * tensor (C = 1), with a label for each. */
#include "lessons.h"

void
make_dataset (float *x, uint8_t *y, int n, CvRng *rng)
{
  for (int k = 0; k < n; k++)
    {
      float r = 3.0f + 3.0f * cv_rng_uniform (rng);           /* 3 .. 6 */
      float cx = r + (SIDE - 2 * r) * cv_rng_uniform (rng);
      float cy = r + (SIDE - 2 * r) * cv_rng_uniform (rng);

      y[k] = (uint8_t) (k % 3);            /* circle, square, triangle, … */
      draw_shape (x + k * SIDE * SIDE, y[k], cx, cy, r);
    }
}
