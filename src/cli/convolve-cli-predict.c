/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-cli predict — classify pictures the way the canvas does: the
 * picture becomes gray, goes through the data layer's preprocessing and the
 * model answers with every class's probability.
 */
#define G_LOG_DOMAIN "convolve-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "convolve-cli.h"

/* Any picture gdk-pixbuf reads → w×h gray values in 0..1, transparency laid
 * over white (a drawing with a transparent background is ink on paper). */
static float *
load_gray (const char  *path,
           int         *w,
           int         *h,
           GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *pixels;
  int stride, channels;
  gboolean alpha;
  float *gray;

  pixbuf = gdk_pixbuf_new_from_file (path, &local_error);
  if (pixbuf == NULL)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, "%s: %s", path, local_error->message);
      return NULL;
    }
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, _("%s: unsupported pixel format"), path);
      return NULL;
    }

  *w = gdk_pixbuf_get_width (pixbuf);
  *h = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);

  gray = g_new (float, (gsize) *w * *h);
  for (int y = 0; y < *h; y++)
    for (int x = 0; x < *w; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        float lum = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.f;

        if (alpha)
          {
            float a = p[3] / 255.f;

            lum = lum * a + (1.f - a);
          }
        gray[(gsize) y * *w + x] = lum;
      }
  return gray;
}

int
cli_predict (int argc, char **argv)
{
  g_autofree char *model_path = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("The model file (default: the shipped digits model)"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per image"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = NULL;
  g_autofree float *probs = NULL;
  int classes, status = CLI_EXIT_OK;

  if (!cli_parse_options ("predict", _("IMAGE…"),
                          _("Classify pictures (PNG or any format gdk-pixbuf reads)."),
                          _("Each picture is turned gray, cropped, scaled and centred exactly as the\n"
                            "training data was made, then classified.  Either polarity works.\n"
                            "A blank picture says “nothing drawn”.\n\n"
                            "Examples:\n"
                            "  convolve-cli predict seven.png\n"
                            "  convolve-cli predict --model shapes.cvm --json circle.png square.png"),
                          entries, &argc, &argv, &error))
    return cli_report ("predict", error);

  if (argc < 2)
    {
      g_set_error_literal (&error, CLI_ERROR, CLI_ERROR_USAGE, _("predict needs at least one image"));
      return cli_report ("predict", error);
    }

  if (model_path != NULL)
    model = cli_load_model (model_path, &error);
  else
    {
      g_autoptr(GError) local_error = NULL;

      model = convolve_model_new_builtin ("digits", &local_error);
      if (model == NULL)
        g_set_error (&error, CLI_ERROR, CLI_ERROR_FAILED,
                     _("the shipped digits model is not available (%s); pass --model FILE"),
                     local_error->message);
    }
  if (model == NULL)
    return cli_report ("predict", error);

  classes = convolve_model_get_n_classes (model);
  probs = g_new0 (float, classes);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) image_error = NULL;
      g_autofree float *gray = NULL;
      int w = 0, h = 0, best = 0;
      gboolean drawn;

      gray = load_gray (argv[i], &w, &h, &image_error);
      if (gray == NULL)
        {
          cli_report ("predict", image_error);
          status = CLI_EXIT_FAILURE;
          continue;
        }

      drawn = convolve_model_predict_image (model, gray, w, h, probs, NULL);
      if (drawn)
        for (int c = 1; c < classes; c++)
          if (probs[c] > probs[best])
            best = c;

      if (json)
        {
          g_autoptr(GString) out = g_string_new ("{\"file\": ");

          cli_json_string (out, argv[i]);
          if (!drawn)
            g_string_append (out, ", \"nothing_drawn\": true");
          else
            {
              g_string_append_printf (out, ", \"label\": %d, \"class\": ", best);
              cli_json_string (out, convolve_model_get_class_name (model, best));
              g_string_append (out, ", \"probabilities\": [");
              for (int c = 0; c < classes; c++)
                {
                  if (c)
                    g_string_append (out, ", ");
                  cli_json_number (out, probs[c], 6);
                }
              g_string_append (out, "]");
            }
          g_string_append (out, "}");
          g_print ("%s\n", out->str);
        }
      else if (!drawn)
        g_print (_("%s: nothing drawn\n"), argv[i]);
      else
        {
          g_autoptr(GString) out = g_string_new (NULL);

          g_string_append_printf (out, _("%s: %d (%s) %.1f%%  "), argv[i], best,
                                  convolve_model_get_class_name (model, best), 100.0 * probs[best]);
          for (int c = 0; c < classes; c++)
            g_string_append_printf (out, " %s %.3f", convolve_model_get_class_name (model, c), probs[c]);
          g_print ("%s\n", out->str);
        }
    }

  return status;
}
