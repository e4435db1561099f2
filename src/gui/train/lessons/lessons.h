/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The four build steps of the Learn page, as C against the engine
 * (cv-engine.h). The page shows each step's file; a test compiles them all
 * into one program and runs it. */
#pragma once

#include "cv-engine.h"

#define SIDE 16

enum { CIRCLE, SQUARE, TRIANGLE };

void   draw_shape    (float *img, int shape, float cx, float cy, float r);
void   make_dataset  (float *x, uint8_t *y, int n, CvRng *rng);
CvNet *build_network (void);
float  train_network (CvNet *net, const float *x, const uint8_t *y, int n, int epochs);
