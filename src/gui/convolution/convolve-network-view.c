/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-network-view"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "convolve-network-view.h"
#include "convolve-network-draw.h"
#include "convolve-conv-view.h"

struct _ConvolveNetworkView
{
  GtkWidget              parent_instance;

  /* owned */
  ConvolveModel         *model;
  CvNet                 *net;
  float                 *input;        /* (size, size) what the network sees, or NULL */
  char                 **class_names;

  ConvolveNetworkLayout  layout;
};

G_DEFINE_FINAL_TYPE (ConvolveNetworkView, convolve_network_view, GTK_TYPE_WIDGET)

enum {
  KERNEL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------- helpers */

static void
run_forward (ConvolveNetworkView *self)
{
  if (self->net != NULL && self->input != NULL &&
      cv_net_forward (self->net, self->input, 1) != CV_OK)
    g_clear_pointer (&self->input, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------- callbacks */

static void
pressed_cb (GtkGestureClick     *click,
            int                  n_press,
            double               x,
            double               y,
            ConvolveNetworkView *self)
{
  int map = convolve_network_hit_first_map (&self->layout, x, y);

  if (map >= 0)
    g_signal_emit (self, signals[KERNEL_ACTIVATED], 0, map);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ConvolveNetworkView      *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   convolve_network_hit_first_map (&self->layout, x, y) >= 0
                                   ? "pointer" : NULL);
}

/* ------------------------------------------------------------- GtkWidget */

static void
convolve_network_view_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  ConvolveNetworkView *self = CONVOLVE_NETWORK_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  ConvolveConvPalette palette;
  cairo_t *cr;

  if (self->net == NULL || w <= 0 || h <= 0)
    return;

  convolve_conv_view_get_palette (widget, &palette);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  convolve_network_draw (cr, self->net, self->input, (const char *const *) self->class_names,
                         w, h, &palette, &self->layout);
  cairo_destroy (cr);
}

static void
convolve_network_view_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 360;
      *natural = 900;
    }
  else
    {
      *minimum = 240;
      *natural = 560;
    }
}

/* ------------------------------------------------------------- GObject */

static void
convolve_network_view_dispose (GObject *object)
{
  ConvolveNetworkView *self = CONVOLVE_NETWORK_VIEW (object);

  g_clear_object (&self->model);

  G_OBJECT_CLASS (convolve_network_view_parent_class)->dispose (object);
}

static void
convolve_network_view_finalize (GObject *object)
{
  ConvolveNetworkView *self = CONVOLVE_NETWORK_VIEW (object);

  g_clear_pointer (&self->net, cv_net_free);
  g_clear_pointer (&self->input, g_free);
  g_clear_pointer (&self->class_names, g_strfreev);

  G_OBJECT_CLASS (convolve_network_view_parent_class)->finalize (object);
}

static void
convolve_network_view_class_init (ConvolveNetworkViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_network_view_dispose;
  object_class->finalize = convolve_network_view_finalize;
  widget_class->snapshot = convolve_network_view_snapshot;
  widget_class->measure = convolve_network_view_measure;

  /* A first-layer feature map was clicked: show its kernel (index). */
  signals[KERNEL_ACTIVATED] = g_signal_new ("kernel-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "convolvenetworkview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
convolve_network_view_init (ConvolveNetworkView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Every layer's output"), -1);
}

/* ------------------------------------------------------------- public */

GtkWidget *
convolve_network_view_new (void)
{
  return g_object_new (CONVOLVE_TYPE_NETWORK_VIEW, NULL);
}

void
convolve_network_view_set_model (ConvolveNetworkView *self,
                                 ConvolveModel       *model)
{
  int n;

  g_return_if_fail (CONVOLVE_IS_NETWORK_VIEW (self));
  g_return_if_fail (model == NULL || CONVOLVE_IS_MODEL (model));

  if (model != self->model)
    {
      g_clear_pointer (&self->input, g_free);
      g_set_object (&self->model, model);
    }
  g_clear_pointer (&self->net, cv_net_free);
  g_clear_pointer (&self->class_names, g_strfreev);
  if (model == NULL)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  self->net = convolve_model_dup_net (model);
  n = convolve_model_get_n_classes (model);
  self->class_names = g_new0 (char *, n + 1);
  for (int k = 0; k < n; k++)
    /* The shipped models' class names, translated (as the Draw page does). */
    self->class_names[k] = g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, "class name",
                                                   convolve_model_get_class_name (model, k)));
  run_forward (self);
}

void
convolve_network_view_set_input_from_gray (ConvolveNetworkView *self,
                                           const float         *gray,
                                           int                  w,
                                           int                  h)
{
  int size, n_classes;
  g_autofree float *probs = NULL;
  g_autofree float *input = NULL;

  g_return_if_fail (CONVOLVE_IS_NETWORK_VIEW (self));

  if (self->model == NULL)
    return;
  size = convolve_model_get_input_size (self->model);
  n_classes = convolve_model_get_n_classes (self->model);
  probs = g_new0 (float, MAX (n_classes, 1));
  input = g_new0 (float, (gsize) size * size);

  g_clear_pointer (&self->input, g_free);
  /* The data layer's one preprocessing path, so this is what the model sees. */
  if (gray != NULL && convolve_model_predict_image (self->model, gray, w, h, probs, input))
    self->input = g_steal_pointer (&input);
  run_forward (self);
}
