/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-cli.h — what the subcommands of convolve-cli share.
 *
 * Exit status: 0 success, 1 a runtime error (one line naming the file or
 * value and the problem), 2 a usage error (with a hint to --help), 130 when
 * training was interrupted with Ctrl+C.
 */
#pragma once

#include <glib.h>

#include "cv-engine.h"
#include "convolve-dataset.h"
#include "convolve-model.h"

G_BEGIN_DECLS

enum {
  CLI_EXIT_OK          = 0,
  CLI_EXIT_FAILURE     = 1,
  CLI_EXIT_USAGE       = 2,
  CLI_EXIT_INTERRUPTED = 130,
};

/* Limits that keep memory within reach of a classroom laptop: 200,000
 * generated shapes are 200 MB, a batch of 1,024 for lenet about 0.5 GB of
 * activations. */
#define CLI_MAX_SAMPLES 200000
#define CLI_MAX_BATCH   1024

#define CLI_ERROR (cli_error_quark ())
GQuark cli_error_quark (void);

typedef enum {
  CLI_ERROR_USAGE,     /* exit 2 */
  CLI_ERROR_FAILED,    /* exit 1 */
} CliError;

int  cli_summary (int argc, char **argv);
int  cli_train   (int argc, char **argv);
int  cli_eval    (int argc, char **argv);
int  cli_predict (int argc, char **argv);
int  cli_bench   (int argc, char **argv);

/* Prints "convolve-cli: MESSAGE" and, for a usage error, the hint to run
 * `convolve-cli COMMAND --help`. Returns the exit status for the error. */
int  cli_report  (const char *command, const GError *error);

/* Parses argv with the entries. FALSE with a usage error (unknown option,
 * missing value, …). Removes a lone "--" from the remaining arguments. */
gboolean cli_parse_options (const char    *command,
                            const char    *parameters,
                            const char    *summary,
                            const char    *description,
                            GOptionEntry  *entries,
                            int           *argc,
                            char        ***argv,
                            GError       **error);

/* Whole numbers and decimals with a range; usage errors name the option. */
gboolean cli_parse_int    (const char *option, const char *text, gint64 min, gint64 max,
                           gint64 *out, GError **error);
gboolean cli_parse_double (const char *option, const char *text, double min, double max,
                           double *out, GError **error);

/* An architecture name or a spec → the spec (static or owned by *owned). */
const char *cli_resolve_arch (const char *name, char **owned, GError **error);

/* "digits", "shapes" or a path; with an error naming the file. */
ConvolveModel   *cli_load_model   (const char *path, GError **error);

/* A dataset by name (see convolve_dataset_load); for shapes, samples and
 * seed generate a fresh set when samples > 0. Otherwise samples > 0 keeps
 * the first samples. */
ConvolveDataset *cli_load_dataset (const char *name, const char *split, int samples,
                                   guint64 seed, GError **error);

/* 9571 → "9,571". */
char *cli_thousands (guint64 value);

/* Appends a JSON string literal (quoted, escaped). */
void  cli_json_string (GString *out, const char *text);
/* Appends a number in JSON form (C locale, finite; non-finite → null). */
void  cli_json_number (GString *out, double value, int decimals);

G_END_DECLS
