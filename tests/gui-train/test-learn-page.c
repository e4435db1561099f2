/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Learn page and the "Add to class…" popover in a real window under
 * Xvfb. Exits 77 (skip) when there is no display. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "convolve-add-to-class.h"
#include "convolve-class-manager.h"
#include "convolve-learn-page.h"

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

static void
find_all (GtkWidget *root, Match match, gconstpointer data, GPtrArray *out)
{
  if (match (root, data))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    find_all (child, match, data, out);
}

static gboolean
is_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_BUTTON (widget) && gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) == NULL &&
         gtk_widget_has_css_class (widget, "pill");
}

static gboolean
is_label_containing (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static char *last_page, *last_preset;

static void
try_it_cb (ConvolveLearnPage *page, const char *target, const char *preset, gpointer data)
{
  g_free (last_page);
  g_free (last_preset);
  last_page = g_strdup (target);
  last_preset = g_strdup (preset);
}

static GtkWidget *
show (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  return window;
}

/* Every lesson's "Try it" emits its page and preset; Page Down moves on. */
static void
test_lessons_try_it (void **state)
{
  GtkWidget *page = convolve_learn_page_new ();
  GtkWidget *window = show (page);
  ConvolveLearnPage *learn = CONVOLVE_LEARN_PAGE (page);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  guint n = convolve_learn_page_get_n_lessons (learn);

  g_signal_connect (page, "try-it", G_CALLBACK (try_it_cb), NULL);
  assert_int_equal (n, 10);
  find_all (page, is_button, NULL, buttons);
  assert_int_equal (buttons->len, n);
  for (guint i = 0; i < n; i++)
    {
      const char *target, *preset;
      convolve_learn_page_get_try_it (learn, i, &target, &preset);
      g_signal_emit_by_name (g_ptr_array_index (buttons, i), "clicked");
      assert_string_equal (last_page, target);
      assert_string_equal (last_preset, preset);
      assert_true (g_str_equal (target, "convolution") || g_str_equal (target, "draw") ||
                   g_str_equal (target, "train"));
    }

  assert_int_equal (convolve_learn_page_get_lesson (learn), 0);
  gtk_widget_activate_action (page, "learn.next", NULL);
  assert_int_equal (convolve_learn_page_get_lesson (learn), 1);
  gtk_widget_activate_action (page, "learn.previous", NULL);
  gtk_widget_activate_action (page, "learn.previous", NULL);
  assert_int_equal (convolve_learn_page_get_lesson (learn), 0);
  convolve_learn_page_show_lesson (learn, n - 1);
  gtk_widget_activate_action (page, "learn.next", NULL);
  assert_int_equal (convolve_learn_page_get_lesson (learn), n - 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The page shows the curriculum's numbers and the code the lessons test
 * compiles, word for word. */
static void
test_lessons_content (void **state)
{
  GtkWidget *page = convolve_learn_page_new ();
  GtkWidget *window = show (page);
  const char *numbers[] = { "150,528", "2,056", "80 parameters", "9,571", "15.3%", "3.57%",
                            "16 to 19", "152 layers", "∂<i>L</i>/∂<i>K</i>", NULL };
  const char *files[] = { "step1-draw.c", "step2-dataset.c", "step3-network.c", "step4-train.c" };

  for (guint i = 0; numbers[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      const char *plain = numbers[i];
      /* Markup is compared through the label's text. */
      if (g_str_has_prefix (plain, "∂<i>"))
        plain = "∂L/∂K[m, n]";
      find_all (page, is_label_containing, plain, found);
      assert_true (found->len > 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("CONVOLVE_SOURCE_DIR"), "src", "gui", "train",
                                                "lessons", files[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      const char *body;

      assert_true (g_file_get_contents (path, &text, NULL, NULL));
      body = strchr (text, '\n') + 1;   /* the page leaves out the licence line */
      g_strchomp (text);
      find_all (page, is_label_containing, body, found);
      assert_int_equal (found->len, 1);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static int added_class = -1;
static GPtrArray *messages;

static void
sample_added_cb (GtkWidget *popover, guint klass, gpointer data)
{
  added_class = (int) klass;
}

static void
message_cb (GtkWidget *popover, const char *text, gpointer data)
{
  g_ptr_array_add (messages, g_strdup (text));
}

static void
test_add_to_class (void **state)
{
  g_autofree char *dir = g_dir_make_tmp ("convolve-popover-XXXXXX", NULL);
  g_autofree char *index = g_build_filename (dir, "index.ini", NULL);
  g_autoptr(ConvolveClassStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *button, *popover, *window, *manager_window;
  float drawing[32 * 32] = { 0 };

  messages = g_ptr_array_new_with_free_func (g_free);
  /* A damaged index: its message reaches the window when the popover shows. */
  assert_true (g_file_set_contents (index, "\x01\x02garbage[", -1, NULL));
  store = convolve_class_store_new (dir);

  button = gtk_menu_button_new ();
  window = show (button);
  popover = convolve_add_to_class_popover_new (store);
  g_signal_connect (popover, "sample-added", G_CALLBACK (sample_added_cb), NULL);
  g_signal_connect (popover, "message", G_CALLBACK (message_cb), NULL);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  gtk_test_widget_wait_for_draw (window);
  assert_int_equal (messages->len, 1);

  /* Nothing drawn yet. */
  assert_false (convolve_add_to_class_popover_add_to (CONVOLVE_ADD_TO_CLASS_POPOVER (popover), 0, &error));
  g_clear_error (&error);

  for (int y = 8; y < 24; y++)
    drawing[y * 32 + 16] = 1.0f;
  convolve_add_to_class_popover_set_drawing (CONVOLVE_ADD_TO_CLASS_POPOVER (popover), drawing, 32, 32);
  assert_int_equal (convolve_class_store_add_class (store, "line", NULL), 0);
  assert_true (convolve_add_to_class_popover_add_to (CONVOLVE_ADD_TO_CLASS_POPOVER (popover), 0, &error));
  assert_int_equal (added_class, 0);
  assert_int_equal (convolve_class_store_get_n_samples (store, 0), 1);
  assert_string_equal (g_ptr_array_index (messages, messages->len - 1), "Added to “line”.");

  /* The manager lists the class with its drawing. */
  manager_window = convolve_class_manager_window_new (store, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (manager_window));
  gtk_test_widget_wait_for_draw (manager_window);
  {
    g_autoptr(GPtrArray) found = g_ptr_array_new ();
    find_all (manager_window, is_label_containing, "1 drawing", found);
    assert_int_equal (found->len, 1);
  }
  gtk_window_destroy (GTK_WINDOW (manager_window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_ptr_array_unref (messages);

  /* Tidy the folder. */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_lessons_try_it),
    cmocka_unit_test (test_lessons_content),
    cmocka_unit_test (test_add_to_class),
  };

  if (!gtk_init_check ())
    {
      fprintf (stderr, "no display: skipping the Learn page tests\n");
      return 77;
    }
  adw_init ();
  return cmocka_run_group_tests_name ("train/learn", tests, NULL, NULL);
}
