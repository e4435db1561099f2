/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The stroke model without GTK: rasterisation, undo/redo, clear, eraser,
 * pressure and resize invariance. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "convolve-strokes.h"

static float *
raster (ConvolveStrokes *s, int size)
{
  float *gray = g_new0 (float, size * size);

  convolve_strokes_rasterize (s, size, gray);
  return gray;
}

static double
ink (const float *gray, int size)
{
  double sum = 0;

  for (int i = 0; i < size * size; i++)
    sum += gray[i];
  return sum;
}

static gboolean
same (const float *a, const float *b, int size)
{
  return memcmp (a, b, sizeof (float) * size * size) == 0;
}

/* A horizontal line across the middle, from 20 % to 80 %. */
static void
draw_line (ConvolveStrokes *s, double y, double pressure, double width)
{
  convolve_strokes_begin (s, 0.2, y, pressure, width, FALSE);
  for (int i = 1; i <= 6; i++)
    convolve_strokes_extend (s, 0.2 + 0.1 * i, y, pressure);
  convolve_strokes_end (s);
}

static void
test_empty (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  g_autofree float *gray = raster (s, 32);

  assert_true (convolve_strokes_is_empty (s));
  assert_false (convolve_strokes_can_undo (s));
  assert_false (convolve_strokes_can_redo (s));
  assert_true (ink (gray, 32) == 0.0);
}

static void
test_rasterize_line (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  g_autofree float *gray = NULL;
  const int n = 100;

  draw_line (s, 0.5, 0.5, 0.1);
  gray = raster (s, n);

  assert_false (convolve_strokes_is_empty (s));
  /* Ink on the line, none in the corners or above and below it. */
  assert_true (gray[50 * n + 50] > 0.99f);
  assert_true (gray[50 * n + 25] > 0.99f);
  assert_true (gray[50 * n + 75] > 0.99f);
  assert_true (gray[5 * n + 5] == 0.0f);
  assert_true (gray[30 * n + 50] == 0.0f);
  assert_true (gray[70 * n + 50] == 0.0f);
  /* Nominal width 0.1 × 100 px, length 60 px plus round caps. */
  assert_true (ink (gray, n) > 0.9 * (60 * 10 + G_PI * 25));
  assert_true (ink (gray, n) < 1.1 * (60 * 10 + G_PI * 25));
  /* Values stay in 0..1. */
  for (int i = 0; i < n * n; i++)
    assert_true (gray[i] >= 0.0f && gray[i] <= 1.0f);
}

static void
test_single_point_is_a_dot (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  g_autofree float *gray = NULL;

  convolve_strokes_begin (s, 0.5, 0.5, 0.5, 0.2, FALSE);
  convolve_strokes_end (s);
  gray = raster (s, 50);
  assert_true (gray[25 * 50 + 25] > 0.99f);
  assert_true (ink (gray, 50) > 0.8 * G_PI * 25);
}

static void
test_undo_redo (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  g_autofree float *a = NULL, *ab = NULL, *undone = NULL, *redone = NULL;
  const int n = 64;

  draw_line (s, 0.3, 0.5, 0.08);
  a = raster (s, n);
  draw_line (s, 0.7, 0.5, 0.08);
  ab = raster (s, n);
  assert_false (same (a, ab, n));

  assert_true (convolve_strokes_undo (s));
  undone = raster (s, n);
  assert_true (same (a, undone, n));
  assert_true (convolve_strokes_can_redo (s));

  assert_true (convolve_strokes_redo (s));
  redone = raster (s, n);
  assert_true (same (ab, redone, n));
  assert_false (convolve_strokes_redo (s));

  /* A new stroke after an undo drops what could have been redone. */
  convolve_strokes_undo (s);
  draw_line (s, 0.5, 0.5, 0.08);
  assert_false (convolve_strokes_can_redo (s));

  /* Undo everything. */
  while (convolve_strokes_undo (s))
    ;
  assert_true (convolve_strokes_is_empty (s));
  assert_false (convolve_strokes_can_undo (s));
}

static void
test_clear_is_undoable (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  g_autofree float *before = NULL, *after = NULL, *back = NULL;
  guint64 serial;
  const int n = 64;

  draw_line (s, 0.5, 0.5, 0.1);
  before = raster (s, n);
  convolve_strokes_clear (s);
  after = raster (s, n);
  assert_true (convolve_strokes_is_empty (s));
  assert_true (ink (after, n) == 0.0);
  assert_int_equal (convolve_strokes_get_n_points (s), 0);

  /* Clearing a blank sheet changes nothing. */
  serial = convolve_strokes_get_serial (s);
  convolve_strokes_clear (s);
  assert_true (convolve_strokes_get_serial (s) == serial);

  assert_true (convolve_strokes_undo (s));
  back = raster (s, n);
  assert_true (same (before, back, n));
}

static void
test_eraser (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  g_autofree float *drawn = NULL, *erased = NULL;
  const int n = 100;

  draw_line (s, 0.5, 0.5, 0.1);
  drawn = raster (s, n);
  /* Rub out the middle with a vertical eraser stroke. */
  convolve_strokes_begin (s, 0.5, 0.3, 0.5, 0.2, TRUE);
  convolve_strokes_extend (s, 0.5, 0.7, 0.5);
  convolve_strokes_end (s);
  erased = raster (s, n);

  assert_true (drawn[50 * n + 50] > 0.99f);
  assert_true (erased[50 * n + 50] == 0.0f);
  assert_true (erased[50 * n + 25] > 0.99f);
  assert_true (ink (erased, n) < ink (drawn, n));
  /* Rubbing out everything leaves an "empty" sheet only for ink entries:
   * erasing does not remove the ink stroke from the history. */
  assert_false (convolve_strokes_is_empty (s));
}

static void
test_eraser_keeps_background (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 40, 40);
  cairo_t *cr = cairo_create (surface);
  const guint32 *px;

  convolve_strokes_begin (s, 0.5, 0.1, 0.5, 0.3, TRUE);
  convolve_strokes_extend (s, 0.5, 0.9, 0.5);
  convolve_strokes_end (s);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 1);
  convolve_strokes_draw (s, cr, 40);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  px = (const guint32 *) (gpointer) cairo_image_surface_get_data (surface);
  /* Still opaque white where the eraser went. */
  assert_true (px[20 * 40 + 20] == 0xffffffff);
  cairo_surface_destroy (surface);
}

static void
test_pressure_changes_width (void **state)
{
  double widths[3];
  const double pressures[3] = { 0.0, 0.5, 1.0 };
  const int n = 100;

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
      g_autofree float *gray = NULL;

      draw_line (s, 0.5, pressures[i], 0.1);
      gray = raster (s, n);
      widths[i] = ink (gray, n);
    }
  assert_true (widths[0] < widths[1]);
  assert_true (widths[1] < widths[2]);

  /* Mixed pressure within one stroke also draws. */
  {
    g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
    g_autofree float *gray = NULL;

    convolve_strokes_begin (s, 0.2, 0.5, 0.1, 0.1, FALSE);
    convolve_strokes_extend (s, 0.5, 0.5, 0.5);
    convolve_strokes_extend (s, 0.8, 0.5, 1.0);
    convolve_strokes_end (s);
    gray = raster (s, n);
    assert_true (gray[50 * n + 50] > 0.99f);
    assert_true (gray[44 * n + 78] > 0.5f);   /* thick end */
    assert_true (gray[44 * n + 22] == 0.0f);  /* thin end */
  }
}

/* The drawing is kept in unit coordinates: rasterised at any size, its
 * ink covers the same fraction of the sheet and has the same centre. */
static void
test_resize_invariance (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  const int sizes[] = { 28, 112, 400 };
  double cover[3], cx[3], cy[3];

  convolve_strokes_begin (s, 0.3, 0.2, 0.5, 0.08, FALSE);
  convolve_strokes_extend (s, 0.6, 0.5, 0.5);
  convolve_strokes_extend (s, 0.4, 0.8, 0.5);
  convolve_strokes_end (s);

  for (int k = 0; k < 3; k++)
    {
      int n = sizes[k];
      g_autofree float *gray = raster (s, n);
      double sum = 0, sx = 0, sy = 0;

      for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
          {
            sum += gray[y * n + x];
            sx += gray[y * n + x] * (x + 0.5) / n;
            sy += gray[y * n + x] * (y + 0.5) / n;
          }
      cover[k] = sum / (n * n);
      cx[k] = sx / sum;
      cy[k] = sy / sum;
    }
  for (int k = 1; k < 3; k++)
    {
      assert_true (fabs (cover[k] - cover[0]) < 0.1 * cover[0]);
      assert_true (fabs (cx[k] - cx[0]) < 0.01);
      assert_true (fabs (cy[k] - cy[0]) < 0.01);
    }
}

static void
count_cb (gpointer object, gpointer pspec_or_null, gpointer user_data)
{
  (*(int *) user_data)++;
}

static void
test_signals (void **state)
{
  g_autoptr(ConvolveStrokes) s = convolve_strokes_new ();
  int changed = 0, undo_notes = 0, redo_notes = 0;

  g_signal_connect (s, "changed", G_CALLBACK (count_cb), &changed);
  g_signal_connect (s, "notify::can-undo", G_CALLBACK (count_cb), &undo_notes);
  g_signal_connect (s, "notify::can-redo", G_CALLBACK (count_cb), &redo_notes);

  draw_line (s, 0.5, 0.5, 0.1);       /* begin + 6 extends */
  assert_int_equal (changed, 7);
  assert_int_equal (undo_notes, 1);   /* FALSE → TRUE once */
  assert_int_equal (redo_notes, 0);

  convolve_strokes_undo (s);
  assert_int_equal (changed, 8);
  assert_int_equal (undo_notes, 2);
  assert_int_equal (redo_notes, 1);

  /* Extending after the stroke ended is ignored. */
  convolve_strokes_extend (s, 0.1, 0.1, 0.5);
  assert_int_equal (changed, 8);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_empty),
    cmocka_unit_test (test_rasterize_line),
    cmocka_unit_test (test_single_point_is_a_dot),
    cmocka_unit_test (test_undo_redo),
    cmocka_unit_test (test_clear_is_undoable),
    cmocka_unit_test (test_eraser),
    cmocka_unit_test (test_eraser_keeps_background),
    cmocka_unit_test (test_pressure_changes_width),
    cmocka_unit_test (test_resize_invariance),
    cmocka_unit_test (test_signals),
  };

  return cmocka_run_group_tests_name ("gui/strokes", tests, NULL, NULL);
}
