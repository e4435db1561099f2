/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rob-class-loop DIR — edits the "My classes" store in DIR until killed:
 * adds a drawing to one class, and every third time deletes one from the
 * other, each change saved at once as the store does. Says "ready" on
 * stdout once the store is loaded. The atomic-save test kills it.
 */
#include <stdio.h>

#include "convolve-class-store.h"

int
main (int argc, char **argv)
{
  g_autoptr(ConvolveClassStore) store = NULL;
  float gray[48 * 48];

  if (argc != 2)
    {
      g_printerr ("usage: rob-class-loop DIR\n");
      return 2;
    }
  store = convolve_class_store_new (argv[1]);
  while (convolve_class_store_get_n_classes (store) < 2)
    if (convolve_class_store_add_class (store, convolve_class_store_get_n_classes (store) == 0
                                               ? "ticks" : "crosses", NULL) < 0)
      return 1;
  fputs ("ready\n", stdout);
  fflush (stdout);

  for (guint i = 0; ; i++)
    {
      g_autoptr(GError) error = NULL;
      guint c = i % 2, other = 1 - c;

      for (int p = 0; p < 48 * 48; p++)
        gray[p] = 1.0f;
      for (int k = 8; k < 40; k++)   /* a diagonal that moves with i */
        gray[k * 48 + (k + i) % 40 + 4] = 0.0f;
      if (!convolve_class_store_add_sample (store, c, gray, 48, 48, &error))
        {
          g_printerr ("rob-class-loop: %s\n", error->message);
          return 1;
        }
      if (i % 3 == 2 && convolve_class_store_get_n_samples (store, other) > 0
          && !convolve_class_store_delete_sample (store, other, 0, &error))
        {
          g_printerr ("rob-class-loop: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}
