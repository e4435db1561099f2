/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-confidence"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "convolve-confidence.h"

/* Bars close 1 - 1/e of their distance to the target every TAU seconds:
 * quick enough to follow a pen, slow enough to see the change. */
#define TAU_SECONDS 0.08

typedef struct {
  GtkWidget *row;       /* borrowed: a child of bars_box */
  GtkWidget *name;
  GtkWidget *bar;       /* GtkProgressBar, accessible label = class name */
  GtkWidget *percent;
} Row;

struct _ConvolveConfidence
{
  GtkWidget  parent_instance;

  /* template children */
  GtkWidget *box;
  GtkWidget *prediction_label;
  GtkWidget *prompt_label;
  GtkWidget *bars_box;

  /* owned */
  GtkSizeGroup *names_group;    /* the bars line up, however long a name */
  GtkSizeGroup *percent_group;
  Row       *rows;
  double    *shown;      /* (n_classes) what the bars show now */
  double    *target;     /* (n_classes) where they are heading */
  char      *prompt;

  int        n_classes;
  int        top;        /* -1: nothing drawn */
  guint      tick_id;
  gint64     last_frame_time;
};

G_DEFINE_FINAL_TYPE (ConvolveConfidence, convolve_confidence, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROMPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GtkLabel re-labels itself with its text; the top label keeps the name
 * "Prediction" and its text is the class name alone. */
static void
set_prediction_text (ConvolveConfidence *self,
                     const char         *text)
{
  gtk_label_set_text (GTK_LABEL (self->prediction_label), text);
  /* A digit fills the space; "triangle" at that size would not fit. */
  if (g_utf8_strlen (text, -1) > 3)
    gtk_widget_add_css_class (self->prediction_label, "long");
  else
    gtk_widget_remove_css_class (self->prediction_label, "long");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->prediction_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Prediction"),
                                  -1);
}

static void
show_values (ConvolveConfidence *self)
{
  for (int i = 0; i < self->n_classes; i++)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->rows[i].bar),
                                   CLAMP (self->shown[i], 0.0, 1.0));
}

static gboolean
animate_tick_cb (GtkWidget     *widget,
                 GdkFrameClock *frame_clock,
                 gpointer       user_data)
{
  ConvolveConfidence *self = CONVOLVE_CONFIDENCE (widget);
  gint64 now = gdk_frame_clock_get_frame_time (frame_clock);
  double dt, k;
  gboolean moving = FALSE;

  if (self->last_frame_time == 0)
    self->last_frame_time = now;
  dt = (now - self->last_frame_time) / (double) G_USEC_PER_SEC;
  self->last_frame_time = now;
  /* The first frame after a change moves too, by one nominal frame. */
  if (dt <= 0.0)
    dt = 1.0 / 60.0;
  k = 1.0 - exp (-dt / TAU_SECONDS);

  for (int i = 0; i < self->n_classes; i++)
    {
      double d = self->target[i] - self->shown[i];

      if (fabs (d) < 0.002)
        self->shown[i] = self->target[i];
      else
        {
          self->shown[i] += d * k;
          moving = TRUE;
        }
    }
  show_values (self);

  if (moving)
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  self->last_frame_time = 0;
  return G_SOURCE_REMOVE;
}

static void
start_animation (ConvolveConfidence *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* Nothing to watch: jump. */
      for (int i = 0; i < self->n_classes; i++)
        self->shown[i] = self->target[i];
      show_values (self);
      return;
    }

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), animate_tick_cb,
                                                  NULL, NULL);
}

static void
stop_animation (ConvolveConfidence *self)
{
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  self->last_frame_time = 0;
}

static void
clear_rows (ConvolveConfidence *self)
{
  GtkWidget *child;

  stop_animation (self);
  for (int i = 0; i < self->n_classes; i++)
    {
      gtk_size_group_remove_widget (self->names_group, self->rows[i].name);
      gtk_size_group_remove_widget (self->percent_group, self->rows[i].percent);
    }
  while ((child = gtk_widget_get_first_child (self->bars_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->bars_box), child);

  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->target, g_free);
  self->n_classes = 0;
  self->top = -1;
}

static void
convolve_confidence_unmap (GtkWidget *widget)
{
  ConvolveConfidence *self = CONVOLVE_CONFIDENCE (widget);

  stop_animation (self);
  for (int i = 0; i < self->n_classes; i++)
    self->shown[i] = self->target[i];
  show_values (self);

  GTK_WIDGET_CLASS (convolve_confidence_parent_class)->unmap (widget);
}

static void
convolve_confidence_dispose (GObject *object)
{
  ConvolveConfidence *self = CONVOLVE_CONFIDENCE (object);

  stop_animation (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONVOLVE_TYPE_CONFIDENCE);

  G_OBJECT_CLASS (convolve_confidence_parent_class)->dispose (object);
}

static void
convolve_confidence_finalize (GObject *object)
{
  ConvolveConfidence *self = CONVOLVE_CONFIDENCE (object);

  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->prompt, g_free);
  g_clear_object (&self->names_group);
  g_clear_object (&self->percent_group);

  G_OBJECT_CLASS (convolve_confidence_parent_class)->finalize (object);
}

static void
convolve_confidence_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConvolveConfidence *self = CONVOLVE_CONFIDENCE (object);

  switch (prop_id)
    {
    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_confidence_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ConvolveConfidence *self = CONVOLVE_CONFIDENCE (object);

  switch (prop_id)
    {
    case PROP_PROMPT:
      convolve_confidence_set_prompt (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_confidence_class_init (ConvolveConfidenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_confidence_dispose;
  object_class->finalize = convolve_confidence_finalize;
  object_class->get_property = convolve_confidence_get_property;
  object_class->set_property = convolve_confidence_set_property;

  widget_class->unmap = convolve_confidence_unmap;

  properties[PROP_PROMPT] =
    g_param_spec_string ("prompt", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/convolve/Convolve/ui/convolve-confidence.ui");
  gtk_widget_class_bind_template_child (widget_class, ConvolveConfidence, box);
  gtk_widget_class_bind_template_child (widget_class, ConvolveConfidence, prediction_label);
  gtk_widget_class_bind_template_child (widget_class, ConvolveConfidence, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, ConvolveConfidence, bars_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "convolveconfidence");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
convolve_confidence_init (ConvolveConfidence *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->top = -1;
  self->names_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->percent_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  gtk_overlay_set_measure_overlay (GTK_OVERLAY (gtk_widget_get_parent (self->prompt_label)),
                                   self->prompt_label, TRUE);
  set_prediction_text (self, "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confidence"),
                                  -1);
}

GtkWidget *
convolve_confidence_new (void)
{
  return g_object_new (CONVOLVE_TYPE_CONFIDENCE, NULL);
}

void
convolve_confidence_set_classes (ConvolveConfidence *self,
                                 const char * const *names,
                                 int                 n_classes)
{
  g_return_if_fail (CONVOLVE_IS_CONFIDENCE (self));
  g_return_if_fail (n_classes >= 0);
  g_return_if_fail (n_classes == 0 || names != NULL);

  clear_rows (self);

  self->n_classes = n_classes;
  self->rows = g_new0 (Row, MAX (n_classes, 1));
  self->shown = g_new0 (double, MAX (n_classes, 1));
  self->target = g_new0 (double, MAX (n_classes, 1));

  for (int i = 0; i < n_classes; i++)
    {
      Row *row = &self->rows[i];

      row->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      gtk_widget_add_css_class (row->row, "bar-row");

      row->name = gtk_label_new (names[i]);
      gtk_label_set_xalign (GTK_LABEL (row->name), 0.0f);
      gtk_label_set_width_chars (GTK_LABEL (row->name), 2);
      gtk_widget_add_css_class (row->name, "class-name");
      gtk_size_group_add_widget (self->names_group, row->name);
      gtk_box_append (GTK_BOX (row->row), row->name);

      row->bar = gtk_progress_bar_new ();
      gtk_widget_set_hexpand (row->bar, TRUE);
      gtk_widget_set_valign (row->bar, GTK_ALIGN_CENTER);
      /* The bar's value (0..1) is GtkProgressBar's own; the name is the
       * class, the value text and description the percentage. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->bar),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, names[i],
                                      -1);
      gtk_box_append (GTK_BOX (row->row), row->bar);

      row->percent = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (row->percent), 1.0f);
      gtk_label_set_width_chars (GTK_LABEL (row->percent), 5);
      gtk_widget_add_css_class (row->percent, "numeric");
      gtk_widget_add_css_class (row->percent, "percent");
      gtk_size_group_add_widget (self->percent_group, row->percent);
      gtk_box_append (GTK_BOX (row->row), row->percent);

      gtk_box_append (GTK_BOX (self->bars_box), row->row);
    }

  convolve_confidence_set_probabilities (self, NULL);
}

int
convolve_confidence_get_n_classes (ConvolveConfidence *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONFIDENCE (self), 0);

  return self->n_classes;
}

void
convolve_confidence_set_probabilities (ConvolveConfidence *self,
                                       const float        *probs)
{
  int top = -1;

  g_return_if_fail (CONVOLVE_IS_CONFIDENCE (self));

  if (probs != NULL && self->n_classes > 0)
    {
      top = 0;
      for (int i = 1; i < self->n_classes; i++)
        if (probs[i] > probs[top])
          top = i;
    }

  for (int i = 0; i < self->n_classes; i++)
    {
      Row *row = &self->rows[i];
      double p = probs != NULL ? CLAMP (probs[i], 0.0f, 1.0f) : 0.0;
      /* Translators: a class's probability, e.g. "87 %"; use your
       * language's spacing and sign. */
      g_autofree char *text = probs != NULL ? g_strdup_printf (_("%d %%"), (int) lround (p * 100.0))
                                            : g_strdup ("");

      self->target[i] = p;
      gtk_label_set_text (GTK_LABEL (row->percent), text);
      /* The percentage for a screen reader, as a value and as words. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->bar),
                                      GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                      -1);
      if (i == top)
        gtk_widget_add_css_class (row->row, "top");
      else
        gtk_widget_remove_css_class (row->row, "top");
    }

  if (top != self->top)
    {
      self->top = top;
      set_prediction_text (self, top >= 0 ? gtk_label_get_text (GTK_LABEL (self->rows[top].name)) : "");
    }
  gtk_widget_set_visible (self->prompt_label, top < 0);

  start_animation (self);
}

int
convolve_confidence_get_top (ConvolveConfidence *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONFIDENCE (self), -1);

  return self->top;
}

void
convolve_confidence_set_prompt (ConvolveConfidence *self,
                                const char         *prompt)
{
  g_return_if_fail (CONVOLVE_IS_CONFIDENCE (self));

  if (g_strcmp0 (prompt, self->prompt) == 0)
    return;

  g_free (self->prompt);
  self->prompt = g_strdup (prompt);
  gtk_label_set_text (GTK_LABEL (self->prompt_label), prompt != NULL ? prompt : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROMPT]);
}

const char *
convolve_confidence_get_prompt (ConvolveConfidence *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONFIDENCE (self), NULL);

  return self->prompt;
}

gboolean
convolve_confidence_is_animating (ConvolveConfidence *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONFIDENCE (self), FALSE);

  return self->tick_id != 0;
}
