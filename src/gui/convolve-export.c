/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-export"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "convolve-export.h"
#include "convolve-file.h"

/* Space around and between the exported views, in widget pixels. */
#define EXPORT_MARGIN 16.0f

static void
window_background (GtkWidget *widget,
                   GdkRGBA   *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget),
                                       "window_bg_color", color))
    *color = (GdkRGBA) { 1.0f, 1.0f, 1.0f, 1.0f };
  G_GNUC_END_IGNORE_DEPRECATIONS
  color->alpha = 1.0f;
}

GBytes *
convolve_export_widgets_to_png (GtkWidget *const *widgets,
                                guint              n_widgets,
                                double             scale,
                                GError           **error)
{
  g_autoptr(GskRenderer) renderer = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GtkWidget *first = NULL;
  float width = 0.0f, height = EXPORT_MARGIN;
  float y = EXPORT_MARGIN;
  GdkRGBA background;

  g_return_val_if_fail (scale > 0.0, NULL);

  for (guint i = 0; i < n_widgets; i++)
    {
      if (widgets[i] == NULL || !gtk_widget_get_mapped (widgets[i])
          || gtk_widget_get_width (widgets[i]) <= 0 || gtk_widget_get_height (widgets[i]) <= 0)
        continue;
      if (first == NULL)
        first = widgets[i];
      width = MAX (width, (float) gtk_widget_get_width (widgets[i]));
      height += (float) gtk_widget_get_height (widgets[i]) + EXPORT_MARGIN;
    }
  if (first == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("There is nothing on screen to save."));
      return NULL;
    }
  width += 2 * EXPORT_MARGIN;

  window_background (first, &background);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_scale (snapshot, (float) scale, (float) scale);
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < n_widgets; i++)
    {
      g_autoptr(GdkPaintable) paintable = NULL;
      float w, h;

      if (widgets[i] == NULL || !gtk_widget_get_mapped (widgets[i])
          || gtk_widget_get_width (widgets[i]) <= 0 || gtk_widget_get_height (widgets[i]) <= 0)
        continue;
      w = (float) gtk_widget_get_width (widgets[i]);
      h = (float) gtk_widget_get_height (widgets[i]);
      paintable = gtk_widget_paintable_new (widgets[i]);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (EXPORT_MARGIN, y));
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      gtk_snapshot_restore (snapshot);
      y += h + EXPORT_MARGIN;
    }
  node = gtk_snapshot_free_to_node (snapshot);

  /* The cairo renderer draws text and Cairo drawings as vectors at the
   * new scale, and needs no GL context or surface. */
  renderer = gsk_cairo_renderer_new ();
  if (!gsk_renderer_realize (renderer, NULL, error))
    return NULL;
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0,
                                                              ceilf (width * (float) scale),
                                                              ceilf (height * (float) scale)));
  gsk_renderer_unrealize (renderer);
  return gdk_texture_save_to_png_bytes (texture);
}

gboolean
convolve_export_write (GFile   *file,
                       GBytes  *bytes,
                       GError **error)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  /* Written beside the target and renamed over it. */
  return convolve_file_write_atomic (file, data, size, error);
}

typedef struct {
  GWeakRef              owner;
  ConvolveExportProduce produce;
  ConvolveExportReport  report;
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  g_weak_ref_clear (&request->owner);
  g_free (request);
}

static void
export_request_notify (gpointer  data,
                       GClosure *closure)
{
  export_request_free (data);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     ExportRequest   *request)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&request->owner);

  if (response == GTK_RESPONSE_ACCEPT && owner != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      if (file == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Choose a file on this computer."));
      else if ((bytes = request->produce (owner, &error)) != NULL)
        convolve_export_write (file, bytes, &error);

      if (error == NULL)
        {
          /* Translators: %s is a file name. */
          g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

          request->report (owner, text, FALSE);
        }
      else
        {
          /* The writer's messages name the file already; others may not. */
          g_autofree char *text = name != NULL && strstr (error->message, name) == NULL
            /* Translators: the first %s is a file name, the second the problem. */
            ? g_strdup_printf (_("Could not save “%s”: %s"), name, error->message)
            : g_strdup_printf (_("Could not save the file: %s"), error->message);

          request->report (owner, text, TRUE);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

void
convolve_export_choose (GtkWindow             *parent,
                        const char            *title,
                        const char            *suggested_name,
                        const char            *filter_name,
                        const char            *mime_type,
                        ConvolveExportProduce  produce,
                        ConvolveExportReport   report,
                        gpointer               user_data)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;
  ExportRequest *request;

  g_return_if_fail (G_IS_OBJECT (user_data));

  request = g_new0 (ExportRequest, 1);
  g_weak_ref_init (&request->owner, user_data);
  request->produce = produce;
  request->report = report;

  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_data (chooser, "response", G_CALLBACK (chooser_response_cb),
                         request, export_request_notify, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
