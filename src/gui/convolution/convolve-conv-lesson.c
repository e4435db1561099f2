/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-conv-lesson"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "convolve-conv-lesson.h"
#include "convolve-preprocess.h"

#define N  CONVOLVE_CONV_INPUT_SIZE
#define K  CONVOLVE_CONV_KERNEL_SIZE

struct _ConvolveConvLesson
{
  float    input[CONVOLVE_CONV_INPUT_CELLS];     /* (8, 8) */
  float    kernel[CONVOLVE_CONV_KERNEL_CELLS];   /* (3, 3) */
  float    bias;
  gboolean relu;
  int      stride;
  gboolean same;

  int      position;

  /* The engine network for the current stride/padding/activation. */
  CvNet   *net;
  int      relu_layer;      /* -1 without ReLU */
  int      pool_layer;      /* -1 without a pool stage */
  int      out_size;
  int      pool_size;
  int      pad_before;
  int      pad_after;
  float   *conv;            /* (out, out) copies of the last forward */
  float   *activated;       /* (out, out) */
  float   *pooled;          /* (pool, pool) or NULL */
  float    range;
};

/* ------------------------------------------------------------- helpers */

static void
lesson_forward (ConvolveConvLesson *self)
{
  float *params = cv_net_params (self->net);
  const CvLayerInfo *conv = cv_net_layer (self->net, 0);
  size_t n = (size_t) self->out_size * (size_t) self->out_size;
  CvStatus status;

  /* Kernel layout [kh, kw, c_in = 1, c_out = 1] is plain reading order. */
  memcpy (params + conv->param_offset, self->kernel, sizeof self->kernel);
  params[conv->bias_offset] = self->bias;

  status = cv_net_forward (self->net, self->input, 1);
  if (status != CV_OK)
    {
      g_critical ("Engine forward failed: %s", cv_status_name (status));
      memset (self->conv, 0, n * sizeof (float));
      memset (self->activated, 0, n * sizeof (float));
      if (self->pooled != NULL)
        memset (self->pooled, 0, (size_t) self->pool_size * self->pool_size * sizeof (float));
      return;
    }

  memcpy (self->conv, cv_net_activation (self->net, 0), n * sizeof (float));
  memcpy (self->activated,
          cv_net_activation (self->net, self->relu_layer >= 0 ? self->relu_layer : 0),
          n * sizeof (float));
  if (self->pooled != NULL)
    memcpy (self->pooled, cv_net_activation (self->net, self->pool_layer),
            (size_t) self->pool_size * self->pool_size * sizeof (float));

  self->range = 1.0f;
  for (size_t k = 0; k < n; k++)
    self->range = MAX (self->range, fabsf (self->conv[k]));
}

static void
lesson_rebuild (ConvolveConvLesson *self)
{
  g_autoptr(GString) spec = g_string_new (NULL);
  int out = cv_conv_output_size (N, K, self->stride, self->same ? 1 : 0);
  gboolean pool;
  const CvLayerInfo *conv;
  CvError err = { 0 };
  CvNet *net = NULL;
  int layer = 1;

  /* The engine's "same" gives ceil(8 / s); valid gives the formula with
   * p = 0. A 2×2 pool only when the map has an even side. */
  if (self->same)
    out = (N + self->stride - 1) / self->stride;
  pool = out >= 2 && out % 2 == 0;

  g_string_append_printf (spec, "%dx%dx1 conv1k%ds%d%s", N, N, K, self->stride,
                          self->same ? "same" : "valid");
  if (self->relu)
    g_string_append (spec, " relu");
  if (pool)
    g_string_append (spec, " maxpool2");
  g_string_append (spec, " flatten dense2 softmax");

  if (cv_net_new (spec->str, &net, &err) != CV_OK)
    g_error ("The lesson's network \"%s\" does not build: %s", spec->str, err.message);

  g_clear_pointer (&self->net, cv_net_free);
  self->net = net;
  memset (cv_net_params (net), 0, cv_net_n_params (net) * sizeof (float));

  conv = cv_net_layer (net, 0);
  self->out_size = conv->out.h;
  self->relu_layer = self->relu ? layer++ : -1;
  self->pool_layer = pool ? layer++ : -1;
  self->pool_size = pool ? cv_net_layer (net, self->pool_layer)->out.h : 0;
  self->pad_before = conv->pad_top;
  self->pad_after = MAX (0, (self->out_size - 1) * self->stride + K - N) - conv->pad_top;

  g_clear_pointer (&self->conv, g_free);
  g_clear_pointer (&self->activated, g_free);
  g_clear_pointer (&self->pooled, g_free);
  self->conv = g_new0 (float, self->out_size * self->out_size);
  self->activated = g_new0 (float, self->out_size * self->out_size);
  if (pool)
    self->pooled = g_new0 (float, self->pool_size * self->pool_size);

  self->position = CLAMP (self->position, 0,
                          convolve_conv_lesson_get_n_positions (self) - 1);
  lesson_forward (self);
}

/* ------------------------------------------------------------- lifecycle */

ConvolveConvLesson *
convolve_conv_lesson_new (void)
{
  ConvolveConvLesson *self = g_new0 (ConvolveConvLesson, 1);

  self->stride = 1;
  self->relu = TRUE;
  self->same = FALSE;
  convolve_conv_lesson_set_input_preset (self, CONVOLVE_CONV_INPUT_SQUARE, 0);
  for (int k = 0; k < CONVOLVE_CONV_KERNEL_CELLS; k++)
    self->kernel[k] = 0.0f;
  lesson_rebuild (self);
  convolve_conv_lesson_set_kernel_preset (self, CONVOLVE_CONV_KERNEL_VERTICAL_EDGE);
  return self;
}

void
convolve_conv_lesson_free (ConvolveConvLesson *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->net, cv_net_free);
  g_free (self->conv);
  g_free (self->activated);
  g_free (self->pooled);
  g_free (self);
}

void
convolve_conv_lesson_copy_settings (ConvolveConvLesson       *self,
                                    const ConvolveConvLesson *src)
{
  memcpy (self->input, src->input, sizeof self->input);
  memcpy (self->kernel, src->kernel, sizeof self->kernel);
  self->bias = src->bias;
  self->relu = src->relu;
  self->stride = src->stride;
  self->same = src->same;
  lesson_rebuild (self);
}

/* ------------------------------------------------------------- input */

void
convolve_conv_lesson_set_input (ConvolveConvLesson *self,
                                const float        *x)
{
  for (int k = 0; k < CONVOLVE_CONV_INPUT_CELLS; k++)
    self->input[k] = isfinite (x[k]) ? CLAMP (x[k], 0.0f, 1.0f) : 0.0f;
  if (self->net != NULL)
    lesson_forward (self);
}

const float *
convolve_conv_lesson_get_input (const ConvolveConvLesson *self)
{
  return self->input;
}

void
convolve_conv_lesson_set_input_cell (ConvolveConvLesson *self,
                                     int row, int col, float value)
{
  g_return_if_fail (row >= 0 && row < N && col >= 0 && col < N);
  self->input[row * N + col] = CLAMP (value, 0.0f, 1.0f);
  lesson_forward (self);
}

void
convolve_conv_lesson_set_input_preset (ConvolveConvLesson     *self,
                                       ConvolveConvInputPreset preset,
                                       guint64                 seed)
{
  float x[CONVOLVE_CONV_INPUT_CELLS] = { 0 };
  CvRng rng;

  for (int r = 0; r < N; r++)
    for (int c = 0; c < N; c++)
      {
        float v = 0.0f;

        switch (preset)
          {
          case CONVOLVE_CONV_INPUT_VERTICAL_BAR:
            v = (c == 3 || c == 4) && r >= 1 && r <= 6;
            break;
          case CONVOLVE_CONV_INPUT_HORIZONTAL_BAR:
            v = (r == 3 || r == 4) && c >= 1 && c <= 6;
            break;
          case CONVOLVE_CONV_INPUT_DIAGONAL:
            v = r == c;
            break;
          case CONVOLVE_CONV_INPUT_CROSS:
            v = (r == 3 || r == 4 || c == 3 || c == 4) && r >= 1 && r <= 6 && c >= 1 && c <= 6;
            break;
          case CONVOLVE_CONV_INPUT_SQUARE:
            v = r >= 2 && r <= 5 && c >= 2 && c <= 5;
            break;
          case CONVOLVE_CONV_INPUT_RANDOM:
          case CONVOLVE_CONV_INPUT_EMPTY:
          case CONVOLVE_CONV_N_INPUT_PRESETS:
          default:
            break;
          }
        x[r * N + c] = v;
      }

  if (preset == CONVOLVE_CONV_INPUT_RANDOM)
    {
      /* Quarters keep the products easy to read aloud. */
      cv_rng_seed (&rng, seed);
      for (int k = 0; k < CONVOLVE_CONV_INPUT_CELLS; k++)
        x[k] = (float) cv_rng_below (&rng, 5) / 4.0f;
    }

  convolve_conv_lesson_set_input (self, x);
}

gboolean
convolve_conv_lesson_set_input_from_gray (ConvolveConvLesson *self,
                                          const float        *gray,
                                          int                 w,
                                          int                 h)
{
  /* Fit the ink into the inner 6×6, so the edge kernels see its outline. */
  const CvInputSpec spec = { .box = 6, .center_of_mass = 1, .deskew = 0,
                             .mean = 0.0f, .scale = 1.0f };
  float x[CONVOLVE_CONV_INPUT_CELLS] = { 0 };
  gboolean drawn = FALSE;

  if (gray != NULL && w > 0 && h > 0)
    drawn = convolve_preprocess (gray, w, h, &spec, N, x);
  if (!drawn)
    memset (x, 0, sizeof x);
  else
    for (int k = 0; k < CONVOLVE_CONV_INPUT_CELLS; k++)
      x[k] = roundf (x[k] * 100.0f) / 100.0f;   /* the numbers the grid shows */

  convolve_conv_lesson_set_input (self, x);
  return drawn;
}

/* ------------------------------------------------------------- kernel */

void
convolve_conv_lesson_set_kernel (ConvolveConvLesson *self,
                                 const float        *k)
{
  for (int i = 0; i < CONVOLVE_CONV_KERNEL_CELLS; i++)
    self->kernel[i] = isfinite (k[i]) ? CLAMP (k[i], -99.0f, 99.0f) : 0.0f;
  lesson_forward (self);
}

const float *
convolve_conv_lesson_get_kernel (const ConvolveConvLesson *self)
{
  return self->kernel;
}

void
convolve_conv_lesson_set_kernel_cell (ConvolveConvLesson *self,
                                      int index, float value)
{
  g_return_if_fail (index >= 0 && index < CONVOLVE_CONV_KERNEL_CELLS);
  self->kernel[index] = isfinite (value) ? CLAMP (value, -99.0f, 99.0f) : 0.0f;
  lesson_forward (self);
}

void
convolve_conv_lesson_set_kernel_preset (ConvolveConvLesson      *self,
                                        ConvolveConvKernelPreset preset)
{
  static const float presets[CONVOLVE_CONV_N_KERNEL_PRESETS][CONVOLVE_CONV_KERNEL_CELLS] = {
    [CONVOLVE_CONV_KERNEL_VERTICAL_EDGE]   = {  1,  0, -1,   1,  0, -1,   1,  0, -1 },
    [CONVOLVE_CONV_KERNEL_HORIZONTAL_EDGE] = {  1,  1,  1,   0,  0,  0,  -1, -1, -1 },
    [CONVOLVE_CONV_KERNEL_DIAGONAL_EDGE]   = {  0,  1,  1,  -1,  0,  1,  -1, -1,  0 },
    [CONVOLVE_CONV_KERNEL_BOX_BLUR]        = { 0.11f, 0.11f, 0.11f, 0.11f, 0.11f,
                                               0.11f, 0.11f, 0.11f, 0.11f },
    [CONVOLVE_CONV_KERNEL_SHARPEN]         = {  0, -1,  0,  -1,  5, -1,   0, -1,  0 },
    [CONVOLVE_CONV_KERNEL_OUTLINE]         = { -1, -1, -1,  -1,  8, -1,  -1, -1, -1 },
    [CONVOLVE_CONV_KERNEL_IDENTITY]        = {  0,  0,  0,   0,  1,  0,   0,  0,  0 },
  };

  g_return_if_fail ((int) preset >= 0 && preset < CONVOLVE_CONV_N_KERNEL_PRESETS);
  self->bias = 0.0f;
  convolve_conv_lesson_set_kernel (self, presets[preset]);
}

int
convolve_conv_learned_kernel_count (const CvNet *net)
{
  const CvLayerInfo *first;

  if (net == NULL || cv_net_n_layers (net) < 1)
    return 0;
  first = cv_net_layer (net, 0);
  if (first->kind != CV_LAYER_CONV2D || first->size != K || first->in.c != 1)
    return 0;
  return first->filters;
}

gboolean
convolve_conv_lesson_set_learned_kernel (ConvolveConvLesson *self,
                                         const CvNet        *net,
                                         int                 index)
{
  const CvLayerInfo *first;
  const float *params;
  float k[CONVOLVE_CONV_KERNEL_CELLS];
  int filters = convolve_conv_learned_kernel_count (net);

  if (index < 0 || index >= filters)
    return FALSE;

  first = cv_net_layer (net, 0);
  params = cv_net_params_const (net);
  /* [kh, kw, c_in = 1, c_out]: weight (m, q) of filter f at (m·3 + q)·F + f. */
  for (int i = 0; i < CONVOLVE_CONV_KERNEL_CELLS; i++)
    k[i] = params[first->param_offset + (size_t) i * filters + index];
  self->bias = params[first->bias_offset + index];
  convolve_conv_lesson_set_kernel (self, k);
  return TRUE;
}

/* ------------------------------------------------------------- settings */

void
convolve_conv_lesson_set_bias (ConvolveConvLesson *self, float bias)
{
  self->bias = isfinite (bias) ? CLAMP (bias, -99.0f, 99.0f) : 0.0f;
  lesson_forward (self);
}

float
convolve_conv_lesson_get_bias (const ConvolveConvLesson *self)
{
  return self->bias;
}

void
convolve_conv_lesson_set_relu (ConvolveConvLesson *self, gboolean relu)
{
  if (self->relu == !!relu)
    return;
  self->relu = !!relu;
  lesson_rebuild (self);
}

gboolean
convolve_conv_lesson_get_relu (const ConvolveConvLesson *self)
{
  return self->relu;
}

void
convolve_conv_lesson_set_stride (ConvolveConvLesson *self, int stride)
{
  stride = CLAMP (stride, 1, 2);
  if (self->stride == stride)
    return;
  self->stride = stride;
  lesson_rebuild (self);
}

int
convolve_conv_lesson_get_stride (const ConvolveConvLesson *self)
{
  return self->stride;
}

void
convolve_conv_lesson_set_same (ConvolveConvLesson *self, gboolean same)
{
  if (self->same == !!same)
    return;
  self->same = !!same;
  lesson_rebuild (self);
}

gboolean
convolve_conv_lesson_get_same (const ConvolveConvLesson *self)
{
  return self->same;
}

/* ------------------------------------------------------------- geometry */

int
convolve_conv_lesson_get_out_size (const ConvolveConvLesson *self)
{
  return self->out_size;
}

int
convolve_conv_lesson_get_pad_before (const ConvolveConvLesson *self)
{
  return self->pad_before;
}

int
convolve_conv_lesson_get_pad_after (const ConvolveConvLesson *self)
{
  return self->pad_after;
}

gboolean
convolve_conv_lesson_has_pool (const ConvolveConvLesson *self)
{
  return self->pooled != NULL;
}

int
convolve_conv_lesson_get_pool_size (const ConvolveConvLesson *self)
{
  return self->pool_size;
}

/* ------------------------------------------------------------- positions */

int
convolve_conv_lesson_get_n_conv_positions (const ConvolveConvLesson *self)
{
  return self->out_size * self->out_size;
}

int
convolve_conv_lesson_get_n_relu_positions (const ConvolveConvLesson *self)
{
  return self->relu ? self->out_size * self->out_size : 0;
}

int
convolve_conv_lesson_get_n_positions (const ConvolveConvLesson *self)
{
  return self->out_size * self->out_size + convolve_conv_lesson_get_n_relu_positions (self)
         + self->pool_size * self->pool_size;
}

int
convolve_conv_lesson_get_position (const ConvolveConvLesson *self)
{
  return self->position;
}

gboolean
convolve_conv_lesson_set_position (ConvolveConvLesson *self, int position)
{
  int p = CLAMP (position, 0, convolve_conv_lesson_get_n_positions (self) - 1);

  if (p == self->position)
    return FALSE;
  self->position = p;
  return TRUE;
}

gboolean
convolve_conv_lesson_next (ConvolveConvLesson *self)
{
  return convolve_conv_lesson_set_position (self, self->position + 1);
}

gboolean
convolve_conv_lesson_prev (ConvolveConvLesson *self)
{
  return convolve_conv_lesson_set_position (self, self->position - 1);
}

gboolean
convolve_conv_lesson_first (ConvolveConvLesson *self)
{
  return convolve_conv_lesson_set_position (self, 0);
}

gboolean
convolve_conv_lesson_last (ConvolveConvLesson *self)
{
  return convolve_conv_lesson_set_position (self, G_MAXINT);
}

void
convolve_conv_lesson_advance (ConvolveConvLesson *self)
{
  if (!convolve_conv_lesson_next (self))
    self->position = 0;
}

ConvolveConvStage
convolve_conv_lesson_get_stage (const ConvolveConvLesson *self)
{
  int n_conv = convolve_conv_lesson_get_n_conv_positions (self);

  if (self->position < n_conv)
    return CONVOLVE_CONV_STAGE_CONV;
  if (self->position < n_conv + convolve_conv_lesson_get_n_relu_positions (self))
    return CONVOLVE_CONV_STAGE_RELU;
  return CONVOLVE_CONV_STAGE_POOL;
}

int
convolve_conv_lesson_conv_position (const ConvolveConvLesson *self, int i, int j)
{
  return i * self->out_size + j;
}

int
convolve_conv_lesson_relu_position (const ConvolveConvLesson *self, int i, int j)
{
  if (!self->relu)
    return -1;
  return convolve_conv_lesson_get_n_conv_positions (self) + i * self->out_size + j;
}

int
convolve_conv_lesson_pool_position (const ConvolveConvLesson *self, int i, int j)
{
  return convolve_conv_lesson_get_n_conv_positions (self)
         + convolve_conv_lesson_get_n_relu_positions (self) + i * self->pool_size + j;
}

/* The index of the current position within its stage. */
static int
stage_index (const ConvolveConvLesson *self)
{
  int n_conv = convolve_conv_lesson_get_n_conv_positions (self);

  switch (convolve_conv_lesson_get_stage (self))
    {
    case CONVOLVE_CONV_STAGE_CONV:
      return self->position;
    case CONVOLVE_CONV_STAGE_RELU:
      return self->position - n_conv;
    case CONVOLVE_CONV_STAGE_POOL:
    default:
      return self->position - n_conv - convolve_conv_lesson_get_n_relu_positions (self);
    }
}

int
convolve_conv_lesson_get_stage_index (const ConvolveConvLesson *self)
{
  return stage_index (self);
}

/* ------------------------------------------------------------- numbers */

const float *
convolve_conv_lesson_get_conv_output (const ConvolveConvLesson *self)
{
  return self->conv;
}

const float *
convolve_conv_lesson_get_activated (const ConvolveConvLesson *self)
{
  return self->activated;
}

const float *
convolve_conv_lesson_get_pooled (const ConvolveConvLesson *self)
{
  return self->pooled;
}

float
convolve_conv_lesson_get_value_range (const ConvolveConvLesson *self)
{
  return self->range;
}

void
convolve_conv_lesson_get_conv_step (const ConvolveConvLesson *self,
                                    int i, int j,
                                    ConvolveConvStep *step)
{
  memset (step, 0, sizeof *step);
  g_return_if_fail (i >= 0 && i < self->out_size && j >= 0 && j < self->out_size);

  step->i = i;
  step->j = j;
  step->row0 = i * self->stride - self->pad_before;
  step->col0 = j * self->stride - self->pad_before;
  step->bias = self->bias;

  /* Display arithmetic: the elementwise products of the patch, summed in
   * reading order. The result is the engine's; the tests hold them equal. */
  for (int m = 0; m < K; m++)
    for (int q = 0; q < K; q++)
      {
        int k = m * K + q;
        int r = step->row0 + m;
        int c = step->col0 + q;
        gboolean inside = r >= 0 && r < N && c >= 0 && c < N;

        step->padded[k] = !inside;
        step->x[k] = inside ? self->input[r * N + c] : 0.0f;
        step->w[k] = self->kernel[k];
        step->products[k] = step->x[k] * step->w[k];
        step->sum += step->products[k];
      }

  step->result = self->conv[i * self->out_size + j];
  step->activated = self->activated[i * self->out_size + j];
}

void
convolve_conv_lesson_get_pool_step (const ConvolveConvLesson *self,
                                    int i, int j,
                                    ConvolveConvPoolStep *step)
{
  memset (step, 0, sizeof *step);
  g_return_if_fail (self->pooled != NULL);
  g_return_if_fail (i >= 0 && i < self->pool_size && j >= 0 && j < self->pool_size);

  step->i = i;
  step->j = j;
  for (int k = 0; k < 4; k++)
    {
      int r = 2 * i + k / 2;
      int c = 2 * j + k % 2;

      step->values[k] = self->activated[r * self->out_size + c];
      if (step->values[k] > step->values[step->winner])
        step->winner = k;
    }
  step->result = self->pooled[i * self->pool_size + j];
}

/* ------------------------------------------------------------- words */

const char *
convolve_conv_input_preset_name (ConvolveConvInputPreset preset)
{
  switch (preset)
    {
    case CONVOLVE_CONV_INPUT_VERTICAL_BAR:   return _("Vertical bar");
    case CONVOLVE_CONV_INPUT_HORIZONTAL_BAR: return _("Horizontal bar");
    case CONVOLVE_CONV_INPUT_DIAGONAL:       return _("Diagonal");
    case CONVOLVE_CONV_INPUT_CROSS:          return _("Cross");
    case CONVOLVE_CONV_INPUT_SQUARE:         return _("Small square");
    case CONVOLVE_CONV_INPUT_RANDOM:         return _("Random");
    case CONVOLVE_CONV_INPUT_EMPTY:          return _("Empty");
    case CONVOLVE_CONV_N_INPUT_PRESETS:
    default:                                 return "";
    }
}

const char *
convolve_conv_kernel_preset_name (ConvolveConvKernelPreset preset)
{
  switch (preset)
    {
    case CONVOLVE_CONV_KERNEL_VERTICAL_EDGE:   return _("Vertical edge");
    case CONVOLVE_CONV_KERNEL_HORIZONTAL_EDGE: return _("Horizontal edge");
    case CONVOLVE_CONV_KERNEL_DIAGONAL_EDGE:   return _("Diagonal edge");
    case CONVOLVE_CONV_KERNEL_BOX_BLUR:        return _("Box blur");
    case CONVOLVE_CONV_KERNEL_SHARPEN:         return _("Sharpen");
    case CONVOLVE_CONV_KERNEL_OUTLINE:         return _("Outline (Laplacian)");
    case CONVOLVE_CONV_KERNEL_IDENTITY:        return _("Identity");
    case CONVOLVE_CONV_N_KERNEL_PRESETS:
    default:                                   return "";
    }
}

const char *
convolve_conv_format_value (float value, char *buf, gsize size)
{
  double v = round ((double) value * 100.0) / 100.0;
  char tmp[32];
  char *end;

  if (v == 0.0 || !isfinite (v))
    v = 0.0;   /* no "−0" */
  g_ascii_formatd (tmp, sizeof tmp, "%.2f", fabs (v));
  end = tmp + strlen (tmp) - 1;
  while (end > tmp && *end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  g_snprintf (buf, size, "%s%s", v < 0.0 ? "−" : "", tmp);
  return buf;
}

char *
convolve_conv_lesson_format_output_size (const ConvolveConvLesson *self)
{
  g_autofree char *pad = NULL;
  int numerator = N - K + self->pad_before + self->pad_after;
  gboolean exact = numerator % self->stride == 0;

  if (self->pad_before == self->pad_after)
    pad = g_strdup_printf ("2·%d", self->pad_before);
  else
    pad = g_strdup_printf ("%d + %d", self->pad_before, self->pad_after);

  /* ⌊ ⌋ only when the division is not exact. */
  return g_strdup_printf ("%s(%d − %d + %s) / %d%s + 1 = %d",
                          exact ? "" : "⌊", N, K, pad, self->stride,
                          exact ? "" : "⌋", self->out_size);
}

char *
convolve_conv_lesson_format_equation (const ConvolveConvLesson *self)
{
  char a[16], b[16], c[16], d[16], e[16];

  if (convolve_conv_lesson_get_stage (self) == CONVOLVE_CONV_STAGE_CONV)
    {
      ConvolveConvStep st;
      int i = self->position / self->out_size;
      int j = self->position % self->out_size;
      g_autofree char *eq = NULL;

      convolve_conv_lesson_get_conv_step (self, i, j, &st);
      eq = g_strdup_printf ("y[%d, %d] = Σ x·w + b = %s %s %s = %s",
                            i, j,
                            convolve_conv_format_value (st.sum, a, sizeof a),
                            st.bias < 0.0f ? "−" : "+",
                            convolve_conv_format_value (fabsf (st.bias), b, sizeof b),
                            convolve_conv_format_value (st.result, c, sizeof c));
      return g_steal_pointer (&eq);
    }
  else if (convolve_conv_lesson_get_stage (self) == CONVOLVE_CONV_STAGE_RELU)
    {
      ConvolveConvStep st;
      int r = stage_index (self);

      convolve_conv_lesson_get_conv_step (self, r / self->out_size, r % self->out_size, &st);
      return g_strdup_printf ("a[%d, %d] = ReLU(y[%d, %d]) = max(0, %s) = %s",
                              st.i, st.j, st.i, st.j,
                              convolve_conv_format_value (st.result, d, sizeof d),
                              convolve_conv_format_value (st.activated, e, sizeof e));
    }
  else
    {
      ConvolveConvPoolStep ps;
      char f[16];
      int p = stage_index (self);

      convolve_conv_lesson_get_pool_step (self, p / self->pool_size, p % self->pool_size, &ps);
      return g_strdup_printf ("p[%d, %d] = max(%s, %s, %s, %s) = %s",
                              ps.i, ps.j,
                              convolve_conv_format_value (ps.values[0], a, sizeof a),
                              convolve_conv_format_value (ps.values[1], b, sizeof b),
                              convolve_conv_format_value (ps.values[2], c, sizeof c),
                              convolve_conv_format_value (ps.values[3], d, sizeof d),
                              convolve_conv_format_value (ps.result, f, sizeof f));
    }
}

char *
convolve_conv_lesson_describe_step (const ConvolveConvLesson *self)
{
  GString *text = g_string_new (NULL);
  char a[16], b[16], c[16];
  int n = convolve_conv_lesson_get_n_positions (self);

  g_string_append_printf (text, _("Step %d of %d."), self->position + 1, n);
  g_string_append_c (text, ' ');

  if (convolve_conv_lesson_get_stage (self) == CONVOLVE_CONV_STAGE_CONV)
    {
      ConvolveConvStep st;
      gboolean padded = FALSE;

      convolve_conv_lesson_get_conv_step (self, self->position / self->out_size,
                                          self->position % self->out_size, &st);
      for (int k = 0; k < CONVOLVE_CONV_KERNEL_CELLS; k++)
        padded |= st.padded[k];

      g_string_append_printf (text,
                              _("Each of the nine input values under the kernel is multiplied by "
                                "the weight on top of it. The nine products add up to %s; adding "
                                "the bias %s gives %s, the value of output cell y[%d, %d]."),
                              convolve_conv_format_value (st.sum, a, sizeof a),
                              convolve_conv_format_value (st.bias, b, sizeof b),
                              convolve_conv_format_value (st.result, c, sizeof c),
                              st.i, st.j);
      if (padded)
        {
          g_string_append_c (text, ' ');
          g_string_append (text, _("Cells outside the picture count as 0: that is the zero padding."));
        }
      if (self->position == 0)
        {
          g_string_append_c (text, ' ');
          g_string_append (text, _("The same nine weights are used at every position."));
        }
    }
  else if (convolve_conv_lesson_get_stage (self) == CONVOLVE_CONV_STAGE_RELU)
    {
      ConvolveConvStep st;
      int r = stage_index (self);

      convolve_conv_lesson_get_conv_step (self, r / self->out_size, r % self->out_size, &st);
      if (r == 0)
        {
          g_string_append (text, _("Now ReLU goes over the feature map, one value at a time: "
                                   "negative values become 0, the others stay as they are."));
          g_string_append_c (text, ' ');
        }
      /* Translators: y[i, j] names a cell of the feature map. */
      g_string_append_printf (text, _("Cell y[%d, %d] of the feature map holds %s."),
                              st.i, st.j, convolve_conv_format_value (st.result, a, sizeof a));
      g_string_append_c (text, ' ');
      if (st.result < 0.0f)
        g_string_append_printf (text, _("ReLU turns the negative %s into 0."),
                                convolve_conv_format_value (st.result, a, sizeof a));
      else
        g_string_append (text, _("ReLU keeps it, because it is not negative."));
    }
  else
    {
      ConvolveConvPoolStep ps;
      int p = stage_index (self);

      convolve_conv_lesson_get_pool_step (self, p / self->pool_size, p % self->pool_size, &ps);
      g_string_append_printf (text,
                              _("Max pooling looks at a 2×2 block of the feature map and keeps only "
                                "its largest value, %s (marked). The map shrinks from %d×%d to "
                                "%d×%d: the strongest response in each block survives."),
                              convolve_conv_format_value (ps.result, a, sizeof a),
                              self->out_size, self->out_size,
                              self->pool_size, self->pool_size);
    }

  return g_string_free (text, FALSE);
}
