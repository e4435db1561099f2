/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * conv-demo: the Convolution page (or the mini viewer) in a window of its
 * own, for looking at it and for screenshots.
 *
 *   conv-demo                         interactive window, 1280×800
 *   conv-demo --png OUT --size 800x600 [--position N] [--mini] [--dark]
 *             [--same] [--stride 2] [--numbers]
 *   conv-demo --network --model digits   the network view
 *   conv-demo --trace                 prints "position N" / "playing B" lines
 *     renders the window into OUT.png after the first frames and exits.
 */
#include "config.h"

#include <math.h>
#include <adwaita.h>

#include "convolve-conv-page.h"
#include "convolve-conv-mini.h"
#include "convolve-network-view.h"
#include "convolve-conv-view.h"

static char *png_path;
static char *size_text = (char *) "1280x800";
static int position = 10;
static gboolean mini, dark, same, numbers, trace, network;
static char *model_name;
static int stride = 1;

static const GOptionEntry entries[] = {
  { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_path, "Render to this PNG and exit", "FILE" },
  { "size", 0, 0, G_OPTION_ARG_STRING, &size_text, "Window size", "WxH" },
  { "position", 0, 0, G_OPTION_ARG_INT, &position, "Lesson position", "N" },
  { "mini", 0, 0, G_OPTION_ARG_NONE, &mini, "Show the mini viewer", NULL },
  { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Dark style", NULL },
  { "same", 0, 0, G_OPTION_ARG_NONE, &same, "Same padding", NULL },
  { "stride", 0, 0, G_OPTION_ARG_INT, &stride, "Stride", "S" },
  { "numbers", 0, 0, G_OPTION_ARG_NONE, &numbers, "Numbers on every input cell", NULL },
  { "network", 0, 0, G_OPTION_ARG_NONE, &network, "Show the network view", NULL },
  { "model", 0, 0, G_OPTION_ARG_STRING, &model_name, "Built-in model (digits, shapes)", "NAME" },
  { "trace", 0, 0, G_OPTION_ARG_NONE, &trace, "Print each new position and play state", NULL },
  { NULL }
};

/* A drawn "7": dark ink on white paper, 64×64. */
static void
draw_seven (float *gray, int n)
{
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      {
        double fx = (double) x / n, fy = (double) y / n;
        gboolean ink = (fy > 0.15 && fy < 0.25 && fx > 0.25 && fx < 0.75) ||
                       (fabs ((0.75 - fx) - (fy - 0.2) * 0.45) < 0.05 && fy > 0.2 && fy < 0.85);

        gray[y * n + x] = ink ? 0.0f : 1.0f;
      }
}

static void
trace_cb (GObject *page, GParamSpec *pspec, gpointer data)
{
  int pos;
  gboolean playing;

  g_object_get (page, "position", &pos, "playing", &playing, NULL);
  g_print ("%s %d\n", g_str_equal (pspec->name, "playing") ? "playing" : "position",
           g_str_equal (pspec->name, "playing") ? playing : pos);
  fflush (stdout);
}

static void
edited_cb (GtkWidget *view, gpointer data)
{
  const ConvolveConvLesson *lesson = convolve_conv_view_get_lesson (CONVOLVE_CONV_VIEW (view));
  const float *x = convolve_conv_lesson_get_input (lesson);
  const float *k = convolve_conv_lesson_get_kernel (lesson);
  float sum = 0.0f;

  for (int i = 0; i < 64; i++)
    sum += x[i];
  g_print ("edited input-sum %.2f kernel-centre %.2f\n", sum, k[4]);
  fflush (stdout);
}

/* Where the driver should click: window coordinates of a few cells. */
static gboolean
print_geometry_cb (gpointer data)
{
  GtkWidget *view = data;
  ConvolveConvLesson *lesson = convolve_conv_view_get_lesson (CONVOLVE_CONV_VIEW (view));
  ConvolveConvLayout l;
  double x, y;

  /* Not laid out yet (a slow start, under a sanitizer): ask again. */
  if (gtk_widget_get_width (view) < 300 || !gtk_widget_get_mapped (view))
    return G_SOURCE_CONTINUE;
  convolve_conv_layout_compute (lesson, gtk_widget_get_width (view), gtk_widget_get_height (view),
                                FALSE, &l);
  gtk_widget_translate_coordinates (view, GTK_WIDGET (gtk_widget_get_root (view)),
                                    l.out_x + 3.5 * l.out_cell, l.out_y + 2.5 * l.out_cell, &x, &y);
  g_print ("geometry output-2-3 %d %d\n", (int) x, (int) y);
  gtk_widget_translate_coordinates (view, GTK_WIDGET (gtk_widget_get_root (view)),
                                    l.k_x + 1.5 * l.k_cell, l.k_y + 1.5 * l.k_cell, &x, &y);
  g_print ("geometry kernel-4 %d %d\n", (int) x, (int) y);
  gtk_widget_translate_coordinates (view, GTK_WIDGET (gtk_widget_get_root (view)),
                                    l.in_x + (l.pad_before + 0.5) * l.in_cell,
                                    l.in_y + (l.pad_before + 0.5) * l.in_cell, &x, &y);
  g_print ("geometry input-0-0 %d %d %d\n", (int) x, (int) y, (int) l.in_cell);
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static gboolean
render_cb (gpointer data)
{
  GtkWidget *window = data;
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);
  GdkPaintable *paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *texture;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, png_path);
  g_print ("%s: %d×%d\n", png_path, w, h);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *child;
  g_autoptr(ConvolveModel) model = NULL;
  float gray[64 * 64];
  int w = 1280, h = 800;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  sscanf (size_text, "%dx%d", &w, &h);

  if (!gtk_init_check ())
    return 77;
  adw_init ();
  if (dark)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  draw_seven (gray, 64);
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Convolution demo");
  gtk_window_set_default_size (GTK_WINDOW (window), w, h);

  if (model_name != NULL)
    {
      model = convolve_model_new_builtin (model_name, &error);
      if (model == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  if (network)
    {
      child = convolve_network_view_new ();
      convolve_network_view_set_model (CONVOLVE_NETWORK_VIEW (child), model);
      convolve_network_view_set_input_from_gray (CONVOLVE_NETWORK_VIEW (child), gray, 64, 64);
    }
  else if (mini)
    {
      child = convolve_conv_mini_new ();
      convolve_conv_mini_set_input_from_gray (CONVOLVE_CONV_MINI (child), gray, 64, 64);
      gtk_widget_set_margin_start (child, 12);
      gtk_widget_set_margin_end (child, 12);
      gtk_widget_set_margin_top (child, 12);
      gtk_widget_set_margin_bottom (child, 12);
    }
  else
    {
      ConvolveConvLesson *lesson;

      child = convolve_conv_page_new ();
      if (model != NULL)
        convolve_conv_page_set_model (CONVOLVE_CONV_PAGE (child), model);
      convolve_conv_page_set_input_from_gray (CONVOLVE_CONV_PAGE (child), gray, 64, 64);
      lesson = (ConvolveConvLesson *) convolve_conv_page_get_lesson (CONVOLVE_CONV_PAGE (child));
      convolve_conv_lesson_set_stride (lesson, stride);
      convolve_conv_lesson_set_same (lesson, same);
      convolve_conv_lesson_set_position (lesson, position);
      /* Go through an action, so that the controls follow. */
      gtk_widget_activate_action (child, "conv.next", NULL);
      gtk_widget_activate_action (child, "conv.prev", NULL);
      if (numbers)
        g_object_set (child, "show-numbers", TRUE, NULL);
      if (trace)
        {
          g_signal_connect (child, "notify::position", G_CALLBACK (trace_cb), NULL);
          g_signal_connect (child, "notify::playing", G_CALLBACK (trace_cb), NULL);
          g_signal_connect (convolve_conv_page_get_view (CONVOLVE_CONV_PAGE (child)), "changed",
                            G_CALLBACK (edited_cb), NULL);
          g_timeout_add (300, print_geometry_cb, convolve_conv_page_get_view (CONVOLVE_CONV_PAGE (child)));
        }
    }
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));

  if (png_path != NULL)
    g_timeout_add (mini ? 1200 : 400, render_cb, window);

  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
