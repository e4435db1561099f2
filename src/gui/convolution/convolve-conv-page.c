/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-conv-page"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "convolve-conv-page.h"
#include "convolve-conv-mini.h"
#include "convolve-conv-view.h"

/* Seconds per step at 1×. */
#define STEP_SECONDS 0.8

static const double speeds[] = { 0.25, 0.5, 1.0, 2.0, 4.0, 8.0 };
#define N_SPEEDS G_N_ELEMENTS (speeds)
#define SPEED_1X 2

struct _ConvolveConvPage
{
  GtkWidget      parent_instance;

  /* children (owned through the widget tree) */
  GtkWidget     *toolbar;
  GtkWidget     *input_menu;
  GtkWidget     *kernel_menu;
  GtkWidget     *bias_spin;
  GtkWidget     *activation_menu;
  GtkWidget     *stride_menu;
  GtkWidget     *padding_menu;
  GtkWidget     *view;
  GtkWidget     *formula_label;
  GtkWidget     *explain_label;
  GtkWidget     *transport;
  GtkWidget     *play_button;
  GtkWidget     *scrubber;
  GtkWidget     *position_label;
  GtkWidget     *speed_menu;

  /* owned */
  GtkStringList *input_items;
  GtkStringList *kernel_items;
  CvNet         *model_net;
  float         *drawing;      /* the last drawing's 8×8 reduction, or NULL */
  GtkFileChooserNative *chooser;

  int            n_learned;
  int            speed_index;
  gboolean       playing;
  guint          tick_id;
  gint64         last_step_us;
  gboolean       syncing;
  int            notified_position;
  float          shown_input[CONVOLVE_CONV_INPUT_CELLS];
  float          shown_kernel[CONVOLVE_CONV_KERNEL_CELLS];
};

G_DEFINE_FINAL_TYPE (ConvolveConvPage, convolve_conv_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLAYING,
  PROP_SHOW_NUMBERS,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Input menu: the presets, then "Your drawing", then "Custom". */
#define INPUT_DRAWING (CONVOLVE_CONV_N_INPUT_PRESETS)
#define INPUT_CUSTOM  (CONVOLVE_CONV_N_INPUT_PRESETS + 1)

/* ------------------------------------------------------------- helpers */

static ConvolveConvLesson *
page_lesson (ConvolveConvPage *self)
{
  return convolve_conv_view_get_lesson (CONVOLVE_CONV_VIEW (self->view));
}

static guint
kernel_custom_index (ConvolveConvPage *self)
{
  return CONVOLVE_CONV_N_KERNEL_PRESETS + self->n_learned;
}

static void
select_quietly (ConvolveConvPage *self, GtkWidget *menu, guint item)
{
  gboolean was = self->syncing;

  self->syncing = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (menu), item);
  self->syncing = was;
}

/* Everything that shows the lesson follows it. */
static void
page_sync (ConvolveConvPage *self)
{
  ConvolveConvLesson *lesson = page_lesson (self);
  int n = convolve_conv_lesson_get_n_positions (lesson);
  int pos = convolve_conv_lesson_get_position (lesson);
  g_autofree char *size = convolve_conv_lesson_format_output_size (lesson);
  g_autofree char *formula = NULL;
  g_autofree char *explain = convolve_conv_lesson_describe_step (lesson);
  g_autofree char *where = NULL;
  GtkAdjustment *adj = gtk_range_get_adjustment (GTK_RANGE (self->scrubber));

  self->syncing = TRUE;

  gtk_adjustment_configure (adj, pos, 0, n - 1, 1, 1, 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->bias_spin),
                             convolve_conv_lesson_get_bias (lesson));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->activation_menu),
                              convolve_conv_lesson_get_relu (lesson) ? 1 : 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->stride_menu),
                              convolve_conv_lesson_get_stride (lesson) - 1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->padding_menu),
                              convolve_conv_lesson_get_same (lesson) ? 1 : 0);

  /* TRANSLATORS: the output-size formula follows */
  formula = g_strdup_printf (_("Output size: %s"), size);
  gtk_label_set_text (GTK_LABEL (self->formula_label), formula);
  gtk_label_set_text (GTK_LABEL (self->explain_label), explain);
  where = g_strdup_printf ("%d / %d", pos + 1, n);
  gtk_label_set_text (GTK_LABEL (self->position_label), where);

  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            self->playing ? "media-playback-pause-symbolic"
                                          : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (self->play_button,
                               self->playing ? _("Pause (Space)") : _("Play (Space)"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conv.prev", pos > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conv.first", pos > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conv.next", pos < n - 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conv.last", pos < n - 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conv.faster",
                                 self->speed_index < (int) N_SPEEDS - 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conv.slower", self->speed_index > 0);

  self->syncing = FALSE;

  memcpy (self->shown_input, convolve_conv_lesson_get_input (lesson), sizeof self->shown_input);
  memcpy (self->shown_kernel, convolve_conv_lesson_get_kernel (lesson), sizeof self->shown_kernel);
  convolve_conv_view_refresh (CONVOLVE_CONV_VIEW (self->view));

  if (self->notified_position != pos)
    {
      self->notified_position = pos;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  gint64 interval = (gint64) (STEP_SECONDS * G_USEC_PER_SEC / speeds[self->speed_index]);

  if (self->last_step_us == 0)
    self->last_step_us = now;
  if (now - self->last_step_us < interval)
    return G_SOURCE_CONTINUE;
  self->last_step_us = now;

  if (!convolve_conv_lesson_next (page_lesson (self)))
    {
      self->tick_id = 0;
      convolve_conv_page_set_playing (self, FALSE);
      return G_SOURCE_REMOVE;
    }
  page_sync (self);
  return G_SOURCE_CONTINUE;
}

static void
step (ConvolveConvPage *self, gboolean (*move) (ConvolveConvLesson *))
{
  /* A step by hand pauses the animation. */
  convolve_conv_page_set_playing (self, FALSE);
  move (page_lesson (self));
  page_sync (self);
}

static void
set_speed_index (ConvolveConvPage *self, int index)
{
  self->speed_index = CLAMP (index, 0, (int) N_SPEEDS - 1);
  select_quietly (self, self->speed_menu, self->speed_index);
  page_sync (self);
}

static void
rebuild_kernel_items (ConvolveConvPage *self)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->kernel_items));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (int k = 0; k < CONVOLVE_CONV_N_KERNEL_PRESETS; k++)
    g_ptr_array_add (names, g_strdup (convolve_conv_kernel_preset_name (k)));
  for (int k = 0; k < self->n_learned; k++)
    /* TRANSLATORS: a kernel that the loaded model learned, numbered from 1 */
    g_ptr_array_add (names, g_strdup_printf (_("Learned kernel %d"), k + 1));
  g_ptr_array_add (names, g_strdup (_("Custom")));
  g_ptr_array_add (names, NULL);

  self->syncing = TRUE;
  gtk_string_list_splice (self->kernel_items, 0, n_old, (const char *const *) names->pdata);
  self->syncing = FALSE;
}

/* ------------------------------------------------------------- callbacks */

static void
view_changed_cb (ConvolveConvPage *self)
{
  ConvolveConvLesson *lesson = page_lesson (self);

  /* Input or weights edited by hand: the menus now say "Custom". */
  if (memcmp (self->shown_input, convolve_conv_lesson_get_input (lesson), sizeof self->shown_input) != 0)
    select_quietly (self, self->input_menu, INPUT_CUSTOM);
  if (memcmp (self->shown_kernel, convolve_conv_lesson_get_kernel (lesson), sizeof self->shown_kernel) != 0)
    select_quietly (self, self->kernel_menu, kernel_custom_index (self));
  convolve_conv_page_set_playing (self, FALSE);
  page_sync (self);
}

static void
input_selected_cb (ConvolveConvPage *self)
{
  guint item = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->input_menu));
  ConvolveConvLesson *lesson = page_lesson (self);

  if (self->syncing)
    return;
  if (item < CONVOLVE_CONV_N_INPUT_PRESETS)
    convolve_conv_lesson_set_input_preset (lesson, item, g_get_monotonic_time ());
  else if (item == INPUT_DRAWING)
    {
      float empty[CONVOLVE_CONV_INPUT_CELLS] = { 0 };

      convolve_conv_lesson_set_input (lesson, self->drawing != NULL ? self->drawing : empty);
    }
  else
    return;
  convolve_conv_lesson_first (lesson);
  page_sync (self);
}

static void
kernel_selected_cb (ConvolveConvPage *self)
{
  guint item = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kernel_menu));
  ConvolveConvLesson *lesson = page_lesson (self);

  if (self->syncing)
    return;
  if (item < CONVOLVE_CONV_N_KERNEL_PRESETS)
    convolve_conv_lesson_set_kernel_preset (lesson, item);
  else if (item < kernel_custom_index (self))
    convolve_conv_lesson_set_learned_kernel (lesson, self->model_net,
                                             item - CONVOLVE_CONV_N_KERNEL_PRESETS);
  else
    return;
  page_sync (self);
}

static void
bias_changed_cb (ConvolveConvPage *self)
{
  if (self->syncing)
    return;
  convolve_conv_lesson_set_bias (page_lesson (self),
                                 (float) gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->bias_spin)));
  page_sync (self);
}

static void
geometry_selected_cb (ConvolveConvPage *self)
{
  ConvolveConvLesson *lesson = page_lesson (self);

  if (self->syncing)
    return;
  convolve_conv_lesson_set_relu (lesson,
                                 gtk_drop_down_get_selected (GTK_DROP_DOWN (self->activation_menu)) == 1);
  convolve_conv_lesson_set_stride (lesson,
                                   (int) gtk_drop_down_get_selected (GTK_DROP_DOWN (self->stride_menu)) + 1);
  convolve_conv_lesson_set_same (lesson,
                                 gtk_drop_down_get_selected (GTK_DROP_DOWN (self->padding_menu)) == 1);
  page_sync (self);
}

static void
speed_selected_cb (ConvolveConvPage *self)
{
  if (self->syncing)
    return;
  set_speed_index (self, (int) gtk_drop_down_get_selected (GTK_DROP_DOWN (self->speed_menu)));
}

static void
scrubber_changed_cb (ConvolveConvPage *self)
{
  if (self->syncing)
    return;
  convolve_conv_page_set_playing (self, FALSE);
  convolve_conv_lesson_set_position (page_lesson (self),
                                     (int) lround (gtk_range_get_value (GTK_RANGE (self->scrubber))));
  page_sync (self);
}

static void
chooser_response_cb (GtkNativeDialog  *dialog,
                     int               response,
                     ConvolveConvPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL ||
          !convolve_conv_view_save_png (CONVOLVE_CONV_VIEW (self->view), path, &error))
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *msg = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   _("The picture was not saved"),
                                                   error != NULL ? error->message
                                                                 : _("Choose a file on this computer."));

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (msg), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  g_clear_object (&self->chooser);
}

/* Keys that drive the lesson, wherever the focus is in the page — but not
 * in a text field or an open menu, where they mean what they always mean. */
static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ConvolveConvPage      *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  const char *action = NULL;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;
  if (focus != NULL &&
      (GTK_IS_EDITABLE (focus) || gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_space:    action = "conv.play";  break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right: action = "conv.next";  break;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:  action = "conv.prev";  break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:  action = "conv.first"; break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:   action = "conv.last";  break;
    default:               return FALSE;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
  return TRUE;
}

/* ------------------------------------------------------------- actions */

static void
next_action (GtkWidget *widget, const char *name, GVariant *param)
{
  step (CONVOLVE_CONV_PAGE (widget), convolve_conv_lesson_next);
}

static void
prev_action (GtkWidget *widget, const char *name, GVariant *param)
{
  step (CONVOLVE_CONV_PAGE (widget), convolve_conv_lesson_prev);
}

static void
first_action (GtkWidget *widget, const char *name, GVariant *param)
{
  step (CONVOLVE_CONV_PAGE (widget), convolve_conv_lesson_first);
}

static void
last_action (GtkWidget *widget, const char *name, GVariant *param)
{
  step (CONVOLVE_CONV_PAGE (widget), convolve_conv_lesson_last);
}

static void
faster_action (GtkWidget *widget, const char *name, GVariant *param)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (widget);

  set_speed_index (self, self->speed_index + 1);
}

static void
slower_action (GtkWidget *widget, const char *name, GVariant *param)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (widget);

  set_speed_index (self, self->speed_index - 1);
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export the Convolution as PNG"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG pictures"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), _("convolution.png"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ------------------------------------------------------------- building */

static GtkWidget *
labelled (const char *text, GtkWidget *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), child);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), child);
  return box;
}

static GtkWidget *
drop_down (const char *const *items, const char *accessible_label)
{
  GtkWidget *menu = gtk_drop_down_new_from_strings (items);

  gtk_accessible_update_property (GTK_ACCESSIBLE (menu), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  return menu;
}

static GtkWidget *
transport_button (const char *icon, const char *action, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tooltip, -1);
  gtk_widget_set_focus_on_click (button, FALSE);
  return button;
}

static void
build_page (ConvolveConvPage *self)
{
  GtkWidget *flow, *box, *button, *info;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();
  const char *activations[] = { NULL, NULL, NULL };
  const char *strides[] = { NULL, NULL, NULL };
  const char *paddings[] = { NULL, NULL, NULL };
  const char *speed_names[] = { "0.25×", "0.5×", "1×", "2×", "4×", "8×", NULL };
  GtkEventController *key;

  activations[0] = _("No activation");
  activations[1] = _("ReLU");
  strides[0] = _("Stride 1");
  strides[1] = _("Stride 2");
  paddings[0] = _("Valid (no border)");
  paddings[1] = _("Same (zero border)");

  /* The settings, wrapping onto a second row in a small window. */
  flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 8);
  /* At least three a line: one a line would make the page taller than a
   * small screen (GtkWindow asks for the height at the minimum width). */
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_widget_set_margin_start (flow, 12);
  gtk_widget_set_margin_end (flow, 12);
  gtk_widget_set_margin_top (flow, 6);
  self->toolbar = flow;

  for (int k = 0; k < CONVOLVE_CONV_N_INPUT_PRESETS; k++)
    g_ptr_array_add (inputs, (gpointer) convolve_conv_input_preset_name (k));
  g_ptr_array_add (inputs, (gpointer) _("Your drawing"));
  g_ptr_array_add (inputs, (gpointer) _("Custom"));
  g_ptr_array_add (inputs, NULL);
  self->input_items = gtk_string_list_new ((const char *const *) inputs->pdata);
  self->input_menu = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->input_items)), NULL);

  self->kernel_items = gtk_string_list_new (NULL);
  rebuild_kernel_items (self);
  self->kernel_menu = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->kernel_items)), NULL);

  self->bias_spin = gtk_spin_button_new_with_range (-9.0, 9.0, 0.1);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->bias_spin), 2);
  self->activation_menu = drop_down (activations, _("Activation"));
  self->stride_menu = drop_down (strides, _("Stride"));
  self->padding_menu = drop_down (paddings, _("Padding"));

  gtk_flow_box_append (GTK_FLOW_BOX (flow), labelled (_("_Input"), self->input_menu));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), labelled (_("_Kernel"), self->kernel_menu));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), labelled (_("_Bias"), self->bias_spin));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), self->activation_menu);
  gtk_flow_box_append (GTK_FLOW_BOX (flow), self->stride_menu);
  gtk_flow_box_append (GTK_FLOW_BOX (flow), self->padding_menu);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  button = gtk_toggle_button_new_with_mnemonic (_("_Numbers"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "conv.numbers");
  gtk_widget_set_tooltip_text (button, _("Show every input value (N)"));
  gtk_box_append (GTK_BOX (box), button);
  button = gtk_button_new_from_icon_name ("document-save-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "conv.export");
  gtk_widget_set_tooltip_text (button, _("Export as PNG (Ctrl+E)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Export as PNG"), -1);
  gtk_box_append (GTK_BOX (box), button);
  gtk_flow_box_append (GTK_FLOW_BOX (flow), box);

  /* Flow box children take the focus by default: let the controls have it. */
  for (GtkWidget *child = gtk_widget_get_first_child (flow); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  gtk_widget_set_parent (flow, GTK_WIDGET (self));

  /* The drawing. */
  self->view = convolve_conv_view_new (FALSE);
  gtk_widget_set_vexpand (self->view, TRUE);
  gtk_widget_set_hexpand (self->view, TRUE);
  gtk_widget_set_parent (self->view, GTK_WIDGET (self));

  /* The words. */
  info = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start (info, 18);
  gtk_widget_set_margin_end (info, 18);
  self->formula_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->formula_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->formula_label), FALSE);
  gtk_widget_add_css_class (self->formula_label, "heading");
  self->explain_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->explain_label), 0);
  gtk_label_set_yalign (GTK_LABEL (self->explain_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->explain_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->explain_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (self->explain_label, "body");
  /* A little larger than body text: it is read from the back of a class. */
  {
    PangoAttrList *attrs = pango_attr_list_new ();

    pango_attr_list_insert (attrs, pango_attr_scale_new (1.15));
    gtk_label_set_attributes (GTK_LABEL (self->explain_label), attrs);
    gtk_label_set_attributes (GTK_LABEL (self->formula_label), attrs);
    pango_attr_list_unref (attrs);
  }
  /* Room for three lines, so the grids do not jump as the text changes. */
  gtk_widget_set_size_request (self->explain_label, -1, 72);
  gtk_box_append (GTK_BOX (info), self->formula_label);
  gtk_box_append (GTK_BOX (info), self->explain_label);
  gtk_widget_set_parent (info, GTK_WIDGET (self));

  /* The transport. */
  self->transport = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (self->transport, 12);
  gtk_widget_set_margin_end (self->transport, 12);
  gtk_widget_set_margin_bottom (self->transport, 12);
  gtk_box_append (GTK_BOX (self->transport),
                  transport_button ("go-first-symbolic", "conv.first", _("First position (Home)")));
  gtk_box_append (GTK_BOX (self->transport),
                  transport_button ("go-previous-symbolic", "conv.prev", _("Step back (←)")));
  self->play_button = transport_button ("media-playback-start-symbolic", "conv.play",
                                        _("Play (Space)"));
  gtk_widget_add_css_class (self->play_button, "suggested-action");
  gtk_widget_add_css_class (self->play_button, "circular");
  gtk_box_append (GTK_BOX (self->transport), self->play_button);
  gtk_box_append (GTK_BOX (self->transport),
                  transport_button ("go-next-symbolic", "conv.next", _("Step forward (→)")));
  gtk_box_append (GTK_BOX (self->transport),
                  transport_button ("go-last-symbolic", "conv.last", _("Last position (End)")));

  self->scrubber = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1);
  gtk_scale_set_draw_value (GTK_SCALE (self->scrubber), FALSE);
  gtk_widget_set_hexpand (self->scrubber, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scrubber), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Position"), -1);
  gtk_box_append (GTK_BOX (self->transport), self->scrubber);
  self->position_label = gtk_label_new ("1 / 45");
  gtk_label_set_width_chars (GTK_LABEL (self->position_label), 7);
  gtk_widget_add_css_class (self->position_label, "numeric");
  gtk_box_append (GTK_BOX (self->transport), self->position_label);
  self->speed_menu = drop_down (speed_names, _("Speed"));
  gtk_box_append (GTK_BOX (self->transport), labelled (_("_Speed"), self->speed_menu));
  gtk_widget_set_parent (self->transport, GTK_WIDGET (self));

  g_signal_connect_object (self->view, "changed", G_CALLBACK (view_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->input_menu, "notify::selected",
                           G_CALLBACK (input_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->kernel_menu, "notify::selected",
                           G_CALLBACK (kernel_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->bias_spin, "value-changed",
                           G_CALLBACK (bias_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->activation_menu, "notify::selected",
                           G_CALLBACK (geometry_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stride_menu, "notify::selected",
                           G_CALLBACK (geometry_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->padding_menu, "notify::selected",
                           G_CALLBACK (geometry_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->speed_menu, "notify::selected",
                           G_CALLBACK (speed_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scrubber, "value-changed",
                           G_CALLBACK (scrubber_changed_cb), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->view, "show-numbers", self, "show-numbers",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

/* ------------------------------------------------------------- GObject */

static void
convolve_conv_page_dispose (GObject *object)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (object);
  GtkWidget *child;

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->input_items);
  g_clear_object (&self->kernel_items);

  G_OBJECT_CLASS (convolve_conv_page_parent_class)->dispose (object);
}

static void
convolve_conv_page_finalize (GObject *object)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (object);

  g_clear_pointer (&self->model_net, cv_net_free);
  g_clear_pointer (&self->drawing, g_free);

  G_OBJECT_CLASS (convolve_conv_page_parent_class)->finalize (object);
}

static void
convolve_conv_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_SHOW_NUMBERS:
      g_value_set_boolean (value, self->view != NULL &&
                           convolve_conv_view_get_show_numbers (CONVOLVE_CONV_VIEW (self->view)));
      break;
    case PROP_POSITION:
      g_value_set_int (value, convolve_conv_lesson_get_position (page_lesson (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_conv_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ConvolveConvPage *self = CONVOLVE_CONV_PAGE (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      convolve_conv_page_set_playing (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_NUMBERS:
      if (self->view != NULL &&
          convolve_conv_view_get_show_numbers (CONVOLVE_CONV_VIEW (self->view)) != g_value_get_boolean (value))
        {
          convolve_conv_view_set_show_numbers (CONVOLVE_CONV_VIEW (self->view), g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_POSITION:
      convolve_conv_lesson_set_position (page_lesson (self), g_value_get_int (value));
      page_sync (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_conv_page_class_init (ConvolveConvPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_conv_page_dispose;
  object_class->finalize = convolve_conv_page_finalize;
  object_class->get_property = convolve_conv_page_get_property;
  object_class->set_property = convolve_conv_page_set_property;

  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_NUMBERS] =
    g_param_spec_boolean ("show-numbers", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The lesson's position, 0 … n − 1 (clamped). */
  properties[PROP_POSITION] =
    g_param_spec_int ("position", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_property_action (widget_class, "conv.play", "playing");
  gtk_widget_class_install_property_action (widget_class, "conv.numbers", "show-numbers");
  gtk_widget_class_install_action (widget_class, "conv.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "conv.prev", NULL, prev_action);
  gtk_widget_class_install_action (widget_class, "conv.first", NULL, first_action);
  gtk_widget_class_install_action (widget_class, "conv.last", NULL, last_action);
  gtk_widget_class_install_action (widget_class, "conv.faster", NULL, faster_action);
  gtk_widget_class_install_action (widget_class, "conv.slower", NULL, slower_action);
  gtk_widget_class_install_action (widget_class, "conv.export", NULL, export_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "conv.play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "conv.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "conv.prev", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "conv.first", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "conv.last", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "conv.faster", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "conv.faster", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "conv.slower", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "conv.slower", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "conv.numbers", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "conv.export", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "convolveconvpage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
convolve_conv_page_init (ConvolveConvPage *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 8);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  self->speed_index = SPEED_1X;

  build_page (self);
  select_quietly (self, self->input_menu, CONVOLVE_CONV_INPUT_SQUARE);
  select_quietly (self, self->kernel_menu, CONVOLVE_CONV_KERNEL_VERTICAL_EDGE);
  select_quietly (self, self->speed_menu, SPEED_1X);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Convolution"), -1);
  page_sync (self);
}

/* ------------------------------------------------------------- public */

GtkWidget *
convolve_conv_page_new (void)
{
  return g_object_new (CONVOLVE_TYPE_CONV_PAGE, NULL);
}

void
convolve_conv_page_set_input_from_gray (ConvolveConvPage *self,
                                        const float      *gray,
                                        int               w,
                                        int               h)
{
  ConvolveConvLesson *lesson;

  g_return_if_fail (CONVOLVE_IS_CONV_PAGE (self));

  lesson = page_lesson (self);
  convolve_conv_lesson_set_input_from_gray (lesson, gray, w, h);
  g_clear_pointer (&self->drawing, g_free);
  self->drawing = g_memdup2 (convolve_conv_lesson_get_input (lesson),
                             CONVOLVE_CONV_INPUT_CELLS * sizeof (float));
  convolve_conv_lesson_first (lesson);
  select_quietly (self, self->input_menu, INPUT_DRAWING);
  page_sync (self);
}

void
convolve_conv_page_set_input (ConvolveConvPage *self,
                              const float       x[64])
{
  g_return_if_fail (CONVOLVE_IS_CONV_PAGE (self));

  convolve_conv_lesson_set_input (page_lesson (self), x);
  g_clear_pointer (&self->drawing, g_free);
  self->drawing = g_memdup2 (convolve_conv_lesson_get_input (page_lesson (self)),
                             CONVOLVE_CONV_INPUT_CELLS * sizeof (float));
  convolve_conv_lesson_first (page_lesson (self));
  select_quietly (self, self->input_menu, INPUT_DRAWING);
  page_sync (self);
}

void
convolve_conv_page_set_kernel (ConvolveConvPage *self,
                               const float       k[9])
{
  g_return_if_fail (CONVOLVE_IS_CONV_PAGE (self));

  convolve_conv_lesson_set_kernel (page_lesson (self), k);
  select_quietly (self, self->kernel_menu, kernel_custom_index (self));
  page_sync (self);
}

void
convolve_conv_page_set_model (ConvolveConvPage *self,
                              ConvolveModel    *model)
{
  g_return_if_fail (CONVOLVE_IS_CONV_PAGE (self));
  g_return_if_fail (model == NULL || CONVOLVE_IS_MODEL (model));

  g_clear_pointer (&self->model_net, cv_net_free);
  if (model != NULL)
    self->model_net = convolve_model_dup_net (model);
  {
    guint old = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kernel_menu));

    self->n_learned = convolve_conv_learned_kernel_count (self->model_net);
    rebuild_kernel_items (self);
    select_quietly (self, self->kernel_menu,
                    old < CONVOLVE_CONV_N_KERNEL_PRESETS ? old : kernel_custom_index (self));
  }
  page_sync (self);
}

gboolean
convolve_conv_page_show_learned_kernel (ConvolveConvPage *self,
                                        int               index)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_PAGE (self), FALSE);

  if (index < 0 || index >= self->n_learned)
    return FALSE;
  /* Through the menu, so that it shows the choice. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->kernel_menu),
                              CONVOLVE_CONV_N_KERNEL_PRESETS + index);
  convolve_conv_lesson_first (page_lesson (self));
  page_sync (self);
  return TRUE;
}

void
convolve_conv_page_load_from_mini (ConvolveConvPage *self,
                                   ConvolveConvMini *mini)
{
  const ConvolveConvLesson *src;

  g_return_if_fail (CONVOLVE_IS_CONV_PAGE (self));
  g_return_if_fail (CONVOLVE_IS_CONV_MINI (mini));

  src = convolve_conv_mini_get_lesson (mini);
  convolve_conv_lesson_copy_settings (page_lesson (self), src);
  g_clear_pointer (&self->drawing, g_free);
  self->drawing = g_memdup2 (convolve_conv_lesson_get_input (src),
                             CONVOLVE_CONV_INPUT_CELLS * sizeof (float));
  convolve_conv_lesson_first (page_lesson (self));
  select_quietly (self, self->input_menu, INPUT_DRAWING);
  select_quietly (self, self->kernel_menu, kernel_custom_index (self));
  page_sync (self);
}

const ConvolveConvLesson *
convolve_conv_page_get_lesson (ConvolveConvPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_PAGE (self), NULL);
  return page_lesson (self);
}

GtkWidget *
convolve_conv_page_get_view (ConvolveConvPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_PAGE (self), NULL);
  return self->view;
}

gboolean
convolve_conv_page_get_playing (ConvolveConvPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_PAGE (self), FALSE);
  return self->playing;
}

void
convolve_conv_page_set_playing (ConvolveConvPage *self,
                                gboolean          playing)
{
  ConvolveConvLesson *lesson;

  g_return_if_fail (CONVOLVE_IS_CONV_PAGE (self));

  playing = !!playing;
  if (self->playing == playing)
    return;
  self->playing = playing;
  lesson = page_lesson (self);

  if (playing)
    {
      /* Play from the end starts over. */
      if (convolve_conv_lesson_get_position (lesson) == convolve_conv_lesson_get_n_positions (lesson) - 1)
        convolve_conv_lesson_first (lesson);
      self->last_step_us = 0;
      if (self->tick_id == 0)
        self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
    }
  else if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  page_sync (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

double
convolve_conv_page_get_speed (ConvolveConvPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_PAGE (self), 1.0);
  return speeds[self->speed_index];
}
