/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the one preprocessing function that drawings and data share. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "convolve-dataset.h"
#include "convolve-preprocess.h"

#define OUT 28

/* An anti-aliased thick polyline on a w×h canvas: ink 1 on 0. */
static float *
canvas_with_strokes (int w, int h, const float *pts, int n_pts, float thickness,
                     float ox, float oy, float scale)
{
  float *img = g_new0 (float, (gsize) w * h);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float px = x + 0.5f, py = y + 0.5f, best = 1e9f;
        for (int k = 0; k + 1 < n_pts; k++)
          {
            float ax = ox + scale * pts[2 * k], ay = oy + scale * pts[2 * k + 1];
            float bx = ox + scale * pts[2 * k + 2], by = oy + scale * pts[2 * k + 3];
            float vx = bx - ax, vy = by - ay;
            float t = ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy + 1e-12f);
            float dx, dy;
            t = fminf (fmaxf (t, 0.0f), 1.0f);
            dx = px - (ax + t * vx);
            dy = py - (ay + t * vy);
            best = fminf (best, sqrtf (dx * dx + dy * dy));
          }
        img[(gsize) y * w + x] = fminf (fmaxf (thickness * scale / 2.0f - best + 0.5f, 0.0f), 1.0f);
      }
  return img;
}

/* A "7"-like stroke in a 10×14 unit box. */
static const float seven[] = { 0, 0, 10, 0, 4, 14 };

static void
invert (float *img, gsize n)
{
  for (gsize i = 0; i < n; i++)
    img[i] = 1.0f - img[i];
}

static float
mean_abs_diff (const float *a, const float *b, int n)
{
  double s = 0;
  for (int i = 0; i < n; i++)
    s += fabsf (a[i] - b[i]);
  return (float) (s / n);
}

static void
centre_and_box (const float *out, double *cx, double *cy, int *bw, int *bh)
{
  double m = 0, sx = 0, sy = 0;
  int x0 = OUT, y0 = OUT, x1 = -1, y1 = -1;

  for (int y = 0; y < OUT; y++)
    for (int x = 0; x < OUT; x++)
      {
        float v = out[y * OUT + x];
        m += v;
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
        if (v > 0.1f)
          {
            x0 = MIN (x0, x); x1 = MAX (x1, x);
            y0 = MIN (y0, y); y1 = MAX (y1, y);
          }
      }
  *cx = sx / m;
  *cy = sy / m;
  *bw = x1 - x0 + 1;
  *bh = y1 - y0 + 1;
}

static CvInputSpec
spec_no_deskew (void)
{
  CvInputSpec spec = convolve_input_spec_digits ();
  spec.deskew = 0;
  return spec;
}

static void
polarity (void **state)
{
  CvInputSpec spec = convolve_input_spec_digits ();
  g_autofree float *light = canvas_with_strokes (200, 200, seven, 3, 1.5f, 40, 30, 10);
  g_autofree float *dark = g_memdup2 (light, 200 * 200 * sizeof (float));
  float a[OUT * OUT], b[OUT * OUT];

  invert (dark, 200 * 200);
  assert_true (convolve_preprocess (light, 200, 200, &spec, OUT, a));
  assert_true (convolve_preprocess (dark, 200, 200, &spec, OUT, b));
  assert_true (mean_abs_diff (a, b, OUT * OUT) < 1e-4f);

  /* ink is 1 and the background 0 in both */
  assert_true (a[0] == 0.0f && b[0] == 0.0f);
  {
    float max = 0;
    for (int i = 0; i < OUT * OUT; i++)
      max = MAX (max, b[i]);
    assert_true (fabsf (max - 1.0f) < 1e-5f);
  }

  /* a grey background counts as background */
  for (int i = 0; i < 200 * 200; i++)
    dark[i] = 0.2f + 0.6f * dark[i];
  assert_true (convolve_preprocess (dark, 200, 200, &spec, OUT, b));
  assert_true (mean_abs_diff (a, b, OUT * OUT) < 0.02f);
}

static void
centred_by_mass_in_box (void **state)
{
  CvInputSpec spec = spec_no_deskew ();
  g_autofree float *img = canvas_with_strokes (300, 240, seven, 3, 2.0f, 200, 20, 6);
  float out[OUT * OUT];
  double cx, cy;
  int bw, bh;

  assert_true (convolve_preprocess (img, 300, 240, &spec, OUT, out));
  centre_and_box (out, &cx, &cy, &bw, &bh);
  assert_true (fabs (cx - 14.0) < 0.35);
  assert_true (fabs (cy - 14.0) < 0.35);
  /* the longer side is 20 pixels (give or take the anti-aliased edge) */
  assert_true (bh >= 19 && bh <= 21);
  assert_true (bw < bh);
}

static void
blank (void **state)
{
  CvInputSpec spec = convolve_input_spec_digits ();
  CvInputSpec plain = convolve_input_spec_plain ();
  float values[] = { 0.0f, 1.0f, 0.5f };
  float out[OUT * OUT];

  for (gsize k = 0; k < G_N_ELEMENTS (values); k++)
    {
      g_autofree float *img = g_new (float, 64 * 48);
      for (int i = 0; i < 64 * 48; i++)
        img[i] = values[k];
      memset (out, 0x55, sizeof out);
      assert_false (convolve_preprocess (img, 64, 48, &spec, OUT, out));
      for (int i = 0; i < OUT * OUT; i++)
        assert_true (out[i] == 0.0f);
      assert_false (convolve_preprocess (img, 64, 48, &plain, 16, out));
    }
}

static void
speck_ignored (void **state)
{
  CvInputSpec spec = convolve_input_spec_digits ();
  g_autofree float *clean = canvas_with_strokes (280, 280, seven, 3, 2.0f, 90, 60, 10);
  g_autofree float *dusty = g_memdup2 (clean, 280 * 280 * sizeof (float));
  float a[OUT * OUT], b[OUT * OUT];

  /* a 3×3 speck in a corner and a lone pixel elsewhere */
  for (int y = 250; y < 253; y++)
    for (int x = 10; x < 13; x++)
      dusty[y * 280 + x] = 1.0f;
  dusty[5 * 280 + 270] = 0.7f;
  assert_true (convolve_preprocess (clean, 280, 280, &spec, OUT, a));
  assert_true (convolve_preprocess (dusty, 280, 280, &spec, OUT, b));
  assert_true (mean_abs_diff (a, b, OUT * OUT) < 1e-5f);
}

static void
aspect_kept (void **state)
{
  CvInputSpec spec = spec_no_deskew ();
  static const float bar[] = { 0, 0, 40, 0 };   /* a horizontal dash */
  g_autofree float *img = canvas_with_strokes (200, 100, bar, 2, 10.0f, 60, 50, 2);
  float out[OUT * OUT];
  double cx, cy;
  int bw, bh;

  assert_true (convolve_preprocess (img, 200, 100, &spec, OUT, out));
  centre_and_box (out, &cx, &cy, &bw, &bh);
  /* 100 × 20 pixels of ink → 20 × 4 */
  assert_true (bw >= 19 && bw <= 21);
  assert_true (bh >= 3 && bh <= 6);
}

static void
shift_and_scale_invariant (void **state)
{
  CvInputSpec spec = convolve_input_spec_digits ();
  g_autofree float *ref_img = canvas_with_strokes (280, 280, seven, 3, 2.0f, 80, 60, 10);
  float ref[OUT * OUT];
  struct { int w, h; float ox, oy, scale; } variants[] = {
    { 280, 280, 160, 120, 10 },   /* shifted */
    { 280, 280, 20, 10, 15 },     /* bigger, elsewhere */
    { 500, 300, 300, 150, 7 },    /* smaller, on a wider canvas */
    { 90, 90, 20, 15, 4 },        /* a small canvas */
  };

  assert_true (convolve_preprocess (ref_img, 280, 280, &spec, OUT, ref));
  for (gsize k = 0; k < G_N_ELEMENTS (variants); k++)
    {
      g_autofree float *img = canvas_with_strokes (variants[k].w, variants[k].h, seven, 3, 2.0f,
                                                   variants[k].ox, variants[k].oy, variants[k].scale);
      float out[OUT * OUT];
      assert_true (convolve_preprocess (img, variants[k].w, variants[k].h, &spec, OUT, out));
      if (mean_abs_diff (ref, out, OUT * OUT) > 0.03f)
        fail_msg ("variant %d differs by %g", (int) k, mean_abs_diff (ref, out, OUT * OUT));
    }
}

static void
deskew_straightens (void **state)
{
  CvInputSpec on = convolve_input_spec_digits ();
  CvInputSpec off = spec_no_deskew ();
  static const float slash[] = { 8, 0, 0, 14 };   /* a "1" leaning right */
  g_autofree float *img = canvas_with_strokes (200, 200, slash, 2, 2.0f, 60, 30, 10);
  float a[OUT * OUT], b[OUT * OUT];
  double cx, cy;
  int bw_on, bh_on, bw_off, bh_off;

  assert_true (convolve_preprocess (img, 200, 200, &on, OUT, a));
  assert_true (convolve_preprocess (img, 200, 200, &off, OUT, b));
  centre_and_box (a, &cx, &cy, &bw_on, &bh_on);
  centre_and_box (b, &cx, &cy, &bw_off, &bh_off);
  assert_true (bw_off >= 10);
  assert_true (bw_on <= 6);
}

static void
plain_downsample (void **state)
{
  g_autofree float *img = g_new0 (float, 32 * 32);
  float out[16 * 16];

  /* dark ink (0) in the left half of a light picture (1) */
  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 32; x++)
      img[y * 32 + x] = (x < 8 && y > 4 && y < 28) ? 0.0f : 1.0f;
  convolve_preprocess_plain (img, 32, 32, 16, out);
  assert_true (fabsf (out[8 * 16 + 1] - 1.0f) < 1e-5f);   /* ink is 1 */
  assert_true (out[8 * 16 + 10] == 0.0f);
  assert_true (out[0] == 0.0f);

  /* no crop: position is kept */
  {
    CvInputSpec plain = convolve_input_spec_plain ();
    float out2[16 * 16];
    assert_true (convolve_preprocess (img, 32, 32, &plain, 16, out2));
    assert_true (mean_abs_diff (out, out2, 256) < 1e-5f);
  }
}

static void
speed (void **state)
{
  CvInputSpec spec = convolve_input_spec_digits ();
  g_autofree float *img = canvas_with_strokes (280, 280, seven, 3, 2.0f, 80, 60, 10);
  float out[OUT * OUT];
  gint64 t0 = g_get_monotonic_time ();
  double per_call;

  for (int i = 0; i < 200; i++)
    convolve_preprocess (img, 280, 280, &spec, OUT, out);
  per_call = (g_get_monotonic_time () - t0) / 200.0;
  print_message ("preprocess 280×280: %.0f µs per call\n", per_call);
  /* generous: a shared, possibly sanitized machine */
  assert_true (per_call < 20000);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (polarity),
    cmocka_unit_test (centred_by_mass_in_box),
    cmocka_unit_test (blank),
    cmocka_unit_test (speck_ignored),
    cmocka_unit_test (aspect_kept),
    cmocka_unit_test (shift_and_scale_invariant),
    cmocka_unit_test (deskew_straightens),
    cmocka_unit_test (plain_downsample),
    cmocka_unit_test (speed),
  };

  return cmocka_run_group_tests_name ("data/preprocess", tests, NULL, NULL);
}
