/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-preprocess.c — picture → model input: convolve_preprocess(),
 * convolve_preprocess_plain() and ConvolveModel's predict_image, on gray
 * buffers of any size and any values, NaN and infinities included.
 *
 * Input layout:
 *   bytes 0–1  width  − 1 (mod 300)      bytes 2–3  height − 1 (mod 300)
 *   byte 4     output size − 1 (mod 64)  byte 5     box (0: plain resize)
 *   byte 6     flags: 1 centre of mass, 2 deskew, 4 pixels are raw
 *              little-endian floats (any bit pattern), else bytes / 255
 *              with 0xfd, 0xfe, 0xff meaning NaN, +inf, −inf
 *   then the pixels, row by row; missing ones repeat the data from the
 *   start (or are 1.0, white, when there is none).
 * Every output value must be a number in 0..1, and a blank result zeroes.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "cv-engine.h"
#include "convolve-model.h"
#include "convolve-preprocess.h"
#include "fuzz-target.h"

#define HEADER 7

static ConvolveModel *model;   /* a small random net: 16×16 in, 3 classes */

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  CvNet *net = NULL;
  CvError err = { CV_OK, "" };
  CvRng rng;
  const char *const names[] = { "a", "b", "c" };
  CvModelInfo info = { NULL, 3, (char **) names, { 12, 1, 1, 0.1f, 2.0f } };

  FUZZ_CHECK (cv_net_new ("16x16x1 conv4k3 relu maxpool2 flatten dense3 softmax",
                          &net, &err) == CV_OK);
  cv_rng_seed (&rng, 1);
  cv_net_init (net, &rng);
  model = convolve_model_new (net, &info);
  return 0;
}

static float
pixel_from_byte (guint8 b)
{
  switch (b)
    {
    case 0xfd:
      return NAN;
    case 0xfe:
      return INFINITY;
    case 0xff:
      return -INFINITY;
    default:
      return b / 252.0f;
    }
}

static void
check_output (const float *out, int n, gboolean drawn)
{
  for (int i = 0; i < n; i++)
    {
      FUZZ_CHECK (isfinite (out[i]));
      FUZZ_CHECK (out[i] >= 0.0f && out[i] <= 1.0f);
      if (!drawn)
        FUZZ_CHECK (out[i] == 0.0f);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  int w, h, out_size;
  guint flags;
  CvInputSpec spec = { 0, 0, 0, 0.0f, 1.0f };
  const guint8 *px;
  gsize npx, count;
  float *gray, *out;
  float probs[3], seen[16 * 16];
  gboolean drawn;

  if (size < HEADER)
    return 0;
  w = 1 + (data[0] | data[1] << 8) % 300;
  h = 1 + (data[2] | data[3] << 8) % 300;
  out_size = 1 + data[4] % 64;
  spec.box = data[5];
  flags = data[6];
  spec.center_of_mass = (flags & 1) != 0;
  spec.deskew = (flags & 2) != 0;
  px = data + HEADER;
  npx = size - HEADER;

  count = (gsize) w * h;
  gray = g_new (float, count);
  if (flags & 4)
    {
      gsize nf = npx / 4;
      for (gsize i = 0; i < count; i++)
        {
          if (nf == 0)
            gray[i] = 1.0f;
          else
            memcpy (&gray[i], px + 4 * (i % nf), 4);
        }
    }
  else
    for (gsize i = 0; i < count; i++)
      gray[i] = npx == 0 ? 1.0f : pixel_from_byte (px[i % npx]);

  out = g_new (float, (gsize) out_size * out_size);

  drawn = convolve_preprocess (gray, w, h, &spec, out_size, out);
  check_output (out, out_size * out_size, drawn);

  convolve_preprocess_plain (gray, w, h, out_size, out);
  check_output (out, out_size * out_size, TRUE);

  drawn = convolve_model_predict_image (model, gray, w, h, probs, seen);
  check_output (seen, 16 * 16, drawn);
  if (drawn)
    {
      float sum = 0.0f;
      for (int c = 0; c < 3; c++)
        {
          FUZZ_CHECK (isfinite (probs[c]) && probs[c] >= 0.0f && probs[c] <= 1.0f);
          sum += probs[c];
        }
      FUZZ_CHECK (fabsf (sum - 1.0f) < 1e-3f);
    }

  g_free (out);
  g_free (gray);
  return 0;
}
