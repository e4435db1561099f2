/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-conv-mini"

#include "config.h"

#include <glib/gi18n.h>

#include "convolve-conv-mini.h"
#include "convolve-conv-view.h"

#define STEP_SECONDS  0.25   /* per position */
#define HOLD_SECONDS  1.5    /* on the finished map before starting over */

struct _ConvolveConvMini
{
  GtkWidget      parent_instance;

  /* children */
  GtkWidget     *title;
  GtkWidget     *view;
  GtkWidget     *kernel_menu;

  /* owned */
  GtkStringList *kernel_items;
  CvNet         *model_net;

  int            n_learned;
  guint          tick_id;
  gint64         last_step_us;
  gboolean       syncing;
};

G_DEFINE_FINAL_TYPE (ConvolveConvMini, convolve_conv_mini, GTK_TYPE_WIDGET)

enum {
  OPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------- helpers */

static ConvolveConvLesson *
mini_lesson (ConvolveConvMini *self)
{
  return convolve_conv_view_get_lesson (CONVOLVE_CONV_VIEW (self->view));
}

static void
restart (ConvolveConvMini *self)
{
  convolve_conv_lesson_first (mini_lesson (self));
  self->last_step_us = 0;
  convolve_conv_view_refresh (CONVOLVE_CONV_VIEW (self->view));
}

static void
rebuild_kernel_items (ConvolveConvMini *self)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->kernel_items));
  guint old = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kernel_menu));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (int k = 0; k < CONVOLVE_CONV_N_KERNEL_PRESETS; k++)
    g_ptr_array_add (names, g_strdup (convolve_conv_kernel_preset_name (k)));
  for (int k = 0; k < self->n_learned; k++)
    g_ptr_array_add (names, g_strdup_printf (_("Learned kernel %d"), k + 1));
  g_ptr_array_add (names, NULL);

  self->syncing = TRUE;
  gtk_string_list_splice (self->kernel_items, 0, n_old, (const char *const *) names->pdata);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->kernel_menu),
                              old < (guint) (CONVOLVE_CONV_N_KERNEL_PRESETS + self->n_learned) ? old : 0);
  self->syncing = FALSE;
}

/* ------------------------------------------------------------- callbacks */

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ConvolveConvMini *self = CONVOLVE_CONV_MINI (widget);
  ConvolveConvLesson *lesson = mini_lesson (self);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  int last = convolve_conv_lesson_get_n_conv_positions (lesson) - 1;
  gboolean at_end = convolve_conv_lesson_get_position (lesson) >= last;
  gint64 wait = (gint64) ((at_end ? HOLD_SECONDS : STEP_SECONDS) * G_USEC_PER_SEC);

  if (self->last_step_us == 0)
    self->last_step_us = now;
  if (now - self->last_step_us < wait)
    return G_SOURCE_CONTINUE;
  self->last_step_us = now;

  /* The convolution only; the full page shows the pool stage. */
  if (at_end)
    convolve_conv_lesson_first (lesson);
  else
    convolve_conv_lesson_next (lesson);
  convolve_conv_view_refresh (CONVOLVE_CONV_VIEW (self->view));
  return G_SOURCE_CONTINUE;
}

static void
kernel_selected_cb (ConvolveConvMini *self)
{
  guint item = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kernel_menu));

  if (self->syncing)
    return;
  if (item < CONVOLVE_CONV_N_KERNEL_PRESETS)
    convolve_conv_lesson_set_kernel_preset (mini_lesson (self), item);
  else
    convolve_conv_lesson_set_learned_kernel (mini_lesson (self), self->model_net,
                                             item - CONVOLVE_CONV_N_KERNEL_PRESETS);
  restart (self);
}

static void
released_cb (GtkGestureClick  *click,
             int               n_press,
             double            x,
             double            y,
             ConvolveConvMini *self)
{
  g_signal_emit (self, signals[OPEN], 0);
}

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  g_signal_emit (widget, signals[OPEN], 0);
}

/* ------------------------------------------------------------- GtkWidget */

static void
convolve_conv_mini_map (GtkWidget *widget)
{
  ConvolveConvMini *self = CONVOLVE_CONV_MINI (widget);

  GTK_WIDGET_CLASS (convolve_conv_mini_parent_class)->map (widget);
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, NULL, NULL);
}

static void
convolve_conv_mini_unmap (GtkWidget *widget)
{
  ConvolveConvMini *self = CONVOLVE_CONV_MINI (widget);

  /* Hidden: no frames, no work. */
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  GTK_WIDGET_CLASS (convolve_conv_mini_parent_class)->unmap (widget);
}

/* ------------------------------------------------------------- GObject */

static void
convolve_conv_mini_dispose (GObject *object)
{
  ConvolveConvMini *self = CONVOLVE_CONV_MINI (object);
  GtkWidget *child;

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->kernel_items);

  G_OBJECT_CLASS (convolve_conv_mini_parent_class)->dispose (object);
}

static void
convolve_conv_mini_finalize (GObject *object)
{
  ConvolveConvMini *self = CONVOLVE_CONV_MINI (object);

  g_clear_pointer (&self->model_net, cv_net_free);

  G_OBJECT_CLASS (convolve_conv_mini_parent_class)->finalize (object);
}

static void
convolve_conv_mini_class_init (ConvolveConvMiniClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_conv_mini_dispose;
  object_class->finalize = convolve_conv_mini_finalize;
  widget_class->map = convolve_conv_mini_map;
  widget_class->unmap = convolve_conv_mini_unmap;

  /* Show this input and kernel in the full step-through. */
  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "mini.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "mini.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "mini.open", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "convolveconvmini");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
convolve_conv_mini_init (ConvolveConvMini *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkGesture *click;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->title = gtk_label_new (_("A kernel sliding over your drawing"));
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_wrap (GTK_LABEL (self->title), TRUE);
  gtk_widget_add_css_class (self->title, "heading");
  gtk_widget_set_parent (self->title, GTK_WIDGET (self));

  self->view = convolve_conv_view_new (TRUE);
  gtk_widget_set_vexpand (self->view, TRUE);
  gtk_widget_set_focusable (self->view, TRUE);
  gtk_widget_set_tooltip_text (self->view, _("Click to step through it on the Convolution page"));
  gtk_widget_set_cursor_from_name (self->view, "pointer");
  gtk_widget_set_parent (self->view, GTK_WIDGET (self));
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (self->view, GTK_EVENT_CONTROLLER (click));

  self->kernel_items = gtk_string_list_new (NULL);
  self->kernel_menu = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->kernel_items)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kernel_menu), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Kernel"), -1);
  gtk_widget_set_parent (self->kernel_menu, GTK_WIDGET (self));
  rebuild_kernel_items (self);
  g_signal_connect_object (self->kernel_menu, "notify::selected",
                           G_CALLBACK (kernel_selected_cb), self, G_CONNECT_SWAPPED);

  convolve_conv_lesson_set_input_preset (mini_lesson (self), CONVOLVE_CONV_INPUT_EMPTY, 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Convolution preview"), -1);
}

/* ------------------------------------------------------------- public */

GtkWidget *
convolve_conv_mini_new (void)
{
  return g_object_new (CONVOLVE_TYPE_CONV_MINI, NULL);
}

void
convolve_conv_mini_set_input_from_gray (ConvolveConvMini *self,
                                        const float      *gray,
                                        int               w,
                                        int               h)
{
  g_return_if_fail (CONVOLVE_IS_CONV_MINI (self));

  convolve_conv_lesson_set_input_from_gray (mini_lesson (self), gray, w, h);
  restart (self);
}

void
convolve_conv_mini_set_model (ConvolveConvMini *self,
                              ConvolveModel    *model)
{
  g_return_if_fail (CONVOLVE_IS_CONV_MINI (self));
  g_return_if_fail (model == NULL || CONVOLVE_IS_MODEL (model));

  g_clear_pointer (&self->model_net, cv_net_free);
  if (model != NULL)
    self->model_net = convolve_model_dup_net (model);
  self->n_learned = convolve_conv_learned_kernel_count (self->model_net);
  rebuild_kernel_items (self);
  kernel_selected_cb (self);
}

const ConvolveConvLesson *
convolve_conv_mini_get_lesson (ConvolveConvMini *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_MINI (self), NULL);
  return mini_lesson (self);
}
