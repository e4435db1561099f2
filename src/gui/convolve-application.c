/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-application"

#include "config.h"

#include <glib/gi18n.h>

#include "convolve-application.h"
#include "convolve-window.h"

/* What `convolve --mode`, `--page` accept; the window's actions take the
 * same names. */
static const char *const mode_names[] = { "digits", "shapes", "my-classes", NULL };
static const char *const page_names[] = { "draw", "convolution", "network", "train", "learn", NULL };

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { "mode", 'm', 0, G_OPTION_ARG_STRING, NULL,
    N_("Start in this mode: digits, shapes or my-classes"), N_("MODE") },
  { "page", 'p', 0, G_OPTION_ARG_STRING, NULL,
    N_("Open this page: draw, convolution, network, train or learn"), N_("PAGE") },
  { "model", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Recognise with the model in this file (.cvm)"), N_("FILE") },
  { "presentation", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start in presentation mode, for a projector"), NULL },
  { NULL }
};

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
  { "win.presentation", { "F5", NULL } },
  { "win.export", { "<Control>e", NULL } },
  { "win.export-history", { "<Control><Shift>e", NULL } },
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

/* Runs in the process the user started, before it looks for a running
 * instance: --version, and the values that can be checked without one. */
static int
convolve_application_handle_local_options (GApplication *application,
                                           GVariantDict *options)
{
  const char *value = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("convolve %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "mode", "&s", &value)
      && !g_strv_contains (mode_names, value))
    {
      /* Translators: %s is what the user typed after --mode. */
      g_printerr (_("convolve: unknown mode “%s”: choose digits, shapes or my-classes\n"), value);
      return 2;
    }
  if (g_variant_dict_lookup (options, "page", "&s", &value)
      && !g_strv_contains (page_names, value))
    {
      /* Translators: %s is what the user typed after --page. */
      g_printerr (_("convolve: unknown page “%s”: choose draw, convolution, network, train or learn\n"),
                  value);
      return 2;
    }

  /* g_settings_new() aborts on a missing schema; say what to do instead. */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = source != NULL
      ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

    if (schema == NULL)
      {
        g_printerr (_("convolve: the settings schema %s is not installed. Run "
                      "./build/src/gui/convolve from the build directory, or "
                      "install Convolve with “meson install”.\n"), APP_ID);
        return 1;
      }
  }
  return -1;
}

/* In the running instance (the first one started, or this one): open the
 * window and apply --mode, --model, --page and --presentation to it. */
static int
convolve_application_command_line (GApplication            *application,
                                   GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  ConvolveWindow *window;
  const char *mode = NULL;
  const char *page = NULL;
  const char *model = NULL;
  int status = 0;

  g_application_activate (application);
  window = CONVOLVE_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));

  if (g_variant_dict_lookup (options, "mode", "&s", &mode))
    convolve_window_set_mode (window, mode);
  if (g_variant_dict_lookup (options, "model", "^&ay", &model))
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, model);
      g_autoptr(GError) error = NULL;

      /* The window says so too, and keeps the model it had. A second
       * `convolve --model` exits 1; the first instance goes on with the
       * window and must not end with 1 hours later. */
      if (!convolve_window_open_model (window, file, &error))
        {
          g_application_command_line_printerr (command_line, "convolve: %s\n", error->message);
          if (g_application_command_line_get_is_remote (command_line))
            status = 1;
        }
    }
  if (g_variant_dict_lookup (options, "page", "&s", &page))
    g_action_group_activate_action (G_ACTION_GROUP (window), "page", g_variant_new_string (page));
  if (g_variant_dict_contains (options, "presentation"))
    g_action_group_change_action_state (G_ACTION_GROUP (window), "presentation",
                                        g_variant_new_boolean (TRUE));
  return status;
}

static void
convolve_application_class_init (ConvolveApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = convolve_application_startup;
  app_class->activate = convolve_application_activate;
  app_class->handle_local_options = convolve_application_handle_local_options;
  app_class->command_line = convolve_application_command_line;
}

static void
convolve_application_init (ConvolveApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Draw a digit or a shape and watch how a "
                                              "convolutional neural network sees it."));
}

ConvolveApplication *
convolve_application_new (void)
{
  return g_object_new (CONVOLVE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/convolve/Convolve",
                       NULL);
}
