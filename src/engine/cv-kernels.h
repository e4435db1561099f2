/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-kernels.h — the engine's layer kernels (private to the engine and its
 * tests).
 *
 * Every layer has a plain reference implementation, written for reading,
 * compiled twice from cv-ref-impl.inc: once for float (cv_ref_*), which the
 * network may use, and once for double (cv_refd_*), which the gradient checks
 * use so that finite differences are not drowned by float rounding.
 *
 * Conventions, the same for every kernel:
 *   - outputs first, then inputs, then dimensions;
 *   - tensors are NHWC and contiguous; each argument names its shape;
 *   - forward writes its output;
 *   - backward ACCUMULATES parameter gradients (dk, db, dw) and WRITES the
 *     input gradient dx (which may be NULL when nobody needs it).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Dimensions of one Conv2D call. */
typedef struct {
  int n;           /* samples */
  int h, w, c;     /* input height, width, channels */
  int oh, ow, f;   /* output height, width, channels (filters) */
  int k;           /* kernel k×k */
  int s;           /* stride */
  int pt, pl;      /* top and left zero padding */
} CvConvDims;

/* Dimensions of one pooling call (no padding). */
typedef struct {
  int n;
  int h, w, c;
  int oh, ow;
  int k, s;
} CvPoolDims;

#define CV_REF_DECLARE(R, P)                                                    \
  void P##conv2d_forward (R *y, const R *x, const R *k, const R *b,             \
                          const CvConvDims *d);                                 \
  void P##conv2d_backward (R *dx, R *dk, R *db, const R *dy, const R *x,        \
                           const R *k, const CvConvDims *d);                    \
  void P##maxpool_forward (R *y, int32_t *argmax, const R *x,                   \
                           const CvPoolDims *d);                                \
  void P##maxpool_backward (R *dx, const R *dy, const int32_t *argmax,          \
                            const CvPoolDims *d);                               \
  void P##avgpool_forward (R *y, const R *x, const CvPoolDims *d);              \
  void P##avgpool_backward (R *dx, const R *dy, const CvPoolDims *d);           \
  void P##dense_forward (R *y, const R *x, const R *w, const R *b,              \
                         int n, int in, int out);                               \
  void P##dense_backward (R *dx, R *dw, R *db, const R *dy, const R *x,         \
                          const R *w, int n, int in, int out);                  \
  void P##relu_forward (R *y, const R *x, size_t count);                        \
  void P##relu_backward (R *dx, const R *dy, const R *y, size_t count);         \
  void P##softmax_forward (R *p, const R *z, int n, int classes);               \
  double P##xent_loss (const R *z, const uint8_t *labels, int n, int classes);  \
  void P##xent_backward (R *dz, const R *p, const uint8_t *labels, int n,       \
                         int batch, int classes);

/*
 * y  (n, oh, ow, f)      x  (n, h, w, c)      k (k, k, c, f)   b (f)
 * maxpool/avgpool: y (n, oh, ow, c), x (n, h, w, c), argmax (n, oh, ow, c)
 *   holds, per output, the index of the winning input within its sample.
 * dense: y (n, out), x (n, in), w (in, out), b (out)
 * softmax: p, z (n, classes); xent_loss is the mean over n of
 *   logsumexp(z) - z[label], computed stably in double.
 * xent_backward: dz = (p - onehot(label)) / batch for the n rows given,
 *   written: the gradient of the mean loss over a batch of `batch` samples
 *   (>= n) of which these are a part (batch = n: all of it).
 */
CV_REF_DECLARE (float, cv_ref_)
CV_REF_DECLARE (double, cv_refd_)

/* Plain loops that gain from 256-bit vectors get an AVX2 clone, picked by
 * the loader (GCC target_clones). Element-wise work without FMA contraction
 * rounds identically in both clones. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CV_VECTOR_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
#define CV_VECTOR_CLONES
#endif

/* ------------------------------------------------------------ fast kernels
 *
 * The network calls these. Conv2D runs on a GEMM that reads image patches
 * in place (cv_gather_gemm); Dense is one SGEMM. The GEMMs work on
 * cache-sized panels with a 6×16 micro-kernel, in portable C or with
 * AVX2+FMA when the CPU has it (chosen at run time). Workspace lives in a
 * CvScratch (and, per Conv2D layer, a CvConvCache) that grows once and is
 * reused, so no call allocates in the steady state.
 */
/* What a Conv2D reads its patches from (see cv-kernels.c): the padded input
 * and two index tables. The tables depend only on the dimensions, so they
 * are kept from call to call; the padded copy is redone by every forward
 * and reused by the backward that follows it, provided x (same pointer) was
 * not written in between — true inside a CvNet. */
typedef struct {
  float      *pad;      /* (n, hp, wp, c) the input with its zero border */
  size_t      pad_cap;  /* floats */
  ptrdiff_t  *tab;      /* (n·oh·ow) patch corners, then (k·k·c) offsets */
  size_t      tab_cap;
  CvConvDims  tab_d;    /* the dimensions the tables are for */
  int         tab_ok;
  const float *xp;      /* pad, or x itself when no padding is needed */
  const float *key_x;   /* the input xp holds */
  int         pad_ok;
} CvPatchCache;

/* Per Conv2D layer: patches of its input, and of its output gradient (the
 * stride-1 input gradient is a convolution of dy). */
typedef struct {
  CvPatchCache x;
  CvPatchCache dy;
} CvConvCache;

void cv_conv_cache_free (CvConvCache *cache);

typedef struct {
  float  *col;      /* (rows, k·k·c) patch gradients, or a flipped kernel */
  size_t  col_cap;  /* floats */
  float  *pa;       /* packed A panel (MC × KC) */
  float  *pb;       /* packed B panel (KC × NC) */
  float  *planar;   /* (n, f, hp, wp) a gradient made planar, for the narrow input gradient */
  size_t  planar_cap;  /* floats */
  CvConvCache tmp;  /* for calls without a cache of their own */
  int     threads;  /* how many threads a big GEMM may use; <= 1: this one only */
  struct CvPool *pool; /* the other threads, started by the first GEMM that splits */
} CvScratch;

/* Sets how many threads the GEMMs of calls with this scratch may use (1–8);
 * a pool already running with another count is stopped. */
void cv_scratch_set_threads (CvScratch *scratch, int threads);

/* The depth of the K slices the GEMMs sum separately (each element of C is
 * one FMA chain per slice, added to C at its end). Kernels that must give
 * the GEMM's bits without calling it sum in the same slices. */
#define CV_GEMM_KC 256

/* Below this many floats an element-wise pass is not worth sharing: waking
 * a thread costs more than the pass. */
#define CV_SHARE_MIN_FLOATS 65536

/* A share of some work: items [i0, i1), with the scratch of the thread that
 * runs it. Returns 0, or -1 on failure (out of memory). */
typedef int (*CvShareFn) (const void *job, int i0, int i1, CvScratch *scratch);

/* Runs fn over items [0, m): shared among the scratch's threads in chunks
 * whose bounds are multiples of align when worth_sharing and the scratch
 * has more than one thread, else as fn (job, 0, m, scratch) on this one.
 * fn must give the same result however [0, m) is cut. Returns -1 if any
 * share failed. */
int cv_parallel_for (CvScratch *scratch, int m, int align, int worth_sharing,
                     CvShareFn fn, const void *job);

void cv_scratch_free (CvScratch *scratch);   /* and stops its threads */

enum {
  CV_PATH_REFERENCE = 0,   /* the plain loops of cv-ref-impl.inc */
  CV_PATH_C = 1,           /* blocked SGEMM, portable C micro-kernel */
  CV_PATH_AVX2 = 2,        /* blocked SGEMM, AVX2+FMA micro-kernel */
  CV_PATH_AVX512 = 3,      /* the same with AVX-512F tiles for the products */
};

/* Which path the kernels take now: the best the CPU supports, unless a
 * test or benchmark pinned one with cv_kernels_force (-1: automatic).
 * cv_kernels_force is for single-threaded tests and benchmarks only. */
int  cv_kernels_path (void);
void cv_kernels_force (int path);
int  cv_kernels_best_path (void);

/* C (M×N, row stride ldc) += op(A) · op(B), op(A) M×K and op(B) K×N, where
 * op(X) is X (row-major, stride ld) or, if trans, Xᵀ. Returns -1 if the
 * workspace could not be allocated, else 0. `path` is CV_PATH_C or _AVX2. */
int cv_sgemm (int path, int trans_a, int trans_b, int m, int n, int k,
              const float *a, int lda, const float *b, int ldb,
              float *c, int ldc, CvScratch *scratch);

/* C (m×n) += A · op(B) where A is gathered: A[i, p] = x[rows[i] + cols[p]].
 * Conv2D's patch matrix is such a matrix (rows: where each output
 * position's patch starts, cols: where each patch element sits), so the
 * micro-kernel reads the image directly and nothing is packed or copied. */
int cv_gather_gemm (int path, int m, int n, int k, const float *x,
                    const ptrdiff_t *rows, const ptrdiff_t *cols,
                    int trans_b, const float *b, int ldb, float *c, int ldc,
                    CvScratch *scratch);

/* All return 0, or -1 if scratch memory could not be grown. */
/* `cache` may be NULL; with one, backward reuses forward's patch tables. */
int cv_conv2d_forward (float *y, const float *x, const float *k, const float *b,
                       const CvConvDims *d, CvScratch *scratch, CvConvCache *cache);
int cv_conv2d_backward (float *dx, float *dk, float *db, const float *dy,
                        const float *x, const float *k, const CvConvDims *d,
                        CvScratch *scratch, CvConvCache *cache);
void cv_maxpool_forward (float *y, int32_t *argmax, const float *x, const CvPoolDims *d);
void cv_maxpool_backward (float *dx, const float *dy, const int32_t *argmax, const CvPoolDims *d);
void cv_relu_forward (float *y, const float *x, size_t count);
void cv_relu_backward (float *dx, const float *dy, const float *y, size_t count);
int cv_dense_forward (float *y, const float *x, const float *w, const float *b,
                      int n, int in, int out, CvScratch *scratch);
int cv_dense_backward (float *dx, float *dw, float *db, const float *dy,
                       const float *x, const float *w, int n, int in, int out,
                       CvScratch *scratch);
