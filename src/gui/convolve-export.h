/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Exporting what is on screen: widgets as PNG pictures (the drawing, the
 * network view, the charts) and text such as the training history as CSV.
 * Every file is written atomically (convolve_file_write_atomic): a crash or a
 * full disk mid-write leaves the old file as it was.
 */

/* Renders @widgets one below the other, as they are on screen, on the
 * window's background colour, at @scale times their size (2 makes a crisp
 * picture for slides). NULL with an error when none of them is shown. */
GBytes   *convolve_export_widgets_to_png (GtkWidget *const *widgets,
                                          guint              n_widgets,
                                          double             scale,
                                          GError           **error);

/* Writes @bytes to @file atomically. */
gboolean  convolve_export_write          (GFile             *file,
                                          GBytes            *bytes,
                                          GError           **error);

typedef GBytes *(*ConvolveExportProduce) (gpointer   user_data,
                                          GError   **error);

/* Asks where to save (a native file chooser titled @title, suggesting
 * @suggested_name, filtered to @mime_type), then calls @produce and
 * writes what it returns. Success and failure are reported through
 * @report with a sentence for the user; @user_data must outlive the
 * dialog (the window does). */
typedef void (*ConvolveExportReport) (gpointer    user_data,
                                      const char *message,
                                      gboolean    failed);

void      convolve_export_choose         (GtkWindow             *parent,
                                          const char            *title,
                                          const char            *suggested_name,
                                          const char            *filter_name,
                                          const char            *mime_type,
                                          ConvolveExportProduce  produce,
                                          ConvolveExportReport   report,
                                          gpointer               user_data);

G_END_DECLS
