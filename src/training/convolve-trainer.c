/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * convolve-trainer.c — the engine's training loop on a worker thread.
 *
 * The Text Editor way: start() copies the configuration into a TrainJob,
 * the worker thread trains on the job alone, and every result travels back
 * as a message in the job's queue. One idle source on the trainer's main
 * context drains the queue in order and turns messages into property
 * notifications and signals. A generation counter drops the messages of a
 * run that was cancelled or replaced, and a weak reference drops those of a
 * trainer that is gone.
 */
#define G_LOG_DOMAIN "convolve-trainer"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "convolve-trainer.h"
#include "convolve-augment.h"

#define BATCH_MIN_INTERVAL_US   (G_USEC_PER_SEC / 30)
#define SNAPSHOT_INTERVAL_US    (G_USEC_PER_SEC / 10)
/* Validation chunks: per-sample outputs do not depend on the chunk size, and
 * 32 (the usual training batch) keeps the activations from growing fourfold
 * for validation alone (bench/README.md: digits at batch 128 peaks at
 * 204 MB, at 32 at 60 MB). */
#define VALIDATION_BATCH        32

/* ------------------------------------------------------------ the job */

typedef enum {
  MSG_BATCH,
  MSG_EPOCH,
  MSG_DONE,
} MsgKind;

typedef struct {
  MsgKind              kind;
  int                  batch;
  int                  batches;
  int                  epoch;
  double               loss;
  double               accuracy;
  double               val_accuracy;
  double               seconds;
  int                  best_epoch;
  ConvolveTrainerState final_state;
  GError              *error;
} Msg;

typedef struct {
  /* Read-only after start(). */
  GMainContext       *context;
  GWeakRef            trainer;
  guint               generation;
  ConvolveDataset    *train_data;     /* shared, see DataRef */
  ConvolveDataset    *val_data;
  gpointer            train_ref;
  gpointer            val_ref;
  ConvolveModel      *model;
  int                 epochs;
  int                 batch_size;
  int                 patience;
  gboolean            augment;
  guint64             seed;
  int                 threads;
  ConvolveOptimizer   optimizer;
  ConvolveLrSchedule  schedule;

  /* The worker's alone while it runs. */
  CvNet              *net;
  GThread            *thread;

  /* Control and the message queue, under mutex. */
  GMutex              mutex;
  GCond               cond;
  gboolean            cancel;
  gboolean            paused;
  guint               steps;
  double              lr;
  GQueue              messages;
  gboolean            dispatch_pending;

  /* The published weights, under snap_mutex. */
  GMutex              snap_mutex;
  float              *snapshot;
  gsize               n_params;
  guint64             snap_generation;
  guint32             snap_checksum;
} TrainJob;

/* Datasets are plain structs; a run keeps the ones it reads alive through
 * an atomic reference-counted holder. */
typedef struct {
  ConvolveDataset *ds;
} DataRef;

struct _ConvolveTrainer
{
  GObject              parent_instance;

  /* Owned. */
  GMainContext        *context;
  char                *spec;
  DataRef             *train_ref;
  DataRef             *val_ref;
  TrainJob            *job;
  ConvolveModel       *model;

  /* Hyperparameters. */
  double               learning_rate;
  ConvolveOptimizer    optimizer;
  ConvolveLrSchedule   schedule;
  int                  batch_size;
  int                  epochs;
  gboolean             augment;
  guint64              seed;
  int                  patience;
  int                  threads;

  /* Progress. */
  guint                generation;
  ConvolveTrainerState state;
  int                  epoch;
  double               loss;
  double               accuracy;
  double               val_accuracy;
  double               batch_accuracy;  /* this epoch so far, at the last batch-finished */
  int                  best_epoch;
};

G_DEFINE_FINAL_TYPE (ConvolveTrainer, convolve_trainer, G_TYPE_OBJECT)
G_DEFINE_QUARK (convolve-trainer-error-quark, convolve_trainer_error)

G_DEFINE_ENUM_TYPE (ConvolveTrainerState, convolve_trainer_state,
  G_DEFINE_ENUM_VALUE (CONVOLVE_TRAINER_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (CONVOLVE_TRAINER_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (CONVOLVE_TRAINER_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (CONVOLVE_TRAINER_STATE_FINISHED, "finished"),
  G_DEFINE_ENUM_VALUE (CONVOLVE_TRAINER_STATE_CANCELLED, "cancelled"),
  G_DEFINE_ENUM_VALUE (CONVOLVE_TRAINER_STATE_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (ConvolveOptimizer, convolve_optimizer,
  G_DEFINE_ENUM_VALUE (CONVOLVE_OPTIMIZER_ADAM, "adam"),
  G_DEFINE_ENUM_VALUE (CONVOLVE_OPTIMIZER_SGD, "sgd"))

G_DEFINE_ENUM_TYPE (ConvolveLrSchedule, convolve_lr_schedule,
  G_DEFINE_ENUM_VALUE (CONVOLVE_LR_SCHEDULE_CONSTANT, "constant"),
  G_DEFINE_ENUM_VALUE (CONVOLVE_LR_SCHEDULE_ONE_CYCLE, "one-cycle"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_EPOCH,
  PROP_EPOCHS,
  PROP_LOSS,
  PROP_ACCURACY,
  PROP_VAL_ACCURACY,
  PROP_SPEC,
  PROP_DATASET,
  PROP_VALIDATION,
  PROP_MODEL,
  PROP_LEARNING_RATE,
  PROP_OPTIMIZER,
  PROP_SCHEDULE,
  PROP_BATCH_SIZE,
  PROP_AUGMENT,
  PROP_SEED,
  PROP_PATIENCE,
  PROP_THREADS,
  PROP_BEST_EPOCH,
  N_PROPS
};

enum {
  BATCH_FINISHED,
  EPOCH_FINISHED,
  FINISHED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------ helpers */

static void
data_ref_clear (gpointer data)
{
  DataRef *ref = data;

  g_clear_pointer (&ref->ds, convolve_dataset_free);
}

static DataRef *
data_ref_new (ConvolveDataset *ds)
{
  DataRef *ref = g_atomic_rc_box_new0 (DataRef);

  ref->ds = ds;
  return ref;
}

static void
data_ref_release (gpointer ref)
{
  g_atomic_rc_box_release_full (ref, data_ref_clear);
}

static void
msg_free (Msg *msg)
{
  g_clear_error (&msg->error);
  g_free (msg);
}

static void
train_job_clear (gpointer data)
{
  TrainJob *job = data;
  Msg *msg;

  g_assert (job->thread == NULL);

  while ((msg = g_queue_pop_head (&job->messages)))
    msg_free (msg);
  g_clear_pointer (&job->net, cv_net_free);
  g_clear_object (&job->model);
  g_clear_pointer (&job->train_ref, data_ref_release);
  g_clear_pointer (&job->val_ref, data_ref_release);
  g_clear_pointer (&job->snapshot, g_free);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_weak_ref_clear (&job->trainer);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_mutex_clear (&job->snap_mutex);
}

static TrainJob *
train_job_ref (TrainJob *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
train_job_unref (gpointer job)
{
  g_atomic_rc_box_release_full (job, train_job_clear);
}

guint32
convolve_trainer_checksum (const float *params,
                           gsize        n)
{
  const guint8 *bytes = (const guint8 *) params;
  guint32 hash = 2166136261u;

  for (gsize i = 0; i < n * sizeof (float); i++)
    {
      hash ^= bytes[i];
      hash *= 16777619u;
    }
  return hash;
}

/* Runs on the worker: copy the net's weights into the snapshot and the
 * model under one lock, so a reader sees either all old or all new. */
static void
train_job_publish (TrainJob *job)
{
  const float *params = cv_net_params_const (job->net);
  /* The net is the worker's alone, so its weights can be hashed before
   * the lock: the same bytes the snapshot gets, without holding readers
   * up for 1.7 MB of hashing. */
  guint32 checksum = convolve_trainer_checksum (params, job->n_params);

  g_mutex_lock (&job->snap_mutex);
  memcpy (job->snapshot, params, job->n_params * sizeof (float));
  convolve_model_set_params (job->model, job->snapshot, job->n_params);
  job->snap_checksum = checksum;
  job->snap_generation++;
  g_mutex_unlock (&job->snap_mutex);
}

static gboolean dispatch_cb (gpointer data);

/* Runs on the worker: queue a message; one idle source drains the queue. */
static void
train_job_post (TrainJob *job,
                Msg      *msg)
{
  gboolean schedule = FALSE;

  g_mutex_lock (&job->mutex);
  g_queue_push_tail (&job->messages, msg);
  if (!job->dispatch_pending)
    job->dispatch_pending = schedule = TRUE;
  g_mutex_unlock (&job->mutex);

  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, dispatch_cb, train_job_ref (job), train_job_unref);
      g_source_set_static_name (source, "[convolve-trainer] results");
      g_source_attach (source, job->context);
    }
}

static void
train_job_post_done (TrainJob             *job,
                     ConvolveTrainerState  final_state,
                     int                   best_epoch,
                     GError               *error)
{
  Msg *msg = g_new0 (Msg, 1);

  msg->kind = MSG_DONE;
  msg->best_epoch = best_epoch;
  msg->final_state = final_state;
  msg->error = error;
  train_job_post (job, msg);
}

static double
suggest_learning_rate (ConvolveOptimizer optimizer,
                       double            lr)
{
  double usual = optimizer == CONVOLVE_OPTIMIZER_ADAM ? 0.001 : 0.01;

  return lr > usual ? usual : lr / 10.0;
}

static GError *
divergence_error (TrainJob *job,
                  int       epoch,
                  double    loss,
                  double    lr)
{
  double try_lr = suggest_learning_rate (job->optimizer, lr);

  if (isnan (loss))
    return g_error_new (CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_DIVERGED,
                        _("The loss stopped being a number in epoch %d: the learning rate %g is too high. Try %g."),
                        epoch, lr, try_lr);
  if (isinf (loss))
    return g_error_new (CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_DIVERGED,
                        _("The loss became infinite in epoch %d: the learning rate %g is too high. Try %g."),
                        epoch, lr, try_lr);
  return g_error_new (CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_DIVERGED,
                      _("The loss exploded to %.1f in epoch %d: the learning rate %g is too high. Try %g."),
                      loss, epoch, lr, try_lr);
}

/* One-cycle: cosine warm-up from lr/25 to lr over the first 30 % of the
 * steps, then cosine annealing down to lr/25,000. */
static double
scheduled_lr (ConvolveLrSchedule schedule,
              double             lr,
              gint64             step,
              gint64             total)
{
  double warm, t, lo, hi;

  if (schedule != CONVOLVE_LR_SCHEDULE_ONE_CYCLE || total <= 1)
    return lr;

  warm = 0.3 * (double) total;
  if ((double) step < warm)
    {
      t = (double) step / warm;
      lo = lr / 25.0;
      hi = lr;
    }
  else
    {
      t = ((double) step - warm) / ((double) total - warm);
      lo = lr;
      hi = lr / 25000.0;
    }
  t = CLAMP (t, 0.0, 1.0);
  return hi + (lo - hi) * (1.0 + cos (G_PI * t)) / 2.0;
}

/* Waits while paused; returns FALSE when cancelled. *stepping tells that
 * this batch is a single step asked for while paused. */
static gboolean
train_job_wait_turn (TrainJob *job,
                     double   *lr,
                     gboolean *stepping)
{
  gboolean go;

  g_mutex_lock (&job->mutex);
  while (!job->cancel && job->paused && job->steps == 0)
    g_cond_wait (&job->cond, &job->mutex);
  *stepping = FALSE;
  if (!job->cancel && job->paused)
    {
      job->steps--;
      *stepping = TRUE;
    }
  *lr = job->lr;
  go = !job->cancel;
  g_mutex_unlock (&job->mutex);

  return go;
}

static gpointer
train_job_run (gpointer data)
{
  TrainJob *job = data;
  const ConvolveDataset *ds = job->train_data;
  const ConvolveDataset *val = job->val_data;
  CvTrain *train = NULL;
  CvTrainConfig cfg;
  CvError err = { 0 };
  g_autofree float *best = NULL;
  double best_val = -1.0;
  int best_epoch = 0;
  double explode_limit;
  double applied_lr;
  gint64 step = 0, total;
  gint64 last_batch_post = 0, last_publish;
  ConvolveTrainerState final_state = CONVOLVE_TRAINER_STATE_FINISHED;
  GError *error = NULL;

  cv_train_config_default (&cfg);
  cv_opt_config_default (&cfg.opt, job->optimizer == CONVOLVE_OPTIMIZER_SGD ? CV_OPT_SGD : CV_OPT_ADAM);
  g_mutex_lock (&job->mutex);
  applied_lr = job->lr;
  g_mutex_unlock (&job->mutex);
  cfg.opt.lr = (float) scheduled_lr (job->schedule, applied_lr, 0, 1);
  cfg.batch = job->batch_size;
  cfg.seed = job->seed;
  cv_net_set_threads (job->net, job->threads);

  if (cv_train_new (job->net, &cfg, ds->x, ds->y, ds->n, &train, &err) != CV_OK)
    {
      error = g_error_new (CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_FAILED,
                           _("Training could not start: %s"), err.message);
      train_job_post_done (job, CONVOLVE_TRAINER_STATE_FAILED, 0, error);
      return NULL;
    }
  if (job->augment)
    cv_train_set_augment (train, convolve_augment_batch, NULL);

  total = (gint64) cv_train_batches_per_epoch (train) * job->epochs;
  applied_lr = -1.0;
  explode_limit = MAX (20.0, 10.0 * log ((double) MAX (2, ds->n_classes)));
  if (job->patience > 0 && val != NULL)
    best = g_new (float, job->n_params);
  last_publish = g_get_monotonic_time ();

  for (int epoch = 1; epoch <= job->epochs && error == NULL; epoch++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double loss_sum = 0.0;
      gint64 seen = 0, correct = 0;
      double val_acc = -1.0;
      gboolean epoch_done = FALSE;
      Msg *msg;

      while (!epoch_done)
        {
          CvBatchResult res = { 0 };
          CvStatus status;
          gboolean stepping;
          double base_lr, lr;
          gint64 now;

          if (!train_job_wait_turn (job, &base_lr, &stepping))
            {
              final_state = CONVOLVE_TRAINER_STATE_CANCELLED;
              goto out;
            }

          lr = scheduled_lr (job->schedule, base_lr, step, total);
          if (lr != applied_lr)
            {
              cv_train_set_lr (train, (float) lr);
              applied_lr = lr;
            }

          status = cv_train_step (train, &res);
          step++;
          if (status == CV_ERR_DIVERGED || !isfinite (res.loss) || res.loss > explode_limit)
            {
              error = divergence_error (job, epoch, status == CV_ERR_DIVERGED && isfinite (res.loss) ? INFINITY : res.loss, base_lr);
              break;
            }
          if (status != CV_OK)
            {
              error = g_error_new (CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_FAILED,
                                   _("Training stopped in epoch %d: %s"), epoch,
                                   cv_status_name (status));
              break;
            }

          loss_sum += (double) res.loss * res.n;
          seen += res.n;
          correct += res.correct;
          epoch_done = res.epoch_done;

          /* Publish first: whoever hears of the batch finds its weights. */
          now = g_get_monotonic_time ();
          if (epoch_done || stepping || now - last_publish >= SNAPSHOT_INTERVAL_US)
            {
              train_job_publish (job);
              last_publish = now;
            }
          if (stepping || now - last_batch_post >= BATCH_MIN_INTERVAL_US)
            {
              msg = g_new0 (Msg, 1);
              msg->kind = MSG_BATCH;
              msg->batch = res.batch + 1;
              msg->batches = res.batches;
              msg->loss = res.loss;
              msg->accuracy = seen > 0 ? (double) correct / (double) seen : 0.0;
              train_job_post (job, msg);
              last_batch_post = now;
            }
        }
      if (error != NULL)
        break;

      if (val != NULL)
        {
          float vloss = 0.f, vacc = 0.f;

          if (cv_net_evaluate (job->net, val->x, val->y, val->n, VALIDATION_BATCH,
                               &vloss, &vacc, NULL) == CV_OK)
            val_acc = vacc;
        }

      msg = g_new0 (Msg, 1);
      msg->kind = MSG_EPOCH;
      msg->epoch = epoch;
      msg->loss = seen > 0 ? loss_sum / (double) seen : 0.0;
      msg->accuracy = seen > 0 ? (double) correct / (double) seen : 0.0;
      msg->val_accuracy = val_acc;
      msg->seconds = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
      train_job_post (job, msg);

      if (best != NULL)
        {
          if (val_acc > best_val)
            {
              best_val = val_acc;
              best_epoch = epoch;
              memcpy (best, cv_net_params_const (job->net), job->n_params * sizeof (float));
            }
          else if (epoch - best_epoch >= job->patience)
            break;
        }
    }

  if (error == NULL && best != NULL && best_epoch > 0)
    {
      memcpy (cv_net_params (job->net), best, job->n_params * sizeof (float));
      train_job_publish (job);
    }
  else
    best_epoch = 0;

out:
  cv_train_free (train);
  if (error != NULL)
    final_state = CONVOLVE_TRAINER_STATE_FAILED;
  train_job_post_done (job, final_state, best_epoch, error);
  return NULL;
}

/* ------------------------------------------------- main-context side */

static void
set_state (ConvolveTrainer      *self,
           ConvolveTrainerState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_double (ConvolveTrainer *self,
            double          *field,
            double           value,
            int              prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int (ConvolveTrainer *self,
         int             *field,
         int              value,
         int              prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Stops the worker of the current job, if any, and waits for it. */
static void
stop_worker (ConvolveTrainer *self)
{
  TrainJob *job = self->job;

  if (job == NULL || job->thread == NULL)
    return;

  g_mutex_lock (&job->mutex);
  job->cancel = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->mutex);

  g_thread_join (job->thread);
  job->thread = NULL;
}

static void
handle_msg (ConvolveTrainer *self,
            TrainJob        *job,
            Msg             *msg)
{
  switch (msg->kind)
    {
    case MSG_BATCH:
      self->batch_accuracy = msg->accuracy;
      g_signal_emit (self, signals[BATCH_FINISHED], 0, msg->batch, msg->batches, msg->loss);
      break;

    case MSG_EPOCH:
      g_object_freeze_notify (G_OBJECT (self));
      set_int (self, &self->epoch, msg->epoch, PROP_EPOCH);
      set_double (self, &self->loss, msg->loss, PROP_LOSS);
      set_double (self, &self->accuracy, msg->accuracy, PROP_ACCURACY);
      set_double (self, &self->val_accuracy, msg->val_accuracy, PROP_VAL_ACCURACY);
      g_object_thaw_notify (G_OBJECT (self));
      g_signal_emit (self, signals[EPOCH_FINISHED], 0, msg->epoch, msg->loss,
                     msg->accuracy, msg->val_accuracy, msg->seconds);
      break;

    case MSG_DONE:
      /* The worker posts this as its last act: the join is immediate. */
      if (job->thread != NULL)
        {
          g_thread_join (job->thread);
          job->thread = NULL;
        }
      set_int (self, &self->best_epoch, msg->best_epoch, PROP_BEST_EPOCH);
      set_state (self, msg->final_state);
      if (msg->final_state == CONVOLVE_TRAINER_STATE_FINISHED)
        g_signal_emit (self, signals[FINISHED], 0);
      else if (msg->final_state == CONVOLVE_TRAINER_STATE_FAILED)
        g_signal_emit (self, signals[FAILED], 0, msg->error);
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
dispatch_cb (gpointer data)
{
  TrainJob *job = data;
  g_autoptr(ConvolveTrainer) self = g_weak_ref_get (&job->trainer);
  GQueue pending = G_QUEUE_INIT;
  Msg *msg;

  g_mutex_lock (&job->mutex);
  pending = job->messages;
  g_queue_init (&job->messages);
  job->dispatch_pending = FALSE;
  g_mutex_unlock (&job->mutex);

  while ((msg = g_queue_pop_head (&pending)))
    {
      /* A handler may cancel, restart or drop the trainer: check each time. */
      if (self != NULL && self->job == job && self->generation == job->generation)
        handle_msg (self, job, msg);
      msg_free (msg);
    }

  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------ GObject */

static void
convolve_trainer_dispose (GObject *object)
{
  ConvolveTrainer *self = (ConvolveTrainer *) object;

  /* Nothing queued may reach us after this. */
  self->generation++;
  stop_worker (self);
  g_clear_pointer (&self->job, train_job_unref);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (convolve_trainer_parent_class)->dispose (object);
}

static void
convolve_trainer_finalize (GObject *object)
{
  ConvolveTrainer *self = (ConvolveTrainer *) object;

  g_clear_pointer (&self->spec, g_free);
  g_clear_pointer (&self->train_ref, data_ref_release);
  g_clear_pointer (&self->val_ref, data_ref_release);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (convolve_trainer_parent_class)->finalize (object);
}

static void
convolve_trainer_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ConvolveTrainer *self = CONVOLVE_TRAINER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_EPOCH:
      g_value_set_int (value, self->epoch);
      break;
    case PROP_EPOCHS:
      g_value_set_int (value, self->epochs);
      break;
    case PROP_LOSS:
      g_value_set_double (value, self->loss);
      break;
    case PROP_ACCURACY:
      g_value_set_double (value, self->accuracy);
      break;
    case PROP_VAL_ACCURACY:
      g_value_set_double (value, self->val_accuracy);
      break;
    case PROP_SPEC:
      g_value_set_string (value, self->spec);
      break;
    case PROP_DATASET:
      g_value_set_pointer (value, (gpointer) convolve_trainer_get_dataset (self));
      break;
    case PROP_VALIDATION:
      g_value_set_pointer (value, (gpointer) convolve_trainer_get_validation (self));
      break;
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_LEARNING_RATE:
      g_value_set_double (value, self->learning_rate);
      break;
    case PROP_OPTIMIZER:
      g_value_set_enum (value, self->optimizer);
      break;
    case PROP_SCHEDULE:
      g_value_set_enum (value, self->schedule);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_int (value, self->batch_size);
      break;
    case PROP_AUGMENT:
      g_value_set_boolean (value, self->augment);
      break;
    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;
    case PROP_THREADS:
      g_value_set_int (value, self->threads);
      break;
    case PROP_PATIENCE:
      g_value_set_int (value, self->patience);
      break;
    case PROP_BEST_EPOCH:
      g_value_set_int (value, self->best_epoch);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_trainer_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ConvolveTrainer *self = CONVOLVE_TRAINER (object);

  switch (prop_id)
    {
    case PROP_EPOCHS:
      convolve_trainer_set_epochs (self, g_value_get_int (value));
      break;
    case PROP_SPEC:
      convolve_trainer_set_spec (self, g_value_get_string (value));
      break;
    case PROP_LEARNING_RATE:
      convolve_trainer_set_learning_rate (self, g_value_get_double (value));
      break;
    case PROP_OPTIMIZER:
      convolve_trainer_set_optimizer (self, g_value_get_enum (value));
      break;
    case PROP_SCHEDULE:
      convolve_trainer_set_schedule (self, g_value_get_enum (value));
      break;
    case PROP_BATCH_SIZE:
      convolve_trainer_set_batch_size (self, g_value_get_int (value));
      break;
    case PROP_AUGMENT:
      convolve_trainer_set_augment (self, g_value_get_boolean (value));
      break;
    case PROP_SEED:
      convolve_trainer_set_seed (self, g_value_get_uint64 (value));
      break;
    case PROP_THREADS:
      convolve_trainer_set_threads (self, g_value_get_int (value));
      break;
    case PROP_PATIENCE:
      convolve_trainer_set_patience (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
convolve_trainer_class_init (ConvolveTrainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = convolve_trainer_dispose;
  object_class->finalize = convolve_trainer_finalize;
  object_class->get_property = convolve_trainer_get_property;
  object_class->set_property = convolve_trainer_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CONVOLVE_TYPE_TRAINER_STATE,
                       CONVOLVE_TRAINER_STATE_IDLE, ro);
  properties[PROP_EPOCH] =
    g_param_spec_int ("epoch", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_EPOCHS] =
    g_param_spec_int ("epochs", NULL, NULL, 1, 100000, 20, rw);
  properties[PROP_LOSS] =
    g_param_spec_double ("loss", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, ro);
  properties[PROP_ACCURACY] =
    g_param_spec_double ("accuracy", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties[PROP_VAL_ACCURACY] =
    g_param_spec_double ("val-accuracy", NULL, NULL, -1.0, 1.0, -1.0, ro);
  properties[PROP_SPEC] =
    g_param_spec_string ("spec", NULL, NULL, "shapes", rw);
  properties[PROP_DATASET] =
    g_param_spec_pointer ("dataset", NULL, NULL, ro);
  properties[PROP_VALIDATION] =
    g_param_spec_pointer ("validation", NULL, NULL, ro);
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, CONVOLVE_TYPE_MODEL, ro);
  properties[PROP_LEARNING_RATE] =
    g_param_spec_double ("learning-rate", NULL, NULL, 0.0, G_MAXDOUBLE, 0.001, rw);
  properties[PROP_OPTIMIZER] =
    g_param_spec_enum ("optimizer", NULL, NULL, CONVOLVE_TYPE_OPTIMIZER,
                       CONVOLVE_OPTIMIZER_ADAM, rw);
  properties[PROP_SCHEDULE] =
    g_param_spec_enum ("schedule", NULL, NULL, CONVOLVE_TYPE_LR_SCHEDULE,
                       CONVOLVE_LR_SCHEDULE_CONSTANT, rw);
  properties[PROP_BATCH_SIZE] =
    g_param_spec_int ("batch-size", NULL, NULL, 1, 65536, 16, rw);
  properties[PROP_AUGMENT] =
    g_param_spec_boolean ("augment", NULL, NULL, FALSE, rw);
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64, 1, rw);
  properties[PROP_PATIENCE] =
    g_param_spec_int ("patience", NULL, NULL, 0, G_MAXINT, 0, rw);
  /* Threads the engine may use for a batch (results do not depend on it);
   * read when a run starts. */
  properties[PROP_THREADS] =
    g_param_spec_int ("threads", NULL, NULL, 1, 8, 1, rw);
  /* With patience: the epoch whose weights the model holds at the end. */
  properties[PROP_BEST_EPOCH] =
    g_param_spec_int ("best-epoch", NULL, NULL, 0, G_MAXINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConvolveTrainer::batch-finished:
   * @batch: 1-based index of the batch in its epoch
   * @batches: batches per epoch
   * @loss: the batch's mean loss
   *
   * At most 30 times a second (every batch that is a single step).
   */
  signals[BATCH_FINISHED] =
    g_signal_new ("batch-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_INT, G_TYPE_INT, G_TYPE_DOUBLE);
  /**
   * ConvolveTrainer::epoch-finished:
   * @epoch: 1-based
   * @loss: mean training loss over the epoch
   * @accuracy: training accuracy as trained (0..1)
   * @val_accuracy: validation accuracy after the epoch (0..1), -1 without one
   * @seconds: wall time of the epoch
   */
  signals[EPOCH_FINISHED] =
    g_signal_new ("epoch-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_INT, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
convolve_trainer_init (ConvolveTrainer *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->spec = g_strdup ("shapes");
  self->learning_rate = 0.001;
  self->optimizer = CONVOLVE_OPTIMIZER_ADAM;
  self->schedule = CONVOLVE_LR_SCHEDULE_CONSTANT;
  self->batch_size = 16;
  self->epochs = 20;
  self->seed = 1;
  self->threads = 1;
  self->val_accuracy = -1.0;
  self->state = CONVOLVE_TRAINER_STATE_IDLE;
}

/* ---------------------------------------------------------- public API */

ConvolveTrainer *
convolve_trainer_new (void)
{
  return g_object_new (CONVOLVE_TYPE_TRAINER, NULL);
}

void
convolve_trainer_set_spec (ConvolveTrainer *self,
                           const char      *spec)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));
  g_return_if_fail (spec != NULL);

  if (g_strcmp0 (self->spec, spec) == 0)
    return;
  g_free (self->spec);
  self->spec = g_strdup (spec);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEC]);
}

const char *
convolve_trainer_get_spec (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), NULL);
  return self->spec;
}

void
convolve_trainer_set_dataset (ConvolveTrainer *self,
                              ConvolveDataset *dataset)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));

  if (self->train_ref != NULL && self->train_ref->ds == dataset)
    return;
  g_clear_pointer (&self->train_ref, data_ref_release);
  if (dataset != NULL)
    self->train_ref = data_ref_new (dataset);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
}

void
convolve_trainer_set_validation (ConvolveTrainer *self,
                                 ConvolveDataset *validation)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));

  if (self->val_ref != NULL && self->val_ref->ds == validation)
    return;
  g_clear_pointer (&self->val_ref, data_ref_release);
  if (validation != NULL)
    self->val_ref = data_ref_new (validation);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALIDATION]);
}

const ConvolveDataset *
convolve_trainer_get_dataset (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), NULL);
  return self->train_ref != NULL ? self->train_ref->ds : NULL;
}

const ConvolveDataset *
convolve_trainer_get_validation (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), NULL);
  return self->val_ref != NULL ? self->val_ref->ds : NULL;
}

void
convolve_trainer_set_learning_rate (ConvolveTrainer *self,
                                    double           learning_rate)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));
  g_return_if_fail (learning_rate > 0.0 && isfinite (learning_rate));

  if (self->learning_rate == learning_rate)
    return;
  self->learning_rate = learning_rate;

  /* A running job picks the new rate up before its next batch. */
  if (self->job != NULL)
    {
      g_mutex_lock (&self->job->mutex);
      self->job->lr = learning_rate;
      g_mutex_unlock (&self->job->mutex);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEARNING_RATE]);
}

double
convolve_trainer_get_learning_rate (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), 0.0);
  return self->learning_rate;
}

#define DEFINE_SIMPLE_PROPERTY(Type, name, PROP, check)                      \
  void                                                                      \
  convolve_trainer_set_##name (ConvolveTrainer *self, Type value)           \
  {                                                                         \
    g_return_if_fail (CONVOLVE_IS_TRAINER (self));                          \
    g_return_if_fail (check);                                               \
    if (self->name == value)                                                \
      return;                                                               \
    self->name = value;                                                     \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);           \
  }                                                                         \
  Type                                                                      \
  convolve_trainer_get_##name (ConvolveTrainer *self)                       \
  {                                                                         \
    g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), (Type) 0);            \
    return self->name;                                                      \
  }

DEFINE_SIMPLE_PROPERTY (ConvolveOptimizer, optimizer, PROP_OPTIMIZER,
                        value == CONVOLVE_OPTIMIZER_ADAM || value == CONVOLVE_OPTIMIZER_SGD)
DEFINE_SIMPLE_PROPERTY (ConvolveLrSchedule, schedule, PROP_SCHEDULE,
                        value == CONVOLVE_LR_SCHEDULE_CONSTANT || value == CONVOLVE_LR_SCHEDULE_ONE_CYCLE)
DEFINE_SIMPLE_PROPERTY (int, batch_size, PROP_BATCH_SIZE, value >= 1 && value <= 65536)
DEFINE_SIMPLE_PROPERTY (int, epochs, PROP_EPOCHS, value >= 1 && value <= 100000)
DEFINE_SIMPLE_PROPERTY (guint64, seed, PROP_SEED, TRUE)
DEFINE_SIMPLE_PROPERTY (int, patience, PROP_PATIENCE, value >= 0)
DEFINE_SIMPLE_PROPERTY (int, threads, PROP_THREADS, value >= 1 && value <= 8)

#undef DEFINE_SIMPLE_PROPERTY

int
convolve_trainer_threads_beside_window (int processors)
{
  return processors >= 3 ? 2 : 1;
}

void
convolve_trainer_set_augment (ConvolveTrainer *self,
                              gboolean         augment)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));

  augment = !!augment;
  if (self->augment == augment)
    return;
  self->augment = augment;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUGMENT]);
}

gboolean
convolve_trainer_get_augment (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), FALSE);
  return self->augment;
}

ConvolveTrainerState
convolve_trainer_get_state (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), CONVOLVE_TRAINER_STATE_IDLE);
  return self->state;
}

int
convolve_trainer_get_epoch (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), 0);
  return self->epoch;
}

double
convolve_trainer_get_loss (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), 0.0);
  return self->loss;
}

double
convolve_trainer_get_accuracy (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), 0.0);
  return self->accuracy;
}

double
convolve_trainer_get_batch_accuracy (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), 0.0);
  return self->batch_accuracy;
}

double
convolve_trainer_get_val_accuracy (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), -1.0);
  return self->val_accuracy;
}

int
convolve_trainer_get_best_epoch (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), 0);
  return self->best_epoch;
}

static gboolean
check_fits (CvNet                 *net,
            const ConvolveDataset *ds,
            GError               **error)
{
  CvShape in = cv_net_input_shape (net);

  if (in.h != ds->h || in.w != ds->w || in.c != ds->c)
    {
      g_set_error (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_INVALID,
                   _("The network takes %d×%d×%d images but the dataset “%s” has %d×%d×%d."),
                   in.h, in.w, in.c, ds->name ? ds->name : "", ds->h, ds->w, ds->c);
      return FALSE;
    }
  if (cv_net_n_classes (net) != ds->n_classes)
    {
      g_set_error (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_INVALID,
                   _("The network has %d classes but the dataset “%s” has %d."),
                   cv_net_n_classes (net), ds->name ? ds->name : "", ds->n_classes);
      return FALSE;
    }
  return TRUE;
}

static gboolean
start_run (ConvolveTrainer  *self,
           gboolean          paused,
           GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  const ConvolveDataset *ds;
  const char *spec;
  CvNet *net = NULL;
  CvError err = { 0 };
  CvRng rng;
  CvModelInfo info = { 0 };
  TrainJob *job;

  if (self->state == CONVOLVE_TRAINER_STATE_RUNNING ||
      self->state == CONVOLVE_TRAINER_STATE_PAUSED)
    {
      g_set_error_literal (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_BUSY,
                           _("Training is already running."));
      return FALSE;
    }

  ds = convolve_trainer_get_dataset (self);
  if (ds == NULL || ds->n <= 0)
    {
      g_set_error_literal (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_INVALID,
                           _("There is no data to train on."));
      return FALSE;
    }

  spec = cv_arch_spec (self->spec);
  if (spec == NULL)
    spec = self->spec;
  if (cv_net_new (spec, &net, &err) != CV_OK)
    {
      g_set_error (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_INVALID,
                   _("The network “%s” cannot be built: %s"), self->spec, err.message);
      return FALSE;
    }
  if (!check_fits (net, ds, error) ||
      (self->val_ref != NULL && !check_fits (net, self->val_ref->ds, error)))
    {
      cv_net_free (net);
      return FALSE;
    }
  cv_rng_seed (&rng, self->seed);
  cv_net_init (net, &rng);

  /* A finished run's worker may not be joined yet. */
  stop_worker (self);
  g_clear_pointer (&self->job, train_job_unref);

  info.spec = (char *) cv_net_spec (net);
  info.n_classes = ds->n_classes;
  info.class_names = ds->class_names;
  info.input = ds->input;
  g_clear_object (&self->model);
  self->model = convolve_model_new (cv_net_clone (net), &info);

  job = g_atomic_rc_box_new0 (TrainJob);
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  g_mutex_init (&job->snap_mutex);
  g_queue_init (&job->messages);
  g_weak_ref_init (&job->trainer, self);
  job->context = g_main_context_ref (self->context);
  job->generation = ++self->generation;
  job->train_ref = g_atomic_rc_box_acquire (self->train_ref);
  job->train_data = self->train_ref->ds;
  if (self->val_ref != NULL)
    {
      job->val_ref = g_atomic_rc_box_acquire (self->val_ref);
      job->val_data = self->val_ref->ds;
    }
  job->model = g_object_ref (self->model);
  job->epochs = self->epochs;
  job->batch_size = self->batch_size;
  job->patience = self->patience;
  job->augment = self->augment;
  job->seed = self->seed;
  job->threads = self->threads;
  job->optimizer = self->optimizer;
  job->schedule = self->schedule;
  job->lr = self->learning_rate;
  job->paused = paused;
  job->net = net;
  job->n_params = cv_net_n_params (net);
  job->snapshot = g_new (float, job->n_params);
  memcpy (job->snapshot, cv_net_params_const (net), job->n_params * sizeof (float));
  job->snap_checksum = convolve_trainer_checksum (job->snapshot, job->n_params);
  job->snap_generation = 1;

  job->thread = g_thread_try_new ("convolve-trainer", train_job_run, job, &local_error);
  if (job->thread == NULL)
    {
      train_job_unref (job);
      g_set_error (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_FAILED,
                   _("Training could not start: %s"), local_error->message);
      return FALSE;
    }
  self->job = job;

  g_object_freeze_notify (G_OBJECT (self));
  set_int (self, &self->epoch, 0, PROP_EPOCH);
  set_int (self, &self->best_epoch, 0, PROP_BEST_EPOCH);
  set_double (self, &self->loss, 0.0, PROP_LOSS);
  set_double (self, &self->accuracy, 0.0, PROP_ACCURACY);
  set_double (self, &self->val_accuracy, -1.0, PROP_VAL_ACCURACY);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  set_state (self, paused ? CONVOLVE_TRAINER_STATE_PAUSED : CONVOLVE_TRAINER_STATE_RUNNING);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

gboolean
convolve_trainer_start (ConvolveTrainer  *self,
                        GError          **error)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), FALSE);

  return start_run (self, FALSE, error);
}

gboolean
convolve_trainer_start_paused (ConvolveTrainer  *self,
                               GError          **error)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), FALSE);

  return start_run (self, TRUE, error);
}

void
convolve_trainer_pause (ConvolveTrainer *self)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));

  if (self->state != CONVOLVE_TRAINER_STATE_RUNNING)
    return;

  g_mutex_lock (&self->job->mutex);
  self->job->paused = TRUE;
  self->job->steps = 0;
  g_mutex_unlock (&self->job->mutex);

  set_state (self, CONVOLVE_TRAINER_STATE_PAUSED);
}

void
convolve_trainer_resume (ConvolveTrainer *self)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));

  if (self->state != CONVOLVE_TRAINER_STATE_PAUSED)
    return;

  g_mutex_lock (&self->job->mutex);
  self->job->paused = FALSE;
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->mutex);

  set_state (self, CONVOLVE_TRAINER_STATE_RUNNING);
}

gboolean
convolve_trainer_step (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), FALSE);

  if (self->state != CONVOLVE_TRAINER_STATE_PAUSED)
    return FALSE;

  g_mutex_lock (&self->job->mutex);
  self->job->steps++;
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->mutex);

  return TRUE;
}

void
convolve_trainer_cancel (ConvolveTrainer *self)
{
  g_return_if_fail (CONVOLVE_IS_TRAINER (self));

  if (self->state != CONVOLVE_TRAINER_STATE_RUNNING &&
      self->state != CONVOLVE_TRAINER_STATE_PAUSED)
    return;

  self->generation++;
  stop_worker (self);
  set_state (self, CONVOLVE_TRAINER_STATE_CANCELLED);
}

ConvolveModel *
convolve_trainer_get_model (ConvolveTrainer *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), NULL);
  return self->model;
}

float *
convolve_trainer_dup_snapshot (ConvolveTrainer *self,
                               gsize           *n_params,
                               guint64         *generation,
                               guint32         *checksum)
{
  TrainJob *job;
  float *copy;

  g_return_val_if_fail (CONVOLVE_IS_TRAINER (self), NULL);

  job = self->job;
  if (job == NULL)
    return NULL;

  g_mutex_lock (&job->snap_mutex);
  copy = g_memdup2 (job->snapshot, job->n_params * sizeof (float));
  if (n_params)
    *n_params = job->n_params;
  if (generation)
    *generation = job->snap_generation;
  if (checksum)
    *checksum = job->snap_checksum;
  g_mutex_unlock (&job->snap_mutex);

  return copy;
}
