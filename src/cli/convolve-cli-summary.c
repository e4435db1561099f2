/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-cli summary — a network's layers, Keras style.
 */
#define G_LOG_DOMAIN "convolve-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "convolve-cli.h"

static char *
format_shape (CvShape s)
{
  if (s.h == 1 && s.w == 1)
    return g_strdup_printf ("(%d)", s.c);
  return g_strdup_printf ("(%d, %d, %d)", s.h, s.w, s.c);
}

static gboolean
looks_like_model_file (const char *arg)
{
  return g_str_has_suffix (arg, ".cvm") ||
         (strchr (arg, ' ') == NULL && g_file_test (arg, G_FILE_TEST_EXISTS));
}

static void
print_table (CvNet *net, const char *title)
{
  int n_layers = cv_net_n_layers (net);
  g_autofree int *counts = g_new0 (int, CV_LAYER_SOFTMAX + 1);
  g_autofree char *total = cli_thousands (cv_net_n_params (net));
  const int w_name = 26, w_shape = 18, w_params = 12;
  g_autofree char *rule = NULL;
  g_autofree char *in_shape = format_shape (cv_net_input_shape (net));
  GString *line = g_string_new (NULL);

  for (int i = 0; i < w_name + w_shape + w_params; i++)
    g_string_append (line, "─");
  rule = g_string_free (line, FALSE);

  g_print (_("Model: %s\n"), title);
  g_print (_("Input: %s\n"), in_shape);
  g_print ("%s\n", rule);
  g_print ("%-*s%-*s%*s\n", w_name, _("Layer (type)"), w_shape, _("Output shape"),
           w_params, _("Params"));
  g_print ("%s\n", rule);

  for (int i = 0; i < n_layers; i++)
    {
      const CvLayerInfo *layer = cv_net_layer (net, i);
      const char *kind = cv_layer_kind_name (layer->kind);
      g_autofree char *lower = g_ascii_strdown (kind, -1);
      g_autofree char *name = NULL;
      g_autofree char *shape = format_shape (layer->out);
      g_autofree char *params = cli_thousands (layer->n_params);

      name = g_strdup_printf ("%s_%d (%s)", lower, ++counts[layer->kind], kind);
      g_print ("%-*s%-*s%*s\n", w_name, name, w_shape, shape, w_params, params);
    }

  g_print ("%s\n", rule);
  g_print (_("Total params: %s\n"), total);
}

static void
print_json (CvNet *net, const char *title)
{
  g_autoptr(GString) out = g_string_new ("{\"name\": ");
  CvShape in = cv_net_input_shape (net);
  int n_layers = cv_net_n_layers (net);

  cli_json_string (out, title);
  g_string_append (out, ", \"spec\": ");
  cli_json_string (out, cv_net_spec (net));
  g_string_append_printf (out, ", \"input_shape\": [%d, %d, %d], \"layers\": [", in.h, in.w, in.c);
  for (int i = 0; i < n_layers; i++)
    {
      const CvLayerInfo *layer = cv_net_layer (net, i);

      g_string_append (out, i ? ", {\"type\": " : "{\"type\": ");
      cli_json_string (out, cv_layer_kind_name (layer->kind));
      if (layer->out.h == 1 && layer->out.w == 1)
        g_string_append_printf (out, ", \"output_shape\": [%d]", layer->out.c);
      else
        g_string_append_printf (out, ", \"output_shape\": [%d, %d, %d]",
                                layer->out.h, layer->out.w, layer->out.c);
      g_string_append_printf (out, ", \"params\": %zu}", layer->n_params);
    }
  g_string_append_printf (out, "], \"total_params\": %zu}", cv_net_n_params (net));
  g_print ("%s\n", out->str);
}

int
cli_summary (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConvolveModel) model = NULL;
  g_autofree char *owned = NULL;
  const char *arg, *spec;
  CvNet *net = NULL;
  CvError err = { 0 };

  if (!cli_parse_options ("summary", _("ARCH|SPEC|MODEL.cvm"),
                          _("Show each layer's type, output shape and parameter count."),
                          _("ARCH is a built-in architecture (shapes, digits-small, lenet, digits),\n"
                            "SPEC a network spec in quotes, MODEL.cvm a saved model.\n\n"
                            "Example:\n  convolve-cli summary shapes\n"
                            "  convolve-cli summary \"16x16x1 conv8k3 relu maxpool2 flatten dense3 softmax\""),
                          entries, &argc, &argv, &error))
    return cli_report ("summary", error);

  if (argc != 2)
    {
      g_set_error_literal (&error, CLI_ERROR, CLI_ERROR_USAGE,
                           argc < 2 ? _("summary needs one architecture, spec or model file")
                                    : _("summary takes one architecture, spec or model file"));
      return cli_report ("summary", error);
    }
  arg = argv[1];

  if (cv_arch_spec (arg) == NULL && looks_like_model_file (arg))
    {
      model = cli_load_model (arg, &error);
      if (model == NULL)
        return cli_report ("summary", error);
      spec = convolve_model_get_spec (model);
    }
  else
    {
      spec = cli_resolve_arch (arg, &owned, &error);
      if (spec == NULL)
        return cli_report ("summary", error);
    }

  if (cv_net_new (spec, &net, &err) != CV_OK)
    {
      g_set_error (&error, CLI_ERROR, CLI_ERROR_FAILED, "%s: %s", arg, err.message);
      return cli_report ("summary", error);
    }

  if (json)
    print_json (net, arg);
  else
    print_table (net, arg);

  cv_net_free (net);
  return CLI_EXIT_OK;
}
