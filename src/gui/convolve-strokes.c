/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-strokes"

#include "config.h"

#include "convolve-strokes.h"

typedef enum {
  ENTRY_INK,
  ENTRY_ERASER,
  ENTRY_CLEAR,
} EntryKind;

typedef struct {
  float x, y, pressure;
} Point;

typedef struct {
  EntryKind kind;
  double    width;      /* fraction of the sheet's side */
  GArray   *points;     /* of Point; NULL for ENTRY_CLEAR */
} Entry;

struct _ConvolveStrokes
{
  GObject    parent_instance;

  GPtrArray *entries;   /* of Entry*, the whole history */
  guint      n_visible; /* entries[0..n_visible) are drawn; the rest can be redone */
  gboolean   drawing;   /* the last visible entry is a stroke still growing */
  guint64    serial;

  gboolean   can_undo;
  gboolean   can_redo;
};

G_DEFINE_FINAL_TYPE (ConvolveStrokes, convolve_strokes, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->points, g_array_unref);
  g_free (entry);
}

static Entry *
entry_new (EntryKind kind, double width)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->kind = kind;
  entry->width = width;
  if (kind != ENTRY_CLEAR)
    entry->points = g_array_sized_new (FALSE, FALSE, sizeof (Point), 64);
  return entry;
}

/* Mouse and touch report no pressure; they count as 0.5, which gives the
 * brush its nominal width. A stylus ranges from 40 % to 160 % of it. */
static double
pressure_factor (double pressure)
{
  return 0.4 + 1.2 * CLAMP (pressure, 0.0, 1.0);
}

static void
emit_changed (ConvolveStrokes *self)
{
  gboolean can_undo = self->n_visible > 0;
  gboolean can_redo = self->n_visible < self->entries->len;

  self->serial++;
  g_signal_emit (self, signals[CHANGED], 0);

  if (can_undo != self->can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
}

/* Index of the first entry that is drawn: everything before the last
 * visible clear is hidden. */
static guint
first_drawn (ConvolveStrokes *self)
{
  for (guint i = self->n_visible; i > 0; i--)
    {
      const Entry *entry = g_ptr_array_index (self->entries, i - 1);

      if (entry->kind == ENTRY_CLEAR)
        return i;
    }
  return 0;
}

static void
stroke_entry (const Entry *entry, cairo_t *cr, double size)
{
  const Point *pts = (const Point *) (gpointer) entry->points->data;
  guint n = entry->points->len;
  gboolean uniform = TRUE;

  if (n == 0)
    return;

  cairo_set_operator (cr, entry->kind == ENTRY_ERASER ? CAIRO_OPERATOR_CLEAR
                                                      : CAIRO_OPERATOR_OVER);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (guint i = 1; i < n && uniform; i++)
    uniform = pts[i].pressure == pts[0].pressure;

  if (uniform)
    {
      /* One path: the usual case (mouse, touch). A single point becomes a
       * round dot because a zero-length segment gets round caps. */
      cairo_set_line_width (cr, entry->width * pressure_factor (pts[0].pressure) * size);
      cairo_move_to (cr, pts[0].x * size, pts[0].y * size);
      for (guint i = (n > 1 ? 1 : 0); i < n; i++)
        cairo_line_to (cr, pts[i].x * size, pts[i].y * size);
      cairo_stroke (cr);
      return;
    }

  /* A stylus: every segment gets the mean width of its two ends; round
   * caps hide the joins. */
  for (guint i = 1; i < n; i++)
    {
      double p = 0.5 * (pts[i - 1].pressure + pts[i].pressure);

      cairo_set_line_width (cr, entry->width * pressure_factor (p) * size);
      cairo_move_to (cr, pts[i - 1].x * size, pts[i - 1].y * size);
      cairo_line_to (cr, pts[i].x * size, pts[i].y * size);
      cairo_stroke (cr);
    }
}

static void
convolve_strokes_finalize (GObject *object)
{
  ConvolveStrokes *self = (ConvolveStrokes *) object;

  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (convolve_strokes_parent_class)->finalize (object);
}

static void
convolve_strokes_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ConvolveStrokes *self = CONVOLVE_STROKES (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->can_undo);
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->can_redo);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_strokes_class_init (ConvolveStrokesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = convolve_strokes_finalize;
  object_class->get_property = convolve_strokes_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConvolveStrokes::changed:
   *
   * The picture changed: a point was added, or a stroke was undone, redone
   * or cleared. Emitted for every change; widgets coalesce per frame.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
convolve_strokes_init (ConvolveStrokes *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
}

ConvolveStrokes *
convolve_strokes_new (void)
{
  return g_object_new (CONVOLVE_TYPE_STROKES, NULL);
}

static void
drop_redo (ConvolveStrokes *self)
{
  if (self->entries->len > self->n_visible)
    g_ptr_array_set_size (self->entries, self->n_visible);
}

void
convolve_strokes_begin (ConvolveStrokes *self,
                        double           x,
                        double           y,
                        double           pressure,
                        double           width,
                        gboolean         eraser)
{
  Entry *entry;
  Point pt = { (float) x, (float) y, (float) pressure };

  g_return_if_fail (CONVOLVE_IS_STROKES (self));
  g_return_if_fail (width > 0);

  if (self->drawing)
    convolve_strokes_end (self);

  drop_redo (self);
  entry = entry_new (eraser ? ENTRY_ERASER : ENTRY_INK, width);
  g_array_append_val (entry->points, pt);
  g_ptr_array_add (self->entries, entry);
  self->n_visible = self->entries->len;
  self->drawing = TRUE;

  emit_changed (self);
}

void
convolve_strokes_extend (ConvolveStrokes *self,
                         double           x,
                         double           y,
                         double           pressure)
{
  Entry *entry;
  Point pt = { (float) x, (float) y, (float) pressure };

  g_return_if_fail (CONVOLVE_IS_STROKES (self));

  if (!self->drawing)
    return;

  entry = g_ptr_array_index (self->entries, self->n_visible - 1);
  g_array_append_val (entry->points, pt);

  emit_changed (self);
}

void
convolve_strokes_end (ConvolveStrokes *self)
{
  g_return_if_fail (CONVOLVE_IS_STROKES (self));

  self->drawing = FALSE;
}

gboolean
convolve_strokes_is_drawing (ConvolveStrokes *self)
{
  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), FALSE);

  return self->drawing;
}

void
convolve_strokes_clear (ConvolveStrokes *self)
{
  g_return_if_fail (CONVOLVE_IS_STROKES (self));

  self->drawing = FALSE;
  /* Clearing a sheet that is already blank adds nothing to undo. */
  if (convolve_strokes_is_empty (self))
    return;

  drop_redo (self);
  g_ptr_array_add (self->entries, entry_new (ENTRY_CLEAR, 0));
  self->n_visible = self->entries->len;

  emit_changed (self);
}

gboolean
convolve_strokes_undo (ConvolveStrokes *self)
{
  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), FALSE);

  self->drawing = FALSE;
  if (self->n_visible == 0)
    return FALSE;

  self->n_visible--;
  emit_changed (self);
  return TRUE;
}

gboolean
convolve_strokes_redo (ConvolveStrokes *self)
{
  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), FALSE);

  self->drawing = FALSE;
  if (self->n_visible >= self->entries->len)
    return FALSE;

  self->n_visible++;
  emit_changed (self);
  return TRUE;
}

gboolean
convolve_strokes_can_undo (ConvolveStrokes *self)
{
  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), FALSE);

  return self->n_visible > 0;
}

gboolean
convolve_strokes_can_redo (ConvolveStrokes *self)
{
  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), FALSE);

  return self->n_visible < self->entries->len;
}

gboolean
convolve_strokes_is_empty (ConvolveStrokes *self)
{
  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), TRUE);

  for (guint i = first_drawn (self); i < self->n_visible; i++)
    {
      const Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->kind == ENTRY_INK)
        return FALSE;
    }
  return TRUE;
}

guint
convolve_strokes_get_n_points (ConvolveStrokes *self)
{
  guint n = 0;

  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), 0);

  for (guint i = first_drawn (self); i < self->n_visible; i++)
    {
      const Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->points != NULL)
        n += entry->points->len;
    }
  return n;
}

guint64
convolve_strokes_get_serial (ConvolveStrokes *self)
{
  g_return_val_if_fail (CONVOLVE_IS_STROKES (self), 0);

  return self->serial;
}

void
convolve_strokes_draw (ConvolveStrokes *self,
                       cairo_t         *cr,
                       double           size)
{
  guint first;

  g_return_if_fail (CONVOLVE_IS_STROKES (self));
  g_return_if_fail (cr != NULL);

  first = first_drawn (self);
  if (first >= self->n_visible)
    return;

  cairo_save (cr);
  /* The eraser clears ink inside the group, never the caller's background. */
  cairo_push_group (cr);
  for (guint i = first; i < self->n_visible; i++)
    stroke_entry (g_ptr_array_index (self->entries, i), cr, size);
  cairo_pop_group_to_source (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  cairo_paint (cr);
  cairo_restore (cr);
}

void
convolve_strokes_rasterize (ConvolveStrokes *self,
                            int              size,
                            float           *gray)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  const guchar *data;
  int stride;

  g_return_if_fail (CONVOLVE_IS_STROKES (self));
  g_return_if_fail (size > 0);
  g_return_if_fail (gray != NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, size, size);
  cr = cairo_create (surface);
  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  convolve_strokes_draw (self, cr, size);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      gray[y * size + x] = data[y * stride + x] / 255.0f;

  cairo_surface_destroy (surface);
}
