/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Pixel tests of the convolution drawing: cairo into an image surface, no
 * display. The layout tells where each cell is; the pixels must show the
 * engine's values in the diverging colours, the window where the position
 * says, the zero border, the pool winner, and nothing in cells not yet
 * reached.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "convolve-conv-draw.h"

#define W 1200
#define H 480

static const ConvolveConvPalette light = { { 0, 0, 0, 1 }, { 1, 1, 1, 1 } };
static const ConvolveConvPalette dark = { { 1, 1, 1, 1 }, { 0.12, 0.12, 0.12, 1 } };

typedef struct {
  ConvolveConvLesson     *lesson;
  cairo_surface_t        *surface;
  ConvolveConvLayout      layout;
  ConvolveConvDrawOptions options;
} Fixture;

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->lesson = convolve_conv_lesson_new ();
  convolve_conv_draw_options_init (&f->options);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;

  convolve_conv_lesson_free (f->lesson);
  if (f->surface != NULL)
    cairo_surface_destroy (f->surface);
  g_free (f);
  return 0;
}

static void
render (Fixture *f, const ConvolveConvPalette *pal, gboolean compact)
{
  cairo_t *cr;

  if (f->surface != NULL)
    cairo_surface_destroy (f->surface);
  f->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cr = cairo_create (f->surface);
  cairo_set_source_rgb (cr, pal->bg.r, pal->bg.g, pal->bg.b);
  cairo_paint (cr);
  convolve_conv_layout_compute (f->lesson, W, H, compact, &f->layout);
  convolve_conv_draw (cr, f->lesson, &f->layout, pal, &f->options);
  cairo_destroy (cr);
  cairo_surface_flush (f->surface);

  if (g_getenv ("CONV_DRAW_PNG_DIR") != NULL)
    {
      static int n;
      g_autofree char *name = g_strdup_printf ("draw-%02d.png", n++);
      g_autofree char *path = g_build_filename (g_getenv ("CONV_DRAW_PNG_DIR"), name, NULL);

      cairo_surface_write_to_png (f->surface, path);
    }
}

static void
pixel (Fixture *f, double x, double y, int rgb[3])
{
  int stride = cairo_image_surface_get_stride (f->surface);
  const uint8_t *data = cairo_image_surface_get_data (f->surface);
  uint32_t p = *(const uint32_t *) (data + (int) y * stride + (int) x * 4);

  rgb[0] = (p >> 16) & 0xff;
  rgb[1] = (p >> 8) & 0xff;
  rgb[2] = p & 0xff;
}

static void
assert_color (Fixture *f, double x, double y, const ConvolveConvColor *c)
{
  int rgb[3];

  pixel (f, x, y, rgb);
  if (abs (rgb[0] - (int) lround (c->r * 255)) > 2 ||
      abs (rgb[1] - (int) lround (c->g * 255)) > 2 ||
      abs (rgb[2] - (int) lround (c->b * 255)) > 2)
    fail_msg ("pixel (%d, %d) is #%02x%02x%02x, expected #%02x%02x%02x", (int) x, (int) y,
              rgb[0], rgb[1], rgb[2], (int) lround (c->r * 255), (int) lround (c->g * 255),
              (int) lround (c->b * 255));
}

/* A point of cell (i, j) of a grid away from its number and its outlines. */
static void
cell_point (double gx, double gy, double cell, int i, int j, double *x, double *y)
{
  *x = gx + (j + 0.5) * cell;
  *y = gy + (i + 0.15) * cell;
}

static void
test_output_fills_to_position (void **state)
{
  Fixture *f = *state;
  const ConvolveConvPalette *palettes[] = { &light, &dark };

  for (int k = 0; k < 2; k++)
    {
      const ConvolveConvPalette *pal = palettes[k];
      const float *conv = convolve_conv_lesson_get_conv_output (f->lesson);
      float range = convolve_conv_lesson_get_value_range (f->lesson);

      convolve_conv_lesson_set_position (f->lesson, 7);
      render (f, pal, FALSE);

      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
          {
            double x, y;

            cell_point (f->layout.out_x, f->layout.out_y, f->layout.out_cell, i, j, &x, &y);
            if (i * 6 + j <= 7)
              {
                ConvolveConvColor c;

                convolve_conv_diverging_color (conv[i * 6 + j] / range, &pal->bg, &c);
                assert_color (f, x, y, &c);
              }
            else
              assert_color (f, x, y, &pal->bg);
          }
    }
}

static void
test_diverging_colours (void **state)
{
  ConvolveConvColor neg, pos, zero;

  convolve_conv_diverging_color (-1.0, &light.bg, &neg);
  convolve_conv_diverging_color (1.0, &light.bg, &pos);
  convolve_conv_diverging_color (0.0, &light.bg, &zero);
  /* Negative is blue, positive is orange, zero is the background. */
  assert_true (neg.b > neg.r + 0.3);
  assert_true (pos.r > pos.b + 0.5);
  assert_true (zero.r == 1.0 && zero.g == 1.0 && zero.b == 1.0);
  /* They differ in lightness too, for a washed-out projector. */
  assert_true (fabs ((0.2126 * neg.r + 0.7152 * neg.g + 0.0722 * neg.b) -
                     (0.2126 * pos.r + 0.7152 * pos.g + 0.0722 * pos.b)) > 0.05);
}

static void
test_window_follows_position (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  int rgb[3];

  /* Output (1, 1) at stride 1, valid: the window's top-left is input (1, 1). */
  convolve_conv_lesson_set_position (f->lesson, 7);
  render (f, &light, FALSE);
  pixel (f, l->in_x + 2.5 * l->in_cell, l->in_y + 1 * l->in_cell, rgb);
  assert_true (rgb[0] < 40 && rgb[1] < 40 && rgb[2] < 40);
  /* …and not around (0, 0) any more. */
  pixel (f, l->in_x + 0.5 * l->in_cell, l->in_y + 0.5 + 0, rgb);
  assert_true (rgb[0] > 60);

  /* Stride 2: output (1, 1) reads input (2, 2). */
  convolve_conv_lesson_set_stride (f->lesson, 2);
  convolve_conv_lesson_set_position (f->lesson, convolve_conv_lesson_conv_position (f->lesson, 1, 1));
  render (f, &dark, FALSE);
  pixel (f, l->in_x + 3.5 * l->in_cell, l->in_y + 2 * l->in_cell, rgb);
  assert_true (rgb[0] > 215 && rgb[1] > 215 && rgb[2] > 215);
}

static void
test_zero_border (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  ConvolveConvColor border;
  int rgb[3];

  convolve_conv_lesson_set_same (f->lesson, TRUE);
  convolve_conv_lesson_set_position (f->lesson, 20);
  render (f, &light, FALSE);
  assert_int_equal (l->in_cells, 10);
  assert_int_equal (l->pad_before, 1);

  /* Border cells are a tinted grey with hatching: never plain background.
   * Check along the top border row at the height of a cell's first quarter. */
  border = (ConvolveConvColor) { 1 - 0.06, 1 - 0.06, 1 - 0.06, 1 };
  {
    gboolean tinted = FALSE;

    for (int x = 2; x < (int) l->in_cell - 2; x++)
      {
        pixel (f, l->in_x + 5 * l->in_cell + x, l->in_y + 0.25 * l->in_cell, rgb);
        if (abs (rgb[0] - (int) lround (border.r * 255)) <= 2)
          tinted = TRUE;
      }
    assert_true (tinted);
  }

  /* The square starts at input (2, 2): displayed cell (3, 3) is full ink. */
  pixel (f, l->in_x + 3.5 * l->in_cell, l->in_y + 3.15 * l->in_cell, rgb);
  assert_true (rgb[0] < 10);
}

/* The centre of the winning cell of pool window (i, j) on the map. */
static void
winner_centre (Fixture *f, int i, int j, double *cx, double *cy)
{
  const ConvolveConvLayout *l = &f->layout;
  ConvolveConvPoolStep st;

  convolve_conv_lesson_get_pool_step (f->lesson, i, j, &st);
  *cx = l->out_x + (2 * st.j + st.winner % 2 + 0.5) * l->out_cell;
  *cy = l->out_y + (2 * st.i + st.winner / 2 + 0.5) * l->out_cell;
}

static void
test_pool_winner (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  ConvolveConvColor c;
  double cx, cy, x, y;
  int rgb[3], inside[3];

  convolve_conv_lesson_set_position (f->lesson, convolve_conv_lesson_pool_position (f->lesson, 0, 1));
  assert_int_equal (convolve_conv_lesson_get_stage (f->lesson), CONVOLVE_CONV_STAGE_POOL);
  render (f, &light, FALSE);

  /* Pooled (0, 0) and (0, 1) are filled, (1, 0) is not yet. */
  convolve_conv_diverging_color (convolve_conv_lesson_get_pooled (f->lesson)[0] /
                                 convolve_conv_lesson_get_value_range (f->lesson), &light.bg, &c);
  cell_point (l->pool_x, l->pool_y, l->out_cell, 0, 0, &x, &y);
  assert_color (f, x, y, &c);
  cell_point (l->pool_x, l->pool_y, l->out_cell, 1, 0, &x, &y);
  assert_color (f, x, y, &light.bg);

  /* The ring around the winner: its rightmost point is ink. */
  winner_centre (f, 0, 1, &cx, &cy);
  pixel (f, cx + 0.44 * l->out_cell, cy, rgb);
  assert_true (rgb[0] < 60 && rgb[1] < 60 && rgb[2] < 60);

  /* The finished window (0, 0) keeps its winner ringed too, lighter; the
   * window not reached yet, (1, 0), has none: where its ring would be,
   * the cell's own colour, as a little further inside. */
  winner_centre (f, 0, 0, &cx, &cy);
  pixel (f, cx + 0.44 * l->out_cell, cy, rgb);
  assert_true (rgb[0] < 160 && rgb[1] < 160 && rgb[2] < 160);
  winner_centre (f, 1, 0, &cx, &cy);
  pixel (f, cx + 0.44 * l->out_cell, cy, rgb);
  pixel (f, cx + 0.30 * l->out_cell, cy, inside);
  assert_true (abs (rgb[0] - inside[0]) < 40 && abs (rgb[1] - inside[1]) < 40);
}

/* The ReLU stage turns the feature map cell by cell: cells up to the
 * current one show their activation, the later ones still the
 * convolution's value; negative cells are where the two differ. */
static void
test_relu_stage (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  const float *conv, *act;
  float range;
  int out, k, before = -1, after = -1;

  convolve_conv_lesson_set_input_preset (f->lesson, CONVOLVE_CONV_INPUT_SQUARE, 0);
  convolve_conv_lesson_set_kernel_preset (f->lesson, CONVOLVE_CONV_KERNEL_VERTICAL_EDGE);
  assert_true (convolve_conv_lesson_get_relu (f->lesson));
  out = convolve_conv_lesson_get_out_size (f->lesson);
  conv = convolve_conv_lesson_get_conv_output (f->lesson);
  act = convolve_conv_lesson_get_activated (f->lesson);
  range = convolve_conv_lesson_get_value_range (f->lesson);

  /* The middle of the map, and a negative cell on either side of it. */
  k = out * out / 2;
  for (int p = 0; p < out * out; p++)
    if (conv[p] < 0.0f)
      {
        if (p <= k && before < 0)
          before = p;
        if (p > k)
          after = p;
      }
  assert_true (before >= 0 && after >= 0);

  convolve_conv_lesson_set_position (f->lesson, convolve_conv_lesson_relu_position (f->lesson, k / out, k % out));
  assert_int_equal (convolve_conv_lesson_get_stage (f->lesson), CONVOLVE_CONV_STAGE_RELU);
  render (f, &light, FALSE);
  {
    ConvolveConvColor c;
    double x, y;

    convolve_conv_diverging_color (act[before] / range, &light.bg, &c);
    cell_point (l->out_x, l->out_y, l->out_cell, before / out, before % out, &x, &y);
    assert_color (f, x, y, &c);
    convolve_conv_diverging_color (conv[after] / range, &light.bg, &c);
    cell_point (l->out_x, l->out_y, l->out_cell, after / out, after % out, &x, &y);
    assert_color (f, x, y, &c);
  }
}

static void
test_hover_receptive_field (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  int dark_before = 0, dark_after = 0, rgb[3];
  double y;

  convolve_conv_lesson_set_input_preset (f->lesson, CONVOLVE_CONV_INPUT_EMPTY, 0);
  convolve_conv_lesson_set_position (f->lesson, 0);

  for (int pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        {
          f->options.hover_out_i = 3;
          f->options.hover_out_j = 2;
        }
      render (f, &light, FALSE);
      /* The top edge of input rows 3–5, columns 2–4, just inside. */
      y = l->in_y + 3 * l->in_cell + 2;
      for (double x = l->in_x + 2 * l->in_cell + 3; x < l->in_x + 5 * l->in_cell - 3; x++)
        {
          pixel (f, x, y, rgb);
          if (rgb[0] < 100)
            (pass == 0 ? dark_before++ : dark_after++);
        }
    }
  assert_int_equal (dark_before, 0);
  assert_true (dark_after > l->in_cell);
}

static void
test_hit_test (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  int a, b;

  convolve_conv_lesson_set_same (f->lesson, TRUE);
  render (f, &light, FALSE);

  assert_int_equal (convolve_conv_hit_test (f->lesson, l, l->out_x + 3.5 * l->out_cell,
                                            l->out_y + 2.5 * l->out_cell, &a, &b),
                    CONVOLVE_CONV_HIT_OUTPUT);
  assert_int_equal (a, 2);
  assert_int_equal (b, 3);
  assert_int_equal (convolve_conv_hit_test (f->lesson, l, l->k_x + 2.5 * l->k_cell,
                                            l->k_y + 1.5 * l->k_cell, &a, &b),
                    CONVOLVE_CONV_HIT_KERNEL);
  assert_int_equal (a, 5);
  /* Displayed cell (5, 7) is input (4, 6) behind a one-cell border. */
  assert_int_equal (convolve_conv_hit_test (f->lesson, l, l->in_x + 7.5 * l->in_cell,
                                            l->in_y + 5.5 * l->in_cell, &a, &b),
                    CONVOLVE_CONV_HIT_INPUT);
  assert_int_equal (a, 4);
  assert_int_equal (b, 6);
  /* The border is not an input cell. */
  assert_int_equal (convolve_conv_hit_test (f->lesson, l, l->in_x + 0.5 * l->in_cell,
                                            l->in_y + 0.5 * l->in_cell, &a, &b),
                    CONVOLVE_CONV_HIT_NONE);
  assert_int_equal (convolve_conv_hit_test (f->lesson, l, l->pool_x + 1.5 * l->out_cell,
                                            l->pool_y + 0.5 * l->out_cell, &a, &b),
                    CONVOLVE_CONV_HIT_POOL);
  assert_int_equal (a, 0);
  assert_int_equal (b, 1);
}

static void
test_layout_fits (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  const int sizes[][2] = { { 1200, 480 }, { 780, 330 }, { 600, 252 } };

  /* Every panel inside the area, at the sizes the page gives the view. */
  for (int k = 0; k < 3; k++)
    for (int same = 0; same <= 1; same++)
      {
        double w = sizes[k][0], h = sizes[k][1];
        int ps;

        convolve_conv_lesson_set_same (f->lesson, same);
        ps = convolve_conv_lesson_get_pool_size (f->lesson);
        convolve_conv_layout_compute (f->lesson, w, h, FALSE, &f->layout);
        assert_true (l->in_x >= 0 && l->in_x + l->in_cells * l->in_cell <= l->k_x);
        assert_true (l->k_x + 3 * l->k_cell <= l->out_x);
        assert_true (l->out_x + convolve_conv_lesson_get_out_size (f->lesson) * l->out_cell <= l->pool_x);
        assert_true (l->pool_x + ps * l->out_cell <= w);
        assert_true (l->p_y + 3 * l->k_cell <= l->eq_y);
        assert_true (l->eq_y + l->eq_size <= h);
      }
}

static void
test_compact (void **state)
{
  Fixture *f = *state;
  const ConvolveConvLayout *l = &f->layout;
  double x, y;

  convolve_conv_lesson_set_position (f->lesson, 3);
  render (f, &light, TRUE);
  assert_true (l->compact);
  assert_true (l->out_x > l->k_x + 3 * l->k_cell);
  cell_point (l->out_x, l->out_y, l->out_cell, 5, 5, &x, &y);
  assert_color (f, x, y, &light.bg);
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_output_fills_to_position, setup, teardown),
    cmocka_unit_test (test_diverging_colours),
    cmocka_unit_test_setup_teardown (test_window_follows_position, setup, teardown),
    cmocka_unit_test_setup_teardown (test_zero_border, setup, teardown),
    cmocka_unit_test_setup_teardown (test_pool_winner, setup, teardown),
    cmocka_unit_test_setup_teardown (test_relu_stage, setup, teardown),
    cmocka_unit_test_setup_teardown (test_hover_receptive_field, setup, teardown),
    cmocka_unit_test_setup_teardown (test_hit_test, setup, teardown),
    cmocka_unit_test_setup_teardown (test_layout_fits, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compact, setup, teardown),
  };

  return cmocka_run_group_tests_name ("convolution/draw", tests, NULL, NULL);
}
