/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-application"

#include "config.h"

#include <glib/gi18n.h>

#include "convolve-application.h"
#include "convolve-window.h"

struct _ConvolveApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (ConvolveApplication, convolve_application, ADW_TYPE_APPLICATION)

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* Close windows properly, so they save their size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
  g_application_quit (app);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Convolve contributors", NULL };
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Convolve"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Convolve contributors"),
                        "developers", developers,
                        "comments", _("Draw a digit or a shape and watch how a convolutional "
                                      "neural network sees it, stroke by stroke."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your name(s), one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (about);
}

static const GActionEntry app_entries[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
};

static const struct {
  const char *action;
  const char *accels[5];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  /* Keys without a modifier (Delete, +, −, E, N) belong to the Draw page
   * alone: the window handles them after the focused widget, so that text
   * fields, spin buttons and the Convolution page get them first. */
  { "win.clear", { "<Control>l", NULL } },
  { "win.undo", { "<Control>z", NULL } },
  { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
  { "win.open-model", { "<Control>o", NULL } },
  { "win.save-model", { "<Control>s", NULL } },
  { "win.mode::digits", { "<Control>1", NULL } },
  { "win.mode::shapes", { "<Control>2", NULL } },
  { "win.mode::my-classes", { "<Control>3", NULL } },
  { "win.add-to-class", { "<Control>d", NULL } },
  { "win.page::draw", { "<Alt>1", NULL } },
  { "win.page::convolution", { "<Alt>2", NULL } },
  { "win.page::network", { "<Alt>3", NULL } },
  { "win.page::train", { "<Alt>4", NULL } },
  { "win.page::learn", { "<Alt>5", NULL } },
  { "win.next-page", { "<Control>Page_Down", NULL } },
  { "win.previous-page", { "<Control>Page_Up", NULL } },
  { "win.show-help-overlay", { "<Control>question", "<Control>F1", NULL } },
};

static void
convolve_application_startup (GApplication *application)
{
  G_APPLICATION_CLASS (convolve_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries,
                                   G_N_ELEMENTS (app_entries), application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accels[i].action, accels[i].accels);
}

static void
convolve_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (convolve_window_new (GTK_APPLICATION (application)));
  gtk_window_present (window);
}

static void
convolve_application_class_init (ConvolveApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = convolve_application_startup;
  app_class->activate = convolve_application_activate;
}

static void
convolve_application_init (ConvolveApplication *self)
{
}

ConvolveApplication *
convolve_application_new (void)
{
  return g_object_new (CONVOLVE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/convolve/Convolve",
                       NULL);
}
