/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cv-engine.h"
#include "convolve-dataset.h"
#include "convolve-model.h"

G_BEGIN_DECLS

/*
 * ConvolveTrainer runs the engine's training in a worker thread and reports
 * on the main context that created it (the thread-default context at
 * construction time). Every signal and every property notification happens
 * there, never on the worker.
 *
 * Life of a run: set the spec, the dataset and the hyperparameters, then
 * convolve_trainer_start(). The state goes idle → running ⇄ paused →
 * finished | cancelled | failed. Only the learning rate may change while a
 * run is active (it applies from the next batch); other hyperparameters are
 * read by the next start.
 *
 * Accuracies are fractions in 0..1; val-accuracy is -1 when there is no
 * validation set. `epoch` is the number of epochs finished so far.
 */

#define CONVOLVE_TRAINER_ERROR (convolve_trainer_error_quark ())

typedef enum {
  CONVOLVE_TRAINER_ERROR_INVALID,   /* missing dataset, bad spec, shapes that do not fit */
  CONVOLVE_TRAINER_ERROR_BUSY,      /* start while a run is active */
  CONVOLVE_TRAINER_ERROR_DIVERGED,  /* the loss became NaN, infinite or exploded */
  CONVOLVE_TRAINER_ERROR_FAILED,    /* the engine failed (out of memory, …) */
} ConvolveTrainerError;

GQuark convolve_trainer_error_quark (void);

typedef enum {
  CONVOLVE_TRAINER_STATE_IDLE,
  CONVOLVE_TRAINER_STATE_RUNNING,
  CONVOLVE_TRAINER_STATE_PAUSED,
  CONVOLVE_TRAINER_STATE_FINISHED,
  CONVOLVE_TRAINER_STATE_CANCELLED,
  CONVOLVE_TRAINER_STATE_FAILED,
} ConvolveTrainerState;

typedef enum {
  CONVOLVE_OPTIMIZER_ADAM,
  CONVOLVE_OPTIMIZER_SGD,
} ConvolveOptimizer;

typedef enum {
  CONVOLVE_LR_SCHEDULE_CONSTANT,
  CONVOLVE_LR_SCHEDULE_ONE_CYCLE,   /* warm up to the rate over 30 %, cosine down to rate / 25,000 */
} ConvolveLrSchedule;

#define CONVOLVE_TYPE_TRAINER_STATE (convolve_trainer_state_get_type ())
#define CONVOLVE_TYPE_OPTIMIZER     (convolve_optimizer_get_type ())
#define CONVOLVE_TYPE_LR_SCHEDULE   (convolve_lr_schedule_get_type ())
GType convolve_trainer_state_get_type (void);
GType convolve_optimizer_get_type     (void);
GType convolve_lr_schedule_get_type   (void);

#define CONVOLVE_TYPE_TRAINER (convolve_trainer_get_type ())
G_DECLARE_FINAL_TYPE (ConvolveTrainer, convolve_trainer, CONVOLVE, TRAINER, GObject)

ConvolveTrainer      *convolve_trainer_new              (void);

/* What to train: an architecture name ("shapes", "digits", …) or a spec. */
void                  convolve_trainer_set_spec         (ConvolveTrainer *self, const char *spec);
const char           *convolve_trainer_get_spec         (ConvolveTrainer *self);

/* The trainer takes ownership of the datasets (transfer full); they stay
 * alive for as long as a run reads them, even if replaced meanwhile. The
 * validation set is optional (NULL). */
void                  convolve_trainer_set_dataset      (ConvolveTrainer *self, ConvolveDataset *dataset);
void                  convolve_trainer_set_validation   (ConvolveTrainer *self, ConvolveDataset *validation);
const ConvolveDataset *convolve_trainer_get_dataset     (ConvolveTrainer *self);
const ConvolveDataset *convolve_trainer_get_validation  (ConvolveTrainer *self);

void                  convolve_trainer_set_learning_rate (ConvolveTrainer *self, double learning_rate);
double                convolve_trainer_get_learning_rate (ConvolveTrainer *self);
void                  convolve_trainer_set_optimizer    (ConvolveTrainer *self, ConvolveOptimizer optimizer);
ConvolveOptimizer     convolve_trainer_get_optimizer    (ConvolveTrainer *self);
void                  convolve_trainer_set_schedule     (ConvolveTrainer *self, ConvolveLrSchedule schedule);
ConvolveLrSchedule    convolve_trainer_get_schedule     (ConvolveTrainer *self);
void                  convolve_trainer_set_batch_size   (ConvolveTrainer *self, int batch_size);
int                   convolve_trainer_get_batch_size   (ConvolveTrainer *self);
void                  convolve_trainer_set_epochs       (ConvolveTrainer *self, int epochs);
int                   convolve_trainer_get_epochs       (ConvolveTrainer *self);
void                  convolve_trainer_set_augment      (ConvolveTrainer *self, gboolean augment);
gboolean              convolve_trainer_get_augment      (ConvolveTrainer *self);
void                  convolve_trainer_set_seed         (ConvolveTrainer *self, guint64 seed);
guint64               convolve_trainer_get_seed         (ConvolveTrainer *self);
/* 0 turns early stopping off. */
void                  convolve_trainer_set_patience     (ConvolveTrainer *self, int patience);
int                   convolve_trainer_get_patience     (ConvolveTrainer *self);
/* Threads for the engine (1–8, default 1); the results do not depend on it. */
void                  convolve_trainer_set_threads      (ConvolveTrainer *self, int threads);
int                   convolve_trainer_get_threads      (ConvolveTrainer *self);
/* The threads a trainer beside a window should use on a machine with this
 * many processors: one stays the window's, so two only from three up (a
 * batch of 32 runs as two parts, so more would mostly wait). */
int                   convolve_trainer_threads_beside_window (int processors);

ConvolveTrainerState  convolve_trainer_get_state        (ConvolveTrainer *self);
int                   convolve_trainer_get_epoch        (ConvolveTrainer *self);
double                convolve_trainer_get_loss         (ConvolveTrainer *self);
double                convolve_trainer_get_accuracy     (ConvolveTrainer *self);
double                convolve_trainer_get_val_accuracy (ConvolveTrainer *self);
/* While a ::batch-finished handler runs: the accuracy on the training
 * samples of this epoch's batches so far (0..1), as the epoch's accuracy
 * will be counted at its end. */
double                convolve_trainer_get_batch_accuracy (ConvolveTrainer *self);
/* After a run with patience > 0 and a validation set: the epoch whose
 * weights were restored (the best validation accuracy); 0 otherwise. */
int                   convolve_trainer_get_best_epoch   (ConvolveTrainer *self);

/* Starts a fresh run (weights initialised from the seed). FALSE with an
 * error when the configuration cannot train or a run is active. */
gboolean              convolve_trainer_start            (ConvolveTrainer *self, GError **error);
/* The same, but the run waits in state paused before its first batch: a
 * teacher walks through training from the very start with step(). */
gboolean              convolve_trainer_start_paused     (ConvolveTrainer *self, GError **error);
/* Stops before the next batch; state paused at once. */
void                  convolve_trainer_pause            (ConvolveTrainer *self);
void                  convolve_trainer_resume           (ConvolveTrainer *self);
/* One batch while paused. FALSE when not paused. */
gboolean              convolve_trainer_step             (ConvolveTrainer *self);
/* Stops at the next batch boundary and waits for the worker (at most one
 * batch); state cancelled. Results still queued are dropped. */
void                  convolve_trainer_cancel           (ConvolveTrainer *self);

/* The model being trained, with the dataset's class names and input spec.
 * Its weights follow the run live (after each epoch, and at most every
 * 100 ms within one); after the run it holds the final weights (the best
 * ones when early stopping restored them). NULL before the first start.
 * Borrowed. */
ConvolveModel        *convolve_trainer_get_model        (ConvolveTrainer *self);

/* A copy of the newest published weights, taken under one lock: never
 * torn. generation counts publications; checksum is the FNV-1a hash of the
 * bytes, computed by the worker when it published them. NULL before the
 * first start. g_free() the result. */
float                *convolve_trainer_dup_snapshot     (ConvolveTrainer *self,
                                                         gsize           *n_params,
                                                         guint64         *generation,
                                                         guint32         *checksum);

/* FNV-1a over n floats' bytes, as used for snapshot checksums. */
guint32               convolve_trainer_checksum         (const float *params, gsize n);

G_END_DECLS
