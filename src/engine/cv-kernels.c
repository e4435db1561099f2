/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-kernels.c — the network's hot kernels: Conv2D as a GEMM over image
 * patches read in place (and col2im for the input gradient), Dense as SGEMM, with the path (reference, portable C, AVX2+FMA) chosen at
 * run time. The reference loops in cv-ref-impl.inc stay the definition;
 * tests/engine/test-kernels.c holds these to them.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cv-kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static int forced_path = -1;

int
cv_kernels_best_path (void)
{
#if defined(__x86_64__)
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    {
      if (__builtin_cpu_supports ("avx512f"))
        return CV_PATH_AVX512;
      return CV_PATH_AVX2;
    }
#endif
  return CV_PATH_C;
}

int
cv_kernels_path (void)
{
  if (forced_path >= 0)
    return forced_path;
  return cv_kernels_best_path ();
}

void
cv_kernels_force (int path)
{
  if (path > cv_kernels_best_path ())
    path = cv_kernels_best_path ();
  forced_path = path;
}

/* sums (cols) += the column sums of a (rows, cols; rows lda apart), sixteen
 * columns at a time in a local accumulator the compiler can keep in
 * registers. A column's sum runs over the rows in order, whatever else is
 * summed beside it. */
CV_VECTOR_CLONES static void
column_sums (float *restrict sums, const float *restrict a, int rows, int cols, int lda)
{
  int c0 = 0;
  for (; c0 + 16 <= cols; c0 += 16)
    {
      float acc[16] = { 0 };
      for (int r = 0; r < rows; r++)
        for (int col = 0; col < 16; col++)
          acc[col] += a[(size_t) r * lda + c0 + col];
      for (int col = 0; col < 16; col++)
        sums[c0 + col] += acc[col];
    }
  for (; c0 + 8 <= cols; c0 += 8)
    {
      float acc[8] = { 0 };
      for (int r = 0; r < rows; r++)
        for (int col = 0; col < 8; col++)
          acc[col] += a[(size_t) r * lda + c0 + col];
      for (int col = 0; col < 8; col++)
        sums[c0 + col] += acc[col];
    }
  for (; c0 < cols; c0++)
    {
      float acc = 0;
      for (int r = 0; r < rows; r++)
        acc += a[(size_t) r * lda + c0];
      sums[c0] += acc;
    }
}

/* y (rows, cols): every row a copy of b (cols). */
CV_VECTOR_CLONES static void
fill_rows (float *restrict y, const float *restrict b, int rows, int cols)
{
  for (int r = 0; r < rows; r++)
    for (int col = 0; col < cols; col++)
      y[(size_t) r * cols + col] = b[col];
}

/* The same passes shared among the scratch's threads (cv_parallel_for):
 * rows for the bias fill and zeroing, columns for the sums. Each value is
 * computed exactly as on one thread. */

typedef struct {
  float       *y;
  const float *a;
  int          rows, cols;
} RowsJob;

static int
fill_rows_share (const void *data, int r0, int r1, CvScratch *scratch)
{
  const RowsJob *j = data;
  (void) scratch;
  fill_rows (j->y + (size_t) r0 * j->cols, j->a, r1 - r0, j->cols);
  return 0;
}

static int
zero_rows_share (const void *data, int r0, int r1, CvScratch *scratch)
{
  const RowsJob *j = data;
  (void) scratch;
  memset (j->y + (size_t) r0 * j->cols, 0, sizeof (float) * (size_t) (r1 - r0) * j->cols);
  return 0;
}

/* Columns [c0, c1) of the sums (c0 a multiple of 16, so the chunk takes
 * the same 16- and 8-wide steps as the whole). */
static int
column_sums_share (const void *data, int c0, int c1, CvScratch *scratch)
{
  const RowsJob *j = data;
  (void) scratch;
  column_sums (j->y + c0, j->a + c0, j->rows, c1 - c0, j->cols);
  return 0;
}

static void
fill_rows_shared (float *y, const float *b, int rows, int cols, CvScratch *s)
{
  RowsJob job = { y, b, rows, cols };
  (void) cv_parallel_for (s, rows, 1, (size_t) rows * cols >= CV_SHARE_MIN_FLOATS,
                          fill_rows_share, &job);
}

static void
zero_rows_shared (float *y, int rows, int cols, CvScratch *s)
{
  RowsJob job = { y, NULL, rows, cols };
  (void) cv_parallel_for (s, rows, 1, (size_t) rows * cols >= CV_SHARE_MIN_FLOATS,
                          zero_rows_share, &job);
}

/* ------------------------------------------------- col2im (strides > 1) */

/* Output positions handled per GEMM: enough rows to keep the micro-kernel
 * busy, few enough that the chunk (rows × k·k·c) stays in L2. */
static int
chunk_rows (const CvConvDims *d)
{
  int kkc = d->k * d->k * d->c;
  int rows = (64 * 1024) / kkc;
  rows -= rows % 6;
  return rows < 96 ? 96 : rows;
}

static int
ensure_col (CvScratch *s, size_t floats)
{
  if (floats <= s->col_cap)
    return 0;
  float *col = realloc (s->col, sizeof (float) * floats);
  if (col == NULL)
    return -1;
  s->col = col;
  s->col_cap = floats;
  return 0;
}

/* The adjoint of im2col: dx += each patch gradient, at its place. */
CV_VECTOR_CLONES static void
col2im (float *restrict dx, const float *restrict col, const CvConvDims *d, int r0, int rows)
{
  const int k = d->k, c = d->c;
  const size_t kkc = (size_t) k * k * c;

  for (int r = 0; r < rows; r++)
    {
      int pos = r0 + r;
      int j = pos % d->ow, i = (pos / d->ow) % d->oh, n = pos / (d->ow * d->oh);
      int top = i * d->s - d->pt, left = j * d->s - d->pl;
      int q_lo = left < 0 ? -left : 0;
      int q_hi = d->w - left < k ? d->w - left : k;
      const float *src = col + (size_t) r * kkc;

      for (int m = 0; m < k; m++)
        {
          int ii = top + m;
          if (ii < 0 || ii >= d->h || q_lo >= q_hi)
            continue;
          const float *g = src + ((size_t) m * k + q_lo) * c;
          float *t = dx + (((size_t) n * d->h + ii) * d->w + left + q_lo) * c;
          size_t len = (size_t) (q_hi - q_lo) * c;
          for (size_t e = 0; e < len; e++)
            t[e] += g[e];
        }
    }
}

/* ------------------------------------------------ patches, read in place
 *
 * The patch matrix P (positions × k·k·c) of im2col is never stored for the
 * forward pass or the kernel gradient. With the input zero-padded once
 * (xp: (n, hp, wp, c)), P[pos, e] = xp[corner[pos] + offset[e]], where
 * corner is where the patch of output position pos starts and offset is
 * where patch element e = (m·k + q)·c + ch sits relative to it; the
 * gathering GEMM reads those values straight from xp.
 */
typedef struct {
  const float     *xp;       /* (n, hp, wp, c) */
  const ptrdiff_t *corner;   /* (n·oh·ow) */
  const ptrdiff_t *offset;   /* (k·k·c) */
} Patches;

static void
patch_cache_free (CvPatchCache *pc)
{
  free (pc->pad);
  free (pc->tab);
  memset (pc, 0, sizeof *pc);
}

void
cv_conv_cache_free (CvConvCache *cc)
{
  patch_cache_free (&cc->x);
  patch_cache_free (&cc->dy);
}

/* xp (n, hp, wp, c) = x (n, h, w, c) placed at (pt, pl) in a zero border.
 * Plain loops: the rows are short, and a library call per row costs more
 * than the copy. */
CV_VECTOR_CLONES static void
pad_images (float *restrict xp, const float *restrict x, int n, int h, int w, int c,
            int hp, int wp, int pt, int pl)
{
  const size_t row = (size_t) wp * c, line = (size_t) w * c;
  const size_t left = (size_t) pl * c, right = row - left - line;
  for (int s = 0; s < n; s++)
    {
      float *restrict dst = xp + (size_t) s * hp * row;
      const float *restrict src = x + (size_t) s * h * line;
      for (size_t t = 0; t < (size_t) pt * row; t++)
        *dst++ = 0.0f;
      for (int i = 0; i < h; i++)
        {
          for (size_t t = 0; t < left; t++)
            *dst++ = 0.0f;
          for (size_t t = 0; t < line; t++)
            *dst++ = *src++;
          for (size_t t = 0; t < right; t++)
            *dst++ = 0.0f;
        }
      for (size_t t = 0; t < (size_t) (hp - pt - h) * row; t++)
        *dst++ = 0.0f;
    }
}

typedef struct {
  float       *xp;
  const float *x;
  int          h, w, c, hp, wp, pt, pl;
} PadJob;

static int
pad_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const PadJob *j = data;
  (void) scratch;
  pad_images (j->xp + (size_t) s0 * j->hp * j->wp * j->c, j->x + (size_t) s0 * j->h * j->w * j->c,
              s1 - s0, j->h, j->w, j->c, j->hp, j->wp, j->pt, j->pl);
  return 0;
}

/* The patches of x for dimensions d: tables (rebuilt only when d changes)
 * and the padded input (rebuilt unless `reuse_pad` and it still holds x). */
static int
patches (Patches *pt, const float *x, const CvConvDims *d, CvPatchCache *pc, int reuse_pad,
         CvScratch *scratch)
{
  const size_t total = (size_t) d->n * d->oh * d->ow, kkc = (size_t) d->k * d->k * d->c;
  const int hp_need = (d->oh - 1) * d->s + d->k, wp_need = (d->ow - 1) * d->s + d->k;
  const int hp = hp_need > d->pt + d->h ? hp_need : d->pt + d->h;
  const int wp = wp_need > d->pl + d->w ? wp_need : d->pl + d->w;

  if (!pc->tab_ok || memcmp (&pc->tab_d, d, sizeof *d) != 0)
    {
      pc->tab_ok = 0;
      pc->pad_ok = 0;
      if (total + kkc > pc->tab_cap)
        {
          ptrdiff_t *tab = realloc (pc->tab, sizeof (ptrdiff_t) * (total + kkc));
          if (tab == NULL)
            return -1;
          pc->tab = tab;
          pc->tab_cap = total + kkc;
        }
      ptrdiff_t *corner = pc->tab, *offset = pc->tab + total;
      size_t pos = 0;
      for (int n = 0; n < d->n; n++)
        for (int i = 0; i < d->oh; i++)
          for (int j = 0; j < d->ow; j++)
            corner[pos++] = (((ptrdiff_t) n * hp + (ptrdiff_t) i * d->s) * wp
                             + (ptrdiff_t) j * d->s) * d->c;
      size_t e = 0;
      for (int m = 0; m < d->k; m++)
        for (int q = 0; q < d->k; q++)
          for (int ch = 0; ch < d->c; ch++)
            offset[e++] = ((ptrdiff_t) m * wp + q) * d->c + ch;
      pc->tab_d = *d;
      pc->tab_ok = 1;
    }

  if (!(reuse_pad && pc->pad_ok && pc->key_x == x))
    {
      pc->pad_ok = 0;
      pc->xp = x;
      if (hp != d->h || wp != d->w || d->pt != 0 || d->pl != 0)
        {
          const size_t need = (size_t) d->n * hp * wp * d->c;
          if (need > pc->pad_cap)
            {
              float *pad = realloc (pc->pad, sizeof (float) * need);
              if (pad == NULL)
                return -1;
              pc->pad = pad;
              pc->pad_cap = need;
            }
          PadJob job = { pc->pad, x, d->h, d->w, d->c, hp, wp, d->pt, d->pl };
          (void) cv_parallel_for (scratch, d->n, 1, need >= CV_SHARE_MIN_FLOATS, pad_share, &job);
          pc->xp = pc->pad;
        }
      pc->key_x = x;
      pc->pad_ok = 1;
    }

  *pt = (Patches) { pc->xp, pc->tab, pc->tab + total };
  return 0;
}

/* ----------------------------------------------------------------- conv2d */

int
cv_conv2d_forward (float *y, const float *x, const float *k, const float *b,
                   const CvConvDims *d, CvScratch *scratch, CvConvCache *cache)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_conv2d_forward (y, x, k, b, d);
      return 0;
    }

  const int kkc = d->k * d->k * d->c;
  const int total = d->n * d->oh * d->ow;
  Patches pt;
  if (patches (&pt, x, d, cache != NULL ? &cache->x : &scratch->tmp.x, 0, scratch) != 0)
    return -1;

  /* y (total, f) starts as the bias; then y += P (total, kkc) · k (kkc, f). */
  fill_rows_shared (y, b, total, d->f, scratch);
  return cv_gather_gemm (path, total, d->f, kkc, pt.xp, pt.corner, pt.offset,
                         0, k, d->f, y, d->f, scratch);
}

/*
 * With stride 1 the input gradient is itself a convolution: of dy, padded
 * by k - 1 - p, with the kernel turned half a turn and its channel roles
 * swapped, k'[m, q, f, c] = k[k-1-m, k-1-q, c, f]:
 *   dX[n, y, x, c] = sum_{m, q, f} dY[n, y + m - (k-1-pt), x + q - (k-1-pl), f] · k'[m, q, f, c]
 * so it runs on the same gathering GEMM, with no col2im.
 */
#if defined(__x86_64__)
/*
 * The input gradient of a stride-1 convolution with 8 input channels, on
 * AVX-512. As a product it is 8 columns wide, and the 8-wide tile needs a
 * broadcast for every FMA. Here the pixels go along the vector lanes
 * instead: dy is first made planar (each channel a padded plane of its
 * own), so 16 neighbouring pixels of one channel are one load, and each load
 * feeds eight FMAs, one per input channel, with the kernel value broadcast.
 *
 * Every dx element is still the FMA chain over p = (m·k + q)·f + channel,
 * from zero, added to dx at the end — what the gathering product's 8-row
 * tile computes when all of p fits in one of its KC = 256 slices (the only
 * case taken here) — so the result is the same to the bit, except in the
 * last n·h·w mod 8 pixels, which AVX2 sums in four chains a row.
 */
#define NARROW_C 8

typedef struct {
  float       *dx;
  const float *planar;   /* (n, f, hp, wp), then 16 floats of slack */
  const float *kt;       /* (k, k, f, c) */
  int          h, w, f, k, hp, wp;
} NarrowJob;

/* out[j·8 + c] += a_c[j] for the first `lanes` pixels j: the 8 × 16 block
 * of accumulators (a channel per register, a pixel per lane) transposed
 * in registers to pixel-major order, two pixels per store. Done without a
 * stack array: GCC gives such an array 64-byte alignment and stores to it
 * with aligned moves, but AddressSanitizer's frames are only 32-byte
 * aligned, and the ASan build faulted. */
/* GCC 12's own _mm512_unpacklo_ps starts from _mm512_undefined_ps and then
 * warns that it may be used uninitialized (GCC bug 105593, fixed in 13). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__ ((target ("avx512f"), always_inline))
static inline void
narrow_add_block (float *out, int lanes, __m512 a0, __m512 a1, __m512 a2, __m512 a3,
                  __m512 a4, __m512 a5, __m512 a6, __m512 a7)
{
  /* Within each 128-bit quarter (pixels 4L .. 4L+3): u_k holds channels
   * 0–3 of pixel 4L+k, v_k channels 4–7. */
  const __m512 t0 = _mm512_unpacklo_ps (a0, a1), t1 = _mm512_unpackhi_ps (a0, a1);
  const __m512 t2 = _mm512_unpacklo_ps (a2, a3), t3 = _mm512_unpackhi_ps (a2, a3);
  const __m512 t4 = _mm512_unpacklo_ps (a4, a5), t5 = _mm512_unpackhi_ps (a4, a5);
  const __m512 t6 = _mm512_unpacklo_ps (a6, a7), t7 = _mm512_unpackhi_ps (a6, a7);
  const __m512 u[4] = {
    _mm512_shuffle_ps (t0, t2, 0x44), _mm512_shuffle_ps (t0, t2, 0xee),
    _mm512_shuffle_ps (t1, t3, 0x44), _mm512_shuffle_ps (t1, t3, 0xee),
  };
  const __m512 v[4] = {
    _mm512_shuffle_ps (t4, t6, 0x44), _mm512_shuffle_ps (t4, t6, 0xee),
    _mm512_shuffle_ps (t5, t7, 0x44), _mm512_shuffle_ps (t5, t7, 0xee),
  };
#define QUARTERS(L) ((L) | (L) << 2 | (L) << 4 | (L) << 6)
#define PIXEL_PAIR(L, k)                                                          \
  do                                                                              \
    {                                                                             \
      const int j = 4 * (L) + (k);                                                \
      if (j < lanes)                                                              \
        {                                                                         \
          /* [u_k, u_k, v_k, v_k] and the same for k + 1, quarter L, then      \
           * [u_k, v_k, u_k+1, v_k+1]. */                                        \
          const __m512 p = _mm512_shuffle_f32x4 (u[k], v[k], QUARTERS (L));        \
          const __m512 q = _mm512_shuffle_f32x4 (u[(k) + 1], v[(k) + 1], QUARTERS (L)); \
          const __m512 pair = _mm512_shuffle_f32x4 (p, q, 0x88);                  \
          const __mmask16 keep = j + 1 < lanes ? 0xffff : 0x00ff;                 \
          float *at = out + (size_t) j * NARROW_C;                                \
          _mm512_mask_storeu_ps (at, keep,                                        \
                                 _mm512_add_ps (_mm512_maskz_loadu_ps (keep, at), pair)); \
        }                                                                         \
    }                                                                             \
  while (0)
  PIXEL_PAIR (0, 0); PIXEL_PAIR (0, 2);
  PIXEL_PAIR (1, 0); PIXEL_PAIR (1, 2);
  PIXEL_PAIR (2, 0); PIXEL_PAIR (2, 2);
  PIXEL_PAIR (3, 0); PIXEL_PAIR (3, 2);
#undef PIXEL_PAIR
#undef QUARTERS
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#define NARROW_FLUSH()                                                            \
  do                                                                              \
    {                                                                             \
      narrow_add_block (out, lanes, a0, a1, a2, a3, a4, a5, a6, a7);              \
      a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = _mm512_setzero_ps ();              \
    }                                                                             \
  while (0)

__attribute__ ((target ("avx512f")))
static int
narrow_grad_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const NarrowJob *j = data;
  const size_t plane = (size_t) j->hp * j->wp;
  (void) scratch;
  for (int s = s0; s < s1; s++)
    for (int i = 0; i < j->h; i++)
      for (int j0 = 0; j0 < j->w; j0 += 16)
        {
          const int lanes = j->w - j0 < 16 ? j->w - j0 : 16;
          float *out = j->dx + (((size_t) s * j->h + i) * j->w + j0) * NARROW_C;
          __m512 a0 = _mm512_setzero_ps (), a1 = a0, a2 = a0, a3 = a0;
          __m512 a4 = a0, a5 = a0, a6 = a0, a7 = a0;
          for (int m = 0; m < j->k; m++)
            for (int q = 0; q < j->k; q++)
              {
                const float *src = j->planar + (size_t) s * j->f * plane
                                   + (size_t) (i + m) * j->wp + j0 + q;
                const float *kr = j->kt + (size_t) ((m * j->k + q) * j->f) * NARROW_C;
                for (int ch = 0; ch < j->f; ch++, kr += NARROW_C)
                  {
                    const __m512 v = _mm512_loadu_ps (src + (size_t) ch * plane);
                    a0 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[0]), a0);
                    a1 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[1]), a1);
                    a2 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[2]), a2);
                    a3 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[3]), a3);
                    a4 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[4]), a4);
                    a5 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[5]), a5);
                    a6 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[6]), a6);
                    a7 = _mm512_fmadd_ps (v, _mm512_set1_ps (kr[7]), a7);
                  }
              }
          NARROW_FLUSH ();
        }
  return 0;
}
#undef NARROW_FLUSH

typedef struct {
  float       *planar;
  const float *dy;     /* (n, oh, ow, f) */
  int          oh, ow, f, hp, wp, pt, pl;
} PlanarJob;

/* planar[s][ch][ip][jp] = dy[s][ip - pt][jp - pl][ch], zero outside. */
static int
planar_share (const void *data, int s0, int s1, CvScratch *scratch)
{
  const PlanarJob *j = data;
  const size_t plane = (size_t) j->hp * j->wp;
  (void) scratch;
  for (int s = s0; s < s1; s++)
    {
      float *dst = j->planar + (size_t) s * j->f * plane;
      const float *src = j->dy + (size_t) s * j->oh * j->ow * j->f;
      memset (dst, 0, sizeof (float) * plane * (size_t) j->f);
      for (int i = 0; i < j->oh; i++)
        for (int x = 0; x < j->ow; x++)
          {
            const float *px = src + ((size_t) i * j->ow + x) * j->f;
            float *at = dst + (size_t) (i + j->pt) * j->wp + x + j->pl;
            for (int ch = 0; ch < j->f; ch++)
              at[(size_t) ch * plane] = px[ch];
          }
    }
  return 0;
}

/* dx (zeroed by the caller) for 8 input channels, stride 1; kt as below. */
static int
narrow_input_grad (float *dx, const float *dy, const float *kt, const CvConvDims *d,
                   CvScratch *scratch)
{
  const int pt = d->k - 1 - d->pt, pl = d->k - 1 - d->pl;
  const int hp = d->h + d->k - 1, wp = d->w + d->k - 1;
  const size_t need = (size_t) d->n * d->f * hp * wp + 16;
  if (need > scratch->planar_cap)
    {
      float *planar = realloc (scratch->planar, sizeof (float) * need);
      if (planar == NULL)
        return -1;
      scratch->planar = planar;
      scratch->planar_cap = need;
    }
  memset (scratch->planar + need - 16, 0, sizeof (float) * 16);
  const int worth = need >= CV_SHARE_MIN_FLOATS;
  PlanarJob pj = { scratch->planar, dy, d->oh, d->ow, d->f, hp, wp, pt, pl };
  (void) cv_parallel_for (scratch, d->n, 1, worth, planar_share, &pj);
  NarrowJob nj = { dx, scratch->planar, kt, d->h, d->w, d->f, d->k, hp, wp };
  return cv_parallel_for (scratch, d->n, 1, worth, narrow_grad_share, &nj);
}
#endif

static int
conv2d_input_grad_s1 (int path, float *dx, const float *dy, const float *k,
                      const CvConvDims *d, CvScratch *scratch, CvPatchCache *pc)
{
  const CvConvDims t = {
    .n = d->n, .h = d->oh, .w = d->ow, .c = d->f,
    .oh = d->h, .ow = d->w, .f = d->c,
    .k = d->k, .s = 1, .pt = d->k - 1 - d->pt, .pl = d->k - 1 - d->pl,
  };
  const int kkf = d->k * d->k * d->f;
  if (ensure_col (scratch, (size_t) kkf * d->c) != 0)
    return -1;
  float *kt = scratch->col;   /* (k, k, f, c) */
  for (int m = 0; m < d->k; m++)
    for (int q = 0; q < d->k; q++)
      for (int c = 0; c < d->c; c++)
        for (int f = 0; f < d->f; f++)
          kt[(((size_t) m * d->k + q) * d->f + f) * d->c + c]
            = k[(((size_t) (d->k - 1 - m) * d->k + (d->k - 1 - q)) * d->c + c) * d->f + f];

#if defined(__x86_64__)
  /* Same output size as input ('same' padding), 8 channels: pixels along
   * the lanes (above). */
  if (path == CV_PATH_AVX512 && d->c == NARROW_C && d->oh == d->h && d->ow == d->w
      && t.pt >= 0 && t.pl >= 0 && kkf <= CV_GEMM_KC)
    {
      zero_rows_shared (dx, d->n * d->h * d->w, d->c, scratch);
      return narrow_input_grad (dx, dy, kt, d, scratch);
    }
#endif
  Patches pt;
  if (patches (&pt, dy, &t, pc, 0, scratch) != 0)
    return -1;
  zero_rows_shared (dx, d->n * d->h * d->w, d->c, scratch);
  return cv_gather_gemm (path, d->n * d->h * d->w, d->c, kkf, pt.xp, pt.corner, pt.offset,
                         0, kt, d->c, dx, d->c, scratch);
}

int
cv_conv2d_backward (float *dx, float *dk, float *db, const float *dy,
                    const float *x, const float *k, const CvConvDims *d,
                    CvScratch *scratch, CvConvCache *cache)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_conv2d_backward (dx, dk, db, dy, x, k, d);
      return 0;
    }

  const int kkc = d->k * d->k * d->c;
  const int total = d->n * d->oh * d->ow;

  RowsJob sums = { db, dy, total, d->f };
  (void) cv_parallel_for (scratch, d->f, 16, (size_t) total * d->f >= CV_SHARE_MIN_FLOATS,
                          column_sums_share, &sums);

  /* dk (kkc, f) += Pᵀ (kkc, total) · dy (total, f): Pᵀ[e, pos] is the
   * gathered matrix with the roles of the two tables swapped. */
  Patches pt;
  if (patches (&pt, x, d, cache != NULL ? &cache->x : &scratch->tmp.x, cache != NULL, scratch) != 0
      || cv_gather_gemm (path, kkc, d->f, total, pt.xp, pt.offset, pt.corner,
                         0, dy, d->f, dk, d->f, scratch) != 0)
    return -1;

  if (dx == NULL)
    return 0;
  if (d->s == 1)
    return conv2d_input_grad_s1 (path, dx, dy, k, d, scratch,
                                 cache != NULL ? &cache->dy : &scratch->tmp.dy);

  /* Larger strides: dP (rows, kkc) = dy (rows, f) · kᵀ (f, kkc), chunk by
   * chunk, each added back where its patch came from. */
  const int rows = chunk_rows (d);
  if (ensure_col (scratch, (size_t) rows * kkc) != 0)
    return -1;
  memset (dx, 0, sizeof (float) * (size_t) d->n * d->h * d->w * d->c);
  for (int r0 = 0; r0 < total; r0 += rows)
    {
      int nr = total - r0 < rows ? total - r0 : rows;
      memset (scratch->col, 0, sizeof (float) * (size_t) nr * kkc);
      if (cv_sgemm (path, 0, 1, nr, kkc, d->f, dy + (size_t) r0 * d->f, d->f, k, d->f,
                    scratch->col, kkc, scratch) != 0)
        return -1;
      col2im (dx, scratch->col, d, r0, nr);
    }
  return 0;
}

/* ---------------------------------------------------------------- maxpool */

/* One output pixel, channels [0, c): the reference's order (window row by
 * row, the first of equal maxima wins), channels innermost. */
static void
maxpool_pixel (float *restrict yo, int32_t *restrict ao, const float *restrict xs,
               const CvPoolDims *d, int i, int j, int ch0)
{
  const int c = d->c;
  for (int ch = ch0; ch < c; ch++)
    {
      int32_t at = (int32_t) (((size_t) (i * d->s) * d->w + (size_t) (j * d->s)) * c) + ch;
      float best = xs[at];
      int32_t best_at = at;
      for (int m = 0; m < d->k; m++)
        for (int q = 0; q < d->k; q++)
          {
            at = (int32_t) (((size_t) (i * d->s + m) * d->w + (size_t) (j * d->s + q)) * c) + ch;
            if (xs[at] > best)
              {
                best = xs[at];
                best_at = at;
              }
          }
      yo[ch] = best;
      ao[ch] = best_at;
    }
}

#if defined(__x86_64__)
/* Eight channels at a time: compare, then blend values and indices. */
__attribute__ ((target ("avx2")))
static void
maxpool_forward_avx2 (float *y, int32_t *argmax, const float *x, const CvPoolDims *d)
{
  const int c = d->c, c8 = c - c % 8;
  const size_t in_size = (size_t) d->h * d->w * c;
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);

  for (int n = 0; n < d->n; n++)
    for (int i = 0; i < d->oh; i++)
      for (int j = 0; j < d->ow; j++)
        {
          size_t o = (((size_t) n * d->oh + i) * d->ow + j) * c;
          const float *xs = x + (size_t) n * in_size;
          for (int ch = 0; ch < c8; ch += 8)
            {
              int32_t at = (int32_t) (((size_t) (i * d->s) * d->w + (size_t) (j * d->s)) * c) + ch;
              __m256 best = _mm256_loadu_ps (xs + at);
              __m256i best_at = _mm256_add_epi32 (_mm256_set1_epi32 (at), lanes);
              for (int m = 0; m < d->k; m++)
                for (int q = 0; q < d->k; q++)
                  {
                    at = (int32_t) (((size_t) (i * d->s + m) * d->w + (size_t) (j * d->s + q)) * c) + ch;
                    __m256 v = _mm256_loadu_ps (xs + at);
                    __m256 better = _mm256_cmp_ps (v, best, _CMP_GT_OQ);
                    best = _mm256_blendv_ps (best, v, better);
                    __m256i idx = _mm256_add_epi32 (_mm256_set1_epi32 (at), lanes);
                    best_at = _mm256_castps_si256 (_mm256_blendv_ps (_mm256_castsi256_ps (best_at),
                                                                     _mm256_castsi256_ps (idx), better));
                  }
              _mm256_storeu_ps (y + o + ch, best);
              _mm256_storeu_si256 ((__m256i *) (argmax + o + ch), best_at);
            }
          if (c8 < c)
            maxpool_pixel (y + o, argmax + o, xs, d, i, j, c8);
        }
}
#endif

void
cv_maxpool_forward (float *y, int32_t *argmax, const float *x, const CvPoolDims *d)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_maxpool_forward (y, argmax, x, d);
      return;
    }
#if defined(__x86_64__)
  if (path >= CV_PATH_AVX2)
    {
      maxpool_forward_avx2 (y, argmax, x, d);
      return;
    }
#endif
  const size_t in_size = (size_t) d->h * d->w * d->c;
  for (int n = 0; n < d->n; n++)
    for (int i = 0; i < d->oh; i++)
      for (int j = 0; j < d->ow; j++)
        {
          size_t o = (((size_t) n * d->oh + i) * d->ow + j) * d->c;
          maxpool_pixel (y + o, argmax + o, x + (size_t) n * in_size, d, i, j, 0);
        }
}

/* Only each window's winner passes the gradient back. */
CV_VECTOR_CLONES void
cv_maxpool_backward (float *restrict dx, const float *restrict dy, const int32_t *restrict argmax,
                     const CvPoolDims *d)
{
  if (cv_kernels_path () == CV_PATH_REFERENCE)
    {
      cv_ref_maxpool_backward (dx, dy, argmax, d);
      return;
    }
  const size_t in_size = (size_t) d->h * d->w * d->c;
  const size_t out_size = (size_t) d->oh * d->ow * d->c;
  const int samples = d->n;
  memset (dx, 0, sizeof (float) * in_size * (size_t) samples);
  for (int n = 0; n < samples; n++)
    {
      float *restrict dxs = dx + (size_t) n * in_size;
      const float *restrict dys = dy + (size_t) n * out_size;
      const int32_t *restrict as = argmax + (size_t) n * out_size;
      for (size_t o = 0; o < out_size; o++)
        dxs[as[o]] += dys[o];
    }
}

/* ------------------------------------------------------------------- relu */

CV_VECTOR_CLONES void
cv_relu_forward (float *restrict y, const float *restrict x, size_t count)
{
  for (size_t t = 0; t < count; t++)
    y[t] = x[t] > 0.0f ? x[t] : 0.0f;
}

CV_VECTOR_CLONES void
cv_relu_backward (float *restrict dx, const float *restrict dy, const float *restrict y,
                  size_t count)
{
  for (size_t t = 0; t < count; t++)
    {
      float g = dy[t];
      dx[t] = y[t] > 0.0f ? g : 0.0f;
    }
}

/* ------------------------------------------------------------------ dense */

/* A few samples (single-image prediction): row by row, skipping the zeros
 * ReLU leaves, with no packing of the weight matrix. */
static void
dense_forward_rows (float *restrict y, const float *restrict x, const float *restrict w,
                    int n, int in, int out)
{
  for (int s = 0; s < n; s++)
    {
      float *restrict ys = y + (size_t) s * out;
      for (int i = 0; i < in; i++)
        {
          float xv = x[(size_t) s * in + i];
          if (xv == 0.0f)
            continue;
          const float *restrict wr = w + (size_t) i * out;
          for (int o = 0; o < out; o++)
            ys[o] += xv * wr[o];
        }
    }
}

int
cv_dense_forward (float *y, const float *x, const float *w, const float *b,
                  int n, int in, int out, CvScratch *scratch)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_dense_forward (y, x, w, b, n, in, out);
      return 0;
    }
  fill_rows (y, b, n, out);
  if (n < 4)
    {
      dense_forward_rows (y, x, w, n, in, out);
      return 0;
    }
  return cv_sgemm (path, 0, 0, n, out, in, x, in, w, out, y, out, scratch);
}

int
cv_dense_backward (float *dx, float *dw, float *db, const float *dy,
                   const float *x, const float *w, int n, int in, int out,
                   CvScratch *scratch)
{
  int path = cv_kernels_path ();
  if (path == CV_PATH_REFERENCE)
    {
      cv_ref_dense_backward (dx, dw, db, dy, x, w, n, in, out);
      return 0;
    }
  column_sums (db, dy, n, out, out);
  /* dw (in, out) += xᵀ (in, n) · dy (n, out) */
  if (cv_sgemm (path, 1, 0, in, out, n, x, in, dy, out, dw, out, scratch) != 0)
    return -1;
  if (dx == NULL)
    return 0;
  /* dx (n, in) = dy (n, out) · wᵀ (out, in) */
  memset (dx, 0, sizeof (float) * (size_t) n * in);
  return cv_sgemm (path, 0, 1, n, in, out, dy, out, w, out, dx, in, scratch);
}
