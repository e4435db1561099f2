/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-add-to-class"

#include "config.h"

#include <glib/gi18n.h>

#include "convolve-add-to-class.h"
#include "convolve-class-manager.h"
#include "convolve-image-grid.h"
#include "convolve-train-style.h"

struct _ConvolveAddToClassPopover
{
  GtkPopover          parent_instance;

  /* children */
  GtkWidget          *preview;
  GtkWidget          *classes_box;
  GtkWidget          *new_entry;
  GtkWidget          *new_button;
  GtkWidget          *status;

  /* owned */
  ConvolveClassStore *store;
  float              *gray;      /* (h, w) */
  int                 w;
  int                 h;
};

G_DEFINE_FINAL_TYPE (ConvolveAddToClassPopover, convolve_add_to_class_popover, GTK_TYPE_POPOVER)

enum {
  SAMPLE_ADDED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_status (ConvolveAddToClassPopover *self,
            const char                *text)
{
  gtk_label_set_text (GTK_LABEL (self->status), text != NULL ? text : "");
  gtk_widget_set_visible (self->status, text != NULL && text[0] != '\0');
}

static void
forward_warnings (ConvolveAddToClassPopover *self)
{
  g_auto(GStrv) warnings = convolve_class_store_take_warnings (self->store);

  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    g_signal_emit (self, signals[MESSAGE], 0, warnings[i]);
}

static void
class_clicked_cb (GtkButton                 *button,
                  ConvolveAddToClassPopover *self)
{
  g_autoptr(GError) error = NULL;
  guint klass = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "class"));

  if (!convolve_add_to_class_popover_add_to (self, klass, &error))
    set_status (self, error->message);
}

static void
new_class_cb (GtkWidget                 *widget,
              ConvolveAddToClassPopover *self)
{
  g_autoptr(GError) error = NULL;
  int klass;

  if (self->gray == NULL)
    {
      set_status (self, _("Nothing is drawn yet: draw something first."));
      return;
    }
  klass = convolve_class_store_add_class (self->store,
                                          gtk_editable_get_text (GTK_EDITABLE (self->new_entry)),
                                          &error);
  if (klass < 0)
    {
      set_status (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->new_entry), "");
  if (!convolve_add_to_class_popover_add_to (self, (guint) klass, &error))
    set_status (self, error->message);
}

static void
manage_cb (GtkButton                 *button,
           ConvolveAddToClassPopover *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *window;

  gtk_popover_popdown (GTK_POPOVER (self));
  window = convolve_class_manager_window_new (self->store, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static void
rebuild (ConvolveAddToClassPopover *self)
{
  GtkWidget *child;
  guint n = convolve_class_store_get_n_classes (self->store);

  while ((child = gtk_widget_get_first_child (self->classes_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->classes_box), child);

  for (guint i = 0; i < n; i++)
    {
      guint samples = convolve_class_store_get_n_samples (self->store, i);
      g_autofree char *text = NULL;
      GtkWidget *button;

      /* Translators: a class button, e.g. "star · 4 drawings" */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u drawing", "%s · %u drawings", samples),
                              convolve_class_store_get_class_name (self->store, i), samples);
      button = gtk_button_new_with_label (text);
      gtk_widget_set_halign (gtk_button_get_child (GTK_BUTTON (button)), GTK_ALIGN_START);
      g_object_set_data (G_OBJECT (button), "class", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (class_clicked_cb), self);
      gtk_box_append (GTK_BOX (self->classes_box), button);
    }
  if (n == 0)
    {
      GtkWidget *hint = gtk_label_new (_("No classes yet. Name the first one below — for example “star” — and this drawing becomes its first example."));
      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (hint), 30);
      gtk_label_set_xalign (GTK_LABEL (hint), 0.0f);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_box_append (GTK_BOX (self->classes_box), hint);
    }
  gtk_widget_set_sensitive (self->new_entry, n < CONVOLVE_CLASS_STORE_MAX_CLASSES);
  gtk_widget_set_sensitive (self->new_button, n < CONVOLVE_CLASS_STORE_MAX_CLASSES);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    forward_warnings (self);
}

/* Problems found while loading are reported when the popover first
 * shows, once the window listens to ::message. */
static void
convolve_add_to_class_popover_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (convolve_add_to_class_popover_parent_class)->map (widget);
  forward_warnings (CONVOLVE_ADD_TO_CLASS_POPOVER (widget));
}

static void
store_changed_cb (ConvolveClassStore        *store,
                  ConvolveAddToClassPopover *self)
{
  rebuild (self);
}

static void
convolve_add_to_class_popover_dispose (GObject *object)
{
  ConvolveAddToClassPopover *self = CONVOLVE_ADD_TO_CLASS_POPOVER (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (convolve_add_to_class_popover_parent_class)->dispose (object);
}

static void
convolve_add_to_class_popover_finalize (GObject *object)
{
  ConvolveAddToClassPopover *self = CONVOLVE_ADD_TO_CLASS_POPOVER (object);

  g_clear_pointer (&self->gray, g_free);

  G_OBJECT_CLASS (convolve_add_to_class_popover_parent_class)->finalize (object);
}

static void
convolve_add_to_class_popover_class_init (ConvolveAddToClassPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_add_to_class_popover_dispose;
  object_class->finalize = convolve_add_to_class_popover_finalize;
  widget_class->map = convolve_add_to_class_popover_map;

  /**
   * ConvolveAddToClassPopover::sample-added:
   * @class_index: the class that received the drawing
   */
  signals[SAMPLE_ADDED] =
    g_signal_new ("sample-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * ConvolveAddToClassPopover::message:
   * @text: one sentence for a toast
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
convolve_add_to_class_popover_init (ConvolveAddToClassPopover *self)
{
  GtkWidget *box, *title, *row, *button, *top;

  convolve_train_style_ensure ();

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->preview = convolve_image_grid_new (56, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("The drawing to add"),
                                  -1);
  gtk_box_append (GTK_BOX (top), self->preview);
  title = gtk_label_new (_("Add this drawing to:"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_box_append (GTK_BOX (top), title);
  gtk_box_append (GTK_BOX (box), top);

  self->classes_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (box), self->classes_box);

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->new_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->new_entry), _("New class"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->new_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of a new class"),
                                  -1);
  gtk_widget_set_hexpand (self->new_entry, TRUE);
  g_signal_connect (self->new_entry, "activate", G_CALLBACK (new_class_cb), self);
  gtk_box_append (GTK_BOX (row), self->new_entry);
  self->new_button = gtk_button_new_with_mnemonic (_("_Create"));
  gtk_widget_set_tooltip_text (self->new_button, _("Start a new class with this drawing"));
  g_signal_connect (self->new_button, "clicked", G_CALLBACK (new_class_cb), self);
  gtk_box_append (GTK_BOX (row), self->new_button);
  gtk_box_append (GTK_BOX (box), row);

  self->status = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->status), 30);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0.0f);
  gtk_widget_add_css_class (self->status, "error");
  gtk_widget_set_visible (self->status, FALSE);
  gtk_box_append (GTK_BOX (box), self->status);

  button = gtk_button_new_with_mnemonic (_("_Manage Classes…"));
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", G_CALLBACK (manage_cb), self);
  gtk_box_append (GTK_BOX (box), button);

  gtk_popover_set_child (GTK_POPOVER (self), box);
}

GtkWidget *
convolve_add_to_class_popover_new (ConvolveClassStore *store)
{
  ConvolveAddToClassPopover *self;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (store), NULL);

  self = g_object_new (CONVOLVE_TYPE_ADD_TO_CLASS_POPOVER, NULL);
  self->store = g_object_ref (store);
  g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  rebuild (self);
  return GTK_WIDGET (self);
}

void
convolve_add_to_class_popover_set_drawing (ConvolveAddToClassPopover *self,
                                           const float               *gray,
                                           int                        w,
                                           int                        h)
{
  g_return_if_fail (CONVOLVE_IS_ADD_TO_CLASS_POPOVER (self));

  g_clear_pointer (&self->gray, g_free);
  convolve_image_grid_clear (CONVOLVE_IMAGE_GRID (self->preview));
  set_status (self, NULL);
  if (gray == NULL || w <= 0 || h <= 0)
    return;
  self->gray = g_memdup2 (gray, sizeof (float) * (gsize) w * h);
  self->w = w;
  self->h = h;
  convolve_image_grid_add (CONVOLVE_IMAGE_GRID (self->preview), gray, w, h, NULL);
}

gboolean
convolve_add_to_class_popover_add_to (ConvolveAddToClassPopover *self,
                                      guint                      class_index,
                                      GError                   **error)
{
  g_return_val_if_fail (CONVOLVE_IS_ADD_TO_CLASS_POPOVER (self), FALSE);

  if (self->gray == NULL)
    {
      g_set_error_literal (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_EMPTY,
                           _("Nothing is drawn yet: draw something first."));
      return FALSE;
    }
  if (!convolve_class_store_add_sample (self->store, class_index, self->gray, self->w, self->h, error))
    return FALSE;
  {
    g_autofree char *message =
      g_strdup_printf (_("Added to “%s”."), convolve_class_store_get_class_name (self->store, class_index));
    g_signal_emit (self, signals[MESSAGE], 0, message);
  }
  g_signal_emit (self, signals[SAMPLE_ADDED], 0, class_index);
  gtk_popover_popdown (GTK_POPOVER (self));
  return TRUE;
}
