/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-net.c — a network: the parameter arena, activations, forward, backward,
 * initialization.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "cv-engine-private.h"

static void
free_buffers (CvNet *net)
{
  free (net->x);
  free (net->dx);
  for (int i = 0; i < net->n_layers; i++)
    {
      if (net->act != NULL)
        free (net->act[i]);
      if (net->grad != NULL)
        free (net->grad[i]);
      if (net->argmax != NULL)
        free (net->argmax[i]);
    }
  net->x = net->dx = NULL;
  if (net->act != NULL)
    memset (net->act, 0, sizeof (float *) * (size_t) net->n_layers);
  if (net->grad != NULL)
    memset (net->grad, 0, sizeof (float *) * (size_t) net->n_layers);
  if (net->argmax != NULL)
    memset (net->argmax, 0, sizeof (int32_t *) * (size_t) net->n_layers);
  net->cap = 0;
}

void
cv_net_free (CvNet *net)
{
  if (net == NULL)
    return;
  free_buffers (net);
  free (net->act);
  free (net->grad);
  free (net->argmax);
  if (!net->params_borrowed)
    free (net->params);
  free (net->grads);
  cv_scratch_free (&net->scratch);
  if (net->conv_cache != NULL)
    for (int i = 0; i < net->n_layers; i++)
      cv_conv_cache_free (&net->conv_cache[i]);
  free (net->conv_cache);
  free (net);
}

/* A net of this spec; with `params` given it is a replica: it reads those
 * in place instead of owning an arena, and has no gradient buffer. */
static CvNet *
net_from_spec (const CvSpec *spec, float *params)
{
  CvNet *net = calloc (1, sizeof *net);
  if (net == NULL)
    return NULL;
  net->spec = *spec;
  net->layers = net->spec.layers;
  net->n_layers = spec->n_layers;
  size_t np = spec->n_params > 0 ? spec->n_params : 1;
  net->params_borrowed = params != NULL;
  net->params = params != NULL ? params : calloc (np, sizeof (float));
  net->grads = params != NULL ? NULL : calloc (np, sizeof (float));
  net->act = calloc ((size_t) net->n_layers, sizeof (float *));
  net->grad = calloc ((size_t) net->n_layers, sizeof (float *));
  net->argmax = calloc ((size_t) net->n_layers, sizeof (int32_t *));
  net->conv_cache = calloc ((size_t) net->n_layers, sizeof (CvConvCache));
  if (net->params == NULL || (!net->params_borrowed && net->grads == NULL) || net->act == NULL
      || net->grad == NULL || net->argmax == NULL || net->conv_cache == NULL)
    {
      cv_net_free (net);
      return NULL;
    }
  return net;
}

CvStatus
cv_net_new (const char *spec_text, CvNet **out, CvError *err)
{
  CvSpec *spec;
  CvStatus status;

  if (out == NULL)
    return cv_error_set (err, CV_ERR_ARG, "No place to put the network was given.");
  *out = NULL;
  spec = malloc (sizeof *spec);
  if (spec == NULL)
    return cv_error_set (err, CV_ERR_NOMEM, "Out of memory while reading the network spec.");
  status = cv_spec_parse (spec_text, spec, err);
  if (status == CV_OK)
    {
      *out = net_from_spec (spec, NULL);
      if (*out == NULL)
        status = cv_error_set (err, CV_ERR_NOMEM,
                               "Out of memory while building a network of %zu parameters.",
                               spec->n_params);
    }
  free (spec);
  if (status == CV_OK && err != NULL)
    {
      err->status = CV_OK;
      err->message[0] = '\0';
    }
  return status;
}

CvNet *
cv_net_clone (const CvNet *net)
{
  if (net == NULL)
    return NULL;
  CvNet *copy = net_from_spec (&net->spec, NULL);
  if (copy != NULL)
    memcpy (copy->params, net->params, sizeof (float) * net->spec.n_params);
  return copy;
}

CvNet *
cv_net_replica (CvNet *net)
{
  if (net == NULL)
    return NULL;
  CvNet *replica = net_from_spec (&net->spec, net->params);
  if (replica != NULL)
    replica->no_input_grad = 1;
  return replica;
}

void
cv_net_set_threads (CvNet *net, int n)
{
  if (net != NULL)
    cv_scratch_set_threads (&net->scratch, n);
}

int
cv_net_get_threads (const CvNet *net)
{
  return net != NULL && net->scratch.threads > 1 ? net->scratch.threads : 1;
}

/* The getters accept NULL (and answer as for an empty network). */
const char *cv_net_spec (const CvNet *net) { return net != NULL ? net->spec.canonical : ""; }
int cv_net_n_layers (const CvNet *net) { return net != NULL ? net->n_layers : 0; }
CvShape cv_net_input_shape (const CvNet *net) { return net != NULL ? net->spec.input : (CvShape) { 0, 0, 0 }; }
int cv_net_n_classes (const CvNet *net) { return net != NULL ? net->spec.n_classes : 0; }
size_t cv_net_n_params (const CvNet *net) { return net != NULL ? net->spec.n_params : 0; }
float *cv_net_params (CvNet *net) { return net != NULL ? net->params : NULL; }
const float *cv_net_params_const (const CvNet *net) { return net != NULL ? net->params : NULL; }
float *cv_net_grads (CvNet *net) { return net != NULL ? net->grads : NULL; }

const CvLayerInfo *
cv_net_layer (const CvNet *net, int index)
{
  if (net == NULL || index < 0 || index >= net->n_layers)
    return NULL;
  return &net->layers[index];
}

void
cv_net_zero_grads (CvNet *net)
{
  if (net == NULL)
    return;
  memset (net->grads, 0, sizeof (float) * net->spec.n_params);
}

CvStatus
cv_net_copy_params (CvNet *dst, const CvNet *src)
{
  if (dst == NULL || src == NULL || strcmp (dst->spec.canonical, src->spec.canonical) != 0)
    return CV_ERR_ARG;
  memcpy (dst->params, src->params, sizeof (float) * src->spec.n_params);
  return CV_OK;
}

/* He-normal (std sqrt(2 / fan_in)) before a ReLU, Glorot-uniform
 * (limit sqrt(6 / (fan_in + fan_out))) otherwise; biases zero. */
void
cv_net_init (CvNet *net, CvRng *rng)
{
  if (net == NULL || rng == NULL)
    return;
  for (int i = 0; i < net->n_layers; i++)
    {
      const CvLayerInfo *L = &net->layers[i];
      size_t fan_in, fan_out;

      if (L->kind == CV_LAYER_CONV2D)
        {
          fan_in = (size_t) L->size * L->size * L->in.c;
          fan_out = (size_t) L->size * L->size * L->filters;
        }
      else if (L->kind == CV_LAYER_DENSE)
        {
          fan_in = cv_shape_size (L->in);
          fan_out = (size_t) L->size;
        }
      else
        continue;

      float *w = net->params + L->param_offset;
      size_t n_w = L->bias_offset - L->param_offset;
      int before_relu = i + 1 < net->n_layers && net->layers[i + 1].kind == CV_LAYER_RELU;
      if (before_relu)
        {
          float std = (float) sqrt (2.0 / (double) fan_in);
          for (size_t t = 0; t < n_w; t++)
            w[t] = std * cv_rng_normal (rng);
        }
      else
        {
          float limit = (float) sqrt (6.0 / (double) (fan_in + fan_out));
          for (size_t t = 0; t < n_w; t++)
            w[t] = limit * (2.0f * cv_rng_uniform (rng) - 1.0f);
        }
      memset (net->params + L->bias_offset, 0,
              sizeof (float) * (L->param_offset + L->n_params - L->bias_offset));
    }
}

/* ------------------------------------------------------- forward/backward */

static CvStatus
ensure_capacity (CvNet *net, int n)
{
  if (n <= net->cap)
    return CV_OK;
  free_buffers (net);

  size_t in_size = cv_shape_size (net->spec.input);
  net->x = malloc (sizeof (float) * in_size * (size_t) n);
  net->dx = malloc (sizeof (float) * in_size * (size_t) n);
  if (net->x == NULL || net->dx == NULL)
    goto nomem;
  for (int i = 0; i < net->n_layers; i++)
    {
      const CvLayerInfo *L = &net->layers[i];
      size_t count = cv_shape_size (L->out) * (size_t) n;
      net->act[i] = malloc (sizeof (float) * count);
      net->grad[i] = malloc (sizeof (float) * count);
      if (net->act[i] == NULL || net->grad[i] == NULL)
        goto nomem;
      if (L->kind == CV_LAYER_MAXPOOL)
        {
          net->argmax[i] = malloc (sizeof (int32_t) * count);
          if (net->argmax[i] == NULL)
            goto nomem;
        }
    }
  net->cap = n;
  return CV_OK;

nomem:
  free_buffers (net);
  return CV_ERR_NOMEM;
}

static CvConvDims
conv_dims (const CvLayerInfo *L, int n)
{
  return (CvConvDims) {
    .n = n, .h = L->in.h, .w = L->in.w, .c = L->in.c,
    .oh = L->out.h, .ow = L->out.w, .f = L->out.c,
    .k = L->size, .s = L->stride, .pt = L->pad_top, .pl = L->pad_left,
  };
}

static CvPoolDims
pool_dims (const CvLayerInfo *L, int n)
{
  return (CvPoolDims) {
    .n = n, .h = L->in.h, .w = L->in.w, .c = L->in.c,
    .oh = L->out.h, .ow = L->out.w, .k = L->size, .s = L->stride,
  };
}

/* ------------------------------------------- element-wise passes, shared
 *
 * With more than one thread, the passes between the products (ReLU,
 * pooling) are cut by samples and shared too: every sample's values come
 * out exactly as on one thread. Small batches stay on this thread
 * (CV_SHARE_MIN_FLOATS). */

typedef struct {
  float         *y;
  const float   *x, *dy;
  int32_t       *argmax;
  const int32_t *argmax_in;
  size_t         in_size, out_size;   /* floats per sample */
  CvPoolDims     pool;
} PassJob;

static int
relu_forward_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const PassJob *j = data;
  (void) scratch;
  cv_relu_forward (j->y + (size_t) s0 * j->out_size, j->x + (size_t) s0 * j->out_size,
                   (size_t) (s1 - s0) * j->out_size);
  return 0;
}

/* x is the ReLU's output here: its sign is the mask. */
static int
relu_backward_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const PassJob *j = data;
  (void) scratch;
  size_t o = (size_t) s0 * j->out_size;
  cv_relu_backward (j->y + o, j->dy + o, j->x + o, (size_t) (s1 - s0) * j->out_size);
  return 0;
}

static int
maxpool_forward_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const PassJob *j = data;
  (void) scratch;
  CvPoolDims d = j->pool;
  d.n = s1 - s0;
  cv_maxpool_forward (j->y + (size_t) s0 * j->out_size, j->argmax + (size_t) s0 * j->out_size,
                      j->x + (size_t) s0 * j->in_size, &d);
  return 0;
}

static int
maxpool_backward_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const PassJob *j = data;
  (void) scratch;
  CvPoolDims d = j->pool;
  d.n = s1 - s0;
  cv_maxpool_backward (j->y + (size_t) s0 * j->in_size, j->dy + (size_t) s0 * j->out_size,
                       j->argmax_in + (size_t) s0 * j->out_size, &d);
  return 0;
}

/* Max pooling after a ReLU, backwards in one pass: each window's gradient
 * goes to its winner's place in the ReLU's *input* gradient, where the ReLU
 * let it through (its output there above zero). The same values as pooling
 * backwards into the ReLU's output gradient and masking that, without
 * writing and reading it. x is the ReLU's output (the mask). */

static int
maxpool_relu_backward_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const PassJob *j = data;
  (void) scratch;
  const size_t outs = j->out_size;
  for (int s = s0; s < s1; s++)
    {
      float *dxs = j->y + (size_t) s * j->in_size;
      const float *ms = j->x + (size_t) s * j->in_size;
      const float *dys = j->dy + (size_t) s * j->out_size;
      const int32_t *as = j->argmax_in + (size_t) s * j->out_size;
      memset (dxs, 0, sizeof (float) * j->in_size);
      /* Without a branch (the mask is a coin toss, and a mispredicted jump
       * costs more than the add): the gradient's bits are and-ed with an
       * all-ones or all-zeros mask, so where the ReLU was off 0 + 0 is
       * added. */
      for (size_t o = 0; o < outs; o++)
        {
          const int32_t at = as[o];
          uint32_t bits;
          float g;
          memcpy (&bits, &dys[o], sizeof bits);
          bits &= 0u - (uint32_t) (ms[at] > 0.0f);
          memcpy (&g, &bits, sizeof g);
          dxs[at] += g;
        }
    }
  return 0;
}

static void
share_pass (CvNet *net, int n, size_t floats_per_sample, CvShareFn fn, const PassJob *job)
{
  int worth = floats_per_sample * (size_t) n >= CV_SHARE_MIN_FLOATS;
  /* These shares cannot fail. */
  (void) cv_parallel_for (&net->scratch, n, 1, worth, fn, job);
}

CvStatus
cv_net_forward (CvNet *net, const float *x, int n)
{
  if (net == NULL || x == NULL || n <= 0)
    return CV_ERR_ARG;
  /* Keep every index of a batch within int range (positions, GEMM sizes). */
  size_t largest = cv_shape_size (net->spec.input);
  for (int i = 0; i < net->n_layers; i++)
    if (cv_shape_size (net->layers[i].out) > largest)
      largest = cv_shape_size (net->layers[i].out);
  if ((size_t) n > (size_t) INT_MAX / largest)
    return CV_ERR_ARG;
  if (ensure_capacity (net, n) != CV_OK)
    return CV_ERR_NOMEM;
  net->n = 0;
  net->backward_ok = 0;

  /* Keep a copy: backward needs the input and the caller owns x. */
  memcpy (net->x, x, sizeof (float) * cv_shape_size (net->spec.input) * (size_t) n);

  const float *in = net->x;
  for (int i = 0; i < net->n_layers; i++)
    {
      const CvLayerInfo *L = &net->layers[i];
      float *out = net->act[i];
      const float *w = net->params + L->param_offset;
      const float *b = net->params + L->bias_offset;
      size_t count = cv_shape_size (L->out) * (size_t) n;

      switch (L->kind)
        {
        case CV_LAYER_CONV2D:
          {
            CvConvDims d = conv_dims (L, n);
            if (cv_conv2d_forward (out, in, w, b, &d, &net->scratch, &net->conv_cache[i]) != 0)
              return CV_ERR_NOMEM;
          }
          break;
        case CV_LAYER_MAXPOOL:
          {
            PassJob job = { .y = out, .x = in, .argmax = net->argmax[i],
                            .in_size = cv_shape_size (L->in), .out_size = cv_shape_size (L->out),
                            .pool = pool_dims (L, n) };
            share_pass (net, n, job.in_size, maxpool_forward_share, &job);
          }
          break;
        case CV_LAYER_AVGPOOL:
          {
            CvPoolDims d = pool_dims (L, n);
            cv_ref_avgpool_forward (out, in, &d);
          }
          break;
        case CV_LAYER_FLATTEN:
          memcpy (out, in, sizeof (float) * count);
          break;
        case CV_LAYER_DENSE:
          if (cv_dense_forward (out, in, w, b, n, (int) cv_shape_size (L->in), L->size,
                                &net->scratch) != 0)
            return CV_ERR_NOMEM;
          break;
        case CV_LAYER_RELU:
          {
            PassJob job = { .y = out, .x = in, .out_size = cv_shape_size (L->out) };
            share_pass (net, n, job.out_size, relu_forward_share, &job);
          }
          break;
        case CV_LAYER_SOFTMAX:
          cv_ref_softmax_forward (out, in, n, net->spec.n_classes);
          break;
        default:
          return CV_ERR_ARG;
        }
      in = out;
    }
  net->n = n;
  return CV_OK;
}

const float *
cv_net_output (const CvNet *net)
{
  if (net == NULL || net->n_layers == 0 || net->cap == 0)
    return NULL;
  return net->act[net->n_layers - 1];
}

const float *
cv_net_activation (const CvNet *net, int index)
{
  if (net == NULL || index < 0 || index >= net->n_layers || net->cap == 0)
    return NULL;
  return net->act[index];
}

static int
labels_valid (const CvNet *net, const uint8_t *labels, int n)
{
  if (labels == NULL)
    return 0;
  for (int s = 0; s < n; s++)
    if (labels[s] >= net->spec.n_classes)
      return 0;
  return 1;
}

/* The logits are the input of the softmax layer: act[n_layers - 2]. */
float
cv_net_loss (const CvNet *net, const uint8_t *labels, int n)
{
  if (net == NULL || n <= 0 || n != net->n || net->n_layers < 2
      || !labels_valid (net, labels, n))
    return NAN;
  return (float) cv_ref_xent_loss (net->act[net->n_layers - 2], labels, n,
                                   net->spec.n_classes);
}

/* Where the gradient with respect to layer i's input goes: the previous
 * layer's output gradient, or for the first layer the input gradient
 * (NULL when it is not wanted). */
static float *
input_grad (CvNet *net, int i)
{
  return i > 0 ? net->grad[i - 1] : net->no_input_grad ? NULL : net->dx;
}

CvStatus
cv_net_backward (CvNet *net, const uint8_t *labels, int n)
{
  return cv_net_backward_part (net, labels, n, n);
}

CvStatus
cv_net_backward_part (CvNet *net, const uint8_t *labels, int n, int batch)
{
  if (net == NULL || n <= 0 || n != net->n || batch < n || net->n_layers < 2
      || !labels_valid (net, labels, n))
    return CV_ERR_ARG;

  int last = net->n_layers - 1;
  /* Softmax fused with cross-entropy: the gradient w.r.t. the logits. */
  cv_ref_xent_backward (net->grad[last - 1], net->act[last], labels, n, batch,
                        net->spec.n_classes);

  for (int i = last - 1; i >= 0; i--)
    {
      const CvLayerInfo *L = &net->layers[i];
      const float *in = i > 0 ? net->act[i - 1] : net->x;
      float *din = input_grad (net, i);
      const float *out = net->act[i];
      const float *dout = net->grad[i];
      const float *w = net->params + L->param_offset;
      float *dw = net->grads + L->param_offset;
      float *db = net->grads + L->bias_offset;
      size_t in_count = cv_shape_size (L->in) * (size_t) n;

      switch (L->kind)
        {
        case CV_LAYER_CONV2D:
          {
            CvConvDims d = conv_dims (L, n);
            if (cv_conv2d_backward (din, dw, db, dout, in, w, &d, &net->scratch,
                                    &net->conv_cache[i]) != 0)
              return CV_ERR_NOMEM;
          }
          break;
        case CV_LAYER_MAXPOOL:
          {
            PassJob job = { .y = din, .dy = dout, .argmax_in = net->argmax[i],
                            .in_size = cv_shape_size (L->in), .out_size = cv_shape_size (L->out),
                            .pool = pool_dims (L, n) };
            if (i > 0 && net->layers[i - 1].kind == CV_LAYER_RELU)
              {
                /* conv → ReLU → pool: both backwards at once, and the
                 * ReLU's own step is skipped below. */
                job.y = input_grad (net, i - 1);
                job.x = net->act[i - 1];
                if (job.y != NULL)
                  share_pass (net, n, job.in_size, maxpool_relu_backward_share, &job);
                i--;
              }
            else if (din != NULL)
              share_pass (net, n, job.in_size, maxpool_backward_share, &job);
          }
          break;
        case CV_LAYER_AVGPOOL:
          {
            CvPoolDims d = pool_dims (L, n);
            if (din != NULL)
              cv_ref_avgpool_backward (din, dout, &d);
          }
          break;
        case CV_LAYER_FLATTEN:
          if (din != NULL)
            memcpy (din, dout, sizeof (float) * in_count);
          break;
        case CV_LAYER_DENSE:
          if (cv_dense_backward (din, dw, db, dout, in, w, n, (int) cv_shape_size (L->in),
                                 L->size, &net->scratch) != 0)
            return CV_ERR_NOMEM;
          break;
        case CV_LAYER_RELU:
          if (din != NULL)
            {
              PassJob job = { .y = din, .dy = dout, .x = out, .out_size = cv_shape_size (L->out) };
              share_pass (net, n, job.out_size, relu_backward_share, &job);
            }
          break;
        case CV_LAYER_SOFTMAX:   /* only last, handled above */
        default:
          return CV_ERR_ARG;
        }
    }
  net->backward_ok = !net->no_input_grad;
  return CV_OK;
}

void
cv_net_set_input_grad (CvNet *net, int enabled)
{
  if (net != NULL)
    net->no_input_grad = !enabled;
}

const float *
cv_net_input_grad (const CvNet *net)
{
  if (net == NULL || !net->backward_ok)
    return NULL;
  return net->dx;
}

CvStatus
cv_net_predict (CvNet *net, const float *x, float *probs)
{
  if (net == NULL || x == NULL || probs == NULL)
    return CV_ERR_ARG;
  CvStatus status = cv_net_forward (net, x, 1);
  if (status != CV_OK)
    return status;
  memcpy (probs, cv_net_output (net), sizeof (float) * (size_t) net->spec.n_classes);
  return CV_OK;
}
