/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chart and confusion-matrix drawing on a cairo image surface: no display. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "convolve-chart.h"
#include "convolve-confusion.h"

#define W 480
#define H 320

static cairo_surface_t *
white_surface (int w, int h)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  return surface;
}

static void
pixel_at (cairo_surface_t *surface, int x, int y, int *r, int *g, int *b)
{
  guint32 *data;
  int stride;
  guint32 p;

  cairo_surface_flush (surface);
  data = (guint32 *) cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface) / 4;
  p = data[y * stride + x];
  *r = (p >> 16) & 0xff;
  *g = (p >> 8) & 0xff;
  *b = p & 0xff;
}

static gboolean
near_color (int r, int g, int b, const GdkRGBA *c, int tolerance)
{
  return abs (r - (int) round (c->red * 255)) <= tolerance &&
         abs (g - (int) round (c->green * 255)) <= tolerance &&
         abs (b - (int) round (c->blue * 255)) <= tolerance;
}

/* How many pixels of the surface are within tolerance of a colour. */
static int
count_color (cairo_surface_t *surface, const GdkRGBA *c, int tolerance)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int n = 0, r, g, b;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        pixel_at (surface, x, y, &r, &g, &b);
        n += near_color (r, g, b, c, tolerance);
      }
  return n;
}

static void
save_png (cairo_surface_t *surface, const char *name)
{
  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : g_get_tmp_dir (), name, NULL);

  cairo_surface_write_to_png (surface, path);
}

static ConvolveChartData *
accuracy_data (void)
{
  ConvolveChartData *data = convolve_chart_data_new ();
  int train = convolve_chart_data_add_series (data, "Training", FALSE);
  int val = convolve_chart_data_add_series (data, "Validation", TRUE);
  static const double acc[] = { 0.40, 0.70, 0.85, 0.92, 0.95 };
  static const double vacc[] = { 0.35, 0.60, 0.80, 0.88, 0.90 };

  convolve_chart_data_set_x_max (data, 10);
  convolve_chart_data_set_y_range (data, 0.0, 1.0, TRUE);
  convolve_chart_data_set_titles (data, "epoch", "Accuracy");
  for (int i = 0; i < 5; i++)
    {
      convolve_chart_data_add_point (data, train, i + 1, acc[i]);
      convolve_chart_data_add_point (data, val, i + 1, vacc[i]);
    }
  return data;
}

static void
test_nice_range (void **state)
{
  double lo, hi, step;

  convolve_chart_nice_range (0.0, 0.93, 4, &lo, &hi, &step);
  assert_true (fabs (step - 0.5) < 1e-9);
  assert_true (fabs (lo) < 1e-9 && fabs (hi - 1.0) < 1e-9);

  convolve_chart_nice_range (0.0, 20.0, 10, &lo, &hi, &step);
  assert_true (fabs (step - 2.0) < 1e-9 && fabs (hi - 20.0) < 1e-9);

  convolve_chart_nice_range (0.0, 7.0, 5, &lo, &hi, &step);
  assert_true (fabs (step - 2.0) < 1e-9 && fabs (hi - 8.0) < 1e-9);

  convolve_chart_nice_range (0.0, 2.31, 4, &lo, &hi, &step);
  assert_true (fabs (step - 1.0) < 1e-9 && fabs (hi - 3.0) < 1e-9);

  /* An empty range still gives a usable scale. */
  convolve_chart_nice_range (0.0, 0.0, 4, &lo, &hi, &step);
  assert_true (hi > lo && step > 0);
}

static void
test_points_and_live (void **state)
{
  g_autoptr(ConvolveChartData) data = convolve_chart_data_new ();
  int s = convolve_chart_data_add_series (data, "Loss", FALSE);
  double x, y;

  convolve_chart_data_add_point (data, s, 1, 1.0);
  convolve_chart_data_set_live (data, s, 1.5, 0.8);
  assert_int_equal (convolve_chart_data_get_n_points (data, s), 1);
  convolve_chart_data_add_point (data, s, 2, 0.7);
  assert_int_equal (convolve_chart_data_get_n_points (data, s), 2);
  assert_true (convolve_chart_data_get_point (data, s, 1, &x, &y));
  assert_true (x == 2.0 && y == 0.7);
  /* Non-finite values (a diverging run) are not plotted. */
  convolve_chart_data_add_point (data, s, 3, NAN);
  convolve_chart_data_add_point (data, s, 3, INFINITY);
  assert_int_equal (convolve_chart_data_get_n_points (data, s), 2);
  convolve_chart_data_clear (data);
  assert_int_equal (convolve_chart_data_get_n_points (data, s), 0);
  assert_int_equal (convolve_chart_data_get_n_series (data), 1);
}

/* Each series is drawn in its palette colour through its points; the
 * plot area away from the curves stays background. */
static void
test_pixels_light (void **state)
{
  g_autoptr(ConvolveChartData) data = accuracy_data ();
  cairo_surface_t *surface = white_surface (W, H);
  cairo_t *cr = cairo_create (surface);
  GdkRGBA black = { 0, 0, 0, 1 };
  ConvolveChartStyle style;
  graphene_rect_t area;
  double px, py;
  int r, g, b;

  convolve_chart_style_init (&style, &black, FALSE);
  convolve_chart_draw (cr, data, &style, W, H);
  cairo_destroy (cr);
  save_png (surface, "chart-light.png");

  /* Training at epoch 3 (85%): blue. */
  convolve_chart_map (data, &style, W, H, 3, 0.85, &px, &py);
  pixel_at (surface, (int) px, (int) py, &r, &g, &b);
  assert_true (near_color (r, g, b, &style.palette[0], 24));
  /* Validation at epoch 4 (88%): orange. */
  convolve_chart_map (data, &style, W, H, 4, 0.88, &px, &py);
  pixel_at (surface, (int) px, (int) py, &r, &g, &b);
  assert_true (near_color (r, g, b, &style.palette[1], 24));

  /* Epoch 8 has no data yet: the plot is empty there (white, or a faint
   * grid line at most). */
  convolve_chart_map (data, &style, W, H, 8, 0.5, &px, &py);
  pixel_at (surface, (int) px, (int) py + 3, &r, &g, &b);
  assert_true (r > 200 && g > 200 && b > 200);

  /* The axes: the left edge of the plot area is dark half-way down. */
  convolve_chart_plot_area (data, &style, W, H, &area);
  pixel_at (surface, (int) area.origin.x, (int) (area.origin.y + area.size.height / 2), &r, &g, &b);
  assert_true (r < 100 && g < 100 && b < 100);
  /* …and the x axis spans to epoch 10 (the planned epochs). */
  convolve_chart_map (data, &style, W, H, 10, 0.0, &px, &py);
  assert_true (fabs (px - (area.origin.x + area.size.width)) < 1.0);
  assert_true (fabs (py - (area.origin.y + area.size.height)) < 1.0);

  /* The legend holds a swatch of each colour above the plot. */
  {
    cairo_surface_t *top = cairo_surface_create_for_rectangle (surface, 0, 0, W, area.origin.y);
    cairo_surface_t *img = white_surface (W, (int) area.origin.y);
    cairo_t *c2 = cairo_create (img);
    cairo_set_source_surface (c2, top, 0, 0);
    cairo_paint (c2);
    cairo_destroy (c2);
    assert_true (count_color (img, &style.palette[0], 16) > 10);
    assert_true (count_color (img, &style.palette[1], 16) > 10);
    cairo_surface_destroy (img);
    cairo_surface_destroy (top);
  }
  cairo_surface_destroy (surface);
}

static void
test_pixels_dark (void **state)
{
  g_autoptr(ConvolveChartData) data = accuracy_data ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);
  GdkRGBA white = { 1, 1, 1, 1 };
  ConvolveChartStyle style;
  double px, py;
  int r, g, b;

  cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  cairo_paint (cr);
  convolve_chart_style_init (&style, &white, TRUE);
  convolve_chart_draw (cr, data, &style, W, H);
  cairo_destroy (cr);
  save_png (surface, "chart-dark.png");

  /* The dark variant of the first colour is the lighter sky blue. */
  assert_true (style.palette[0].red > 0.3 && style.palette[0].blue > 0.8);
  convolve_chart_map (data, &style, W, H, 2, 0.70, &px, &py);
  pixel_at (surface, (int) px, (int) py, &r, &g, &b);
  assert_true (near_color (r, g, b, &style.palette[0], 24));
  cairo_surface_destroy (surface);
}

/* No data: axes and legend, but no curve anywhere in the plot. */
static void
test_pixels_empty (void **state)
{
  g_autoptr(ConvolveChartData) data = accuracy_data ();
  cairo_surface_t *surface, *plot;
  cairo_t *cr;
  GdkRGBA black = { 0, 0, 0, 1 };
  ConvolveChartStyle style;
  graphene_rect_t area;

  convolve_chart_data_clear (data);
  surface = white_surface (W, H);
  cr = cairo_create (surface);
  convolve_chart_style_init (&style, &black, FALSE);
  convolve_chart_draw (cr, data, &style, W, H);
  cairo_destroy (cr);
  convolve_chart_plot_area (data, &style, W, H, &area);
  plot = cairo_surface_create_for_rectangle (surface, area.origin.x + 2, area.origin.y,
                                             area.size.width - 2, area.size.height - 2);
  {
    cairo_surface_t *img = white_surface ((int) area.size.width - 2, (int) area.size.height - 2);
    cairo_t *c2 = cairo_create (img);
    cairo_set_source_surface (c2, plot, 0, 0);
    cairo_paint (c2);
    cairo_destroy (c2);
    assert_int_equal (count_color (img, &style.palette[0], 40), 0);
    assert_int_equal (count_color (img, &style.palette[1], 40), 0);
    cairo_surface_destroy (img);
  }
  cairo_surface_destroy (plot);
  cairo_surface_destroy (surface);
}

/* The live point moves the curve on before the epoch ends. */
static void
test_pixels_live (void **state)
{
  g_autoptr(ConvolveChartData) data = convolve_chart_data_new ();
  int s = convolve_chart_data_add_series (data, "Loss", FALSE);
  cairo_surface_t *surface = white_surface (W, H);
  cairo_t *cr = cairo_create (surface);
  GdkRGBA black = { 0, 0, 0, 1 };
  ConvolveChartStyle style;
  double px, py;
  int r, g, b;

  convolve_chart_data_set_x_max (data, 5);
  convolve_chart_data_add_point (data, s, 1, 1.0);
  convolve_chart_data_add_point (data, s, 2, 0.6);
  convolve_chart_data_set_live (data, s, 2.5, 0.5);
  convolve_chart_style_init (&style, &black, FALSE);
  convolve_chart_draw (cr, data, &style, W, H);
  cairo_destroy (cr);
  save_png (surface, "chart-live.png");

  /* On the segment from epoch 2 to the live point at 2.5. */
  convolve_chart_map (data, &style, W, H, 2.25, 0.55, &px, &py);
  pixel_at (surface, (int) round (px), (int) round (py), &r, &g, &b);
  assert_true (near_color (r, g, b, &style.palette[0], 40));
  cairo_surface_destroy (surface);
}

static void
test_confusion_draw (void **state)
{
  static const int counts[9] = { 98, 2, 0,  1, 95, 4,  0, 3, 97 };
  const char *names[] = { "circle", "square", "triangle", NULL };
  cairo_surface_t *surface = white_surface (300, 300);
  cairo_t *cr = cairo_create (surface);
  GdkRGBA black = { 0, 0, 0, 1 };
  int row, column, r, g, b;

  convolve_confusion_draw (cr, 3, names, counts, 300, 300, &black, -1, -1);
  cairo_destroy (cr);
  save_png (surface, "confusion.png");

  /* Hit test: a point inside the lower-left cell is (2, 0). */
  assert_true (convolve_confusion_cell_at (3, 300, 300, 100, 290, &row, &column));
  assert_int_equal (row, 2);
  assert_int_equal (column, 0);
  assert_false (convolve_confusion_cell_at (3, 300, 300, 10, 10, &row, &column));

  /* The corner of a diagonal cell is bluish green, of a mistake cell
   * vermillion, of an empty cell nearly white. */
  {
    double header = MIN (300 * 0.22, 110.0), cell = (300 - header) / 3;
    pixel_at (surface, (int) (header + 4), (int) (header + 4), &r, &g, &b);
    assert_true (g > r && g > 100);
    pixel_at (surface, (int) (header + 2 * cell + 4), (int) (header + cell + 4), &r, &g, &b);
    assert_true (r > g && r > b);
    pixel_at (surface, (int) (header + 2 * cell + 4), (int) (header + 4), &r, &g, &b);
    assert_true (r > 220 && g > 220 && b > 220);
  }
  cairo_surface_destroy (surface);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_nice_range),
    cmocka_unit_test (test_points_and_live),
    cmocka_unit_test (test_pixels_light),
    cmocka_unit_test (test_pixels_dark),
    cmocka_unit_test (test_pixels_empty),
    cmocka_unit_test (test_pixels_live),
    cmocka_unit_test (test_confusion_draw),
  };

  return cmocka_run_group_tests_name ("train/chart", tests, NULL, NULL);
}
