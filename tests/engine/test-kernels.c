/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-kernels.c — the fast kernels held to the reference.
 *
 * For every path this CPU has (portable C, AVX2+FMA), random shapes —
 * odd sizes, stride 1 to 3, same and valid, ragged GEMM edges — must give
 * what the reference loops give, up to float rounding of a different
 * summation order.
 */
#include <stdlib.h>
#include <string.h>

#include "test-engine.h"
#include "cv-kernels.h"

static float *
rand_buf (size_t n, CvRng *rng)
{
  float *a = malloc (sizeof (float) * (n > 0 ? n : 1));
  fill_uniform_f (a, n, rng, -1, 1);
  return a;
}

static double
max_abs (const float *a, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    m = fmax (m, fabs (a[i]));
  return m;
}

/* |fast - ref| <= 1e-4 · max(1, max |ref|), element by element. */
static void
assert_close (const float *fast, const float *ref, size_t n, const char *what)
{
  double tol = 1e-4 * fmax (1.0, max_abs (ref, n));
  for (size_t i = 0; i < n; i++)
    if (!(fabs ((double) fast[i] - ref[i]) <= tol))
      {
        print_error ("%s: element %zu: fast %.9g, reference %.9g\n", what, i, fast[i], ref[i]);
        fail ();
      }
}

static int
paths (int *out)
{
  int n = 0;
  for (int p = CV_PATH_C; p <= cv_kernels_best_path (); p++)
    out[n++] = p;
  return n;
}

/* ------------------------------------------------------------------ gemm */

static void
naive_gemm (int ta, int tb, int m, int n, int k, const float *a, int lda,
            const float *b, int ldb, float *c, int ldc)
{
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      {
        double s = 0;
        for (int p = 0; p < k; p++)
          s += (double) (ta ? a[(size_t) p * lda + i] : a[(size_t) i * lda + p])
               * (double) (tb ? b[(size_t) j * ldb + p] : b[(size_t) p * ldb + j]);
        c[(size_t) i * ldc + j] += (float) s;
      }
}

static void
test_sgemm (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 100);
  int ps[4], np = paths (ps);
  const int shapes[][3] = {
    { 1, 1, 1 }, { 6, 16, 9 }, { 7, 17, 5 }, { 5, 3, 300 }, { 97, 33, 257 },
    { 200, 8, 72 }, { 13, 1100, 20 }, { 64, 64, 64 }, { 2, 130, 513 },
  };
  CvScratch scratch = { 0 };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (int pi = 0; pi < np; pi++)
          {
            int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
            float *a = rand_buf ((size_t) (ta ? k : m) * lda, &rng);
            float *b = rand_buf ((size_t) (tb ? n : k) * ldb, &rng);
            float *c = rand_buf ((size_t) m * ldc, &rng);
            float *ref = malloc (sizeof (float) * (size_t) m * ldc);
            memcpy (ref, c, sizeof (float) * (size_t) m * ldc);
            naive_gemm (ta, tb, m, n, k, a, lda, b, ldb, ref, ldc);
            assert_int_equal (cv_sgemm (ps[pi], ta, tb, m, n, k, a, lda, b, ldb, c, ldc, &scratch), 0);
            assert_close (c, ref, (size_t) m * ldc, "sgemm");
            free (a); free (b); free (c); free (ref);
          }
  cv_scratch_free (&scratch);
}

/* One way of computing a product: a kernel path and a scratch (whose
 * thread count matters). */
typedef struct {
  int        path;
  CvScratch *scratch;
} Way;

/* An m × n × k product, packed (every transpose) and gathered (rows and
 * columns of a random image, B plain and transposed), computed each of the
 * `ways` ways from the same C: all must give the same bits as the first. */
static void
same_bits (int m, int n, int k, const Way *ways, int n_ways, CvRng *rng)
{
  const size_t nc = (size_t) m * n;
  float *c0 = rand_buf (nc, rng), *c[4];
  assert_true (n_ways <= 4);
  for (int w = 0; w < n_ways; w++)
    c[w] = malloc (sizeof (float) * nc);
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      {
        float *a = rand_buf ((size_t) m * k, rng), *b = rand_buf ((size_t) k * n, rng);
        int lda = ta ? m : k, ldb = tb ? k : n;
        for (int w = 0; w < n_ways; w++)
          {
            memcpy (c[w], c0, sizeof (float) * nc);
            assert_int_equal (cv_sgemm (ways[w].path, ta, tb, m, n, k, a, lda, b, ldb, c[w], n,
                                        ways[w].scratch), 0);
            assert_memory_equal (c[0], c[w], sizeof (float) * nc);
          }
        free (a);
        free (b);
      }
  size_t nx = (size_t) m + k + 64;
  float *x = rand_buf (nx, rng), *b = rand_buf ((size_t) k * n, rng);
  ptrdiff_t *rows = malloc (sizeof (ptrdiff_t) * m), *cols = malloc (sizeof (ptrdiff_t) * k);
  for (int i = 0; i < m; i++)
    rows[i] = (ptrdiff_t) cv_rng_below (rng, (uint32_t) m);
  for (int p = 0; p < k; p++)
    cols[p] = (ptrdiff_t) cv_rng_below (rng, (uint32_t) k + 64);
  for (int tb = 0; tb < 2; tb++)
    for (int w = 0; w < n_ways; w++)
      {
        memcpy (c[w], c0, sizeof (float) * nc);
        assert_int_equal (cv_gather_gemm (ways[w].path, m, n, k, x, rows, cols, tb, b,
                                          tb ? k : n, c[w], n, ways[w].scratch), 0);
        assert_memory_equal (c[0], c[w], sizeof (float) * nc);
      }
  free (x); free (b); free (rows); free (cols);
  for (int w = 0; w < n_ways; w++)
    free (c[w]);
  free (c0);
}

/* Threads split a product by rows of C (or, when it has too few rows, by
 * 16-column strips) and must not change a bit of it: ragged row counts,
 * narrow (n <= 8, the 8-row gathering tiles and their one-row tail) and wide
 * products, short ones (a batch of 32 through a dense layer, a first conv
 * layer's 25-row kernel gradient), every transpose, 1, 2 and 3 threads. */
static void
test_threads (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 400);
  int ps[4], np = paths (ps);
  const int shapes[][3] = {
    { 1001, 32, 72 }, { 2003, 8, 150 }, { 997, 5, 300 }, { 301, 40, 257 }, { 4096, 16, 25 },
    { 25, 32, 3000 }, { 32, 128, 800 }, { 32, 784, 128 }, { 9, 48, 2000 }, { 40, 40, 1000 },
  };
  CvScratch one = { 0 }, two = { 0 }, three = { 0 };
  cv_scratch_set_threads (&two, 2);
  cv_scratch_set_threads (&three, 3);
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int pi = 0; pi < np; pi++)
      {
        const Way ways[] = { { ps[pi], &one }, { ps[pi], &two }, { ps[pi], &three } };
        same_bits (shapes[s][0], shapes[s][1], shapes[s][2], ways, 3, &rng);
      }
  assert_non_null (two.pool);   /* the products above were split */
  cv_scratch_free (&one);
  cv_scratch_free (&two);
  cv_scratch_free (&three);
}

/* ---------------------------------------------------------------- conv2d */

static CvConvDims
dims (int n, int h, int w, int c, int f, int k, int s, int same)
{
  CvConvDims d = { .n = n, .h = h, .w = w, .c = c, .f = f, .k = k, .s = s };
  if (same)
    {
      d.oh = (h + s - 1) / s;
      d.ow = (w + s - 1) / s;
      int ph = (d.oh - 1) * s + k - h, pw = (d.ow - 1) * s + k - w;
      d.pt = ph > 0 ? ph / 2 : 0;
      d.pl = pw > 0 ? pw / 2 : 0;
    }
  else
    {
      d.oh = cv_conv_output_size (h, k, s, 0);
      d.ow = cv_conv_output_size (w, k, s, 0);
    }
  return d;
}

static void
check_conv (const CvConvDims *d, CvRng *rng, int path, CvScratch *scratch)
{
  size_t nx = (size_t) d->n * d->h * d->w * d->c, nk = (size_t) d->k * d->k * d->c * d->f;
  size_t ny = (size_t) d->n * d->oh * d->ow * d->f;
  float *x = rand_buf (nx, rng), *k = rand_buf (nk, rng), *b = rand_buf ((size_t) d->f, rng);
  float *dy = rand_buf (ny, rng);
  float *y_ref = malloc (sizeof (float) * ny), *y = malloc (sizeof (float) * ny);
  /* Gradients start non-zero: backward must add to them. */
  float *dk_ref = rand_buf (nk, rng), *db_ref = rand_buf ((size_t) d->f, rng);
  float *dk = malloc (sizeof (float) * nk), *db = malloc (sizeof (float) * d->f);
  memcpy (dk, dk_ref, sizeof (float) * nk);
  memcpy (db, db_ref, sizeof (float) * d->f);
  float *dx_ref = malloc (sizeof (float) * nx), *dx = rand_buf (nx, rng);

  cv_ref_conv2d_forward (y_ref, x, k, b, d);
  cv_ref_conv2d_backward (dx_ref, dk_ref, db_ref, dy, x, k, d);
  /* Backward reuses forward's tables through a cache; without one it
   * builds them itself, and must then get the same bits. */
  float *dk2 = malloc (sizeof (float) * nk), *db2 = malloc (sizeof (float) * d->f);
  float *dx2 = malloc (sizeof (float) * nx);
  memcpy (dk2, dk, sizeof (float) * nk);
  memcpy (db2, db, sizeof (float) * d->f);
  CvConvCache cache = { 0 };
  cv_kernels_force (path);
  assert_int_equal (cv_conv2d_forward (y, x, k, b, d, scratch, &cache), 0);
  assert_int_equal (cv_conv2d_backward (dx, dk, db, dy, x, k, d, scratch, &cache), 0);
  assert_int_equal (cv_conv2d_backward (dx2, dk2, db2, dy, x, k, d, scratch, NULL), 0);
  cv_kernels_force (-1);
  cv_conv_cache_free (&cache);
  assert_memory_equal (dk2, dk, sizeof (float) * nk);
  assert_memory_equal (db2, db, sizeof (float) * d->f);
  assert_memory_equal (dx2, dx, sizeof (float) * nx);
  free (dk2); free (db2); free (dx2);
  assert_close (y, y_ref, ny, "conv2d forward");
  assert_close (dk, dk_ref, nk, "conv2d dk");
  assert_close (db, db_ref, (size_t) d->f, "conv2d db");
  assert_close (dx, dx_ref, nx, "conv2d dx");

  free (x); free (k); free (b); free (dy); free (y_ref); free (y);
  free (dk_ref); free (db_ref); free (dk); free (db); free (dx_ref); free (dx);
}

static void
test_conv2d_fast (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 200);
  int ps[4], np = paths (ps);
  CvScratch scratch = { 0 };
  /* The layers of the built-in networks, at a small batch. */
  const CvConvDims fixed[] = {
    dims (2, 16, 16, 1, 8, 3, 1, 1), dims (2, 8, 8, 8, 16, 3, 1, 1),
    dims (1, 28, 28, 1, 32, 5, 1, 1), dims (1, 14, 14, 32, 64, 5, 1, 1),
    dims (1, 14, 14, 32, 64, 3, 1, 1),
    /* 8 input channels: the AVX-512 path's pixels-along-lanes gradient,
     * rows narrower and wider than 16 and a 5×5 kernel. */
    dims (2, 14, 14, 8, 16, 3, 1, 1), dims (2, 20, 37, 8, 4, 3, 1, 1),
    dims (1, 9, 17, 8, 10, 5, 1, 1),
  };
  for (int pi = 0; pi < np; pi++)
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
      check_conv (&fixed[i], &rng, ps[pi], &scratch);
  /* Random shapes: odd sizes, strides 1–3, same and valid. */
  for (int t = 0; t < 40; t++)
    {
      int k = 1 + (int) cv_rng_below (&rng, 5);
      int h = k + (int) cv_rng_below (&rng, 9), w = k + (int) cv_rng_below (&rng, 9);
      CvConvDims d = dims (1 + (int) cv_rng_below (&rng, 3), h, w,
                           1 + (int) cv_rng_below (&rng, 7), 1 + (int) cv_rng_below (&rng, 19),
                           k, 1 + (int) cv_rng_below (&rng, 3), (int) cv_rng_below (&rng, 2));
      for (int pi = 0; pi < np; pi++)
        check_conv (&d, &rng, ps[pi], &scratch);
    }
  cv_scratch_free (&scratch);
}

/* ----------------------------------------------------------------- dense */

static void
test_dense_fast (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 300);
  int ps[4], np = paths (ps);
  CvScratch scratch = { 0 };
  const int shapes[][3] = { { 1, 256, 32 }, { 3, 37, 5 }, { 32, 256, 32 }, { 32, 32, 3 },
                            { 5, 3136, 128 }, { 17, 100, 10 }, { 4, 1, 1 } };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int pi = 0; pi < np; pi++)
      {
        int n = shapes[s][0], in = shapes[s][1], out = shapes[s][2];
        float *x = rand_buf ((size_t) n * in, &rng), *w = rand_buf ((size_t) in * out, &rng);
        float *b = rand_buf ((size_t) out, &rng), *dy = rand_buf ((size_t) n * out, &rng);
        for (int i = 0; i < n * in; i += 3)
          x[i] = 0.0f;   /* as after a ReLU */
        float *y = malloc (sizeof (float) * n * out), *y_ref = malloc (sizeof (float) * n * out);
        float *dw_ref = rand_buf ((size_t) in * out, &rng), *db_ref = rand_buf ((size_t) out, &rng);
        float *dw = malloc (sizeof (float) * in * out), *db = malloc (sizeof (float) * out);
        memcpy (dw, dw_ref, sizeof (float) * in * out);
        memcpy (db, db_ref, sizeof (float) * out);
        float *dx = rand_buf ((size_t) n * in, &rng), *dx_ref = malloc (sizeof (float) * n * in);

        cv_ref_dense_forward (y_ref, x, w, b, n, in, out);
        cv_ref_dense_backward (dx_ref, dw_ref, db_ref, dy, x, w, n, in, out);
        cv_kernels_force (ps[pi]);
        assert_int_equal (cv_dense_forward (y, x, w, b, n, in, out, &scratch), 0);
        assert_int_equal (cv_dense_backward (dx, dw, db, dy, x, w, n, in, out, &scratch), 0);
        cv_kernels_force (-1);
        assert_close (y, y_ref, (size_t) n * out, "dense forward");
        assert_close (dw, dw_ref, (size_t) in * out, "dense dw");
        assert_close (db, db_ref, (size_t) out, "dense db");
        assert_close (dx, dx_ref, (size_t) n * in, "dense dx");
        free (x); free (w); free (b); free (dy); free (y); free (y_ref);
        free (dw_ref); free (db_ref); free (dw); free (db); free (dx); free (dx_ref);
      }
  cv_scratch_free (&scratch);
}

/* --------------------------------------------------------------- maxpool */

static void
test_maxpool_fast (void **state)
{
  CvRng rng;
  cv_rng_seed (&rng, 400);
  for (int t = 0; t < 30; t++)
    {
      int k = 1 + (int) cv_rng_below (&rng, 3), s = 1 + (int) cv_rng_below (&rng, 3);
      CvPoolDims d = { .n = 1 + (int) cv_rng_below (&rng, 3),
                       .h = k + (int) cv_rng_below (&rng, 8), .w = k + (int) cv_rng_below (&rng, 8),
                       .c = 1 + (int) cv_rng_below (&rng, 27), .k = k, .s = s };
      d.oh = cv_conv_output_size (d.h, k, s, 0);
      d.ow = cv_conv_output_size (d.w, k, s, 0);
      size_t nx = (size_t) d.n * d.h * d.w * d.c, ny = (size_t) d.n * d.oh * d.ow * d.c;
      float *x = malloc (sizeof (float) * nx);
      for (size_t i = 0; i < nx; i++)   /* few distinct values: many ties */
        x[i] = (float) cv_rng_below (&rng, 4);
      float *y = malloc (sizeof (float) * ny), *y_ref = malloc (sizeof (float) * ny);
      int32_t *a = malloc (sizeof (int32_t) * ny), *a_ref = malloc (sizeof (int32_t) * ny);
      cv_ref_maxpool_forward (y_ref, a_ref, x, &d);
      int ps[4], np = paths (ps);
      for (int pi = 0; pi < np; pi++)
        {
          cv_kernels_force (ps[pi]);
          cv_maxpool_forward (y, a, x, &d);
          cv_kernels_force (-1);
          assert_memory_equal (y, y_ref, sizeof (float) * ny);
          assert_memory_equal (a, a_ref, sizeof (int32_t) * ny);

          float *dy = rand_buf (ny, &rng);
          float *dx = rand_buf (nx, &rng), *dx_ref = malloc (sizeof (float) * nx);
          cv_ref_maxpool_backward (dx_ref, dy, a_ref, &d);
          cv_kernels_force (ps[pi]);
          cv_maxpool_backward (dx, dy, a, &d);
          cv_kernels_force (-1);
          assert_memory_equal (dx, dx_ref, sizeof (float) * nx);
          free (dy); free (dx); free (dx_ref);
        }
      free (x); free (y); free (y_ref); free (a); free (a_ref);
    }
}

/* ----------------------------------------------------------- whole network */

static void
test_net_fast (void **state)
{
  int ps[4], np = paths (ps);
  const char *specs[] = {
    cv_arch_spec ("shapes"),
    "13x11x3 conv6k3s2same relu conv5k2valid relu maxpool2s1 conv4k3same avgpool2 dense7 relu dense4 softmax",
  };
  for (size_t si = 0; si < 2; si++)
    {
      CvNet *ref = NULL;
      assert_int_equal (cv_net_new (specs[si], &ref, NULL), CV_OK);
      CvRng rng;
      cv_rng_seed (&rng, 500 + si);
      cv_net_init (ref, &rng);
      CvShape in = cv_net_input_shape (ref);
      int n = 5, classes = cv_net_n_classes (ref);
      float *x = rand_buf (cv_shape_size (in) * n, &rng);
      uint8_t y[5];
      for (int i = 0; i < n; i++)
        y[i] = (uint8_t) cv_rng_below (&rng, (uint32_t) classes);
      size_t np_ = cv_net_n_params (ref);

      cv_kernels_force (CV_PATH_REFERENCE);
      assert_int_equal (cv_net_forward (ref, x, n), CV_OK);
      cv_net_zero_grads (ref);
      assert_int_equal (cv_net_backward (ref, y, n), CV_OK);
      cv_kernels_force (-1);

      for (int pi = 0; pi < np; pi++)
        {
          CvNet *fast = cv_net_clone (ref);
          cv_kernels_force (ps[pi]);
          assert_int_equal (cv_net_forward (fast, x, n), CV_OK);
          cv_net_zero_grads (fast);
          assert_int_equal (cv_net_backward (fast, y, n), CV_OK);
          cv_kernels_force (-1);
          assert_close (cv_net_output (fast), cv_net_output (ref), (size_t) n * classes, "probabilities");
          assert_close (cv_net_grads (fast), cv_net_grads (ref), np_, "parameter gradients");
          assert_close (cv_net_input_grad (fast), cv_net_input_grad (ref), cv_shape_size (in) * n,
                        "input gradient");
          cv_net_free (fast);
        }
      free (x);
      cv_net_free (ref);
    }
}

/* The AVX-512 tiles keep every element of C one FMA chain over each KC
 * slice, as the AVX2 6 × 16 tile does, so the two paths agree bit for bit:
 * wide, ragged, narrow and short products, every transpose, gathered A. */
static void
test_avx512_same_bits (void **state)
{
  if (cv_kernels_best_path () < CV_PATH_AVX512)
    {
      print_message ("no AVX-512 on this CPU\n");
      skip ();
    }
  CvRng rng;
  cv_rng_seed (&rng, 512);
  const int shapes[][3] = {
    { 200, 64, 300 }, { 97, 48, 257 }, { 61, 40, 100 }, { 150, 32, 600 }, { 33, 16, 72 },
    { 45, 10, 90 }, { 70, 8, 130 }, { 13, 5, 40 }, { 32, 128, 784 }, { 130, 100, 513 },
  };
  CvScratch scratch = { 0 };
  const Way ways[] = { { CV_PATH_AVX2, &scratch }, { CV_PATH_AVX512, &scratch } };
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    same_bits (shapes[s][0], shapes[s][1], shapes[s][2], ways, 2, &rng);
  /* Whole convolutions, the 8-channel input gradient included. Its pixel
   * counts are multiples of 8: AVX2 sums the last rows of an 8-column
   * product, when fewer than 8 are left, one row at a time in four chains
   * (so there, and only there, the paths round differently). */
  const CvConvDims convs[] = {
    dims (2, 14, 14, 8, 16, 3, 1, 1), dims (2, 20, 37, 8, 4, 3, 1, 1),
    dims (2, 12, 17, 8, 10, 5, 1, 1), dims (2, 8, 8, 8, 16, 3, 1, 1),
    dims (2, 14, 14, 32, 64, 5, 1, 1),
  };
  for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++)
    {
      const CvConvDims *d = &convs[i];
      size_t nx = (size_t) d->n * d->h * d->w * d->c, ny = (size_t) d->n * d->oh * d->ow * d->f;
      size_t nk = (size_t) d->k * d->k * d->c * d->f;
      float *x = rand_buf (nx, &rng), *k = rand_buf (nk, &rng), *b = rand_buf ((size_t) d->f, &rng);
      float *dy = rand_buf (ny, &rng), *out[2][4];
      for (int v = 0; v < 2; v++)
        {
          out[v][0] = malloc (sizeof (float) * ny);
          out[v][1] = malloc (sizeof (float) * nx);
          out[v][2] = calloc (nk, sizeof (float));
          out[v][3] = calloc ((size_t) d->f, sizeof (float));
          cv_kernels_force (v == 0 ? CV_PATH_AVX2 : CV_PATH_AVX512);
          assert_int_equal (cv_conv2d_forward (out[v][0], x, k, b, d, &scratch, NULL), 0);
          assert_int_equal (cv_conv2d_backward (out[v][1], out[v][2], out[v][3], dy, x, k, d,
                                                &scratch, NULL), 0);
          cv_kernels_force (-1);
        }
      assert_memory_equal (out[0][0], out[1][0], sizeof (float) * ny);
      assert_memory_equal (out[0][1], out[1][1], sizeof (float) * nx);
      assert_memory_equal (out[0][2], out[1][2], sizeof (float) * nk);
      assert_memory_equal (out[0][3], out[1][3], sizeof (float) * d->f);
      for (int v = 0; v < 2; v++)
        for (int a = 0; a < 4; a++)
          free (out[v][a]);
      free (x); free (k); free (b); free (dy);
    }
  cv_scratch_free (&scratch);
}

int
main (int argc, char **argv)
{
  print_message ("kernel paths up to %d\n", cv_kernels_best_path ());
  const struct CMUnitTest tests[] = {
    CV_TEST ("engine/kernels/sgemm", test_sgemm),
    CV_TEST ("engine/kernels/threads", test_threads),
    CV_TEST ("engine/kernels/avx512-same-bits", test_avx512_same_bits),
    CV_TEST ("engine/kernels/conv2d", test_conv2d_fast),
    CV_TEST ("engine/kernels/dense", test_dense_fast),
    CV_TEST ("engine/kernels/maxpool", test_maxpool_fast),
    CV_TEST ("engine/kernels/network", test_net_fast),
  };
  return CV_TEST_MAIN ("engine/kernels", tests);
}
