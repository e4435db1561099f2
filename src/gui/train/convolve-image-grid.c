/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-image-grid"

#include "config.h"

#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "convolve-image-grid.h"

#define GAP 8

typedef struct {
  float *pixels;   /* (h, w) */
  int    w, h;
  char  *caption;
} GridItem;

struct _ConvolveImageGrid
{
  GtkWidget  parent_instance;

  /* owned */
  GArray    *items;       /* GridItem */

  int        cell_size;
  gboolean   is_signed;
};

G_DEFINE_FINAL_TYPE (ConvolveImageGrid, convolve_image_grid, GTK_TYPE_WIDGET)

static void
grid_item_clear (gpointer data)
{
  GridItem *item = data;

  g_free (item->pixels);
  g_free (item->caption);
}

static gboolean
has_captions (ConvolveImageGrid *self)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_array_index (self->items, GridItem, i).caption != NULL)
      return TRUE;
  return FALSE;
}

static int
caption_height (ConvolveImageGrid *self)
{
  return has_captions (self) ? 22 : 0;
}

static int
columns_for_width (ConvolveImageGrid *self,
                   int                width)
{
  return MAX (1, (width + GAP) / (self->cell_size + GAP));
}

static void
draw_item (ConvolveImageGrid *self,
           cairo_t           *cr,
           const GridItem    *item,
           double             x,
           double             y,
           const GdkRGBA     *fg)
{
  double size = self->cell_size;
  double px = size / MAX (item->w, item->h);
  float max_abs = 1e-6f;
  /* Okabe–Ito blue, or its sky-blue variant on a dark background. */
  gboolean dark = 0.2126 * fg->red + 0.7152 * fg->green + 0.0722 * fg->blue > 0.5;
  double neg_r = dark ? 0.337 : 0.0, neg_g = dark ? 0.706 : 0.447, neg_b = dark ? 0.914 : 0.698;

  /* The tile: a faint card, so an empty picture still shows its frame. */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.08);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);

  if (self->is_signed)
    for (int i = 0; i < item->w * item->h; i++)
      max_abs = MAX (max_abs, fabsf (item->pixels[i]));

  for (int r = 0; r < item->h; r++)
    for (int c = 0; c < item->w; c++)
      {
        float v = item->pixels[r * item->w + c];

        if (self->is_signed)
          {
            double a = fabsf (v) / max_abs;
            if (v >= 0)
              cairo_set_source_rgba (cr, 0.902, 0.624, 0.0, a);
            else
              cairo_set_source_rgba (cr, neg_r, neg_g, neg_b, a);
          }
        else
          cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, CLAMP (v, 0.0f, 1.0f));
        /* Whole device pixels, so neighbouring cells leave no seams. */
        cairo_rectangle (cr, floor (x + c * px), floor (y + r * px),
                         floor (x + (c + 1) * px) - floor (x + c * px),
                         floor (y + (r + 1) * px) - floor (y + r * px));
        cairo_fill (cr);
      }
}

static void
convolve_image_grid_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  ConvolveImageGrid *self = CONVOLVE_IMAGE_GRID (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int columns = columns_for_width (self, width);
  int ch = caption_height (self);
  g_autoptr(PangoLayout) layout = NULL;
  GdkRGBA fg;
  cairo_t *cr;

  if (self->items->len == 0 || width <= 0 || height <= 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_width (layout, self->cell_size * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  for (guint i = 0; i < self->items->len; i++)
    {
      const GridItem *item = &g_array_index (self->items, GridItem, i);
      double x = (i % columns) * (self->cell_size + GAP);
      double y = (i / columns) * (self->cell_size + ch + GAP);

      draw_item (self, cr, item, x, y, &fg);
      if (item->caption != NULL)
        {
          pango_layout_set_text (layout, item->caption, -1);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha);
          cairo_move_to (cr, x, y + self->cell_size + 2);
          pango_cairo_show_layout (cr, layout);
        }
    }
  cairo_destroy (cr);
}

static GtkSizeRequestMode
convolve_image_grid_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
convolve_image_grid_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  ConvolveImageGrid *self = CONVOLVE_IMAGE_GRID (widget);
  int n = (int) self->items->len;
  int step = self->cell_size + GAP;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->cell_size;
      *natural = MAX (1, MIN (n, 8)) * step - GAP;
    }
  else
    {
      int columns = columns_for_width (self, for_size < 0 ? 8 * step : for_size);
      int rows = (n + columns - 1) / columns;
      *minimum = *natural = MAX (0, rows * (self->cell_size + caption_height (self) + GAP) - GAP);
    }
}

static void
convolve_image_grid_finalize (GObject *object)
{
  ConvolveImageGrid *self = CONVOLVE_IMAGE_GRID (object);

  g_clear_pointer (&self->items, g_array_unref);

  G_OBJECT_CLASS (convolve_image_grid_parent_class)->finalize (object);
}

static void
convolve_image_grid_class_init (ConvolveImageGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = convolve_image_grid_finalize;
  widget_class->snapshot = convolve_image_grid_snapshot;
  widget_class->measure = convolve_image_grid_measure;
  widget_class->get_request_mode = convolve_image_grid_get_request_mode;

  gtk_widget_class_set_css_name (widget_class, "convolve-image-grid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
convolve_image_grid_init (ConvolveImageGrid *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (GridItem));
  g_array_set_clear_func (self->items, grid_item_clear);
}

GtkWidget *
convolve_image_grid_new (int      cell_size,
                         gboolean is_signed)
{
  ConvolveImageGrid *self = g_object_new (CONVOLVE_TYPE_IMAGE_GRID, NULL);

  self->cell_size = MAX (cell_size, 8);
  self->is_signed = is_signed;
  return GTK_WIDGET (self);
}

void
convolve_image_grid_clear (ConvolveImageGrid *self)
{
  g_return_if_fail (CONVOLVE_IS_IMAGE_GRID (self));

  g_array_set_size (self->items, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
convolve_image_grid_add (ConvolveImageGrid *self,
                         const float       *pixels,
                         int                w,
                         int                h,
                         const char        *caption)
{
  GridItem item;

  g_return_if_fail (CONVOLVE_IS_IMAGE_GRID (self));
  g_return_if_fail (pixels != NULL && w > 0 && h > 0);

  item.pixels = g_memdup2 (pixels, sizeof (float) * (gsize) w * h);
  item.w = w;
  item.h = h;
  item.caption = g_strdup (caption);
  g_array_append_val (self->items, item);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
convolve_image_grid_update (ConvolveImageGrid *self,
                            guint              index,
                            const float       *pixels)
{
  GridItem *item;

  g_return_if_fail (CONVOLVE_IS_IMAGE_GRID (self));
  g_return_if_fail (index < self->items->len);

  item = &g_array_index (self->items, GridItem, index);
  memcpy (item->pixels, pixels, sizeof (float) * (gsize) item->w * item->h);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
convolve_image_grid_get_n_items (ConvolveImageGrid *self)
{
  g_return_val_if_fail (CONVOLVE_IS_IMAGE_GRID (self), 0);
  return self->items->len;
}

const char *
convolve_image_grid_get_caption (ConvolveImageGrid *self,
                                 guint              index)
{
  g_return_val_if_fail (CONVOLVE_IS_IMAGE_GRID (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_array_index (self->items, GridItem, index).caption;
}
