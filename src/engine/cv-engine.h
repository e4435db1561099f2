/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-engine.h — the Convolve CNN engine: pure C11 + libm.
 *
 * No GLib, no GTK. The engine never prints, never exits and never aborts on
 * bad input: every fallible call returns a CvStatus and, where a person must
 * read what went wrong, fills a CvError with one plain sentence.
 *
 * Tensors are float, NHWC ([N, H, W, C]), contiguous. A network owns its
 * activations, its parameters and their gradients; the caller owns inputs.
 *
 * Conv2D is cross-correlation, as in every deep-learning framework:
 *   Y[n, i, j, f] = sum_{m, q, c} X[n, i*s + m - p, j*s + q - p, c] * K[m, q, c, f] + b[f]
 * (kernel stored as [kh, kw, c_in, c_out]; p is the top/left padding).
 * Backward accumulates the shared kernel's gradient over every position:
 *   dL/dK[m, q, c, f] += sum_{n, i, j} dL/dY[n, i, j, f] * X[n, i*s + m - p, j*s + q - p, c]
 *
 * Thread safety: a CvNet is used by one thread at a time. To predict on one
 * thread while another trains, give each thread its own CvNet built from the
 * same spec and copy parameters between them with cv_net_copy_params().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- status */

typedef enum {
  CV_OK = 0,
  CV_ERR_NOMEM,       /* an allocation failed */
  CV_ERR_ARG,         /* an argument is out of range (batch <= 0, NULL, …) */
  CV_ERR_SPEC,        /* the network spec cannot be parsed */
  CV_ERR_SHAPE,       /* the spec parses but a layer does not fit its input */
  CV_ERR_TRUNCATED,   /* model bytes end early */
  CV_ERR_MAGIC,       /* not model bytes at all (foreign file) */
  CV_ERR_VERSION,     /* model bytes of a format version we do not read */
  CV_ERR_CHECKSUM,    /* model bytes damaged: checksum mismatch */
  CV_ERR_CORRUPT,     /* model bytes inconsistent (lengths, counts, names) */
  CV_ERR_CANCELLED,   /* a progress callback asked to stop */
  CV_ERR_DIVERGED,    /* the loss became NaN or infinite */
} CvStatus;

/* One plain-English sentence; callers translate or wrap it. */
typedef struct {
  CvStatus status;
  char message[256];
} CvError;

/* A stable identifier for the status ("truncated", "checksum", …). */
const char *cv_status_name (CvStatus status);

/* ------------------------------------------------------------------- RNG */

/* xoshiro256** seeded through splitmix64. A value, passed in: no globals. */
typedef struct {
  uint64_t s[4];
} CvRng;

void     cv_rng_seed    (CvRng *rng, uint64_t seed);
uint64_t cv_rng_u64     (CvRng *rng);
uint32_t cv_rng_below   (CvRng *rng, uint32_t n);   /* uniform in [0, n), n > 0 */
float    cv_rng_uniform (CvRng *rng);               /* uniform in [0, 1) */
float    cv_rng_normal  (CvRng *rng);               /* standard normal */
void     cv_rng_shuffle (CvRng *rng, uint32_t *items, uint32_t n);

/* ---------------------------------------------------------------- shapes */

typedef struct {
  int h, w, c;
} CvShape;

static inline size_t
cv_shape_size (CvShape s)
{
  return (size_t) s.h * (size_t) s.w * (size_t) s.c;
}

/* ---------------------------------------------------------------- layers */

typedef enum {
  CV_LAYER_CONV2D,
  CV_LAYER_MAXPOOL,
  CV_LAYER_AVGPOOL,
  CV_LAYER_FLATTEN,
  CV_LAYER_DENSE,
  CV_LAYER_RELU,
  CV_LAYER_SOFTMAX,   /* always last; fused with cross-entropy in training */
} CvLayerKind;

typedef struct {
  CvLayerKind kind;
  CvShape     in;           /* per-sample input shape */
  CvShape     out;          /* per-sample output shape */
  int         size;         /* Conv2D/pool: kernel k (k×k); Dense: units */
  int         stride;       /* Conv2D/pool */
  int         pad_same;     /* Conv2D: 1 = same, 0 = valid */
  int         pad_top;      /* Conv2D: top/left padding actually applied */
  int         pad_left;
  int         filters;      /* Conv2D: output channels */
  size_t      n_params;     /* weights + biases (0 for parameter-free layers) */
  size_t      param_offset; /* where this layer's weights start in the arena */
  size_t      bias_offset;  /* where its biases start in the arena */
} CvLayerInfo;

/* Parameter layout in the arena, per layer: weights at param_offset, then
 * biases at bias_offset. Conv2D weights are [kh, kw, c_in, c_out]; Dense
 * weights are [in, out] (in = the flattened NHWC input). */

/* Human name of a kind: "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten",
 * "Dense", "ReLU", "Softmax". */
const char *cv_layer_kind_name (CvLayerKind kind);

/* --------------------------------------------------------------- network */

typedef struct CvNet CvNet;

/*
 * Spec grammar (whitespace-separated tokens, case-insensitive):
 *   HxWxC            input shape, first token, e.g. 16x16x1
 *   conv<F>k<K>[s<S>][same|valid]   Conv2D: F filters, K×K, stride S (1),
 *                                   padding same or valid (default same)
 *   maxpool<K>[s<S>] | pool<K>[s<S>]  max pooling K×K, stride S (default K)
 *   avgpool<K>[s<S>]                  average pooling
 *   flatten
 *   dense<N>                          fully connected, N units (flattens a
 *                                     3-D input implicitly)
 *   relu
 *   softmax                           the last token; required
 * Example:
 *   16x16x1 conv8k3same relu maxpool2 conv16k3same relu maxpool2 flatten
 *   dense32 relu dense3 softmax
 */
CvStatus cv_net_new (const char *spec, CvNet **out, CvError *err);
void     cv_net_free (CvNet *net);

/* A new net with the same spec and a copy of the parameters. */
CvNet   *cv_net_clone (const CvNet *net);

/* The canonical spec (normalised tokens), owned by the net. */
const char        *cv_net_spec        (const CvNet *net);
int                cv_net_n_layers    (const CvNet *net);
const CvLayerInfo *cv_net_layer       (const CvNet *net, int index);
CvShape            cv_net_input_shape (const CvNet *net);
int                cv_net_n_classes   (const CvNet *net);
size_t             cv_net_n_params    (const CvNet *net);

/* The parameter arena: every weight in one buffer (see CvLayerInfo offsets);
 * gradients use the same layout. */
float       *cv_net_params (CvNet *net);
const float *cv_net_params_const (const CvNet *net);
float       *cv_net_grads  (CvNet *net);
void         cv_net_zero_grads (CvNet *net);

/* Copy every parameter from src to dst; both must have the same spec. */
CvStatus cv_net_copy_params (CvNet *dst, const CvNet *src);

/* He-normal init for layers followed by ReLU, Glorot-uniform otherwise;
 * biases zero. Deterministic for a given rng state. */
void cv_net_init (CvNet *net, CvRng *rng);

/* Built-in architectures: "shapes", "digits-small", "lenet", "digits".
 * Returns the spec, or NULL for an unknown name. */
const char        *cv_arch_spec  (const char *name);
const char *const *cv_arch_names (void);   /* NULL-terminated */

/* The output-size formula (H - k + 2p) / s + 1 for an input of `in`, a
 * kernel k, stride s and padding p on each side; 0 if the kernel does not
 * fit. (Spec layers: valid is p = 0; same gives ceil(H / s), padding
 * top/left by half of what it needs, rounded down, as TensorFlow does.)
 * Error messages number layers from 1, not counting the input shape;
 * cv_net_layer() indexes them from 0. */
int cv_conv_output_size (int in, int k, int stride, int pad);

/* ------------------------------------------------------- forward/backward */

/* Runs the network on n samples x (n, H, W, C). Allocates activations for up
 * to n samples on first use (and grows them). Returns CV_ERR_NOMEM or
 * CV_ERR_ARG; on success the output probabilities are in cv_net_output(). */
CvStatus cv_net_forward (CvNet *net, const float *x, int n);

/* (n, classes) softmax probabilities of the last forward. */
const float *cv_net_output (const CvNet *net);

/* Output of layer `index` for the last forward: (n, out.h, out.w, out.c). */
const float *cv_net_activation (const CvNet *net, int index);

/* Mean cross-entropy of the last forward against labels[n]. */
float cv_net_loss (const CvNet *net, const uint8_t *labels, int n);

/* Backpropagates mean cross-entropy of the last forward; ACCUMULATES into
 * the parameter gradients (call cv_net_zero_grads first). */
CvStatus cv_net_backward (CvNet *net, const uint8_t *labels, int n);

/* Gradient of the loss with respect to the input of the last backward:
 * (n, H, W, C). For gradient checks and saliency views. */
const float *cv_net_input_grad (const CvNet *net);

/* Whether cv_net_backward computes the input gradient (default 1). Training
 * turns it off for its own steps: nothing reads it and it costs a pass. */
void cv_net_set_input_grad (CvNet *net, int enabled);

/* Single image convenience: probs[classes]. */
CvStatus cv_net_predict (CvNet *net, const float *x, float *probs);

/* ------------------------------------------------------------ optimizers */

typedef enum {
  CV_OPT_ADAM,
  CV_OPT_SGD,   /* with momentum */
} CvOptKind;

typedef struct {
  CvOptKind kind;
  float     lr;
  float     momentum;      /* SGD */
  float     beta1, beta2;  /* Adam */
  float     eps;           /* Adam */
  float     weight_decay;  /* L2, added to the gradient; 0 = off */
} CvOptConfig;

void cv_opt_config_default (CvOptConfig *cfg, CvOptKind kind);

typedef struct CvOptimizer CvOptimizer;

CvOptimizer *cv_opt_new  (const CvOptConfig *cfg, size_t n_params);
void         cv_opt_free (CvOptimizer *opt);
void         cv_opt_set_lr (CvOptimizer *opt, float lr);
float        cv_opt_get_lr (const CvOptimizer *opt);
/* One update: params -= f(grads). A flat loop over the arena. */
void         cv_opt_step (CvOptimizer *opt, float *params, const float *grads);

/* -------------------------------------------------------------- training */

typedef struct {
  CvOptConfig opt;
  int         batch;        /* samples per batch, > 0 */
  uint64_t    seed;         /* shuffling and augmentation */
} CvTrainConfig;

void cv_train_config_default (CvTrainConfig *cfg);

/* Applied to each gathered batch in place before the forward pass. */
typedef void (*CvAugmentFn) (float *x, int n, CvShape shape, CvRng *rng, void *user);

/* Called after every batch; return non-zero to stop (cancel). */
typedef int (*CvProgressFn) (void *user, int batch, int batches, float loss);

typedef struct {
  float loss;       /* mean loss of the batch */
  int   n;          /* samples in the batch */
  int   correct;    /* argmax == label */
  int   batch;      /* index of this batch in the epoch, 0-based */
  int   batches;    /* batches per epoch */
  int   epoch_done; /* this was the epoch's last batch */
} CvBatchResult;

typedef struct {
  float loss;       /* mean over the epoch's samples */
  float accuracy;   /* 0..1 on the training samples, as trained (augmented) */
  int   n;
} CvEpochResult;

typedef struct CvTrain CvTrain;

/* x (n, H, W, C) and y[n] are borrowed and must outlive the CvTrain. The net
 * is borrowed too: training updates its parameters in place. */
CvStatus cv_train_new (CvNet *net, const CvTrainConfig *cfg,
                       const float *x, const uint8_t *y, int n,
                       CvTrain **out, CvError *err);
void     cv_train_free (CvTrain *train);
void     cv_train_set_lr (CvTrain *train, float lr);
float    cv_train_get_lr (const CvTrain *train);
void     cv_train_set_augment (CvTrain *train, CvAugmentFn fn, void *user);
int      cv_train_batches_per_epoch (const CvTrain *train);
int      cv_train_epoch_index (const CvTrain *train);   /* epochs completed */

/* One batch (shuffling at the start of each epoch). CV_ERR_DIVERGED if the
 * loss is not finite, in which case no update is applied. After CV_OK the
 * net's gradients are the batch's (after an error or CV_ERR_DIVERGED they
 * are unspecified); its activations and input gradient are not the
 * batch's (a batch of more than 16 runs in parts on replicas of the net). */
CvStatus cv_train_step (CvTrain *train, CvBatchResult *res);

/* The rest of the current epoch, batch by batch; the progress callback may
 * cancel between batches (CV_ERR_CANCELLED, the epoch stays unfinished). */
CvStatus cv_train_epoch (CvTrain *train, CvProgressFn progress, void *user,
                         CvEpochResult *res);

/* Loss, accuracy and (optionally) a classes×classes confusion matrix
 * (row = true label, column = prediction), batch by batch. */
CvStatus cv_net_evaluate (CvNet *net, const float *x, const uint8_t *y, int n,
                          int batch, float *loss, float *accuracy,
                          int *confusion);

/* ----------------------------------------------------------- model bytes */

/* How an image becomes this model's input. */
typedef struct {
  int   box;            /* fit the ink's longer side into box×box (0: no crop, plain resize) */
  int   center_of_mass; /* 1: centre by centre of mass, 0: by bounding box */
  int   deskew;         /* 1: deskew by image moments */
  float mean, scale;    /* model input = (pixel in 0..1, ink = 1) - mean) * scale */
} CvInputSpec;

typedef struct {
  char       *spec;          /* canonical network spec */
  int         n_classes;
  char      **class_names;   /* n_classes UTF-8 strings */
  CvInputSpec input;
} CvModelInfo;

void cv_model_info_clear (CvModelInfo *info);

/*
 * Format (little-endian): magic "CVMODEL1" (8 bytes), u32 version, u32 flags,
 * then length-prefixed sections (spec, class names, input spec, parameters),
 * then a CRC-32 of everything before it. The reader checks every length
 * against the bytes that remain before it allocates anything.
 */
/* cv_model_to_bytes writes the net's own canonical spec (info->spec is not
 * read); info may be NULL, giving class names "0", "1", … and the input
 * spec { 0, 0, 0, 0.0, 1.0 }. Class names must be at most 256 bytes. The
 * reader fills info with copies (free with cv_model_info_clear); names are
 * checked to be UTF-8. Either output may be NULL. */
CvStatus cv_model_to_bytes   (const CvNet *net, const CvModelInfo *info,
                              uint8_t **bytes, size_t *len);  /* free() the bytes */
CvStatus cv_model_from_bytes (const uint8_t *bytes, size_t len,
                              CvNet **net, CvModelInfo *info, CvError *err);

/* Threads: how many a net's big matrix products may use (1–8; default 1,
 * one thread, the caller's). Products are split by rows of their result, so
 * every number is computed exactly as with one thread: results are
 * bit-identical for any count. A training step cuts a batch of more than 16
 * samples into parts (of at most 16, or an eighth of the batch beyond 128)
 * whatever the count, their gradients summed in order, and runs the parts
 * side by side on these threads (their workers stop in cv_train_free). The
 * net's workers start with the first product big
 * enough to split and stop in cv_net_free (or when the count changes). Small
 * products — single-image predictions of the small networks — stay on the
 * caller's thread. A net is still used by one thread at a time. */
void cv_net_set_threads (CvNet *net, int n);
int  cv_net_get_threads (const CvNet *net);

#ifdef __cplusplus
}
#endif
