/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "convolve-class-store.h"
#include "convolve-model.h"
#include "convolve-trainer.h"

G_BEGIN_DECLS

/*
 * The training studio: pick a dataset, see its samples and the network's
 * layers, set the hyperparameters, then Start / Pause–Resume / Step / Stop
 * (widget actions train.start, train.pause, train.step, train.stop,
 * enabled by the trainer's state) while the loss and accuracy curves, the
 * log and the first-layer kernels follow the run. After a run: the
 * confusion matrix (click a cell for its pictures), accuracy per class,
 * "Use this model" (::use-model) and "Save model…".
 *
 * Other actions: train.use-model, train.save, train.lower-rate (the
 * one-click fix after a divergence: rate × 0.1, start again).
 */

typedef enum {
  CONVOLVE_TRAIN_DATASET_SHAPES,
  CONVOLVE_TRAIN_DATASET_DIGITS,
  CONVOLVE_TRAIN_DATASET_FASHION,
  CONVOLVE_TRAIN_DATASET_MY_CLASSES,
} ConvolveTrainDataset;

#define CONVOLVE_TYPE_TRAIN_PAGE (convolve_train_page_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveTrainPage, convolve_train_page, CONVOLVE, TRAIN_PAGE, GtkWidget)

GtkWidget       *convolve_train_page_new             (void);

/* The store behind "My classes" (the window shares one with the Draw
 * page's "Add to class…"). Without one the choice is disabled. */
void             convolve_train_page_set_class_store (ConvolveTrainPage   *self,
                                                      ConvolveClassStore  *store);
/* Selects a dataset (as the radio buttons do); FALSE when it is not
 * available (Fashion not installed, too few classes drawn). */
gboolean         convolve_train_page_select_dataset  (ConvolveTrainPage   *self,
                                                      ConvolveTrainDataset dataset);
ConvolveTrainDataset convolve_train_page_get_dataset (ConvolveTrainPage   *self);

/* The hyperparameters as the form shows them (for presets and tests). */
void             convolve_train_page_set_epochs      (ConvolveTrainPage   *self,
                                                      int                  epochs);
void             convolve_train_page_set_learning_rate (ConvolveTrainPage *self,
                                                        double             learning_rate);

/* Presets for the Learn page's "Try it" buttons: "shapes", "digits",
 * "fashion", "my-classes" (dataset with its usual hyperparameters),
 * "shapes-run" (shapes, and start training at once),
 * "too-fast" (shapes with a learning rate that makes the loss explode, to
 * show the divergence message). Returns FALSE for an unknown preset. */
gboolean         convolve_train_page_apply_preset    (ConvolveTrainPage   *self,
                                                      const char          *preset);

/* The trainer the page drives: the window may read its live model
 * (convolve_trainer_get_model) to predict with the newest weights. */
ConvolveTrainer *convolve_train_page_get_trainer     (ConvolveTrainPage   *self);

/* The charts, the log lines (NULL-terminated, borrowed) and the confusion
 * matrix of the last finished run (n × n, borrowed). The matrix is counted
 * on a worker thread after ::finished: NULL until it arrives (a main-loop
 * iteration or a few later), and again when a new run starts. */
GtkWidget       *convolve_train_page_get_loss_chart  (ConvolveTrainPage   *self);
GtkWidget       *convolve_train_page_get_accuracy_chart (ConvolveTrainPage *self);
const char *const *convolve_train_page_get_log_lines (ConvolveTrainPage   *self);
const int       *convolve_train_page_get_confusion   (ConvolveTrainPage   *self,
                                                      int                 *n_classes);
/* The finished epochs of the current or last run as CSV, a header line
 * (epoch,loss,accuracy,val_accuracy,seconds) and a row per epoch, or NULL
 * before the first epoch ends. Free with g_free(). */
char            *convolve_train_page_get_history_csv (ConvolveTrainPage *self);

/* Shows the pictures of one confusion-matrix cell, as a click does;
 * returns how many there are. */
guint            convolve_train_page_show_cell       (ConvolveTrainPage   *self,
                                                      int                  true_class,
                                                      int                  predicted_class);

G_END_DECLS
