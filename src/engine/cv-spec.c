/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-spec.c — the network spec: tokens → layers with checked shapes.
 *
 * Parsing allocates nothing, so model bytes can be checked against the spec
 * they carry before a single parameter is allocated.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cv-engine-private.h"

CvStatus
cv_error_set (CvError *err, CvStatus status, const char *fmt, ...)
{
  if (err != NULL)
    {
      va_list ap;
      err->status = status;
      va_start (ap, fmt);
      vsnprintf (err->message, sizeof err->message, fmt, ap);
      va_end (ap);
    }
  return status;
}

const char *
cv_status_name (CvStatus status)
{
  switch (status)
    {
    case CV_OK: return "ok";
    case CV_ERR_NOMEM: return "nomem";
    case CV_ERR_ARG: return "arg";
    case CV_ERR_SPEC: return "spec";
    case CV_ERR_SHAPE: return "shape";
    case CV_ERR_TRUNCATED: return "truncated";
    case CV_ERR_MAGIC: return "magic";
    case CV_ERR_VERSION: return "version";
    case CV_ERR_CHECKSUM: return "checksum";
    case CV_ERR_CORRUPT: return "corrupt";
    case CV_ERR_CANCELLED: return "cancelled";
    case CV_ERR_DIVERGED: return "diverged";
    default: return "unknown";
    }
}

const char *
cv_layer_kind_name (CvLayerKind kind)
{
  switch (kind)
    {
    case CV_LAYER_CONV2D: return "Conv2D";
    case CV_LAYER_MAXPOOL: return "MaxPool2D";
    case CV_LAYER_AVGPOOL: return "AvgPool2D";
    case CV_LAYER_FLATTEN: return "Flatten";
    case CV_LAYER_DENSE: return "Dense";
    case CV_LAYER_RELU: return "ReLU";
    case CV_LAYER_SOFTMAX: return "Softmax";
    default: return "Unknown";
    }
}

int
cv_conv_output_size (int in, int k, int stride, int pad)
{
  if (in <= 0 || k <= 0 || stride <= 0 || pad < 0 || in + 2 * pad < k)
    return 0;
  return (in - k + 2 * pad) / stride + 1;
}

/* ------------------------------------------------------------ built-ins */

/* The one table of built-in architectures. */
static const struct {
  const char *name;
  const char *spec;
} archs[] = {
  { "shapes",
    "16x16x1 conv8k3same relu maxpool2 conv16k3same relu maxpool2 flatten dense32 relu dense3 softmax" },
  { "digits-small",
    "28x28x1 conv8k3same relu maxpool2 conv16k3same relu maxpool2 flatten dense32 relu dense10 softmax" },
  { "lenet",
    "28x28x1 conv32k5same relu maxpool2 conv64k5same relu maxpool2 flatten dense128 relu dense10 softmax" },
  /* The shipped digits network (owned by the data issue): 32 and 64
   * filters and Dense 128; see data/models/README.md for how it was chosen. */
  { "digits",
    "28x28x1 conv32k3same relu maxpool2 conv64k3same relu maxpool2 flatten dense128 relu dense10 softmax" },
};

static const char *const arch_names[] = { "shapes", "digits-small", "lenet", "digits", NULL };

const char *
cv_arch_spec (const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < sizeof archs / sizeof archs[0]; i++)
    if (strcmp (archs[i].name, name) == 0)
      return archs[i].spec;
  return NULL;
}

const char *const *
cv_arch_names (void)
{
  return arch_names;
}

/* ---------------------------------------------------------------- parse */

/* Reads a decimal number of at most 7 digits; -1 if there is none. */
static int
read_number (const char **p)
{
  int value = 0, digits = 0;
  while (isdigit ((unsigned char) **p))
    {
      if (++digits > 7)
        return -1;
      value = value * 10 + (**p - '0');
      (*p)++;
    }
  return digits > 0 ? value : -1;
}

static int
starts_with (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

/* Appends a token to the canonical spec (always fits: caps are checked). */
static void
append (CvSpec *spec, const char *token)
{
  size_t len = strlen (spec->canonical);
  snprintf (spec->canonical + len, sizeof spec->canonical - len, "%s%s",
            len > 0 ? " " : "", token);
}

static int
fits_activation (CvShape s)
{
  return s.h > 0 && s.w > 0 && s.c > 0 && cv_shape_size (s) <= CV_MAX_ACTIVATION;
}

CvStatus
cv_spec_parse (const char *text, CvSpec *spec, CvError *err)
{
  char token[CV_MAX_TOKEN_LEN + 1];
  char canon[CV_MAX_TOKEN_LEN + 32];
  const char *p = text;
  int position = 0;   /* 0 = the input shape, then 1-based layer numbers */
  CvShape shape = { 0, 0, 0 };
  int saw_softmax = 0;
  char last_token[CV_MAX_TOKEN_LEN + 1] = "";

  memset (spec, 0, sizeof *spec);
  if (text == NULL)
    return cv_error_set (err, CV_ERR_ARG, "No network spec was given.");
  if (strlen (text) > CV_MAX_SPEC_LEN)
    return cv_error_set (err, CV_ERR_SPEC, "The network spec is longer than %d characters.",
                         CV_MAX_SPEC_LEN);

  for (;;)
    {
      while (isspace ((unsigned char) *p))
        p++;
      if (*p == '\0')
        break;

      size_t len = 0;
      while (*p != '\0' && !isspace ((unsigned char) *p))
        {
          if (len < CV_MAX_TOKEN_LEN)
            token[len] = (char) tolower ((unsigned char) *p);
          len++;
          p++;
        }
      if (len > CV_MAX_TOKEN_LEN)
        {
          token[CV_MAX_TOKEN_LEN] = '\0';
          return cv_error_set (err, CV_ERR_SPEC,
                               "Layer %d '%s…': the token is longer than %d characters.",
                               position, token, CV_MAX_TOKEN_LEN);
        }
      token[len] = '\0';

      /* The input shape comes first. */
      if (position == 0)
        {
          const char *t = token;
          int h = read_number (&t);
          int w = (h > 0 && *t == 'x') ? (t++, read_number (&t)) : -1;
          int c = (w > 0 && *t == 'x') ? (t++, read_number (&t)) : -1;
          if (h <= 0 || w <= 0 || c <= 0 || *t != '\0')
            return cv_error_set (err, CV_ERR_SPEC,
                                 "The spec must start with the input shape, like 16x16x1, "
                                 "but it starts with '%s'.", token);
          if (h > CV_MAX_DIM || w > CV_MAX_DIM || c > CV_MAX_DIM
              || !fits_activation ((CvShape) { h, w, c }))
            return cv_error_set (err, CV_ERR_SHAPE,
                                 "The input shape '%s' is larger than the engine allows.", token);
          shape = (CvShape) { h, w, c };
          spec->input = shape;
          snprintf (canon, sizeof canon, "%dx%dx%d", h, w, c);
          append (spec, canon);
          position = 1;
          continue;
        }

      if (saw_softmax)
        return cv_error_set (err, CV_ERR_SPEC,
                             "Layer %d '%s': nothing may follow softmax, which must be the last layer.",
                             position, token);
      if (spec->n_layers >= CV_MAX_LAYERS)
        return cv_error_set (err, CV_ERR_SPEC,
                             "Layer %d '%s': a network may have at most %d layers.",
                             position, token, CV_MAX_LAYERS);

      CvLayerInfo *L = &spec->layers[spec->n_layers];
      memset (L, 0, sizeof *L);
      L->in = shape;
      L->stride = 1;
      const char *t = token;
      size_t n_weights = 0, n_bias = 0;

      if (starts_with (t, "conv"))
        {
          t += 4;
          int f = read_number (&t);
          int k = (f > 0 && *t == 'k') ? (t++, read_number (&t)) : -1;
          int s = 1;
          int same = 1;
          if (k > 0 && *t == 's' && isdigit ((unsigned char) t[1]))
            {
              t++;
              s = read_number (&t);
            }
          if (k > 0 && strcmp (t, "same") == 0)
            t += 4;
          else if (k > 0 && strcmp (t, "valid") == 0)
            {
              same = 0;
              t += 5;
            }
          if (f <= 0 || k <= 0 || s <= 0 || *t != '\0')
            return cv_error_set (err, CV_ERR_SPEC,
                                 "Layer %d '%s': a convolution is written conv<filters>k<size>"
                                 "[s<stride>][same|valid], like conv8k3same.", position, token);
          if (f > CV_MAX_DIM || k > CV_MAX_KERNEL || s > CV_MAX_STRIDE)
            return cv_error_set (err, CV_ERR_SPEC,
                                 "Layer %d '%s': the filter count, kernel size or stride is too large.",
                                 position, token);
          if (k > shape.h || k > shape.w)
            return cv_error_set (err, CV_ERR_SHAPE,
                                 "Layer %d '%s': a %d×%d kernel does not fit a %d×%d input.",
                                 position, token, k, k, shape.h, shape.w);
          L->kind = CV_LAYER_CONV2D;
          L->size = k;
          L->stride = s;
          L->pad_same = same;
          L->filters = f;
          if (same)
            {
              int oh = (shape.h + s - 1) / s, ow = (shape.w + s - 1) / s;
              int ph = (oh - 1) * s + k - shape.h, pw = (ow - 1) * s + k - shape.w;
              L->pad_top = ph > 0 ? ph / 2 : 0;
              L->pad_left = pw > 0 ? pw / 2 : 0;
              L->out = (CvShape) { oh, ow, f };
            }
          else
            L->out = (CvShape) { (shape.h - k) / s + 1, (shape.w - k) / s + 1, f };
          n_weights = (size_t) k * k * shape.c * f;
          n_bias = (size_t) f;
          if (s == 1)
            snprintf (canon, sizeof canon, "conv%dk%d%s", f, k, same ? "same" : "valid");
          else
            snprintf (canon, sizeof canon, "conv%dk%ds%d%s", f, k, s, same ? "same" : "valid");
        }
      else if (starts_with (t, "maxpool") || starts_with (t, "avgpool") || starts_with (t, "pool"))
        {
          int is_avg = starts_with (t, "avgpool");
          t += starts_with (t, "pool") ? 4 : 7;
          int k = read_number (&t);
          int s = k;
          if (k > 0 && *t == 's')
            {
              t++;
              s = read_number (&t);
            }
          if (k <= 0 || s <= 0 || *t != '\0')
            return cv_error_set (err, CV_ERR_SPEC,
                                 "Layer %d '%s': pooling is written maxpool<size>[s<stride>] "
                                 "or avgpool<size>[s<stride>], like maxpool2.", position, token);
          if (k > CV_MAX_KERNEL || s > CV_MAX_STRIDE)
            return cv_error_set (err, CV_ERR_SPEC,
                                 "Layer %d '%s': the pool size or stride is too large.",
                                 position, token);
          if (k > shape.h || k > shape.w)
            return cv_error_set (err, CV_ERR_SHAPE,
                                 "Layer %d '%s': a %d×%d pool does not fit a %d×%d input.",
                                 position, token, k, k, shape.h, shape.w);
          L->kind = is_avg ? CV_LAYER_AVGPOOL : CV_LAYER_MAXPOOL;
          L->size = k;
          L->stride = s;
          L->out = (CvShape) { (shape.h - k) / s + 1, (shape.w - k) / s + 1, shape.c };
          if (s == k)
            snprintf (canon, sizeof canon, "%s%d", is_avg ? "avgpool" : "maxpool", k);
          else
            snprintf (canon, sizeof canon, "%s%ds%d", is_avg ? "avgpool" : "maxpool", k, s);
        }
      else if (strcmp (t, "flatten") == 0)
        {
          L->kind = CV_LAYER_FLATTEN;
          L->out = (CvShape) { 1, 1, (int) cv_shape_size (shape) };
          snprintf (canon, sizeof canon, "flatten");
        }
      else if (starts_with (t, "dense"))
        {
          t += 5;
          int units = read_number (&t);
          if (units <= 0 || *t != '\0')
            return cv_error_set (err, CV_ERR_SPEC,
                                 "Layer %d '%s': a dense layer is written dense<units>, like dense32.",
                                 position, token);
          if (units > CV_MAX_UNITS)
            return cv_error_set (err, CV_ERR_SPEC,
                                 "Layer %d '%s': a dense layer may have at most %d units.",
                                 position, token, CV_MAX_UNITS);
          L->kind = CV_LAYER_DENSE;
          L->size = units;
          L->out = (CvShape) { 1, 1, units };
          n_weights = cv_shape_size (shape) * (size_t) units;
          n_bias = (size_t) units;
          snprintf (canon, sizeof canon, "dense%d", units);
        }
      else if (strcmp (t, "relu") == 0)
        {
          L->kind = CV_LAYER_RELU;
          L->out = shape;
          snprintf (canon, sizeof canon, "relu");
        }
      else if (strcmp (t, "softmax") == 0)
        {
          size_t classes = cv_shape_size (shape);
          if (spec->n_layers == 0)
            return cv_error_set (err, CV_ERR_SPEC,
                                 "Layer %d '%s': softmax needs a layer before it, such as dense10.",
                                 position, token);
          if (classes < 2 || classes > CV_MAX_CLASSES)
            return cv_error_set (err, CV_ERR_SHAPE,
                                 "Layer %d '%s': softmax needs 2 to %d classes, not %zu.",
                                 position, token, CV_MAX_CLASSES, classes);
          L->kind = CV_LAYER_SOFTMAX;
          L->out = shape;
          spec->n_classes = (int) classes;
          saw_softmax = 1;
          snprintf (canon, sizeof canon, "softmax");
        }
      else
        return cv_error_set (err, CV_ERR_SPEC,
                             "Layer %d '%s': unknown layer; expected conv, maxpool, avgpool, "
                             "flatten, dense, relu or softmax.", position, token);

      if (!fits_activation (L->out))
        return cv_error_set (err, CV_ERR_SHAPE,
                             "Layer %d '%s': its output is larger than the engine allows.",
                             position, token);
      if (n_weights + n_bias > CV_MAX_PARAMS
          || spec->n_params + n_weights + n_bias > CV_MAX_PARAMS)
        return cv_error_set (err, CV_ERR_SHAPE,
                             "Layer %d '%s': the network would have more than %zu parameters.",
                             position, token, CV_MAX_PARAMS);
      L->n_params = n_weights + n_bias;
      L->param_offset = spec->n_params;
      L->bias_offset = spec->n_params + n_weights;
      spec->n_params += L->n_params;
      shape = L->out;
      append (spec, canon);
      snprintf (last_token, sizeof last_token, "%s", token);
      spec->n_layers++;
      position++;
    }

  if (position == 0)
    return cv_error_set (err, CV_ERR_SPEC, "The network spec is empty.");
  if (spec->n_layers == 0)
    return cv_error_set (err, CV_ERR_SPEC,
                         "The spec has an input shape but no layers; it must end with softmax.");
  if (!saw_softmax)
    return cv_error_set (err, CV_ERR_SPEC,
                         "Layer %d '%s': the spec must end with softmax after the last layer.",
                         spec->n_layers, last_token);
  return CV_OK;
}
