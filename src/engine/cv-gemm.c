/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-gemm.c — a cache-blocked single-precision GEMM, C += op(A) · op(B).
 *
 * The classic layered scheme (Goto; BLIS):
 *
 *   for each KC-deep slice of K:
 *     pack op(B)[slice, :] into NR-wide column strips      (pb: KC × NC)
 *     for each MC-tall block of rows of op(A):
 *       pack op(A)[block, slice] into MR-tall row strips   (pa: MC × KC)
 *       for each strip pair: the micro-kernel adds an MR × NR tile of C
 *
 * Packing takes care of transposes and ragged edges (padded with zeros), so
 * one micro-kernel serves every case. The micro-kernel keeps its 6 × 16
 * tile of C in registers while it walks K: in portable C, or with AVX2+FMA
 * (12 ymm accumulators) when the CPU has them. A B operand exactly 8 or 16
 * wide is read in place, unpacked.
 *
 * cv_gather_gemm is the same with A never packed: its micro-kernels read
 * A[r, p] = x[rows[r] + cols[p]] straight from memory, which is how Conv2D
 * multiplies by its patch matrix without building it.
 *
 * Summation order is fixed by the blocking, so results are reproducible on
 * one machine and one path; the paths differ from each other (FMA rounds
 * once) by float rounding only.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cv-kernels.h"

static void pool_free (struct CvPool *pool);

#define MR 6
#define NR 16
#define KC CV_GEMM_KC
#define MC 96     /* multiple of MR: pa is 96 × 256 floats = 96 KiB */
#define NC 1024   /* multiple of NR: pb is 256 × 1024 floats = 1 MiB */

static float *
alloc_aligned (size_t floats)
{
  size_t bytes = (floats * sizeof (float) + 63) & ~(size_t) 63;
  return aligned_alloc (64, bytes);
}

static int
ensure_panels (CvScratch *s)
{
  if (s->pa == NULL)
    s->pa = alloc_aligned ((size_t) MC * KC);
  if (s->pb == NULL)
    s->pb = alloc_aligned ((size_t) KC * NC);
  return s->pa != NULL && s->pb != NULL ? 0 : -1;
}

void
cv_scratch_free (CvScratch *s)
{
  pool_free (s->pool);
  free (s->col);
  free (s->planar);
  free (s->pa);
  free (s->pb);
  cv_conv_cache_free (&s->tmp);
  memset (s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- packing */

/* pa: strips of MR rows; within a strip, for each p, MR consecutive values. */
static void
pack_a (float *pa, int trans, const float *a, int lda, int i0, int mb, int p0, int kb)
{
  for (int s = 0; s < mb; s += MR)
    {
      int rows = mb - s < MR ? mb - s : MR;
      float *dst = pa + (size_t) s * kb;
      if (!trans)
        {
          for (int p = 0; p < kb; p++)
            {
              int r = 0;
              for (; r < rows; r++)
                dst[p * MR + r] = a[(size_t) (i0 + s + r) * lda + p0 + p];
              for (; r < MR; r++)
                dst[p * MR + r] = 0.0f;
            }
        }
      else
        {
          for (int p = 0; p < kb; p++)
            {
              const float *src = a + (size_t) (p0 + p) * lda + i0 + s;
              int r = 0;
              for (; r < rows; r++)
                dst[p * MR + r] = src[r];
              for (; r < MR; r++)
                dst[p * MR + r] = 0.0f;
            }
        }
    }
}

/* pb: strips of NR columns; within a strip, for each p, NR consecutive values. */
static void
pack_b (float *pb, int trans, const float *b, int ldb, int p0, int kb, int j0, int nb)
{
  for (int s = 0; s < nb; s += NR)
    {
      int cols = nb - s < NR ? nb - s : NR;
      float *dst = pb + (size_t) s * kb;
      if (!trans)
        {
          for (int p = 0; p < kb; p++)
            {
              const float *src = b + (size_t) (p0 + p) * ldb + j0 + s;
              int c = 0;
              for (; c < cols; c++)
                dst[p * NR + c] = src[c];
              for (; c < NR; c++)
                dst[p * NR + c] = 0.0f;
            }
        }
      else
        {
          for (int p = 0; p < kb; p++)
            {
              int c = 0;
              for (; c < cols; c++)
                dst[p * NR + c] = b[(size_t) (j0 + s + c) * ldb + p0 + p];
              for (; c < NR; c++)
                dst[p * NR + c] = 0.0f;
            }
        }
    }
}

/* ----------------------------------------------------------- micro-kernels
 *
 * Each adds an MR × NR tile to C: C[0..m, 0..n] += A (MR × kb) · B (kb × NR),
 * B row p at pb + p·ldb (ldb = NR when packed; a caller's own rows when B
 * needs no packing). When n <= 8 only the left half is computed and only
 * eight columns of B are read, which lets an 8-wide B go unpacked too.
 * The plain kernels take A packed (pa: MR values per p); the gathering ones
 * read A[r, p] = x[rows[r] + cols[p]] in place.
 */

/* The portable kernels work on 6 × 8 halves of the tile: 48 accumulators
 * fit the 16 vector registers of SSE2 or NEON, 96 would spill. */
static void
kernel_c (int kb, const float *pa, const float *pb, int ldb, float *c, int ldc, int m, int n)
{
  for (int half = 0; half < n; half += 8)
    {
      float acc[MR][8];
      memset (acc, 0, sizeof acc);
      for (int p = 0; p < kb; p++)
        {
          const float *bp = pb + (size_t) p * ldb + half;
          for (int r = 0; r < MR; r++)
            {
              float av = pa[p * MR + r];
              for (int col = 0; col < 8; col++)
                acc[r][col] += av * bp[col];
            }
        }
      int w = n - half < 8 ? n - half : 8;
      for (int r = 0; r < m; r++)
        for (int col = 0; col < w; col++)
          c[(size_t) r * ldc + half + col] += acc[r][col];
    }
}

static void
gather_c (int kb, const float *x, const ptrdiff_t *rows, const ptrdiff_t *cols,
          const float *pb, int ldb, float *c, int ldc, int m, int n)
{
  for (int half = 0; half < n; half += 8)
    {
      float acc[MR][8];
      memset (acc, 0, sizeof acc);
      for (int p = 0; p < kb; p++)
        {
          const float *bp = pb + (size_t) p * ldb + half;
          for (int r = 0; r < MR; r++)
            {
              float av = x[rows[r] + cols[p]];
              for (int col = 0; col < 8; col++)
                acc[r][col] += av * bp[col];
            }
        }
      int w = n - half < 8 ? n - half : 8;
      for (int r = 0; r < m; r++)
        for (int col = 0; col < w; col++)
          c[(size_t) r * ldc + half + col] += acc[r][col];
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/* Adds the tile (rows of 16, or of 8 if n <= 8) to C. */
__attribute__ ((target ("avx2,fma")))
static inline void
store_tile (float tile[MR][NR], float *c, int ldc, int m, int n)
{
  if (n == NR || n == 8)
    {
      for (int r = 0; r < m; r++)
        {
          float *cr = c + (size_t) r * ldc;
          _mm256_storeu_ps (cr, _mm256_add_ps (_mm256_loadu_ps (cr), _mm256_loadu_ps (tile[r])));
          if (n == NR)
            _mm256_storeu_ps (cr + 8, _mm256_add_ps (_mm256_loadu_ps (cr + 8),
                                                     _mm256_loadu_ps (tile[r] + 8)));
        }
      return;
    }
  for (int r = 0; r < m; r++)
    for (int col = 0; col < n; col++)
      c[(size_t) r * ldc + col] += tile[r][col];
}

/* C row r, eight columns, += v */
#define ADD_TO_C(r, v)                                                            \
  _mm256_storeu_ps (c + (size_t) (r) * ldc,                                       \
                    _mm256_add_ps (_mm256_loadu_ps (c + (size_t) (r) * ldc), v));

/* A_ROW(r) is the broadcast of A[r, p]; the body is shared by the packed
 * and the gathering kernel. Full tiles go straight to C. */
#define KERNEL_BODY_AVX2(A_ROW)                                                   \
  float tile[MR][NR];                                                             \
  if (n <= 8)                                                                     \
    {                                                                             \
      __m256 c0 = _mm256_setzero_ps (), c1 = _mm256_setzero_ps ();                \
      __m256 c2 = _mm256_setzero_ps (), c3 = _mm256_setzero_ps ();                \
      __m256 c4 = _mm256_setzero_ps (), c5 = _mm256_setzero_ps ();                \
      for (int p = 0; p < kb; p++)                                                \
        {                                                                         \
          __m256 b0 = _mm256_loadu_ps (pb + (size_t) p * ldb);                    \
          c0 = _mm256_fmadd_ps (A_ROW (0), b0, c0);                               \
          c1 = _mm256_fmadd_ps (A_ROW (1), b0, c1);                               \
          c2 = _mm256_fmadd_ps (A_ROW (2), b0, c2);                               \
          c3 = _mm256_fmadd_ps (A_ROW (3), b0, c3);                               \
          c4 = _mm256_fmadd_ps (A_ROW (4), b0, c4);                               \
          c5 = _mm256_fmadd_ps (A_ROW (5), b0, c5);                               \
        }                                                                         \
      if (m == MR && n == 8)                                                      \
        {                                                                         \
          ADD_TO_C (0, c0) ADD_TO_C (1, c1) ADD_TO_C (2, c2)                      \
          ADD_TO_C (3, c3) ADD_TO_C (4, c4) ADD_TO_C (5, c5)                      \
          return;                                                                 \
        }                                                                         \
      _mm256_storeu_ps (tile[0], c0); _mm256_storeu_ps (tile[1], c1);             \
      _mm256_storeu_ps (tile[2], c2); _mm256_storeu_ps (tile[3], c3);             \
      _mm256_storeu_ps (tile[4], c4); _mm256_storeu_ps (tile[5], c5);             \
      store_tile (tile, c, ldc, m, n);                                            \
      return;                                                                     \
    }                                                                             \
  __m256 c00 = _mm256_setzero_ps (), c01 = _mm256_setzero_ps ();                  \
  __m256 c10 = _mm256_setzero_ps (), c11 = _mm256_setzero_ps ();                  \
  __m256 c20 = _mm256_setzero_ps (), c21 = _mm256_setzero_ps ();                  \
  __m256 c30 = _mm256_setzero_ps (), c31 = _mm256_setzero_ps ();                  \
  __m256 c40 = _mm256_setzero_ps (), c41 = _mm256_setzero_ps ();                  \
  __m256 c50 = _mm256_setzero_ps (), c51 = _mm256_setzero_ps ();                  \
  for (int p = 0; p < kb; p++)                                                    \
    {                                                                             \
      __m256 b0 = _mm256_loadu_ps (pb + (size_t) p * ldb);                        \
      __m256 b1 = _mm256_loadu_ps (pb + (size_t) p * ldb + 8);                    \
      __m256 a;                                                                   \
      a = A_ROW (0); c00 = _mm256_fmadd_ps (a, b0, c00); c01 = _mm256_fmadd_ps (a, b1, c01); \
      a = A_ROW (1); c10 = _mm256_fmadd_ps (a, b0, c10); c11 = _mm256_fmadd_ps (a, b1, c11); \
      a = A_ROW (2); c20 = _mm256_fmadd_ps (a, b0, c20); c21 = _mm256_fmadd_ps (a, b1, c21); \
      a = A_ROW (3); c30 = _mm256_fmadd_ps (a, b0, c30); c31 = _mm256_fmadd_ps (a, b1, c31); \
      a = A_ROW (4); c40 = _mm256_fmadd_ps (a, b0, c40); c41 = _mm256_fmadd_ps (a, b1, c41); \
      a = A_ROW (5); c50 = _mm256_fmadd_ps (a, b0, c50); c51 = _mm256_fmadd_ps (a, b1, c51); \
    }                                                                             \
  if (m == MR && n == NR)                                                          \
    {                                                                             \
      ADD_TO_C (0, c00) ADD_TO_C (1, c10) ADD_TO_C (2, c20)                       \
      ADD_TO_C (3, c30) ADD_TO_C (4, c40) ADD_TO_C (5, c50)                       \
      c += 8;                                                                     \
      ADD_TO_C (0, c01) ADD_TO_C (1, c11) ADD_TO_C (2, c21)                       \
      ADD_TO_C (3, c31) ADD_TO_C (4, c41) ADD_TO_C (5, c51)                       \
      return;                                                                     \
    }                                                                             \
  _mm256_storeu_ps (tile[0], c00); _mm256_storeu_ps (tile[0] + 8, c01);           \
  _mm256_storeu_ps (tile[1], c10); _mm256_storeu_ps (tile[1] + 8, c11);           \
  _mm256_storeu_ps (tile[2], c20); _mm256_storeu_ps (tile[2] + 8, c21);           \
  _mm256_storeu_ps (tile[3], c30); _mm256_storeu_ps (tile[3] + 8, c31);           \
  _mm256_storeu_ps (tile[4], c40); _mm256_storeu_ps (tile[4] + 8, c41);           \
  _mm256_storeu_ps (tile[5], c50); _mm256_storeu_ps (tile[5] + 8, c51);           \
  store_tile (tile, c, ldc, m, n);

__attribute__ ((target ("avx2,fma")))
static void
kernel_avx2 (int kb, const float *pa, const float *pb, int ldb, float *c, int ldc, int m, int n)
{
#define A_PACKED(r) _mm256_broadcast_ss (pa + (size_t) p * MR + (r))
  KERNEL_BODY_AVX2 (A_PACKED)
#undef A_PACKED
}

__attribute__ ((target ("avx2,fma")))
static void
gather_avx2 (int kb, const float *x, const ptrdiff_t *rows, const ptrdiff_t *cols,
             const float *pb, int ldb, float *c, int ldc, int m, int n)
{
  const float *x0 = x + rows[0], *x1 = x + rows[1], *x2 = x + rows[2];
  const float *x3 = x + rows[3], *x4 = x + rows[4], *x5 = x + rows[5];
#define A_GATHER(r) _mm256_broadcast_ss (x##r + cols[p])
  KERNEL_BODY_AVX2 (A_GATHER)
#undef A_GATHER
}
#undef KERNEL_BODY_AVX2

/* For n <= 8 the 6 × 8 tile has only six independent FMA chains, fewer than
 * the FMA units' latency × throughput; eight rows keep them busy. */
__attribute__ ((target ("avx2,fma")))
static void
gather8_avx2 (int kb, const float *x, const ptrdiff_t *rows, const ptrdiff_t *cols,
              const float *pb, int ldb, float *c, int ldc, int m, int n)
{
  const float *x0 = x + rows[0], *x1 = x + rows[1], *x2 = x + rows[2], *x3 = x + rows[3];
  const float *x4 = x + rows[4], *x5 = x + rows[5], *x6 = x + rows[6], *x7 = x + rows[7];
  __m256 c0 = _mm256_setzero_ps (), c1 = _mm256_setzero_ps ();
  __m256 c2 = _mm256_setzero_ps (), c3 = _mm256_setzero_ps ();
  __m256 c4 = _mm256_setzero_ps (), c5 = _mm256_setzero_ps ();
  __m256 c6 = _mm256_setzero_ps (), c7 = _mm256_setzero_ps ();
  for (int p = 0; p < kb; p++)
    {
      ptrdiff_t o = cols[p];
      __m256 b0 = _mm256_loadu_ps (pb + (size_t) p * ldb);
      c0 = _mm256_fmadd_ps (_mm256_broadcast_ss (x0 + o), b0, c0);
      c1 = _mm256_fmadd_ps (_mm256_broadcast_ss (x1 + o), b0, c1);
      c2 = _mm256_fmadd_ps (_mm256_broadcast_ss (x2 + o), b0, c2);
      c3 = _mm256_fmadd_ps (_mm256_broadcast_ss (x3 + o), b0, c3);
      c4 = _mm256_fmadd_ps (_mm256_broadcast_ss (x4 + o), b0, c4);
      c5 = _mm256_fmadd_ps (_mm256_broadcast_ss (x5 + o), b0, c5);
      c6 = _mm256_fmadd_ps (_mm256_broadcast_ss (x6 + o), b0, c6);
      c7 = _mm256_fmadd_ps (_mm256_broadcast_ss (x7 + o), b0, c7);
    }
  if (m == 8 && n == 8)
    {
      ADD_TO_C (0, c0) ADD_TO_C (1, c1) ADD_TO_C (2, c2) ADD_TO_C (3, c3)
      ADD_TO_C (4, c4) ADD_TO_C (5, c5) ADD_TO_C (6, c6) ADD_TO_C (7, c7)
      return;
    }
  float tile[8][8];
  _mm256_storeu_ps (tile[0], c0); _mm256_storeu_ps (tile[1], c1);
  _mm256_storeu_ps (tile[2], c2); _mm256_storeu_ps (tile[3], c3);
  _mm256_storeu_ps (tile[4], c4); _mm256_storeu_ps (tile[5], c5);
  _mm256_storeu_ps (tile[6], c6); _mm256_storeu_ps (tile[7], c7);
  for (int r = 0; r < m; r++)
    {
      float *cr = c + (size_t) r * ldc;
      if (n == 8)
        _mm256_storeu_ps (cr, _mm256_add_ps (_mm256_loadu_ps (cr), _mm256_loadu_ps (tile[r])));
      else
        for (int col = 0; col < n; col++)
          cr[col] += tile[r][col];
    }
}

/* One row of C (n <= 8 columns) += A[row, ·] · B, p unrolled by four into
 * independent accumulators. */
__attribute__ ((target ("avx2,fma")))
static void
gather_row_avx2 (int kb, const float *x, ptrdiff_t row, const ptrdiff_t *cols,
                 const float *pb, int ldb, float *c, int n)
{
  const float *xr = x + row;
  __m256 a0 = _mm256_setzero_ps (), a1 = _mm256_setzero_ps ();
  __m256 a2 = _mm256_setzero_ps (), a3 = _mm256_setzero_ps ();
  int p = 0;
  for (; p + 4 <= kb; p += 4)
    {
      a0 = _mm256_fmadd_ps (_mm256_broadcast_ss (xr + cols[p]),
                            _mm256_loadu_ps (pb + (size_t) p * ldb), a0);
      a1 = _mm256_fmadd_ps (_mm256_broadcast_ss (xr + cols[p + 1]),
                            _mm256_loadu_ps (pb + (size_t) (p + 1) * ldb), a1);
      a2 = _mm256_fmadd_ps (_mm256_broadcast_ss (xr + cols[p + 2]),
                            _mm256_loadu_ps (pb + (size_t) (p + 2) * ldb), a2);
      a3 = _mm256_fmadd_ps (_mm256_broadcast_ss (xr + cols[p + 3]),
                            _mm256_loadu_ps (pb + (size_t) (p + 3) * ldb), a3);
    }
  for (; p < kb; p++)
    a0 = _mm256_fmadd_ps (_mm256_broadcast_ss (xr + cols[p]),
                          _mm256_loadu_ps (pb + (size_t) p * ldb), a0);
  __m256 sum = _mm256_add_ps (_mm256_add_ps (a0, a1), _mm256_add_ps (a2, a3));
  float out[8];
  _mm256_storeu_ps (out, sum);
  for (int col = 0; col < n; col++)
    c[col] += out[col];
}
#undef ADD_TO_C
#endif

/* op(B) is read in place when it is not transposed and its width is half a
 * micro-tile or a whole number of them: every strip the micro-kernel reads
 * is then NR (or 8) consecutive floats of a row, as in a packed panel, only
 * ldb apart instead of NR. Packing it would copy the same values in the same
 * order — the result is bit for bit the same — at the cost of a pass over B
 * for every block of rows (for a conv weight gradient, over the whole dy). */
static int
b_in_place (int trans_b, int n)
{
  return !trans_b && (n == 8 || n % NR == 0);
}

/* Column strip js of the B slice starting at bp (in place: its columns j0 +
 * js onwards; packed: the js-th NR-wide strip of kb rows). */
static inline const float *
b_strip (const float *bp, int direct, int j0, int js, int kb)
{
  return direct ? bp + j0 + js : bp + (size_t) js * kb;
}

#if defined(__x86_64__)
/* ---------------------------------------------------------------- AVX-512
 *
 * The same products on 512-bit registers, for the gathering GEMM (the
 * convolutions) and the packed one (dense layers). Their 32 registers hold
 * a 6 × 64 tile (24 accumulators, four 16-float strips of B, one broadcast),
 * or 6 × 32, or 12 × 16; on this project's benchmark machine they run twice
 * as many floating-point operations a cycle as AVX2.
 *
 * Every element of C is still one FMA chain over p, from zero, added to C at
 * the end of each KC slice — exactly what the 6 × 16 AVX2 tile does, so both
 * paths give the same bits (the narrow n <= 8 tiles, and gather_row_avx2's
 * four chains for the last rows of a narrow product, stay AVX2's own).
 *
 * ZN strips of 16 columns: strip q of B is bs[q] (row p at bs[q] + p·ldb);
 * the last strip may be ragged (packed B is zero-padded, so loading it whole
 * is safe), and only its first `last` columns reach C.
 */
/* Row `at` of the ZN strips of B into b[]; the last one masked. */
#define B_LOADS(at)                                                               \
  _Pragma ("GCC unroll 4")                                                        \
  for (int q = 0; q < ZN; q++)                                                    \
    b[q] = q < ZN - 1 ? _mm512_loadu_ps (bq[q] + (at)) : _mm512_maskz_loadu_ps (tail, bq[q] + (at));

__attribute__ ((target ("avx512f"), always_inline))
static inline void
tile_zmm (const int ROWS, const int ZN, int kb, const float *x, const ptrdiff_t *rows,
          const ptrdiff_t *cols, const float *pa, const float *const *bs, int ldb,
          float *c, int ldc, int m, int last)
{
  __m512 acc[12][4];
#pragma GCC unroll 12
  for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 4
    for (int q = 0; q < ZN; q++)
      acc[r][q] = _mm512_setzero_ps ();
  const float *bq[4] = { bs[0], ZN > 1 ? bs[1] : NULL, ZN > 2 ? bs[2] : NULL,
                         ZN > 3 ? bs[3] : NULL };
  /* The last strip is loaded under a mask of its columns: a B read in place
   * that is 8 wide ends 8 floats into the strip, and a masked-off lane is
   * never read. (A full mask costs nothing over a plain load.) */
  const __mmask16 tail = (__mmask16) ((1u << last) - 1u);
  if (x != NULL)
    {
      const float *xr[12];
#pragma GCC unroll 12
      for (int r = 0; r < ROWS; r++)
        xr[r] = x + rows[r];
      for (int p = 0; p < kb; p++)
        {
          const ptrdiff_t o = cols[p];
          const size_t at = (size_t) p * ldb;
          __m512 b[4];
          B_LOADS (at)
#pragma GCC unroll 12
          for (int r = 0; r < ROWS; r++)
            {
              __m512 a = _mm512_set1_ps (xr[r][o]);
#pragma GCC unroll 4
              for (int q = 0; q < ZN; q++)
                acc[r][q] = _mm512_fmadd_ps (a, b[q], acc[r][q]);
            }
        }
    }
  else
    for (int p = 0; p < kb; p++)
      {
        const size_t at = (size_t) p * ldb;
        __m512 b[4];
        B_LOADS (at)
#pragma GCC unroll 12
        for (int r = 0; r < ROWS; r++)
          {
            __m512 a = _mm512_set1_ps (pa[(size_t) p * ROWS + r]);
#pragma GCC unroll 4
            for (int q = 0; q < ZN; q++)
              acc[r][q] = _mm512_fmadd_ps (a, b[q], acc[r][q]);
          }
      }
#pragma GCC unroll 12
  for (int r = 0; r < ROWS; r++)
    {
      if (r >= m)
        break;
      float *cr = c + (size_t) r * ldc;
#pragma GCC unroll 4
      for (int q = 0; q < ZN; q++)
        {
          float *cq = cr + 16 * q;
          if (q < ZN - 1 || last == 16)
            _mm512_storeu_ps (cq, _mm512_add_ps (_mm512_loadu_ps (cq), acc[r][q]));
          else
            _mm512_mask_storeu_ps (cq, tail, _mm512_add_ps (_mm512_maskz_loadu_ps (tail, cq),
                                                            acc[r][q]));
        }
    }
}

/* The shapes the drivers use: 6 rows for 64 or 32 columns, 12 for 16. */
#define ZMM_TILE_FN(NAME, ROWS, ZN)                                                       \
  __attribute__ ((target ("avx512f")))                                                    \
  static void NAME (int kb, const float *x, const ptrdiff_t *rows, const ptrdiff_t *cols, \
                    const float *pa, const float *const *bs, int ldb, float *c, int ldc,  \
                    int m, int last)                                                      \
  {                                                                                       \
    tile_zmm (ROWS, ZN, kb, x, rows, cols, pa, bs, ldb, c, ldc, m, last);                 \
  }
ZMM_TILE_FN (tile_zmm_6x64, 6, 4)
ZMM_TILE_FN (tile_zmm_6x48, 6, 3)
ZMM_TILE_FN (tile_zmm_6x32, 6, 2)
ZMM_TILE_FN (tile_zmm_6x16, 6, 1)
ZMM_TILE_FN (tile_zmm_12x16, 12, 1)
#undef ZMM_TILE_FN
#undef B_LOADS

typedef void (*ZmmTileFn) (int kb, const float *x, const ptrdiff_t *rows, const ptrdiff_t *cols,
                           const float *pa, const float *const *bs, int ldb, float *c, int ldc,
                           int m, int last);

/* The next tile of C for `left` columns still to do: its 16-float strips
 * (the last one maybe ragged) and, for the gathering product, its rows
 * (twelve when one strip is all there is; the packed product's A panel
 * comes in strips of MR = 6). */
static int
zmm_tile (int left, int gathered, int *tile_rows, ZmmTileFn *fn)
{
  static const ZmmTileFn six[] = { tile_zmm_6x16, tile_zmm_6x32, tile_zmm_6x48, tile_zmm_6x64 };
  int strips = left > 48 ? 4 : (left + 15) / 16;
  *tile_rows = 6;
  *fn = six[strips - 1];
  if (strips == 1 && gathered)
    {
      *tile_rows = 12;
      *fn = tile_zmm_12x16;
    }
  return strips;
}

/* C[rows, j0 + [0, nb)] += A · (a KC slice of B), tile by tile. Either A is
 * gathered (x, rows, cols) or packed (pa, in strips of MR rows). */
static void
slice_avx512 (int kb, int m, int nb, const float *x, const ptrdiff_t *rows, const ptrdiff_t *cols,
              const float *pa, const float *bp, int direct, int j0, int ldbp,
              float *c, int ldc)
{
  for (int js = 0; js < nb;)
    {
      int tile_rows;
      ZmmTileFn fn;
      int strips = zmm_tile (nb - js, x != NULL, &tile_rows, &fn);
      const float *bs[4];
      for (int q = 0; q < strips; q++)
        bs[q] = b_strip (bp, direct, j0, js + 16 * q, kb);
      int last = nb - js - 16 * (strips - 1);
      if (last > 16)
        last = 16;
      for (int is = 0; is < m; is += tile_rows)
        {
          int mr = m - is < tile_rows ? m - is : tile_rows;
          ptrdiff_t tile[12];
          if (x != NULL)
            for (int r = 0; r < tile_rows; r++)
              tile[r] = rows[is + (r < mr ? r : mr - 1)];
          fn (kb, x, tile, cols, pa != NULL ? pa + (size_t) is * kb : NULL, bs, ldbp,
              c + (size_t) is * ldc + j0 + js, ldc, mr, last);
        }
      js += 16 * strips;
    }
}
#endif

/* ---------------------------------------------------------------- driver */

typedef void (*KernelFn) (int kb, const float *pa, const float *pb, int ldb, float *c, int ldc,
                          int m, int n);
typedef void (*GatherFn) (int kb, const float *x, const ptrdiff_t *rows, const ptrdiff_t *cols,
                          const float *pb, int ldb, float *c, int ldc, int m, int n);

static int
sgemm_serial (int path, int trans_a, int trans_b, int m, int n, int k,
              const float *a, int lda, const float *b, int ldb,
              float *c, int ldc, CvScratch *scratch)
{
  if (m <= 0 || n <= 0 || k <= 0)
    return 0;
  if (ensure_panels (scratch) != 0)
    return -1;

  KernelFn kernel = kernel_c;
#if defined(__x86_64__)
  if (path >= CV_PATH_AVX2)
    kernel = kernel_avx2;
#endif
  const int direct = b_in_place (trans_b, n);

  for (int j0 = 0; j0 < n; j0 += NC)
    {
      int nb = n - j0 < NC ? n - j0 : NC;
      for (int p0 = 0; p0 < k; p0 += KC)
        {
          int kb = k - p0 < KC ? k - p0 : KC;
          const float *bp = b + (size_t) p0 * ldb;
          int ldbp = ldb;
          if (!direct)
            {
              pack_b (scratch->pb, trans_b, b, ldb, p0, kb, j0, nb);
              bp = scratch->pb;
              ldbp = NR;
            }
          for (int i0 = 0; i0 < m; i0 += MC)
            {
              int mb = m - i0 < MC ? m - i0 : MC;
              pack_a (scratch->pa, trans_a, a, lda, i0, mb, p0, kb);
#if defined(__x86_64__)
              if (path == CV_PATH_AVX512)
                {
                  slice_avx512 (kb, mb, nb, NULL, NULL, NULL, scratch->pa, bp, direct, j0, ldbp,
                                c + (size_t) i0 * ldc, ldc);
                  continue;
                }
#endif
              for (int js = 0; js < nb; js += NR)
                for (int is = 0; is < mb; is += MR)
                  kernel (kb, scratch->pa + (size_t) is * kb, b_strip (bp, direct, j0, js, kb), ldbp,
                          c + (size_t) (i0 + is) * ldc + j0 + js, ldc,
                          mb - is < MR ? mb - is : MR, nb - js < NR ? nb - js : NR);
            }
        }
    }
  return 0;
}


static int
gather_gemm_serial (int path, int m, int n, int k, const float *x,
                    const ptrdiff_t *rows, const ptrdiff_t *cols,
                    int trans_b, const float *b, int ldb, float *c, int ldc,
                    CvScratch *scratch)
{
  if (m <= 0 || n <= 0 || k <= 0)
    return 0;
  if (ensure_panels (scratch) != 0)
    return -1;

  GatherFn kernel = gather_c;
#if defined(__x86_64__)
  if (path >= CV_PATH_AVX2)
    kernel = gather_avx2;
#endif
  const int direct = b_in_place (trans_b, n);

  for (int j0 = 0; j0 < n; j0 += NC)
    {
      int nb = n - j0 < NC ? n - j0 : NC;
      for (int p0 = 0; p0 < k; p0 += KC)
        {
          int kb = k - p0 < KC ? k - p0 : KC;
          const float *bp = b + (size_t) p0 * ldb;
          int ldbp = ldb;
          if (!direct)
            {
              pack_b (scratch->pb, trans_b, b, ldb, p0, kb, j0, nb);
              bp = scratch->pb;
              ldbp = NR;
            }
#if defined(__x86_64__)
          if (path >= CV_PATH_AVX2 && nb <= 8)
            {
              int is = 0;
              for (; is + 8 <= m; is += 8)
                gather8_avx2 (kb, x, rows + is, cols + p0, b_strip (bp, direct, j0, 0, kb), ldbp,
                              c + (size_t) is * ldc + j0,
                              ldc, 8, nb);
              /* A few rows left (a 3×3 kernel's gradient has 9): one at a
               * time with four chains over p, not a mostly empty 8-row tile. */
              for (; is < m; is++)
                gather_row_avx2 (kb, x, rows[is], cols + p0, b_strip (bp, direct, j0, 0, kb), ldbp,
                                 c + (size_t) is * ldc + j0, nb);
              continue;
            }
          if (path == CV_PATH_AVX512)
            {
              slice_avx512 (kb, m, nb, x, rows, cols + p0, NULL, bp, direct, j0, ldbp, c, ldc);
              continue;
            }
#endif
          for (int js = 0; js < nb; js += NR)
            for (int is = 0; is < m; is += MR)
              {
                int mr = m - is < MR ? m - is : MR;
                ptrdiff_t r6[MR];
                for (int r = 0; r < MR; r++)
                  r6[r] = rows[is + (r < mr ? r : mr - 1)];
                kernel (kb, x, r6, cols + p0, b_strip (bp, direct, j0, js, kb), ldbp,
                        c + (size_t) is * ldc + j0 + js, ldc, mr, nb - js < NR ? nb - js : NR);
              }
        }
    }
  return 0;
}

/* ---------------------------------------------------------------- threads
 *
 * A big GEMM is split by rows of C into chunks whose boundaries are
 * multiples of SPLIT_ALIGN. Every row of C is computed by the same
 * micro-kernel calls, over the same slices of K in the same order, as
 * without threads: rows of a tile never mix, and with the boundaries
 * multiples of 24 (of both 6 and 8) the 8-row tiles and the single-row tail
 * of the narrow gathering path fall on the same rows too. So the result is
 * bit-identical for any thread count, and whichever thread computes a chunk;
 * nothing needs reducing. Each thread packs its own B panel.
 *
 * The threads claim chunks from one counter, so when a worker is not
 * scheduled (the other core busy), the caller computes the chunks itself
 * and waits only for chunks already claimed. The counter is 64 bits:
 * generation (one per product) in the high half, next chunk in the low
 * half; a claim is a compare-and-swap on both, and a finished product's
 * ticket is closed (next chunk UINT32_MAX) before the next is written, so a
 * late worker can never claim a chunk of a product that is over. Workers are persistent: they
 * wait for the generation to move (spinning briefly, then on a condition
 * variable).
 */
#define SPLIT_ALIGN 24
#define SPLIT_MIN_FLOPS 1.5e6   /* 2·m·n·k below which one thread is faster */
#define MAX_THREADS 8
#define SPIN 200000

typedef CvShareFn ShareFn;

typedef struct {
  struct CvPool *pool;
  CvScratch      scratch;  /* its own panels */
} Worker;

struct CvPool {
  int              threads;
  Worker           workers[MAX_THREADS];
  pthread_t        tids[MAX_THREADS];
  int              started;
  pthread_mutex_t  mu;
  pthread_cond_t   go;
  pthread_cond_t   done_cond;
  atomic_uint_least64_t ticket;   /* generation << 32 | next chunk */
  atomic_int       done;          /* chunks finished in this generation */
  atomic_int       failed;
  int              quit;
  /* the product of this generation, written before its ticket */
  ShareFn          fn;
  const void      *job;
  int              m, chunk;
  atomic_int       n_chunks;
};

/* Claims and runs chunks of generation gen until none is left. */
static void
run_chunks (struct CvPool *pool, uint32_t gen, CvScratch *scratch)
{
  for (;;)
    {
      uint64_t t = atomic_load_explicit (&pool->ticket, memory_order_acquire);
      if ((uint32_t) (t >> 32) != gen)
        return;
      uint32_t idx = (uint32_t) t;
      if (idx >= (uint32_t) atomic_load_explicit (&pool->n_chunks, memory_order_relaxed))
        return;
      if (!atomic_compare_exchange_weak_explicit (&pool->ticket, &t, t + 1,
                                                  memory_order_acq_rel, memory_order_acquire))
        continue;
      int i0 = (int) idx * pool->chunk;
      int i1 = i0 + pool->chunk < pool->m ? i0 + pool->chunk : pool->m;
      if (pool->fn (pool->job, i0, i1, scratch) != 0)
        atomic_store (&pool->failed, 1);
      if (atomic_fetch_add_explicit (&pool->done, 1, memory_order_acq_rel) + 1
          == atomic_load_explicit (&pool->n_chunks, memory_order_relaxed))
        {
          pthread_mutex_lock (&pool->mu);
          pthread_cond_signal (&pool->done_cond);
          pthread_mutex_unlock (&pool->mu);
        }
    }
}

static uint32_t
generation (struct CvPool *pool)
{
  return (uint32_t) (atomic_load_explicit (&pool->ticket, memory_order_acquire) >> 32);
}

static void *
worker_main (void *data)
{
  Worker *w = data;
  struct CvPool *pool = w->pool;
  uint32_t seen = 0;
  for (;;)
    {
      int spins = 0;
      while (generation (pool) == seen && spins < SPIN)
        spins++;
      pthread_mutex_lock (&pool->mu);
      while (generation (pool) == seen && !pool->quit)
        pthread_cond_wait (&pool->go, &pool->mu);
      int quit = pool->quit;
      pthread_mutex_unlock (&pool->mu);
      if (quit)
        return NULL;
      seen = generation (pool);
      run_chunks (pool, seen, &w->scratch);
    }
}

static void
pool_free (struct CvPool *pool)
{
  if (pool == NULL)
    return;
  pthread_mutex_lock (&pool->mu);
  pool->quit = 1;
  pthread_cond_broadcast (&pool->go);
  pthread_mutex_unlock (&pool->mu);
  for (int t = 1; t < pool->started; t++)
    pthread_join (pool->tids[t], NULL);
  for (int t = 1; t < pool->threads; t++)
    cv_scratch_free (&pool->workers[t].scratch);
  pthread_cond_destroy (&pool->go);
  pthread_cond_destroy (&pool->done_cond);
  pthread_mutex_destroy (&pool->mu);
  free (pool);
}

static struct CvPool *
pool_new (int threads)
{
  struct CvPool *pool = calloc (1, sizeof *pool);
  if (pool == NULL)
    return NULL;
  pool->threads = threads;
  pool->started = 1;
  atomic_init (&pool->ticket, 0);
  atomic_init (&pool->done, 0);
  atomic_init (&pool->failed, 0);
  atomic_init (&pool->n_chunks, 0);
  pthread_mutex_init (&pool->mu, NULL);
  pthread_cond_init (&pool->go, NULL);
  pthread_cond_init (&pool->done_cond, NULL);
  for (int t = 1; t < threads; t++)
    {
      pool->workers[t].pool = pool;
      if (pthread_create (&pool->tids[t], NULL, worker_main, &pool->workers[t]) != 0)
        {
          pool_free (pool);
          return NULL;
        }
      pool->started = t + 1;
    }
  return pool;
}

void
cv_scratch_set_threads (CvScratch *s, int threads)
{
  if (threads < 1)
    threads = 1;
  if (threads > MAX_THREADS)
    threads = MAX_THREADS;
  if (s->pool != NULL && s->pool->threads != threads)
    {
      pool_free (s->pool);
      s->pool = NULL;
    }
  s->threads = threads;
}

static int
round_up (int v, int to)
{
  return (v + to - 1) / to * to;
}

/* Runs fn over [0, m) on the scratch's threads, in chunks whose bounds are
 * multiples of align, or returns 1 if there is nothing to share (one
 * thread, too few chunks, or no thread could be started): the caller then
 * runs it itself. */
static int
split (CvScratch *s, int m, int align, ShareFn fn, const void *job, int *status)
{
  if (s->threads <= 1 || m < 2 * align)
    return 1;
  if (s->pool == NULL)
    s->pool = pool_new (s->threads);
  struct CvPool *pool = s->pool;
  if (pool == NULL)
    return 1;
  int t = pool->threads;
  /* About three chunks a thread, none under two aligned units (a GEMM
   * chunk packs its own B). */
  int chunk = round_up ((m + 3 * t - 1) / (3 * t), align);
  if (chunk < 2 * align)
    chunk = round_up ((m + t - 1) / t, align);
  pool->fn = fn;
  pool->job = job;
  pool->m = m;
  pool->chunk = chunk;
  int n_chunks = (m + chunk - 1) / chunk;
  atomic_store_explicit (&pool->n_chunks, n_chunks, memory_order_relaxed);
  atomic_store (&pool->failed, 0);
  atomic_store (&pool->done, 0);
  uint32_t gen = generation (pool) + 1;
  atomic_store_explicit (&pool->ticket, (uint64_t) gen << 32, memory_order_release);
  pthread_mutex_lock (&pool->mu);
  pthread_cond_broadcast (&pool->go);
  pthread_mutex_unlock (&pool->mu);

  run_chunks (pool, gen, s);

  int spins = 0;
  while (atomic_load_explicit (&pool->done, memory_order_acquire) != n_chunks && spins < SPIN)
    spins++;
  pthread_mutex_lock (&pool->mu);
  while (atomic_load (&pool->done) != n_chunks)
    pthread_cond_wait (&pool->done_cond, &pool->mu);
  pthread_mutex_unlock (&pool->mu);
  /* Close the generation before the next product's fields are written: a
   * worker still holding this ticket then fails its claim. */
  atomic_store_explicit (&pool->ticket, ((uint64_t) gen << 32) | UINT32_MAX, memory_order_release);
  *status = atomic_load (&pool->failed) ? -1 : 0;
  return 0;
}

int
cv_parallel_for (CvScratch *s, int m, int align, int worth_sharing, CvShareFn fn, const void *job)
{
  if (m <= 0)
    return 0;
  int status;
  if (worth_sharing && split (s, m, align < 1 ? 1 : align, fn, job, &status) == 0)
    return status;
  return fn (job, 0, m, s);
}

/* A product too short to split by rows (a batch of 32 through a dense
 * layer, a first layer's kernel gradient with 25 rows) is split by columns
 * when they come in whole micro-tile strips: then every strip is computed by
 * the same kernel as without threads (a narrower chunk could take the
 * narrow-tile path, whose sums are ordered differently). */
static int
split_by_columns (int m, int n)
{
  return m < 2 * SPLIT_ALIGN && n % NR == 0 && n >= 2 * NR;
}

typedef struct {
  int path, trans_a, trans_b, m, n, k;
  const float *a; int lda; const float *b; int ldb; float *c; int ldc;
} SgemmJob;

static int
sgemm_share (const void *data, int i0, int i1, CvScratch *s)
{
  const SgemmJob *j = data;
  const float *a = j->trans_a ? j->a + i0 : j->a + (size_t) i0 * j->lda;
  return sgemm_serial (j->path, j->trans_a, j->trans_b, i1 - i0, j->n, j->k, a, j->lda,
                       j->b, j->ldb, j->c + (size_t) i0 * j->ldc, j->ldc, s);
}

/* Columns [j0, j1) of C, j0 a multiple of NR: the same strips and the same
 * micro-kernel calls as in the whole product. */
static int
sgemm_share_cols (const void *data, int j0, int j1, CvScratch *s)
{
  const SgemmJob *j = data;
  const float *b = j->trans_b ? j->b + (size_t) j0 * j->ldb : j->b + j0;
  return sgemm_serial (j->path, j->trans_a, j->trans_b, j->m, j1 - j0, j->k, j->a, j->lda,
                       b, j->ldb, j->c + j0, j->ldc, s);
}

int
cv_sgemm (int path, int trans_a, int trans_b, int m, int n, int k,
          const float *a, int lda, const float *b, int ldb,
          float *c, int ldc, CvScratch *scratch)
{
  if (m <= 0 || n <= 0 || k <= 0)
    return 0;
  SgemmJob job = { path, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc };
  int status;
  if (2.0 * m * n * k >= SPLIT_MIN_FLOPS)
    {
      if (split (scratch, m, SPLIT_ALIGN, sgemm_share, &job, &status) == 0)
        return status;
      if (split_by_columns (m, n) && split (scratch, n, NR, sgemm_share_cols, &job, &status) == 0)
        return status;
    }
  return sgemm_serial (path, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, scratch);
}

typedef struct {
  int path, m, n, k;
  const float *x; const ptrdiff_t *rows, *cols;
  int trans_b; const float *b; int ldb; float *c; int ldc;
} GatherJob;

static int
gather_share (const void *data, int i0, int i1, CvScratch *s)
{
  const GatherJob *j = data;
  return gather_gemm_serial (j->path, i1 - i0, j->n, j->k, j->x, j->rows + i0, j->cols,
                             j->trans_b, j->b, j->ldb, j->c + (size_t) i0 * j->ldc, j->ldc, s);
}

static int
gather_share_cols (const void *data, int j0, int j1, CvScratch *s)
{
  const GatherJob *j = data;
  const float *b = j->trans_b ? j->b + (size_t) j0 * j->ldb : j->b + j0;
  return gather_gemm_serial (j->path, j->m, j1 - j0, j->k, j->x, j->rows, j->cols,
                             j->trans_b, b, j->ldb, j->c + j0, j->ldc, s);
}

int
cv_gather_gemm (int path, int m, int n, int k, const float *x,
                const ptrdiff_t *rows, const ptrdiff_t *cols,
                int trans_b, const float *b, int ldb, float *c, int ldc,
                CvScratch *scratch)
{
  if (m <= 0 || n <= 0 || k <= 0)
    return 0;
  GatherJob job = { path, m, n, k, x, rows, cols, trans_b, b, ldb, c, ldc };
  int status;
  if (2.0 * m * n * k >= SPLIT_MIN_FLOPS)
    {
      if (split (scratch, m, SPLIT_ALIGN, gather_share, &job, &status) == 0)
        return status;
      if (split_by_columns (m, n) && split (scratch, n, NR, gather_share_cols, &job, &status) == 0)
        return status;
    }
  return gather_gemm_serial (path, m, n, k, x, rows, cols, trans_b, b, ldb, c, ldc, scratch);
}
