/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Renders the Train page, the Learn page or the class manager to a PNG,
 * for looking at them (light and dark, projector and laptop sizes):
 *
 *   train-demo PAGE WIDTH HEIGHT OUT.png [STATE]
 *
 * OUT.png "-" keeps the window up (for the AT-SPI test) until it closes.
 *
 * PAGE: train | learn | classes. STATE for train: idle, finished (a shapes
 * run), diverged, paused, scrolled; for learn: the lesson's number from 0. Run under Xvfb; ADW_DEBUG_COLOR_SCHEME=prefer-dark
 * for the dark style. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <adwaita.h>

#include "convolve-add-to-class.h"
#include "convolve-class-manager.h"
#include "convolve-class-store.h"
#include "convolve-learn-page.h"
#include "convolve-train-page.h"

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (int ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_for_state (ConvolveTrainer *trainer, ConvolveTrainerState state)
{
  for (int i = 0; i < 6000 && convolve_trainer_get_state (trainer) != state; i++)
    spin (10);
}

static void
wait_for_results (ConvolveTrainPage *page)
{
  for (int i = 0; i < 6000 && convolve_train_page_get_confusion (page, NULL) == NULL; i++)
    spin (10);
}

static void
save (GtkWidget *window, GtkWidget *widget, const char *out)
{
  GdkPaintable *paintable;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkTexture *texture;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  gtk_test_widget_wait_for_draw (window);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, out);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
}

/* A few drawn samples for the class manager. */
static ConvolveClassStore *
demo_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-demo-XXXXXX", NULL);
  ConvolveClassStore *store = convolve_class_store_new (dir);
  const char *names[] = { "smile", "star", "house" };
  float img[64 * 64];

  for (int c = 0; c < 3; c++)
    {
      convolve_class_store_add_class (store, names[c], NULL);
      for (int s = 0; s < 4; s++)
        {
          for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
              {
                double dx = x - 32 - s * 2, dy = y - 32;
                double d = c == 0 ? sqrt (dx * dx + dy * dy) - 18 - s
                         : c == 1 ? fabs (dx) + fabs (dy) - 20
                                  : MAX (fabs (dx), fabs (dy)) - 16 - s;
                img[y * 64 + x] = fabs (d) < 3 ? 1.0f : 0.0f;
              }
          convolve_class_store_add_sample (store, (guint) c, img, 64, 64, NULL);
        }
    }
  return store;
}

int
main (int argc, char **argv)
{
  GtkWidget *window, *page;
  const char *what, *out, *state;
  int width, height;

  if (argc < 5)
    {
      fprintf (stderr, "usage: %s train|learn|classes WIDTH HEIGHT OUT.png [STATE]\n", argv[0]);
      return 2;
    }
  if (!gtk_init_check ())
    return 77;
  adw_init ();
  what = argv[1];
  width = atoi (argv[2]);
  height = atoi (argv[3]);
  out = argv[4];
  state = argc > 5 ? argv[5] : "idle";

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);

  if (g_str_equal (what, "train"))
    page = convolve_train_page_new ();
  else if (g_str_equal (what, "learn"))
    page = convolve_learn_page_new ();
  else if (g_str_equal (what, "popover"))
    page = gtk_menu_button_new ();
  else
    page = convolve_class_manager_new (demo_store ());
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);

  if (g_str_equal (what, "train"))
    {
      ConvolveTrainer *trainer = convolve_train_page_get_trainer (CONVOLVE_TRAIN_PAGE (page));

      if (g_str_equal (state, "finished"))
        {
          gtk_widget_activate_action (page, "train.start", NULL);
          wait_for_state (trainer, CONVOLVE_TRAINER_STATE_FINISHED);
          wait_for_results (CONVOLVE_TRAIN_PAGE (page));
          convolve_train_page_show_cell (CONVOLVE_TRAIN_PAGE (page), 0, 0);
        }
      else if (g_str_equal (state, "digits"))
        {
          /* Two quick epochs: enough to fill a 10-class matrix. */
          convolve_train_page_apply_preset (CONVOLVE_TRAIN_PAGE (page), "digits");
          convolve_train_page_set_epochs (CONVOLVE_TRAIN_PAGE (page), 2);
          gtk_widget_activate_action (page, "train.start", NULL);
          wait_for_state (trainer, CONVOLVE_TRAINER_STATE_FINISHED);
          wait_for_results (CONVOLVE_TRAIN_PAGE (page));
          convolve_train_page_show_cell (CONVOLVE_TRAIN_PAGE (page), 4, 9);
          spin (100);
          for (GtkWidget *w = page; w != NULL; w = gtk_widget_get_first_child (w))
            if (GTK_IS_SCROLLED_WINDOW (w))
              {
                GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (w));
                gtk_test_widget_wait_for_draw (window);
                gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
                break;
              }
        }
      else if (g_str_equal (state, "diverged"))
        {
          convolve_train_page_apply_preset (CONVOLVE_TRAIN_PAGE (page), "too-fast");
          gtk_widget_activate_action (page, "train.start", NULL);
          wait_for_state (trainer, CONVOLVE_TRAINER_STATE_FAILED);
        }
      else if (g_str_equal (state, "paused"))
        {
          gtk_widget_activate_action (page, "train.start", NULL);
          spin (150);
          gtk_widget_activate_action (page, "train.pause", NULL);
        }
      else if (g_str_equal (state, "scrolled"))
        {
          gtk_widget_activate_action (page, "train.start", NULL);
          wait_for_state (trainer, CONVOLVE_TRAINER_STATE_FINISHED);
          wait_for_results (CONVOLVE_TRAIN_PAGE (page));
          convolve_train_page_show_cell (CONVOLVE_TRAIN_PAGE (page), 1, 1);
          spin (100);
          /* Scroll to the results. */
          for (GtkWidget *w = page; w != NULL; w = gtk_widget_get_first_child (w))
            if (GTK_IS_SCROLLED_WINDOW (w))
              {
                GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (w));
                gtk_test_widget_wait_for_draw (window);
                gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
                break;
              }
        }
    }
  else if (g_str_equal (what, "learn"))
    convolve_learn_page_show_lesson (CONVOLVE_LEARN_PAGE (page), (guint) atoi (state));
  if (g_str_equal (what, "popover"))
    {
      /* The popover is a surface of its own: render it alone. */
      GtkWidget *popover = convolve_add_to_class_popover_new (demo_store ());
      float img[64 * 64];

      for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++)
          img[y * 64 + x] = fabs (hypot (x - 32, y - 32) - 20) < 3 ? 1.0f : 0.0f;
      convolve_add_to_class_popover_set_drawing (CONVOLVE_ADD_TO_CLASS_POPOVER (popover), img, 64, 64);
      gtk_menu_button_set_popover (GTK_MENU_BUTTON (page), popover);
      gtk_widget_set_halign (page, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (page, GTK_ALIGN_START);
      gtk_menu_button_popup (GTK_MENU_BUTTON (page));
      spin (700);
      gtk_test_widget_wait_for_draw (popover);
      {
        GdkPaintable *paintable = gtk_widget_paintable_new (popover);
        GtkSnapshot *snapshot = gtk_snapshot_new ();
        int w = gtk_widget_get_width (popover), h = gtk_widget_get_height (popover);
        GskRenderNode *node;
        GdkTexture *texture;

        gdk_paintable_snapshot (paintable, snapshot, w, h);
        node = gtk_snapshot_free_to_node (snapshot);
        texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (popover)),
                                               node, &GRAPHENE_RECT_INIT (0, 0, w, h));
        gdk_texture_save_to_png (texture, out);
        g_object_unref (texture);
        gsk_render_node_unref (node);
        g_object_unref (paintable);
      }
      return 0;
    }
  if (g_str_equal (out, "-"))
    {
      /* Serve: stay up for an end-to-end driver until the window closes. */
      gboolean closed = FALSE;
      g_signal_connect_swapped (window, "destroy", G_CALLBACK (timeout_cb), &closed);
      while (!closed)
        g_main_context_iteration (NULL, TRUE);
      return 0;
    }
  spin (700);
  save (window, window, out);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
