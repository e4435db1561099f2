/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-model.c — model bytes (.cvm).
 *
 * Layout, all integers and floats little-endian:
 *   "CVMODEL1"                8 bytes  magic
 *   u32 version               = 1
 *   u32 flags                 = 0
 *   u32 spec_len, spec        canonical network spec, UTF-8, no NUL
 *   u32 n_classes             then per class: u32 len, name (UTF-8, no NUL)
 *   u32 input_len (= 20)      then i32 box, i32 center_of_mass, i32 deskew,
 *                             f32 mean, f32 scale
 *   u32 n_params, f32 × n     the parameter arena
 *   u32 crc32                 of every byte before it (IEEE, as zlib)
 *
 * The reader walks the bytes twice. The first walk checks every length
 * against the bytes that remain, parses the spec (no allocation) and checks
 * that the parameter count matches it, then verifies the checksum. Only then
 * does the second walk allocate — never more than the bytes themselves hold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cv-engine-private.h"

#define MAGIC           "CVMODEL1"
#define VERSION         1u
#define MAX_NAME_LEN    256
#define INPUT_SPEC_LEN  20u

static uint32_t
crc32_ieee (const uint8_t *p, size_t len)
{
  uint32_t table[256];
  for (uint32_t i = 0; i < 256; i++)
    {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < len; i++)
    crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

void
cv_model_info_clear (CvModelInfo *info)
{
  if (info == NULL)
    return;
  free (info->spec);
  if (info->class_names != NULL)
    for (int i = 0; i < info->n_classes; i++)
      free (info->class_names[i]);
  free (info->class_names);
  memset (info, 0, sizeof *info);
}

/* ---------------------------------------------------------------- write */

typedef struct {
  uint8_t *p;
  size_t   len;
} Writer;

static void
put_u32 (Writer *w, uint32_t v)
{
  w->p[w->len++] = (uint8_t) v;
  w->p[w->len++] = (uint8_t) (v >> 8);
  w->p[w->len++] = (uint8_t) (v >> 16);
  w->p[w->len++] = (uint8_t) (v >> 24);
}

static void
put_f32 (Writer *w, float f)
{
  uint32_t v;
  memcpy (&v, &f, 4);
  put_u32 (w, v);
}

static void
put_bytes (Writer *w, const void *data, size_t len)
{
  memcpy (w->p + w->len, data, len);
  w->len += len;
}

CvStatus
cv_model_to_bytes (const CvNet *net, const CvModelInfo *info, uint8_t **bytes, size_t *len)
{
  if (bytes == NULL || len == NULL || net == NULL)
    return CV_ERR_ARG;
  *bytes = NULL;
  *len = 0;

  int classes = cv_net_n_classes (net);
  const char *spec = cv_net_spec (net);
  size_t n_params = cv_net_n_params (net);
  CvInputSpec input = { 0, 0, 0, 0.0f, 1.0f };
  char fallback[16];

  if (info != NULL)
    {
      if (info->n_classes != classes || info->class_names == NULL)
        return CV_ERR_ARG;
      input = info->input;
      for (int i = 0; i < classes; i++)
        if (info->class_names[i] == NULL || strlen (info->class_names[i]) > MAX_NAME_LEN)
          return CV_ERR_ARG;
    }

  size_t total = 8 + 4 + 4 + 4 + strlen (spec) + 4 + 4 + INPUT_SPEC_LEN + 4 + 4 * n_params + 4;
  for (int i = 0; i < classes; i++)
    total += 4 + (info != NULL ? strlen (info->class_names[i]) : (size_t) snprintf (fallback, sizeof fallback, "%d", i));

  Writer w = { malloc (total), 0 };
  if (w.p == NULL)
    return CV_ERR_NOMEM;
  put_bytes (&w, MAGIC, 8);
  put_u32 (&w, VERSION);
  put_u32 (&w, 0);
  put_u32 (&w, (uint32_t) strlen (spec));
  put_bytes (&w, spec, strlen (spec));
  put_u32 (&w, (uint32_t) classes);
  for (int i = 0; i < classes; i++)
    {
      const char *name = fallback;
      if (info != NULL)
        name = info->class_names[i];
      else
        snprintf (fallback, sizeof fallback, "%d", i);
      put_u32 (&w, (uint32_t) strlen (name));
      put_bytes (&w, name, strlen (name));
    }
  put_u32 (&w, INPUT_SPEC_LEN);
  put_u32 (&w, (uint32_t) input.box);
  put_u32 (&w, (uint32_t) input.center_of_mass);
  put_u32 (&w, (uint32_t) input.deskew);
  put_f32 (&w, input.mean);
  put_f32 (&w, input.scale);
  put_u32 (&w, (uint32_t) n_params);
  const float *params = cv_net_params_const (net);
  for (size_t i = 0; i < n_params; i++)
    put_f32 (&w, params[i]);
  put_u32 (&w, crc32_ieee (w.p, w.len));

  *bytes = w.p;
  *len = w.len;
  return CV_OK;
}

/* ----------------------------------------------------------------- read */

typedef struct {
  const uint8_t *p;
  size_t         len;   /* bytes up to (not including) the checksum */
  size_t         at;
} Reader;

static int
get_u32 (Reader *r, uint32_t *v)
{
  if (r->len - r->at < 4)
    return 0;
  const uint8_t *b = r->p + r->at;
  *v = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 | (uint32_t) b[3] << 24;
  r->at += 4;
  return 1;
}

static float
f32_at (const uint8_t *b)
{
  uint32_t v = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 | (uint32_t) b[3] << 24;
  float f;
  memcpy (&f, &v, 4);
  return f;
}

/* Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int
valid_utf8 (const uint8_t *p, size_t len)
{
  size_t i = 0;
  while (i < len)
    {
      uint8_t b = p[i];
      size_t extra;
      uint32_t cp;
      if (b < 0x80)
        {
          i++;
          continue;
        }
      else if (b >= 0xc2 && b <= 0xdf)
        extra = 1, cp = b & 0x1f;
      else if (b >= 0xe0 && b <= 0xef)
        extra = 2, cp = b & 0x0f;
      else if (b >= 0xf0 && b <= 0xf4)
        extra = 3, cp = b & 0x07;
      else
        return 0;
      if (len - i - 1 < extra)
        return 0;
      for (size_t k = 1; k <= extra; k++)
        {
          if ((p[i + k] & 0xc0) != 0x80)
            return 0;
          cp = (cp << 6) | (p[i + k] & 0x3f);
        }
      if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
          || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
      i += extra + 1;
    }
  return 1;
}

/* Where the variable-length sections are, once validated. */
typedef struct {
  size_t      spec_at, spec_len;
  uint32_t    n_classes;
  size_t      names_at;
  CvInputSpec input;
  size_t      params_at;
  uint32_t    n_params;
} Layout;

static CvStatus
truncated (CvError *err, const char *what)
{
  return cv_error_set (err, CV_ERR_TRUNCATED, "The model ends early, in its %s.", what);
}

/* The first walk: nothing is allocated except the fixed-size CvSpec. */
static CvStatus
check_layout (const uint8_t *bytes, size_t len, Layout *lay, CvSpec *spec, CvError *err)
{
  uint32_t v;

  if (len < 8)
    {
      if (memcmp (bytes, MAGIC, len) != 0)
        return cv_error_set (err, CV_ERR_MAGIC, "These bytes are not a Convolve model.");
      return truncated (err, "header");
    }
  if (memcmp (bytes, MAGIC, 8) != 0)
    return cv_error_set (err, CV_ERR_MAGIC, "These bytes are not a Convolve model.");
  if (len < 12)
    return truncated (err, "header");
  Reader r = { bytes, len, 8 };
  get_u32 (&r, &v);
  if (v != VERSION)
    return cv_error_set (err, CV_ERR_VERSION,
                         "The model has format version %u; this version of Convolve reads version %u.",
                         v, VERSION);
  if (len < 16 + 4)
    return truncated (err, "header");
  r.len = len - 4;   /* the checksum is not part of the sections */
  get_u32 (&r, &v);
  if (v != 0)
    return cv_error_set (err, CV_ERR_CORRUPT, "The model has unknown flags set (0x%08x).", v);

  /* spec */
  if (!get_u32 (&r, &v))
    return truncated (err, "network spec");
  if (v == 0 || v > CV_MAX_SPEC_LEN)
    return cv_error_set (err, CV_ERR_CORRUPT, "The model's network spec claims %u bytes.", v);
  if (r.len - r.at < v)
    return truncated (err, "network spec");
  lay->spec_at = r.at;
  lay->spec_len = v;
  for (size_t i = 0; i < v; i++)
    if (bytes[r.at + i] == 0)
      return cv_error_set (err, CV_ERR_CORRUPT, "The model's network spec contains a NUL byte.");
  r.at += v;

  /* class names */
  if (!get_u32 (&r, &lay->n_classes))
    return truncated (err, "class names");
  if (lay->n_classes < 2 || lay->n_classes > CV_MAX_CLASSES)
    return cv_error_set (err, CV_ERR_CORRUPT, "The model claims %u classes.", lay->n_classes);
  if (r.len - r.at < 4 * (size_t) lay->n_classes)
    return truncated (err, "class names");
  lay->names_at = r.at;
  for (uint32_t c = 0; c < lay->n_classes; c++)
    {
      if (!get_u32 (&r, &v))
        return truncated (err, "class names");
      if (v > MAX_NAME_LEN)
        return cv_error_set (err, CV_ERR_CORRUPT, "Class name %u claims %u bytes.", c, v);
      if (r.len - r.at < v)
        return truncated (err, "class names");
      for (size_t i = 0; i < v; i++)
        if (bytes[r.at + i] == 0)
          return cv_error_set (err, CV_ERR_CORRUPT, "Class name %u contains a NUL byte.", c);
      if (!valid_utf8 (bytes + r.at, v))
        return cv_error_set (err, CV_ERR_CORRUPT, "Class name %u is not valid UTF-8.", c);
      r.at += v;
    }

  /* input spec */
  if (!get_u32 (&r, &v))
    return truncated (err, "input description");
  if (v != INPUT_SPEC_LEN)
    return cv_error_set (err, CV_ERR_CORRUPT, "The model's input description claims %u bytes.", v);
  if (r.len - r.at < INPUT_SPEC_LEN)
    return truncated (err, "input description");
  uint32_t box, com, deskew;
  get_u32 (&r, &box);
  get_u32 (&r, &com);
  get_u32 (&r, &deskew);
  lay->input.mean = f32_at (bytes + r.at);
  lay->input.scale = f32_at (bytes + r.at + 4);
  r.at += 8;
  if (box > CV_MAX_DIM || com > 1 || deskew > 1
      || !isfinite (lay->input.mean) || !isfinite (lay->input.scale))
    return cv_error_set (err, CV_ERR_CORRUPT, "The model's input description is not valid.");
  lay->input.box = (int) box;
  lay->input.center_of_mass = (int) com;
  lay->input.deskew = (int) deskew;

  /* parameters */
  if (!get_u32 (&r, &lay->n_params))
    return truncated (err, "parameters");
  if (lay->n_params > CV_MAX_PARAMS)
    return cv_error_set (err, CV_ERR_CORRUPT, "The model claims %u parameters.", lay->n_params);
  if ((r.len - r.at) / 4 < lay->n_params)
    return truncated (err, "parameters");
  lay->params_at = r.at;
  r.at += 4 * (size_t) lay->n_params;
  if (r.at != r.len)
    return cv_error_set (err, CV_ERR_CORRUPT,
                         "The model has %zu unexpected bytes after its parameters.", r.len - r.at);

  /* checksum */
  const uint8_t *c = bytes + len - 4;
  uint32_t stored = (uint32_t) c[0] | (uint32_t) c[1] << 8 | (uint32_t) c[2] << 16 | (uint32_t) c[3] << 24;
  if (stored != crc32_ieee (bytes, len - 4))
    return cv_error_set (err, CV_ERR_CHECKSUM, "The model is damaged: its checksum does not match.");

  /* the spec, against the rest */
  char text[CV_MAX_SPEC_LEN + 1];
  memcpy (text, bytes + lay->spec_at, lay->spec_len);
  text[lay->spec_len] = '\0';
  CvError spec_err = { CV_OK, "" };
  if (cv_spec_parse (text, spec, &spec_err) != CV_OK)
    return cv_error_set (err, CV_ERR_CORRUPT, "The model's network spec is not valid: %s",
                         spec_err.message);
  if ((size_t) lay->n_params != spec->n_params)
    return cv_error_set (err, CV_ERR_CORRUPT,
                         "The model holds %u parameters but its network needs %zu.",
                         lay->n_params, spec->n_params);
  if ((int) lay->n_classes != spec->n_classes)
    return cv_error_set (err, CV_ERR_CORRUPT,
                         "The model names %u classes but its network has %d.",
                         lay->n_classes, spec->n_classes);
  for (uint32_t i = 0; i < lay->n_params; i++)
    if (!isfinite (f32_at (bytes + lay->params_at + 4 * (size_t) i)))
      return cv_error_set (err, CV_ERR_CORRUPT, "The model's parameters include a non-number.");
  return CV_OK;
}

CvStatus
cv_model_from_bytes (const uint8_t *bytes, size_t len, CvNet **net_out, CvModelInfo *info,
                     CvError *err)
{
  Layout lay;
  CvStatus status;

  if (net_out != NULL)
    *net_out = NULL;
  if (info != NULL)
    memset (info, 0, sizeof *info);
  if (bytes == NULL && len > 0)
    return cv_error_set (err, CV_ERR_ARG, "No model bytes were given.");
  if (len == 0)
    return cv_error_set (err, CV_ERR_TRUNCATED, "The model is empty.");

  CvSpec *spec = malloc (sizeof *spec);
  if (spec == NULL)
    return cv_error_set (err, CV_ERR_NOMEM, "Out of memory while reading the model.");
  memset (&lay, 0, sizeof lay);
  status = check_layout (bytes, len, &lay, spec, err);
  if (status != CV_OK)
    {
      free (spec);
      return status;
    }

  /* Everything is consistent; allocations are now bounded by len. */
  CvNet *net = NULL;
  if (net_out != NULL)
    {
      status = cv_net_new (spec->canonical, &net, err);
      if (status != CV_OK)
        {
          free (spec);
          return status;
        }
      float *params = cv_net_params (net);
      for (uint32_t i = 0; i < lay.n_params; i++)
        params[i] = f32_at (bytes + lay.params_at + 4 * (size_t) i);
    }
  free (spec);

  if (info != NULL)
    {
      info->n_classes = (int) lay.n_classes;
      info->input = lay.input;
      info->spec = malloc (lay.spec_len + 1);
      info->class_names = calloc (lay.n_classes, sizeof (char *));
      if (info->spec == NULL || info->class_names == NULL)
        goto nomem;
      memcpy (info->spec, bytes + lay.spec_at, lay.spec_len);
      info->spec[lay.spec_len] = '\0';
      size_t at = lay.names_at;
      for (uint32_t c = 0; c < lay.n_classes; c++)
        {
          uint32_t n = (uint32_t) bytes[at] | (uint32_t) bytes[at + 1] << 8
                       | (uint32_t) bytes[at + 2] << 16 | (uint32_t) bytes[at + 3] << 24;
          at += 4;
          info->class_names[c] = malloc ((size_t) n + 1);
          if (info->class_names[c] == NULL)
            goto nomem;
          memcpy (info->class_names[c], bytes + at, n);
          info->class_names[c][n] = '\0';
          at += n;
        }
    }
  if (net_out != NULL)
    *net_out = net;
  if (err != NULL)
    {
      err->status = CV_OK;
      err->message[0] = '\0';
    }
  return CV_OK;

nomem:
  cv_net_free (net);
  cv_model_info_clear (info);
  return cv_error_set (err, CV_ERR_NOMEM, "Out of memory while reading the model.");
}
