/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-common.h — small helpers shared by the fuzz targets (header-only,
 * static inline: each target is one translation unit).
 */
#pragma once

#include <string.h>
#include <glib.h>

#include "cv-engine.h"

/* Whether AddressSanitizer is in (gcc says it one way, clang another). */
#if defined(__SANITIZE_ADDRESS__)
# define FUZZ_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define FUZZ_ASAN 1
# endif
#endif
#ifndef FUZZ_ASAN
# define FUZZ_ASAN 0
#endif

/* CRC-32 (IEEE, as zlib), the model format's checksum. */
static inline guint32
fuzz_crc32 (const guint8 *p, gsize len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= p[i];
      for (int k = 0; k < 8; k++)
        crc = (crc & 1) ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
    }
  return crc ^ 0xffffffffu;
}

/* Rewrites the last four bytes as the CRC of the rest, so that mutated
 * model bytes get past the checksum and reach the checks behind it. */
static inline void
fuzz_fix_crc (guint8 *p, gsize len)
{
  guint32 crc;

  if (len < 4)
    return;
  crc = fuzz_crc32 (p, len - 4);
  p[len - 4] = (guint8) crc;
  p[len - 3] = (guint8) (crc >> 8);
  p[len - 2] = (guint8) (crc >> 16);
  p[len - 1] = (guint8) (crc >> 24);
}

/* Floats a forward pass would hold per sample, summed over layers: the
 * targets only run small networks, so one input never takes seconds. */
static inline gsize
fuzz_net_activation_floats (const CvNet *net)
{
  gsize total = cv_shape_size (cv_net_input_shape (net));

  for (int i = 0; i < cv_net_n_layers (net); i++)
    total += cv_shape_size (cv_net_layer (net, i)->out);
  return total;
}

/* An engine message: NUL-terminated inside its buffer and not empty. */
static inline gboolean
fuzz_message_ok (const CvError *err)
{
  return memchr (err->message, '\0', sizeof err->message) != NULL && err->message[0] != '\0';
}

/* Strict mode: no workaround for the known open bugs (see fuzz-replay.c).
 * The should_fail tests of the open bugs' inputs turn it on. */
static inline gboolean
fuzz_strict (void)
{
  return g_strcmp0 (g_getenv ("CONVOLVE_FUZZ_OPEN_BUGS"), "1") == 0;
}

/* A buffer of n floats followed by a guard band, so that writing past n
 * is caught in every build, with or without a sanitizer. */
#define FUZZ_GUARD 1024
#define FUZZ_GUARD_VALUE (-12345.0f)

static inline float *
fuzz_guarded_new (gsize n)
{
  float *p = g_new0 (float, n + FUZZ_GUARD);
  for (gsize i = n; i < n + FUZZ_GUARD; i++)
    p[i] = FUZZ_GUARD_VALUE;
  return p;
}

static inline gboolean
fuzz_guard_intact (const float *p, gsize n)
{
  for (gsize i = n; i < n + FUZZ_GUARD; i++)
    if (p[i] != FUZZ_GUARD_VALUE)
      return FALSE;
  return TRUE;
}
