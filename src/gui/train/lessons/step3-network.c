/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Step 3: Conv → Pool → Conv → Pool → Flatten → Dense → Dense. */
#include <stdio.h>
#include "lessons.h"

CvNet *
build_network (void)
{
  CvNet *net = NULL;
  CvError err;

  if (cv_net_new ("16x16x1 conv8k3same relu maxpool2 conv16k3same relu maxpool2 "
                  "flatten dense32 relu dense3 softmax", &net, &err) != CV_OK)
    {
      printf ("%s\n", err.message);
      return NULL;
    }
  for (int i = 0; i < cv_net_n_layers (net); i++)
    {
      const CvLayerInfo *l = cv_net_layer (net, i);
      printf ("%-10s %2d × %2d × %2d  %5zu parameters\n", cv_layer_kind_name (l->kind),
              l->out.h, l->out.w, l->out.c, l->n_params);
    }
  printf ("total %zu parameters\n", cv_net_n_params (net));
  return net;
}
