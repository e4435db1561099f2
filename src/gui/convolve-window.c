/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-window"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "convolve-model.h"
#include "convolve-preprocess.h"
#include "convolve-window.h"

/* The drawing is rasterised at this size for the model: a multiple of both
 * input sizes (28 and 16), large enough for preprocessing to crop and
 * centre with sub-pixel accuracy, small enough to take well under a frame. */
#define RASTER_SIZE 112

/* The shipped shapes model's class names, for xgettext. */
static const char *const shipped_class_names[] G_GNUC_UNUSED = {
  NC_("class name", "circle"),
  NC_("class name", "square"),
  NC_("class name", "triangle"),
};

struct _ConvolveWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  ConvolveCanvas       *canvas;
  ConvolveInputView    *input_view;
  ConvolveConfidence   *confidence;
  GtkLabel             *input_caption;
  GtkLabel             *brush_label;
  GtkWidget            *draw_page;
  GtkWidget            *columns_box;

  /* owned */
  GSettings            *settings;
  ConvolveModel        *model;
  GFile                *model_file;    /* NULL: the mode's built-in model */
  GtkFileChooserNative *chooser;
  AdwToast             *last_toast;    /* weak */
  float                *gray;          /* (RASTER_SIZE, RASTER_SIZE) */
  float                *probs;         /* (n_classes) */
  float                *plain;         /* (input_size, input_size) */
  float                *input;         /* (input_size, input_size) */
  int                   n_classes;
  int                   input_size;
  gboolean              compact;
  guint                 compact_idle_id;
};

G_DEFINE_FINAL_TYPE (ConvolveWindow, convolve_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (ConvolveWindow *self,
       const char     *text,
       guint           timeout)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *t = adw_toast_new (markup);

  adw_toast_set_timeout (t, timeout);
  /* The newest message replaces the one on screen instead of queueing
   * behind it: "Opened" must not wait for an older error to time out. */
  if (self->last_toast != NULL)
    adw_toast_dismiss (self->last_toast);
  g_set_weak_pointer (&self->last_toast, t);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

/* "Could not open “x.cvm”: …" — unless the error names the file
 * already, which the data layer's errors usually do. */
static char *
describe_file_error (gboolean      saving,
                     GFile        *file,
                     const GError *error)
{
  g_autofree char *name = g_file_get_basename (file);

  if (name != NULL && strstr (error->message, name) != NULL)
    return saving ? g_strdup_printf (_("Could not save the model: %s"), error->message)
                  : g_strdup_printf (_("Could not open the model: %s"), error->message);
  /* Translators: the first %s is a file name, the second the problem. */
  return saving ? g_strdup_printf (_("Could not save “%s”: %s"), name, error->message)
                : g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
}

static void
update_prompt (ConvolveWindow *self)
{
  g_autofree char *mode = g_settings_get_string (self->settings, "mode");
  const char *prompt;

  if (self->model == NULL)
    prompt = _("No model is loaded: open one from the main menu");
  else if (self->model_file != NULL)
    prompt = _("Draw something for the network to guess");
  else if (g_strcmp0 (mode, "shapes") == 0)
    prompt = _("Draw a circle, a square or a triangle");
  else
    prompt = _("Draw a digit");

  convolve_confidence_set_prompt (self->confidence, prompt);
}

static void
update_caption (ConvolveWindow *self)
{
  if (convolve_input_view_get_show_normalized (self->input_view))
    gtk_label_set_text (self->input_caption,
                        _("Cropped, scaled and centred like the pictures the network learned from."));
  else
    gtk_label_set_text (self->input_caption,
                        _("Without centring, an off-centre or tiny drawing would look unlike anything the network learned."));
}

static void
update_brush_label (ConvolveWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%d", convolve_canvas_get_brush_size (self->canvas));

  gtk_label_set_text (self->brush_label, text);
}

static void
update_undo_actions (ConvolveWindow *self)
{
  ConvolveStrokes *strokes = convolve_canvas_get_strokes (self->canvas);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "undo")),
                               convolve_strokes_can_undo (strokes));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "redo")),
                               convolve_strokes_can_redo (strokes));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "clear")),
                               !convolve_strokes_is_empty (strokes));
}

/* Takes ownership of model; file NULL means the built-in model of the mode. */
static void
set_model (ConvolveWindow *self,
           ConvolveModel  *model,
           GFile          *file)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_clear_object (&self->model);
  self->model = model;
  g_set_object (&self->model_file, file);

  self->n_classes = model != NULL ? convolve_model_get_n_classes (model) : 0;
  self->input_size = model != NULL ? convolve_model_get_input_size (model) : 28;
  /* Class names come from the model file; the shipped ones are
   * translated for display (the digits need no translation). */
  for (int i = 0; i < self->n_classes; i++)
    g_ptr_array_add (names, (gpointer) g_dpgettext2 (GETTEXT_PACKAGE, "class name",
                                                     convolve_model_get_class_name (model, i)));

  g_clear_pointer (&self->probs, g_free);
  g_clear_pointer (&self->plain, g_free);
  g_clear_pointer (&self->input, g_free);
  self->probs = g_new0 (float, MAX (self->n_classes, 1));
  self->plain = g_new0 (float, self->input_size * self->input_size);
  self->input = g_new0 (float, self->input_size * self->input_size);

  convolve_confidence_set_classes (self->confidence,
                                   (const char * const *) names->pdata, self->n_classes);
  update_prompt (self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "save-model")),
                               model != NULL);
  convolve_window_predict (self);
}

static gboolean
load_builtin (ConvolveWindow *self)
{
  g_autofree char *mode = g_settings_get_string (self->settings, "mode");
  g_autoptr(GError) error = NULL;
  ConvolveModel *model = convolve_model_new_builtin (mode, &error);

  if (model == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not load the built-in model: %s"),
                                               error->message);
      toast (self, text, 10);
      g_warning ("built-in model %s: %s", mode, error->message);
      if (self->model != NULL)
        return FALSE; /* keep what works */
    }

  set_model (self, model, NULL);
  return model != NULL;
}

static gboolean
load_file (ConvolveWindow *self,
           GFile          *file)
{
  g_autoptr(GError) error = NULL;
  ConvolveModel *model = convolve_model_new_from_file (file, &error);

  if (model == NULL)
    {
      g_autofree char *text = describe_file_error (FALSE, file, error);
      toast (self, text, 10);
      return FALSE;
    }

  set_model (self, model, file);
  return TRUE;
}

static void
canvas_changed_cb (ConvolveWindow *self)
{
  convolve_window_predict (self);
  update_undo_actions (self);
}

static void
mode_changed_cb (ConvolveWindow *self)
{
  g_autofree char *mode = g_settings_get_string (self->settings, "mode");

  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "mode")),
                             g_variant_new_string (mode));
  /* Choosing a mode means its shipped model, even after Open Model. */
  g_settings_set_string (self->settings, "last-model", "");
  load_builtin (self);
}

/* win.mode: like g_settings_create_action, except that choosing the mode
 * already set still goes back to its shipped model after Open Model. */
static void
mode_change_state (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  ConvolveWindow *self = user_data;
  const char *mode = g_variant_get_string (value, NULL);
  g_autofree char *current = g_settings_get_string (self->settings, "mode");

  if (!g_str_equal (mode, "digits") && !g_str_equal (mode, "shapes"))
    return;

  g_simple_action_set_state (action, value);
  if (!g_str_equal (mode, current))
    g_settings_set_string (self->settings, "mode", mode);   /* → mode_changed_cb */
  else if (self->model_file != NULL || self->model == NULL)
    {
      g_settings_set_string (self->settings, "last-model", "");
      load_builtin (self);
    }
}

static void
open_response_cb (ConvolveWindow       *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL && load_file (self, file))
        {
          g_autofree char *path = g_file_get_path (file);
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *text = g_strdup_printf (_("Opened “%s”"), name);

          g_settings_set_string (self->settings, "last-model", path != NULL ? path : "");
          toast (self, text, 3);
        }
    }
  g_clear_object (&self->chooser);
}

static void
save_response_cb (ConvolveWindow       *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT && self->model != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;

      if (file != NULL && convolve_model_save (self->model, file, &error))
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

          toast (self, text, 3);
        }
      else if (file != NULL)
        {
          g_autofree char *text = describe_file_error (TRUE, file, error);
          toast (self, text, 10);
        }
    }
  g_clear_object (&self->chooser);
}

static void
add_model_filters (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) models = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (models, _("Convolve models"));
  gtk_file_filter_add_pattern (models, "*.cvm");
  gtk_file_chooser_add_filter (chooser, models);

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);
}

static void
open_model_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ConvolveWindow *self = user_data;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Open Model"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  add_model_filters (GTK_FILE_CHOOSER (self->chooser));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (open_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_model_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ConvolveWindow *self = user_data;
  g_autofree char *name = NULL;

  if (self->chooser != NULL || self->model == NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Save Model"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  add_model_filters (GTK_FILE_CHOOSER (self->chooser));
  if (self->model_file != NULL)
    name = g_file_get_basename (self->model_file);
  else
    {
      g_autofree char *mode = g_settings_get_string (self->settings, "mode");
      name = g_strdup_printf ("%s.cvm", mode);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (save_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  ConvolveWindow *self = user_data;

  convolve_strokes_clear (convolve_canvas_get_strokes (self->canvas));
}

static void
undo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ConvolveWindow *self = user_data;

  convolve_strokes_undo (convolve_canvas_get_strokes (self->canvas));
}

static void
redo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ConvolveWindow *self = user_data;

  convolve_strokes_redo (convolve_canvas_get_strokes (self->canvas));
}

static void
brush_bigger_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ConvolveWindow *self = user_data;

  convolve_canvas_set_brush_size (self->canvas, convolve_canvas_get_brush_size (self->canvas) + 1);
}

static void
brush_smaller_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ConvolveWindow *self = user_data;

  convolve_canvas_set_brush_size (self->canvas, convolve_canvas_get_brush_size (self->canvas) - 1);
}

static const GActionEntry win_entries[] = {
  { .name = "clear", .activate = clear_action },
  { .name = "undo", .activate = undo_action },
  { .name = "redo", .activate = redo_action },
  { .name = "brush-bigger", .activate = brush_bigger_action },
  { .name = "brush-smaller", .activate = brush_smaller_action },
  { .name = "open-model", .activate = open_model_action },
  { .name = "mode", .parameter_type = "s", .state = "'digits'", .change_state = mode_change_state },
  { .name = "save-model", .activate = save_model_action },
};

/* A small window (800×600, a projector at low resolution) gets the compact
 * style: smaller type and panels, so that everything fits without
 * scrolling. libadwaita 1.2 has no breakpoints; the size is checked on
 * allocation and the style changed from an idle, never during layout. */
static void
apply_compact (ConvolveWindow *self,
               gboolean        compact)
{
  self->compact = compact;
  if (compact)
    gtk_widget_add_css_class (GTK_WIDGET (self), "compact");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "compact");
  gtk_widget_set_size_request (GTK_WIDGET (self->input_view),
                               compact ? 168 : 252, compact ? 168 : 252);
  gtk_widget_set_size_request (GTK_WIDGET (self->confidence), compact ? 220 : 300, -1);
  gtk_widget_set_margin_start (self->draw_page, compact ? 12 : 24);
  gtk_widget_set_margin_end (self->draw_page, compact ? 12 : 24);
  gtk_box_set_spacing (GTK_BOX (self->columns_box), compact ? 16 : 24);
  /* The canvas first: it is what students use. */
  gtk_widget_set_size_request (GTK_WIDGET (self->canvas), compact ? 300 : 400, compact ? 300 : 400);
}

static gboolean
is_compact_size (int width,
                 int height)
{
  return width < 1100 || height < 720;
}

static gboolean
compact_idle_cb (gpointer user_data)
{
  ConvolveWindow *self = user_data;

  self->compact_idle_id = 0;
  apply_compact (self, is_compact_size (gtk_widget_get_width (GTK_WIDGET (self)),
                                        gtk_widget_get_height (GTK_WIDGET (self))));
  return G_SOURCE_REMOVE;
}

static void
convolve_window_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  ConvolveWindow *self = CONVOLVE_WINDOW (widget);

  GTK_WIDGET_CLASS (convolve_window_parent_class)->size_allocate (widget, width, height, baseline);

  if (is_compact_size (width, height) != self->compact && self->compact_idle_id == 0)
    self->compact_idle_id = g_idle_add (compact_idle_cb, self);
}

static gboolean
convolve_window_close_request (GtkWindow *window)
{
  ConvolveWindow *self = CONVOLVE_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (convolve_window_parent_class)->close_request (window);
}

static void
convolve_window_dispose (GObject *object)
{
  ConvolveWindow *self = CONVOLVE_WINDOW (object);

  g_clear_handle_id (&self->compact_idle_id, g_source_remove);
  g_clear_weak_pointer (&self->last_toast);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->model);
  g_clear_object (&self->model_file);

  gtk_widget_dispose_template (GTK_WIDGET (self), CONVOLVE_TYPE_WINDOW);

  G_OBJECT_CLASS (convolve_window_parent_class)->dispose (object);
}

static void
convolve_window_finalize (GObject *object)
{
  ConvolveWindow *self = CONVOLVE_WINDOW (object);

  g_clear_pointer (&self->gray, g_free);
  g_clear_pointer (&self->probs, g_free);
  g_clear_pointer (&self->plain, g_free);
  g_clear_pointer (&self->input, g_free);

  G_OBJECT_CLASS (convolve_window_parent_class)->finalize (object);
}

static void
convolve_window_class_init (ConvolveWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = convolve_window_dispose;
  object_class->finalize = convolve_window_finalize;
  window_class->close_request = convolve_window_close_request;
  widget_class->size_allocate = convolve_window_size_allocate;

  g_type_ensure (CONVOLVE_TYPE_CANVAS);
  g_type_ensure (CONVOLVE_TYPE_CONFIDENCE);
  g_type_ensure (CONVOLVE_TYPE_INPUT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/convolve/Convolve/ui/convolve-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, input_view);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, confidence);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, input_caption);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, brush_label);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, draw_page);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, columns_box);
}

static void
convolve_window_init (ConvolveWindow *self)
{
  g_autoptr(GAction) eraser = NULL;
  g_autoptr(GAction) normalized = NULL;
  g_autofree char *last = NULL;
  ConvolveStrokes *strokes;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->gray = g_new0 (float, RASTER_SIZE * RASTER_SIZE);
  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries,
                                   G_N_ELEMENTS (win_entries), self);
  eraser = G_ACTION (g_property_action_new ("eraser", self->canvas, "eraser"));
  g_action_map_add_action (G_ACTION_MAP (self), eraser);
  {
    g_autofree char *mode = g_settings_get_string (self->settings, "mode");

    g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "mode")),
                               g_variant_new_string (mode));
  }
  normalized = g_settings_create_action (self->settings, "show-normalized");
  g_action_map_add_action (G_ACTION_MAP (self), normalized);

  g_settings_bind (self->settings, "brush-size", self->canvas, "brush-size", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-normalized", self->input_view, "show-normalized",
                   G_SETTINGS_BIND_GET);

  g_signal_connect_object (self->input_view, "notify::show-normalized",
                           G_CALLBACK (update_caption), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::brush-size",
                           G_CALLBACK (update_brush_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "changed",
                           G_CALLBACK (canvas_changed_cb), self, G_CONNECT_SWAPPED);
  strokes = convolve_canvas_get_strokes (self->canvas);
  g_signal_connect_object (strokes, "notify::can-undo",
                           G_CALLBACK (update_undo_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (strokes, "notify::can-redo",
                           G_CALLBACK (update_undo_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::mode",
                           G_CALLBACK (mode_changed_cb), self, G_CONNECT_SWAPPED);

  update_caption (self);
  update_brush_label (self);
  apply_compact (self, FALSE);

  /* The last model the user opened, else the mode's shipped one. */
  last = g_settings_get_string (self->settings, "last-model");
  if (last[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (last);

      if (!load_file (self, file))
        {
          g_settings_set_string (self->settings, "last-model", "");
          load_builtin (self);
        }
    }
  else
    load_builtin (self);

  update_undo_actions (self);
}

ConvolveWindow *
convolve_window_new (GtkApplication *application)
{
  return g_object_new (CONVOLVE_TYPE_WINDOW, "application", application, NULL);
}

ConvolveCanvas *
convolve_window_get_canvas (ConvolveWindow *self)
{
  g_return_val_if_fail (CONVOLVE_IS_WINDOW (self), NULL);

  return self->canvas;
}

ConvolveConfidence *
convolve_window_get_confidence (ConvolveWindow *self)
{
  g_return_val_if_fail (CONVOLVE_IS_WINDOW (self), NULL);

  return self->confidence;
}

ConvolveInputView *
convolve_window_get_input_view (ConvolveWindow *self)
{
  g_return_val_if_fail (CONVOLVE_IS_WINDOW (self), NULL);

  return self->input_view;
}

void
convolve_window_predict (ConvolveWindow *self)
{
  ConvolveStrokes *strokes;
  gboolean drawn;

  g_return_if_fail (CONVOLVE_IS_WINDOW (self));

  strokes = convolve_canvas_get_strokes (self->canvas);
  if (self->model == NULL || convolve_strokes_is_empty (strokes))
    {
      convolve_input_view_set_input (self->input_view, self->input_size, NULL, NULL);
      convolve_confidence_set_probabilities (self->confidence, NULL);
      return;
    }

  convolve_strokes_rasterize (strokes, RASTER_SIZE, self->gray);
  drawn = convolve_model_predict_image (self->model, self->gray, RASTER_SIZE, RASTER_SIZE,
                                        self->probs, self->input);
  convolve_preprocess_plain (self->gray, RASTER_SIZE, RASTER_SIZE, self->input_size, self->plain);

  convolve_input_view_set_input (self->input_view, self->input_size, self->plain,
                                 drawn ? self->input : NULL);
  convolve_confidence_set_probabilities (self->confidence, drawn ? self->probs : NULL);
}
