/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include "cv-engine.h"

G_BEGIN_DECLS

/*
 * Random distortions of training pictures, drawn from the trainer's seeded
 * generator, so a run is reproducible. Each sample is, independently:
 *   - thickened or thinned (a soft grey dilation or erosion, or neither),
 *   - rotated by up to ±rotate degrees, scaled by 1 ± scale, shifted by up
 *     to ±shift pixels, about the picture's centre,
 *   - and bent by an elastic distortion (Simard et al., 2003): a random
 *     displacement field, smoothed by a Gaussian of elastic_sigma pixels
 *     and scaled by elastic_alpha (both for a 28-pixel picture, scaled
 *     with the picture's size), like the wobble of a real hand,
 * all in one bilinear resampling.
 */
typedef struct {
  float rotate;         /* degrees, default 12 */
  float scale;          /* default 0.15 (0.85 .. 1.15) */
  float shift;          /* pixels, default 2 */
  float thickness;      /* probability of a dilation or an erosion, default 0.5 */
  float elastic_alpha;  /* default 18; 0 = off */
  float elastic_sigma;  /* default 4 */
} ConvolveAugment;

void convolve_augment_init_default (ConvolveAugment *aug);

/* A CvAugmentFn: pass it to cv_train_set_augment() with a ConvolveAugment
 * (or NULL for the defaults) as user data. x is (n, H, W, C), values 0..1. */
void convolve_augment_batch (float *x, int n, CvShape shape, CvRng *rng, void *user);

/* One picture (h × w × c), for previews and tests. */
void convolve_augment_one (float *img, CvShape shape, const ConvolveAugment *aug, CvRng *rng);

G_END_DECLS
