/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Training curves, the Sysprof way: the data (series of points), the scale
 * (a data range mapped to 0..1 with "nice" ticks) and the drawing (a plain
 * function on a cairo_t) are separate, so the drawing is tested on an image
 * surface with no display.
 *
 * x is in epochs and may be fractional: the live point of a series moves
 * along with the batches of the running epoch, so the curve grows smoothly
 * between whole epochs.
 */

typedef struct _ConvolveChartData ConvolveChartData;

ConvolveChartData *convolve_chart_data_new        (void);
void               convolve_chart_data_free       (ConvolveChartData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConvolveChartData, convolve_chart_data_free)

/* Adds a series and returns its index. Colours come from the palette in
 * the order series are added. */
int                convolve_chart_data_add_series (ConvolveChartData *data,
                                                   const char        *label,
                                                   gboolean           dashed);
void               convolve_chart_data_add_point  (ConvolveChartData *data,
                                                   int                series,
                                                   double             x,
                                                   double             y);
/* The point that follows the batches; cleared by the next add_point. */
void               convolve_chart_data_set_live   (ConvolveChartData *data,
                                                   int                series,
                                                   double             x,
                                                   double             y);
void               convolve_chart_data_clear      (ConvolveChartData *data);
guint              convolve_chart_data_get_n_points (const ConvolveChartData *data,
                                                     int                      series);
gboolean           convolve_chart_data_get_point  (const ConvolveChartData *data,
                                                   int                      series,
                                                   guint                    index,
                                                   double                  *x,
                                                   double                  *y);
int                convolve_chart_data_get_n_series (const ConvolveChartData *data);
/* The x axis spans at least 0..x_max (the planned epochs). */
void               convolve_chart_data_set_x_max  (ConvolveChartData *data,
                                                   double             x_max);
/* Fixed y range (accuracy: 0..1), or automatic from 0 to the largest value
 * when y_min == y_max. Percent labels the ticks as percentages. */
void               convolve_chart_data_set_y_range (ConvolveChartData *data,
                                                    double             y_min,
                                                    double             y_max,
                                                    gboolean           percent);
void               convolve_chart_data_set_titles (ConvolveChartData *data,
                                                   const char        *x_title,
                                                   const char        *y_title);

/* The scale: "nice" limits and tick step covering lo..hi with about
 * n_ticks ticks (1, 2 or 5 times a power of ten). */
void               convolve_chart_nice_range      (double  lo,
                                                   double  hi,
                                                   int     n_ticks,
                                                   double *nice_lo,
                                                   double *nice_hi,
                                                   double *step);

typedef struct {
  GdkRGBA foreground;     /* axes, ticks, text */
  GdkRGBA palette[4];     /* series colours */
  double  font_size;      /* points, for tick labels and the legend */
} ConvolveChartStyle;

/* The colour-blind-safe palette (Okabe–Ito), in a variant for a light or a
 * dark background, with the given foreground colour. */
void               convolve_chart_style_init      (ConvolveChartStyle *style,
                                                   const GdkRGBA      *foreground,
                                                   gboolean            dark);

/* Where the plot area lies inside width × height (for tests). */
void               convolve_chart_plot_area       (const ConvolveChartData  *data,
                                                   const ConvolveChartStyle *style,
                                                   int                       width,
                                                   int                       height,
                                                   graphene_rect_t          *area);
/* Maps a data point to device coordinates inside width × height. */
void               convolve_chart_map             (const ConvolveChartData  *data,
                                                   const ConvolveChartStyle *style,
                                                   int                       width,
                                                   int                       height,
                                                   double                    x,
                                                   double                    y,
                                                   double                   *px,
                                                   double                   *py);

/* Draws everything but the background. */
void               convolve_chart_draw            (cairo_t                  *cr,
                                                   const ConvolveChartData  *data,
                                                   const ConvolveChartStyle *style,
                                                   int                       width,
                                                   int                       height);

#define CONVOLVE_TYPE_CHART (convolve_chart_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveChart, convolve_chart, CONVOLVE, CHART, GtkWidget)

/* The widget: draws its data with the theme's colours. accessible_label
 * names the chart for screen readers and tests ("Loss chart"). */
GtkWidget         *convolve_chart_new             (const char    *accessible_label);
/* Borrowed; call convolve_chart_changed() after modifying it. */
ConvolveChartData *convolve_chart_get_data        (ConvolveChart *self);
void               convolve_chart_changed         (ConvolveChart *self);

G_END_DECLS
