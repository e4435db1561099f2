/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cv-rng.c — xoshiro256** (Blackman & Vigna) seeded through splitmix64.
 *
 * The state is a value the caller owns, so two threads never share one and
 * a run is reproducible from its seed.
 */
#include <math.h>

#include "cv-engine.h"

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += UINT64_C (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
cv_rng_seed (CvRng *rng, uint64_t seed)
{
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

uint64_t
cv_rng_u64 (CvRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Lemire's multiply-and-reject: unbiased for every n. */
uint32_t
cv_rng_below (CvRng *rng, uint32_t n)
{
  if (n == 0)
    return 0;
  uint64_t m = (cv_rng_u64 (rng) >> 32) * (uint64_t) n;
  uint32_t low = (uint32_t) m;
  if (low < n)
    {
      uint32_t threshold = (uint32_t) (-n) % n;
      while (low < threshold)
        {
          m = (cv_rng_u64 (rng) >> 32) * (uint64_t) n;
          low = (uint32_t) m;
        }
    }
  return (uint32_t) (m >> 32);
}

/* The top 24 bits: every value is exactly representable, never 1. */
float
cv_rng_uniform (CvRng *rng)
{
  return (float) (cv_rng_u64 (rng) >> 40) * (1.0f / 16777216.0f);
}

/* Box–Muller on two fresh uniforms; the second normal is dropped so that the
 * generator carries no hidden state beyond s[4]. */
float
cv_rng_normal (CvRng *rng)
{
  double u1 = ((double) (cv_rng_u64 (rng) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  double u2 = (double) (cv_rng_u64 (rng) >> 11) * (1.0 / 9007199254740992.0);
  return (float) (sqrt (-2.0 * log (u1)) * cos (6.283185307179586 * u2));
}

/* Fisher–Yates. */
void
cv_rng_shuffle (CvRng *rng, uint32_t *items, uint32_t n)
{
  for (uint32_t i = n; i > 1; i--)
    {
      uint32_t j = cv_rng_below (rng, i);
      uint32_t t = items[i - 1];
      items[i - 1] = items[j];
      items[j] = t;
    }
}
