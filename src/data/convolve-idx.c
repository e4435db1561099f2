/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-idx.c — the IDX (MNIST) format, gzip-compressed or plain.
 *
 * An IDX file is a 4-byte magic (0, 0, data type, number of dimensions),
 * one big-endian u32 per dimension, then the values in row-major order. We
 * read unsigned bytes (type 0x08) only: images with 3 dimensions (n, rows,
 * cols) or 4 (n, rows, cols, channels), labels with 1 (n).
 *
 * Reading trusts nothing in the header: every size is checked against the
 * bytes actually present before anything of that size is allocated. A gzip
 * file is inflated chunk by chunk and never beyond the header's size plus
 * one byte, so a small file cannot make us allocate gigabytes.
 */
#define G_LOG_DOMAIN "convolve-data"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "convolve-dataset.h"
#include "convolve-data-private.h"
#include "convolve-file.h"

#define IDX_TYPE_UBYTE   0x08
#define IDX_MAX_BYTES    ((guint64) 1 << 30)   /* 1 GiB of pixels is plenty */
#define IDX_MAX_SIDE     4096
#define IDX_MAX_CHANNELS 4
#define IDX_MAX_CLASSES  100
#define INFLATE_CHUNK    65536

char *
convolve_file_display_name (GFile *file)
{
  g_autoptr(GFile) parent = NULL;
  g_autofree char *base = NULL;
  g_autofree char *parent_base = NULL;

  if (g_file_is_native (file))
    return g_file_get_path (file);

  base = g_file_get_basename (file);
  parent = g_file_get_parent (file);
  if (parent != NULL)
    parent_base = g_file_get_basename (parent);
  if (parent_base != NULL && strcmp (parent_base, "/") != 0)
    return g_build_filename (parent_base, base, NULL);
  return g_steal_pointer (&base);
}

/* ----------------------------------------------------------- inflating */

typedef struct {
  GConverter   *conv;
  const guint8 *in;
  gsize         in_len;
  gsize         in_pos;
  GByteArray   *out;
  gboolean      finished;  /* the gzip stream ended properly */
  gboolean      cut;       /* the compressed input ended inside the stream */
} Inflate;

/* Inflates until out holds at least `want` bytes or the data ends. */
static gboolean
inflate_to (Inflate *z, gsize want, const char *display, GError **error)
{
  gsize room = 4096;

  while (z->out->len < want && !z->finished && !z->cut)
    {
      g_autoptr(GError) local = NULL;
      gsize old = z->out->len, nread = 0, nwritten = 0;
      gsize chunk = CLAMP (want - old, room, INFLATE_CHUNK);
      GConverterResult r;

      g_byte_array_set_size (z->out, (guint) (old + chunk));
      r = g_converter_convert (z->conv, z->in + z->in_pos, z->in_len - z->in_pos,
                               z->out->data + old, chunk, G_CONVERTER_INPUT_AT_END,
                               &nread, &nwritten, &local);
      z->in_pos += nread;
      g_byte_array_set_size (z->out, (guint) (old + nwritten));

      if (r == G_CONVERTER_FINISHED)
        z->finished = TRUE;
      else if (r == G_CONVERTER_ERROR)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            z->cut = TRUE;
          else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NO_SPACE) && room < INFLATE_CHUNK)
            room *= 2;
          else
            {
              g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                           _("%s: the gzip data is damaged (%s)"), display, local->message);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------- reading */

typedef struct {
  GByteArray *bytes;     /* the whole (inflated) file */
  int         ndims;
  guint32     dims[4];
} IdxFile;

static void
idx_file_clear (IdxFile *f)
{
  g_clear_pointer (&f->bytes, g_byte_array_unref);
}

static gboolean
parse_header (const guint8 *p, gsize len, int min_dims, int max_dims,
              const char *kind, const char *display, IdxFile *f,
              guint64 *expected, GError **error)
{
  guint64 total;

  if (len < 4)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED,
                   _("%s: the file ends after %zu bytes, inside the IDX header"),
                   display, (size_t) len);
      return FALSE;
    }
  if (p[0] != 0 || p[1] != 0)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                   _("%s: not an IDX file (it starts with the bytes %02x %02x %02x %02x, not 00 00 08 0%d)"),
                   display, p[0], p[1], p[2], p[3], min_dims);
      return FALSE;
    }
  if (p[2] != IDX_TYPE_UBYTE)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_UNSUPPORTED,
                   _("%s: the IDX data type 0x%02x is not supported; only unsigned bytes (0x08) are"),
                   display, p[2]);
      return FALSE;
    }
  f->ndims = p[3];
  if (f->ndims < min_dims || f->ndims > max_dims)
    {
      if (min_dims == max_dims)
        g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                     _("%s: an IDX %s file has %d dimension(s), this one has %d"),
                     display, kind, min_dims, f->ndims);
      else
        g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                     _("%s: an IDX %s file has %d to %d dimensions, this one has %d"),
                     display, kind, min_dims, max_dims, f->ndims);
      return FALSE;
    }
  if (len < 4 + 4 * (gsize) f->ndims)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED,
                   _("%s: the file ends after %zu bytes, inside the IDX header"),
                   display, (size_t) len);
      return FALSE;
    }

  total = 1;
  for (int d = 0; d < f->ndims; d++)
    {
      const guint8 *q = p + 4 + 4 * d;
      f->dims[d] = ((guint32) q[0] << 24) | ((guint32) q[1] << 16) | ((guint32) q[2] << 8) | q[3];
      if (f->dims[d] == 0)
        {
          g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                       _("%s: dimension %d is 0: the file holds no data"), display, d + 1);
          return FALSE;
        }
      if (d > 0 && f->dims[d] > (d == 3 ? IDX_MAX_CHANNELS : IDX_MAX_SIDE))
        {
          g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                       _("%s: dimension %d is %u, more than the %d this program accepts"),
                       display, d + 1, f->dims[d], d == 3 ? IDX_MAX_CHANNELS : IDX_MAX_SIDE);
          return FALSE;
        }
      total *= f->dims[d];   /* ≤ 2^32 · 4096 · 4096 · 4: no overflow in 64 bits */
    }
  if (total > IDX_MAX_BYTES)
    {
      /* C99 conversions, not GLib's format macros, which xgettext cannot
       * expand inside a translatable string. */
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                   _("%s: the header claims %llu values, more than this program reads"),
                   display, (unsigned long long) total);
      return FALSE;
    }
  *expected = 4 + 4 * (guint64) f->ndims + total;
  return TRUE;
}

static gboolean
read_idx (GFile *file, int min_dims, int max_dims, const char *kind,
          IdxFile *f, GError **error)
{
  g_autofree char *display = convolve_file_display_name (file);
  g_autoptr(GError) local = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *raw = NULL;
  gsize raw_len = 0;
  guint64 expected = 0;
  gsize len;

  memset (f, 0, sizeof *f);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local);
  if (info == NULL)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("%s: %s"), display, local->message);
      return FALSE;
    }
  if ((guint64) g_file_info_get_size (info) > IDX_MAX_BYTES)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                   _("%s: the file is larger than this program reads (1 GiB)"), display);
      return FALSE;
    }
  if (!g_file_load_contents (file, NULL, &raw, &raw_len, NULL, &local))
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_NOT_FOUND,
                   _("%s: %s"), display, local->message);
      return FALSE;
    }

  if (raw_len >= 2 && (guint8) raw[0] == 0x1f && (guint8) raw[1] == 0x8b)
    {
      g_autoptr(GZlibDecompressor) conv = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      Inflate z = { G_CONVERTER (conv), (const guint8 *) raw, raw_len, 0,
                    g_byte_array_new (), FALSE, FALSE };
      gboolean ok;

      f->bytes = z.out;
      ok = inflate_to (&z, 4, display, error);
      if (ok && z.out->len >= 4)
        ok = inflate_to (&z, 4 + 4 * (gsize) MIN (z.out->data[3], 4), display, error);
      if (ok && !parse_header (z.out->data, z.out->len, min_dims, max_dims, kind,
                               display, f, &expected, error))
        ok = FALSE;
      /* One byte more than the header says tells a longer file apart. */
      if (ok)
        ok = inflate_to (&z, (gsize) expected + 1, display, error);
      if (ok && z.cut && z.out->len == expected)
        {
          g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED,
                       _("%s: the compressed data ends early"), display);
          ok = FALSE;
        }
      if (!ok)
        {
          idx_file_clear (f);
          return FALSE;
        }
    }
  else
    {
      f->bytes = g_byte_array_new_take ((guint8 *) g_steal_pointer (&raw), raw_len);
      if (!parse_header (f->bytes->data, f->bytes->len, min_dims, max_dims, kind,
                         display, f, &expected, error))
        {
          idx_file_clear (f);
          return FALSE;
        }
    }

  len = f->bytes->len;
  if (len < expected)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_TRUNCATED,
                   _("%s: the file ends after %zu of %llu bytes"),
                   display, (size_t) len, (unsigned long long) expected);
      idx_file_clear (f);
      return FALSE;
    }
  if (len > expected)
    {
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                   _("%s: the file goes on after the %llu bytes its header describes"),
                   display, (unsigned long long) expected);
      idx_file_clear (f);
      return FALSE;
    }
  return TRUE;
}

ConvolveDataset *
convolve_dataset_load_idx_with_classes (GFile *images, GFile *labels,
                                        const char *const *class_names,
                                        GError **error)
{
  g_auto(GStrv) names = NULL;
  IdxFile fi, fl;
  ConvolveDataset *ds;
  const guint8 *px, *lb;
  int n, h, w, c, n_classes, max_label = 0;
  gsize count;

  g_return_val_if_fail (G_IS_FILE (images) && G_IS_FILE (labels), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_idx (images, 3, 4, "image", &fi, error))
    return NULL;
  if (!read_idx (labels, 1, 1, "label", &fl, error))
    {
      idx_file_clear (&fi);
      return NULL;
    }

  if (fi.dims[0] != fl.dims[0])
    {
      g_autofree char *di = convolve_file_display_name (images);
      g_autofree char *dl = convolve_file_display_name (labels);
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_MISMATCH,
                   _("%s holds %u images but %s holds %u labels"),
                   di, fi.dims[0], dl, fl.dims[0]);
      idx_file_clear (&fi);
      idx_file_clear (&fl);
      return NULL;
    }
  if (fi.dims[0] > G_MAXINT / 2)
    {
      g_autofree char *di = convolve_file_display_name (images);
      g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                   _("%s: too many images (%u)"), di, fi.dims[0]);
      idx_file_clear (&fi);
      idx_file_clear (&fl);
      return NULL;
    }

  n = (int) fi.dims[0];
  h = (int) fi.dims[1];
  w = (int) fi.dims[2];
  c = fi.ndims == 4 ? (int) fi.dims[3] : 1;
  lb = fl.bytes->data + 4 + 4 * fl.ndims;
  px = fi.bytes->data + 4 + 4 * fi.ndims;

  if (class_names != NULL)
    n_classes = (int) g_strv_length ((char **) class_names);
  else
    n_classes = IDX_MAX_CLASSES;
  for (int i = 0; i < n; i++)
    {
      if (lb[i] >= n_classes)
        {
          g_autofree char *dl = convolve_file_display_name (labels);
          g_set_error (error, CONVOLVE_DATA_ERROR, CONVOLVE_DATA_ERROR_INVALID,
                       _("%s: label %d of sample %d is outside 0–%d"),
                       dl, lb[i], i + 1, n_classes - 1);
          idx_file_clear (&fi);
          idx_file_clear (&fl);
          return NULL;
        }
      max_label = MAX (max_label, lb[i]);
    }

  if (class_names == NULL)
    {
      names = g_new0 (char *, max_label + 2);
      for (int k = 0; k <= max_label; k++)
        names[k] = g_strdup_printf ("%d", k);
      class_names = (const char *const *) names;
    }

  ds = convolve_dataset_new (n, h, w, c, class_names);
  count = (gsize) n * h * w * c;
  for (gsize i = 0; i < count; i++)
    ds->x[i] = px[i] * (1.0f / 255.0f);
  memcpy (ds->y, lb, (gsize) n);
  g_free (ds->name);
  ds->name = g_file_get_basename (images);

  idx_file_clear (&fi);
  idx_file_clear (&fl);
  return ds;
}

ConvolveDataset *
convolve_dataset_load_idx (GFile *images, GFile *labels, GError **error)
{
  return convolve_dataset_load_idx_with_classes (images, labels, NULL, error);
}

/* ------------------------------------------------------------- writing */

static GBytes *
gzip_bytes (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(GZlibCompressor) conv = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_pos = 0;

  for (;;)
    {
      gsize old = out->len, nread = 0, nwritten = 0;
      GConverterResult r;

      g_byte_array_set_size (out, (guint) (old + INFLATE_CHUNK));
      r = g_converter_convert (G_CONVERTER (conv), data + in_pos, len - in_pos,
                               out->data + old, INFLATE_CHUNK, G_CONVERTER_INPUT_AT_END,
                               &nread, &nwritten, error);
      in_pos += nread;
      g_byte_array_set_size (out, (guint) (old + nwritten));
      if (r == G_CONVERTER_ERROR)
        return NULL;
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
write_idx (GFile *file, const guint32 *dims, int ndims, const guint8 *values,
           gsize count, GError **error)
{
  g_autoptr(GByteArray) raw = g_byte_array_sized_new ((guint) (4 + 4 * ndims + count));
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *base = g_file_get_basename (file);
  guint8 head[4] = { 0, 0, IDX_TYPE_UBYTE, (guint8) ndims };

  g_byte_array_append (raw, head, 4);
  for (int d = 0; d < ndims; d++)
    {
      guint8 be[4] = { (guint8) (dims[d] >> 24), (guint8) (dims[d] >> 16),
                       (guint8) (dims[d] >> 8), (guint8) dims[d] };
      g_byte_array_append (raw, be, 4);
    }
  g_byte_array_append (raw, values, (guint) count);

  if (g_str_has_suffix (base, ".gz"))
    {
      bytes = gzip_bytes (raw->data, raw->len, error);
      if (bytes == NULL)
        return FALSE;
    }
  else
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&raw));

  return convolve_file_write_atomic (file, g_bytes_get_data (bytes, NULL),
                                     g_bytes_get_size (bytes), error);
}

gboolean
convolve_dataset_save_idx (const ConvolveDataset *ds, GFile *images,
                           GFile *labels, GError **error)
{
  g_autofree guint8 *px = NULL;
  gsize count;
  guint32 idims[4];
  guint32 ldims[1];

  g_return_val_if_fail (ds != NULL && ds->n > 0, FALSE);
  g_return_val_if_fail (G_IS_FILE (images) && G_IS_FILE (labels), FALSE);

  count = (gsize) ds->n * ds->h * ds->w * ds->c;
  px = g_malloc (count);
  for (gsize i = 0; i < count; i++)
    {
      float v = ds->x[i] * 255.0f + 0.5f;
      px[i] = (guint8) CLAMP (v, 0.0f, 255.0f);
    }

  idims[0] = (guint32) ds->n;
  idims[1] = (guint32) ds->h;
  idims[2] = (guint32) ds->w;
  idims[3] = (guint32) ds->c;
  ldims[0] = (guint32) ds->n;

  if (!write_idx (images, idims, ds->c == 1 ? 3 : 4, px, count, error))
    return FALSE;
  return write_idx (labels, ldims, 1, ds->y, (gsize) ds->n, error);
}
