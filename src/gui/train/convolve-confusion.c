/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-confusion"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "convolve-confusion.h"

struct _ConvolveConfusion
{
  GtkWidget  parent_instance;

  /* owned */
  int       *counts;     /* (n, n) */
  char     **names;      /* n, NULL-terminated */

  int        n;
  int        cursor_row;
  int        cursor_column;
};

G_DEFINE_FINAL_TYPE (ConvolveConfusion, convolve_confusion, GTK_TYPE_WIDGET)

enum {
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The header band (class names) takes this share of the side. */
static void
layout_cells (int     n,
              int     width,
              int     height,
              double *header,
              double *cell)
{
  double side = MIN (width, height);

  *header = MIN (side * 0.22, 110.0);
  *cell = n > 0 ? (side - *header) / n : 0.0;
}

gboolean
convolve_confusion_cell_at (int     n,
                            int     width,
                            int     height,
                            double  x,
                            double  y,
                            int    *row,
                            int    *column)
{
  double header, cell;

  layout_cells (n, width, height, &header, &cell);
  if (n <= 0 || cell <= 0 || x < header || y < header)
    return FALSE;
  *column = (int) ((x - header) / cell);
  *row = (int) ((y - header) / cell);
  return *row < n && *column < n;
}

static void
show_centered (cairo_t     *cr,
               PangoLayout *layout,
               const char  *text,
               double       cx,
               double       cy,
               double       max_width)
{
  int w, h;

  /* The layout centres each line inside max_width itself. */
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (cx - max_width / 2.0), round (cy - h / 2.0));
  pango_cairo_show_layout (cr, layout);
}

void
convolve_confusion_draw (cairo_t           *cr,
                         int                n,
                         const char *const *names,
                         const int         *counts,
                         int                width,
                         int                height,
                         const GdkRGBA     *fg,
                         int                cursor_row,
                         int                cursor_column)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;
  double header, cell;

  if (n <= 0)
    return;
  layout_cells (n, width, height, &header, &cell);

  cairo_save (cr);
  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string ("Sans");
  pango_font_description_set_absolute_size (font, CLAMP (cell * 0.34, 10.0, 16.0) * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);

  for (int r = 0; r < n; r++)
    {
      int total = 0;

      for (int c = 0; c < n; c++)
        total += counts[r * n + c];

      for (int c = 0; c < n; c++)
        {
          int count = counts[r * n + c];
          double x = header + c * cell, y = header + r * cell;
          double share = total > 0 ? (double) count / total : 0.0;
          char text[16];

          if (r == c)
            cairo_set_source_rgba (cr, 0.0, 0.620, 0.451, 0.15 + 0.75 * share);
          else if (count > 0)
            cairo_set_source_rgba (cr, 0.835, 0.369, 0.0, 0.25 + 0.75 * share);
          else
            cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.05);
          cairo_rectangle (cr, x + 1, y + 1, cell - 2, cell - 2);
          cairo_fill (cr);

          g_snprintf (text, sizeof text, "%d", count);
          cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
          show_centered (cr, layout, text, x + cell / 2, y + cell / 2, cell);
        }
    }

  /* Names: predictions across the top, true classes down the side. */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
  for (int i = 0; i < n && names != NULL && names[i] != NULL; i++)
    {
      show_centered (cr, layout, names[i], header + (i + 0.5) * cell, header * 0.72, cell);
      show_centered (cr, layout, names[i], header * 0.5, header + (i + 0.5) * cell, header);
    }
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.7);
  /* Translators: the confusion matrix's column header, short */
  show_centered (cr, layout, _("predicted →"), header + n * cell / 2, header * 0.28, n * cell);
  /* Translators: the confusion matrix's row header, short */
  show_centered (cr, layout, _("true ↓"), header * 0.5, header * 0.72, header);

  if (cursor_row >= 0 && cursor_column >= 0 && cursor_row < n && cursor_column < n)
    {
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
      cairo_set_line_width (cr, 3.0);
      cairo_rectangle (cr, header + cursor_column * cell + 2.5, header + cursor_row * cell + 2.5,
                       cell - 5, cell - 5);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
activate_cell (ConvolveConfusion *self,
               int                row,
               int                column)
{
  self->cursor_row = row;
  self->cursor_column = column;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, row, column);
}

static void
pressed_cb (GtkGestureClick   *gesture,
            int                n_press,
            double             x,
            double             y,
            ConvolveConfusion *self)
{
  int row, column;

  if (convolve_confusion_cell_at (self->n, gtk_widget_get_width (GTK_WIDGET (self)),
                                  gtk_widget_get_height (GTK_WIDGET (self)),
                                  x, y, &row, &column))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self));
      activate_cell (self, row, column);
    }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ConvolveConfusion     *self)
{
  int r = MAX (self->cursor_row, 0), c = MAX (self->cursor_column, 0);

  if (self->n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:  c = MAX (c - 1, 0); break;
    case GDK_KEY_Right: c = MIN (c + 1, self->n - 1); break;
    case GDK_KEY_Up:    r = MAX (r - 1, 0); break;
    case GDK_KEY_Down:  r = MIN (r + 1, self->n - 1); break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      activate_cell (self, r, c);
      return TRUE;
    default:
      return FALSE;
    }
  self->cursor_row = r;
  self->cursor_column = c;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
convolve_confusion_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ConvolveConfusion *self = CONVOLVE_CONFUSION (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;

  if (self->n == 0 || width <= 0 || height <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  convolve_confusion_draw (cr, self->n, (const char *const *) self->names, self->counts,
                           width, height, &fg,
                           gtk_widget_has_focus (widget) ? self->cursor_row : -1,
                           self->cursor_column);
  cairo_destroy (cr);
}

static GtkSizeRequestMode
convolve_confusion_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* A square: as wide as it may be (up to a comfortable size), and as high
 * as it is wide, so the cells stay square and large enough to click. */
static void
convolve_confusion_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ConvolveConfusion *self = CONVOLVE_CONFUSION (widget);
  int min_side = self->n > 0 ? 100 + 26 * self->n : 0;
  int nat_side = self->n > 0 ? MIN (130 + 56 * self->n, 640) : 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = min_side;
      *natural = nat_side;
    }
  else if (for_size >= 0)
    *minimum = *natural = CLAMP (for_size, min_side, nat_side);
  else
    /* GTK expects no width to need more height than this. */
    *minimum = *natural = nat_side;
}

static void
convolve_confusion_finalize (GObject *object)
{
  ConvolveConfusion *self = CONVOLVE_CONFUSION (object);

  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->names, g_strfreev);

  G_OBJECT_CLASS (convolve_confusion_parent_class)->finalize (object);
}

static void
convolve_confusion_class_init (ConvolveConfusionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = convolve_confusion_finalize;
  widget_class->snapshot = convolve_confusion_snapshot;
  widget_class->measure = convolve_confusion_measure;
  widget_class->get_request_mode = convolve_confusion_get_request_mode;

  /**
   * ConvolveConfusion::cell-activated:
   * @row: the true class
   * @column: the predicted class
   */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "convolve-confusion");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
convolve_confusion_init (ConvolveConfusion *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->cursor_row = -1;
  self->cursor_column = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confusion matrix"),
                                  -1);
}

GtkWidget *
convolve_confusion_new (void)
{
  return g_object_new (CONVOLVE_TYPE_CONFUSION, NULL);
}

void
convolve_confusion_set_matrix (ConvolveConfusion *self,
                               int                n,
                               const char *const *names,
                               const int         *counts)
{
  g_return_if_fail (CONVOLVE_IS_CONFUSION (self));
  g_return_if_fail (n >= 0);

  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->names, g_strfreev);
  self->n = n;
  if (n > 0)
    {
      self->counts = g_memdup2 (counts, sizeof (int) * (gsize) n * n);
      self->names = g_new0 (char *, n + 1);
      for (int i = 0; i < n; i++)
        self->names[i] = g_strdup (names != NULL && names[i] != NULL ? names[i] : "?");
    }
  self->cursor_row = self->cursor_column = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
convolve_confusion_get_count (ConvolveConfusion *self,
                              int                row,
                              int                column)
{
  g_return_val_if_fail (CONVOLVE_IS_CONFUSION (self), 0);
  g_return_val_if_fail (row >= 0 && row < self->n && column >= 0 && column < self->n, 0);
  return self->counts[row * self->n + column];
}
