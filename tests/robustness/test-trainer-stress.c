/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-trainer-stress.c — 1,000 random start / start-paused / pause /
 * resume / step / cancel / learning-rate calls on one ConvolveTrainer over
 * the shapes dataset, seeded, interleaved with main-loop iterations and
 * short sleeps, as a class of students clicking everything twice would.
 *
 * Afterwards: no worker thread is left (/proc/self/task counts the same as
 * before), the trainer is in a final state, its documented state changes
 * held after every call, and nothing deadlocked: a watchdog alarm kills the
 * test if any call blocks. The sanitizer run checks for leaks.
 */
#include <signal.h>
#include <unistd.h>
#include <glib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "convolve-trainer.h"

#define CALLS          1000
#define WATCHDOG_SECS  120

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

static gboolean
is_active (ConvolveTrainerState s)
{
  return s == CONVOLVE_TRAINER_STATE_RUNNING || s == CONVOLVE_TRAINER_STATE_PAUSED;
}

static void
watchdog (int sig)
{
  static const char msg[] = "test-trainer-stress: watchdog: a call blocked (deadlock?)\n";
  ssize_t r = write (2, msg, sizeof msg - 1);
  (void) r;
  _exit (3);
}

static void
iterate (int n)
{
  for (int i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
}

typedef struct {
  guint epochs, batches, finished, failed;
} Counts;

static void
epoch_cb (ConvolveTrainer *t, int epoch, double loss, double acc, double val, double secs, gpointer data)
{
  ((Counts *) data)->epochs++;
}

static void
batch_cb (ConvolveTrainer *t, int batch, int batches, double loss, gpointer data)
{
  ((Counts *) data)->batches++;
}

static void
finished_cb (ConvolveTrainer *t, gpointer data)
{
  ((Counts *) data)->finished++;
}

static void
failed_cb (ConvolveTrainer *t, GError *error, gpointer data)
{
  ((Counts *) data)->failed++;
}

static void
test_random_calls (void **state)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  ConvolveTrainer *trainer;
  Counts counts = { 0 };
  int threads_before, threads_after = -1;
  int starts = 0, busy = 0;
  gint64 t0 = g_get_monotonic_time ();

  signal (SIGALRM, watchdog);
  alarm (WATCHDOG_SECS);

  trainer = convolve_trainer_new ();
  convolve_trainer_set_spec (trainer, "shapes");
  convolve_trainer_set_dataset (trainer, convolve_dataset_new_shapes (180, 1));
  convolve_trainer_set_validation (trainer, convolve_dataset_new_shapes (60, 2));
  convolve_trainer_set_epochs (trainer, 3);
  convolve_trainer_set_batch_size (trainer, 16);
  g_signal_connect (trainer, "epoch-finished", G_CALLBACK (epoch_cb), &counts);
  g_signal_connect (trainer, "batch-finished", G_CALLBACK (batch_cb), &counts);
  g_signal_connect (trainer, "finished", G_CALLBACK (finished_cb), &counts);
  g_signal_connect (trainer, "failed", G_CALLBACK (failed_cb), &counts);
  iterate (10);
  threads_before = count_threads ();
  assert_true (threads_before >= 1);

  for (int i = 0; i < CALLS; i++)
    {
      ConvolveTrainerState before = convolve_trainer_get_state (trainer);
      ConvolveTrainerState after;
      guint op = g_rand_int_range (rand, 0, 100);

      if (op < 12)
        {
          g_autoptr(GError) error = NULL;
          gboolean paused = g_rand_boolean (rand);
          gboolean ok = paused ? convolve_trainer_start_paused (trainer, &error)
                               : convolve_trainer_start (trainer, &error);
          after = convolve_trainer_get_state (trainer);
          if (ok)
            {
              starts++;
              assert_null (error);
              assert_false (is_active (before));
              assert_int_equal (after, paused ? CONVOLVE_TRAINER_STATE_PAUSED
                                              : CONVOLVE_TRAINER_STATE_RUNNING);
            }
          else
            {
              /* Only a run in progress refuses a start. */
              assert_true (is_active (before));
              assert_true (g_error_matches (error, CONVOLVE_TRAINER_ERROR,
                                            CONVOLVE_TRAINER_ERROR_BUSY));
              busy++;
            }
        }
      else if (op < 27)
        {
          convolve_trainer_pause (trainer);
          after = convolve_trainer_get_state (trainer);
          if (before == CONVOLVE_TRAINER_STATE_RUNNING)
            assert_int_equal (after, CONVOLVE_TRAINER_STATE_PAUSED);
          else
            assert_int_equal (after, before);
        }
      else if (op < 42)
        {
          convolve_trainer_resume (trainer);
          after = convolve_trainer_get_state (trainer);
          if (before == CONVOLVE_TRAINER_STATE_PAUSED)
            assert_int_equal (after, CONVOLVE_TRAINER_STATE_RUNNING);
          else
            assert_int_equal (after, before);
        }
      else if (op < 62)
        {
          gboolean stepped = convolve_trainer_step (trainer);
          assert_int_equal (stepped, before == CONVOLVE_TRAINER_STATE_PAUSED);
        }
      else if (op < 70)
        {
          convolve_trainer_cancel (trainer);
          after = convolve_trainer_get_state (trainer);
          if (is_active (before))
            assert_int_equal (after, CONVOLVE_TRAINER_STATE_CANCELLED);
          else
            assert_int_equal (after, before);
        }
      else if (op < 74)
        convolve_trainer_set_learning_rate (trainer, g_rand_double_range (rand, 1e-4, 0.05));
      else if (op < 77)
        {
          g_autofree float *snap = NULL;
          gsize n = 0;
          guint64 gen = 0;
          guint32 sum = 0;

          snap = convolve_trainer_dup_snapshot (trainer, &n, &gen, &sum);
          if (snap != NULL)
            assert_int_equal (convolve_trainer_checksum (snap, n), sum);
        }
      else if (op < 88)
        iterate (g_rand_int_range (rand, 1, 20));
      else
        {
          /* Let the worker get somewhere, then deliver what it posted. */
          g_usleep (g_rand_int_range (rand, 0, 25000));
          iterate (5);
        }
    }

  /* Let a run that is still going end on its own, or stop it. */
  convolve_trainer_cancel (trainer);
  iterate (50);
  assert_false (is_active (convolve_trainer_get_state (trainer)));
  g_object_unref (trainer);
  iterate (50);

  /* Joined threads disappear from /proc at once; allow a moment anyway. */
  for (int tries = 0; tries < 100; tries++)
    {
      threads_after = count_threads ();
      if (threads_after <= threads_before)
        break;
      g_usleep (10000);
    }
  alarm (0);
  print_message ("%d calls in %.1f s: %d runs started, %d refused as busy; "
                 "%u batches, %u epochs, %u finished, %u failed; threads %d → %d\n",
                 CALLS, (g_get_monotonic_time () - t0) / 1e6, starts, busy,
                 counts.batches, counts.epochs, counts.finished, counts.failed,
                 threads_before, threads_after);
  assert_int_equal (threads_after, threads_before);
  assert_true (starts > 10);
  assert_int_equal (counts.failed, 0);
}

/* Dropping the last reference in the middle of a run (what quitting the
 * app does) joins the worker, within a second. */
static void
test_unref_while_running (void **state)
{
  int threads_before;
  gint64 slowest = 0;

  signal (SIGALRM, watchdog);
  alarm (WATCHDOG_SECS);
  threads_before = count_threads ();
  for (int i = 0; i < 20; i++)
    {
      ConvolveTrainer *trainer = convolve_trainer_new ();

      convolve_trainer_set_spec (trainer, "shapes");
      convolve_trainer_set_dataset (trainer, convolve_dataset_new_shapes (180, 1));
      convolve_trainer_set_epochs (trainer, 50);
      assert_true (i % 2 == 0 ? convolve_trainer_start (trainer, NULL)
                              : convolve_trainer_start_paused (trainer, NULL));
      iterate (i % 5);
      g_usleep (i * 1000);   /* somewhere inside an epoch */
      {
        gint64 t0 = g_get_monotonic_time ();
        g_object_unref (trainer);
        slowest = MAX (slowest, g_get_monotonic_time () - t0);
      }
      /* Joined: no worker outlives its trainer. */
      assert_int_equal (count_threads (), threads_before);
    }
  iterate (20);
  alarm (0);
  print_message ("the slowest unref of a running trainer took %.1f ms\n", slowest / 1000.0);
  assert_true (slowest < G_USEC_PER_SEC);
  assert_int_equal (count_threads (), threads_before);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_random_calls),
    cmocka_unit_test (test_unref_while_running),
  };

  return cmocka_run_group_tests_name ("robustness/trainer-stress", tests, NULL, NULL);
}
