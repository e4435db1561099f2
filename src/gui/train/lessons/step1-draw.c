/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Step 1: draw a shape into 16×16 pixels, each 0 or 1. */
#include <math.h>
#include "lessons.h"

void
draw_shape (float *img, int shape, float cx, float cy, float r)
{
  for (int i = 0; i < SIDE; i++)        /* row */
    for (int j = 0; j < SIDE; j++)      /* column */
      {
        float dx = j + 0.5f - cx, dy = i + 0.5f - cy;
        int ink = 0;

        if (shape == CIRCLE)
          ink = fabsf (sqrtf (dx * dx + dy * dy) - r) < 0.7f;
        else if (shape == SQUARE)
          ink = fmaxf (fabsf (dx), fabsf (dy)) < r &&
                fmaxf (fabsf (dx), fabsf (dy)) > r - 1.2f;
        else  /* a filled triangle, point up */
          ink = dy < r && dy > -r && fabsf (dx) < (dy + r) / 2;
        img[i * SIDE + j] = ink ? 1.0f : 0.0f;
      }
}
