/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rob-save-loop PATH — saves model B, then A, then B, … over PATH with
 * convolve_model_save() until it is killed.
 * rob-save-loop --first PATH — saves model B once, to a PATH that does
 * not exist yet, and exits: a killed first save must leave no file or the
 * whole one, never a stub. The atomic-save test kills it
 * with SIGKILL at random moments and checks what is left on disk. It says
 * "ready" on stdout once the models are built, just before the first save,
 * so the parent's random delay falls among saves, however slow the build.
 */
#include <stdio.h>

#include "rob-models.h"

int
main (int argc, char **argv)
{
  g_autoptr(ConvolveModel) a = NULL;
  g_autoptr(ConvolveModel) b = NULL;
  g_autoptr(GFile) file = NULL;
  gboolean first = argc == 3 && g_str_equal (argv[1], "--first");

  if (argc != 2 && !first)
    {
      g_printerr ("usage: rob-save-loop [--first] PATH\n");
      return 2;
    }
  a = rob_make_model (1);
  b = rob_make_model (2);
  file = g_file_new_for_path (argv[argc - 1]);
  fputs ("ready\n", stdout);
  fflush (stdout);

  if (first)
    {
      g_autoptr(GError) error = NULL;

      if (!convolve_model_save (b, file, &error))
        {
          g_printerr ("rob-save-loop: %s\n", error->message);
          return 1;
        }
      return 0;
    }

  for (guint64 i = 0; ; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!convolve_model_save (i % 2 == 0 ? b : a, file, &error))
        {
          g_printerr ("rob-save-loop: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}
