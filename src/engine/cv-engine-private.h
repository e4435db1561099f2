/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-engine-private.h — what the engine's own files share.
 */
#pragma once

#include "cv-engine.h"
#include "cv-kernels.h"

/* Sane caps: a spec (or model bytes) claiming more is refused, not allocated. */
#define CV_MAX_LAYERS      64
#define CV_MAX_DIM         4096                 /* H, W, C, filters */
#define CV_MAX_KERNEL      64
#define CV_MAX_STRIDE      64
#define CV_MAX_UNITS       65536                /* Dense */
#define CV_MAX_CLASSES     256                  /* labels are uint8_t */
#define CV_MAX_ACTIVATION  ((size_t) 1 << 24)   /* floats per sample per layer */
#define CV_MAX_PARAMS      ((size_t) 1 << 26)   /* floats in the arena */
#define CV_MAX_SPEC_LEN    4096                 /* bytes */
#define CV_MAX_TOKEN_LEN   48

/* A parsed spec; no allocation. */
typedef struct {
  CvShape     input;
  int         n_layers;
  CvLayerInfo layers[CV_MAX_LAYERS];
  size_t      n_params;
  int         n_classes;
  char        canonical[CV_MAX_SPEC_LEN + 1];
} CvSpec;

/* A net that reads `net`'s parameters in place (they must outlive it), with
 * activations of its own, one thread and no input gradient, and no
 * gradient buffer: grads is NULL until the caller points it at one (the
 * trainer runs one replica per lane, each part's gradient into a buffer of
 * the part's). Free it with cv_net_free. */
CvNet *cv_net_replica (CvNet *net);

/* cv_net_backward for n samples that are part of a batch of `batch`: their
 * share of the gradient of the whole batch's mean loss, accumulated. */
CvStatus cv_net_backward_part (CvNet *net, const uint8_t *labels, int n, int batch);

/* Parses and shape-checks a spec without allocating anything. */
CvStatus cv_spec_parse (const char *spec, CvSpec *out, CvError *err);

/* Fills err (if not NULL) with a status and a printf-style sentence. */
CvStatus cv_error_set (CvError *err, CvStatus status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

struct CvNet {
  CvSpec   spec;
  CvLayerInfo *layers;   /* = spec.layers */
  int      n_layers;

  float   *params;       /* (n_params) the arena */
  int      params_borrowed; /* a replica's: another net's arena, not freed */
  float   *grads;        /* (n_params) same layout */

  /* Activations for up to `cap` samples, grown on demand. */
  int      cap;
  int      n;            /* samples of the last forward */
  int      backward_ok;  /* the input gradient belongs to the last forward */
  int      no_input_grad; /* skip the gradient w.r.t. the input (training) */
  float   *x;            /* (cap, H, W, C) a copy of the last input */
  float   *dx;           /* (cap, H, W, C) gradient w.r.t. the input */
  float  **act;          /* [n_layers] (cap, out.h, out.w, out.c) */
  float  **grad;         /* [n_layers] (cap, out...) gradient w.r.t. act[i] */
  int32_t **argmax;      /* [n_layers] MaxPool only: (cap, out...) */
  CvScratch scratch;     /* GEMM panels and friends for the fast kernels */
  CvConvCache *conv_cache; /* [n_layers] Conv2D: patch tables, forward → backward */
};
