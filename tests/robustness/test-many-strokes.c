/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-many-strokes.c — the canvas's drawing model (ConvolveStrokes, GLib +
 * cairo, no display) with 10,000 strokes of 20 points each: memory grows
 * by what the points need and no more, rasterising for the model stays
 * fast, and undoing everything, redoing it and clearing all work.
 */
#include <math.h>
#include <sys/resource.h>
#include <glib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "convolve-strokes.h"

#define STROKES 10000
#define POINTS  20

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static void
test_ten_thousand_strokes (void **state)
{
  g_autoptr(ConvolveStrokes) strokes = convolve_strokes_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree float *gray = g_new (float, 280 * 280);
  long before, after;
  gint64 t0;
  double raster_secs;
  int undone = 0;

  before = rss_kb ();
  for (int s = 0; s < STROKES; s++)
    {
      double x = g_rand_double (rand), y = g_rand_double (rand);

      convolve_strokes_begin (strokes, x, y, 1.0, 0.03, s % 50 == 49);
      for (int p = 1; p < POINTS; p++)
        {
          x = CLAMP (x + g_rand_double_range (rand, -0.02, 0.02), 0.0, 1.0);
          y = CLAMP (y + g_rand_double_range (rand, -0.02, 0.02), 0.0, 1.0);
          convolve_strokes_extend (strokes, x, y, g_rand_double_range (rand, 0.2, 1.0));
        }
      convolve_strokes_end (strokes);
    }
  after = rss_kb ();
  assert_int_equal (convolve_strokes_get_n_points (strokes), STROKES * POINTS);

  /* 112 px is what the window rasterises for every prediction. */
  t0 = g_get_monotonic_time ();
  convolve_strokes_rasterize (strokes, 112, gray);
  raster_secs = (g_get_monotonic_time () - t0) / 1e6;
  for (int i = 0; i < 112 * 112; i++)
    assert_true (gray[i] >= 0.0f && gray[i] <= 1.0f);
  print_message ("rasterising %d strokes to 112×112 takes %.3f s\n", STROKES, raster_secs);
  assert_true (raster_secs < 10.0);

  t0 = g_get_monotonic_time ();
  convolve_strokes_rasterize (strokes, 280, gray);
  raster_secs = (g_get_monotonic_time () - t0) / 1e6;
  for (int i = 0; i < 280 * 280; i++)
    assert_true (gray[i] >= 0.0f && gray[i] <= 1.0f);

  print_message ("%d strokes × %d points: RSS +%ld kB; rasterising to 280×280 takes %.3f s\n",
                 STROKES, POINTS, after - before, raster_secs);
  /* 200,000 points: a few MB at most (a point is a few doubles). */
  assert_true (after - before < 64 * 1024);
  /* Bounded, not fast: every stroke is drawn again each time (see the
   * robustness report); a hang would show here. */
  assert_true (raster_secs < 10.0);

  while (convolve_strokes_undo (strokes))
    undone++;
  assert_int_equal (undone, STROKES);
  assert_true (convolve_strokes_is_empty (strokes));
  convolve_strokes_rasterize (strokes, 28, gray);
  for (int i = 0; i < 28 * 28; i++)
    assert_true (gray[i] == 0.0f);
  while (convolve_strokes_redo (strokes))
    undone--;
  assert_int_equal (undone, 0);
  convolve_strokes_clear (strokes);
  assert_true (convolve_strokes_is_empty (strokes));

  /* After "clear", one new stroke costs one stroke, not 10,001. */
  convolve_strokes_begin (strokes, 0.2, 0.2, 1.0, 0.05, FALSE);
  convolve_strokes_extend (strokes, 0.8, 0.8, 1.0);
  convolve_strokes_end (strokes);
  t0 = g_get_monotonic_time ();
  convolve_strokes_rasterize (strokes, 112, gray);
  raster_secs = (g_get_monotonic_time () - t0) / 1e6;
  print_message ("after clear, one stroke rasterises in %.4f s\n", raster_secs);
  assert_true (raster_secs < 0.5);
  assert_true (convolve_strokes_undo (strokes));   /* the new stroke */
  assert_true (convolve_strokes_undo (strokes));   /* the clear itself */
  assert_false (convolve_strokes_is_empty (strokes));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_ten_thousand_strokes),
  };

  return cmocka_run_group_tests_name ("robustness/many-strokes", tests, NULL, NULL);
}
