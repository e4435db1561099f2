/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-conv-view"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "convolve-conv-view.h"
#include "convolve-file.h"

struct _ConvolveConvView
{
  GtkWidget           parent_instance;

  /* owned */
  ConvolveConvLesson *lesson;
  GtkWidget          *popover;        /* the kernel weight editor (full layout only) */
  GtkWidget          *spin;
  GtkWidget          *spin_label;

  ConvolveConvLayout  layout;         /* of the last snapshot */
  ConvolveConvDrawOptions options;
  int                 editing_weight;
  float               paint_value;    /* what a drag over the input paints */
  double              drag_x, drag_y;
  double              pointer_x, pointer_y;
  gboolean            updating_spin;
};

G_DEFINE_FINAL_TYPE (ConvolveConvView, convolve_conv_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COMPACT,
  PROP_SHOW_NUMBERS,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------- helpers */

void
convolve_conv_view_get_palette (GtkWidget           *widget,
                                ConvolveConvPalette *palette)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GdkRGBA fg, bg;

  /* GTK 4.8 has no gtk_widget_get_color(): this is the one place that asks
   * the style context. */
  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "view_bg_color", &bg))
    {
      gboolean dark = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;

      bg = dark ? (GdkRGBA) { 0.12f, 0.12f, 0.12f, 1.0f } : (GdkRGBA) { 1, 1, 1, 1 };
    }
  G_GNUC_END_IGNORE_DEPRECATIONS

  palette->fg = (ConvolveConvColor) { fg.red, fg.green, fg.blue, 1.0 };
  palette->bg = (ConvolveConvColor) { bg.red, bg.green, bg.blue, 1.0 };
}

static void
update_accessible (ConvolveConvView *self)
{
  g_autofree char *text = convolve_conv_lesson_format_equation (self->lesson);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
emit_changed (ConvolveConvView *self)
{
  convolve_conv_view_refresh (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
paint_input (ConvolveConvView *self, double x, double y)
{
  int a, b;

  if (convolve_conv_hit_test (self->lesson, &self->layout, x, y, &a, &b) != CONVOLVE_CONV_HIT_INPUT)
    return;
  if (convolve_conv_lesson_get_input (self->lesson)[a * CONVOLVE_CONV_INPUT_SIZE + b] == self->paint_value)
    return;
  convolve_conv_lesson_set_input_cell (self->lesson, a, b, self->paint_value);
  emit_changed (self);
}

static void
open_weight_editor (ConvolveConvView *self, int weight)
{
  const ConvolveConvLayout *l = &self->layout;
  g_autofree char *text = NULL;
  GdkRectangle rect;

  self->editing_weight = weight;
  rect.x = (int) (l->k_x + (weight % 3) * l->k_cell);
  rect.y = (int) (l->k_y + (weight / 3) * l->k_cell);
  rect.width = rect.height = (int) l->k_cell;

  /* TRANSLATORS: a kernel weight by row and column */
  text = g_strdup_printf (_("Weight w[%d, %d]"), weight / 3, weight % 3);
  gtk_label_set_text (GTK_LABEL (self->spin_label), text);
  self->updating_spin = TRUE;
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->spin),
                             convolve_conv_lesson_get_kernel (self->lesson)[weight]);
  self->updating_spin = FALSE;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
  gtk_widget_grab_focus (self->spin);
}

/* ------------------------------------------------------------- callbacks */

static void
spin_value_changed_cb (ConvolveConvView *self,
                       GtkSpinButton    *spin)
{
  if (self->updating_spin || self->editing_weight < 0)
    return;
  convolve_conv_lesson_set_kernel_cell (self->lesson, self->editing_weight,
                                        (float) gtk_spin_button_get_value (spin));
  emit_changed (self);
}

/* GtkSpinButton has no ::activate before GTK 4.14: Enter closes the editor. */
static gboolean
spin_key_pressed_cb (GtkEventControllerKey *key,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     ConvolveConvView      *self)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;
  gtk_spin_button_update (GTK_SPIN_BUTTON (self->spin));
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  return TRUE;
}

static void
popover_closed_cb (ConvolveConvView *self)
{
  self->editing_weight = -1;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ConvolveConvView         *self)
{
  ConvolveConvDrawOptions old = self->options;
  int a, b;

  self->pointer_x = x;
  self->pointer_y = y;
  self->options.hover_in_row = self->options.hover_in_col = -1;
  self->options.hover_out_i = self->options.hover_out_j = -1;

  switch (convolve_conv_hit_test (self->lesson, &self->layout, x, y, &a, &b))
    {
    case CONVOLVE_CONV_HIT_INPUT:
      self->options.hover_in_row = a;
      self->options.hover_in_col = b;
      break;
    case CONVOLVE_CONV_HIT_OUTPUT:
      self->options.hover_out_i = a;
      self->options.hover_out_j = b;
      break;
    case CONVOLVE_CONV_HIT_KERNEL:
    case CONVOLVE_CONV_HIT_POOL:
    case CONVOLVE_CONV_HIT_NONE:
    default:
      break;
    }

  if (memcmp (&old, &self->options, sizeof old) != 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          ConvolveConvView         *self)
{
  self->options.hover_in_row = self->options.hover_in_col = -1;
  self->options.hover_out_i = self->options.hover_out_j = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
click_pressed_cb (GtkGestureClick  *click,
                  int               n_press,
                  double            x,
                  double            y,
                  ConvolveConvView *self)
{
  int a, b;

  if (self->options.compact)
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  switch (convolve_conv_hit_test (self->lesson, &self->layout, x, y, &a, &b))
    {
    case CONVOLVE_CONV_HIT_OUTPUT:
      convolve_conv_lesson_set_position (self->lesson,
                                         convolve_conv_lesson_conv_position (self->lesson, a, b));
      emit_changed (self);
      break;
    case CONVOLVE_CONV_HIT_POOL:
      convolve_conv_lesson_set_position (self->lesson,
                                         convolve_conv_lesson_pool_position (self->lesson, a, b));
      emit_changed (self);
      break;
    case CONVOLVE_CONV_HIT_KERNEL:
      open_weight_editor (self, a);
      break;
    case CONVOLVE_CONV_HIT_INPUT:
    case CONVOLVE_CONV_HIT_NONE:
    default:
      break;
    }
}

static void
drag_begin_cb (GtkGestureDrag   *drag,
               double            x,
               double            y,
               ConvolveConvView *self)
{
  int a, b;

  if (self->options.compact ||
      convolve_conv_hit_test (self->lesson, &self->layout, x, y, &a, &b) != CONVOLVE_CONV_HIT_INPUT)
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  /* Start on a dark cell: paint ink. Start on ink: erase. */
  self->paint_value =
    convolve_conv_lesson_get_input (self->lesson)[a * CONVOLVE_CONV_INPUT_SIZE + b] < 0.5f ? 1.0f : 0.0f;
  self->drag_x = x;
  self->drag_y = y;
  paint_input (self, x, y);
}

static void
drag_update_cb (GtkGestureDrag   *drag,
                double            dx,
                double            dy,
                ConvolveConvView *self)
{
  paint_input (self, self->drag_x + dx, self->drag_y + dy);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           ConvolveConvView         *self)
{
  int a, b;
  float v;

  /* The pointer position comes from the motion controller. */
  if (self->options.compact ||
      convolve_conv_hit_test (self->lesson, &self->layout, self->pointer_x, self->pointer_y,
                              &a, &b) != CONVOLVE_CONV_HIT_KERNEL)
    return FALSE;

  v = convolve_conv_lesson_get_kernel (self->lesson)[a];
  v = roundf ((v - (float) dy * 0.1f) * 100.0f) / 100.0f;
  convolve_conv_lesson_set_kernel_cell (self->lesson, a, v);
  emit_changed (self);
  return TRUE;
}

/* ------------------------------------------------------------- GtkWidget */

static void
convolve_conv_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  ConvolveConvPalette palette;
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;

  convolve_conv_view_get_palette (widget, &palette);
  convolve_conv_layout_compute (self->lesson, w, h, self->options.compact, &self->layout);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  convolve_conv_draw (cr, self->lesson, &self->layout, &palette, &self->options);
  cairo_destroy (cr);
}

static void
convolve_conv_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (widget);
  double min_w, min_h, nat_w, nat_h;

  /* Full: cells of 16 px at least (an 800×600 window keeps its transport
   * bar), 40 px naturally
   * (a projector). Compact: 11 px and 14 px. */
  convolve_conv_layout_size_for_unit (self->options.compact, self->options.compact ? 11 : 16,
                                      &min_w, &min_h);
  convolve_conv_layout_size_for_unit (self->options.compact, self->options.compact ? 14 : 40,
                                      &nat_w, &nat_h);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) ceil (min_w);
      *natural = (int) ceil (nat_w);
    }
  else
    {
      *minimum = (int) ceil (min_h);
      *natural = (int) ceil (nat_h);
    }
}

static void
convolve_conv_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (widget);

  convolve_conv_layout_compute (self->lesson, width, height, self->options.compact, &self->layout);
  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
}

/* ------------------------------------------------------------- GObject */

static void
convolve_conv_view_dispose (GObject *object)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);

  G_OBJECT_CLASS (convolve_conv_view_parent_class)->dispose (object);
}

static void
convolve_conv_view_finalize (GObject *object)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (object);

  g_clear_pointer (&self->lesson, convolve_conv_lesson_free);

  G_OBJECT_CLASS (convolve_conv_view_parent_class)->finalize (object);
}

static void
convolve_conv_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (object);

  switch (prop_id)
    {
    case PROP_COMPACT:
      g_value_set_boolean (value, self->options.compact);
      break;
    case PROP_SHOW_NUMBERS:
      g_value_set_boolean (value, self->options.show_numbers);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_conv_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (object);

  switch (prop_id)
    {
    case PROP_COMPACT:
      self->options.compact = g_value_get_boolean (value);
      break;
    case PROP_SHOW_NUMBERS:
      convolve_conv_view_set_show_numbers (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_conv_view_constructed (GObject *object)
{
  ConvolveConvView *self = CONVOLVE_CONV_VIEW (object);
  GtkWidget *box;
  GtkEventController *controller;
  GtkGesture *gesture;

  G_OBJECT_CLASS (convolve_conv_view_parent_class)->constructed (object);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  if (self->options.compact)
    return;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* The weight editor. */
  self->popover = gtk_popover_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->spin_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->spin_label, "heading");
  self->spin = gtk_spin_button_new_with_range (-9.0, 9.0, 0.1);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->spin), 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Kernel weight"), -1);
  gtk_box_append (GTK_BOX (box), self->spin_label);
  gtk_box_append (GTK_BOX (box), self->spin);
  gtk_popover_set_child (GTK_POPOVER (self->popover), box);
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  g_signal_connect_object (self->spin, "value-changed",
                           G_CALLBACK (spin_value_changed_cb), self, G_CONNECT_SWAPPED);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (spin_key_pressed_cb), self);
  gtk_widget_add_controller (self->spin, controller);
  g_signal_connect_object (self->popover, "closed",
                           G_CALLBACK (popover_closed_cb), self, G_CONNECT_SWAPPED);
}

static void
convolve_conv_view_class_init (ConvolveConvViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = convolve_conv_view_constructed;
  object_class->dispose = convolve_conv_view_dispose;
  object_class->finalize = convolve_conv_view_finalize;
  object_class->get_property = convolve_conv_view_get_property;
  object_class->set_property = convolve_conv_view_set_property;

  widget_class->snapshot = convolve_conv_view_snapshot;
  widget_class->measure = convolve_conv_view_measure;
  widget_class->size_allocate = convolve_conv_view_size_allocate;

  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_NUMBERS] =
    g_param_spec_boolean ("show-numbers", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The user changed the lesson here: a position, an input cell, a weight. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "convolveconvview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
convolve_conv_view_init (ConvolveConvView *self)
{
  self->lesson = convolve_conv_lesson_new ();
  self->editing_weight = -1;
  convolve_conv_draw_options_init (&self->options);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Convolution step by step"),
                                  -1);
  update_accessible (self);
}

/* ------------------------------------------------------------- public */

GtkWidget *
convolve_conv_view_new (gboolean compact)
{
  return g_object_new (CONVOLVE_TYPE_CONV_VIEW, "compact", compact, NULL);
}

ConvolveConvLesson *
convolve_conv_view_get_lesson (ConvolveConvView *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_VIEW (self), NULL);
  return self->lesson;
}

gboolean
convolve_conv_view_get_compact (ConvolveConvView *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_VIEW (self), FALSE);
  return self->options.compact;
}

gboolean
convolve_conv_view_get_show_numbers (ConvolveConvView *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CONV_VIEW (self), FALSE);
  return self->options.show_numbers;
}

void
convolve_conv_view_set_show_numbers (ConvolveConvView *self,
                                     gboolean          show_numbers)
{
  g_return_if_fail (CONVOLVE_IS_CONV_VIEW (self));
  show_numbers = !!show_numbers;
  if (self->options.show_numbers == show_numbers)
    return;
  self->options.show_numbers = show_numbers;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_NUMBERS]);
}

void
convolve_conv_view_refresh (ConvolveConvView *self)
{
  g_return_if_fail (CONVOLVE_IS_CONV_VIEW (self));
  /* Geometry may have changed (stride, padding): lay out again. */
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_accessible (self);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
convolve_conv_view_save_png (ConvolveConvView *self,
                             const char       *path,
                             GError          **error)
{
  int w = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 600);
  int h = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 260);
  ConvolveConvPalette palette;
  ConvolveConvLayout layout;
  g_autoptr(GByteArray) png = NULL;
  g_autoptr(GFile) file = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (CONVOLVE_IS_CONV_VIEW (self), FALSE);

  convolve_conv_view_get_palette (GTK_WIDGET (self), &palette);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 2 * w, 2 * h);
  cr = cairo_create (surface);
  cairo_scale (cr, 2, 2);
  cairo_set_source_rgb (cr, palette.bg.r, palette.bg.g, palette.bg.b);
  cairo_paint (cr);
  convolve_conv_layout_compute (self->lesson, w, h, self->options.compact, &layout);
  convolve_conv_draw (cr, self->lesson, &layout, &palette, &self->options);
  cairo_destroy (cr);

  png = g_byte_array_new ();
  status = cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the picture: %s"), cairo_status_to_string (status));
      return FALSE;
    }
  /* Atomically: an interrupted export leaves the old file whole. */
  file = g_file_new_for_path (path);
  return convolve_file_write_atomic (file, png->data, png->len, error);
}
