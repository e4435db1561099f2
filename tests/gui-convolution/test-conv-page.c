/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Convolution page and the mini viewer as real widgets, under Xvfb:
 * the page's actions move the position as documented, play runs on the
 * frame clock and stops at the end, a model's learned kernels reach the
 * kernel menu, the mini viewer animates by itself and asks to be opened.
 * Exits 77 (skip) without a display.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "convolve-conv-page.h"
#include "convolve-conv-mini.h"
#include "convolve-conv-view.h"
#include "convolve-network-view.h"

static void
spin_until (gboolean (*done) (gpointer), gpointer data, int timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
show (GtkWidget *child, int w, int h)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), w, h);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  return window;
}

static int
position (GtkWidget *page)
{
  return convolve_conv_lesson_get_position (convolve_conv_page_get_lesson (CONVOLVE_CONV_PAGE (page)));
}

static void
test_actions_move_the_position (void **state)
{
  GtkWidget *page = convolve_conv_page_new ();
  GtkWidget *window = show (page, 1000, 700);
  const ConvolveConvLesson *lesson = convolve_conv_page_get_lesson (CONVOLVE_CONV_PAGE (page));
  int n = convolve_conv_lesson_get_n_positions (lesson);

  assert_int_equal (n, 36 + 36 + 9);   /* convolution, ReLU, max pool */
  assert_int_equal (position (page), 0);

  assert_true (gtk_widget_activate_action (page, "conv.next", NULL));
  assert_int_equal (position (page), 1);
  gtk_widget_activate_action (page, "conv.next", NULL);
  gtk_widget_activate_action (page, "conv.next", NULL);
  assert_int_equal (position (page), 3);
  gtk_widget_activate_action (page, "conv.prev", NULL);
  assert_int_equal (position (page), 2);
  gtk_widget_activate_action (page, "conv.last", NULL);
  assert_int_equal (position (page), n - 1);
  /* At the end, next does nothing (the action is disabled). */
  gtk_widget_activate_action (page, "conv.next", NULL);
  assert_int_equal (position (page), n - 1);
  gtk_widget_activate_action (page, "conv.first", NULL);
  assert_int_equal (position (page), 0);
  gtk_widget_activate_action (page, "conv.prev", NULL);
  assert_int_equal (position (page), 0);

  /* Numbers is a stateful action on the view. */
  gtk_widget_activate_action (page, "conv.numbers", NULL);
  assert_true (convolve_conv_view_get_show_numbers (
    CONVOLVE_CONV_VIEW (gtk_widget_get_next_sibling (gtk_widget_get_first_child (page)))));

  /* Speed: 1× → 2× → 0.5× … clamped at 8×. */
  assert_true (convolve_conv_page_get_speed (CONVOLVE_CONV_PAGE (page)) == 1.0);
  gtk_widget_activate_action (page, "conv.faster", NULL);
  assert_true (convolve_conv_page_get_speed (CONVOLVE_CONV_PAGE (page)) == 2.0);
  gtk_widget_activate_action (page, "conv.slower", NULL);
  gtk_widget_activate_action (page, "conv.slower", NULL);
  assert_true (convolve_conv_page_get_speed (CONVOLVE_CONV_PAGE (page)) == 0.5);
  for (int k = 0; k < 10; k++)
    gtk_widget_activate_action (page, "conv.faster", NULL);
  assert_true (convolve_conv_page_get_speed (CONVOLVE_CONV_PAGE (page)) == 8.0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
moved_twice (gpointer page)
{
  return position (page) >= 2;
}

static gboolean
stopped (gpointer page)
{
  return !convolve_conv_page_get_playing (page);
}

static void
test_play_runs_on_the_frame_clock (void **state)
{
  GtkWidget *page = convolve_conv_page_new ();
  GtkWidget *window = show (page, 1000, 700);
  const ConvolveConvLesson *lesson = convolve_conv_page_get_lesson (CONVOLVE_CONV_PAGE (page));
  int n = convolve_conv_lesson_get_n_positions (lesson);

  for (int k = 0; k < 4; k++)
    gtk_widget_activate_action (page, "conv.faster", NULL);   /* 8×: 0.1 s a step */

  gtk_widget_activate_action (page, "conv.play", NULL);
  assert_true (convolve_conv_page_get_playing (CONVOLVE_CONV_PAGE (page)));
  spin_until (moved_twice, page, 5000);
  assert_true (position (page) >= 2);

  /* Pause; a step by hand also pauses. */
  gtk_widget_activate_action (page, "conv.play", NULL);
  assert_false (convolve_conv_page_get_playing (CONVOLVE_CONV_PAGE (page)));
  gtk_widget_activate_action (page, "conv.play", NULL);
  gtk_widget_activate_action (page, "conv.next", NULL);
  assert_false (convolve_conv_page_get_playing (CONVOLVE_CONV_PAGE (page)));

  /* Playing stops by itself at the last position… */
  convolve_conv_lesson_set_position ((ConvolveConvLesson *) lesson, n - 3);
  gtk_widget_activate_action (page, "conv.play", NULL);
  spin_until (stopped, page, 5000);
  assert_false (convolve_conv_page_get_playing (CONVOLVE_CONV_PAGE (page)));
  assert_int_equal (position (page), n - 1);
  /* …and starts over from there. */
  gtk_widget_activate_action (page, "conv.play", NULL);
  assert_true (position (page) <= 1);
  gtk_widget_activate_action (page, "conv.play", NULL);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_inputs_kernels_and_model (void **state)
{
  GtkWidget *page = convolve_conv_page_new ();
  GtkWidget *window = show (page, 1000, 700);
  const ConvolveConvLesson *lesson = convolve_conv_page_get_lesson (CONVOLVE_CONV_PAGE (page));
  float k[9] = { 0, 0, 0, 0, 2, 0, 0, 0, 0 };
  float gray[32 * 32];
  g_autoptr(ConvolveModel) model = NULL;
  CvNet *net = NULL;
  CvError err;
  CvRng rng;

  convolve_conv_page_set_kernel (CONVOLVE_CONV_PAGE (page), k);
  assert_memory_equal (convolve_conv_lesson_get_kernel (lesson), k, sizeof k);

  for (int i = 0; i < 32 * 32; i++)
    gray[i] = (i % 32 >= 12 && i % 32 < 20 && i / 32 > 4 && i / 32 < 28) ? 0.0f : 1.0f;
  gtk_widget_activate_action (page, "conv.last", NULL);
  convolve_conv_page_set_input_from_gray (CONVOLVE_CONV_PAGE (page), gray, 32, 32);
  assert_int_equal (position (page), 0);
  assert_true (convolve_conv_lesson_get_input (lesson)[4 * 8 + 3] > 0.5f);

  assert_int_equal (cv_net_new ("16x16x1 conv4k3same relu maxpool2 flatten dense3 softmax",
                                &net, &err), CV_OK);
  cv_rng_seed (&rng, 3);
  cv_net_init (net, &rng);
  model = convolve_model_new (net, NULL);
  convolve_conv_page_set_model (CONVOLVE_CONV_PAGE (page), model);
  convolve_conv_page_set_model (CONVOLVE_CONV_PAGE (page), NULL);
  convolve_conv_page_set_model (CONVOLVE_CONV_PAGE (page), model);

  /* The network view's ::kernel-activated → the page shows that kernel. */
  assert_true (convolve_conv_page_show_learned_kernel (CONVOLVE_CONV_PAGE (page), 3));
  {
    CvNet *copy = convolve_model_dup_net (model);
    const CvLayerInfo *first = cv_net_layer (copy, 0);

    for (int i = 0; i < 9; i++)
      assert_true (convolve_conv_lesson_get_kernel (lesson)[i] ==
                   cv_net_params_const (copy)[first->param_offset + i * 4 + 3]);
    cv_net_free (copy);
  }
  assert_false (convolve_conv_page_show_learned_kernel (CONVOLVE_CONV_PAGE (page), 4));

  gtk_test_widget_wait_for_draw (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
mini_moved (gpointer mini)
{
  return convolve_conv_lesson_get_position (convolve_conv_mini_get_lesson (mini)) >= 2;
}

static void
opened_cb (ConvolveConvMini *mini, int *count)
{
  (*count)++;
}

static void
test_mini (void **state)
{
  GtkWidget *mini = convolve_conv_mini_new ();
  GtkWidget *window = show (mini, 360, 280);
  GtkWidget *page = convolve_conv_page_new ();
  float gray[32 * 32];
  int opened = 0;

  for (int i = 0; i < 32 * 32; i++)
    gray[i] = (i / 32 >= 12 && i / 32 < 20 && i % 32 > 4 && i % 32 < 28) ? 0.0f : 1.0f;
  convolve_conv_mini_set_input_from_gray (CONVOLVE_CONV_MINI (mini), gray, 32, 32);
  assert_int_equal (convolve_conv_lesson_get_position (convolve_conv_mini_get_lesson (CONVOLVE_CONV_MINI (mini))), 0);

  /* It plays by itself. */
  spin_until (mini_moved, mini, 5000);
  assert_true (mini_moved (mini));

  /* A new drawing starts it over. */
  convolve_conv_mini_set_input_from_gray (CONVOLVE_CONV_MINI (mini), gray, 32, 32);
  assert_int_equal (convolve_conv_lesson_get_position (convolve_conv_mini_get_lesson (CONVOLVE_CONV_MINI (mini))), 0);

  g_signal_connect (mini, "open", G_CALLBACK (opened_cb), &opened);
  gtk_widget_activate_action (mini, "mini.open", NULL);
  assert_int_equal (opened, 1);

  /* What the window does on ::open. */
  g_object_ref_sink (page);
  convolve_conv_page_load_from_mini (CONVOLVE_CONV_PAGE (page), CONVOLVE_CONV_MINI (mini));
  assert_memory_equal (convolve_conv_lesson_get_input (convolve_conv_page_get_lesson (CONVOLVE_CONV_PAGE (page))),
                       convolve_conv_lesson_get_input (convolve_conv_mini_get_lesson (CONVOLVE_CONV_MINI (mini))),
                       64 * sizeof (float));
  assert_memory_equal (convolve_conv_lesson_get_kernel (convolve_conv_page_get_lesson (CONVOLVE_CONV_PAGE (page))),
                       convolve_conv_lesson_get_kernel (convolve_conv_mini_get_lesson (CONVOLVE_CONV_MINI (mini))),
                       9 * sizeof (float));
  g_object_unref (page);

  gtk_window_destroy (GTK_WINDOW (window));
}

static int activated_map = -1;

static void
kernel_activated_cb (ConvolveNetworkView *view, int index, gpointer data)
{
  activated_map = index;
}

static void
test_network_view (void **state)
{
  GtkWidget *view = convolve_network_view_new ();
  GtkWidget *window = show (view, 900, 560);
  g_autoptr(ConvolveModel) model = NULL;
  CvNet *net = NULL;
  CvError err;
  CvRng rng;
  float gray[32 * 32];

  assert_int_equal (cv_net_new ("16x16x1 conv4k3same relu maxpool2 flatten dense3 softmax",
                                &net, &err), CV_OK);
  cv_rng_seed (&rng, 5);
  cv_net_init (net, &rng);
  model = convolve_model_new (net, NULL);
  for (int i = 0; i < 32 * 32; i++)
    gray[i] = (i % 32 >= 12 && i % 32 < 20 && i / 32 > 4 && i / 32 < 28) ? 0.0f : 1.0f;

  convolve_network_view_set_model (CONVOLVE_NETWORK_VIEW (view), model);
  convolve_network_view_set_input_from_gray (CONVOLVE_NETWORK_VIEW (view), gray, 32, 32);
  gtk_test_widget_wait_for_draw (window);
  /* The signal and its argument (the hit test itself is in test-network-draw). */
  g_signal_connect (view, "kernel-activated", G_CALLBACK (kernel_activated_cb), NULL);
  g_signal_emit_by_name (view, "kernel-activated", 1);
  assert_int_equal (activated_map, 1);
  convolve_network_view_set_model (CONVOLVE_NETWORK_VIEW (view), NULL);
  gtk_test_widget_wait_for_draw (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_export_png (void **state)
{
  GtkWidget *page = convolve_conv_page_new ();
  GtkWidget *window = show (page, 1000, 700);
  GtkWidget *view = gtk_widget_get_next_sibling (gtk_widget_get_first_child (page));
  g_autofree char *dir = g_dir_make_tmp ("conv-page-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "view.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;

  assert_true (CONVOLVE_IS_CONV_VIEW (view));
  gtk_widget_activate_action (page, "conv.next", NULL);
  gtk_test_widget_wait_for_draw (window);
  assert_true (convolve_conv_view_save_png (CONVOLVE_CONV_VIEW (view), path, &error));
  assert_null (error);
  surface = cairo_image_surface_create_from_png (path);
  assert_int_equal (cairo_surface_status (surface), CAIRO_STATUS_SUCCESS);
  assert_int_equal (cairo_image_surface_get_width (surface), 2 * gtk_widget_get_width (view));
  cairo_surface_destroy (surface);
  g_unlink (path);
  g_rmdir (dir);

  assert_false (convolve_conv_view_save_png (CONVOLVE_CONV_VIEW (view), "/nonexistent/dir/x.png", &error));
  assert_non_null (error);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_actions_move_the_position),
    cmocka_unit_test (test_play_runs_on_the_frame_clock),
    cmocka_unit_test (test_inputs_kernels_and_model),
    cmocka_unit_test (test_mini),
    cmocka_unit_test (test_network_view),
    cmocka_unit_test (test_export_png),
  };

  if (!gtk_init_check ())
    return 77;
  adw_init ();

  return cmocka_run_group_tests_name ("convolution/page", tests, NULL, NULL);
}
