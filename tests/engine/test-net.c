/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-net.c — networks: specs, parameter counts, a whole-network gradient
 * check, determinism, a golden run and a small learning problem.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "test-engine.h"
#include "cv-kernels.h"

static CvNet *
new_net (const char *spec)
{
  CvNet *net = NULL;
  CvError err = { CV_OK, "" };
  CvStatus status = cv_net_new (spec, &net, &err);
  if (status != CV_OK)
    print_error ("%s: %s\n", spec, err.message);
  assert_int_equal (status, CV_OK);
  assert_non_null (net);
  return net;
}

/* ------------------------------------------------------ parameter counts */

static void
test_params_shapes (void **state)
{
  CvNet *net = new_net (cv_arch_spec ("shapes"));
  const size_t expected[] = { 80, 0, 0, 1168, 0, 0, 0, 8224, 0, 99, 0 };
  assert_int_equal (cv_net_n_layers (net), 11);
  for (int i = 0; i < 11; i++)
    assert_int_equal (cv_net_layer (net, i)->n_params, expected[i]);
  assert_int_equal (cv_net_n_params (net), 9571);

  /* Output shapes, as the curriculum lists them. */
  const CvLayerInfo *L = cv_net_layer (net, 0);
  assert_int_equal (L->out.h, 16); assert_int_equal (L->out.w, 16); assert_int_equal (L->out.c, 8);
  L = cv_net_layer (net, 3);
  assert_int_equal (L->out.h, 8); assert_int_equal (L->out.c, 16);
  L = cv_net_layer (net, 6);
  assert_int_equal (L->kind, CV_LAYER_FLATTEN);
  assert_int_equal (L->out.c, 256);
  assert_int_equal (cv_net_n_classes (net), 3);
  assert_string_equal (cv_layer_kind_name (cv_net_layer (net, 0)->kind), "Conv2D");
  assert_string_equal (cv_layer_kind_name (cv_net_layer (net, 2)->kind), "MaxPool2D");
  cv_net_free (net);
}

static void
test_params_builtins (void **state)
{
  CvNet *net = new_net (cv_arch_spec ("digits-small"));
  assert_int_equal (cv_net_layer (net, 0)->n_params, 80);
  assert_int_equal (cv_net_layer (net, 3)->n_params, 1168);
  assert_int_equal (cv_net_layer (net, 7)->n_params, 25120);
  assert_int_equal (cv_net_layer (net, 9)->n_params, 330);
  assert_int_equal (cv_net_n_params (net), 80 + 1168 + 25120 + 330);
  cv_net_free (net);

  net = new_net (cv_arch_spec ("lenet"));
  assert_int_equal (cv_net_n_params (net), 454922);
  cv_net_free (net);

  for (const char *const *name = cv_arch_names (); *name != NULL; name++)
    {
      assert_non_null (cv_arch_spec (*name));
      net = new_net (cv_arch_spec (*name));
      assert_string_equal (cv_net_spec (net), cv_arch_spec (*name));
      cv_net_free (net);
    }
  assert_null (cv_arch_spec ("resnet"));
  assert_null (cv_arch_spec (NULL));
}

/* ------------------------------------------------------------- the spec */

static void
test_spec_good (void **state)
{
  CvNet *net = new_net ("  16X16x1  CONV8k3s1same relu pool2 conv16k3 relu pool2 flatten dense32 relu dense3 softmax ");
  assert_string_equal (cv_net_spec (net),
                       "16x16x1 conv8k3same relu maxpool2 conv16k3same relu maxpool2 flatten dense32 relu dense3 softmax");
  assert_int_equal (cv_net_n_params (net), 9571);
  cv_net_free (net);

  net = new_net ("9x7x2 conv4k3s2valid avgpool2s1 conv3k2s2same maxpool1 dense2 softmax");
  const CvLayerInfo *L = cv_net_layer (net, 0);
  assert_int_equal (L->out.h, 4); assert_int_equal (L->out.w, 3); assert_int_equal (L->out.c, 4);
  assert_int_equal (L->stride, 2); assert_int_equal (L->pad_same, 0);
  L = cv_net_layer (net, 1);
  assert_int_equal (L->kind, CV_LAYER_AVGPOOL);
  assert_int_equal (L->out.h, 3); assert_int_equal (L->out.w, 2);
  L = cv_net_layer (net, 2);
  assert_int_equal (L->out.h, 2); assert_int_equal (L->out.w, 1);
  assert_int_equal (L->pad_top, 0); assert_int_equal (L->pad_left, 0);
  assert_string_equal (cv_net_spec (net),
                       "9x7x2 conv4k3s2valid avgpool2s1 conv3k2s2same maxpool1 dense2 softmax");
  /* Dense flattens implicitly: 2·1·3 inputs. */
  assert_int_equal (cv_net_layer (net, 4)->n_params, 2 * 1 * 3 * 2 + 2);
  assert_null (cv_net_layer (net, 6));
  assert_null (cv_net_layer (net, -1));
  cv_net_free (net);

  /* same padding: ceil(H / s) and half the padding on top, rounded down. */
  net = new_net ("6x6x1 conv2k4s1same dense2 softmax");
  L = cv_net_layer (net, 0);
  assert_int_equal (L->out.h, 6);
  assert_int_equal (L->pad_top, 1);
  cv_net_free (net);
}

static void
expect_bad (const char *spec, CvStatus code, const char *fragment)
{
  CvNet *net = (CvNet *) 0x1;
  CvError err = { CV_OK, "" };
  CvStatus status = cv_net_new (spec, &net, &err);
  if (status != code || strstr (err.message, fragment) == NULL)
    print_error ("spec '%s' gave %s: %s\n", spec ? spec : "(null)", cv_status_name (status), err.message);
  assert_int_equal (status, code);
  assert_int_equal (err.status, code);
  assert_null (net);
  assert_non_null (strstr (err.message, fragment));
  assert_true (strlen (err.message) > 10);
}

static void
test_spec_bad (void **state)
{
  expect_bad ("16x16x1 conv8k3same relu banana dense3 softmax", CV_ERR_SPEC, "Layer 3 'banana'");
  expect_bad ("8x8x1 conv8k3same relu maxpool2 conv16k5valid relu flatten dense3 softmax",
              CV_ERR_SHAPE, "Layer 4 'conv16k5valid': a 5×5 kernel does not fit a 4×4 input");
  expect_bad ("16x16x1 conv8k3same relu flatten dense3", CV_ERR_SPEC, "'dense3'");
  expect_bad ("16x16x1 conv8k3same relu flatten dense3", CV_ERR_SPEC, "softmax");
  expect_bad ("", CV_ERR_SPEC, "empty");
  expect_bad ("   \t ", CV_ERR_SPEC, "empty");
  expect_bad (NULL, CV_ERR_ARG, "spec");
  expect_bad ("16x16x1", CV_ERR_SPEC, "softmax");
  expect_bad ("4x4x1 softmax", CV_ERR_SPEC, "Layer 1 'softmax'");
  expect_bad ("conv8k3 dense3 softmax", CV_ERR_SPEC, "input shape");
  expect_bad ("16x16 dense3 softmax", CV_ERR_SPEC, "input shape");
  expect_bad ("16x16x1 dense3 softmax relu", CV_ERR_SPEC, "Layer 3 'relu'");
  expect_bad ("16x16x1 conv8k3middle dense3 softmax", CV_ERR_SPEC, "Layer 1 'conv8k3middle'");
  expect_bad ("16x16x1 conv0k3 dense3 softmax", CV_ERR_SPEC, "Layer 1");
  expect_bad ("16x16x1 conv8k3s0 dense3 softmax", CV_ERR_SPEC, "Layer 1");
  expect_bad ("16x16x1 dense-3 softmax", CV_ERR_SPEC, "Layer 1 'dense-3'");
  expect_bad ("16x16x1 maxpool32 dense3 softmax", CV_ERR_SHAPE, "Layer 1 'maxpool32'");
  expect_bad ("16x16x1 dense1 softmax", CV_ERR_SHAPE, "Layer 2 'softmax'");
  expect_bad ("16x16x1 dense300 softmax", CV_ERR_SHAPE, "Layer 2");
  expect_bad ("16x16x1 dense99999999 softmax", CV_ERR_SPEC, "Layer 1");
  expect_bad ("4096x4096x4096 dense3 softmax", CV_ERR_SHAPE, "input shape");
  expect_bad ("512x512x64 dense65536 softmax", CV_ERR_SHAPE, "parameters");
  expect_bad ("16x16x1 conv8k3sameconv8k3samesameconv8k3samesameconv8k3samesame softmax",
              CV_ERR_SPEC, "Layer 1");
}

/* ------------------------------------------ whole network, gradient check */

typedef struct {
  CvNet *net;
  const float *x;
  const uint8_t *y;
  int n;
} NetCtx;

static double
net_loss (NetCtx *c)
{
  assert_int_equal (cv_net_forward (c->net, c->x, c->n), CV_OK);
  return cv_net_loss (c->net, c->y, c->n);
}

/* The engine computes in float, so the steps are larger and the tolerance
 * looser than in the per-layer checks (which run the same code in double);
 * the check must still reject a gradient that is wrong by 1%. */
static void
test_net_gradient (void **state)
{
  CvNet *net = new_net ("6x6x2 conv4k3same relu maxpool2 conv5k2s2same relu avgpool2 flatten dense6 relu dense3 softmax");
  CvRng rng;
  cv_rng_seed (&rng, 77);
  cv_net_init (net, &rng);
  enum { N = 3 };
  float x[N * 72];
  uint8_t y[N] = { 0, 2, 1 };
  fill_uniform_f (x, N * 72, &rng, -1, 1);
  /* Non-zero biases so that no unit sits exactly at ReLU's kink. */
  float *params = cv_net_params (net);
  for (int i = 0; i < cv_net_n_layers (net); i++)
    {
      const CvLayerInfo *L = cv_net_layer (net, i);
      for (size_t t = L->bias_offset; t < L->param_offset + L->n_params; t++)
        params[t] = 0.1f * (cv_rng_uniform (&rng) - 0.3f);
    }

  NetCtx c = { net, x, y, N };
  net_loss (&c);
  cv_net_zero_grads (net);
  assert_int_equal (cv_net_backward (net, y, N), CV_OK);
  size_t np = cv_net_n_params (net);
  float *grads = malloc (sizeof (float) * np);
  float dx[N * 72];
  memcpy (grads, cv_net_grads (net), sizeof (float) * np);
  memcpy (dx, cv_net_input_grad (net), sizeof dx);

  const double h = 1e-2, atol = 2e-4, rtol = 1e-2;
  double worst = 0;
  size_t perturbed_at = 0;
  for (size_t i = 0; i < np; i++)
    {
      float saved = params[i];
      params[i] = saved + (float) h;
      double lp = net_loss (&c);
      params[i] = saved - (float) h;
      double lm = net_loss (&c);
      params[i] = saved;
      double numeric = (lp - lm) / (2 * h);
      double ratio = fabs (grads[i] - numeric) / (atol + rtol * fmax (fabs (grads[i]), fabs (numeric)));
      worst = fmax (worst, ratio);
      if (fabs (grads[i]) > 0.05)
        {
          /* A gradient 10% off must fail the same test. */
          double wrong = grads[i] * 1.1;
          double bad = fabs (wrong - numeric) / (atol + rtol * fmax (fabs (wrong), fabs (numeric)));
          assert_true (bad > 1.0);
          perturbed_at++;
        }
    }
  assert_true (perturbed_at > 0);
  if (worst > 1.0)
    print_error ("parameters: worst ratio %g\n", worst);
  assert_true (worst <= 1.0);

  worst = 0;
  for (size_t i = 0; i < N * 72; i++)
    {
      float saved = x[i];
      x[i] = saved + (float) h;
      double lp = net_loss (&c);
      x[i] = saved - (float) h;
      double lm = net_loss (&c);
      x[i] = saved;
      double numeric = (lp - lm) / (2 * h);
      double ratio = fabs (dx[i] - numeric) / (atol + rtol * fmax (fabs (dx[i]), fabs (numeric)));
      worst = fmax (worst, ratio);
    }
  if (worst > 1.0)
    print_error ("input: worst ratio %g\n", worst);
  assert_true (worst <= 1.0);
  free (grads);
  cv_net_free (net);
}

/* Forward and backward reject what they cannot use. */
static void
test_net_arguments (void **state)
{
  CvNet *net = new_net ("4x4x1 dense3 softmax");
  float x[32] = { 0 };
  uint8_t y[2] = { 0, 3 };
  assert_null (cv_net_output (net));
  assert_null (cv_net_input_grad (net));
  assert_int_equal (cv_net_forward (net, NULL, 1), CV_ERR_ARG);
  assert_int_equal (cv_net_forward (net, x, 0), CV_ERR_ARG);
  assert_int_equal (cv_net_forward (net, x, INT_MAX / 8), CV_ERR_ARG);   /* refused before use */
  assert_int_equal (cv_net_forward (net, x, 2), CV_OK);
  assert_int_equal (cv_net_backward (net, y, 2), CV_ERR_ARG);   /* label 3 of 3 classes */
  assert_true (isnan (cv_net_loss (net, y, 2)));
  y[1] = 2;
  assert_int_equal (cv_net_backward (net, y, 1), CV_ERR_ARG);   /* not the forward's n */
  assert_int_equal (cv_net_backward (net, y, 2), CV_OK);
  float probs[3];
  assert_int_equal (cv_net_predict (net, x, probs), CV_OK);
  assert_float_equal (probs[0], 1.0f / 3.0f, 1e-6);   /* zero weights */

  CvNet *other = new_net ("4x4x1 dense4 softmax");
  assert_int_equal (cv_net_copy_params (other, net), CV_ERR_ARG);
  cv_net_free (other);
  other = cv_net_clone (net);
  assert_non_null (other);
  assert_int_equal (cv_net_copy_params (other, net), CV_OK);
  cv_net_free (other);
  cv_net_free (net);
  cv_net_free (NULL);
}

/* He before ReLU, Glorot otherwise: check the spread of the weights. */
static void
test_net_init (void **state)
{
  CvNet *net = new_net ("28x28x1 conv32k3same relu maxpool2 flatten dense10 softmax");
  CvRng rng;
  cv_rng_seed (&rng, 5);
  cv_net_init (net, &rng);
  const CvLayerInfo *conv = cv_net_layer (net, 0);
  const CvLayerInfo *dense = cv_net_layer (net, 4);
  const float *p = cv_net_params (net);
  double sum2 = 0, maxabs = 0;
  size_t nw = conv->bias_offset - conv->param_offset;
  for (size_t i = 0; i < nw; i++)
    sum2 += (double) p[conv->param_offset + i] * p[conv->param_offset + i];
  assert_float_equal (sqrt (sum2 / nw), sqrt (2.0 / 9.0), 0.06);   /* He: sqrt(2 / fan_in) */
  nw = dense->bias_offset - dense->param_offset;
  double limit = sqrt (6.0 / (14 * 14 * 32 + 10));
  for (size_t i = 0; i < nw; i++)
    maxabs = fmax (maxabs, fabs (p[dense->param_offset + i]));
  assert_true (maxabs <= limit);
  assert_true (maxabs > 0.95 * limit);
  for (int i = 0; i < 32; i++)
    assert_float_equal (p[conv->bias_offset + i], 0.0f, 0);
  cv_net_free (net);
}

/* ------------------------------------------------------- determinism */

static void
make_bars (float *x, uint8_t *y, int n, CvRng *rng)
{
  /* Class 0: a horizontal bar, class 1: a vertical bar, at a random place. */
  memset (x, 0, sizeof (float) * 256 * (size_t) n);
  for (int s = 0; s < n; s++)
    {
      int cls = (int) cv_rng_below (rng, 2);
      int at = 2 + (int) cv_rng_below (rng, 12);
      int from = (int) cv_rng_below (rng, 6);
      int len = 6 + (int) cv_rng_below (rng, 5);
      for (int t = from; t < from + len; t++)
        {
          if (cls == 0)
            x[s * 256 + at * 16 + t] = 1.0f;
          else
            x[s * 256 + t * 16 + at] = 1.0f;
        }
      y[s] = (uint8_t) cls;
    }
}

static float
run_steps (int steps, uint64_t seed, float **params_out, int batch)
{
  CvNet *net = new_net (cv_arch_spec ("shapes"));
  CvRng rng;
  cv_rng_seed (&rng, seed);
  cv_net_init (net, &rng);
  float x[64 * 256];
  uint8_t y[64];
  make_bars (x, y, 64, &rng);

  CvTrainConfig cfg;
  cv_train_config_default (&cfg);
  cfg.batch = batch;
  cfg.seed = seed;
  CvTrain *train = NULL;
  assert_int_equal (cv_train_new (net, &cfg, x, y, 64, &train, NULL), CV_OK);
  CvBatchResult res = { 0 };
  for (int i = 0; i < steps; i++)
    assert_int_equal (cv_train_step (train, &res), CV_OK);
  if (params_out != NULL)
    {
      *params_out = malloc (sizeof (float) * cv_net_n_params (net));
      memcpy (*params_out, cv_net_params (net), sizeof (float) * cv_net_n_params (net));
    }
  cv_train_free (train);
  cv_net_free (net);
  return res.loss;
}

static void
test_determinism (void **state)
{
  float *a, *b, *c;
  run_steps (10, 42, &a, 16);
  run_steps (10, 42, &b, 16);
  run_steps (10, 43, &c, 16);
  assert_memory_equal (a, b, sizeof (float) * 9571);
  assert_memory_not_equal (a, c, sizeof (float) * 9571);
  free (a); free (b); free (c);

  CvRng r1, r2;
  cv_rng_seed (&r1, 123);
  cv_rng_seed (&r2, 123);
  for (int i = 0; i < 100; i++)
    assert_true (cv_rng_u64 (&r1) == cv_rng_u64 (&r2));
  for (int i = 0; i < 1000; i++)
    {
      float u = cv_rng_uniform (&r1);
      assert_true (u >= 0.0f && u < 1.0f);
      assert_true (cv_rng_below (&r1, 7) < 7);
    }
  uint32_t items[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  cv_rng_shuffle (&r1, items, 10);
  int seen = 0;
  for (int i = 0; i < 10; i++)
    seen |= 1 << items[i];
  assert_int_equal (seen, 1023);
}

/* Training with two, three or four threads gives the parameters one thread
 * gives, bit for bit, on the built-in networks at batch 32 and on one with a
 * stride-2 convolution whose input gradient runs through col2im; and on
 * digits-small at batch 40 (parts of 13, 13 and 14), 48 (three parts that
 * two threads run as 2 + 1 on two replicas) and 200 (eight parts of 25;
 * four threads: four lanes; at batch 32, four threads are two lanes whose
 * replicas split their products over two threads each). */
static float *
train_with_threads (const char *spec, int threads, int steps, uint64_t seed, int batch)
{
  CvNet *net = new_net (spec);
  cv_net_set_threads (net, threads);
  assert_int_equal (cv_net_get_threads (net), threads);
  CvRng rng;
  cv_rng_seed (&rng, seed);
  cv_net_init (net, &rng);
  int n = 2 * batch, classes = cv_net_n_classes (net);
  size_t per = cv_shape_size (cv_net_input_shape (net));
  float *x = malloc (sizeof (float) * per * n);
  uint8_t *y = malloc ((size_t) n);
  fill_uniform_f (x, per * n, &rng, 0, 1);
  for (int i = 0; i < n; i++)
    y[i] = (uint8_t) cv_rng_below (&rng, (uint32_t) classes);
  CvTrainConfig cfg;
  cv_train_config_default (&cfg);
  cfg.batch = batch;
  cfg.seed = seed;
  CvTrain *train = NULL;
  assert_int_equal (cv_train_new (net, &cfg, x, y, n, &train, NULL), CV_OK);
  CvBatchResult res = { 0 };
  for (int i = 0; i < steps; i++)
    assert_int_equal (cv_train_step (train, &res), CV_OK);
  /* Batch-1 predictions go through the same products. */
  float probs[256], probs1[256];
  assert_int_equal (cv_net_predict (net, x, probs), CV_OK);
  cv_net_set_threads (net, 1);
  assert_int_equal (cv_net_predict (net, x, probs1), CV_OK);
  assert_memory_equal (probs, probs1, sizeof (float) * classes);
  size_t np = cv_net_n_params (net);
  float *params = malloc (sizeof (float) * np);
  memcpy (params, cv_net_params (net), sizeof (float) * np);
  cv_train_free (train);
  cv_net_free (net);
  free (x);
  free (y);
  return params;
}

static void
test_threads_identical (void **state)
{
  const struct { const char *spec; int batch, steps; } runs[] = {
    { cv_arch_spec ("shapes"), 32, 6 },
    { cv_arch_spec ("digits-small"), 32, 6 },
    { cv_arch_spec ("lenet"), 32, 3 },
    { "28x28x3 conv16k3same relu conv16k3s2same relu maxpool2 dense10 softmax", 32, 6 },
    { cv_arch_spec ("digits-small"), 40, 4 },
    { cv_arch_spec ("digits-small"), 48, 4 },
    { cv_arch_spec ("digits-small"), 200, 3 },
  };
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
    {
      const char *spec = runs[i].spec;
      int batch = runs[i].batch, steps = runs[i].steps;
      float *one = train_with_threads (spec, 1, steps, 70 + i, batch);
      CvNet *net = new_net (spec);
      size_t np = cv_net_n_params (net);
      cv_net_free (net);
      for (int threads = 2; threads <= 4; threads++)
        {
          float *more = train_with_threads (spec, threads, steps, 70 + i, batch);
          assert_memory_equal (one, more, sizeof (float) * np);
          free (more);
        }
      free (one);
    }
  assert_int_equal (cv_net_get_threads (NULL), 1);
  cv_net_set_threads (NULL, 2);
}

/* A batch of 32 is trained as two parts of 16 whose gradients are summed:
 * one step must give, bit for bit, the parameters of Adam applied to
 * g(first 16) / 2 + g(last 16) / 2 (the halving is exact), computed here on
 * two clones through the public calls, with the trainer's shuffle. */
static void
test_train_parts (void **state)
{
  const char *specs[] = { cv_arch_spec ("digits-small"), cv_arch_spec ("shapes") };
  for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
    for (int threads = 1; threads <= 2; threads++)
      {
        CvNet *net = new_net (specs[i]);
        CvRng rng;
        cv_rng_seed (&rng, 90 + i);
        cv_net_init (net, &rng);
        int n = 32, classes = cv_net_n_classes (net);
        size_t per = cv_shape_size (cv_net_input_shape (net));
        size_t np = cv_net_n_params (net);
        float *x = malloc (sizeof (float) * per * n), *xb = malloc (sizeof (float) * per * n);
        uint8_t y[32], yb[32];
        fill_uniform_f (x, per * n, &rng, 0, 1);
        for (int s = 0; s < n; s++)
          y[s] = (uint8_t) cv_rng_below (&rng, (uint32_t) classes);

        /* The batch the trainer will gather. */
        CvTrainConfig cfg;
        cv_train_config_default (&cfg);
        cfg.batch = 32;
        cfg.seed = 5;
        CvRng shuffle;
        cv_rng_seed (&shuffle, cfg.seed);
        uint32_t order[32];
        for (int s = 0; s < n; s++)
          order[s] = (uint32_t) s;
        cv_rng_shuffle (&shuffle, order, (uint32_t) n);
        for (int s = 0; s < n; s++)
          {
            memcpy (xb + per * s, x + per * order[s], sizeof (float) * per);
            yb[s] = y[order[s]];
          }

        float *sum = malloc (sizeof (float) * np);
        for (int half = 0; half < 2; half++)
          {
            CvNet *part = cv_net_clone (net);
            assert_int_equal (cv_net_forward (part, xb + per * 16 * half, 16), CV_OK);
            cv_net_zero_grads (part);
            assert_int_equal (cv_net_backward (part, yb + 16 * half, 16), CV_OK);
            const float *g = cv_net_grads (part);
            for (size_t k = 0; k < np; k++)
              sum[k] = half == 0 ? 0.5f * g[k] : sum[k] + 0.5f * g[k];
            cv_net_free (part);
          }
        /* The whole batch's loss and right guesses, for the result. */
        CvNet *whole = cv_net_clone (net);
        assert_int_equal (cv_net_forward (whole, xb, n), CV_OK);
        float whole_loss = cv_net_loss (whole, yb, n);
        int whole_correct = 0;
        for (int s = 0; s < n; s++)
          {
            const float *p = cv_net_output (whole) + (size_t) s * classes;
            int best = 0;
            for (int c = 1; c < classes; c++)
              if (p[c] > p[best])
                best = c;
            whole_correct += best == yb[s];
          }
        cv_net_free (whole);

        float *expect = malloc (sizeof (float) * np);
        memcpy (expect, cv_net_params (net), sizeof (float) * np);
        CvOptimizer *opt = cv_opt_new (&cfg.opt, np);
        cv_opt_step (opt, expect, sum);
        cv_opt_free (opt);

        cv_net_set_threads (net, threads);
        CvTrain *train = NULL;
        assert_int_equal (cv_train_new (net, &cfg, x, y, n, &train, NULL), CV_OK);
        CvBatchResult res = { 0 };
        assert_int_equal (cv_train_step (train, &res), CV_OK);
        assert_int_equal (res.n, 32);
        assert_int_equal (res.correct, whole_correct);
        assert_float_equal (res.loss, whole_loss, 1e-6 * whole_loss);
        assert_memory_equal (cv_net_grads (net), sum, sizeof (float) * np);
        assert_memory_equal (cv_net_params (net), expect, sizeof (float) * np);
        cv_train_free (train);
        cv_net_free (net);
        free (x); free (xb); free (sum); free (expect);
      }
}

/* The xoshiro256** reference output for a known state. */
static void
test_rng_reference (void **state)
{
  CvRng rng = { { 1, 2, 3, 4 } };
  assert_true (cv_rng_u64 (&rng) == UINT64_C (11520));
  assert_true (cv_rng_u64 (&rng) == UINT64_C (0));
  assert_true (cv_rng_u64 (&rng) == UINT64_C (1509978240));
  assert_true (cv_rng_u64 (&rng) == UINT64_C (1215971899390074240));
}

/* Fixed seed, two steps, a recorded loss: a change in any layer, in the
 * initialization or in the optimizer shows up here. The reference kernels
 * must reproduce it bit for bit; the fast paths sum in another order, so
 * they get a float-rounding tolerance. */
#define GOLDEN_LOSS_AFTER_TWO_STEPS 0.891709149f

static void
test_golden_run (void **state)
{
  cv_kernels_force (CV_PATH_REFERENCE);
  float loss = run_steps (2, 1, NULL, 8);
  cv_kernels_force (-1);
  print_message ("golden loss after two steps: %.9g (reference kernels)\n", (double) loss);
  assert_true (loss == GOLDEN_LOSS_AFTER_TWO_STEPS);

  for (int path = CV_PATH_C; path <= cv_kernels_best_path (); path++)
    {
      cv_kernels_force (path);
      loss = run_steps (2, 1, NULL, 8);
      cv_kernels_force (-1);
      print_message ("golden loss after two steps: %.9g (path %d)\n", (double) loss, path);
      assert_float_equal (loss, GOLDEN_LOSS_AFTER_TWO_STEPS, 1e-5);
    }
}

/* -------------------------------------------------------------- training */

typedef struct {
  int calls;
  int stop_at;
} Progress;

static int
progress_cb (void *user, int batch, int batches, float loss)
{
  Progress *p = user;
  p->calls++;
  return p->stop_at >= 0 && p->calls >= p->stop_at;
}

static void
test_training_learns (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 2024);
  CvNet *net = new_net (cv_arch_spec ("shapes"));
  cv_net_init (net, &rng);
  enum { N = 96, V = 64 };
  float *x = malloc (sizeof (float) * 256 * N), *vx = malloc (sizeof (float) * 256 * V);
  uint8_t y[N], vy[V];
  make_bars (x, y, N, &rng);
  make_bars (vx, vy, V, &rng);

  CvTrainConfig cfg;
  cv_train_config_default (&cfg);
  cfg.batch = 16;
  cfg.opt.lr = 0.003f;
  CvTrain *train = NULL;
  assert_int_equal (cv_train_new (net, &cfg, x, y, N, &train, NULL), CV_OK);
  assert_int_equal (cv_train_batches_per_epoch (train), 6);
  assert_float_equal (cv_train_get_lr (train), 0.003f, 0);

  float first = 0, last = 0;
  for (int e = 0; e < 8; e++)
    {
      Progress p = { 0, -1 };
      CvEpochResult res;
      assert_int_equal (cv_train_epoch (train, progress_cb, &p, &res), CV_OK);
      assert_int_equal (p.calls, 6);
      assert_int_equal (res.n, N);
      if (e == 0)
        first = res.loss;
      last = res.loss;
    }
  assert_int_equal (cv_train_epoch_index (train), 8);
  assert_true (last < 0.5f * first);

  float loss, accuracy;
  int confusion[9];
  assert_int_equal (cv_net_evaluate (net, vx, vy, V, 10, &loss, &accuracy, confusion), CV_OK);
  print_message ("bars: loss %.4f -> %.4f, validation accuracy %.3f\n", first, last, accuracy);
  assert_true (accuracy >= 0.95f);
  int total = 0;
  for (int i = 0; i < 9; i++)
    total += confusion[i];
  assert_int_equal (total, V);
  assert_int_equal (confusion[0] + confusion[4], (int) lroundf (accuracy * V));

  /* Cancelling between batches leaves the epoch unfinished. */
  Progress stop = { 0, 2 };
  CvEpochResult part;
  assert_int_equal (cv_train_epoch (train, progress_cb, &stop, &part), CV_ERR_CANCELLED);
  assert_int_equal (part.n, 32);
  assert_int_equal (cv_train_epoch_index (train), 8);

  cv_train_free (train);
  cv_net_free (net);
  free (x);
  free (vx);
}

static void
augment_nan (float *x, int n, CvShape shape, CvRng *rng, void *user)
{
  x[0] = NAN;
}

/* A NaN in the last sample: in a batch of 40, the third part's. */
static void
augment_nan_last (float *x, int n, CvShape shape, CvRng *rng, void *user)
{
  x[(size_t) (n - 1) * cv_shape_size (shape)] = NAN;
}

/* A step whose augmentation puts a NaN in the batch reports divergence and
 * leaves the parameters alone; the next clean step trains. */
static void
diverges_then_trains (CvTrain *train, CvNet *net, CvAugmentFn nan_fn, int batch)
{
  float before[34];
  CvBatchResult res;
  assert_int_equal (cv_net_n_params (net), 34);
  cv_train_set_augment (train, nan_fn, NULL);
  memcpy (before, cv_net_params (net), sizeof before);
  assert_int_equal (cv_train_step (train, &res), CV_ERR_DIVERGED);
  assert_memory_equal (before, cv_net_params (net), sizeof before);
  assert_false (isfinite (res.loss));
  assert_int_equal (res.n, batch);
  cv_train_set_augment (train, NULL, NULL);
  assert_int_equal (cv_train_step (train, &res), CV_OK);
  assert_true (isfinite (res.loss));
  assert_true (res.correct >= 0 && res.correct <= batch);
  assert_memory_not_equal (before, cv_net_params (net), sizeof before);
}

static void
test_training_diverged (void **state)
{
  CvNet *net = new_net ("4x4x1 dense2 softmax");
  CvRng rng;
  cv_rng_seed (&rng, 3);
  cv_net_init (net, &rng);
  float x[4 * 16];
  uint8_t y[4] = { 0, 1, 0, 1 };
  fill_uniform_f (x, 64, &rng, 0, 1);
  CvTrainConfig cfg;
  cv_train_config_default (&cfg);
  cfg.batch = 2;
  CvTrain *train = NULL;
  CvError err;
  cfg.batch = 0;
  assert_int_equal (cv_train_new (net, &cfg, x, y, 4, &train, &err), CV_ERR_ARG);
  assert_null (train);
  cfg.batch = 2;
  y[3] = 2;
  assert_int_equal (cv_train_new (net, &cfg, x, y, 4, &train, &err), CV_ERR_ARG);
  y[3] = 1;
  assert_int_equal (cv_train_new (net, &cfg, x, y, 4, &train, &err), CV_OK);
  diverges_then_trains (train, net, augment_nan, 2);
  cv_train_free (train);

  /* The same when the batch runs in parts (40 = 13 + 13 + 14). */
  float x40[16 * 40];
  uint8_t y40[40];
  fill_uniform_f (x40, 16 * 40, &rng, 0, 1);
  for (int i = 0; i < 40; i++)
    y40[i] = (uint8_t) (i % 2);
  cfg.batch = 40;
  assert_int_equal (cv_train_new (net, &cfg, x40, y40, 40, &train, &err), CV_OK);
  diverges_then_trains (train, net, augment_nan_last, 40);
  cv_train_free (train);
  cv_net_free (net);
}

/* The augment hook sees each gathered batch, and each epoch visits every
 * sample once in a fresh order. */
typedef struct {
  int calls, samples;
  CvShape shape;
  float seen[2][6];   /* epoch × position: the sample id it carried */
} AugmentLog;

static void
augment_log (float *x, int n, CvShape shape, CvRng *rng, void *user)
{
  AugmentLog *log = user;
  int epoch = log->samples / 6;
  for (int s = 0; s < n; s++)
    if (epoch < 2)
      log->seen[epoch][log->samples % 6 + s] = x[(size_t) s * 4];   /* pixel 0 = sample id */
  log->calls++;
  log->samples += n;
  log->shape = shape;
  (void) cv_rng_u64 (rng);
}

static void
test_training_augment_and_shuffle (void **state)
{
  CvNet *net = new_net ("2x2x1 dense2 softmax");
  float x[6 * 4] = { 0 };
  uint8_t y[6] = { 0, 1, 0, 1, 0, 1 };
  for (int s = 0; s < 6; s++)
    x[s * 4] = (float) s;
  CvTrainConfig cfg;
  cv_train_config_default (&cfg);
  cfg.batch = 4;   /* batches of 4 and 2 */
  CvTrain *train = NULL;
  assert_int_equal (cv_train_new (net, &cfg, x, y, 6, &train, NULL), CV_OK);
  AugmentLog log = { 0 };
  cv_train_set_augment (train, augment_log, &log);
  for (int e = 0; e < 2; e++)
    assert_int_equal (cv_train_epoch (train, NULL, NULL, NULL), CV_OK);
  assert_int_equal (log.calls, 4);
  assert_int_equal (log.samples, 12);
  assert_int_equal (log.shape.h, 2);
  assert_int_equal (log.shape.c, 1);
  int same = 1;
  for (int e = 0; e < 2; e++)
    {
      int mask = 0;
      for (int i = 0; i < 6; i++)
        mask |= 1 << (int) log.seen[e][i];
      assert_int_equal (mask, 63);   /* every sample, once */
    }
  for (int i = 0; i < 6; i++)
    same &= log.seen[0][i] == log.seen[1][i];
  assert_false (same);   /* reshuffled */
  /* The caller's data is untouched: augmentation works on the batch copy. */
  for (int s = 0; s < 6; s++)
    assert_float_equal (x[s * 4], (float) s, 0);
  cv_train_free (train);
  cv_net_free (net);
}

/* Getters and setters take NULL without crashing. */
static void
test_null_tolerance (void **state)
{
  assert_int_equal (cv_net_n_layers (NULL), 0);
  assert_int_equal (cv_net_n_params (NULL), 0);
  assert_string_equal (cv_net_spec (NULL), "");
  assert_null (cv_net_params (NULL));
  assert_null (cv_net_layer (NULL, 0));
  assert_null (cv_net_clone (NULL));
  cv_net_zero_grads (NULL);
  cv_net_init (NULL, NULL);
  cv_train_set_lr (NULL, 0.1f);
  cv_train_set_augment (NULL, NULL, NULL);
  assert_int_equal (cv_train_batches_per_epoch (NULL), 0);
  assert_int_equal (cv_train_step (NULL, NULL), CV_ERR_ARG);
  assert_int_equal (cv_train_epoch (NULL, NULL, NULL, NULL), CV_ERR_ARG);
  cv_train_free (NULL);
  cv_opt_step (NULL, NULL, NULL);
  assert_int_equal (cv_net_forward (NULL, NULL, 1), CV_ERR_ARG);
  assert_int_equal (cv_net_backward (NULL, NULL, 1), CV_ERR_ARG);
  assert_int_equal (cv_net_predict (NULL, NULL, NULL), CV_ERR_ARG);
  assert_int_equal (cv_net_evaluate (NULL, NULL, NULL, 0, 0, NULL, NULL, NULL), CV_ERR_ARG);
  assert_string_equal (cv_status_name (CV_ERR_CHECKSUM), "checksum");
  assert_string_equal (cv_status_name ((CvStatus) 99), "unknown");
}

static void
test_optimizers (void **state)
{
  /* One SGD step with momentum, then a second; and Adam's first step moves
   * every parameter by lr (times the sign of its gradient). */
  CvOptConfig cfg;
  cv_opt_config_default (&cfg, CV_OPT_SGD);
  cfg.lr = 0.1f;
  cfg.momentum = 0.5f;
  CvOptimizer *opt = cv_opt_new (&cfg, 2);
  float p[2] = { 1.0f, -1.0f }, g[2] = { 2.0f, -4.0f };
  cv_opt_step (opt, p, g);
  assert_float_equal (p[0], 0.8f, 1e-6);
  assert_float_equal (p[1], -0.6f, 1e-6);
  cv_opt_step (opt, p, g);   /* v = 0.5 * 2 + 2 = 3 */
  assert_float_equal (p[0], 0.5f, 1e-6);
  cv_opt_free (opt);

  cv_opt_config_default (&cfg, CV_OPT_ADAM);
  assert_float_equal (cfg.lr, 0.001f, 0);
  opt = cv_opt_new (&cfg, 2);
  p[0] = 1.0f; p[1] = -1.0f;
  cv_opt_step (opt, p, g);
  assert_float_equal (p[0], 0.999f, 1e-6);
  assert_float_equal (p[1], -0.999f, 1e-6);
  cv_opt_set_lr (opt, 0.5f);
  assert_float_equal (cv_opt_get_lr (opt), 0.5f, 0);
  cv_opt_free (opt);
  cv_opt_free (NULL);
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    CV_TEST ("engine/params/shapes", test_params_shapes),
    CV_TEST ("engine/params/builtins", test_params_builtins),
    CV_TEST ("engine/spec/good", test_spec_good),
    CV_TEST ("engine/spec/bad", test_spec_bad),
    CV_TEST ("engine/net/gradient", test_net_gradient),
    CV_TEST ("engine/net/arguments", test_net_arguments),
    CV_TEST ("engine/net/init", test_net_init),
    CV_TEST ("engine/rng/reference", test_rng_reference),
    CV_TEST ("engine/train/determinism", test_determinism),
    CV_TEST ("engine/train/golden", test_golden_run),
    CV_TEST ("engine/train/threads", test_threads_identical),
    CV_TEST ("engine/train/parts", test_train_parts),
    CV_TEST ("engine/train/learns", test_training_learns),
    CV_TEST ("engine/train/diverged", test_training_diverged),
    CV_TEST ("engine/optimizer/steps", test_optimizers),
    CV_TEST ("engine/train/augment-shuffle", test_training_augment_and_shuffle),
    CV_TEST ("engine/api/null", test_null_tolerance),
  };
  return CV_TEST_MAIN ("engine/net", tests);
}
