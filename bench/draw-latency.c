/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * draw-latency: how long the path from a pointer event to updated bars
 * takes in the real window, with the shipped model.
 *
 * Each sample feeds one pointer position through the canvas exactly as the
 * drag gesture does (convolve_canvas_stroke_extend), then runs what the next
 * frame runs before painting: the canvas's coalesced ::changed, which
 * rasterises the drawing, preprocesses it, runs the network and hands the
 * probabilities to the confidence panel and the input view. That is the
 * work a pointer event costs on the main thread; the frame after it paints.
 * A second figure times event → frame painted, which includes waiting for
 * the frame clock (up to one refresh interval).
 *
 * Needs a display (run under build-aux/with-xvfb.sh); exits 77 without.
 * Usage: draw-latency [digits|shapes] [samples]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <adwaita.h>

#include "convolve-window.h"

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what, double *ms, int n)
{
  qsort (ms, n, sizeof (double), cmp_double);
  printf ("%-34s n=%d  p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  max %.3f ms\n",
          what, n, ms[n / 2], ms[(int) (n * 0.95)], ms[(int) (n * 0.99)], ms[n - 1]);
}

int
main (int argc, char *argv[])
{
  const char *mode = argc > 1 ? argv[1] : "digits";
  int samples = argc > 2 ? atoi (argv[2]) : 600;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GtkCssProvider) css = NULL;
  ConvolveWindow *window;
  ConvolveCanvas *canvas;
  double *sync_ms, *frame_ms;
  double size;

  if (!gtk_init_check ())
    {
      fprintf (stderr, "draw-latency: no display (run it under build-aux/with-xvfb.sh)\n");
      return 77;
    }
  adw_init ();
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/convolve/Convolve/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "mode", mode);
  g_settings_set_string (settings, "last-model", "");

  window = g_object_new (CONVOLVE_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  canvas = convolve_window_get_canvas (window);
  size = MIN (gtk_widget_get_width (GTK_WIDGET (canvas)),
              gtk_widget_get_height (GTK_WIDGET (canvas)));
  if (convolve_confidence_get_n_classes (convolve_window_get_confidence (window)) == 0)
    {
      fprintf (stderr, "draw-latency: the %s model did not load\n", mode);
      return 1;
    }

  sync_ms = g_new (double, samples);
  frame_ms = g_new (double, samples);

  /* Strokes of 40 points around the sheet, three per drawing, like a
   * student's digit; the drawing is cleared every 120 points. */
  for (int i = 0; i < samples; i++)
    {
      int k = i % 120;
      double t = (k % 40) / 40.0;
      double x = size * (0.3 + 0.4 * t);
      double y = size * (0.25 + 0.2 * (k / 40) + 0.1 * (t * (1 - t)));
      gint64 t0, t1, t2;

      if (k == 0)
        convolve_strokes_clear (convolve_canvas_get_strokes (canvas));
      if (k % 40 == 0)
        {
          convolve_canvas_stroke_begin (canvas, x, y, 0.5);
          convolve_canvas_flush (canvas);
          gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
          continue;
        }

      t0 = g_get_monotonic_time ();
      convolve_canvas_stroke_extend (canvas, x, y, 0.5);
      convolve_canvas_flush (canvas);
      t1 = g_get_monotonic_time ();
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      t2 = g_get_monotonic_time ();

      sync_ms[i] = (t1 - t0) / 1000.0;
      frame_ms[i] = (t2 - t0) / 1000.0;
      if (k % 40 == 39)
        convolve_canvas_stroke_end (canvas);
    }

  /* Drop the stroke starts (no sample taken). */
  {
    int n = 0;

    for (int i = 0; i < samples; i++)
      if ((i % 120) % 40 != 0)
        {
          sync_ms[n] = sync_ms[i];
          frame_ms[n] = frame_ms[i];
          n++;
        }
    printf ("draw-latency: %s model, canvas %.0f px, renderer %s\n", mode, size,
            G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
    report ("pointer event -> bars updated", sync_ms, n);
    report ("pointer event -> frame painted", frame_ms, n);
  }

  g_free (sync_ms);
  g_free (frame_ms);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
