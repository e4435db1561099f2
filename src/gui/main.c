/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "convolve-application.h"
#include "convolve-build.h"

/*
 * Run from the build directory (./build/src/gui/convolve), the app finds its
 * translations and its compiled GSettings schema there, so the first command
 * of the README works without installing. CONVOLVE_LOCALEDIR overrides the
 * translations' directory in any case.
 */
static gboolean
running_uninstalled (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL && g_str_has_prefix (exe, CONVOLVE_BUILD_ROOT "/");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConvolveApplication) app = NULL;
  const char *localedir = LOCALEDIR;
  gboolean uninstalled = running_uninstalled ();

  if (uninstalled)
    {
      localedir = CONVOLVE_BUILD_ROOT "/po";
      /* Keep a schema dir the caller chose (the tests do). */
      g_setenv ("GSETTINGS_SCHEMA_DIR", CONVOLVE_BUILD_ROOT "/data", FALSE);
    }
  if (g_getenv ("CONVOLVE_LOCALEDIR") != NULL)
    localedir = g_getenv ("CONVOLVE_LOCALEDIR");

  /* gettext ignores LANGUAGE in the "C" locale; "C.UTF-8" is the same
   * locale in UTF-8 and lets LANGUAGE=de work on a bare system. GTK must
   * not reset it afterwards. */
  {
    const char *locale = setlocale (LC_ALL, "");

    if (locale == NULL || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX"))
      setlocale (LC_ALL, "C.UTF-8");
    gtk_disable_setlocale ();
  }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Convolve"));

  app = convolve_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
