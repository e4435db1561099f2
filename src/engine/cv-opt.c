/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-opt.c — SGD with momentum and Adam, each one flat loop over the arena.
 */
#include <math.h>
#include <stdlib.h>

#include "cv-engine-private.h"

struct CvOptimizer {
  CvOptConfig cfg;
  size_t      n;
  long        t;    /* steps taken (Adam's bias correction) */
  float      *m;    /* (n) SGD velocity, or Adam's first moment */
  float      *v;    /* (n) Adam's second moment; NULL for SGD */
};

void
cv_opt_config_default (CvOptConfig *cfg, CvOptKind kind)
{
  cfg->kind = kind;
  cfg->lr = kind == CV_OPT_ADAM ? 0.001f : 0.01f;
  cfg->momentum = 0.9f;
  cfg->beta1 = 0.9f;
  cfg->beta2 = 0.999f;
  cfg->eps = 1e-8f;
  cfg->weight_decay = 0.0f;
}

CvOptimizer *
cv_opt_new (const CvOptConfig *cfg, size_t n_params)
{
  if (cfg == NULL || (cfg->kind != CV_OPT_ADAM && cfg->kind != CV_OPT_SGD))
    return NULL;
  CvOptimizer *opt = calloc (1, sizeof *opt);
  if (opt == NULL)
    return NULL;
  opt->cfg = *cfg;
  opt->n = n_params;
  size_t count = n_params > 0 ? n_params : 1;
  opt->m = calloc (count, sizeof (float));
  if (cfg->kind == CV_OPT_ADAM)
    opt->v = calloc (count, sizeof (float));
  if (opt->m == NULL || (cfg->kind == CV_OPT_ADAM && opt->v == NULL))
    {
      cv_opt_free (opt);
      return NULL;
    }
  return opt;
}

void
cv_opt_free (CvOptimizer *opt)
{
  if (opt == NULL)
    return;
  free (opt->m);
  free (opt->v);
  free (opt);
}

void
cv_opt_set_lr (CvOptimizer *opt, float lr)
{
  if (opt != NULL)
    opt->cfg.lr = lr;
}

float
cv_opt_get_lr (const CvOptimizer *opt)
{
  return opt != NULL ? opt->cfg.lr : 0.0f;
}

/* The loops, apart from the bookkeeping, so that they get vector clones. */
CV_VECTOR_CLONES static void
sgd_loop (float *restrict params, float *restrict vel, const float *restrict grads, size_t n,
          float lr, float mu, float wd)
{
  /* v = momentum * v + g;  p -= lr * v */
  for (size_t i = 0; i < n; i++)
    {
      float g = grads[i] + wd * params[i];
      vel[i] = mu * vel[i] + g;
      params[i] -= lr * vel[i];
    }
}

/* Adam: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²;
 * p -= lr * m̂ / (sqrt(v̂) + eps) with m̂ = m · c1, v̂ = v · c2. */
CV_VECTOR_CLONES static void
adam_loop (float *restrict params, float *restrict m1, float *restrict m2,
           const float *restrict grads, size_t n, float lr, float wd,
           float b1, float b2, float eps, float c1, float c2)
{
  for (size_t i = 0; i < n; i++)
    {
      float g = grads[i] + wd * params[i];
      float m = b1 * m1[i] + (1.0f - b1) * g;
      float v = b2 * m2[i] + (1.0f - b2) * g * g;
      m1[i] = m;
      m2[i] = v;
      params[i] -= lr * (m * c1) / (sqrtf (v * c2) + eps);
    }
}

void
cv_opt_step (CvOptimizer *opt, float *params, const float *grads)
{
  if (opt == NULL || params == NULL || grads == NULL)
    return;
  const float lr = opt->cfg.lr;
  const float wd = opt->cfg.weight_decay;

  opt->t++;
  if (opt->cfg.kind == CV_OPT_SGD)
    {
      sgd_loop (params, opt->m, grads, opt->n, lr, opt->cfg.momentum, wd);
      return;
    }
  const float b1 = opt->cfg.beta1, b2 = opt->cfg.beta2;
  const float c1 = (float) (1.0 / (1.0 - pow ((double) b1, (double) opt->t)));
  const float c2 = (float) (1.0 / (1.0 - pow ((double) b2, (double) opt->t)));
  adam_loop (params, opt->m, opt->v, grads, opt->n, lr, wd, b1, b2, opt->cfg.eps, c1, c2);
}
