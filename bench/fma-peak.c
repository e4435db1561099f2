/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fma-peak: the single-precision peak of one core, measured with chains of
 * independent fused multiply-adds that never wait on each other: twelve
 * 256-bit chains (AVX2+FMA), then twelve 512-bit ones (AVX-512F) when the
 * CPU has them. What the engine's product kernels can reach at best, and
 * whether 512-bit registers are worth having on this CPU (some run them as
 * two 256-bit halves and gain nothing).
 *
 * Usage: fma-peak [seconds per measurement, default 1]
 */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

__attribute__ ((target ("avx2,fma"))) static float
chains_256 (long rounds)
{
  __m256 acc[CHAINS];
  const __m256 mul = _mm256_set1_ps (0.999f), add = _mm256_set1_ps (0.001f);
  for (int i = 0; i < CHAINS; i++)
    acc[i] = _mm256_set1_ps ((float) i);
  for (long r = 0; r < rounds; r++)
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++)
      acc[i] = _mm256_fmadd_ps (acc[i], mul, add);
  __m256 sum = acc[0];
  for (int i = 1; i < CHAINS; i++)
    sum = _mm256_add_ps (sum, acc[i]);
  float out[8];
  _mm256_storeu_ps (out, sum);
  return out[0];
}

__attribute__ ((target ("avx512f"))) static float
chains_512 (long rounds)
{
  __m512 acc[CHAINS];
  const __m512 mul = _mm512_set1_ps (0.999f), add = _mm512_set1_ps (0.001f);
  for (int i = 0; i < CHAINS; i++)
    acc[i] = _mm512_set1_ps ((float) i);
  for (long r = 0; r < rounds; r++)
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++)
      acc[i] = _mm512_fmadd_ps (acc[i], mul, add);
  __m512 sum = acc[0];
  for (int i = 1; i < CHAINS; i++)
    sum = _mm512_add_ps (sum, acc[i]);
  float out[16];
  _mm512_storeu_ps (out, sum);
  return out[0];
}

/* GFLOP/s of fn, run for about `seconds` (2 FLOP per lane per FMA). */
static double
measure (float (*fn) (long), int lanes, double seconds, float *sink)
{
  long rounds = 1000000;
  double t;
  for (;;)
    {
      double t0 = now ();
      *sink += fn (rounds);
      t = now () - t0;
      if (t >= seconds)
        break;
      rounds = t > 0.01 ? (long) ((double) rounds * seconds / t * 1.05) : rounds * 10;
    }
  return (double) rounds * CHAINS * lanes * 2 / t / 1e9;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? atof (argv[1]) : 1.0;
  float sink = 0.0f;
  if (!(seconds > 0.0))
    seconds = 1.0;
  __builtin_cpu_init ();
  if (!__builtin_cpu_supports ("avx2") || !__builtin_cpu_supports ("fma"))
    {
      printf ("no AVX2+FMA on this CPU\n");
      return 0;
    }
  double p256 = measure (chains_256, 8, seconds, &sink);
  printf ("AVX2+FMA (256-bit): %7.1f GFLOP/s on one core\n", p256);
  if (__builtin_cpu_supports ("avx512f"))
    {
      double p512 = measure (chains_512, 16, seconds, &sink);
      printf ("AVX-512F (512-bit): %7.1f GFLOP/s on one core (%.2f x AVX2)\n", p512, p512 / p256);
    }
  else
    printf ("AVX-512F: not on this CPU\n");
  return sink == 12345.0f ? 1 : 0;   /* keeps the sums alive */
}
