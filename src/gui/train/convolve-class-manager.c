/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-class-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "convolve-class-manager.h"
#include "convolve-image-grid.h"
#include "convolve-train-style.h"

#define THUMB_SIZE 80

struct _ConvolveClassManager
{
  GtkWidget           parent_instance;

  /* children */
  GtkWidget          *toasts;
  GtkWidget          *classes_box;
  GtkWidget          *new_entry;
  GtkWidget          *new_button;
  GtkWidget          *summary;

  /* owned */
  ConvolveClassStore *store;
};

G_DEFINE_FINAL_TYPE (ConvolveClassManager, convolve_class_manager, GTK_TYPE_WIDGET)

static void
toast (ConvolveClassManager *self,
       const char           *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), t);
}

static void
show_warnings (ConvolveClassManager *self)
{
  g_auto(GStrv) warnings = convolve_class_store_take_warnings (self->store);

  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    toast (self, warnings[i]);
}

static guint
index_of (GObject *object,
          const char *key)
{
  return GPOINTER_TO_UINT (g_object_get_data (object, key));
}

static void
rename_cb (GtkEntry             *entry,
           ConvolveClassManager *self)
{
  g_autoptr(GError) error = NULL;
  guint klass = index_of (G_OBJECT (entry), "class");
  const char *name = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (g_strcmp0 (name, convolve_class_store_get_class_name (self->store, klass)) == 0)
    return;
  if (!convolve_class_store_rename_class (self->store, klass, name, &error))
    {
      toast (self, error->message);
      gtk_editable_set_text (GTK_EDITABLE (entry), convolve_class_store_get_class_name (self->store, klass));
    }
}

static void
delete_sample_cb (GtkButton            *button,
                  ConvolveClassManager *self)
{
  g_autoptr(GError) error = NULL;

  if (!convolve_class_store_delete_sample (self->store,
                                           index_of (G_OBJECT (button), "class"),
                                           index_of (G_OBJECT (button), "sample"),
                                           &error))
    toast (self, error->message);
}

static void
delete_class_response_cb (AdwMessageDialog     *dialog,
                          const char           *response,
                          ConvolveClassManager *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") == 0 &&
      !convolve_class_store_delete_class (self->store, index_of (G_OBJECT (dialog), "class"), &error))
    toast (self, error->message);
  g_object_unref (self);
}

static void
delete_class_cb (GtkButton            *button,
                 ConvolveClassManager *self)
{
  guint klass = index_of (G_OBJECT (button), "class");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  guint n = convolve_class_store_get_n_samples (self->store, klass);

  heading = g_strdup_printf (_("Delete “%s”?"), convolve_class_store_get_class_name (self->store, klass));
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Its %u drawing will be deleted too.",
                                       "Its %u drawings will be deleted too.", n), n);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "class", GUINT_TO_POINTER (klass));
  g_signal_connect (dialog, "response", G_CALLBACK (delete_class_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_class_cb (GtkWidget            *widget,
              ConvolveClassManager *self)
{
  g_autoptr(GError) error = NULL;

  if (convolve_class_store_add_class (self->store, gtk_editable_get_text (GTK_EDITABLE (self->new_entry)), &error) < 0)
    toast (self, error->message);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->new_entry), "");
}

static GtkWidget *
thumbnail (ConvolveClassManager *self,
           guint                 klass,
           guint                 sample)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *grid = convolve_image_grid_new (THUMB_SIZE, FALSE);
  GtkWidget *button = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *label = NULL;
  int w, h;
  const float *gray = convolve_class_store_get_sample (self->store, klass, sample, &w, &h);

  convolve_image_grid_add (CONVOLVE_IMAGE_GRID (grid), gray, w, h, NULL);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), grid);
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_add_css_class (button, "osd");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  /* Translators: accessible name of the delete button on a thumbnail, e.g. "Delete drawing 3 of “star”" */
  label = g_strdup_printf (_("Delete drawing %u of “%s”"), sample + 1,
                           convolve_class_store_get_class_name (self->store, klass));
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_object_set_data (G_OBJECT (button), "class", GUINT_TO_POINTER (klass));
  g_object_set_data (G_OBJECT (button), "sample", GUINT_TO_POINTER (sample));
  g_signal_connect (button, "clicked", G_CALLBACK (delete_sample_cb), self);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), button);
  return overlay;
}

static void
rebuild (ConvolveClassManager *self)
{
  GtkWidget *child;
  guint n = convolve_class_store_get_n_classes (self->store);
  g_autofree char *summary = NULL;

  while ((child = gtk_widget_get_first_child (self->classes_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->classes_box), child);

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
      GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *entry = gtk_entry_new ();
      GtkWidget *count, *button, *flow;
      guint samples = convolve_class_store_get_n_samples (self->store, i);
      g_autofree char *count_text = NULL;
      g_autofree char *entry_label = NULL;

      gtk_widget_add_css_class (card, "card");
      gtk_widget_set_margin_bottom (card, 6);
      gtk_widget_set_margin_top (header, 8);
      gtk_widget_set_margin_start (header, 12);
      gtk_widget_set_margin_end (header, 12);

      gtk_editable_set_text (GTK_EDITABLE (entry), convolve_class_store_get_class_name (self->store, i));
      gtk_widget_set_hexpand (entry, TRUE);
      /* Translators: accessible name of the entry holding a class's name */
      entry_label = g_strdup_printf (_("Name of class %u"), i + 1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, entry_label,
                                      -1);
      gtk_widget_set_tooltip_text (entry, _("Type a new name and press Enter"));
      g_object_set_data (G_OBJECT (entry), "class", GUINT_TO_POINTER (i));
      g_signal_connect (entry, "activate", G_CALLBACK (rename_cb), self);
      gtk_box_append (GTK_BOX (header), entry);

      count_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u drawing", "%u drawings", samples), samples);
      count = gtk_label_new (count_text);
      gtk_widget_add_css_class (count, "dim-label");
      gtk_box_append (GTK_BOX (header), count);

      button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_tooltip_text (button, _("Delete this class"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Delete this class"),
                                      -1);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data (G_OBJECT (button), "class", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (delete_class_cb), self);
      gtk_box_append (GTK_BOX (header), button);
      gtk_box_append (GTK_BOX (card), header);

      flow = gtk_flow_box_new ();
      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 30);
      gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
      gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
      gtk_widget_set_margin_start (flow, 12);
      gtk_widget_set_margin_end (flow, 12);
      gtk_widget_set_margin_bottom (flow, 12);
      for (guint j = 0; j < samples; j++)
        gtk_flow_box_append (GTK_FLOW_BOX (flow), thumbnail (self, i, j));
      if (samples == 0)
        {
          GtkWidget *hint = gtk_label_new (_("No drawings yet: draw one on the Draw page and choose “Add to class…”."));
          gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
          gtk_label_set_xalign (GTK_LABEL (hint), 0.0f);
          gtk_widget_add_css_class (hint, "dim-label");
          gtk_widget_set_margin_start (hint, 12);
          gtk_widget_set_margin_bottom (hint, 12);
          gtk_box_append (GTK_BOX (card), hint);
        }
      else
        gtk_box_append (GTK_BOX (card), flow);
      gtk_box_append (GTK_BOX (self->classes_box), card);
    }

  /* Translators: how many classes there are, e.g. "3 of at most 10 classes · training needs at least 2" */
  summary = g_strdup_printf (_("%u of at most %d classes · training needs at least %d"),
                             n, CONVOLVE_CLASS_STORE_MAX_CLASSES, CONVOLVE_CLASS_STORE_MIN_CLASSES);
  gtk_label_set_text (GTK_LABEL (self->summary), summary);
  gtk_widget_set_sensitive (self->new_entry, n < CONVOLVE_CLASS_STORE_MAX_CLASSES);
  gtk_widget_set_sensitive (self->new_button, n < CONVOLVE_CLASS_STORE_MAX_CLASSES);
  show_warnings (self);
}

static void
store_changed_cb (ConvolveClassStore   *store,
                  ConvolveClassManager *self)
{
  rebuild (self);
}

static void
convolve_class_manager_dispose (GObject *object)
{
  ConvolveClassManager *self = CONVOLVE_CLASS_MANAGER (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->toasts, gtk_widget_unparent);

  G_OBJECT_CLASS (convolve_class_manager_parent_class)->dispose (object);
}

static void
convolve_class_manager_class_init (ConvolveClassManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_class_manager_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "convolve-class-manager");
}

static void
convolve_class_manager_init (ConvolveClassManager *self)
{
  GtkWidget *scroller, *clamp, *box, *row, *title;

  convolve_train_style_ensure ();

  self->toasts = adw_toast_overlay_new ();
  gtk_widget_set_parent (self->toasts, GTK_WIDGET (self));
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), scroller);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);

  title = gtk_label_new (_("My classes"));
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_box_append (GTK_BOX (box), title);
  self->summary = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->summary), 0.0f);
  gtk_widget_add_css_class (self->summary, "dim-label");
  gtk_box_append (GTK_BOX (box), self->summary);

  self->classes_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), self->classes_box);

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  self->new_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->new_entry), _("Name of a new class"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->new_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of a new class"),
                                  -1);
  gtk_widget_set_hexpand (self->new_entry, TRUE);
  g_signal_connect (self->new_entry, "activate", G_CALLBACK (add_class_cb), self);
  gtk_box_append (GTK_BOX (row), self->new_entry);
  self->new_button = gtk_button_new_with_mnemonic (_("_Add Class"));
  g_signal_connect (self->new_button, "clicked", G_CALLBACK (add_class_cb), self);
  gtk_box_append (GTK_BOX (row), self->new_button);
  gtk_box_append (GTK_BOX (box), row);
}

GtkWidget *
convolve_class_manager_new (ConvolveClassStore *store)
{
  ConvolveClassManager *self;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (store), NULL);

  self = g_object_new (CONVOLVE_TYPE_CLASS_MANAGER, NULL);
  self->store = g_object_ref (store);
  g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  rebuild (self);
  return GTK_WIDGET (self);
}

GtkWidget *
convolve_class_manager_window_new (ConvolveClassStore *store,
                                   GtkWindow          *parent)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_window_set_title (GTK_WINDOW (window), _("My Classes"));
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 600);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  {
    GtkWidget *manager = convolve_class_manager_new (store);
    gtk_widget_set_vexpand (manager, TRUE);
    gtk_box_append (GTK_BOX (box), manager);
  }
  adw_window_set_content (ADW_WINDOW (window), box);
  return window;
}
