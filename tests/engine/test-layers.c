/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-layers.c — each layer against finite differences (in double), and
 * the curriculum's worked numbers.
 *
 * Every check computes a scalar L = sum(r ⊙ layer(θ)) for a fixed random r,
 * so dL/d(output) = r, runs the layer's backward with that r, and compares
 * the analytic gradient with central differences of L. Each check is also
 * shown a deliberately wrong gradient, which it must reject.
 */
#include <stdlib.h>
#include <string.h>

#include "test-engine.h"
#include "cv-kernels.h"

#define H_STEP 1e-5
#define ATOL   1e-8
#define RTOL   1e-6

static double
dot (const double *a, const double *b, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

/* ------------------------------------------------------------- conv2d */

typedef struct {
  CvConvDims d;
  double *x, *k, *b, *r, *y;
} ConvCtx;

static double
conv_loss (void *p)
{
  ConvCtx *c = p;
  cv_refd_conv2d_forward (c->y, c->x, c->k, c->b, &c->d);
  return dot (c->y, c->r, (size_t) c->d.n * c->d.oh * c->d.ow * c->d.f);
}

static CvConvDims
make_conv_dims (int n, int h, int w, int c, int f, int k, int s, int same)
{
  CvConvDims d = { .n = n, .h = h, .w = w, .c = c, .f = f, .k = k, .s = s };
  if (same)
    {
      d.oh = (h + s - 1) / s;
      d.ow = (w + s - 1) / s;
      int ph = (d.oh - 1) * s + k - h, pw = (d.ow - 1) * s + k - w;
      d.pt = ph > 0 ? ph / 2 : 0;
      d.pl = pw > 0 ? pw / 2 : 0;
    }
  else
    {
      d.oh = cv_conv_output_size (h, k, s, 0);
      d.ow = cv_conv_output_size (w, k, s, 0);
    }
  return d;
}

static void
check_conv (int n, int h, int w, int c, int f, int k, int s, int same, uint64_t seed,
            int perturb)
{
  CvRng rng;
  cv_rng_seed (&rng, seed);
  ConvCtx ctx = { .d = make_conv_dims (n, h, w, c, f, k, s, same) };
  size_t nx = (size_t) n * h * w * c, nk = (size_t) k * k * c * f;
  size_t ny = (size_t) n * ctx.d.oh * ctx.d.ow * f;
  ctx.x = malloc (sizeof (double) * nx);
  ctx.k = malloc (sizeof (double) * nk);
  ctx.b = malloc (sizeof (double) * f);
  ctx.r = malloc (sizeof (double) * ny);
  ctx.y = malloc (sizeof (double) * ny);
  double *dx = malloc (sizeof (double) * nx);
  double *dk = calloc (nk, sizeof (double));
  double *db = calloc ((size_t) f, sizeof (double));
  fill_uniform_d (ctx.x, nx, &rng, -1, 1);
  fill_uniform_d (ctx.k, nk, &rng, -1, 1);
  fill_uniform_d (ctx.b, (size_t) f, &rng, -1, 1);
  fill_uniform_d (ctx.r, ny, &rng, -1, 1);

  cv_refd_conv2d_backward (dx, dk, db, ctx.r, ctx.x, ctx.k, &ctx.d);
  assert_true (grad_check_d (ctx.x, nx, dx, conv_loss, &ctx, H_STEP, ATOL, RTOL) <= 1.0);
  assert_true (grad_check_d (ctx.k, nk, dk, conv_loss, &ctx, H_STEP, ATOL, RTOL) <= 1.0);
  assert_true (grad_check_d (ctx.b, (size_t) f, db, conv_loss, &ctx, H_STEP, ATOL, RTOL) <= 1.0);

  if (perturb)
    {
      /* The check must be able to fail: a gradient off by 1e-4 is caught. */
      dk[nk / 2] += 1e-4;
      assert_true (grad_check_d (ctx.k, nk, dk, conv_loss, &ctx, H_STEP, ATOL, RTOL) > 1.0);
      dx[nx / 3] -= 1e-4;
      assert_true (grad_check_d (ctx.x, nx, dx, conv_loss, &ctx, H_STEP, ATOL, RTOL) > 1.0);
    }

  free (ctx.x); free (ctx.k); free (ctx.b); free (ctx.r); free (ctx.y);
  free (dx); free (dk); free (db);
}

static void
test_conv2d_gradient (void **state)
{
  check_conv (2, 5, 5, 1, 2, 3, 1, 1, 1, 1);   /* stride 1, same */
  check_conv (2, 6, 5, 3, 4, 3, 1, 0, 2, 0);   /* stride 1, valid, multi-channel */
  check_conv (1, 7, 6, 2, 3, 3, 2, 1, 3, 1);   /* stride 2, same, odd sizes */
  check_conv (2, 7, 7, 2, 3, 3, 2, 0, 4, 0);   /* stride 2, valid */
  check_conv (1, 6, 6, 2, 2, 2, 1, 1, 5, 0);   /* even kernel, same (pads bottom/right) */
  check_conv (1, 8, 7, 3, 2, 4, 3, 1, 6, 0);   /* stride 3 */
}

/* A backward pass accumulates: twice the call, twice the gradient. */
static void
test_conv2d_accumulates (void **state)
{
  CvConvDims d = make_conv_dims (1, 4, 4, 1, 2, 3, 1, 1);
  float x[16], k[18], b[2], dy[32], dk[18] = { 0 }, db[2] = { 0 }, dk1[18], db1[2];
  CvRng rng;
  cv_rng_seed (&rng, 9);
  fill_uniform_f (x, 16, &rng, -1, 1);
  fill_uniform_f (k, 18, &rng, -1, 1);
  fill_uniform_f (b, 2, &rng, -1, 1);
  fill_uniform_f (dy, 32, &rng, -1, 1);
  cv_ref_conv2d_backward (NULL, dk, db, dy, x, k, &d);
  memcpy (dk1, dk, sizeof dk);
  memcpy (db1, db, sizeof db);
  cv_ref_conv2d_backward (NULL, dk, db, dy, x, k, &d);
  for (int i = 0; i < 18; i++)
    assert_float_equal (dk[i], 2 * dk1[i], 1e-6);
  for (int i = 0; i < 2; i++)
    assert_float_equal (db[i], 2 * db1[i], 1e-6);
}

/* -------------------------------------------------------------- pools */

typedef struct {
  CvPoolDims d;
  int max;
  double *x, *r, *y;
  int32_t *argmax;
} PoolCtx;

static double
pool_loss (void *p)
{
  PoolCtx *c = p;
  if (c->max)
    cv_refd_maxpool_forward (c->y, c->argmax, c->x, &c->d);
  else
    cv_refd_avgpool_forward (c->y, c->x, &c->d);
  return dot (c->y, c->r, (size_t) c->d.n * c->d.oh * c->d.ow * c->d.c);
}

static void
check_pool (int max, int n, int h, int w, int c, int k, int s, uint64_t seed)
{
  CvRng rng;
  cv_rng_seed (&rng, seed);
  PoolCtx ctx = { .max = max };
  ctx.d = (CvPoolDims) { .n = n, .h = h, .w = w, .c = c, .k = k, .s = s,
                         .oh = cv_conv_output_size (h, k, s, 0),
                         .ow = cv_conv_output_size (w, k, s, 0) };
  size_t nx = (size_t) n * h * w * c, ny = (size_t) n * ctx.d.oh * ctx.d.ow * c;
  ctx.x = malloc (sizeof (double) * nx);
  ctx.r = malloc (sizeof (double) * ny);
  ctx.y = malloc (sizeof (double) * ny);
  ctx.argmax = malloc (sizeof (int32_t) * ny);
  double *dx = malloc (sizeof (double) * nx);
  /* Distinct values, at least 1e-3 apart, so no step crosses a tie. */
  for (size_t i = 0; i < nx; i++)
    ctx.x[i] = (double) ((i * 7919) % nx) * 1e-2 - 0.3;
  fill_uniform_d (ctx.r, ny, &rng, -1, 1);

  pool_loss (&ctx);
  if (max)
    cv_refd_maxpool_backward (dx, ctx.r, ctx.argmax, &ctx.d);
  else
    cv_refd_avgpool_backward (dx, ctx.r, &ctx.d);
  assert_true (grad_check_d (ctx.x, nx, dx, pool_loss, &ctx, H_STEP, ATOL, RTOL) <= 1.0);
  dx[nx / 2] += 1e-4;
  assert_true (grad_check_d (ctx.x, nx, dx, pool_loss, &ctx, H_STEP, ATOL, RTOL) > 1.0);

  free (ctx.x); free (ctx.r); free (ctx.y); free (ctx.argmax); free (dx);
}

static void
test_maxpool_gradient (void **state)
{
  check_pool (1, 2, 4, 4, 3, 2, 2, 11);
  check_pool (1, 1, 7, 5, 2, 3, 2, 12);   /* overlapping windows */
  check_pool (1, 1, 5, 5, 1, 2, 1, 13);
}

static void
test_avgpool_gradient (void **state)
{
  check_pool (0, 2, 4, 4, 3, 2, 2, 21);
  check_pool (0, 1, 7, 5, 2, 3, 2, 22);
  check_pool (0, 1, 5, 5, 1, 2, 1, 23);
}

static void
test_maxpool_values (void **state)
{
  /* 4×4×1 → 2×2×1 */
  float x[16] = { 1, 3, 2, 0,
                  4, 2, 1, 1,
                  0, 0, 5, 6,
                  1, 2, 7, 8 };
  float y[4];
  int32_t am[4];
  CvPoolDims d = { 1, 4, 4, 1, 2, 2, 2, 2 };
  cv_ref_maxpool_forward (y, am, x, &d);
  assert_float_equal (y[0], 4, 0);
  assert_float_equal (y[1], 2, 0);
  assert_float_equal (y[2], 2, 0);
  assert_float_equal (y[3], 8, 0);
  assert_int_equal (am[0], 4);
  assert_int_equal (am[3], 15);
  cv_ref_avgpool_forward (y, x, &d);
  assert_float_equal (y[0], 2.5, 0);
  assert_float_equal (y[3], 6.5, 0);
}

/* -------------------------------------------------------------- dense */

typedef struct {
  int n, in, out;
  double *x, *w, *b, *r, *y;
} DenseCtx;

static double
dense_loss (void *p)
{
  DenseCtx *c = p;
  cv_refd_dense_forward (c->y, c->x, c->w, c->b, c->n, c->in, c->out);
  return dot (c->y, c->r, (size_t) c->n * c->out);
}

static void
test_dense_gradient (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 31);
  DenseCtx c = { .n = 3, .in = 7, .out = 5 };
  size_t nx = 21, nw = 35, ny = 15;
  c.x = malloc (sizeof (double) * nx);
  c.w = malloc (sizeof (double) * nw);
  c.b = malloc (sizeof (double) * 5);
  c.r = malloc (sizeof (double) * ny);
  c.y = malloc (sizeof (double) * ny);
  double *dx = malloc (sizeof (double) * nx);
  double *dw = calloc (nw, sizeof (double));
  double *db = calloc (5, sizeof (double));
  fill_uniform_d (c.x, nx, &rng, -1, 1);
  fill_uniform_d (c.w, nw, &rng, -1, 1);
  fill_uniform_d (c.b, 5, &rng, -1, 1);
  fill_uniform_d (c.r, ny, &rng, -1, 1);
  cv_refd_dense_backward (dx, dw, db, c.r, c.x, c.w, c.n, c.in, c.out);
  assert_true (grad_check_d (c.x, nx, dx, dense_loss, &c, H_STEP, ATOL, RTOL) <= 1.0);
  assert_true (grad_check_d (c.w, nw, dw, dense_loss, &c, H_STEP, ATOL, RTOL) <= 1.0);
  assert_true (grad_check_d (c.b, 5, db, dense_loss, &c, H_STEP, ATOL, RTOL) <= 1.0);
  dw[7] *= 1.001;
  dw[7] += 1e-4;
  assert_true (grad_check_d (c.w, nw, dw, dense_loss, &c, H_STEP, ATOL, RTOL) > 1.0);
  free (c.x); free (c.w); free (c.b); free (c.r); free (c.y);
  free (dx); free (dw); free (db);
}

/* --------------------------------------------------------------- relu */

typedef struct {
  size_t n;
  double *x, *r, *y;
} ReluCtx;

static double
relu_loss (void *p)
{
  ReluCtx *c = p;
  cv_refd_relu_forward (c->y, c->x, c->n);
  return dot (c->y, c->r, c->n);
}

static void
test_relu_gradient (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 41);
  ReluCtx c = { .n = 40 };
  c.x = malloc (sizeof (double) * c.n);
  c.r = malloc (sizeof (double) * c.n);
  c.y = malloc (sizeof (double) * c.n);
  double *dx = malloc (sizeof (double) * c.n);
  fill_uniform_d (c.x, c.n, &rng, -1, 1);
  for (size_t i = 0; i < c.n; i++)   /* keep away from the kink at 0 */
    c.x[i] += c.x[i] >= 0 ? 0.01 : -0.01;
  fill_uniform_d (c.r, c.n, &rng, -1, 1);
  relu_loss (&c);
  cv_refd_relu_backward (dx, c.r, c.y, c.n);
  assert_true (grad_check_d (c.x, c.n, dx, relu_loss, &c, H_STEP, ATOL, RTOL) <= 1.0);
  dx[3] += 1e-4;
  assert_true (grad_check_d (c.x, c.n, dx, relu_loss, &c, H_STEP, ATOL, RTOL) > 1.0);
  free (c.x); free (c.r); free (c.y); free (dx);
}

/* ------------------------------------------------ softmax-cross-entropy */

typedef struct {
  int n, classes;
  double *z;
  uint8_t *labels;
} XentCtx;

static double
xent_loss (void *p)
{
  XentCtx *c = p;
  return cv_refd_xent_loss (c->z, c->labels, c->n, c->classes);
}

static void
test_softmax_xent_gradient (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 51);
  uint8_t labels[4] = { 0, 3, 2, 3 };
  XentCtx c = { .n = 4, .classes = 5, .labels = labels };
  double z[20], p[20], dz[20];
  c.z = z;
  fill_uniform_d (z, 20, &rng, -3, 3);
  cv_refd_softmax_forward (p, z, 4, 5);
  cv_refd_xent_backward (dz, p, labels, 4, 4, 5);
  assert_true (grad_check_d (z, 20, dz, xent_loss, &c, H_STEP, ATOL, RTOL) <= 1.0);
  dz[6] += 1e-4;
  assert_true (grad_check_d (z, 20, dz, xent_loss, &c, H_STEP, ATOL, RTOL) > 1.0);
}

/* Large logits neither overflow nor lose the answer. */
static void
test_softmax_stable (void **state)
{
  float z[3] = { 1000.0f, 999.0f, -1000.0f }, p[3];
  uint8_t label = 1;
  cv_ref_softmax_forward (p, z, 1, 3);
  assert_true (isfinite (p[0]) && isfinite (p[1]) && isfinite (p[2]));
  assert_float_equal (p[0] + p[1] + p[2], 1.0f, 1e-6);
  assert_float_equal (p[0], 0.7310586f, 1e-6);
  double loss = cv_ref_xent_loss (z, &label, 1, 3);
  assert_float_equal (loss, 1.3132617, 1e-6);   /* log(1 + e) */
}

/* --------------------------------------------- the curriculum's numbers */

/* A 5×5 input and a 3×3 kernel, no padding, stride 1: a 3×3 feature map,
 * worked out by hand: y[i][j] = x[i][j] + 2 x[i][j+1] + x[i+1][j+1] - x[i+2][j+2]. */
static void
test_conv2d_worked_example (void **state)
{
  const float x[25] = { 1, 2, 0, 1, 3,
                        0, 1, 3, 1, 0,
                        2, 1, 0, 2, 1,
                        1, 0, 1, 3, 2,
                        0, 2, 1, 0, 1 };
  const float k[9] = { 1, 2, 0,
                       0, 1, 0,
                       0, 0, -1 };
  const float b[1] = { 0 };
  const float expected[9] = { 6, 3, 2,
                              2, 4, 5,
                              3, 2, 6 };
  float y[9];
  CvConvDims d = make_conv_dims (1, 5, 5, 1, 1, 3, 1, 0);
  assert_int_equal (d.oh, 3);
  assert_int_equal (d.ow, 3);

  cv_ref_conv2d_forward (y, x, k, b, &d);
  for (int i = 0; i < 9; i++)
    assert_float_equal (y[i], expected[i], 0);

  /* The network's own kernel (whichever path it takes) agrees. */
  CvScratch scratch = { 0 };
  memset (y, 0, sizeof y);
  assert_int_equal (cv_conv2d_forward (y, x, k, b, &d, &scratch, NULL), 0);
  for (int i = 0; i < 9; i++)
    assert_float_equal (y[i], expected[i], 0);
  cv_scratch_free (&scratch);

  /* With padding "same" the map keeps the 5×5 size; its centre is unchanged. */
  CvConvDims ds = make_conv_dims (1, 5, 5, 1, 1, 3, 1, 1);
  float ys[25];
  assert_int_equal (ds.oh, 5);
  cv_ref_conv2d_forward (ys, x, k, b, &ds);
  assert_float_equal (ys[1 * 5 + 1], 6, 0);
  assert_float_equal (ys[3 * 5 + 3], 6, 0);
  assert_float_equal (ys[0], 1 + 0 - 1, 0);   /* x00 * K11 + x01 * 0 + x11 * K22 */
}

/* (H - k + 2p) / s + 1 */
static void
test_output_size (void **state)
{
  assert_int_equal (cv_conv_output_size (5, 3, 1, 0), 3);     /* the seed's example */
  assert_int_equal (cv_conv_output_size (5, 3, 1, 1), 5);     /* same */
  assert_int_equal (cv_conv_output_size (28, 5, 1, 0), 24);
  assert_int_equal (cv_conv_output_size (28, 5, 1, 2), 28);
  assert_int_equal (cv_conv_output_size (32, 3, 2, 1), 16);
  assert_int_equal (cv_conv_output_size (7, 3, 2, 0), 3);
  assert_int_equal (cv_conv_output_size (224, 7, 2, 3), 112);
  assert_int_equal (cv_conv_output_size (16, 2, 2, 0), 8);    /* maxpool2 */
  assert_int_equal (cv_conv_output_size (3, 5, 1, 0), 0);     /* does not fit */
}

/* ------------------------------------------- a whole network, in double */

/*
 * The layers chained the way a network chains them, every step in double:
 *   6×6×2 → conv 4 k3 s1 same → ReLU → maxpool 2 → conv 5 k2 s2 same → ReLU
 *   → avgpool 2 → flatten → dense 6 → ReLU → dense 3 → softmax + cross-entropy
 * and the gradient of the loss with respect to every parameter and every
 * input pixel checked against central differences. (test-net.c checks the
 * engine's own float network the same way, with float's tolerances.)
 */
typedef struct {
  CvConvDims c1, c2;
  CvPoolDims p1, p2;
  int n, hidden, classes;
  double *theta;                 /* k1 b1 k2 b2 w3 b3 w4 b4 */
  size_t ok1, ob1, ok2, ob2, ow3, ob3, ow4, ob4, np;
  double *x;
  uint8_t labels[2];
  double *a1, *r1, *m1, *a2, *r2, *g2, *z3, *r3, *z4, *p;
  int32_t *am1;
} NetD;

static double
netd_loss (void *ctx)
{
  NetD *c = ctx;
  const double *t = c->theta;
  size_t n1 = (size_t) c->n * c->c1.oh * c->c1.ow * c->c1.f;
  size_t n2 = (size_t) c->n * c->c2.oh * c->c2.ow * c->c2.f;
  int flat = c->p2.oh * c->p2.ow * c->p2.c;

  cv_refd_conv2d_forward (c->a1, c->x, t + c->ok1, t + c->ob1, &c->c1);
  cv_refd_relu_forward (c->r1, c->a1, n1);
  cv_refd_maxpool_forward (c->m1, c->am1, c->r1, &c->p1);
  cv_refd_conv2d_forward (c->a2, c->m1, t + c->ok2, t + c->ob2, &c->c2);
  cv_refd_relu_forward (c->r2, c->a2, n2);
  cv_refd_avgpool_forward (c->g2, c->r2, &c->p2);
  cv_refd_dense_forward (c->z3, c->g2, t + c->ow3, t + c->ob3, c->n, flat, c->hidden);
  cv_refd_relu_forward (c->r3, c->z3, (size_t) c->n * c->hidden);
  cv_refd_dense_forward (c->z4, c->r3, t + c->ow4, t + c->ob4, c->n, c->hidden, c->classes);
  return cv_refd_xent_loss (c->z4, c->labels, c->n, c->classes);
}

/* Backpropagation through the chain: grad (np) accumulates, dx is written. */
static void
netd_backward (NetD *c, double *grad, double *dx)
{
  const double *t = c->theta;
  size_t n1 = (size_t) c->n * c->c1.oh * c->c1.ow * c->c1.f;
  size_t nm = (size_t) c->n * c->p1.oh * c->p1.ow * c->p1.c;
  size_t n2 = (size_t) c->n * c->c2.oh * c->c2.ow * c->c2.f;
  int flat = c->p2.oh * c->p2.ow * c->p2.c;
  double *dz4 = malloc (sizeof (double) * c->n * c->classes);
  double *dr3 = malloc (sizeof (double) * c->n * c->hidden);
  double *dz3 = malloc (sizeof (double) * c->n * c->hidden);
  double *dg2 = malloc (sizeof (double) * c->n * flat);
  double *dr2 = malloc (sizeof (double) * n2);
  double *da2 = malloc (sizeof (double) * n2);
  double *dm1 = malloc (sizeof (double) * nm);
  double *dr1 = malloc (sizeof (double) * n1);
  double *da1 = malloc (sizeof (double) * n1);

  netd_loss (c);
  cv_refd_softmax_forward (c->p, c->z4, c->n, c->classes);
  cv_refd_xent_backward (dz4, c->p, c->labels, c->n, c->n, c->classes);
  cv_refd_dense_backward (dr3, grad + c->ow4, grad + c->ob4, dz4, c->r3, t + c->ow4,
                          c->n, c->hidden, c->classes);
  cv_refd_relu_backward (dz3, dr3, c->r3, (size_t) c->n * c->hidden);
  cv_refd_dense_backward (dg2, grad + c->ow3, grad + c->ob3, dz3, c->g2, t + c->ow3,
                          c->n, flat, c->hidden);
  cv_refd_avgpool_backward (dr2, dg2, &c->p2);
  cv_refd_relu_backward (da2, dr2, c->r2, n2);
  cv_refd_conv2d_backward (dm1, grad + c->ok2, grad + c->ob2, da2, c->m1, t + c->ok2, &c->c2);
  cv_refd_maxpool_backward (dr1, dm1, c->am1, &c->p1);
  cv_refd_relu_backward (da1, dr1, c->r1, n1);
  cv_refd_conv2d_backward (dx, grad + c->ok1, grad + c->ob1, da1, c->x, t + c->ok1, &c->c1);

  free (dz4); free (dr3); free (dz3); free (dg2); free (dr2);
  free (da2); free (dm1); free (dr1); free (da1);
}

static void
test_network_gradient_double (void **state)
{
  NetD c = { .n = 2, .hidden = 6, .classes = 3, .labels = { 2, 0 } };
  CvRng rng;
  size_t nx, n1, nm, n2;
  int flat;

  cv_rng_seed (&rng, 2024);
  c.c1 = make_conv_dims (c.n, 6, 6, 2, 4, 3, 1, 1);
  c.p1 = (CvPoolDims) { .n = c.n, .h = c.c1.oh, .w = c.c1.ow, .c = 4, .k = 2, .s = 2,
                        .oh = c.c1.oh / 2, .ow = c.c1.ow / 2 };
  c.c2 = make_conv_dims (c.n, c.p1.oh, c.p1.ow, 4, 5, 2, 2, 1);
  c.p2 = (CvPoolDims) { .n = c.n, .h = c.c2.oh, .w = c.c2.ow, .c = 5, .k = 2, .s = 2,
                        .oh = c.c2.oh / 2, .ow = c.c2.ow / 2 };
  assert_int_equal (c.c2.oh, 2);
  assert_int_equal (c.p2.oh, 1);
  flat = c.p2.oh * c.p2.ow * c.p2.c;

  c.ok1 = 0;
  c.ob1 = c.ok1 + 3 * 3 * 2 * 4;
  c.ok2 = c.ob1 + 4;
  c.ob2 = c.ok2 + 2 * 2 * 4 * 5;
  c.ow3 = c.ob2 + 5;
  c.ob3 = c.ow3 + (size_t) flat * c.hidden;
  c.ow4 = c.ob3 + c.hidden;
  c.ob4 = c.ow4 + (size_t) c.hidden * c.classes;
  c.np = c.ob4 + c.classes;

  nx = (size_t) c.n * 6 * 6 * 2;
  n1 = (size_t) c.n * c.c1.oh * c.c1.ow * c.c1.f;
  nm = (size_t) c.n * c.p1.oh * c.p1.ow * c.p1.c;
  n2 = (size_t) c.n * c.c2.oh * c.c2.ow * c.c2.f;
  c.theta = malloc (sizeof (double) * c.np);
  c.x = malloc (sizeof (double) * nx);
  c.a1 = malloc (sizeof (double) * n1);
  c.r1 = malloc (sizeof (double) * n1);
  c.m1 = malloc (sizeof (double) * nm);
  c.am1 = malloc (sizeof (int32_t) * nm);
  c.a2 = malloc (sizeof (double) * n2);
  c.r2 = malloc (sizeof (double) * n2);
  c.g2 = malloc (sizeof (double) * c.n * flat);
  c.z3 = malloc (sizeof (double) * c.n * c.hidden);
  c.r3 = malloc (sizeof (double) * c.n * c.hidden);
  c.z4 = malloc (sizeof (double) * c.n * c.classes);
  c.p = malloc (sizeof (double) * c.n * c.classes);
  fill_uniform_d (c.theta, c.np, &rng, -0.8, 0.8);
  fill_uniform_d (c.x, nx, &rng, -1, 1);

  double *grad = calloc (c.np, sizeof (double));
  double *dx = malloc (sizeof (double) * nx);
  netd_backward (&c, grad, dx);
  /* The loss must depend on every layer: some gradient in each is not 0. */
  size_t starts[] = { c.ok1, c.ok2, c.ow3, c.ow4, c.np };
  for (int layer = 0; layer < 4; layer++)
    {
      double largest = 0;
      for (size_t i = starts[layer]; i < starts[layer + 1]; i++)
        largest = fmax (largest, fabs (grad[i]));
      assert_true (largest > 1e-6);
    }
  assert_true (grad_check_d (c.theta, c.np, grad, netd_loss, &c, H_STEP, ATOL, RTOL) <= 1.0);
  assert_true (grad_check_d (c.x, nx, dx, netd_loss, &c, H_STEP, ATOL, RTOL) <= 1.0);

  /* The check must be able to fail: a first-layer kernel gradient, the
   * deepest in the chain, off by 1e-4. */
  grad[c.ok1 + 5] += 1e-4;
  assert_true (grad_check_d (c.theta, c.np, grad, netd_loss, &c, H_STEP, ATOL, RTOL) > 1.0);

  free (grad); free (dx); free (c.theta); free (c.x); free (c.a1); free (c.r1);
  free (c.m1); free (c.am1); free (c.a2); free (c.r2); free (c.g2); free (c.z3);
  free (c.r3); free (c.z4); free (c.p);
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    CV_TEST ("engine/conv2d/gradient", test_conv2d_gradient),
    CV_TEST ("engine/conv2d/accumulates", test_conv2d_accumulates),
    CV_TEST ("engine/conv2d/worked-example", test_conv2d_worked_example),
    CV_TEST ("engine/conv2d/output-size", test_output_size),
    CV_TEST ("engine/maxpool/gradient", test_maxpool_gradient),
    CV_TEST ("engine/maxpool/values", test_maxpool_values),
    CV_TEST ("engine/avgpool/gradient", test_avgpool_gradient),
    CV_TEST ("engine/dense/gradient", test_dense_gradient),
    CV_TEST ("engine/relu/gradient", test_relu_gradient),
    CV_TEST ("engine/softmax-xent/gradient", test_softmax_xent_gradient),
    CV_TEST ("engine/softmax-xent/stable", test_softmax_stable),
    CV_TEST ("engine/network/gradient-double", test_network_gradient_double),
  };
  return CV_TEST_MAIN ("engine/layers", tests);
}
