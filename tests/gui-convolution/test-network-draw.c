/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Pixel tests of the network view's drawing for a fixed input: one row per
 * stage, the first convolution's maps in the engine's values, the hit test
 * on those maps. cairo only, no display.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "convolve-network-draw.h"

#define W 1000
#define H 600

static const ConvolveConvPalette light = { { 0, 0, 0, 1 }, { 1, 1, 1, 1 } };

static void
pixel (cairo_surface_t *surface, double x, double y, int rgb[3])
{
  int stride = cairo_image_surface_get_stride (surface);
  const uint8_t *data = cairo_image_surface_get_data (surface);
  uint32_t p = *(const uint32_t *) (data + (int) y * stride + (int) x * 4);

  rgb[0] = (p >> 16) & 0xff;
  rgb[1] = (p >> 8) & 0xff;
  rgb[2] = p & 0xff;
}

static cairo_surface_t *
render (const CvNet *net, const float *input, ConvolveNetworkLayout *layout)
{
  const char *names[] = { "circle", "square", "triangle", NULL };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  convolve_network_draw (cr, net, input, names, W, H, &light, layout);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_rows_and_maps (void **state)
{
  CvNet *net = NULL;
  CvError err;
  CvRng rng;
  float x[16 * 16] = { 0 };
  ConvolveNetworkLayout l;
  cairo_surface_t *surface;
  const float *act;
  const CvLayerInfo *conv;
  float range = 0.0f, best = -1.0f;
  int br = 0, bc = 0;

  assert_int_equal (cv_net_new ("16x16x1 conv4k3same relu maxpool2 flatten dense8 relu dense3 softmax",
                                &net, &err), CV_OK);
  cv_rng_seed (&rng, 11);
  cv_net_init (net, &rng);
  for (int r = 4; r < 12; r++)
    for (int c = 4; c < 12; c++)
      x[r * 16 + c] = 1.0f;
  assert_int_equal (cv_net_forward (net, x, 1), CV_OK);

  surface = render (net, x, &l);

  /* Input, Conv2D + ReLU, pool, Dense + ReLU, output. */
  assert_int_equal (l.n_rows, 5);
  assert_int_equal (l.rows[0].kind, CONVOLVE_NETWORK_ROW_INPUT);
  assert_int_equal (l.rows[1].kind, CONVOLVE_NETWORK_ROW_MAPS);
  assert_int_equal (l.rows[1].layer, 1);          /* the ReLU's output */
  assert_int_equal (l.rows[2].kind, CONVOLVE_NETWORK_ROW_MAPS);
  assert_int_equal (l.rows[3].kind, CONVOLVE_NETWORK_ROW_BARS);
  assert_int_equal (l.rows[4].kind, CONVOLVE_NETWORK_ROW_OUTPUT);
  assert_int_equal (l.n_first_maps, 4);

  /* Map 0 shows the engine's activation of channel 0 at its strongest cell. */
  act = cv_net_activation (net, 1);
  conv = cv_net_layer (net, 0);
  for (size_t k = 0; k < cv_shape_size (conv->out); k++)
    range = fmaxf (range, fabsf (act[k]));
  for (int r = 0; r < 16; r++)
    for (int c = 0; c < 16; c++)
      if (act[(r * 16 + c) * 4] > best)
        {
          best = act[(r * 16 + c) * 4];
          br = r;
          bc = c;
        }
  {
    ConvolveConvColor want;
    int rgb[3];
    double cell = l.map_size / 16;

    convolve_conv_diverging_color (best / range, &light.bg, &want);
    pixel (surface, l.first_map_x[0] + (bc + 0.5) * cell, l.first_map_y[0] + (br + 0.5) * cell, rgb);
    assert_true (abs (rgb[0] - (int) lround (want.r * 255)) <= 2);
    assert_true (abs (rgb[1] - (int) lround (want.g * 255)) <= 2);
    assert_true (abs (rgb[2] - (int) lround (want.b * 255)) <= 2);
  }

  /* Clicking a first-layer map names it. */
  assert_int_equal (convolve_network_hit_first_map (&l, l.first_map_x[2] + l.map_size / 2,
                                                    l.first_map_y[2] + l.map_size / 2), 2);
  assert_int_equal (convolve_network_hit_first_map (&l, 2, 2), -1);
  cairo_surface_destroy (surface);

  /* Without an input the rows are drawn empty: map 0 is plain background. */
  surface = render (net, NULL, &l);
  {
    int rgb[3];

    pixel (surface, l.first_map_x[0] + l.map_size / 2, l.first_map_y[0] + l.map_size / 2, rgb);
    assert_true (rgb[0] == 255 && rgb[1] == 255 && rgb[2] == 255);
  }
  cairo_surface_destroy (surface);
  cv_net_free (net);
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rows_and_maps),
  };

  return cmocka_run_group_tests_name ("convolution/network-draw", tests, NULL, NULL);
}
