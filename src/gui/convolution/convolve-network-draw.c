/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-network-draw"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "convolve-network-draw.h"

#define GAP 6.0

/* ------------------------------------------------------------- helpers */

static void
text_at (cairo_t *cr, const char *text, double x, double y, double px, gboolean bold,
         double max_width, gboolean center)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");
  int w, h;
  double scale = 1.0;

  pango_font_description_set_absolute_size (font, MAX (1.0, px) * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  if (max_width > 0 && w > max_width)
    scale = max_width / w;
  cairo_save (cr);
  cairo_translate (cr, center ? x - w * scale / 2 : x, y);
  cairo_scale (cr, scale, scale);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static char *
shape_text (CvShape s)
{
  if (s.h == 1 && s.w == 1)
    return g_strdup_printf ("%d", s.c);
  return g_strdup_printf ("%d×%d×%d", s.h, s.w, s.c);
}

/* One channel of an (h, w, c) map as a nearest-neighbour image. gray: the
 * input's ink shades; otherwise the diverging colours over ±range. */
static void
draw_map (cairo_t *cr, const float *values, CvShape s, int channel, gboolean gray,
          float range, double x, double y, double size, const ConvolveConvPalette *pal)
{
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, s.w, s.h);
  uint8_t *data = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  double scale = size / MAX (s.w, s.h);

  cairo_surface_flush (img);
  for (int r = 0; r < s.h; r++)
    for (int c = 0; c < s.w; c++)
      {
        float v = values != NULL ? values[((size_t) r * s.w + c) * s.c + channel] : 0.0f;
        ConvolveConvColor col;

        if (gray)
          {
            double t = CLAMP (v, 0.0f, 1.0f);

            col.r = pal->bg.r + (pal->fg.r - pal->bg.r) * t;
            col.g = pal->bg.g + (pal->fg.g - pal->bg.g) * t;
            col.b = pal->bg.b + (pal->fg.b - pal->bg.b) * t;
          }
        else
          convolve_conv_diverging_color (range > 0 ? v / range : 0.0, &pal->bg, &col);
        *(uint32_t *) (data + r * stride + c * 4) =
          ((uint32_t) lround (col.r * 255) << 16) | ((uint32_t) lround (col.g * 255) << 8) |
          (uint32_t) lround (col.b * 255);
      }
  cairo_surface_mark_dirty (img);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, img, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, s.w, s.h);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (img);

  cairo_set_source_rgba (cr, pal->fg.r, pal->fg.g, pal->fg.b, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, floor (x) + 0.5, floor (y) + 0.5, ceil (size) - 1, ceil (size) - 1);
  cairo_stroke (cr);
}

static void
plan_rows (const CvNet *net, ConvolveNetworkLayout *l)
{
  int n = cv_net_n_layers (net);

  l->n_rows = 0;
  l->rows[l->n_rows++] = (ConvolveNetworkRow) { CONVOLVE_NETWORK_ROW_INPUT, -1, -1,
                                                cv_net_input_shape (net), 0, 0 };
  for (int i = 0; i < n && l->n_rows < (int) G_N_ELEMENTS (l->rows); i++)
    {
      const CvLayerInfo *info = cv_net_layer (net, i);
      gboolean relu_next = i + 1 < n && cv_net_layer (net, i + 1)->kind == CV_LAYER_RELU;
      gboolean softmax_next = i + 1 < n && cv_net_layer (net, i + 1)->kind == CV_LAYER_SOFTMAX;
      ConvolveNetworkRow row = { CONVOLVE_NETWORK_ROW_MAPS, i, i, info->out, 0, 0 };

      switch (info->kind)
        {
        case CV_LAYER_CONV2D:
          row.layer = relu_next ? i + 1 : i;
          break;
        case CV_LAYER_MAXPOOL:
        case CV_LAYER_AVGPOOL:
          break;
        case CV_LAYER_DENSE:
          if (softmax_next)
            continue;   /* its logits become the output row */
          row.kind = CONVOLVE_NETWORK_ROW_BARS;
          row.layer = relu_next ? i + 1 : i;
          break;
        case CV_LAYER_SOFTMAX:
          row.kind = CONVOLVE_NETWORK_ROW_OUTPUT;
          break;
        case CV_LAYER_FLATTEN:
        case CV_LAYER_RELU:
        default:
          continue;
        }
      if (row.layer != i)
        i = row.layer;   /* the ReLU is folded into this row */
      l->rows[l->n_rows++] = row;
    }
}

static const char *
row_title (const CvNet *net, const ConvolveNetworkRow *row)
{
  const CvLayerInfo *info;

  if (row->kind == CONVOLVE_NETWORK_ROW_INPUT)
    return _("Input");
  if (row->kind == CONVOLVE_NETWORK_ROW_OUTPUT)
    return _("Output probabilities");
  info = cv_net_layer (net, row->first_layer);
  switch (info->kind)
    {
    case CV_LAYER_CONV2D:
      return row->layer != row->first_layer ? _("Convolution + ReLU") : _("Convolution");
    case CV_LAYER_MAXPOOL:
      return _("Max pool");
    case CV_LAYER_AVGPOOL:
      return _("Average pool");
    case CV_LAYER_DENSE:
      return row->layer != row->first_layer ? _("Dense + ReLU") : _("Dense");
    case CV_LAYER_FLATTEN:
    case CV_LAYER_RELU:
    case CV_LAYER_SOFTMAX:
    default:
      return "";
    }
}

/* ------------------------------------------------------------- public */

void
convolve_network_draw (cairo_t                   *cr,
                       const CvNet               *net,
                       const float               *input,
                       const char *const         *class_names,
                       double                     width,
                       double                     height,
                       const ConvolveConvPalette *pal,
                       ConvolveNetworkLayout     *l)
{
  double row_h, y, title_px;
  gboolean first_conv_done = FALSE;

  memset (l, 0, sizeof *l);
  plan_rows (net, l);
  l->label_width = MIN (220.0, MAX (170.0, width * 0.18));
  row_h = floor ((height - GAP) / l->n_rows);
  title_px = CLAMP (row_h * 0.2, 10.0, 18.0);
  y = GAP / 2;

  for (int r = 0; r < l->n_rows; r++)
    {
      ConvolveNetworkRow *row = &l->rows[r];
      const float *values = NULL;
      g_autofree char *shape = shape_text (row->shape);
      double x0 = l->label_width, avail = width - x0 - GAP;

      row->y = y;
      row->height = row_h - GAP;

      if (input != NULL)
        values = row->layer < 0 ? input : cv_net_activation (net, row->layer);

      cairo_set_source_rgb (cr, pal->fg.r, pal->fg.g, pal->fg.b);
      text_at (cr, row_title (net, row), GAP, y + row->height / 2 - title_px * 1.2,
               title_px, TRUE, l->label_width - 2 * GAP, FALSE);
      cairo_set_source_rgba (cr, pal->fg.r, pal->fg.g, pal->fg.b, 0.75);
      text_at (cr, shape, GAP, y + row->height / 2 + title_px * 0.1, title_px * 0.9, FALSE,
               l->label_width - 2 * GAP, FALSE);

      if (row->kind == CONVOLVE_NETWORK_ROW_INPUT || row->kind == CONVOLVE_NETWORK_ROW_MAPS)
        {
          int n_maps = row->shape.c;
          int lines = 1, per_line = n_maps;
          double size = 0, top;
          float range = 0.0f;
          gboolean first = row->kind == CONVOLVE_NETWORK_ROW_MAPS && !first_conv_done &&
                           cv_net_layer (net, row->first_layer)->kind == CV_LAYER_CONV2D;

          /* Many maps wrap onto several lines: take the biggest square. */
          for (int n_lines = 1; n_lines <= n_maps; n_lines++)
            {
              int per = (n_maps + n_lines - 1) / n_lines;
              double s = MIN ((row->height + GAP) / n_lines - GAP, (avail + GAP) / per - GAP);

              if (s > size)
                {
                  size = s;
                  lines = n_lines;
                  per_line = per;
                }
            }
          size = floor (MAX (size, 3.0));
          top = y + floor ((row->height - lines * (size + GAP) + GAP) / 2);
          if (values != NULL)
            for (size_t k = 0; k < cv_shape_size (row->shape); k++)
              range = MAX (range, fabsf (values[k]));
          if (range <= 0.0f)
            range = 1.0f;

          if (first)
            {
              first_conv_done = TRUE;
              l->map_size = size;
              l->n_first_maps = MIN (n_maps, CONVOLVE_NETWORK_MAX_MAPS);
            }
          for (int m = 0; m < n_maps; m++)
            {
              double mx = x0 + (m % per_line) * (size + GAP);
              double my = top + (m / per_line) * (size + GAP);

              draw_map (cr, values, row->shape, m, row->kind == CONVOLVE_NETWORK_ROW_INPUT,
                        range, mx, my, size, pal);
              if (first && m < CONVOLVE_NETWORK_MAX_MAPS)
                {
                  l->first_map_x[m] = mx;
                  l->first_map_y[m] = my;
                }
            }
        }
      else
        {
          int units = row->shape.c * row->shape.h * row->shape.w;
          gboolean output = row->kind == CONVOLVE_NETWORK_ROW_OUTPUT;
          /* Output bars leave room for the class names between them. */
          double space = output ? 10.0 : 2.0;
          double bw = MAX (2.0, MIN (output ? 110.0 : 60.0, avail / units - space));
          double label_h = output ? title_px * 1.3 : 0;
          double bar_h = row->height - label_h - (output ? title_px * 1.2 : 0);
          float top = output ? 1.0f : 0.0f;
          int best = 0;

          if (values != NULL)
            for (int u = 0; u < units; u++)
              {
                top = MAX (top, values[u]);
                if (values[u] > values[best])
                  best = u;
              }
          if (top <= 0.0f)
            top = 1.0f;

          for (int u = 0; u < units; u++)
            {
              double bx = x0 + u * (bw + space);
              double v = values != NULL ? MAX (values[u], 0.0f) / top : 0.0;
              double base = y + (output ? title_px * 1.2 : 0) + bar_h;
              ConvolveConvColor c;

              if (bx + bw > width)
                break;
              cairo_set_source_rgba (cr, pal->fg.r, pal->fg.g, pal->fg.b, 0.12);
              cairo_rectangle (cr, bx, base - bar_h, bw, bar_h);
              cairo_fill (cr);
              convolve_conv_diverging_color (output && u != best ? 0.55 : 1.0, &pal->bg, &c);
              cairo_set_source_rgb (cr, c.r, c.g, c.b);
              cairo_rectangle (cr, bx, base - bar_h * v, bw, bar_h * v);
              cairo_fill (cr);

              if (output)
                {
                  g_autofree char *pct = NULL;
                  g_autofree char *num = NULL;
                  const char *name = class_names != NULL ? class_names[u] : NULL;

                  if (name == NULL)
                    name = num = g_strdup_printf ("%d", u);
                  cairo_set_source_rgb (cr, pal->fg.r, pal->fg.g, pal->fg.b);
                  text_at (cr, name, bx + bw / 2, base + 2, title_px, u == best, bw + space - 2, TRUE);
                  if (values != NULL)
                    {
                      pct = g_strdup_printf ("%.0f%%", values[u] * 100.0);
                      text_at (cr, pct, bx + bw / 2, base - bar_h * v - title_px * 1.2,
                               title_px * 0.85, FALSE, bw + 2, TRUE);
                    }
                }
            }
        }
      y += row_h;
    }
}

int
convolve_network_hit_first_map (const ConvolveNetworkLayout *l,
                                double x, double y)
{
  for (int m = 0; m < l->n_first_maps; m++)
    if (x >= l->first_map_x[m] && x < l->first_map_x[m] + l->map_size &&
        y >= l->first_map_y[m] && y < l->first_map_y[m] + l->map_size)
      return m;
  return -1;
}
