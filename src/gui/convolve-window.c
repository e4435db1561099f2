/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-window"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "convolve-add-to-class.h"
#include "convolve-class-manager.h"
#include "convolve-class-store.h"
#include "convolve-conv-lesson.h"
#include "convolve-conv-mini.h"
#include "convolve-conv-page.h"
#include "convolve-export.h"
#include "convolve-frame-log.h"
#include "convolve-learn-page.h"
#include "convolve-model.h"
#include "convolve-network-view.h"
#include "convolve-preprocess.h"
#include "convolve-train-page.h"
#include "convolve-trainer.h"
#include "convolve-window.h"

/* The drawing is rasterised at this size for the model: a multiple of both
 * input sizes (28 and 16), large enough for preprocessing to crop and
 * centre with sub-pixel accuracy, small enough to take well under a frame. */
#define RASTER_SIZE 112

/* While a run trains, the Draw page predicts again with the newest weights
 * at most this often (the trainer publishes them every 100 ms at most). */
#define LIVE_INTERVAL_US (150 * G_TIME_SPAN_MILLISECOND)

/* The pages in the order of the view switcher, Alt+1 … Alt+5. */
static const char *const page_names[] = { "draw", "convolution", "network", "train", "learn" };

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
  ConvolveConvMini     *conv_mini;
  ConvolveConvPage     *conv_page;
  ConvolveNetworkView  *network_view;
  ConvolveTrainPage    *train_page;
  ConvolveLearnPage    *learn_page;
  GtkMenuButton        *add_class_button;
  GtkWidget            *my_classes_button;
  GtkWidget            *brush_smaller_button;
  GtkWidget            *brush_bigger_button;
  GtkWidget            *eraser_button;
  GtkWidget            *undo_button;
  GtkWidget            *redo_button;

  /* owned */
  GSettings            *settings;
  ConvolveModel        *model;
  GFile                *model_file;    /* NULL: the mode's built-in model */
  ConvolveClassStore   *class_store;
  ConvolveTrainer      *trainer;       /* the Train page's, for its signals */
  ConvolveModel        *kept_model;    /* the model before a run took over, or NULL */
  GFile                *kept_file;
  ConvolveModel        *my_classes_model; /* trained on My classes, or NULL */
  GtkFileChooserNative *chooser;
  GtkCssProvider       *presentation_css;  /* sizes, while presenting */
  GtkCssProvider       *contrast_css;      /* colours, while presenting */
  AdwToast             *last_toast;    /* weak */
  float                *gray;          /* (RASTER_SIZE, RASTER_SIZE) */
  float                *probs;         /* (n_classes) */
  float                *plain;         /* (input_size, input_size) */
  float                *input;         /* (input_size, input_size) */
  int                   n_classes;
  int                   input_size;
  gint64                last_live_predict;
  gboolean              drawn;         /* gray holds a drawing (not an empty canvas) */
  gboolean              conv_page_stale; /* the drawing changed since the Convolution page got it */
  gboolean              live;          /* the Draw page follows a running training */
  gboolean              my_classes;    /* the Draw page is in "My classes" mode */
  gboolean              builtin;       /* the model is the mode's shipped one */
  gboolean              compact;
  gboolean              presentation;
  gboolean              was_fullscreen;    /* before presentation mode */
  guint                 compact_idle_id;
};

G_DEFINE_FINAL_TYPE (ConvolveWindow, convolve_window, ADW_TYPE_APPLICATION_WINDOW)

static void     apply_compact (ConvolveWindow *self,
                               gboolean        compact);
static gboolean escape_cb (GtkWidget *widget,
                           GVariant  *args,
                           gpointer   user_data);

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
  else if (self->live)
    prompt = _("Draw something: the network in training guesses");
  else if (self->my_classes)
    prompt = _("Draw one of your classes");
  else if (!self->builtin)
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

/* The drawing as RASTER_SIZE² gray values; all zero for an empty canvas. */
static void
rasterize (ConvolveWindow *self)
{
  ConvolveStrokes *strokes = convolve_canvas_get_strokes (self->canvas);

  self->drawn = !convolve_strokes_is_empty (strokes);
  if (self->drawn)
    convolve_strokes_rasterize (strokes, RASTER_SIZE, self->gray);
  else
    memset (self->gray, 0, RASTER_SIZE * RASTER_SIZE * sizeof (float));
}

/* Runs the model on the rasterised drawing and updates the panels. */
static void
predict_gray (ConvolveWindow *self)
{
  gboolean recognised;

  if (self->model == NULL || !self->drawn)
    {
      convolve_input_view_set_input (self->input_view, self->input_size, NULL, NULL);
      convolve_confidence_set_probabilities (self->confidence, NULL);
      return;
    }

  recognised = convolve_model_predict_image (self->model, self->gray, RASTER_SIZE, RASTER_SIZE,
                                             self->probs, self->input);
  convolve_preprocess_plain (self->gray, RASTER_SIZE, RASTER_SIZE, self->input_size, self->plain);

  convolve_input_view_set_input (self->input_view, self->input_size, self->plain,
                                 recognised ? self->input : NULL);
  convolve_confidence_set_probabilities (self->confidence, recognised ? self->probs : NULL);
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
  self->builtin = FALSE;               /* load_builtin says otherwise */

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
  convolve_conv_mini_set_model (self->conv_mini, model);
  convolve_conv_page_set_model (self->conv_page, model);
  convolve_network_view_set_model (self->network_view, model);
  convolve_network_view_set_input_from_gray (self->network_view, self->gray,
                                             RASTER_SIZE, RASTER_SIZE);
  predict_gray (self);
}

/* A model the user chose ends following a training run and My classes. */
static void
stop_following (ConvolveWindow *self)
{
  self->live = FALSE;
  self->my_classes = FALSE;
  g_clear_object (&self->kept_model);
  g_clear_object (&self->kept_file);
}

static gboolean
load_builtin (ConvolveWindow *self)
{
  g_autofree char *mode = g_settings_get_string (self->settings, "mode");
  g_autoptr(GError) error = NULL;
  ConvolveModel *model = convolve_model_new_builtin (mode, &error);

  if (model != NULL)
    stop_following (self);

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
  self->builtin = model != NULL;
  update_prompt (self);
  return model != NULL;
}

/* On failure the message names the file and the problem; it is shown
 * as a toast and set in @error, and the model in use stays. */
static gboolean
load_file (ConvolveWindow *self,
           GFile          *file,
           GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  ConvolveModel *model = convolve_model_new_from_file (file, &local_error);

  if (model == NULL)
    {
      g_autofree char *text = describe_file_error (FALSE, file, local_error);
      toast (self, text, 10);
      g_set_error_literal (error, local_error->domain, local_error->code, text);
      return FALSE;
    }

  stop_following (self);
  set_model (self, model, file);
  return TRUE;
}

static void
canvas_changed_cb (ConvolveWindow *self)
{
  /* One rasterisation feeds the prediction and the two convolution views. */
  rasterize (self);
  predict_gray (self);
  convolve_conv_mini_set_input_from_gray (self->conv_mini, self->gray, RASTER_SIZE, RASTER_SIZE);
  convolve_network_view_set_input_from_gray (self->network_view, self->gray,
                                             RASTER_SIZE, RASTER_SIZE);
  self->conv_page_stale = TRUE;
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

  if (g_str_equal (mode, "my-classes"))
    {
      /* Not a settings value: it exists only once a model was trained. */
      if (self->my_classes_model == NULL)
        return;
      g_simple_action_set_state (action, value);
      stop_following (self);
      self->my_classes = TRUE;
      set_model (self, g_object_ref (self->my_classes_model), NULL);
      return;
    }
  if (!g_str_equal (mode, "digits") && !g_str_equal (mode, "shapes"))
    return;

  g_simple_action_set_state (action, value);
  if (!g_str_equal (mode, current))
    g_settings_set_string (self->settings, "mode", mode);   /* → mode_changed_cb */
  else if (!self->builtin)
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

      if (file != NULL)
        convolve_window_open_model (self, file, NULL);
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

          toast (self, text, 5);
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

/* ---- pages */

static void
show_page (ConvolveWindow *self,
           const char     *name)
{
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
page_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ConvolveWindow *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (g_str_equal (name, page_names[i]))
      show_page (self, name);
}

static void
step_page (ConvolveWindow *self,
           int             delta)
{
  const char *current = adw_view_stack_get_visible_child_name (self->view_stack);
  int n = G_N_ELEMENTS (page_names);
  int index = 0;

  for (int i = 0; i < n; i++)
    if (g_strcmp0 (current, page_names[i]) == 0)
      index = i;
  show_page (self, page_names[(index + delta + n) % n]);
}

static void
next_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  step_page (user_data, 1);
}

static void
previous_page_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  step_page (user_data, -1);
}

/* The Convolution page's keys (Space, arrows, Home, End) work as soon as
 * it is shown, and it starts from the newest drawing if that changed. */
static void
visible_page_cb (ConvolveWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Each page's keys (F6–F9 on Train, Page Up/Down on Learn) act where
   * the focus is inside the page: put it there unless it already is. The
   * Draw page's keys work from anywhere, and a focused button there would
   * take Space and Enter for itself. */
  if (page != NULL && g_strcmp0 (name, "draw") != 0
      && (focus == NULL || !gtk_widget_is_ancestor (focus, page)))
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);

  if (g_strcmp0 (name, "convolution") == 0)
    {
      if (self->conv_page_stale && self->drawn)
        convolve_conv_page_set_input_from_gray (self->conv_page, self->gray,
                                                RASTER_SIZE, RASTER_SIZE);
      self->conv_page_stale = FALSE;
      gtk_widget_grab_focus (GTK_WIDGET (self->conv_page));
    }
}

static void
mini_open_cb (ConvolveWindow *self)
{
  convolve_conv_page_load_from_mini (self->conv_page, self->conv_mini);
  self->conv_page_stale = FALSE;
  show_page (self, "convolution");
}

static void
kernel_activated_cb (ConvolveWindow *self,
                     int             index)
{
  convolve_conv_page_show_learned_kernel (self->conv_page, index);
  convolve_conv_page_set_input_from_gray (self->conv_page, self->gray, RASTER_SIZE, RASTER_SIZE);
  self->conv_page_stale = FALSE;
  show_page (self, "convolution");
}

/* ---- training */

static void
update_my_classes_mode (ConvolveWindow *self)
{
  gtk_widget_set_visible (self->my_classes_button, self->my_classes_model != NULL);
}

static void
use_model_cb (ConvolveWindow *self,
              ConvolveModel  *model)
{
  g_autoptr(ConvolveModel) own = NULL;

  if (model == NULL)
    return;
  /* The trainer replaces its model on the next start, so holding this
   * one keeps exactly the weights the user chose. */
  own = g_object_ref (model);
  stop_following (self);
  if (convolve_train_page_get_dataset (self->train_page) == CONVOLVE_TRAIN_DATASET_MY_CLASSES)
    {
      g_set_object (&self->my_classes_model, model);
      update_my_classes_mode (self);
      self->my_classes = TRUE;
      g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "mode")),
                                 g_variant_new_string ("my-classes"));
    }
  set_model (self, g_steal_pointer (&own), NULL);
  show_page (self, "draw");
  toast (self, _("Using the model you trained"), 5);
}

/* While a run trains, the Draw page predicts with its newest weights; when
 * it ends without "Use this model", the model from before comes back. */
static void
trainer_state_cb (ConvolveWindow *self)
{
  ConvolveTrainerState state = convolve_trainer_get_state (self->trainer);
  ConvolveModel *model = convolve_trainer_get_model (self->trainer);
  gboolean active = state == CONVOLVE_TRAINER_STATE_RUNNING
                    || state == CONVOLVE_TRAINER_STATE_PAUSED;

  if (active && !self->live && model != NULL)
    {
      g_clear_object (&self->kept_model);
      g_clear_object (&self->kept_file);
      self->kept_model = g_steal_pointer (&self->model);
      self->kept_file = g_steal_pointer (&self->model_file);
      self->live = TRUE;
      set_model (self, g_object_ref (model), NULL);
    }
  else if (!active && self->live)
    {
      self->live = FALSE;
      set_model (self, g_steal_pointer (&self->kept_model), self->kept_file);
      g_clear_object (&self->kept_file);
    }
}

static void
trainer_batch_cb (ConvolveWindow *self)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->live || !self->drawn || now - self->last_live_predict < LIVE_INTERVAL_US)
    return;
  self->last_live_predict = now;
  predict_gray (self);
}

static void
trainer_epoch_cb (ConvolveWindow *self)
{
  if (!self->live || self->model == NULL)
    return;
  /* The views keep private copies of the weights: hand them the new ones. */
  convolve_conv_mini_set_model (self->conv_mini, self->model);
  convolve_network_view_set_model (self->network_view, self->model);
  convolve_network_view_set_input_from_gray (self->network_view, self->gray,
                                             RASTER_SIZE, RASTER_SIZE);
  predict_gray (self);
}

/* ---- the Learn page's "Try it" */

static void
conv_preset (ConvolveWindow          *self,
             ConvolveConvInputPreset  input,
             ConvolveConvKernelPreset kernel)
{
  ConvolveConvLesson *lesson = convolve_conv_lesson_new ();

  convolve_conv_lesson_set_input_preset (lesson, input, 1);
  convolve_conv_lesson_set_kernel_preset (lesson, kernel);
  convolve_conv_page_set_input (self->conv_page, convolve_conv_lesson_get_input (lesson));
  convolve_conv_page_set_kernel (self->conv_page, convolve_conv_lesson_get_kernel (lesson));
  convolve_conv_lesson_free (lesson);
}

static void
try_it_cb (ConvolveWindow *self,
           const char     *page,
           const char     *preset)
{
  if (g_strcmp0 (page, "convolution") == 0)
    {
      if (g_strcmp0 (preset, "vertical-edge") == 0)
        conv_preset (self, CONVOLVE_CONV_INPUT_SQUARE, CONVOLVE_CONV_KERNEL_VERTICAL_EDGE);
      else if (self->drawn)   /* "step": the student's own drawing */
        convolve_conv_page_set_input_from_gray (self->conv_page, self->gray,
                                                RASTER_SIZE, RASTER_SIZE);
      else
        conv_preset (self, CONVOLVE_CONV_INPUT_CROSS, CONVOLVE_CONV_KERNEL_VERTICAL_EDGE);
      self->conv_page_stale = FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self->conv_page), "conv.first", NULL);
    }
  else if (g_strcmp0 (page, "train") == 0)
    {
      if (!convolve_train_page_apply_preset (self->train_page, preset))
        g_warning ("Train page preset %s not applied", preset);
    }
  else if (g_strcmp0 (page, "draw") == 0)
    {
      if (g_strcmp0 (preset, "shapes") == 0 || g_strcmp0 (preset, "digits") == 0)
        g_action_group_change_action_state (G_ACTION_GROUP (self), "mode",
                                            g_variant_new_string (preset));
    }
  else
    {
      g_warning ("“Try it” opens an unknown page %s", page);
      return;
    }
  show_page (self, page);
}

/* ---- My classes */

static void
add_class_message_cb (ConvolveWindow *self,
                      const char     *text)
{
  toast (self, text, 4);
}

static void
add_class_show_cb (ConvolveWindow *self,
                   GtkPopover     *popover)
{
  convolve_add_to_class_popover_set_drawing (CONVOLVE_ADD_TO_CLASS_POPOVER (popover),
                                             self->drawn ? self->gray : NULL,
                                             RASTER_SIZE, RASTER_SIZE);
}

static void
manage_classes_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ConvolveWindow *self = user_data;
  GtkWidget *window = convolve_class_manager_window_new (self->class_store, GTK_WINDOW (self));

  gtk_window_present (GTK_WINDOW (window));
}

static void
add_to_class_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ConvolveWindow *self = user_data;

  show_page (self, "draw");
  gtk_menu_button_popup (self->add_class_button);
}

/* The Draw page's one-key shortcuts. Application accelerators would act
 * before the focused widget (a spin button, a class name being typed, the
 * Convolution page's own + − N), so these go through a controller on the
 * window in the bubble phase, and only while the Draw page is shown. */
static const struct {
  const char *trigger;
  const char *action;
} draw_keys[] = {
  { "Delete", "win.clear" },
  { "plus", "win.brush-bigger" },
  { "equal", "win.brush-bigger" },
  { "KP_Add", "win.brush-bigger" },
  { "bracketright", "win.brush-bigger" },
  { "minus", "win.brush-smaller" },
  { "KP_Subtract", "win.brush-smaller" },
  { "bracketleft", "win.brush-smaller" },
  { "e", "win.eraser" },
  { "n", "win.show-normalized" },
};

static gboolean
draw_key_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  ConvolveWindow *self = CONVOLVE_WINDOW (widget);

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "draw") != 0)
    return FALSE;
  return gtk_widget_activate_action (widget, user_data, NULL);
}

static void
add_draw_keys (ConvolveWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_BUBBLE);
  for (guint i = 0; i < G_N_ELEMENTS (draw_keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (draw_keys[i].trigger),
                                                            gtk_callback_action_new (draw_key_cb,
                                                                                     (gpointer) draw_keys[i].action,
                                                                                     NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_callback_action_new (escape_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- export */

static void
export_report (gpointer    user_data,
               const char *message,
               gboolean    failed)
{
  toast (CONVOLVE_WINDOW (user_data), message, failed ? 10 : 5);
}

/* The picture of the page on screen: the drawing, the network, or the
 * Train page's two charts. */
static GBytes *
produce_page_png (gpointer  user_data,
                  GError  **error)
{
  ConvolveWindow *self = user_data;
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  GtkWidget *widgets[2] = { NULL, NULL };

  if (g_strcmp0 (page, "draw") == 0)
    widgets[0] = GTK_WIDGET (self->canvas);
  else if (g_strcmp0 (page, "network") == 0)
    widgets[0] = GTK_WIDGET (self->network_view);
  else if (g_strcmp0 (page, "train") == 0)
    {
      widgets[0] = convolve_train_page_get_loss_chart (self->train_page);
      widgets[1] = convolve_train_page_get_accuracy_chart (self->train_page);
    }
  return convolve_export_widgets_to_png (widgets, G_N_ELEMENTS (widgets), 2.0, error);
}

static GBytes *
produce_history_csv (gpointer  user_data,
                     GError  **error)
{
  ConvolveWindow *self = user_data;
  char *csv = convolve_train_page_get_history_csv (self->train_page);

  if (csv == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("No epoch has finished yet."));
      return NULL;
    }
  return g_bytes_new_take (csv, strlen (csv));
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  ConvolveWindow *self = user_data;
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  const char *title, *name;

  if (g_strcmp0 (page, "convolution") == 0)
    {
      /* The Convolution page draws its own picture, larger than the screen. */
      gtk_widget_activate_action (GTK_WIDGET (self->conv_page), "conv.export", NULL);
      return;
    }
  if (g_strcmp0 (page, "draw") == 0)
    {
      if (!self->drawn)
        {
          toast (self, _("Draw something first: the canvas is empty."), 4);
          return;
        }
      title = _("Export the Drawing as PNG");
      /* Translators: a file name; keep the .png */
      name = _("drawing.png");
    }
  else if (g_strcmp0 (page, "network") == 0)
    {
      title = _("Export the Network as PNG");
      /* Translators: a file name; keep the .png */
      name = _("network.png");
    }
  else if (g_strcmp0 (page, "train") == 0)
    {
      title = _("Export the Charts as PNG");
      /* Translators: a file name; keep the .png */
      name = _("training-charts.png");
    }
  else
    {
      toast (self, _("This page has no picture to export. The Draw, Convolution, "
                     "Network and Train pages do."), 5);
      return;
    }
  convolve_export_choose (GTK_WINDOW (self), title, name, _("PNG pictures"), "image/png",
                          produce_page_png, export_report, self);
}

static void
export_history_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ConvolveWindow *self = user_data;
  g_autofree char *csv = convolve_train_page_get_history_csv (self->train_page);

  if (csv == NULL)
    {
      toast (self, _("There is no training history yet: train a network on the Train page first."), 5);
      return;
    }
  convolve_export_choose (GTK_WINDOW (self), _("Export the Training History as CSV"),
                          /* Translators: a file name; keep the .csv */
                          _("training-history.csv"), _("CSV tables"), "text/csv",
                          produce_history_csv, export_report, self);
}

/* ---- presentation mode */

#define PRESENTATION_PRIORITY (GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 10)

static GtkCssProvider *
add_css (ConvolveWindow *self,
         const char     *resource)
{
  GtkCssProvider *provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, resource);
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (provider),
                                              PRESENTATION_PRIORITY);
  return provider;
}

static void
remove_css (ConvolveWindow  *self,
            GtkCssProvider **provider)
{
  if (*provider == NULL)
    return;
  gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                 GTK_STYLE_PROVIDER (*provider));
  g_clear_object (provider);
}

/* The high-contrast colours follow the light or dark style. */
static void
update_contrast (ConvolveWindow *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  remove_css (self, &self->contrast_css);
  if (self->presentation)
    self->contrast_css = add_css (self, dark ? "/io/github/convolve/Convolve/ui/presentation-dark.css"
                                             : "/io/github/convolve/Convolve/ui/presentation-light.css");
}

static void
set_presentation (ConvolveWindow *self,
                  gboolean        presentation)
{
  GtkWidget *secondary[] = {
    self->brush_smaller_button, GTK_WIDGET (self->brush_label), self->brush_bigger_button,
    self->eraser_button, self->undo_button, self->redo_button,
  };

  presentation = !!presentation;
  if (presentation == self->presentation)
    return;
  self->presentation = presentation;
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "presentation")),
                             g_variant_new_boolean (presentation));

  if (presentation)
    {
      self->was_fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));
      gtk_window_fullscreen (GTK_WINDOW (self));
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      self->presentation_css = add_css (self, "/io/github/convolve/Convolve/ui/presentation.css");
    }
  else
    {
      if (!self->was_fullscreen)
        gtk_window_unfullscreen (GTK_WINDOW (self));
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      remove_css (self, &self->presentation_css);
    }
  update_contrast (self);
  apply_compact (self, self->compact);
  /* Their keys still work: −, +, E, Ctrl+Z, Ctrl+Shift+Z. */
  for (guint i = 0; i < G_N_ELEMENTS (secondary); i++)
    gtk_widget_set_visible (secondary[i], !presentation);

  if (presentation)
    toast (self, _("Presentation mode: press F5 or Escape to leave it"), 4);
}

static void
presentation_change_state (GSimpleAction *action,
                           GVariant      *value,
                           gpointer       user_data)
{
  set_presentation (user_data, g_variant_get_boolean (value));
}

/* Escape leaves presentation mode, unless a menu, a popover or a text
 * field took it first (this runs in the bubble phase). */
static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  ConvolveWindow *self = CONVOLVE_WINDOW (widget);

  if (!self->presentation)
    return FALSE;
  set_presentation (self, FALSE);
  return TRUE;
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
  { .name = "page", .parameter_type = "s", .activate = page_action },
  { .name = "next-page", .activate = next_page_action },
  { .name = "previous-page", .activate = previous_page_action },
  { .name = "add-to-class", .activate = add_to_class_action },
  { .name = "manage-classes", .activate = manage_classes_action },
  { .name = "export", .activate = export_action },
  { .name = "export-history", .activate = export_history_action },
  { .name = "presentation", .state = "false", .change_state = presentation_change_state },
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
                               compact ? 168 : 224, compact ? 168 : 224);
  /* The kernel preview is the first to go: the Convolution page has it. */
  gtk_widget_set_visible (GTK_WIDGET (self->conv_mini), !compact && !self->presentation);
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
  remove_css (self, &self->presentation_css);
  remove_css (self, &self->contrast_css);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->model);
  g_clear_object (&self->model_file);
  g_clear_object (&self->kept_model);
  g_clear_object (&self->kept_file);
  g_clear_object (&self->my_classes_model);
  /* Tearing the stack down changes its visible page: no callbacks into
   * pages that are half gone. */
  if (self->view_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->view_stack, self);
  /* The Train page owns the trainer and cancels and joins a running
   * training in its own dispose, from the template below. */
  if (self->trainer != NULL)
    g_signal_handlers_disconnect_by_data (self->trainer, self);
  g_clear_object (&self->trainer);
  g_clear_object (&self->class_store);

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
  g_type_ensure (CONVOLVE_TYPE_CONV_MINI);
  g_type_ensure (CONVOLVE_TYPE_CONV_PAGE);
  g_type_ensure (CONVOLVE_TYPE_NETWORK_VIEW);
  g_type_ensure (CONVOLVE_TYPE_TRAIN_PAGE);
  g_type_ensure (CONVOLVE_TYPE_LEARN_PAGE);

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
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, conv_mini);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, conv_page);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, network_view);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, train_page);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, learn_page);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, add_class_button);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, my_classes_button);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, brush_smaller_button);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, brush_bigger_button);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, eraser_button);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, ConvolveWindow, redo_button);
}

static void
convolve_window_init (ConvolveWindow *self)
{
  g_autoptr(GAction) eraser = NULL;
  g_autoptr(GAction) normalized = NULL;
  g_autofree char *last = NULL;
  ConvolveStrokes *strokes;

  gtk_widget_init_template (GTK_WIDGET (self));
  convolve_frame_log_attach (GTK_WIDGET (self));

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

  add_draw_keys (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_contrast), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (visible_page_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conv_mini, "open",
                           G_CALLBACK (mini_open_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->network_view, "kernel-activated",
                           G_CALLBACK (kernel_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->learn_page, "try-it",
                           G_CALLBACK (try_it_cb), self, G_CONNECT_SWAPPED);

  /* One class store for the Train page and "Add to class…". */
  self->class_store = convolve_class_store_new (NULL);
  convolve_train_page_set_class_store (self->train_page, self->class_store);
  g_signal_connect_object (self->train_page, "use-model",
                           G_CALLBACK (use_model_cb), self, G_CONNECT_SWAPPED);
  self->trainer = g_object_ref (convolve_train_page_get_trainer (self->train_page));
  g_signal_connect_object (self->trainer, "notify::state",
                           G_CALLBACK (trainer_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trainer, "batch-finished",
                           G_CALLBACK (trainer_batch_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trainer, "epoch-finished",
                           G_CALLBACK (trainer_epoch_cb), self, G_CONNECT_SWAPPED);
  {
    GtkWidget *popover = convolve_add_to_class_popover_new (self->class_store);

    gtk_menu_button_set_popover (self->add_class_button, popover);
    g_signal_connect_object (popover, "show",
                             G_CALLBACK (add_class_show_cb), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (popover, "message",
                             G_CALLBACK (add_class_message_cb), self, G_CONNECT_SWAPPED);
  }

  update_caption (self);
  update_brush_label (self);
  apply_compact (self, FALSE);

  /* The last model the user opened, else the mode's shipped one. */
  last = g_settings_get_string (self->settings, "last-model");
  if (last[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (last);

      if (!load_file (self, file, NULL))
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
  g_return_if_fail (CONVOLVE_IS_WINDOW (self));

  rasterize (self);
  predict_gray (self);
}

gboolean
convolve_window_open_model (ConvolveWindow *self,
                            GFile          *file,
                            GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (CONVOLVE_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!load_file (self, file, error))
    return FALSE;
  path = g_file_get_path (file);
  name = g_file_get_basename (file);
  /* Translators: %s is a file name. */
  text = g_strdup_printf (_("Opened “%s”"), name);
  g_settings_set_string (self->settings, "last-model", path != NULL ? path : "");
  toast (self, text, 5);
  return TRUE;
}

void
convolve_window_set_mode (ConvolveWindow *self,
                          const char     *mode)
{
  g_return_if_fail (CONVOLVE_IS_WINDOW (self));

  if (g_strcmp0 (mode, "my-classes") == 0 && self->my_classes_model == NULL)
    {
      /* Nothing trained yet: the place where that happens. */
      convolve_train_page_select_dataset (self->train_page, CONVOLVE_TRAIN_DATASET_MY_CLASSES);
      show_page (self, "train");
      toast (self, _("There is no My Classes model yet: draw examples with “Add to Class…”, "
                     "then train them here."), 8);
      return;
    }
  g_action_group_change_action_state (G_ACTION_GROUP (self), "mode", g_variant_new_string (mode));
}

gboolean
convolve_window_get_presentation (ConvolveWindow *self)
{
  g_return_val_if_fail (CONVOLVE_IS_WINDOW (self), FALSE);

  return self->presentation;
}
