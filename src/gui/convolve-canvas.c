/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-canvas"

#include "config.h"

#include <glib/gi18n.h>

#include "convolve-canvas.h"

/*
 * The sheet is the largest centred square in the allocation; strokes are
 * kept in its unit coordinates by ConvolveStrokes. The widget draws the
 * sheet's background through CSS (the "view" style class) and the ink in the
 * theme's foreground colour, so dark mode and high contrast come for free.
 *
 * ::changed is coalesced to one emission per frame: a fast mouse sends more
 * motion events than the screen shows, and the prediction behind ::changed
 * should run at most once per frame.
 */

struct _ConvolveCanvas
{
  GtkWidget        parent_instance;

  /* owned */
  ConvolveStrokes *strokes;
  GtkGesture      *drag;

  int              brush_size;
  gboolean         eraser;
  double           start_x;
  double           start_y;
  guint            tick_id;
  gboolean         pending;
};

G_DEFINE_FINAL_TYPE (ConvolveCanvas, convolve_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STROKES,
  PROP_BRUSH_SIZE,
  PROP_ERASER,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
sheet_geometry (ConvolveCanvas *self,
                double         *ox,
                double         *oy,
                double         *size)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  *size = MAX (1.0, MIN (w, h));
  *ox = (w - *size) / 2.0;
  *oy = (h - *size) / 2.0;
}

static gboolean
emit_changed_tick_cb (GtkWidget     *widget,
                      GdkFrameClock *frame_clock,
                      gpointer       user_data)
{
  ConvolveCanvas *self = CONVOLVE_CANVAS (widget);

  self->tick_id = 0;
  convolve_canvas_flush (self);
  return G_SOURCE_REMOVE;
}

static void
strokes_changed_cb (ConvolveCanvas  *self,
                    ConvolveStrokes *strokes)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  self->pending = TRUE;

  /* Off screen there are no frames: tell listeners at once. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      convolve_canvas_flush (self);
      return;
    }

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                  emit_changed_tick_cb,
                                                  NULL, NULL);
}

/* Only a tablet tool that has a pressure axis says how hard it presses.
 * X11 gives mouse motion events a pressure axis too, at 0, which would
 * draw a slow mouse stroke thinner than a fast one. (Events carry the
 * logical pointer, not the pen, so ask the event's tool.) */
static gboolean
has_pressure (GdkEvent *event)
{
  GdkDeviceTool *tool = event != NULL ? gdk_event_get_device_tool (event) : NULL;

  return tool != NULL && (gdk_device_tool_get_axes (tool) & GDK_AXIS_FLAG_PRESSURE) != 0;
}

/* 0.5 gives the nominal width (mouse, touch, a pen without pressure). */
static double
event_pressure (GtkGesture *gesture)
{
  GdkEventSequence *sequence = gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture));
  GdkEvent *event = gtk_gesture_get_last_event (gesture, sequence);
  double pressure;

  if (has_pressure (event) && gdk_event_get_axis (event, GDK_AXIS_PRESSURE, &pressure))
    return pressure;
  return 0.5;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               ConvolveCanvas *self)
{
  self->start_x = x;
  self->start_y = y;
  convolve_canvas_stroke_begin (self, x, y, event_pressure (GTK_GESTURE (gesture)));
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                ConvolveCanvas *self)
{
  GdkEventSequence *sequence = gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture));
  GdkEvent *event = gtk_gesture_get_last_event (GTK_GESTURE (gesture), sequence);
  double x = self->start_x + dx;
  double y = self->start_y + dy;

  /* GDK merges the motion events of one frame and keeps the earlier
   * positions as the event's history. On a slow machine a quick circle
   * would otherwise become a triangle: replay them. History positions are
   * in surface coordinates, like gdk_event_get_position(). */
  if (event != NULL && gdk_event_get_event_type (event) == GDK_MOTION_NOTIFY)
    {
      g_autofree GdkTimeCoord *history = NULL;
      guint n_history = 0;
      double sx, sy;

      if (gdk_event_get_position (event, &sx, &sy))
        history = gdk_event_get_history (event, &n_history);
      for (guint i = 0; i < n_history; i++)
        {
          const GdkTimeCoord *c = &history[i];
          double pressure = 0.5;

          if ((c->flags & (GDK_AXIS_FLAG_X | GDK_AXIS_FLAG_Y)) != (GDK_AXIS_FLAG_X | GDK_AXIS_FLAG_Y))
            continue;
          if ((c->flags & GDK_AXIS_FLAG_PRESSURE) && has_pressure (event))
            pressure = c->axes[GDK_AXIS_PRESSURE];
          convolve_canvas_stroke_extend (self, c->axes[GDK_AXIS_X] - sx + x,
                                         c->axes[GDK_AXIS_Y] - sy + y, pressure);
        }
    }

  convolve_canvas_stroke_extend (self, x, y, event_pressure (GTK_GESTURE (gesture)));
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             ConvolveCanvas *self)
{
  convolve_canvas_stroke_end (self);
}

static void
convolve_canvas_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  ConvolveCanvas *self = CONVOLVE_CANVAS (widget);
  double ox, oy, size;
  GdkRGBA ink;
  cairo_t *cr;

  if (convolve_strokes_get_n_points (self->strokes) == 0)
    return;

  sheet_geometry (self, &ox, &oy, &size);
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &ink);

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0,
                                                       gtk_widget_get_width (widget),
                                                       gtk_widget_get_height (widget)));
  cairo_translate (cr, ox, oy);
  /* The theme's ink may be translucent (Adwaita's is 80 % black): draw it
   * opaque and fade the whole drawing, so crossings are not darker. */
  cairo_push_group (cr);
  cairo_set_source_rgb (cr, ink.red, ink.green, ink.blue);
  convolve_strokes_draw (self->strokes, cr, size);
  cairo_pop_group_to_source (cr);
  cairo_paint_with_alpha (cr, ink.alpha);
  cairo_destroy (cr);
}

static void
convolve_canvas_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = 160;
  *natural = 420;
}

static void
convolve_canvas_unmap (GtkWidget *widget)
{
  ConvolveCanvas *self = CONVOLVE_CANVAS (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  GTK_WIDGET_CLASS (convolve_canvas_parent_class)->unmap (widget);
  convolve_canvas_flush (self);
}

static void
convolve_canvas_dispose (GObject *object)
{
  ConvolveCanvas *self = CONVOLVE_CANVAS (object);

  if (self->strokes != NULL)
    g_signal_handlers_disconnect_by_data (self->strokes, self);
  g_clear_object (&self->strokes);

  G_OBJECT_CLASS (convolve_canvas_parent_class)->dispose (object);
}

static void
convolve_canvas_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ConvolveCanvas *self = CONVOLVE_CANVAS (object);

  switch (prop_id)
    {
    case PROP_STROKES:
      g_value_set_object (value, self->strokes);
      break;
    case PROP_BRUSH_SIZE:
      g_value_set_int (value, self->brush_size);
      break;
    case PROP_ERASER:
      g_value_set_boolean (value, self->eraser);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_canvas_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ConvolveCanvas *self = CONVOLVE_CANVAS (object);

  switch (prop_id)
    {
    case PROP_BRUSH_SIZE:
      convolve_canvas_set_brush_size (self, g_value_get_int (value));
      break;
    case PROP_ERASER:
      convolve_canvas_set_eraser (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_canvas_class_init (ConvolveCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_canvas_dispose;
  object_class->get_property = convolve_canvas_get_property;
  object_class->set_property = convolve_canvas_set_property;

  widget_class->snapshot = convolve_canvas_snapshot;
  widget_class->measure = convolve_canvas_measure;
  widget_class->unmap = convolve_canvas_unmap;

  properties[PROP_STROKES] =
    g_param_spec_object ("strokes", NULL, NULL, CONVOLVE_TYPE_STROKES,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRUSH_SIZE] =
    g_param_spec_int ("brush-size", NULL, NULL,
                      CONVOLVE_CANVAS_BRUSH_MIN, CONVOLVE_CANVAS_BRUSH_MAX, 8,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERASER] =
    g_param_spec_boolean ("eraser", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConvolveCanvas::changed:
   *
   * The drawing changed. Emitted at most once per frame while the canvas is
   * on screen, at once otherwise.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "convolvecanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
convolve_canvas_init (ConvolveCanvas *self)
{
  self->brush_size = 8;
  self->strokes = convolve_strokes_new ();
  g_signal_connect_object (self->strokes, "changed",
                           G_CALLBACK (strokes_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->drag = gtk_gesture_drag_new ();
  /* Mouse, pen and touch alike; pressure comes from the event's axes. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (self->drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag));

  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Drawing canvas"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Draw here with the mouse, a pen or a finger"),
                                  -1);
}

GtkWidget *
convolve_canvas_new (void)
{
  return g_object_new (CONVOLVE_TYPE_CANVAS, NULL);
}

ConvolveStrokes *
convolve_canvas_get_strokes (ConvolveCanvas *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CANVAS (self), NULL);

  return self->strokes;
}

int
convolve_canvas_get_brush_size (ConvolveCanvas *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CANVAS (self), 0);

  return self->brush_size;
}

void
convolve_canvas_set_brush_size (ConvolveCanvas *self,
                                int             brush_size)
{
  g_return_if_fail (CONVOLVE_IS_CANVAS (self));

  brush_size = CLAMP (brush_size, CONVOLVE_CANVAS_BRUSH_MIN, CONVOLVE_CANVAS_BRUSH_MAX);
  if (brush_size == self->brush_size)
    return;

  self->brush_size = brush_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRUSH_SIZE]);
}

gboolean
convolve_canvas_get_eraser (ConvolveCanvas *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CANVAS (self), FALSE);

  return self->eraser;
}

void
convolve_canvas_set_eraser (ConvolveCanvas *self,
                            gboolean        eraser)
{
  g_return_if_fail (CONVOLVE_IS_CANVAS (self));

  eraser = !!eraser;
  if (eraser == self->eraser)
    return;

  self->eraser = eraser;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), eraser ? "cell" : "crosshair");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERASER]);
}

void
convolve_canvas_stroke_begin (ConvolveCanvas *self,
                              double          x,
                              double          y,
                              double          pressure)
{
  double ox, oy, size;

  g_return_if_fail (CONVOLVE_IS_CANVAS (self));

  sheet_geometry (self, &ox, &oy, &size);
  convolve_strokes_begin (self->strokes, (x - ox) / size, (y - oy) / size,
                          pressure, self->brush_size / 100.0, self->eraser);
}

void
convolve_canvas_stroke_extend (ConvolveCanvas *self,
                               double          x,
                               double          y,
                               double          pressure)
{
  double ox, oy, size;

  g_return_if_fail (CONVOLVE_IS_CANVAS (self));

  sheet_geometry (self, &ox, &oy, &size);
  convolve_strokes_extend (self->strokes, (x - ox) / size, (y - oy) / size, pressure);
}

void
convolve_canvas_stroke_end (ConvolveCanvas *self)
{
  g_return_if_fail (CONVOLVE_IS_CANVAS (self));

  convolve_strokes_end (self->strokes);
}

void
convolve_canvas_flush (ConvolveCanvas *self)
{
  g_return_if_fail (CONVOLVE_IS_CANVAS (self));

  if (!self->pending)
    return;

  self->pending = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
}
