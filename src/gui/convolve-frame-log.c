/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "convolve-frame-log.h"

#include <errno.h>
#include <stdio.h>

#define LOG_KEY "convolve-frame-log"

static void
log_close (gpointer data)
{
  fclose (data);
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  FILE *log = g_object_get_data (G_OBJECT (window), LOG_KEY);

  /* One short line a frame, flushed so a reader sees it at once and a
   * killed window loses nothing. */
  if (log != NULL)
    {
      fprintf (log, "%" G_GINT64_FORMAT "\n", gdk_frame_clock_get_frame_time (clock));
      fflush (log);
    }
}

static void
realize_cb (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (after_paint_cb), window, 0);
}

void
convolve_frame_log_attach (GtkWidget *window)
{
  const char *path = g_getenv ("CONVOLVE_FRAME_LOG");
  FILE *log;

  g_return_if_fail (GTK_IS_WIDGET (window));

  if (path == NULL || *path == '\0')
    return;
  log = fopen (path, "a");
  if (log == NULL)
    {
      int saved = errno;
      /* A benchmark's switch, not a user's: a warning on the terminal. */
      g_warning ("CONVOLVE_FRAME_LOG: cannot open %s: %s", path, g_strerror (saved));
      return;
    }
  g_object_set_data_full (G_OBJECT (window), LOG_KEY, log, log_close);
  if (gtk_widget_get_realized (window))
    realize_cb (window);
  else
    g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
}
