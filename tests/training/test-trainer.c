/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-trainer.c — ConvolveTrainer: signals on the main context and in
 * order, the engine's numbers bit for bit, cancel, pause/resume/step,
 * start/cancel cycles, untorn snapshots, divergence and dispose.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "convolve-trainer.h"

/* ------------------------------------------------------------- helpers */

typedef gboolean (*Predicate) (gpointer data);

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until pred holds or seconds pass. */
static gboolean
wait_until (Predicate pred, gpointer data, double seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add ((guint) (seconds * 1000), timeout_cb, &timed_out);

  while (!(pred != NULL && pred (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return pred != NULL && pred (data);
}

static void
spin (double seconds)
{
  wait_until (NULL, NULL, seconds);
}

static gboolean
trainer_done (gpointer data)
{
  ConvolveTrainerState state = convolve_trainer_get_state (data);

  return state == CONVOLVE_TRAINER_STATE_FINISHED ||
         state == CONVOLVE_TRAINER_STATE_CANCELLED ||
         state == CONVOLVE_TRAINER_STATE_FAILED;
}

static int
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  int n = 0;

  if (dir == NULL)
    return -1;
  while (g_dir_read_name (dir))
    n++;
  return n;
}

static ConvolveTrainer *
new_shapes_trainer (int samples, int epochs)
{
  ConvolveTrainer *trainer = convolve_trainer_new ();

  convolve_trainer_set_spec (trainer, "shapes");
  convolve_trainer_set_dataset (trainer, convolve_dataset_new_shapes (samples, 1));
  convolve_trainer_set_epochs (trainer, epochs);
  convolve_trainer_set_batch_size (trainer, 16);
  convolve_trainer_set_learning_rate (trainer, 0.003);
  convolve_trainer_set_seed (trainer, 3);
  return trainer;
}

typedef struct {
  GArray  *events;          /* chars: 'b' batch, 'e' epoch, 'f' finished, 'x' failed */
  GArray  *epoch_losses;    /* double */
  GArray  *epoch_numbers;   /* int */
  int      batches;
  int      last_batch;
  gboolean off_main;
  GError  *error;
} Record;

static void
record_init (Record *r)
{
  memset (r, 0, sizeof *r);
  r->events = g_array_new (TRUE, TRUE, 1);
  r->epoch_losses = g_array_new (FALSE, FALSE, sizeof (double));
  r->epoch_numbers = g_array_new (FALSE, FALSE, sizeof (int));
}

static void
record_clear (Record *r)
{
  g_array_unref (r->events);
  g_array_unref (r->epoch_losses);
  g_array_unref (r->epoch_numbers);
  g_clear_error (&r->error);
}

static void
check_main (Record *r)
{
  if (!g_main_context_is_owner (g_main_context_default ()))
    r->off_main = TRUE;
}

static void
batch_cb (ConvolveTrainer *t, int batch, int batches, double loss, Record *r)
{
  char c = 'b';

  check_main (r);
  g_array_append_val (r->events, c);
  r->batches++;
  r->last_batch = batch;
}

static void
epoch_cb (ConvolveTrainer *t, int epoch, double loss, double acc, double val,
          double seconds, Record *r)
{
  char c = 'e';

  check_main (r);
  g_array_append_val (r->events, c);
  g_array_append_val (r->epoch_losses, loss);
  g_array_append_val (r->epoch_numbers, epoch);
}

static void
finished_cb (ConvolveTrainer *t, Record *r)
{
  char c = 'f';

  check_main (r);
  g_array_append_val (r->events, c);
}

static void
failed_cb (ConvolveTrainer *t, const GError *error, Record *r)
{
  char c = 'x';

  check_main (r);
  g_array_append_val (r->events, c);
  g_clear_error (&r->error);
  r->error = g_error_copy (error);
}

static void
connect_record (ConvolveTrainer *trainer, Record *r)
{
  g_signal_connect (trainer, "batch-finished", G_CALLBACK (batch_cb), r);
  g_signal_connect (trainer, "epoch-finished", G_CALLBACK (epoch_cb), r);
  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), r);
  g_signal_connect (trainer, "failed", G_CALLBACK (failed_cb), r);
}

static gboolean
got_batches (gpointer data)
{
  return ((Record *) data)->batches > 0;
}

/* --------------------------------------------------------------- tests */

/* Signals come on the main context, in order; notify only on change. */
static void
test_signals_in_order (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = new_shapes_trainer (180, 3);
  Record r;
  int state_notifies = 0;

  record_init (&r);
  connect_record (trainer, &r);
  g_signal_connect_swapped (trainer, "notify::state", G_CALLBACK (g_atomic_int_inc), &state_notifies);
  convolve_trainer_set_validation (trainer, convolve_dataset_new_shapes (60, 2));

  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_IDLE);
  assert_null (convolve_trainer_get_model (trainer));
  assert_true (convolve_trainer_start (trainer, NULL));
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_RUNNING);
  assert_non_null (convolve_trainer_get_model (trainer));
  /* A second start while running is refused. */
  {
    g_autoptr(GError) error = NULL;

    assert_false (convolve_trainer_start (trainer, &error));
    assert_true (g_error_matches (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_BUSY));
  }

  assert_true (wait_until (trainer_done, trainer, 60));
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_FINISHED);
  assert_false (r.off_main);
  assert_int_equal (state_notifies, 2);   /* running, finished */

  /* b…e b…e b…e f */
  {
    const char *ev = r.events->data;
    size_t len = strlen (ev);

    assert_true (len >= 4);
    assert_int_equal (ev[len - 1], 'f');
    assert_int_equal (ev[len - 2], 'e');
    assert_int_equal (ev[0], 'b');
    assert_null (strchr (ev, 'x'));
  }
  assert_int_equal (r.epoch_numbers->len, 3);
  for (int i = 0; i < 3; i++)
    assert_int_equal (g_array_index (r.epoch_numbers, int, i), i + 1);
  assert_int_equal (convolve_trainer_get_epoch (trainer), 3);
  assert_true (convolve_trainer_get_val_accuracy (trainer) >= 0.0);
  assert_true (convolve_trainer_get_loss (trainer) ==
               g_array_index (r.epoch_losses, double, 2));

  /* The model knows its classes and input. */
  assert_int_equal (convolve_model_get_n_classes (convolve_trainer_get_model (trainer)), 3);
  assert_string_equal (convolve_model_get_class_name (convolve_trainer_get_model (trainer), 2), "triangle");

  g_signal_handlers_disconnect_by_data (trainer, &r);
  record_clear (&r);
}

typedef struct {
  GThread *owner;
  int      epochs;
  int      wrong_thread;
  int      finished;
  gboolean done;
} ContextRun;

static void
own_epoch_cb (ConvolveTrainer *t, int epoch, double loss, double acc, double val,
              double seconds, ContextRun *run)
{
  run->epochs++;
  if (g_thread_self () != run->owner)
    run->wrong_thread++;
}

static void
own_finished_cb (ConvolveTrainer *t, ContextRun *run)
{
  if (g_thread_self () != run->owner)
    run->wrong_thread++;
  run->finished++;
}

/* A trainer made on a thread with its own thread-default context reports
 * there, and nowhere else. */
static gpointer
own_context_thread (gpointer data)
{
  ContextRun *run = data;
  GMainContext *context = g_main_context_new ();
  ConvolveTrainer *trainer;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_main_context_push_thread_default (context);
  trainer = new_shapes_trainer (180, 2);
  g_signal_connect (trainer, "epoch-finished", G_CALLBACK (own_epoch_cb), run);
  g_signal_connect (trainer, "finished", G_CALLBACK (own_finished_cb), run);
  if (convolve_trainer_start (trainer, NULL))
    while (run->finished == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (context, TRUE);
  g_object_unref (trainer);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  g_atomic_int_set (&run->done, TRUE);
  return NULL;
}

static void
test_own_context (void **state)
{
  ContextRun run = { 0 };

  while (g_main_context_iteration (NULL, FALSE))
    ;
  run.owner = g_thread_new ("own-context", own_context_thread, &run);
  /* Meanwhile the default context must receive nothing from it. */
  while (!g_atomic_int_get (&run.done))
    {
      assert_false (g_main_context_iteration (NULL, FALSE));
      g_usleep (1000);
    }
  g_thread_join (run.owner);

  assert_int_equal (run.finished, 1);
  assert_int_equal (run.epochs, 2);
  assert_int_equal (run.wrong_thread, 0);
}

/* The trainer's losses equal a direct engine run, bit for bit. */
static void
test_matches_engine (void **state)
{
  const int epochs = 4, batch = 16, samples = 180;
  const guint64 seed = 5;
  const double lr = 0.003;
  g_autoptr(ConvolveTrainer) trainer = convolve_trainer_new ();
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (samples, 1);
  g_autofree double *direct = g_new0 (double, epochs);
  g_autofree float *snapshot = NULL;
  CvNet *net = NULL;
  CvTrain *train = NULL;
  CvTrainConfig cfg;
  CvError err;
  CvRng rng;
  Record r;
  gsize n_params = 0;

  /* Direct: the engine's step API, as documented. */
  assert_int_equal (cv_net_new (cv_arch_spec ("shapes"), &net, &err), CV_OK);
  cv_rng_seed (&rng, seed);
  cv_net_init (net, &rng);
  cv_train_config_default (&cfg);
  cv_opt_config_default (&cfg.opt, CV_OPT_ADAM);
  cfg.opt.lr = (float) lr;
  cfg.batch = batch;
  cfg.seed = seed;
  assert_int_equal (cv_train_new (net, &cfg, ds->x, ds->y, ds->n, &train, &err), CV_OK);
  for (int e = 0; e < epochs; e++)
    {
      CvBatchResult res;
      double sum = 0.0;
      gint64 seen = 0;

      do
        {
          assert_int_equal (cv_train_step (train, &res), CV_OK);
          sum += (double) res.loss * res.n;
          seen += res.n;
        }
      while (!res.epoch_done);
      direct[e] = sum / (double) seen;
    }
  cv_train_free (train);

  /* Through the trainer, with a validation set (it must not disturb), on
   * two threads (the engine's results do not depend on the count). */
  record_init (&r);
  assert_int_equal (convolve_trainer_get_threads (trainer), 1);
  convolve_trainer_set_threads (trainer, 2);
  assert_int_equal (convolve_trainer_get_threads (trainer), 2);
  convolve_trainer_set_spec (trainer, "shapes");
  convolve_trainer_set_dataset (trainer, convolve_dataset_slice (ds, 0, ds->n));
  convolve_trainer_set_validation (trainer, convolve_dataset_new_shapes (60, 9));
  convolve_trainer_set_epochs (trainer, epochs);
  convolve_trainer_set_batch_size (trainer, batch);
  convolve_trainer_set_learning_rate (trainer, lr);
  convolve_trainer_set_seed (trainer, seed);
  connect_record (trainer, &r);
  assert_true (convolve_trainer_start (trainer, NULL));
  assert_true (wait_until (trainer_done, trainer, 60));
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_FINISHED);

  assert_int_equal (r.epoch_losses->len, epochs);
  for (int e = 0; e < epochs; e++)
    assert_memory_equal (&g_array_index (r.epoch_losses, double, e), &direct[e], sizeof (double));

  /* And the final weights are the engine's. */
  snapshot = convolve_trainer_dup_snapshot (trainer, &n_params, NULL, NULL);
  assert_int_equal (n_params, cv_net_n_params (net));
  assert_memory_equal (snapshot, cv_net_params_const (net), n_params * sizeof (float));
  {
    CvNet *model_net = convolve_model_dup_net (convolve_trainer_get_model (trainer));

    assert_memory_equal (cv_net_params_const (model_net), cv_net_params_const (net),
                         n_params * sizeof (float));
    cv_net_free (model_net);
  }

  cv_net_free (net);
  g_signal_handlers_disconnect_by_data (trainer, &r);
  record_clear (&r);
}

/* Cancel in the middle of a long epoch ends promptly, with no signal after. */
static void
test_cancel_mid_epoch (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = new_shapes_trainer (20000, 5);
  Record r;
  gint64 t0, dt;
  int events;

  record_init (&r);
  connect_record (trainer, &r);
  assert_true (convolve_trainer_start (trainer, NULL));
  assert_true (wait_until (got_batches, &r, 30));
  assert_int_equal (r.epoch_numbers->len, 0);   /* still in epoch 1 */

  t0 = g_get_monotonic_time ();
  convolve_trainer_cancel (trainer);
  dt = g_get_monotonic_time () - t0;
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_CANCELLED);
  /* One batch of 16 takes a few ms; a second is a generous bound. */
  assert_true (dt < G_USEC_PER_SEC);

  events = (int) strlen (r.events->data);
  spin (0.2);
  assert_int_equal ((int) strlen (r.events->data), events);
  assert_false (r.off_main);

  g_signal_handlers_disconnect_by_data (trainer, &r);
  record_clear (&r);
}

static gboolean
batches_at_least (gpointer data)
{
  Record *r = ((gpointer *) data)[0];
  int want = GPOINTER_TO_INT (((gpointer *) data)[1]);

  return r->batches >= want;
}

/* Pause stops training, step runs exactly one batch, resume goes on. */
static void
test_pause_resume_step (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = new_shapes_trainer (20000, 5);
  Record r;
  guint64 gen_before = 0, gen_after = 0;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  gsize n = 0;

  record_init (&r);
  connect_record (trainer, &r);
  assert_true (convolve_trainer_start (trainer, NULL));
  assert_false (convolve_trainer_step (trainer));   /* not paused */
  assert_true (wait_until (got_batches, &r, 30));

  convolve_trainer_pause (trainer);
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_PAUSED);
  spin (0.1);   /* what was in flight arrives */
  r.batches = 0;
  spin (0.2);
  assert_int_equal (r.batches, 0);

  /* Three single steps: three batch signals, consecutive batch numbers. */
  for (int i = 1; i <= 3; i++)
    {
      gpointer args[2] = { &r, GINT_TO_POINTER (i) };
      int before = r.last_batch;

      g_free (a);
      a = convolve_trainer_dup_snapshot (trainer, &n, &gen_before, NULL);
      assert_true (convolve_trainer_step (trainer));
      assert_true (wait_until (batches_at_least, args, 10));
      if (i > 1)
        assert_int_equal (r.last_batch, before + 1);
      g_free (b);
      b = convolve_trainer_dup_snapshot (trainer, &n, &gen_after, NULL);
      /* Each step publishes the weights it changed. */
      assert_true (gen_after > gen_before);
      assert_true (memcmp (a, b, n * sizeof (float)) != 0);
    }
  spin (0.1);
  assert_int_equal (r.batches, 3);
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_PAUSED);

  /* Changing the rate while paused is allowed and takes effect next batch. */
  convolve_trainer_set_learning_rate (trainer, 0.001);

  convolve_trainer_resume (trainer);
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_RUNNING);
  {
    gpointer args[2] = { &r, GINT_TO_POINTER (5) };

    assert_true (wait_until (batches_at_least, args, 10));
  }
  convolve_trainer_cancel (trainer);
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_CANCELLED);

  g_signal_handlers_disconnect_by_data (trainer, &r);
  record_clear (&r);
}

static void
count_finalized_cb (gpointer data, GObject *where_the_object_was)
{
  (*(int *) data)++;
}

static void
collect_batch_loss_cb (ConvolveTrainer *t, int batch, int batches, double loss, GArray *losses)
{
  g_array_append_val (losses, loss);
}

static gboolean
has_n_losses (gpointer data)
{
  GArray *losses = ((gpointer *) data)[0];

  return losses->len >= (guint) GPOINTER_TO_INT (((gpointer *) data)[1]);
}

/* Started paused, stepped batch by batch, with the learning rate changed
 * between two steps: the batch losses equal a direct engine run that
 * changes the rate at the same batch. */
static void
test_step_and_live_rate (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = new_shapes_trainer (180, 2);
  g_autoptr(ConvolveDataset) ds = convolve_dataset_new_shapes (180, 1);
  g_autoptr(GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  double direct[6];
  CvNet *net = NULL;
  CvTrain *train = NULL;
  CvTrainConfig cfg;
  CvError err;
  CvRng rng;

  assert_int_equal (cv_net_new (cv_arch_spec ("shapes"), &net, &err), CV_OK);
  cv_rng_seed (&rng, 3);
  cv_net_init (net, &rng);
  cv_train_config_default (&cfg);
  cv_opt_config_default (&cfg.opt, CV_OPT_ADAM);
  cfg.opt.lr = 0.003f;
  cfg.batch = 16;
  cfg.seed = 3;
  assert_int_equal (cv_train_new (net, &cfg, ds->x, ds->y, ds->n, &train, &err), CV_OK);
  for (int i = 0; i < 6; i++)
    {
      CvBatchResult res;

      if (i == 3)
        cv_train_set_lr (train, 0.02f);
      assert_int_equal (cv_train_step (train, &res), CV_OK);
      direct[i] = res.loss;
    }
  cv_train_free (train);
  cv_net_free (net);

  g_signal_connect (trainer, "batch-finished", G_CALLBACK (collect_batch_loss_cb), losses);
  assert_true (convolve_trainer_start_paused (trainer, NULL));
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_PAUSED);
  spin (0.1);
  assert_int_equal (losses->len, 0);   /* nothing runs until a step */

  for (int i = 0; i < 6; i++)
    {
      gpointer args[2] = { losses, GINT_TO_POINTER (i + 1) };

      if (i == 3)
        convolve_trainer_set_learning_rate (trainer, 0.02f);
      assert_true (convolve_trainer_step (trainer));
      assert_true (wait_until (has_n_losses, args, 10));
    }
  for (int i = 0; i < 6; i++)
    assert_memory_equal (&g_array_index (losses, double, i), &direct[i], sizeof (double));

  convolve_trainer_cancel (trainer);
  g_signal_handlers_disconnect_by_data (trainer, losses);
}

/* 200 start/cancel cycles: no thread left, nothing leaked (asan setup). */
static void
test_start_cancel_cycles (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = new_shapes_trainer (600, 3);
  int baseline, finalized = 0;

  /* Let GLib start its own helper threads first. */
  assert_true (convolve_trainer_start (trainer, NULL));
  convolve_trainer_cancel (trainer);
  spin (0.05);
  baseline = count_threads ();

  for (int i = 0; i < 200; i++)
    {
      assert_true (convolve_trainer_start (trainer, NULL));
      g_object_weak_ref (G_OBJECT (convolve_trainer_get_model (trainer)), count_finalized_cb, &finalized);
      if (i % 2)
        g_main_context_iteration (NULL, FALSE);
      convolve_trainer_cancel (trainer);
      assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_CANCELLED);
    }
  spin (0.05);
  if (baseline > 0)
    assert_int_equal (count_threads (), baseline);

  /* Each run's job held its model: all but the newest are gone, so no job
   * (with its net, snapshot and data references) outlived its run. */
  assert_int_equal (finalized, 199);
  g_clear_object (&trainer);
  assert_int_equal (finalized, 200);
}

/* Predictions read continuously while training never see torn weights. */
static void
test_no_torn_weights (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = new_shapes_trainer (20000, 2);
  ConvolveModel *model;
  g_autofree float *input = g_new0 (float, 256);
  float probs[3];
  gint64 end;
  guint64 first_gen = 0, last_gen = 0;
  int checks = 0, model_checks = 0;

  for (int i = 0; i < 256; i++)
    input[i] = (i % 5) == 0;

  assert_true (convolve_trainer_start (trainer, NULL));
  model = convolve_trainer_get_model (trainer);
  end = g_get_monotonic_time () + G_USEC_PER_SEC / 2 * 3;
  while (g_get_monotonic_time () < end)
    {
      g_autofree float *snap = NULL;
      guint64 gen1 = 0, gen2 = 0;
      guint32 sum1 = 0;
      gsize n = 0;
      CvNet *net;

      /* The snapshot is consistent with the checksum the worker made. */
      snap = convolve_trainer_dup_snapshot (trainer, &n, &gen1, &sum1);
      assert_int_equal (convolve_trainer_checksum (snap, n), sum1);
      if (first_gen == 0)
        first_gen = gen1;
      last_gen = gen1;
      checks++;

      /* The model's weights, read with no publication in between, are
       * exactly that snapshot. */
      net = convolve_model_dup_net (model);
      g_free (convolve_trainer_dup_snapshot (trainer, NULL, &gen2, NULL));
      if (gen1 == gen2)
        {
          assert_int_equal (convolve_trainer_checksum (cv_net_params_const (net), n), sum1);
          model_checks++;
        }
      cv_net_free (net);

      convolve_model_predict (model, input, probs);
      assert_true (isfinite (probs[0]) && isfinite (probs[1]) && isfinite (probs[2]));
      assert_true (fabsf (probs[0] + probs[1] + probs[2] - 1.f) < 1e-3f);

      g_main_context_iteration (NULL, FALSE);
    }
  convolve_trainer_cancel (trainer);

  /* Published at most every 100 ms within an epoch, and it did publish. */
  assert_true (last_gen > first_gen);
  assert_true (last_gen - first_gen <= 1.5 * 10 + 3);
  assert_true (checks > 10);
  assert_true (model_checks > 0);
}

/* A learning rate of 10 ends in failed, with the plain-words message. */
static void
test_divergence (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = convolve_trainer_new ();
  g_autoptr(ConvolveDataset) digits = convolve_dataset_load ("digits", "train", NULL);
  Record r;

  record_init (&r);
  if (digits != NULL)
    {
      convolve_trainer_set_spec (trainer, "digits-small");
      convolve_trainer_set_dataset (trainer, convolve_dataset_slice (digits, 0, MIN (digits->n, 1000)));
    }
  else
    {
      convolve_trainer_set_spec (trainer, "shapes");
      convolve_trainer_set_dataset (trainer, convolve_dataset_new_shapes (180, 1));
    }
  convolve_trainer_set_learning_rate (trainer, 10.0);
  convolve_trainer_set_epochs (trainer, 5);
  connect_record (trainer, &r);
  assert_true (convolve_trainer_start (trainer, NULL));
  assert_true (wait_until (trainer_done, trainer, 60));

  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_FAILED);
  assert_non_null (r.error);
  assert_true (g_error_matches (r.error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_DIVERGED));
  assert_non_null (strstr (r.error->message, "the learning rate 10 is too high. Try 0.001."));
  assert_non_null (strstr (r.error->message, "in epoch 1"));
  assert_int_equal (((char *) r.events->data)[strlen (r.events->data) - 1], 'x');

  g_signal_handlers_disconnect_by_data (trainer, &r);
  record_clear (&r);
}

/* Early stopping keeps the best weights: the final model scores the best
 * validation accuracy that any epoch reported. */
static void
collect_val_cb (ConvolveTrainer *t, int epoch, double loss, double acc, double val,
                double seconds, GArray *vals)
{
  g_array_append_val (vals, val);
}

static void
test_early_stopping (void **state)
{
  g_autoptr(ConvolveTrainer) trainer = new_shapes_trainer (180, 40);
  g_autoptr(ConvolveDataset) val = convolve_dataset_new_shapes (90, 2);
  g_autoptr(GArray) vals = g_array_new (FALSE, FALSE, sizeof (double));
  double best = -1.0;
  float loss = 0.f, acc = 0.f;
  CvNet *net;

  convolve_trainer_set_validation (trainer, convolve_dataset_slice (val, 0, val->n));
  convolve_trainer_set_patience (trainer, 3);
  g_signal_connect (trainer, "epoch-finished", G_CALLBACK (collect_val_cb), vals);
  assert_true (convolve_trainer_start (trainer, NULL));
  assert_true (wait_until (trainer_done, trainer, 60));
  assert_int_equal (convolve_trainer_get_state (trainer), CONVOLVE_TRAINER_STATE_FINISHED);

  for (guint i = 0; i < vals->len; i++)
    best = MAX (best, g_array_index (vals, double, i));
  /* It stopped once three epochs brought nothing better. */
  assert_true (vals->len < 40);

  net = convolve_model_dup_net (convolve_trainer_get_model (trainer));
  assert_int_equal (cv_net_evaluate (net, val->x, val->y, val->n, 128, &loss, &acc, NULL), CV_OK);
  assert_float_equal (acc, best, 1e-6);
  assert_true (convolve_trainer_get_best_epoch (trainer) >= 1);
  assert_float_equal (g_array_index (vals, double, convolve_trainer_get_best_epoch (trainer) - 1), best, 0.0);
  assert_int_equal (vals->len, MIN (convolve_trainer_get_best_epoch (trainer) + 3, 40));
  cv_net_free (net);
  g_signal_handlers_disconnect_by_data (trainer, vals);
}

/* Disposing a running trainer cancels and joins; no callback afterwards. */
static void
test_dispose_while_running (void **state)
{
  ConvolveTrainer *trainer = new_shapes_trainer (20000, 5);
  Record r;
  int before, threads;

  record_init (&r);
  connect_record (trainer, &r);
  threads = count_threads ();
  assert_true (convolve_trainer_start (trainer, NULL));
  assert_true (wait_until (got_batches, &r, 30));
  g_object_add_weak_pointer (G_OBJECT (trainer), (gpointer *) &trainer);
  g_object_unref (trainer);
  assert_null (trainer);

  before = (int) strlen (r.events->data);
  spin (0.3);
  assert_int_equal ((int) strlen (r.events->data), before);
  if (threads > 0)
    assert_int_equal (count_threads (), threads);
  record_clear (&r);
}

/* A window's trainer leaves it a core of its own. */
static void
test_threads_beside_window (void **state)
{
  (void) state;
  assert_int_equal (convolve_trainer_threads_beside_window (1), 1);
  assert_int_equal (convolve_trainer_threads_beside_window (2), 1);
  assert_int_equal (convolve_trainer_threads_beside_window (3), 2);
  assert_int_equal (convolve_trainer_threads_beside_window (64), 2);
}

#define TEST(name, fn) { name, fn, NULL, NULL, NULL }

int
main (void)
{
  const struct CMUnitTest tests[] = {
    TEST ("training/signals-in-order", test_signals_in_order),
    TEST ("training/own-context", test_own_context),
    TEST ("training/matches-engine", test_matches_engine),
    TEST ("training/cancel-mid-epoch", test_cancel_mid_epoch),
    TEST ("training/pause-resume-step", test_pause_resume_step),
    TEST ("training/step-and-live-rate", test_step_and_live_rate),
    TEST ("training/start-cancel-cycles", test_start_cancel_cycles),
    TEST ("training/no-torn-weights", test_no_torn_weights),
    TEST ("training/divergence", test_divergence),
    TEST ("training/early-stopping", test_early_stopping),
    TEST ("training/dispose-while-running", test_dispose_while_running),
    TEST ("training/threads-beside-window", test_threads_beside_window),
  };

  return cmocka_run_group_tests_name ("training", tests, NULL, NULL);
}
