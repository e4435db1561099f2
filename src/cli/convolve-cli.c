/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-cli.c — the command-line face of Convolve: dispatch and the
 * helpers every subcommand shares.
 */
#define G_LOG_DOMAIN "convolve-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "convolve-cli.h"

G_DEFINE_QUARK (convolve-cli-error-quark, cli_error)

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} CliCommand;

static const CliCommand commands[] = {
  { "summary", cli_summary, N_("Show a network's layers, output shapes and parameters") },
  { "train",   cli_train,   N_("Train a network on a dataset and save the model") },
  { "eval",    cli_eval,    N_("Measure a model's accuracy on a dataset") },
  { "predict", cli_predict, N_("Classify images with a model") },
  { "bench",   cli_bench,   N_("Measure training and inference speed") },
};

int
cli_report (const char   *command,
            const GError *error)
{
  g_printerr ("convolve-cli: %s\n", error->message);
  if (g_error_matches (error, CLI_ERROR, CLI_ERROR_USAGE))
    {
      if (command != NULL)
        g_printerr (_("Try “convolve-cli %s --help”.\n"), command);
      else
        g_printerr (_("Try “convolve-cli --help”.\n"));
      return CLI_EXIT_USAGE;
    }
  return CLI_EXIT_FAILURE;
}

gboolean
cli_parse_options (const char    *command,
                   const char    *parameters,
                   const char    *summary,
                   const char    *description,
                   GOptionEntry  *entries,
                   int           *argc,
                   char        ***argv,
                   GError       **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *prgname = g_strdup_printf ("convolve-cli %s", command);
  int out = 1;

  g_set_prgname (prgname);
  context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);

  if (!g_option_context_parse (context, argc, argv, &local_error))
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_USAGE, local_error->message);
      return FALSE;
    }

  /* GOption leaves "--" in place; the operands are everything else. */
  for (int i = 1; i < *argc; i++)
    if (strcmp ((*argv)[i], "--") != 0)
      (*argv)[out++] = (*argv)[i];
  *argc = out;
  return TRUE;
}

gboolean
cli_parse_int (const char  *option,
               const char  *text,
               gint64       min,
               gint64       max,
               gint64      *out,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_signed (text, 10, min, max, out, &local_error))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USAGE,
                   _("--%s: “%s” is not a whole number from %lld to %lld"),
                   option, text, (long long) min, (long long) max);
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_parse_double (const char  *option,
                  const char  *text,
                  double       min,
                  double       max,
                  double      *out,
                  GError     **error)
{
  char *end = NULL;
  double value;

  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || errno != 0 || !isfinite (value) ||
      value < min || value > max)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_USAGE,
                   _("--%s: “%s” is not a number from %g to %g"), option, text, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

const char *
cli_resolve_arch (const char  *name,
                  char       **owned,
                  GError     **error)
{
  const char *spec = cv_arch_spec (name);
  CvNet *net = NULL;
  CvError err = { 0 };

  if (spec != NULL)
    return spec;

  /* Not a name: maybe a spec ("16x16x1 conv8k3 … softmax"). */
  if (strchr (name, ' ') != NULL)
    {
      if (cv_net_new (name, &net, &err) != CV_OK)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED,
                       _("the spec “%s” is not a network: %s"), name, err.message);
          return NULL;
        }
      *owned = g_strdup (cv_net_spec (net));
      cv_net_free (net);
      return *owned;
    }

  {
    g_autofree char *known = g_strjoinv (", ", (char **) cv_arch_names ());

    g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED,
                 _("unknown architecture “%s” (known: %s; or a spec such as “16x16x1 conv8k3 relu flatten dense3 softmax”)"),
                 name, known);
  }
  return NULL;
}

ConvolveModel *
cli_load_model (const char  *path,
                GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  ConvolveModel *model;

  file = g_file_new_for_commandline_arg (path);
  model = convolve_model_new_from_file (file, &local_error);
  if (model == NULL)
    {
      /* Say which file, unless the data layer already did. */
      if (strstr (local_error->message, path) != NULL)
        g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, local_error->message);
      else
        g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, "%s: %s", path, local_error->message);
    }
  return model;
}

ConvolveDataset *
cli_load_dataset (const char  *name,
                  const char  *split,
                  int          samples,
                  guint64      seed,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  ConvolveDataset *ds;

  if (g_strcmp0 (name, "shapes") == 0 && samples > 0)
    {
      ds = convolve_dataset_new_shapes (samples, seed);
      if (ds->n <= 0)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED,
                       _("--samples %d draws no shapes: there are three classes, so ask for 3 or more"),
                       samples);
          convolve_dataset_free (ds);
          return NULL;
        }
      return ds;
    }

  ds = convolve_dataset_load (name, split, &local_error);
  if (ds == NULL)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, _("dataset “%s”: %s"),
                   name, local_error->message);
      return NULL;
    }
  if (ds->n <= 0)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, _("dataset “%s” has no samples"), name);
      convolve_dataset_free (ds);
      return NULL;
    }
  if (samples > 0 && samples < ds->n)
    {
      ConvolveDataset *part = convolve_dataset_slice (ds, 0, samples);

      convolve_dataset_free (ds);
      ds = part;
    }
  return ds;
}

char *
cli_thousands (guint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  GString *out = g_string_new (NULL);
  size_t len = strlen (digits);

  for (size_t i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

void
cli_json_string (GString    *out,
                 const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text ? text : ""; *p; p++)
    {
      unsigned char c = (unsigned char) *p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

void
cli_json_number (GString *out,
                 double   value,
                 int      decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char fmt[16];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, fmt, value));
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: convolve-cli COMMAND [OPTION…] [ARGUMENT…]"));
  fprintf (stream, "%s\n\n", _("Train, inspect and run the convolutional networks of Convolve."));
  fprintf (stream, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “convolve-cli COMMAND --help” for a command's options."));
  fprintf (stream, "%s\n", _("Exit status: 0 success, 1 runtime error, 2 usage error, 130 interrupted."));
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_usage (stdout);
      return CLI_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      g_print ("convolve-cli %s\n", PACKAGE_VERSION);
      return CLI_EXIT_OK;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (name, commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  {
    g_autoptr(GError) error = g_error_new (CLI_ERROR, CLI_ERROR_USAGE,
                                           _("unknown command “%s” (commands: summary, train, eval, predict, bench)"),
                                           name);
    return cli_report (NULL, error);
  }
}
