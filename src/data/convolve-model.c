/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-model.c — a trained network with its class names and input spec.
 *
 * Two locks, two roles:
 *   - params_lock guards `published`, the newest weights a trainer handed
 *     over, and its generation count. It is held only for one memcpy.
 *   - predict_lock guards `net`, the model's private CvNet. Before a
 *     forward pass, prediction copies `published` into it if a newer
 *     generation arrived. A trainer never touches `net`, so a prediction
 *     always runs on one consistent set of weights and waits at most for a
 *     copy.
 */
#define G_LOG_DOMAIN "convolve-data"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "convolve-model.h"
#include "convolve-dataset.h"
#include "convolve-preprocess.h"
#include "convolve-data-private.h"
#include "convolve-file.h"
#include "convolve-data-resources.h"

struct _ConvolveModel
{
  GObject      parent_instance;

  CvModelInfo  info;          /* deep copy; info.spec is the net's canonical spec */
  int          input_size;    /* H (== W) of the net's input */

  GMutex       predict_lock;
  CvNet       *net;           /* guarded by predict_lock */
  guint64      net_generation;
  float       *probs_scratch; /* n_classes, guarded by predict_lock */
  float       *input_scratch; /* input_size², guarded by predict_lock */

  GMutex       params_lock;
  float       *published;     /* n_params, guarded by params_lock */
  gsize        n_params;
  guint64      generation;    /* guarded by params_lock */
};

G_DEFINE_FINAL_TYPE (ConvolveModel, convolve_model, G_TYPE_OBJECT)

/* ------------------------------------------------------------ resource */

void
convolve_data_ensure_resource (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      convolve_data_register_resource ();
      g_once_init_leave (&once, 1);
    }
}

/* ------------------------------------------------------------ helpers */

static void
model_info_copy (CvModelInfo *dst, const CvModelInfo *src, const char *spec, int n_classes)
{
  memset (dst, 0, sizeof *dst);
  dst->spec = g_strdup (spec);
  dst->n_classes = n_classes;
  dst->class_names = g_new0 (char *, n_classes + 1);
  for (int k = 0; k < n_classes; k++)
    {
      if (src != NULL && src->class_names != NULL && k < src->n_classes && src->class_names[k] != NULL)
        dst->class_names[k] = g_strdup (src->class_names[k]);
      else
        dst->class_names[k] = g_strdup_printf ("%d", k);
    }
  dst->input = src != NULL ? src->input : convolve_input_spec_plain ();
}

static void
model_info_free (CvModelInfo *info)
{
  g_free (info->spec);
  g_strfreev (info->class_names);
  memset (info, 0, sizeof *info);
}

/* Makes predict's net current. Call with predict_lock held. */
static void
sync_net (ConvolveModel *self)
{
  g_mutex_lock (&self->params_lock);
  if (self->net_generation != self->generation)
    {
      memcpy (cv_net_params (self->net), self->published, self->n_params * sizeof (float));
      self->net_generation = self->generation;
    }
  g_mutex_unlock (&self->params_lock);
}

static int
error_code_for_status (CvStatus status)
{
  switch (status)
    {
    case CV_ERR_TRUNCATED:
      return CONVOLVE_DATA_ERROR_TRUNCATED;
    default:
      return CONVOLVE_DATA_ERROR_MODEL;
    }
}

static ConvolveModel *
model_from_bytes (GBytes *bytes, const char *display, GError **error)
{
  CvNet *net = NULL;
  CvModelInfo info = { 0 };
  CvError err = { 0 };
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  ConvolveModel *self;
  CvStatus st;

  st = cv_model_from_bytes (data != NULL ? data : (const guint8 *) "", len, &net, &info, &err);
  if (st != CV_OK)
    {
      const char *why = err.message[0] != '\0' ? err.message : cv_status_name (st);
      if (st == CV_ERR_MAGIC)
        g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_MODEL,
                     _("%s is not a Convolve model file (%s)"), display, why);
      else
        g_set_error (error, CONVOLVE_DATA_ERROR, error_code_for_status (st),
                     _("%s: the model cannot be read: %s"), display, why);
      if (net != NULL)
        cv_net_free (net);
      cv_model_info_clear (&info);
      return NULL;
    }

  /* Everything Convolve feeds a model is a square gray picture. */
  {
    CvShape in = cv_net_input_shape (net);
    if (in.h != in.w || in.c != 1)
      {
        g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_UNSUPPORTED,
                     /* Translators: %s is a file name; the numbers are the
                      * model's input height, width and channels. */
                     _("%s: the model expects %d×%d pictures with %d channels; Convolve works with square gray pictures"),
                     display, in.h, in.w, in.c);
        cv_net_free (net);
        cv_model_info_clear (&info);
        return NULL;
      }
  }

  self = convolve_model_new (net, &info);
  cv_model_info_clear (&info);
  return self;
}

/* ------------------------------------------------------------ GObject */

static void
convolve_model_finalize (GObject *object)
{
  ConvolveModel *self = CONVOLVE_MODEL (object);

  g_clear_pointer (&self->net, cv_net_free);
  g_free (self->published);
  g_free (self->probs_scratch);
  g_free (self->input_scratch);
  model_info_free (&self->info);
  g_mutex_clear (&self->predict_lock);
  g_mutex_clear (&self->params_lock);

  G_OBJECT_CLASS (convolve_model_parent_class)->finalize (object);
}

static void
convolve_model_class_init (ConvolveModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = convolve_model_finalize;
}

static void
convolve_model_init (ConvolveModel *self)
{
  g_mutex_init (&self->predict_lock);
  g_mutex_init (&self->params_lock);
}

/* ------------------------------------------------------------ public */

ConvolveModel *
convolve_model_new (CvNet *net, const CvModelInfo *info)
{
  ConvolveModel *self;
  CvShape in;
  int n_classes;

  g_return_val_if_fail (net != NULL, NULL);

  self = g_object_new (CONVOLVE_TYPE_MODEL, NULL);
  in = cv_net_input_shape (net);
  n_classes = cv_net_n_classes (net);
  self->net = net;
  self->input_size = in.h;
  self->n_params = cv_net_n_params (net);
  self->published = g_memdup2 (cv_net_params_const (net), MAX (self->n_params, 1) * sizeof (float));
  self->probs_scratch = g_new0 (float, MAX (n_classes, 1));
  self->input_scratch = g_new0 (float, cv_shape_size (in));
  model_info_copy (&self->info, info, cv_net_spec (net), n_classes);
  return self;
}

ConvolveModel *
convolve_model_new_from_bytes (GBytes *bytes, GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return model_from_bytes (bytes, _("the model"), error);
}

ConvolveModel *
convolve_model_new_from_file (GFile *file, GError **error)
{
  g_autofree char *display = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = convolve_file_display_name (file);
  bytes = g_file_load_bytes (file, NULL, NULL, &local);
  if (bytes == NULL)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("%s: %s"), display, local->message);
      return NULL;
    }
  return model_from_bytes (bytes, display, error);
}

ConvolveModel *
convolve_model_new_builtin (const char *name, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  convolve_data_ensure_resource ();
  path = g_strdup_printf (CONVOLVE_RESOURCE_PREFIX "/models/%s.cvm", name);
  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("There is no built-in model called “%s” (there are digits and shapes)"),
                   name);
      return NULL;
    }
  display = g_strdup_printf ("%s.cvm", name);
  return model_from_bytes (bytes, display, error);
}

GBytes *
convolve_model_to_bytes (ConvolveModel *self)
{
  uint8_t *data = NULL;
  size_t len = 0;
  CvStatus st;
  GBytes *bytes;

  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), NULL);

  g_mutex_lock (&self->predict_lock);
  sync_net (self);
  st = cv_model_to_bytes (self->net, &self->info, &data, &len);
  g_mutex_unlock (&self->predict_lock);
  if (st != CV_OK)
    return NULL;

  bytes = g_bytes_new (data, len);
  free (data);
  return bytes;
}

gboolean
convolve_model_save (ConvolveModel *self, GFile *file, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = convolve_model_to_bytes (self);
  if (bytes == NULL)
    {
      g_autofree char *display = convolve_file_display_name (file);
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_MODEL,
                   _("%s: the model could not be turned into bytes (out of memory?)"), display);
      return FALSE;
    }
  /* A temporary file renamed over the old one once complete: a crash or a
   * full disk leaves the old model intact. */
  if (!convolve_file_write_atomic (file, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), &local))
    {
      g_autofree char *display = convolve_file_display_name (file);
      /* The writer's message names the file already. */
      if (strstr (local->message, display) != NULL)
        g_set_error (error, G_IO_ERROR, local->code, _("The model could not be saved: %s"),
                     local->message);
      else
        g_set_error (error, G_IO_ERROR, local->code, _("%s: the model could not be saved: %s"),
                     display, local->message);
      return FALSE;
    }
  return TRUE;
}

int
convolve_model_get_n_classes (ConvolveModel *self)
{
  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), 0);
  return self->info.n_classes;
}

const char *
convolve_model_get_class_name (ConvolveModel *self, int index)
{
  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), NULL);
  g_return_val_if_fail (index >= 0 && index < self->info.n_classes, NULL);
  return self->info.class_names[index];
}

const CvInputSpec *
convolve_model_get_input_spec (ConvolveModel *self)
{
  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), NULL);
  return &self->info.input;
}

int
convolve_model_get_input_size (ConvolveModel *self)
{
  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), 0);
  return self->input_size;
}

const char *
convolve_model_get_spec (ConvolveModel *self)
{
  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), NULL);
  return self->info.spec;
}

CvNet *
convolve_model_dup_net (ConvolveModel *self)
{
  CvNet *copy;

  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), NULL);

  g_mutex_lock (&self->predict_lock);
  sync_net (self);
  copy = cv_net_clone (self->net);
  g_mutex_unlock (&self->predict_lock);
  return copy;
}

void
convolve_model_set_params (ConvolveModel *self, const float *params, gsize n)
{
  g_return_if_fail (CONVOLVE_IS_MODEL (self));
  g_return_if_fail (params != NULL);
  g_return_if_fail (n == self->n_params);

  g_mutex_lock (&self->params_lock);
  memcpy (self->published, params, n * sizeof (float));
  self->generation++;
  g_mutex_unlock (&self->params_lock);
}

/* Runs the net on input (already normalised to 0..1, ink = 1) after
 * applying the spec's mean and scale. Call with predict_lock held. */
static void
predict_locked (ConvolveModel *self, const float *input, float *probs)
{
  CvShape in = cv_net_input_shape (self->net);
  gsize size = cv_shape_size (in);
  const CvInputSpec *spec = &self->info.input;
  const float *x = input;

  sync_net (self);
  if (spec->mean != 0.0f || (spec->scale != 1.0f && spec->scale != 0.0f))
    {
      float scale = spec->scale != 0.0f ? spec->scale : 1.0f;
      if (x != self->input_scratch)
        memcpy (self->input_scratch, x, size * sizeof (float));
      for (gsize i = 0; i < size; i++)
        self->input_scratch[i] = (self->input_scratch[i] - spec->mean) * scale;
      x = self->input_scratch;
    }
  if (cv_net_predict (self->net, x, probs) != CV_OK)
    memset (probs, 0, (gsize) self->info.n_classes * sizeof (float));
}

void
convolve_model_predict (ConvolveModel *self, const float *input, float *probs)
{
  g_return_if_fail (CONVOLVE_IS_MODEL (self));
  g_return_if_fail (input != NULL && probs != NULL);

  g_mutex_lock (&self->predict_lock);
  predict_locked (self, input, probs);
  g_mutex_unlock (&self->predict_lock);
}

gboolean
convolve_model_predict_image (ConvolveModel *self, const float *gray,
                              int w, int h, float *probs, float *input_out)
{
  CvShape in;
  gsize size;
  gboolean drawn;

  g_return_val_if_fail (CONVOLVE_IS_MODEL (self), FALSE);
  g_return_val_if_fail (gray != NULL && probs != NULL, FALSE);

  in = cv_net_input_shape (self->net);
  size = cv_shape_size (in);
  memset (probs, 0, (gsize) self->info.n_classes * sizeof (float));
  if (in.h != in.w || in.c != 1)
    {
      /* Not a picture model (only convolve_model_new can make one): the
       * caller's buffer holds input_size² floats, no more. */
      if (input_out != NULL)
        memset (input_out, 0, (gsize) self->input_size * (gsize) self->input_size * sizeof (float));
      return FALSE;
    }

  g_mutex_lock (&self->predict_lock);
  drawn = convolve_preprocess (gray, w, h, &self->info.input, in.h, self->input_scratch);
  if (input_out != NULL)
    memcpy (input_out, self->input_scratch, size * sizeof (float));
  if (drawn)
    predict_locked (self, self->input_scratch, probs);
  g_mutex_unlock (&self->predict_lock);
  return drawn;
}
