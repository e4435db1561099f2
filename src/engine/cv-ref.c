/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-ref.c — instantiates the reference layers for float and for double.
 */
#include <math.h>

#include "cv-kernels.h"

#define R float
#define P(name) cv_ref_##name
#include "cv-ref-impl.inc"
#undef R
#undef P

#define R double
#define P(name) cv_refd_##name
#include "cv-ref-impl.inc"
#undef R
#undef P
