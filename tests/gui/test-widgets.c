/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The widgets in a real window under Xvfb, rendered to PNG and checked by
 * pixel: the canvas, "what the network sees" and the confidence panel.
 * Exits 77 (skip) when there is no display. PNGs go to
 * $CONVOLVE_TEST_OUTPUT, else to a fresh temporary directory. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "convolve-frame-log.h"
#include "convolve-canvas.h"
#include "convolve-confidence.h"
#include "convolve-export.h"
#include "convolve-input-view.h"

static char *out_dir;

typedef struct {
  int      width, height;
  guint32 *px;             /* ARGB32 premultiplied, native endian */
} Image;

static void
image_free (Image *img)
{
  g_free (img->px);
  g_free (img);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Image, image_free)

static int chan (guint32 p, int shift) { return (p >> shift) & 0xff; }
static int red (guint32 p) { return chan (p, 16); }
static int green (guint32 p) { return chan (p, 8); }
static int blue (guint32 p) { return chan (p, 0); }
static int luma (guint32 p) { return (red (p) * 3 + green (p) * 6 + blue (p)) / 10; }
static guint32 at (const Image *img, int x, int y) { return img->px[y * img->width + x]; }

static GtkWidget *
show_in_window (GtkWidget *child, int width, int height)
{
  GtkWidget *window = gtk_window_new ();

  /* The default size wins over the child's natural size: the widget gets
   * exactly width × height. */
  gtk_widget_set_size_request (child, width, height);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  return window;
}

/* A frame must be drawn after every change: until then the widget's render
 * node is dropped and a snapshot would be empty. */
static Image *
render (GtkWidget *widget, const char *png_name)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  Image *img = g_new0 (Image, 1);

  gtk_test_widget_wait_for_draw (window);
  img->width = gtk_widget_get_width (widget);
  img->height = gtk_widget_get_height (widget);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  /* The window background under the widget, as on screen. */
  {
    GdkRGBA bg;
    AdwStyleManager *style = adw_style_manager_get_default ();

    gdk_rgba_parse (&bg, adw_style_manager_get_dark (style) ? "#242424" : "#fafafa");
    gtk_snapshot_append_color (snapshot, &bg,
                               &GRAPHENE_RECT_INIT (0, 0, img->width, img->height));
  }
  gdk_paintable_snapshot (paintable, snapshot, img->width, img->height);
  node = gtk_snapshot_free_to_node (snapshot);
  assert_non_null (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, img->width, img->height));
  gsk_render_node_unref (node);

  img->px = g_new (guint32, img->width * img->height);
  gdk_texture_download (texture, (guchar *) img->px, img->width * 4);
  if (png_name != NULL)
    {
      g_autofree char *path = g_build_filename (out_dir, png_name, NULL);

      assert_true (gdk_texture_save_to_png (texture, path));
    }
  return img;
}

static void
set_dark (gboolean dark)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                  : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
count_cb (gpointer object, gpointer user_data)
{
  (*(int *) user_data)++;
}

/* ------------------------------------------------------------- the canvas */

static void
draw_cross (ConvolveCanvas *canvas, double size)
{
  convolve_canvas_stroke_begin (canvas, 0.2 * size, 0.5 * size, 0.5);
  for (int i = 1; i <= 6; i++)
    convolve_canvas_stroke_extend (canvas, (0.2 + 0.1 * i) * size, 0.5 * size, 0.5);
  convolve_canvas_stroke_end (canvas);
  convolve_canvas_stroke_begin (canvas, 0.5 * size, 0.2 * size, 0.5);
  convolve_canvas_stroke_extend (canvas, 0.5 * size, 0.8 * size, 0.5);
  convolve_canvas_stroke_end (canvas);
}

static void
test_canvas_draws_ink (void **state)
{
  GtkWidget *canvas = convolve_canvas_new ();
  GtkWidget *window;
  g_autoptr(Image) empty = NULL;
  g_autoptr(Image) drawn = NULL;
  g_autoptr(Image) cleared = NULL;

  set_dark (FALSE);
  window = show_in_window (canvas, 200, 200);
  empty = render (canvas, "canvas-empty.png");
  /* A light sheet, no ink. */
  assert_true (luma (at (empty, 100, 100)) > 200);
  assert_true (luma (at (empty, 60, 100)) > 200);

  draw_cross (CONVOLVE_CANVAS (canvas), 200);
  drawn = render (canvas, "canvas-cross.png");
  /* Dark ink on the strokes (the theme's view foreground), light elsewhere. */
  assert_true (luma (at (drawn, 100, 100)) < 100);
  assert_true (luma (at (drawn, 60, 100)) < 100);
  assert_true (luma (at (drawn, 100, 150)) < 100);
  assert_true (luma (at (drawn, 30, 30)) > 200);
  assert_true (luma (at (drawn, 150, 60)) > 200);
  /* Where strokes cross the ink is no darker (translucent theme ink is
   * applied to the drawing as a whole). */
  assert_true (at (drawn, 100, 100) == at (drawn, 60, 100));

  convolve_strokes_clear (convolve_canvas_get_strokes (CONVOLVE_CANVAS (canvas)));
  cleared = render (canvas, "canvas-cleared.png");
  assert_true (luma (at (cleared, 100, 100)) > 200);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_canvas_dark (void **state)
{
  GtkWidget *canvas = convolve_canvas_new ();
  GtkWidget *window;
  g_autoptr(Image) img = NULL;

  set_dark (TRUE);
  window = show_in_window (canvas, 200, 200);
  draw_cross (CONVOLVE_CANVAS (canvas), 200);
  img = render (canvas, "canvas-cross-dark.png");
  /* Light ink on a dark sheet: readable in dark mode too. */
  assert_true (luma (at (img, 100, 100)) > 180);
  assert_true (luma (at (img, 30, 30)) < 80);
  set_dark (FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Resizing keeps the drawing: the same strokes scale with the sheet. */
static void
test_canvas_resize_keeps_drawing (void **state)
{
  GtkWidget *canvas = convolve_canvas_new ();
  GtkWidget *window;
  g_autoptr(Image) small = NULL;
  g_autoptr(Image) big = NULL;

  set_dark (FALSE);
  window = show_in_window (canvas, 160, 160);
  draw_cross (CONVOLVE_CANVAS (canvas), 160);
  small = render (canvas, "canvas-160.png");

  gtk_widget_set_size_request (canvas, 320, 320);
  gtk_window_set_default_size (GTK_WINDOW (window), 320, 320);
  big = render (canvas, "canvas-320.png");
  assert_int_equal (small->width, 160);
  assert_int_equal (big->width, 320);

  for (int y = 0; y < 160; y += 4)
    for (int x = 0; x < 160; x += 4)
      {
        gboolean ink_small = luma (at (small, x, y)) < 128;
        gboolean ink_big = luma (at (big, 2 * x + 1, 2 * y + 1)) < 128;

        /* Edges may round differently; the inner strokes must agree. */
        if (abs (x - 80) > 12 && abs (y - 80) > 12)
          assert_int_equal (ink_small, ink_big);
      }
  assert_true (luma (at (big, 160, 160)) < 100);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Many motion events within one frame give one ::changed. */
static void
test_canvas_changed_once_per_frame (void **state)
{
  GtkWidget *canvas = convolve_canvas_new ();
  GtkWidget *window;
  int changed = 0;

  window = show_in_window (canvas, 200, 200);
  g_signal_connect (canvas, "changed", G_CALLBACK (count_cb), &changed);

  convolve_canvas_stroke_begin (CONVOLVE_CANVAS (canvas), 20, 20, 0.5);
  for (int i = 0; i < 20; i++)
    convolve_canvas_stroke_extend (CONVOLVE_CANVAS (canvas), 20 + 5 * i, 20 + 3 * i, 0.5);
  assert_int_equal (changed, 0);
  gtk_test_widget_wait_for_draw (window);
  assert_int_equal (changed, 1);

  convolve_canvas_stroke_extend (CONVOLVE_CANVAS (canvas), 150, 150, 0.5);
  convolve_canvas_stroke_end (CONVOLVE_CANVAS (canvas));
  gtk_test_widget_wait_for_draw (window);
  assert_int_equal (changed, 2);

  /* Off screen (another page) the signal comes at once. */
  gtk_widget_set_visible (canvas, FALSE);
  convolve_strokes_undo (convolve_canvas_get_strokes (CONVOLVE_CANVAS (canvas)));
  assert_int_equal (changed, 3);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_canvas_eraser_and_brush (void **state)
{
  GtkWidget *canvas = convolve_canvas_new ();
  ConvolveCanvas *c = CONVOLVE_CANVAS (canvas);
  GtkWidget *window;
  g_autoptr(Image) img = NULL;

  set_dark (FALSE);
  window = show_in_window (canvas, 200, 200);

  convolve_canvas_set_brush_size (c, 100);
  assert_int_equal (convolve_canvas_get_brush_size (c), CONVOLVE_CANVAS_BRUSH_MAX);
  convolve_canvas_set_brush_size (c, 10);   /* 20 px on a 200 px sheet */
  draw_cross (c, 200);
  convolve_canvas_set_eraser (c, TRUE);
  convolve_canvas_stroke_begin (c, 100, 90, 0.5);
  convolve_canvas_stroke_extend (c, 100, 110, 0.5);
  convolve_canvas_stroke_end (c);
  img = render (canvas, "canvas-erased.png");
  assert_int_equal (img->width, 200);

  assert_true (luma (at (img, 100, 100)) > 200);   /* rubbed out */
  assert_true (luma (at (img, 60, 100)) < 100);    /* still there */
  assert_true (luma (at (img, 60, 92)) < 100);     /* brush 10: ±10 px */
  assert_true (luma (at (img, 60, 85)) > 200);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* --------------------------------------------------- what the network sees */

static void
test_input_view_crisp_cells (void **state)
{
  GtkWidget *view = convolve_input_view_new ();
  ConvolveInputView *v = CONVOLVE_INPUT_VIEW (view);
  GtkWidget *window;
  float plain[16] = { 0 }, norm[16] = { 0 };
  g_autoptr(Image) a = NULL;
  g_autoptr(Image) b = NULL;

  set_dark (FALSE);
  plain[0] = 1.0f;            /* top-left cell */
  plain[5] = 0.5f;            /* (1,1) half ink */
  norm[15] = 1.0f;            /* bottom-right cell */
  window = show_in_window (view, 200, 200);
  convolve_input_view_set_input (v, 4, plain, norm);
  convolve_input_view_set_show_normalized (v, FALSE);
  a = render (view, "input-view-plain.png");
  /* 200 px less the CSS border: cells of 49 or 50 px. */
  assert_true (a->width >= 196 && a->width <= 200);

  /* 4 cells of ~50 px: the ink cell is uniformly dark inside (no smoothing),
   * the half cell is in between, the empty cells light. */
  for (int y = 3; y < 47; y += 2)
    for (int x = 3; x < 47; x += 2)
      assert_true (at (a, x, y) == at (a, 25, 25));
  assert_true (luma (at (a, 25, 25)) < 80);
  assert_true (luma (at (a, 75, 75)) > 100 && luma (at (a, 75, 75)) < 180);
  assert_true (at (a, 55, 75) == at (a, 95, 75));
  assert_true (luma (at (a, 175, 175)) > 200);
  /* The cell edge is sharp: one column over is a different cell. */
  assert_true (luma (at (a, 48, 25)) < 80);
  assert_true (luma (at (a, 52, 25)) > 200);

  convolve_input_view_set_show_normalized (v, TRUE);
  b = render (view, "input-view-normalized.png");
  assert_true (luma (at (b, 25, 25)) > 200);
  assert_true (luma (at (b, 175, 175)) < 80);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_input_view_dark (void **state)
{
  GtkWidget *view = convolve_input_view_new ();
  GtkWidget *window;
  float pix[16] = { 1.0f };
  g_autoptr(Image) img = NULL;

  set_dark (TRUE);
  window = show_in_window (view, 200, 200);
  convolve_input_view_set_input (CONVOLVE_INPUT_VIEW (view), 4, pix, pix);
  img = render (view, "input-view-dark.png");
  assert_true (luma (at (img, 25, 25)) > 180);
  assert_true (luma (at (img, 175, 175)) < 80);
  set_dark (FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* -------------------------------------------------------- the confidence */

static void
collect (GtkWidget *w, GType type, GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    g_ptr_array_add (found, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect (c, type, found);
}

static GtkWidget *
find_label_with_class (GtkWidget *root, const char *css_class)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (labels->pdata[i], css_class))
      return labels->pdata[i];
  return NULL;
}

static void
wait_for_animation (ConvolveConfidence *conf)
{
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  while (convolve_confidence_is_animating (conf) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  assert_false (convolve_confidence_is_animating (conf));
}

/* The filled share of a bar along its middle row. */
static double
filled_fraction (const Image *img, GtkWidget *panel, GtkWidget *bar, guint32 *fill_px)
{
  graphene_rect_t r;
  int y, x0, x1, filled = 0;
  guint32 trough;

  assert_true (gtk_widget_compute_bounds (bar, panel, &r));
  y = (int) (r.origin.y + r.size.height / 2);
  x0 = (int) ceil (r.origin.x);
  x1 = (int) floor (r.origin.x + r.size.width) - 1;
  trough = at (img, x1 - 2, y);
  for (int x = x0; x <= x1; x++)
    if (at (img, x, y) != trough)
      filled++;
  if (fill_px != NULL)
    *fill_px = at (img, x0 + 3, y);
  return filled / (double) (x1 - x0 + 1);
}

static void
test_confidence_bars (void **state)
{
  const char *names[] = { "circle", "square", "triangle" };
  const float probs[] = { 0.10f, 0.70f, 0.20f };
  GtkWidget *panel = convolve_confidence_new ();
  ConvolveConfidence *conf = CONVOLVE_CONFIDENCE (panel);
  g_autoptr(GPtrArray) bars = g_ptr_array_new ();
  GtkWidget *window, *prediction, *prompt;
  g_autoptr(Image) img = NULL;
  g_autoptr(Image) empty = NULL;
  guint32 fill[3];

  set_dark (FALSE);
  convolve_confidence_set_prompt (conf, "Draw a circle, a square or a triangle");
  convolve_confidence_set_classes (conf, names, 3);
  window = show_in_window (panel, 360, 320);
  prediction = find_label_with_class (panel, "prediction");
  prompt = find_label_with_class (panel, "prompt");
  assert_non_null (prediction);
  assert_non_null (prompt);

  /* Nothing drawn: the prompt, no guess. */
  assert_int_equal (convolve_confidence_get_top (conf), -1);
  assert_string_equal (gtk_label_get_text (GTK_LABEL (prediction)), "");
  assert_true (gtk_widget_get_visible (prompt));

  convolve_confidence_set_probabilities (conf, probs);
  /* The bars glide: the first frame is not at the target yet. */
  assert_true (convolve_confidence_is_animating (conf));
  wait_for_animation (conf);
  img = render (panel, "confidence.png");

  assert_int_equal (convolve_confidence_get_top (conf), 1);
  assert_string_equal (gtk_label_get_text (GTK_LABEL (prediction)), "square");
  assert_false (gtk_widget_get_visible (prompt));

  collect (panel, GTK_TYPE_PROGRESS_BAR, bars);
  assert_int_equal (bars->len, 3);
  for (int i = 0; i < 3; i++)
    {
      double f = filled_fraction (img, panel, bars->pdata[i], &fill[i]);

      assert_true (fabs (f - probs[i]) < 0.06);
    }
  /* The top bar has the accent colour; the others a neutral grey. */
  assert_true (blue (fill[1]) > red (fill[1]) + 60);
  assert_true (abs (blue (fill[0]) - red (fill[0])) < 20);

  /* Back to empty: bars fall to zero, the prompt returns. */
  convolve_confidence_set_probabilities (conf, NULL);
  wait_for_animation (conf);
  empty = render (panel, "confidence-empty.png");
  assert_string_equal (gtk_label_get_text (GTK_LABEL (prediction)), "");
  assert_true (gtk_widget_get_visible (prompt));
  for (int i = 0; i < 3; i++)
    assert_true (filled_fraction (empty, panel, bars->pdata[i], NULL) < 0.04);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_confidence_dark (void **state)
{
  const char *names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
  float probs[10] = { 0 };
  GtkWidget *panel = convolve_confidence_new ();
  ConvolveConfidence *conf = CONVOLVE_CONFIDENCE (panel);
  g_autoptr(GPtrArray) bars = g_ptr_array_new ();
  GtkWidget *window;
  g_autoptr(Image) img = NULL;
  guint32 fill;

  set_dark (TRUE);
  probs[7] = 0.9f;
  probs[1] = 0.1f;
  convolve_confidence_set_classes (conf, names, 10);
  window = show_in_window (panel, 360, 560);
  convolve_confidence_set_probabilities (conf, probs);
  wait_for_animation (conf);
  img = render (panel, "confidence-dark.png");

  collect (panel, GTK_TYPE_PROGRESS_BAR, bars);
  assert_int_equal (bars->len, 10);
  assert_true (fabs (filled_fraction (img, panel, bars->pdata[7], &fill) - 0.9) < 0.06);
  assert_true (blue (fill) > red (fill) + 60);
  assert_true (fabs (filled_fraction (img, panel, bars->pdata[1], &fill) - 0.1) < 0.06);
  /* The grey of the other bars is light on the dark background. */
  assert_true (luma (fill) > 100);
  set_dark (FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* 10,000 strokes on the real widget: it still draws them, and the drawing
 * still clears (robustness/many-strokes measures the memory). */
static void
test_canvas_many_strokes (void **state)
{
  GtkWidget *canvas = convolve_canvas_new ();
  GtkWidget *window;
  g_autoptr(Image) drawn = NULL;
  g_autoptr(Image) cleared = NULL;

  set_dark (FALSE);
  window = show_in_window (canvas, 200, 200);
  for (int i = 0; i < 10000; i++)
    {
      double y = 20 + (i % 160);

      convolve_canvas_stroke_begin (CONVOLVE_CANVAS (canvas), 40, y, 0.5);
      convolve_canvas_stroke_extend (CONVOLVE_CANVAS (canvas), 160, y, 0.5);
      convolve_canvas_stroke_end (CONVOLVE_CANVAS (canvas));
    }
  drawn = render (canvas, "canvas-10000-strokes.png");
  assert_true (luma (at (drawn, 100, 100)) < 100);
  assert_true (luma (at (drawn, 10, 100)) > 200);

  convolve_strokes_clear (convolve_canvas_get_strokes (CONVOLVE_CANVAS (canvas)));
  cleared = render (canvas, NULL);
  assert_true (luma (at (cleared, 100, 100)) > 200);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------- export */

static void
test_export_png (void **state)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *canvas = convolve_canvas_new ();
  GtkWidget *hidden = convolve_canvas_new ();
  GtkWidget *window;
  GtkWidget *only_hidden[] = { hidden };
  GtkWidget *both[2];
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) png2 = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint32 *px = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) nowhere = NULL;
  gsize length = 0;
  int w, h;

  set_dark (FALSE);
  gtk_widget_set_size_request (canvas, 200, 200);
  gtk_box_append (GTK_BOX (box), canvas);
  gtk_box_append (GTK_BOX (box), hidden);
  gtk_widget_set_visible (hidden, FALSE);
  window = show_in_window (box, 200, 200);
  draw_cross (CONVOLVE_CANVAS (canvas), 200);
  gtk_test_widget_wait_for_draw (window);

  /* Twice the size, with a 16-pixel margin; the hidden one is left out. */
  both[0] = canvas;
  both[1] = hidden;
  png = convolve_export_widgets_to_png (both, 2, 2.0, &error);
  assert_null (error);
  assert_non_null (png);
  texture = gdk_texture_new_from_bytes (png, &error);
  assert_null (error);
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  assert_int_equal (w, 2 * (200 + 32));
  assert_int_equal (h, 2 * (200 + 32));
  px = g_new (guint32, w * h);
  gdk_texture_download (texture, (guchar *) px, w * 4);
  /* Ink where the strokes cross, the light sheet beside them, and the
   * window background (opaque) in the margin. */
  assert_true (luma (px[(2 * 116) * w + 2 * 116]) < 100);
  assert_true (luma (px[(2 * 46) * w + 2 * 46]) > 200);
  assert_true (luma (px[4 * w + 4]) > 200);
  assert_int_equal ((px[4 * w + 4] >> 24) & 0xff, 0xff);

  /* Nothing shown, nothing to export: an error, not an empty picture. */
  assert_null (convolve_export_widgets_to_png (only_hidden, 1, 2.0, &error));
  assert_non_null (error);
  g_clear_error (&error);

  /* Written whole, then replaced whole. */
  dir = g_dir_make_tmp ("convolve-export-XXXXXX", &error);
  assert_non_null (dir);
  path = g_build_filename (dir, "drawing.png", NULL);
  file = g_file_new_for_path (path);
  assert_true (convolve_export_write (file, png, &error));
  assert_true (g_file_get_contents (path, &contents, &length, NULL));
  assert_int_equal (length, g_bytes_get_size (png));
  assert_memory_equal (contents, g_bytes_get_data (png, NULL), length);
  g_clear_pointer (&contents, g_free);
  png2 = g_bytes_new_static ("epoch,loss\n1,0.5\n", 17);
  assert_true (convolve_export_write (file, png2, &error));
  assert_true (g_file_get_contents (path, &contents, &length, NULL));
  assert_int_equal (length, 17);
  assert_memory_equal (contents, "epoch,loss\n1,0.5\n", 17);
  /* A folder that does not exist: FALSE with a message. */
  nowhere = g_file_new_build_filename (dir, "missing", "drawing.png", NULL);
  assert_false (convolve_export_write (nowhere, png, &error));
  assert_non_null (error);
  assert_true (error->message[0] != '\0');
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_parsing_errors (GtkCssProvider *provider,
                      GtkCssSection  *section,
                      GError         *error,
                      int            *count)
{
  fprintf (stderr, "CSS: %s\n", error->message);
  (*count)++;
}

/* The presentation style sheets load without a CSS error, and make the
 * window's text larger than the normal style does. */
static void
test_presentation_css (void **state)
{
  static const char *const sheets[] = {
    "/io/github/convolve/Convolve/ui/presentation.css",
    "/io/github/convolve/Convolve/ui/presentation-light.css",
    "/io/github/convolve/Convolve/ui/presentation-dark.css",
  };
  GtkWidget *label = gtk_label_new ("7");
  g_autoptr(GtkCssProvider) presentation = NULL;
  GtkWidget *window;
  int normal, larger;

  for (guint i = 0; i < G_N_ELEMENTS (sheets); i++)
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
      int errors = 0;

      g_signal_connect (provider, "parsing-error", G_CALLBACK (count_parsing_errors), &errors);
      gtk_css_provider_load_from_resource (provider, sheets[i]);
      assert_int_equal (errors, 0);
    }

  set_dark (FALSE);
  window = show_in_window (label, 200, 200);
  normal = pango_font_description_get_size (pango_context_get_font_description (gtk_widget_get_pango_context (label)));
  gtk_window_destroy (GTK_WINDOW (window));

  presentation = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (presentation, sheets[0]);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (presentation),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 10);
  label = gtk_label_new ("7");
  window = show_in_window (label, 200, 200);
  larger = pango_font_description_get_size (pango_context_get_font_description (gtk_widget_get_pango_context (label)));
  gtk_window_destroy (GTK_WINDOW (window));
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (presentation));
  /* Window text: 11 pt or so normally, 15 pt when presenting. */
  assert_true (larger > normal * 1.3);
}

/* ---------------------------------------------------------- the frame log */

/* With CONVOLVE_FRAME_LOG set, every frame the window paints adds a line with
 * its frame time, rising; without it nothing is written. */
static void
test_frame_log (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-frames-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "frames.log", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GtkWidget *canvas = convolve_canvas_new ();
  GtkWidget *window;
  gint64 last = 0;
  int frames = 0;

  assert_non_null (dir);
  /* Unset: attaching does nothing and writes no file. */
  g_unsetenv ("CONVOLVE_FRAME_LOG");
  window = gtk_window_new ();
  convolve_frame_log_attach (window);
  gtk_window_destroy (GTK_WINDOW (window));
  assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_setenv ("CONVOLVE_FRAME_LOG", path, TRUE);
  window = gtk_window_new ();
  convolve_frame_log_attach (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 200);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  for (int i = 0; i < 4; i++)
    {
      convolve_canvas_stroke_begin (CONVOLVE_CANVAS (canvas), 20 + 10 * i, 20, 0.5);
      convolve_canvas_stroke_extend (CONVOLVE_CANVAS (canvas), 150, 40 + 20 * i, 0.5);
      convolve_canvas_stroke_end (CONVOLVE_CANVAS (canvas));
      gtk_test_widget_wait_for_draw (window);
    }
  g_unsetenv ("CONVOLVE_FRAME_LOG");
  gtk_window_destroy (GTK_WINDOW (window));

  assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      gint64 t;
      char *end;

      if (lines[i][0] == '\0')
        continue;
      t = g_ascii_strtoll (lines[i], &end, 10);
      assert_true (*end == '\0' && t > 0);
      assert_true (t >= last);
      last = t;
      frames++;
    }
  print_message ("frame log: %d frames\n", frames);
  assert_true (frames >= 4);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_frame_log),
    cmocka_unit_test (test_canvas_draws_ink),
    cmocka_unit_test (test_canvas_dark),
    cmocka_unit_test (test_canvas_resize_keeps_drawing),
    cmocka_unit_test (test_canvas_changed_once_per_frame),
    cmocka_unit_test (test_canvas_eraser_and_brush),
    cmocka_unit_test (test_input_view_crisp_cells),
    cmocka_unit_test (test_input_view_dark),
    cmocka_unit_test (test_confidence_bars),
    cmocka_unit_test (test_confidence_dark),
    cmocka_unit_test (test_canvas_many_strokes),
    cmocka_unit_test (test_export_png),
    cmocka_unit_test (test_presentation_css),
  };
  g_autoptr(GtkCssProvider) css = NULL;
  g_autoptr(GError) error = NULL;

  if (!gtk_init_check ())
    {
      fprintf (stderr, "no display: skipping the widget tests\n");
      return 77;
    }
  adw_init ();
  /* The app's own style sheet, as AdwApplication would load it. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/convolve/Convolve/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  if (g_getenv ("CONVOLVE_TEST_OUTPUT") != NULL)
    {
      out_dir = g_strdup (g_getenv ("CONVOLVE_TEST_OUTPUT"));
      g_mkdir_with_parents (out_dir, 0755);
    }
  else
    out_dir = g_dir_make_tmp ("convolve-widgets-XXXXXX", &error);
  if (out_dir == NULL)
    {
      fprintf (stderr, "no output directory: %s\n", error->message);
      return 1;
    }
  printf ("# PNGs in %s\n", out_dir);

  return cmocka_run_group_tests_name ("gui/widgets", tests, NULL, NULL);
}
