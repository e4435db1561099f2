/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-image.c — image import: PNG bytes decoded by gdk-pixbuf, turned
 * gray the way `convolve-cli predict` does (luminance, transparency laid
 * over white), then preprocessed into a 28×28 and a 16×16 input.
 *
 * Pictures whose header claims more than 4096×4096 pixels are skipped: the
 * CLI would try to allocate them whole (see the robustness report), and
 * here they would only measure the machine's memory.
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#include "convolve-dataset.h"
#include "convolve-preprocess.h"
#include "fuzz-target.h"

#define MAX_SIDE 4096

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* Load the PNG module once: gdk-pixbuf caches it until exit. */
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  FUZZ_CHECK (loader != NULL);
  gdk_pixbuf_loader_close (loader, NULL);
  return 0;
}

/* The PNG header's size, or FALSE if these are not PNG bytes. */
static gboolean
png_size (const guint8 *p, gsize len, guint32 *w, guint32 *h)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (len < 24 || memcmp (p, sig, 8) != 0)
    return FALSE;
  *w = (guint32) p[16] << 24 | (guint32) p[17] << 16 | (guint32) p[18] << 8 | p[19];
  *h = (guint32) p[20] << 24 | (guint32) p[21] << 16 | (guint32) p[22] << 8 | p[23];
  return TRUE;
}

/* As convolve-cli-predict.c's load_gray(). */
static float *
pixbuf_to_gray (GdkPixbuf *pixbuf, int *w, int *h)
{
  const guint8 *pixels;
  int stride, channels;
  gboolean alpha;
  float *gray;

  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8
      || gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
    return NULL;
  *w = gdk_pixbuf_get_width (pixbuf);
  *h = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  FUZZ_CHECK (channels >= (alpha ? 4 : 3));

  gray = g_new (float, (gsize) *w * *h);
  for (int y = 0; y < *h; y++)
    for (int x = 0; x < *w; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        float lum = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.f;

        if (alpha)
          {
            float a = p[3] / 255.f;
            lum = lum * a + (1.f - a);
          }
        gray[(gsize) y * *w + x] = lum;
      }
  return gray;
}

static void
preprocess_into (const float *gray, int w, int h, const CvInputSpec *spec, int size)
{
  g_autofree float *out = g_new (float, (gsize) size * size);
  gboolean drawn = convolve_preprocess (gray, w, h, spec, size, out);

  for (int i = 0; i < size * size; i++)
    {
      FUZZ_CHECK (out[i] >= 0.0f && out[i] <= 1.0f);
      if (!drawn)
        FUZZ_CHECK (out[i] == 0.0f);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *gray = NULL;
  GdkPixbuf *pixbuf;
  guint32 cw = 0, ch = 0;
  int w = 0, h = 0;
  CvInputSpec digits = convolve_input_spec_digits ();
  CvInputSpec plain = convolve_input_spec_plain ();

  if (png_size (data, size, &cw, &ch) && (cw > MAX_SIDE || ch > MAX_SIDE))
    return 0;

  loader = gdk_pixbuf_loader_new_with_type ("png", &error);
  FUZZ_CHECK (loader != NULL);
  if (!gdk_pixbuf_loader_write (loader, data, size, &error))
    {
      FUZZ_CHECK (error != NULL);
      gdk_pixbuf_loader_close (loader, NULL);
      return 0;
    }
  if (!gdk_pixbuf_loader_close (loader, &error))
    return 0;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    return 0;

  gray = pixbuf_to_gray (pixbuf, &w, &h);
  if (gray == NULL)
    return 0;
  preprocess_into (gray, w, h, &digits, 28);
  preprocess_into (gray, w, h, &plain, 16);
  return 0;
}
