/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Step 4: train with Adam and print loss and accuracy after each epoch. */
#include <stdio.h>
#include "lessons.h"

float
train_network (CvNet *net, const float *x, const uint8_t *y, int n, int epochs)
{
  CvTrainConfig cfg;
  CvTrain *train = NULL;
  CvEpochResult res = { 0 };
  CvRng rng;

  cv_rng_seed (&rng, 1);
  cv_net_init (net, &rng);                 /* random starting weights */
  cv_train_config_default (&cfg);
  cfg.opt.kind = CV_OPT_ADAM;
  cfg.opt.lr = 0.005f;
  cfg.batch = 8;
  if (cv_train_new (net, &cfg, x, y, n, &train, NULL) != CV_OK)
    return 0.0f;
  for (int epoch = 1; epoch <= epochs; epoch++)
    {
      cv_train_epoch (train, NULL, NULL, &res);
      printf ("epoch %2d  loss %.3f  accuracy %.1f%%\n",
              epoch, res.loss, 100.0f * res.accuracy);
    }
  cv_train_free (train);
  return res.accuracy;
}
