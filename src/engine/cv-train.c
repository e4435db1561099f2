/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-train.c — the training loop, cut into steps a UI can drive, and
 * evaluation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cv-engine-private.h"

/* A batch of more than CV_PART_SAMPLES samples is cut into parts, as even
 * as can be: parts of at most CV_PART_SAMPLES up to CV_MAX_PARTS of them,
 * so beyond 128 samples parts of about a batch / 8. Each part runs forward
 * and backward into a gradient buffer of its own, and the parts' gradients
 * are summed in part order. The parts run in lanes, at most one per thread
 * the net may use: lane t takes parts t, t + lanes, … on a replica of the
 * net of its own (a part's result does not depend on which replica
 * computed it or what that replica computed before), and a replica splits
 * its own products over the threads the lanes leave. How a batch is cut
 * depends only on its size, so the result is bit-identical for any thread
 * count. On two threads the halves of a batch of 32 run side by side and
 * meet twice a step (after the parts, after the sum) instead of at every
 * layer; a batch of 128 runs its eight parts through two replicas whose
 * buffers stay warm. */
#define CV_PART_SAMPLES 16
#define CV_MAX_PARTS    8

struct CvTrain {
  CvNet         *net;       /* borrowed */
  CvTrainConfig  cfg;
  const float   *x;         /* borrowed (n, H, W, C) */
  const uint8_t *y;         /* borrowed (n) */
  int            n;
  size_t         sample;    /* floats per sample */
  CvOptimizer   *opt;
  CvRng          rng;
  uint32_t      *order;     /* (n) this epoch's shuffled sample order */
  float         *xb;        /* (batch, H, W, C) the gathered batch */
  uint8_t       *yb;        /* (batch) */
  int            epoch;     /* epochs completed */
  int            pos;       /* next batch within the epoch */
  CvAugmentFn    augment;
  void          *augment_user;
  CvNet         *lane[CV_MAX_PARTS];  /* replicas of net, made on first use */
  float         *part_grads[CV_MAX_PARTS]; /* parts 1…; part 0 uses the net's */
  CvScratch      team;      /* the threads the lanes run on */
};

static int
parts_of (int nb)
{
  int parts = (nb + CV_PART_SAMPLES - 1) / CV_PART_SAMPLES;
  return parts < 1 ? 1 : parts > CV_MAX_PARTS ? CV_MAX_PARTS : parts;
}

/* Part p of a batch of nb cut in `parts`: samples [first, next first). */
static int
part_start (int nb, int parts, int p)
{
  return (int) ((int64_t) nb * p / parts);
}

void
cv_train_config_default (CvTrainConfig *cfg)
{
  cv_opt_config_default (&cfg->opt, CV_OPT_ADAM);
  cfg->batch = 16;
  cfg->seed = 1;
}

void
cv_train_free (CvTrain *train)
{
  if (train == NULL)
    return;
  cv_opt_free (train->opt);
  for (int p = 0; p < CV_MAX_PARTS; p++)
    {
      cv_net_free (train->lane[p]);
      free (train->part_grads[p]);
    }
  cv_scratch_free (&train->team);
  free (train->order);
  free (train->xb);
  free (train->yb);
  free (train);
}

CvStatus
cv_train_new (CvNet *net, const CvTrainConfig *cfg, const float *x,
              const uint8_t *y, int n, CvTrain **out, CvError *err)
{
  if (out == NULL)
    return cv_error_set (err, CV_ERR_ARG, "No place to put the trainer was given.");
  *out = NULL;
  if (net == NULL || cfg == NULL || x == NULL || y == NULL)
    return cv_error_set (err, CV_ERR_ARG, "The network, configuration or data is missing.");
  if (n <= 0)
    return cv_error_set (err, CV_ERR_ARG, "There are no training samples.");
  if (cfg->batch <= 0)
    return cv_error_set (err, CV_ERR_ARG, "The batch size must be at least 1, not %d.", cfg->batch);
  if (!(cfg->opt.lr > 0.0f) || !isfinite (cfg->opt.lr))
    return cv_error_set (err, CV_ERR_ARG, "The learning rate must be a positive number.");
  for (int i = 0; i < n; i++)
    if (y[i] >= cv_net_n_classes (net))
      return cv_error_set (err, CV_ERR_ARG,
                           "Sample %d has label %d, but the network has only %d classes.",
                           i, y[i], cv_net_n_classes (net));

  CvTrain *train = calloc (1, sizeof *train);
  if (train == NULL)
    return cv_error_set (err, CV_ERR_NOMEM, "Out of memory while preparing training.");
  train->net = net;
  train->cfg = *cfg;
  if (train->cfg.batch > n)
    train->cfg.batch = n;
  train->x = x;
  train->y = y;
  train->n = n;
  train->sample = cv_shape_size (cv_net_input_shape (net));
  cv_rng_seed (&train->rng, cfg->seed);
  train->opt = cv_opt_new (&cfg->opt, cv_net_n_params (net));
  train->order = malloc (sizeof (uint32_t) * (size_t) n);
  train->xb = malloc (sizeof (float) * train->sample * (size_t) train->cfg.batch);
  train->yb = malloc ((size_t) train->cfg.batch);
  if (train->opt == NULL || train->order == NULL || train->xb == NULL || train->yb == NULL)
    {
      cv_train_free (train);
      return cv_error_set (err, CV_ERR_NOMEM, "Out of memory while preparing training.");
    }
  for (int i = 0; i < n; i++)
    train->order[i] = (uint32_t) i;
  *out = train;
  return CV_OK;
}

void
cv_train_set_lr (CvTrain *train, float lr)
{
  if (train == NULL)
    return;
  cv_opt_set_lr (train->opt, lr);
  train->cfg.opt.lr = lr;
}

float cv_train_get_lr (const CvTrain *train) { return train != NULL ? train->cfg.opt.lr : 0.0f; }
int cv_train_epoch_index (const CvTrain *train) { return train != NULL ? train->epoch : 0; }

void
cv_train_set_augment (CvTrain *train, CvAugmentFn fn, void *user)
{
  if (train == NULL)
    return;
  train->augment = fn;
  train->augment_user = user;
}

int
cv_train_batches_per_epoch (const CvTrain *train)
{
  if (train == NULL)
    return 0;
  return (train->n + train->cfg.batch - 1) / train->cfg.batch;
}

static int
argmax_row (const float *p, int classes)
{
  int best = 0;
  for (int c = 1; c < classes; c++)
    if (p[c] > p[best])
      best = c;
  return best;
}

/* What each part reports; part p writes slot p only. */
typedef struct {
  CvStatus status;
  double   loss;       /* summed over the part's samples */
  int      correct;
} PartResult;

typedef struct {
  CvTrain    *train;
  int         nb, parts, lanes;
  PartResult *result;  /* [parts] */
} PartsJob;

static int
correct_of (const CvNet *net, const uint8_t *labels, int n)
{
  const float *p = cv_net_output (net);
  int classes = cv_net_n_classes (net);
  int correct = 0;
  for (int s = 0; s < n; s++)
    correct += argmax_row (p + (size_t) s * classes, classes) == labels[s];
  return correct;
}

/* Lanes [l0, l1): lane t runs parts t, t + lanes, … one after the other on
 * replica t, each part's gradient into its own buffer. */
static int
lanes_share (const void *data, int l0, int l1, CvScratch *unused)
{
  (void) unused;
  const PartsJob *job = data;
  CvTrain *train = job->train;
  for (int t = l0; t < l1; t++)
    {
      CvNet *net = train->lane[t];
      for (int p = t; p < job->parts; p += job->lanes)
        {
          int s0 = part_start (job->nb, job->parts, p);
          int n = part_start (job->nb, job->parts, p + 1) - s0;
          const uint8_t *labels = train->yb + s0;
          PartResult *r = &job->result[p];
          r->status = cv_net_forward (net, train->xb + (size_t) s0 * train->sample, n);
          if (r->status != CV_OK)
            continue;
          r->loss = cv_ref_xent_loss (net->act[net->n_layers - 2], labels, n,
                                      net->spec.n_classes) * n;
          r->correct = correct_of (net, labels, n);
          if (!isfinite (r->loss))
            continue;   /* the step diverged: no gradient is needed */
          net->grads = p == 0 ? train->net->grads : train->part_grads[p];
          cv_net_zero_grads (net);
          r->status = cv_net_backward_part (net, labels, n, job->nb);
        }
      net->grads = NULL;   /* a replica owns none */
    }
  return 0;
}

typedef struct {
  float       *sum;          /* part 0's gradient, summed into in place */
  const float *grads[CV_MAX_PARTS];
  int          parts;
} SumJob;

/* sum[i] = ((g0[i] + g1[i]) + g2[i]) + …: the same order however it is cut. */
static int
sum_share (const void *data, int i0, int i1, CvScratch *unused)
{
  (void) unused;
  const SumJob *job = data;
  for (int i = i0; i < i1; i++)
    {
      float v = job->sum[i];
      for (int p = 1; p < job->parts; p++)
        v += job->grads[p][i];
      job->sum[i] = v;
    }
  return 0;
}

/* The forward and backward of a batch cut in parts; the loss and the
 * number of right guesses of the whole batch. Unless the loss is not
 * finite, the net's gradients are the parts' sum. */
static CvStatus
step_in_parts (CvTrain *train, int nb, int parts, float *loss, int *correct)
{
  CvNet *net = train->net;
  int threads = cv_net_get_threads (net);
  /* As many lanes as a full batch has parts, at most one per thread (the
   * last batch of an epoch may use fewer); threads beyond the lanes go to
   * the replicas' own products. */
  int full_parts = parts_of (train->cfg.batch);
  int team = threads < full_parts ? threads : full_parts;
  int lanes = team < parts ? team : parts;
  size_t np = cv_net_n_params (net);
  for (int t = 0; t < lanes; t++)
    {
      if (train->lane[t] == NULL && (train->lane[t] = cv_net_replica (net)) == NULL)
        return CV_ERR_NOMEM;
      cv_net_set_threads (train->lane[t], threads / team);
    }
  for (int p = 1; p < parts; p++)
    if (train->part_grads[p] == NULL
        && (train->part_grads[p] = malloc (sizeof (float) * (np > 0 ? np : 1))) == NULL)
      return CV_ERR_NOMEM;
  cv_scratch_set_threads (&train->team, team);
  /* The net's own input gradient is not this batch's. */
  net->backward_ok = 0;

  PartResult result[CV_MAX_PARTS];
  PartsJob job = { .train = train, .nb = nb, .parts = parts, .lanes = lanes, .result = result };
  (void) cv_parallel_for (&train->team, lanes, 1, 1, lanes_share, &job);
  double total = 0;
  *correct = 0;
  for (int p = 0; p < parts; p++)
    {
      if (result[p].status != CV_OK)
        return result[p].status;
      total += result[p].loss;
      *correct += result[p].correct;
    }
  *loss = (float) (total / nb);
  if (!isfinite (*loss))
    return CV_OK;

  SumJob sum = { .sum = cv_net_grads (net), .parts = parts };
  for (int p = 1; p < parts; p++)
    sum.grads[p] = train->part_grads[p];
  (void) cv_parallel_for (&train->team, (int) np, 64,
                          np * (size_t) parts >= CV_SHARE_MIN_FLOATS, sum_share, &sum);
  return CV_OK;
}

/* The forward and backward of a whole batch on the net itself. */
static CvStatus
step_whole (CvTrain *train, int nb, float *loss, int *correct)
{
  CvNet *net = train->net;
  CvStatus status = cv_net_forward (net, train->xb, nb);
  if (status != CV_OK)
    return status;
  *loss = cv_net_loss (net, train->yb, nb);
  *correct = correct_of (net, train->yb, nb);
  if (!isfinite (*loss))
    return CV_OK;
  cv_net_zero_grads (net);
  int input_grad = !net->no_input_grad;
  cv_net_set_input_grad (net, 0);
  status = cv_net_backward (net, train->yb, nb);
  cv_net_set_input_grad (net, input_grad);
  return status;
}

CvStatus
cv_train_step (CvTrain *train, CvBatchResult *res)
{
  if (train == NULL)
    return CV_ERR_ARG;
  CvNet *net = train->net;
  int batches = cv_train_batches_per_epoch (train);

  if (train->pos == 0)
    cv_rng_shuffle (&train->rng, train->order, (uint32_t) train->n);

  int start = train->pos * train->cfg.batch;
  int nb = train->n - start < train->cfg.batch ? train->n - start : train->cfg.batch;
  for (int s = 0; s < nb; s++)
    {
      uint32_t at = train->order[start + s];
      memcpy (train->xb + (size_t) s * train->sample, train->x + (size_t) at * train->sample,
              sizeof (float) * train->sample);
      train->yb[s] = train->y[at];
    }
  if (train->augment != NULL)
    train->augment (train->xb, nb, cv_net_input_shape (net), &train->rng, train->augment_user);

  float loss = NAN;
  int correct = 0;
  int parts = parts_of (nb);
  CvStatus status = parts > 1 ? step_in_parts (train, nb, parts, &loss, &correct)
                              : step_whole (train, nb, &loss, &correct);
  if (status != CV_OK)
    return status;
  if (!isfinite (loss))
    {
      /* No update: the parameters stay those of the last good step. */
      if (res != NULL)
        *res = (CvBatchResult) { loss, nb, 0, train->pos, batches, 0 };
      return CV_ERR_DIVERGED;
    }
  cv_opt_step (train->opt, cv_net_params (net), cv_net_grads (net));

  if (res != NULL)
    {
      res->loss = loss;
      res->n = nb;
      res->correct = correct;
      res->batch = train->pos;
      res->batches = batches;
      res->epoch_done = train->pos + 1 == batches;
    }
  if (++train->pos == batches)
    {
      train->pos = 0;
      train->epoch++;
    }
  return CV_OK;
}

CvStatus
cv_train_epoch (CvTrain *train, CvProgressFn progress, void *user, CvEpochResult *res)
{
  if (train == NULL)
    return CV_ERR_ARG;
  double loss_sum = 0;
  int n = 0, correct = 0;
  CvBatchResult br = { 0 };
  CvStatus status = CV_OK;

  do
    {
      status = cv_train_step (train, &br);
      if (status != CV_OK)
        break;
      loss_sum += (double) br.loss * br.n;
      n += br.n;
      correct += br.correct;
      /* Cancelling after the last batch has nothing left to stop. */
      if (progress != NULL && progress (user, br.batch, br.batches, br.loss) != 0
          && !br.epoch_done)
        {
          status = CV_ERR_CANCELLED;
          break;
        }
    }
  while (!br.epoch_done);

  if (res != NULL)
    {
      res->loss = n > 0 ? (float) (loss_sum / n) : 0.0f;
      res->accuracy = n > 0 ? (float) correct / (float) n : 0.0f;
      res->n = n;
    }
  return status;
}

CvStatus
cv_net_evaluate (CvNet *net, const float *x, const uint8_t *y, int n, int batch,
                 float *loss, float *accuracy, int *confusion)
{
  if (net == NULL || x == NULL || y == NULL || n <= 0 || batch <= 0)
    return CV_ERR_ARG;
  int classes = cv_net_n_classes (net);
  for (int i = 0; i < n; i++)
    if (y[i] >= classes)
      return CV_ERR_ARG;
  if (confusion != NULL)
    memset (confusion, 0, sizeof (int) * (size_t) classes * (size_t) classes);

  size_t sample = cv_shape_size (cv_net_input_shape (net));
  double loss_sum = 0;
  int correct = 0;
  for (int start = 0; start < n; start += batch)
    {
      int nb = n - start < batch ? n - start : batch;
      CvStatus status = cv_net_forward (net, x + (size_t) start * sample, nb);
      if (status != CV_OK)
        return status;
      loss_sum += (double) cv_net_loss (net, y + start, nb) * nb;
      const float *p = cv_net_output (net);
      for (int s = 0; s < nb; s++)
        {
          int guess = argmax_row (p + (size_t) s * classes, classes);
          correct += guess == y[start + s];
          if (confusion != NULL)
            confusion[y[start + s] * classes + guess]++;
        }
    }
  if (loss != NULL)
    *loss = (float) (loss_sum / n);
  if (accuracy != NULL)
    *accuracy = (float) correct / (float) n;
  return CV_OK;
}
