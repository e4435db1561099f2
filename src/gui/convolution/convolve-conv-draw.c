/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-conv-draw"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "convolve-conv-draw.h"

/* Layout in units of one input cell (see convolve-conv-draw.h). */
#define MARGIN        0.4
#define TITLE_H       0.8
#define GAP           1.0
#define INPUT_SPAN   10.0
#define MID_CELL      1.4
#define OUT_SPAN      8.0
#define POOL_SPAN     4.0
#define MAX_OUT_CELL  1.6
#define EQ_H          1.2
#define FULL_W   (2 * MARGIN + INPUT_SPAN + GAP + 3 * MID_CELL + GAP + OUT_SPAN + GAP + POOL_SPAN)
#define FULL_H   (MARGIN + TITLE_H + INPUT_SPAN + 0.2 + EQ_H + MARGIN)
#define C_GAP         0.6
#define COMPACT_W (2 * 0.2 + INPUT_SPAN + C_GAP + 3 + C_GAP + OUT_SPAN)
#define COMPACT_H (2 * 0.2 + INPUT_SPAN)

/* PuOr ends: a dark blue and an orange, told apart by every common kind of
 * colour blindness and by a washed-out projector (they differ in lightness
 * as well as hue). */
static const ConvolveConvColor negative_end = { 0.13, 0.40, 0.67, 1.0 };
static const ConvolveConvColor positive_end = { 0.90, 0.38, 0.00, 1.0 };

/* ------------------------------------------------------------- colours */

static ConvolveConvColor
mix (const ConvolveConvColor *a, const ConvolveConvColor *b, double t)
{
  ConvolveConvColor c;

  t = CLAMP (t, 0.0, 1.0);
  c.r = a->r + (b->r - a->r) * t;
  c.g = a->g + (b->g - a->g) * t;
  c.b = a->b + (b->b - a->b) * t;
  c.a = a->a + (b->a - a->a) * t;
  return c;
}

static double
luminance (const ConvolveConvColor *c)
{
  return 0.2126 * c->r + 0.7152 * c->g + 0.0722 * c->b;
}

/* Black or white, whichever reads on `on`. */
static ConvolveConvColor
text_on (const ConvolveConvColor *on)
{
  ConvolveConvColor black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 };

  return luminance (on) > 0.5 ? black : white;
}

static void
set_color (cairo_t *cr, const ConvolveConvColor *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

static void
set_color_alpha (cairo_t *cr, const ConvolveConvColor *c, double alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

void
convolve_conv_diverging_color (double                   t,
                               const ConvolveConvColor *neutral,
                               ConvolveConvColor       *out)
{
  if (!isfinite (t))
    t = 0.0;
  t = CLAMP (t, -1.0, 1.0);
  *out = mix (neutral, t < 0 ? &negative_end : &positive_end, fabs (t));
  out->a = 1.0;
}

/* ------------------------------------------------------------- text */

typedef enum { ALIGN_LEFT, ALIGN_CENTER } Align;

static void
draw_text (cairo_t                 *cr,
           const char              *text,
           double                   x,
           double                   y,      /* centre line */
           double                   px,
           gboolean                 bold,
           Align                    align,
           double                   max_width)
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

  /* Never spill out of the box: shrink a text that is too wide. */
  if (max_width > 0 && w > max_width)
    scale = max_width / w;

  cairo_save (cr);
  cairo_translate (cr, align == ALIGN_CENTER ? x - w * scale / 2 : x, y - h * scale / 2);
  cairo_scale (cr, scale, scale);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);

  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
draw_value (cairo_t                 *cr,
            float                    value,
            double                   x,
            double                   y,
            double                   cell,
            const ConvolveConvColor *fill)
{
  char buf[16];
  ConvolveConvColor ink = text_on (fill);

  set_color (cr, &ink);
  draw_text (cr, convolve_conv_format_value (value, buf, sizeof buf),
             x + cell / 2, y + cell / 2, cell * 0.3, TRUE, ALIGN_CENTER, cell * 0.9);
}

/* ------------------------------------------------------------- shapes */

static void
fill_cell (cairo_t *cr, double x, double y, double cell, const ConvolveConvColor *c)
{
  set_color (cr, c);
  cairo_rectangle (cr, x, y, cell, cell);
  cairo_fill (cr);
}

static void
grid_lines (cairo_t *cr, double x, double y, double cell, int rows, int cols,
            const ConvolveConvColor *fg)
{
  cairo_save (cr);
  set_color_alpha (cr, fg, 0.3);
  cairo_set_line_width (cr, 1.0);
  for (int r = 0; r <= rows; r++)
    {
      cairo_move_to (cr, x, round (y + r * cell) + 0.5);
      cairo_line_to (cr, x + cols * cell, round (y + r * cell) + 0.5);
    }
  for (int c = 0; c <= cols; c++)
    {
      cairo_move_to (cr, round (x + c * cell) + 0.5, y);
      cairo_line_to (cr, round (x + c * cell) + 0.5, y + rows * cell);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The current window: a thick outline in the text colour with a thin line
 * of the background inside it, visible over any cell colour. */
static void
highlight (cairo_t *cr, double x, double y, double w, double h, double unit,
           const ConvolveConvPalette *pal)
{
  double outer = MAX (3.0, unit * 0.09);

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
  set_color (cr, &pal->fg);
  cairo_set_line_width (cr, outer);
  cairo_rectangle (cr, x, y, w, h);
  cairo_stroke (cr);
  set_color (cr, &pal->bg);
  cairo_set_line_width (cr, MAX (1.0, outer / 3));
  cairo_rectangle (cr, x + outer * 0.6, y + outer * 0.6, w - outer * 1.2, h - outer * 1.2);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
hover_outline (cairo_t *cr, double x, double y, double w, double h,
               const ConvolveConvPalette *pal)
{
  static const double dash[] = { 6.0, 4.0 };

  cairo_save (cr);
  set_color (cr, &pal->fg);
  cairo_set_line_width (cr, 2.0);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_rectangle (cr, x + 2, y + 2, w - 4, h - 4);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
title (cairo_t *cr, const ConvolveConvLayout *l, const ConvolveConvPalette *pal,
       const char *text, double x, double y, double width)
{
  set_color (cr, &pal->fg);
  draw_text (cr, text, x, y - TITLE_H * l->unit / 2, l->title_size, TRUE, ALIGN_LEFT, width);
}

/* ------------------------------------------------------------- layout */

void
convolve_conv_draw_options_init (ConvolveConvDrawOptions *options)
{
  options->compact = FALSE;
  options->show_numbers = FALSE;
  options->hover_in_row = options->hover_in_col = -1;
  options->hover_out_i = options->hover_out_j = -1;
}

void
convolve_conv_layout_size_for_unit (gboolean compact,
                                    double   unit,
                                    double  *width,
                                    double  *height)
{
  *width = (compact ? COMPACT_W : FULL_W) * unit;
  *height = (compact ? COMPACT_H : FULL_H) * unit;
}

void
convolve_conv_layout_compute (const ConvolveConvLesson *lesson,
                              double                    width,
                              double                    height,
                              gboolean                  compact,
                              ConvolveConvLayout       *l)
{
  int out = convolve_conv_lesson_get_out_size (lesson);
  double u, ox, oy, x, top;

  l->compact = compact;
  l->width = width;
  l->height = height;
  l->pad_before = convolve_conv_lesson_get_pad_before (lesson);
  l->in_cells = CONVOLVE_CONV_INPUT_SIZE + l->pad_before + convolve_conv_lesson_get_pad_after (lesson);

  if (compact)
    u = MIN (width / COMPACT_W, height / COMPACT_H);
  else
    u = MIN (width / FULL_W, height / FULL_H);
  u = MAX (u, 1.0);
  l->unit = u;
  ox = floor ((width - (compact ? COMPACT_W : FULL_W) * u) / 2);
  oy = floor ((height - (compact ? COMPACT_H : FULL_H) * u) / 2);
  oy = MAX (oy, 0);
  ox = MAX (ox, 0);

  /* The input: a bigger cell when there is no border to show. */
  l->in_cell = floor (MIN (INPUT_SPAN / l->in_cells, 1.25) * u);
  l->out_cell = floor (MIN (OUT_SPAN / out, MAX_OUT_CELL) * u);
  l->title_size = MAX (9.0, 0.42 * u);
  l->number_scale = 0.3;

  x = ox + (compact ? 0.2 : MARGIN) * u;
  top = oy + (compact ? 0.2 : MARGIN + TITLE_H) * u;
  l->in_x = x + floor ((INPUT_SPAN * u - l->in_cells * l->in_cell) / 2);
  l->in_y = top;
  x += INPUT_SPAN * u + (compact ? C_GAP : GAP) * u;

  if (compact)
    {
      l->k_cell = floor (u);
      l->k_x = x;
      l->k_y = top + floor ((INPUT_SPAN * u - 3 * l->k_cell) / 2);
      l->p_x = l->p_y = -1;
      x += 3 * u + C_GAP * u;
      l->out_x = x + floor ((OUT_SPAN * u - out * l->out_cell) / 2);
      l->out_y = top + floor ((INPUT_SPAN * u - out * l->out_cell) / 2);
      l->pool_x = l->pool_y = -1;
      l->legend_x = l->legend_y = l->legend_w = -1;
      l->eq_x = l->eq_y = l->eq_size = -1;
      return;
    }

  l->k_cell = floor (MID_CELL * u);
  l->k_x = x;
  l->k_y = top;
  l->p_x = x;
  l->p_y = top + 3 * MID_CELL * u + TITLE_H * u + 0.4 * u;
  x += 3 * MID_CELL * u + GAP * u;

  l->out_x = x;
  l->out_y = top;
  l->legend_x = x;
  l->legend_w = MIN (OUT_SPAN * u, MAX (out * l->out_cell, 5 * u));
  l->legend_y = top + out * l->out_cell + 0.5 * u;
  x += OUT_SPAN * u + GAP * u;

  l->pool_x = x;
  l->pool_y = top;

  l->eq_x = ox + MARGIN * u;
  l->eq_y = top + INPUT_SPAN * u + 0.2 * u + EQ_H * u / 2;
  l->eq_size = 0.55 * u;
}

/* ------------------------------------------------------------- panels */

static void
draw_input (cairo_t *cr, const ConvolveConvLesson *lesson, const ConvolveConvLayout *l,
            const ConvolveConvPalette *pal, const ConvolveConvDrawOptions *opt,
            const ConvolveConvStep *step)
{
  const float *x = convolve_conv_lesson_get_input (lesson);
  double cell = l->in_cell;
  int n = l->in_cells;
  int pb = l->pad_before;

  for (int dr = 0; dr < n; dr++)
    for (int dc = 0; dc < n; dc++)
      {
        int r = dr - pb, c = dc - pb;
        double cx = l->in_x + dc * cell, cy = l->in_y + dr * cell;
        gboolean inside = r >= 0 && r < CONVOLVE_CONV_INPUT_SIZE &&
                          c >= 0 && c < CONVOLVE_CONV_INPUT_SIZE;
        gboolean in_window = step != NULL &&
                             r >= step->row0 && r < step->row0 + 3 &&
                             c >= step->col0 && c < step->col0 + 3;
        ConvolveConvColor fill;

        if (inside)
          {
            fill = mix (&pal->bg, &pal->fg, x[r * CONVOLVE_CONV_INPUT_SIZE + c]);
            fill_cell (cr, cx, cy, cell, &fill);
            if (!l->compact && (opt->show_numbers || in_window))
              draw_value (cr, x[r * CONVOLVE_CONV_INPUT_SIZE + c], cx, cy, cell, &fill);
          }
        else
          {
            /* The zero border: hatched, and a 0 when numbers are on. */
            fill = mix (&pal->bg, &pal->fg, 0.06);
            fill_cell (cr, cx, cy, cell, &fill);
            cairo_save (cr);
            cairo_rectangle (cr, cx, cy, cell, cell);
            cairo_clip (cr);
            set_color_alpha (cr, &pal->fg, 0.18);
            cairo_set_line_width (cr, 1.0);
            for (double d = -cell; d < cell; d += MAX (4.0, cell / 4))
              {
                cairo_move_to (cr, cx + d, cy + cell);
                cairo_line_to (cr, cx + d + cell, cy);
              }
            cairo_stroke (cr);
            cairo_restore (cr);
            if (!l->compact && (opt->show_numbers || in_window))
              draw_value (cr, 0.0f, cx, cy, cell, &fill);
          }
      }
  grid_lines (cr, l->in_x, l->in_y, cell, n, n, &pal->fg);

  /* Everything this input cell feeds is outlined on the output. */
  if (opt->hover_in_row >= 0)
    hover_outline (cr, l->in_x + (opt->hover_in_col + pb) * cell,
                   l->in_y + (opt->hover_in_row + pb) * cell, cell, cell, pal);
  /* The receptive field of a hovered output cell. */
  if (opt->hover_out_i >= 0)
    {
      int s = convolve_conv_lesson_get_stride (lesson);

      hover_outline (cr, l->in_x + (opt->hover_out_j * s) * cell,
                     l->in_y + (opt->hover_out_i * s) * cell, 3 * cell, 3 * cell, pal);
    }

  if (step != NULL)
    highlight (cr, l->in_x + (step->col0 + pb) * cell, l->in_y + (step->row0 + pb) * cell,
               3 * cell, 3 * cell, l->unit, pal);
}

static void
draw_small_grid (cairo_t *cr, const ConvolveConvLayout *l, const ConvolveConvPalette *pal,
                 double gx, double gy, double cell, const float *values,
                 const gboolean *dim, gboolean numbers)
{
  float range = 0.0f;

  for (int k = 0; k < 9; k++)
    range = MAX (range, fabsf (values[k]));
  if (range <= 0.0f)
    range = 1.0f;

  for (int k = 0; k < 9; k++)
    {
      double cx = gx + (k % 3) * cell, cy = gy + (k / 3) * cell;
      ConvolveConvColor fill;

      convolve_conv_diverging_color (values[k] / range, &pal->bg, &fill);
      if (dim != NULL && dim[k])
        fill = mix (&pal->bg, &pal->fg, 0.06);
      fill_cell (cr, cx, cy, cell, &fill);
      if (numbers)
        draw_value (cr, values[k], cx, cy, cell, &fill);
    }
  grid_lines (cr, gx, gy, cell, 3, 3, &pal->fg);
}

static void
draw_output (cairo_t *cr, const ConvolveConvLesson *lesson, const ConvolveConvLayout *l,
             const ConvolveConvPalette *pal, const ConvolveConvDrawOptions *opt)
{
  int out = convolve_conv_lesson_get_out_size (lesson);
  ConvolveConvStage stage = convolve_conv_lesson_get_stage (lesson);
  int pos = convolve_conv_lesson_get_stage_index (lesson);
  gboolean pool_stage = stage == CONVOLVE_CONV_STAGE_POOL;
  gboolean relu_stage = stage == CONVOLVE_CONV_STAGE_RELU;
  const float *activated = convolve_conv_lesson_get_activated (lesson);
  const float *conv = convolve_conv_lesson_get_conv_output (lesson);
  float range = convolve_conv_lesson_get_value_range (lesson);
  double cell = l->out_cell;
  int s = convolve_conv_lesson_get_stride (lesson);

  for (int i = 0; i < out; i++)
    for (int j = 0; j < out; j++)
      {
        int p = i * out + j;
        double cx = l->out_x + j * cell, cy = l->out_y + i * cell;
        ConvolveConvColor fill;
        float v;

        if (stage == CONVOLVE_CONV_STAGE_CONV && p > pos)
          {
            fill = pal->bg;
            fill_cell (cr, cx, cy, cell, &fill);
            continue;
          }
        /* ReLU turns the map cell by cell: done cells show their
         * activation, the rest still the convolution's value. */
        v = pool_stage || (relu_stage && p <= pos) ? activated[p] : conv[p];
        convolve_conv_diverging_color (v / range, &pal->bg, &fill);
        fill_cell (cr, cx, cy, cell, &fill);
        if (!l->compact)
          draw_value (cr, v, cx, cy, cell, &fill);
      }
  grid_lines (cr, l->out_x, l->out_y, cell, out, out, &pal->fg);

  if (opt->hover_out_i >= 0)
    hover_outline (cr, l->out_x + opt->hover_out_j * cell, l->out_y + opt->hover_out_i * cell,
                   cell, cell, pal);
  if (opt->hover_in_row >= 0)
    {
      int pb = l->pad_before;

      /* Output (i, j) reads rows i·s − pb … i·s − pb + 2. */
      for (int i = 0; i < out; i++)
        for (int j = 0; j < out; j++)
          {
            int r0 = i * s - pb, c0 = j * s - pb;

            if (opt->hover_in_row >= r0 && opt->hover_in_row < r0 + 3 &&
                opt->hover_in_col >= c0 && opt->hover_in_col < c0 + 3)
              hover_outline (cr, l->out_x + j * cell, l->out_y + i * cell, cell, cell, pal);
          }
    }

  if (!pool_stage)
    highlight (cr, l->out_x + (pos % out) * cell, l->out_y + (pos / out) * cell,
               cell, cell, l->unit, pal);
}

static void
draw_legend (cairo_t *cr, const ConvolveConvLesson *lesson, const ConvolveConvLayout *l,
             const ConvolveConvPalette *pal)
{
  float range = convolve_conv_lesson_get_value_range (lesson);
  double h = 0.35 * l->unit;
  int steps = 64;
  char buf[24];

  for (int k = 0; k < steps; k++)
    {
      ConvolveConvColor c;

      convolve_conv_diverging_color (2.0 * (k + 0.5) / steps - 1.0, &pal->bg, &c);
      set_color (cr, &c);
      cairo_rectangle (cr, l->legend_x + k * l->legend_w / steps, l->legend_y,
                       l->legend_w / steps + 0.5, h);
      cairo_fill (cr);
    }
  set_color_alpha (cr, &pal->fg, 0.5);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, l->legend_x + 0.5, l->legend_y + 0.5, l->legend_w - 1, h - 1);
  cairo_stroke (cr);

  set_color (cr, &pal->fg);
  convolve_conv_format_value (-range, buf, sizeof buf);
  draw_text (cr, buf, l->legend_x, l->legend_y + h + 0.3 * l->unit, 0.3 * l->unit, FALSE,
             ALIGN_LEFT, 0);
  draw_text (cr, "0", l->legend_x + l->legend_w / 2, l->legend_y + h + 0.3 * l->unit,
             0.3 * l->unit, FALSE, ALIGN_CENTER, 0);
  convolve_conv_format_value (range, buf, sizeof buf);
  {
    PangoLayout *pl = pango_cairo_create_layout (cr);
    PangoFontDescription *font = pango_font_description_from_string ("Sans");
    int w, th;

    pango_font_description_set_absolute_size (font, 0.3 * l->unit * PANGO_SCALE);
    pango_layout_set_font_description (pl, font);
    pango_layout_set_text (pl, buf, -1);
    pango_layout_get_pixel_size (pl, &w, &th);
    cairo_move_to (cr, l->legend_x + l->legend_w - w, l->legend_y + h + 0.3 * l->unit - th / 2.0);
    pango_cairo_show_layout (cr, pl);
    pango_font_description_free (font);
    g_object_unref (pl);
  }
}

static void
draw_pool (cairo_t *cr, const ConvolveConvLesson *lesson, const ConvolveConvLayout *l,
           const ConvolveConvPalette *pal)
{
  int ps = convolve_conv_lesson_get_pool_size (lesson);
  int pos = convolve_conv_lesson_get_stage (lesson) == CONVOLVE_CONV_STAGE_POOL
            ? convolve_conv_lesson_get_stage_index (lesson) : -1;
  const float *pooled = convolve_conv_lesson_get_pooled (lesson);
  float range = convolve_conv_lesson_get_value_range (lesson);
  double cell = l->out_cell;
  g_autofree char *t = NULL;

  if (pooled == NULL)
    {
      set_color_alpha (cr, &pal->fg, 0.7);
      t = g_strdup (_("No 2×2 pool: the map has an odd side"));
      draw_text (cr, t, l->pool_x, l->pool_y + l->unit, 0.3 * l->unit, FALSE, ALIGN_LEFT,
                 POOL_SPAN * l->unit);
      return;
    }

  for (int i = 0; i < ps; i++)
    for (int j = 0; j < ps; j++)
      {
        int p = i * ps + j;
        double cx = l->pool_x + j * cell, cy = l->pool_y + i * cell;
        ConvolveConvColor fill;

        if (p > pos)
          {
            fill_cell (cr, cx, cy, cell, &pal->bg);
            continue;
          }
        convolve_conv_diverging_color (pooled[p] / range, &pal->bg, &fill);
        fill_cell (cr, cx, cy, cell, &fill);
        draw_value (cr, pooled[p], cx, cy, cell, &fill);
      }
  grid_lines (cr, l->pool_x, l->pool_y, cell, ps, ps, &pal->fg);

  if (pos >= 0)
    {
      ConvolveConvPoolStep st;

      /* The winner of every window so far: a ring around its value on the
       * activated map; the current window's bold, the earlier ones lighter. */
      for (int p = 0; p <= pos; p++)
        {
          int wi, wj;

          convolve_conv_lesson_get_pool_step (lesson, p / ps, p % ps, &st);
          wi = 2 * st.i + st.winner / 2;
          wj = 2 * st.j + st.winner % 2;
          cairo_save (cr);
          set_color_alpha (cr, &pal->fg, p == pos ? 1.0 : 0.55);
          cairo_set_line_width (cr, p == pos ? MAX (2.5, 0.07 * l->unit) : MAX (1.5, 0.04 * l->unit));
          cairo_arc (cr, l->out_x + (wj + 0.5) * cell, l->out_y + (wi + 0.5) * cell,
                     cell * 0.44, 0, 2 * G_PI);
          cairo_stroke (cr);
          cairo_restore (cr);
        }

      /* st is the current window's. */
      highlight (cr, l->out_x + 2 * st.j * cell, l->out_y + 2 * st.i * cell,
                 2 * cell, 2 * cell, l->unit, pal);
      highlight (cr, l->pool_x + st.j * cell, l->pool_y + st.i * cell, cell, cell, l->unit, pal);
    }
}

static void
draw_arrow (cairo_t *cr, const ConvolveConvLayout *l, const ConvolveConvPalette *pal,
            double x, double y)
{
  set_color_alpha (cr, &pal->fg, 0.6);
  draw_text (cr, "→", x, y, 0.7 * l->unit, TRUE, ALIGN_CENTER, 0);
}

/* ------------------------------------------------------------- public */

void
convolve_conv_draw (cairo_t                       *cr,
                    const ConvolveConvLesson      *lesson,
                    const ConvolveConvLayout      *l,
                    const ConvolveConvPalette     *pal,
                    const ConvolveConvDrawOptions *opt)
{
  gboolean conv_stage = convolve_conv_lesson_get_stage (lesson) == CONVOLVE_CONV_STAGE_CONV;
  int out = convolve_conv_lesson_get_out_size (lesson);
  int pos = convolve_conv_lesson_get_position (lesson);
  ConvolveConvStep step;
  const ConvolveConvStep *stp = NULL;
  double u = l->unit;

  cairo_save (cr);

  if (conv_stage)
    {
      convolve_conv_lesson_get_conv_step (lesson, pos / out, pos % out, &step);
      stp = &step;
    }

  draw_input (cr, lesson, l, pal, opt, stp);

  if (l->compact)
    {
      draw_small_grid (cr, l, pal, l->k_x, l->k_y, l->k_cell,
                       convolve_conv_lesson_get_kernel (lesson), NULL, FALSE);
      draw_output (cr, lesson, l, pal, opt);
      cairo_restore (cr);
      return;
    }

  /* Titles. */
  {
    g_autofree char *t_in = NULL;
    g_autofree char *t_out = NULL;
    g_autofree char *t_pool = NULL;

    if (l->in_cells > CONVOLVE_CONV_INPUT_SIZE)
      t_in = g_strdup_printf (_("Input 8×8 + zero border"));
    else
      t_in = g_strdup_printf (_("Input 8×8"));
    title (cr, l, pal, t_in, l->in_x, l->in_y, INPUT_SPAN * u);
    title (cr, l, pal, _("Kernel w"), l->k_x, l->k_y, 3 * MID_CELL * u + GAP * u * 0.8);
    title (cr, l, pal, _("Products x·w"), l->p_x, l->p_y, 3 * MID_CELL * u + GAP * u * 0.8);

    if (!conv_stage && convolve_conv_lesson_get_relu (lesson))
      t_out = g_strdup_printf (_("After ReLU %d×%d"), out, out);
    else
      t_out = g_strdup_printf (_("Feature map %d×%d"), out, out);
    title (cr, l, pal, t_out, l->out_x, l->out_y, OUT_SPAN * u + GAP * u * 0.8);

    if (convolve_conv_lesson_has_pool (lesson))
      {
        int ps = convolve_conv_lesson_get_pool_size (lesson);

        t_pool = g_strdup_printf (_("Max pool %d×%d"), ps, ps);
        title (cr, l, pal, t_pool, l->pool_x, l->pool_y, POOL_SPAN * u + MARGIN * u);
      }
  }

  /* Kernel and products. */
  draw_small_grid (cr, l, pal, l->k_x, l->k_y, l->k_cell,
                   convolve_conv_lesson_get_kernel (lesson), NULL, TRUE);
  if (conv_stage)
    {
      highlight (cr, l->k_x, l->k_y, 3 * l->k_cell, 3 * l->k_cell, u, pal);
      draw_small_grid (cr, l, pal, l->p_x, l->p_y, l->k_cell, step.products, step.padded, TRUE);
    }
  else
    {
      set_color_alpha (cr, &pal->fg, 0.3);
      cairo_rectangle (cr, l->p_x + 0.5, l->p_y + 0.5, 3 * l->k_cell - 1, 3 * l->k_cell - 1);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }

  draw_arrow (cr, l, pal, l->in_x + l->in_cells * l->in_cell + (l->k_x - l->in_x - l->in_cells * l->in_cell) / 2,
              l->k_y + 1.5 * l->k_cell);
  draw_arrow (cr, l, pal, l->k_x + 3 * l->k_cell + GAP * u / 2, l->k_y + 1.5 * l->k_cell);
  draw_arrow (cr, l, pal, l->pool_x - GAP * u / 2, l->out_y + MIN (out * l->out_cell / 2, 1.5 * l->k_cell));

  draw_output (cr, lesson, l, pal, opt);
  draw_legend (cr, lesson, l, pal);
  draw_pool (cr, lesson, l, pal);

  /* The equation, written out with the engine's numbers. */
  {
    g_autofree char *eq = convolve_conv_lesson_format_equation (lesson);

    set_color (cr, &pal->fg);
    draw_text (cr, eq, l->eq_x, l->eq_y, l->eq_size, TRUE, ALIGN_LEFT,
               l->width - 2 * l->eq_x);
  }

  cairo_restore (cr);
}

ConvolveConvHit
convolve_conv_hit_test (const ConvolveConvLesson *lesson,
                        const ConvolveConvLayout *l,
                        double x, double y,
                        int *a, int *b)
{
  int out = convolve_conv_lesson_get_out_size (lesson);
  int ps = convolve_conv_lesson_get_pool_size (lesson);
  int c, r;

  *a = *b = -1;

  c = (int) floor ((x - l->in_x) / l->in_cell) - l->pad_before;
  r = (int) floor ((y - l->in_y) / l->in_cell) - l->pad_before;
  if (x >= l->in_x && y >= l->in_y &&
      r >= 0 && r < CONVOLVE_CONV_INPUT_SIZE && c >= 0 && c < CONVOLVE_CONV_INPUT_SIZE)
    {
      *a = r;
      *b = c;
      return CONVOLVE_CONV_HIT_INPUT;
    }

  if (x >= l->k_x && y >= l->k_y && x < l->k_x + 3 * l->k_cell && y < l->k_y + 3 * l->k_cell)
    {
      *a = (int) ((y - l->k_y) / l->k_cell) * 3 + (int) ((x - l->k_x) / l->k_cell);
      *b = 0;
      return CONVOLVE_CONV_HIT_KERNEL;
    }

  if (x >= l->out_x && y >= l->out_y &&
      x < l->out_x + out * l->out_cell && y < l->out_y + out * l->out_cell)
    {
      *a = (int) ((y - l->out_y) / l->out_cell);
      *b = (int) ((x - l->out_x) / l->out_cell);
      return CONVOLVE_CONV_HIT_OUTPUT;
    }

  if (!l->compact && ps > 0 && x >= l->pool_x && y >= l->pool_y &&
      x < l->pool_x + ps * l->out_cell && y < l->pool_y + ps * l->out_cell)
    {
      *a = (int) ((y - l->pool_y) / l->out_cell);
      *b = (int) ((x - l->pool_x) / l->out_cell);
      return CONVOLVE_CONV_HIT_POOL;
    }

  return CONVOLVE_CONV_HIT_NONE;
}
