/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-chart"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "convolve-chart.h"

/* ------------------------------------------------------------------ data */

typedef struct {
  double x, y;
} ChartPoint;

typedef struct {
  char     *label;
  GArray   *points;     /* ChartPoint, one per finished epoch */
  gboolean  dashed;
  gboolean  has_live;
  ChartPoint live;
} ChartSeries;

struct _ConvolveChartData
{
  GPtrArray *series;    /* ChartSeries */
  double     x_max;
  double     y_min;
  double     y_max;
  gboolean   percent;
  char      *x_title;
  char      *y_title;
};

static void
chart_series_free (gpointer data)
{
  ChartSeries *s = data;

  g_free (s->label);
  g_array_unref (s->points);
  g_free (s);
}

ConvolveChartData *
convolve_chart_data_new (void)
{
  ConvolveChartData *data = g_new0 (ConvolveChartData, 1);

  data->series = g_ptr_array_new_with_free_func (chart_series_free);
  data->x_max = 1.0;
  return data;
}

void
convolve_chart_data_free (ConvolveChartData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->series);
  g_free (data->x_title);
  g_free (data->y_title);
  g_free (data);
}

int
convolve_chart_data_add_series (ConvolveChartData *data,
                                const char        *label,
                                gboolean           dashed)
{
  ChartSeries *s = g_new0 (ChartSeries, 1);

  s->label = g_strdup (label);
  s->points = g_array_new (FALSE, FALSE, sizeof (ChartPoint));
  s->dashed = dashed;
  g_ptr_array_add (data->series, s);
  return (int) data->series->len - 1;
}

static ChartSeries *
get_series (const ConvolveChartData *data,
            int                      series)
{
  g_return_val_if_fail (series >= 0 && (guint) series < data->series->len, NULL);
  return g_ptr_array_index (data->series, series);
}

void
convolve_chart_data_add_point (ConvolveChartData *data,
                               int                series,
                               double             x,
                               double             y)
{
  ChartSeries *s = get_series (data, series);
  ChartPoint p = { x, y };

  if (s == NULL || !isfinite (x) || !isfinite (y))
    return;
  g_array_append_val (s->points, p);
  s->has_live = FALSE;
}

void
convolve_chart_data_set_live (ConvolveChartData *data,
                              int                series,
                              double             x,
                              double             y)
{
  ChartSeries *s = get_series (data, series);

  if (s == NULL || !isfinite (x) || !isfinite (y))
    return;
  s->has_live = TRUE;
  s->live.x = x;
  s->live.y = y;
}

void
convolve_chart_data_clear (ConvolveChartData *data)
{
  for (guint i = 0; i < data->series->len; i++)
    {
      ChartSeries *s = g_ptr_array_index (data->series, i);
      g_array_set_size (s->points, 0);
      s->has_live = FALSE;
    }
}

guint
convolve_chart_data_get_n_points (const ConvolveChartData *data,
                                  int                      series)
{
  ChartSeries *s = get_series (data, series);

  return s != NULL ? s->points->len : 0;
}

gboolean
convolve_chart_data_get_point (const ConvolveChartData *data,
                               int                      series,
                               guint                    index,
                               double                  *x,
                               double                  *y)
{
  ChartSeries *s = get_series (data, series);
  ChartPoint *p;

  if (s == NULL || index >= s->points->len)
    return FALSE;
  p = &g_array_index (s->points, ChartPoint, index);
  if (x != NULL)
    *x = p->x;
  if (y != NULL)
    *y = p->y;
  return TRUE;
}

int
convolve_chart_data_get_n_series (const ConvolveChartData *data)
{
  return (int) data->series->len;
}

void
convolve_chart_data_set_x_max (ConvolveChartData *data,
                               double             x_max)
{
  data->x_max = MAX (x_max, 1.0);
}

void
convolve_chart_data_set_y_range (ConvolveChartData *data,
                                 double             y_min,
                                 double             y_max,
                                 gboolean           percent)
{
  data->y_min = y_min;
  data->y_max = y_max;
  data->percent = percent;
}

void
convolve_chart_data_set_titles (ConvolveChartData *data,
                                const char        *x_title,
                                const char        *y_title)
{
  g_free (data->x_title);
  g_free (data->y_title);
  data->x_title = g_strdup (x_title);
  data->y_title = g_strdup (y_title);
}

/* ----------------------------------------------------------------- scale */

void
convolve_chart_nice_range (double  lo,
                           double  hi,
                           int     n_ticks,
                           double *nice_lo,
                           double *nice_hi,
                           double *step)
{
  double span, raw, mag, f, s;

  if (!(hi > lo))
    hi = lo + 1.0;
  span = hi - lo;
  raw = span / MAX (n_ticks, 1);
  mag = pow (10.0, floor (log10 (raw)));
  f = raw / mag;
  if (f <= 1.0)
    s = 1.0;
  else if (f <= 2.0)
    s = 2.0;
  else if (f <= 5.0)
    s = 5.0;
  else
    s = 10.0;
  s *= mag;
  *step = s;
  *nice_lo = floor (lo / s + 1e-9) * s;
  *nice_hi = ceil (hi / s - 1e-9) * s;
}

typedef struct {
  double x_lo, x_hi, x_step;
  double y_lo, y_hi, y_step;
  graphene_rect_t area;
} ChartScale;

static double
data_x_extent (const ConvolveChartData *data)
{
  double x = data->x_max;

  for (guint i = 0; i < data->series->len; i++)
    {
      ChartSeries *s = g_ptr_array_index (data->series, i);
      if (s->points->len > 0)
        x = MAX (x, g_array_index (s->points, ChartPoint, s->points->len - 1).x);
      if (s->has_live)
        x = MAX (x, s->live.x);
    }
  return x;
}

static double
data_y_extent (const ConvolveChartData *data)
{
  double y = 0.0;

  for (guint i = 0; i < data->series->len; i++)
    {
      ChartSeries *s = g_ptr_array_index (data->series, i);
      for (guint j = 0; j < s->points->len; j++)
        y = MAX (y, g_array_index (s->points, ChartPoint, j).y);
      if (s->has_live)
        y = MAX (y, s->live.y);
    }
  return y > 0.0 ? y : 1.0;
}

static void
compute_scale (const ConvolveChartData  *data,
               const ConvolveChartStyle *style,
               int                       width,
               int                       height,
               ChartScale               *scale)
{
  double fs = style->font_size * 96.0 / 72.0;    /* pixels */
  double left = fs * 3.6, bottom = fs * 3.4, top = fs * 2.4, right = fs * 1.2;
  int x_ticks;

  x_ticks = width > 500 ? 10 : 5;
  convolve_chart_nice_range (0.0, data_x_extent (data), x_ticks,
                             &scale->x_lo, &scale->x_hi, &scale->x_step);
  if (scale->x_step < 1.0)
    {
      scale->x_step = 1.0;
      scale->x_hi = ceil (scale->x_hi);
    }

  if (data->y_max > data->y_min)
    {
      scale->y_lo = data->y_min;
      scale->y_hi = data->y_max;
      scale->y_step = (data->y_max - data->y_min) / 4.0;
    }
  else
    convolve_chart_nice_range (0.0, data_y_extent (data), 4,
                               &scale->y_lo, &scale->y_hi, &scale->y_step);

  graphene_rect_init (&scale->area, left, top,
                      MAX (width - left - right, 1.0),
                      MAX (height - top - bottom, 1.0));
}

static void
scale_map (const ChartScale *scale,
           double            x,
           double            y,
           double           *px,
           double           *py)
{
  const graphene_rect_t *a = &scale->area;

  *px = a->origin.x + (x - scale->x_lo) / (scale->x_hi - scale->x_lo) * a->size.width;
  *py = a->origin.y + a->size.height
        - (y - scale->y_lo) / (scale->y_hi - scale->y_lo) * a->size.height;
}

void
convolve_chart_plot_area (const ConvolveChartData  *data,
                          const ConvolveChartStyle *style,
                          int                       width,
                          int                       height,
                          graphene_rect_t          *area)
{
  ChartScale scale;

  compute_scale (data, style, width, height, &scale);
  *area = scale.area;
}

void
convolve_chart_map (const ConvolveChartData  *data,
                    const ConvolveChartStyle *style,
                    int                       width,
                    int                       height,
                    double                    x,
                    double                    y,
                    double                   *px,
                    double                   *py)
{
  ChartScale scale;

  compute_scale (data, style, width, height, &scale);
  scale_map (&scale, x, y, px, py);
}

/* --------------------------------------------------------------- drawing */

void
convolve_chart_style_init (ConvolveChartStyle *style,
                           const GdkRGBA      *foreground,
                           gboolean            dark)
{
  /* Okabe–Ito: blue, orange, bluish green, vermillion; on a dark
   * background the sky-blue variant of blue stays readable. */
  static const GdkRGBA light[4] = {
    { 0.000, 0.447, 0.698, 1.0 },
    { 0.902, 0.624, 0.000, 1.0 },
    { 0.000, 0.620, 0.451, 1.0 },
    { 0.835, 0.369, 0.000, 1.0 },
  };
  static const GdkRGBA dark_palette[4] = {
    { 0.337, 0.706, 0.914, 1.0 },
    { 0.902, 0.624, 0.000, 1.0 },
    { 0.000, 0.620, 0.451, 1.0 },
    { 0.941, 0.894, 0.259, 1.0 },
  };

  style->foreground = *foreground;
  for (int i = 0; i < 4; i++)
    style->palette[i] = dark ? dark_palette[i] : light[i];
  style->font_size = 11.0;
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *rgba,
            double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

/* Draws text with its anchor at (x, y): xalign/yalign 0 = left/top,
 * 0.5 = centre, 1 = right/bottom. */
static void
draw_text (cairo_t              *cr,
           PangoLayout          *layout,
           const char           *text,
           double                x,
           double                y,
           double                xalign,
           double                yalign)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, layout);
}

static char *
format_tick (double   value,
             double   step,
             gboolean percent)
{
  if (percent)
    return g_strdup_printf ("%.0f%%", value * 100.0);
  if (step >= 1.0)
    return g_strdup_printf ("%.0f", value);
  if (step >= 0.1)
    return g_strdup_printf ("%.1f", value);
  return g_strdup_printf ("%.2f", value);
}

static void
draw_series (cairo_t          *cr,
             const ChartScale *scale,
             const ChartSeries *s,
             const GdkRGBA    *color)
{
  guint n = s->points->len;
  double px, py;
  double dash[] = { 7.0, 4.0 };

  if (n == 0 && !s->has_live)
    return;

  cairo_save (cr);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (s->dashed)
    cairo_set_dash (cr, dash, 2, 0.0);
  set_source (cr, color, 1.0);

  for (guint i = 0; i < n; i++)
    {
      ChartPoint *p = &g_array_index (s->points, ChartPoint, i);
      scale_map (scale, p->x, p->y, &px, &py);
      if (i == 0)
        cairo_move_to (cr, px, py);
      else
        cairo_line_to (cr, px, py);
    }
  if (s->has_live)
    {
      scale_map (scale, s->live.x, s->live.y, &px, &py);
      if (n == 0)
        cairo_move_to (cr, px, py);
      else
        cairo_line_to (cr, px, py);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0.0);

  /* A dot on every finished epoch; a ring for the live point. */
  for (guint i = 0; i < n; i++)
    {
      ChartPoint *p = &g_array_index (s->points, ChartPoint, i);
      scale_map (scale, p->x, p->y, &px, &py);
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, 4.0, 0, 2 * G_PI);
    }
  cairo_fill (cr);
  if (s->has_live)
    {
      scale_map (scale, s->live.x, s->live.y, &px, &py);
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, 4.0, 0, 2 * G_PI);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
convolve_chart_draw (cairo_t                  *cr,
                     const ConvolveChartData  *data,
                     const ConvolveChartStyle *style,
                     int                       width,
                     int                       height)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;
  ChartScale scale;
  const graphene_rect_t *a;
  double x0, y0, x1, y1, px, py, fs, lx;

  compute_scale (data, style, width, height, &scale);
  a = &scale.area;
  x0 = a->origin.x;
  y0 = a->origin.y;
  x1 = x0 + a->size.width;
  y1 = y0 + a->size.height;
  fs = style->font_size * 96.0 / 72.0;

  cairo_save (cr);
  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string ("Sans");
  pango_font_description_set_absolute_size (font, fs * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  /* Grid lines and tick labels. */
  cairo_set_line_width (cr, 1.0);
  for (double v = scale.y_lo; v <= scale.y_hi + scale.y_step * 1e-6; v += scale.y_step)
    {
      g_autofree char *text = format_tick (v, scale.y_step, data->percent);
      scale_map (&scale, scale.x_lo, v, &px, &py);
      set_source (cr, &style->foreground, 0.15);
      cairo_move_to (cr, x0, round (py) + 0.5);
      cairo_line_to (cr, x1, round (py) + 0.5);
      cairo_stroke (cr);
      set_source (cr, &style->foreground, 0.8);
      draw_text (cr, layout, text, x0 - fs * 0.4, py, 1.0, 0.5);
    }
  for (double v = scale.x_lo; v <= scale.x_hi + scale.x_step * 1e-6; v += scale.x_step)
    {
      g_autofree char *text = format_tick (v, scale.x_step, FALSE);
      scale_map (&scale, v, scale.y_lo, &px, &py);
      set_source (cr, &style->foreground, 0.8);
      cairo_move_to (cr, round (px) + 0.5, y1);
      cairo_line_to (cr, round (px) + 0.5, y1 + fs * 0.4);
      cairo_stroke (cr);
      draw_text (cr, layout, text, px, y1 + fs * 0.5, 0.5, 0.0);
    }

  /* Axes. */
  set_source (cr, &style->foreground, 0.8);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x0, y1);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);

  if (data->x_title != NULL)
    draw_text (cr, layout, data->x_title, (x0 + x1) / 2.0, height - 2.0, 0.5, 1.0);

  /* Curves, clipped to the plot area (a diverging loss may leave it). */
  cairo_save (cr);
  cairo_rectangle (cr, x0 - 5, y0 - 5, a->size.width + 10, a->size.height + 10);
  cairo_clip (cr);
  for (guint i = 0; i < data->series->len; i++)
    draw_series (cr, &scale, g_ptr_array_index (data->series, i),
                 &style->palette[i % G_N_ELEMENTS (style->palette)]);
  cairo_restore (cr);

  /* Legend: the y title, then a swatch and a label per series. */
  lx = x0;
  if (data->y_title != NULL)
    {
      int w, h;
      set_source (cr, &style->foreground, 1.0);
      draw_text (cr, layout, data->y_title, lx, fs * 0.3, 0.0, 0.0);
      pango_layout_get_pixel_size (layout, &w, &h);
      lx += w + fs * 1.2;
    }
  for (guint i = 0; i < data->series->len; i++)
    {
      ChartSeries *s = g_ptr_array_index (data->series, i);
      const GdkRGBA *color = &style->palette[i % G_N_ELEMENTS (style->palette)];
      double dash[] = { 6.0, 3.0 };
      double cy = fs * 0.3 + fs * 0.6;
      int w, h;

      set_source (cr, color, 1.0);
      cairo_set_line_width (cr, 3.0);
      if (s->dashed)
        cairo_set_dash (cr, dash, 2, 0.0);
      cairo_move_to (cr, lx, cy);
      cairo_line_to (cr, lx + fs * 1.8, cy);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0.0);
      set_source (cr, &style->foreground, 1.0);
      draw_text (cr, layout, s->label, lx + fs * 2.2, cy, 0.0, 0.5);
      pango_layout_get_pixel_size (layout, &w, &h);
      lx += fs * 2.2 + w + fs * 1.2;
    }

  cairo_restore (cr);
}

/* ---------------------------------------------------------------- widget */

struct _ConvolveChart
{
  GtkWidget          parent_instance;

  /* owned */
  ConvolveChartData *data;
  char              *accessible_label;
};

G_DEFINE_FINAL_TYPE (ConvolveChart, convolve_chart, GTK_TYPE_WIDGET)

static void
convolve_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  ConvolveChart *self = CONVOLVE_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  ConvolveChartStyle style;
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* A light foreground means a dark theme. */
  convolve_chart_style_init (&style, &fg,
                             0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5);
  /* The text size is the widget's CSS font size, so presentation mode
   * (and the user's font settings) make the labels larger. */
  {
    const PangoFontDescription *font =
      pango_context_get_font_description (gtk_widget_get_pango_context (widget));
    double size = font != NULL ? pango_font_description_get_size (font) / (double) PANGO_SCALE : 0.0;

    if (font != NULL && pango_font_description_get_size_is_absolute (font))
      size *= 72.0 / 96.0;                           /* pixels to points */
    if (size >= 6.0)
      style.font_size = size;
  }
  if (width < 360)
    style.font_size = MIN (style.font_size, 9.0);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  convolve_chart_draw (cr, self->data, &style, width, height);
  cairo_destroy (cr);
}

static void
convolve_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 420;
    }
  else
    {
      *minimum = 220;
      *natural = 260;
    }
}

static void
convolve_chart_finalize (GObject *object)
{
  ConvolveChart *self = CONVOLVE_CHART (object);

  g_clear_pointer (&self->data, convolve_chart_data_free);
  g_clear_pointer (&self->accessible_label, g_free);

  G_OBJECT_CLASS (convolve_chart_parent_class)->finalize (object);
}

static void
convolve_chart_class_init (ConvolveChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = convolve_chart_finalize;
  widget_class->snapshot = convolve_chart_snapshot;
  widget_class->measure = convolve_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "convolve-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
convolve_chart_init (ConvolveChart *self)
{
  self->data = convolve_chart_data_new ();
}

GtkWidget *
convolve_chart_new (const char *accessible_label)
{
  ConvolveChart *self = g_object_new (CONVOLVE_TYPE_CHART, NULL);

  self->accessible_label = g_strdup (accessible_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  return GTK_WIDGET (self);
}

ConvolveChartData *
convolve_chart_get_data (ConvolveChart *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CHART (self), NULL);
  return self->data;
}

void
convolve_chart_changed (ConvolveChart *self)
{
  g_autoptr(GString) desc = g_string_new (NULL);

  g_return_if_fail (CONVOLVE_IS_CHART (self));

  /* Screen readers get the newest value of every series. */
  for (guint i = 0; i < self->data->series->len; i++)
    {
      ChartSeries *s = g_ptr_array_index (self->data->series, i);
      ChartPoint *p;

      if (s->points->len == 0)
        continue;
      p = &g_array_index (s->points, ChartPoint, s->points->len - 1);
      if (desc->len > 0)
        g_string_append (desc, "; ");
      if (self->data->percent)
        /* Translators: a chart's series and its newest value, e.g. "Validation: 91.7% after 3 epochs" */
        g_string_append_printf (desc, _("%s: %.1f%% after %.0f epochs"), s->label, p->y * 100.0, p->x);
      else
        g_string_append_printf (desc, _("%s: %.3f after %.0f epochs"), s->label, p->y, p->x);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc->str,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
