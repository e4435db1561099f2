/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-input-view"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "convolve-input-view.h"

struct _ConvolveInputView
{
  GtkWidget  parent_instance;

  int        size;
  float     *plain;        /* (size, size) */
  float     *normalized;   /* (size, size) */
  gboolean   show_normalized;
};

G_DEFINE_FINAL_TYPE (ConvolveInputView, convolve_input_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SHOW_NORMALIZED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
convolve_input_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  ConvolveInputView *self = CONVOLVE_INPUT_VIEW (widget);
  const float *pixels = self->show_normalized ? self->normalized : self->plain;
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  int n = self->size;
  int cell, ox, oy;
  GdkRGBA ink, grid;

  if (n <= 0)
    return;

  /* Whole device pixels per cell keep every cell the same size and crisp. */
  cell = MAX (1, MIN (w, h) / n);
  ox = (w - cell * n) / 2;
  oy = (h - cell * n) / 2;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &ink);
  grid = ink;
  grid.alpha = 0.12f;

  if (pixels != NULL)
    for (int y = 0; y < n; y++)
      for (int x = 0; x < n; x++)
        {
          float v = pixels[y * n + x];
          GdkRGBA c = ink;

          if (v <= 1.0f / 255.0f)
            continue;
          c.alpha = MIN (v, 1.0f);
          gtk_snapshot_append_color (snapshot, &c,
                                     &GRAPHENE_RECT_INIT (ox + x * cell, oy + y * cell,
                                                          cell, cell));
        }

  /* A faint grid, so the cells read as pixels even where there is no ink. */
  if (cell >= 4)
    for (int i = 0; i <= n; i++)
      {
        gtk_snapshot_append_color (snapshot, &grid,
                                   &GRAPHENE_RECT_INIT (ox + i * cell, oy, 1, cell * n));
        gtk_snapshot_append_color (snapshot, &grid,
                                   &GRAPHENE_RECT_INIT (ox, oy + i * cell, cell * n, 1));
      }
}

static void
convolve_input_view_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  ConvolveInputView *self = CONVOLVE_INPUT_VIEW (widget);
  int n = self->size > 0 ? self->size : 28;

  /* At least 4 px per cell and never below 112 px; the window sets the
   * size it wants with a size request. */
  *minimum = *natural = MAX (112, n * 4);
}

static GtkSizeRequestMode
convolve_input_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
convolve_input_view_finalize (GObject *object)
{
  ConvolveInputView *self = CONVOLVE_INPUT_VIEW (object);

  g_clear_pointer (&self->plain, g_free);
  g_clear_pointer (&self->normalized, g_free);

  G_OBJECT_CLASS (convolve_input_view_parent_class)->finalize (object);
}

static void
convolve_input_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConvolveInputView *self = CONVOLVE_INPUT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_NORMALIZED:
      g_value_set_boolean (value, self->show_normalized);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_input_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ConvolveInputView *self = CONVOLVE_INPUT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_NORMALIZED:
      convolve_input_view_set_show_normalized (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_input_view_class_init (ConvolveInputViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = convolve_input_view_finalize;
  object_class->get_property = convolve_input_view_get_property;
  object_class->set_property = convolve_input_view_set_property;

  widget_class->snapshot = convolve_input_view_snapshot;
  widget_class->measure = convolve_input_view_measure;
  widget_class->get_request_mode = convolve_input_view_get_request_mode;

  properties[PROP_SHOW_NORMALIZED] =
    g_param_spec_boolean ("show-normalized", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "convolveinputview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
convolve_input_view_init (ConvolveInputView *self)
{
  self->show_normalized = TRUE;
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What the network sees"),
                                  -1);
}

GtkWidget *
convolve_input_view_new (void)
{
  return g_object_new (CONVOLVE_TYPE_INPUT_VIEW, NULL);
}

void
convolve_input_view_set_input (ConvolveInputView *self,
                               int                size,
                               const float       *plain,
                               const float       *normalized)
{
  gsize n;

  g_return_if_fail (CONVOLVE_IS_INPUT_VIEW (self));
  g_return_if_fail (size > 0);

  n = (gsize) size * size;
  if (size != self->size)
    {
      self->size = size;
      g_clear_pointer (&self->plain, g_free);
      g_clear_pointer (&self->normalized, g_free);
      self->plain = g_new0 (float, n);
      self->normalized = g_new0 (float, n);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }

  if (plain != NULL)
    memcpy (self->plain, plain, n * sizeof (float));
  else
    memset (self->plain, 0, n * sizeof (float));
  if (normalized != NULL)
    memcpy (self->normalized, normalized, n * sizeof (float));
  else
    memset (self->normalized, 0, n * sizeof (float));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
convolve_input_view_get_size (ConvolveInputView *self)
{
  g_return_val_if_fail (CONVOLVE_IS_INPUT_VIEW (self), 0);

  return self->size;
}

gboolean
convolve_input_view_get_show_normalized (ConvolveInputView *self)
{
  g_return_val_if_fail (CONVOLVE_IS_INPUT_VIEW (self), FALSE);

  return self->show_normalized;
}

void
convolve_input_view_set_show_normalized (ConvolveInputView *self,
                                         gboolean           show_normalized)
{
  g_return_if_fail (CONVOLVE_IS_INPUT_VIEW (self));

  show_normalized = !!show_normalized;
  if (show_normalized == self->show_normalized)
    return;

  self->show_normalized = show_normalized;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_NORMALIZED]);
}
