/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-target.h — what every fuzz target defines.
 *
 * The same source builds two ways: linked with libFuzzer (-Dfuzzing=true
 * with clang), where libFuzzer calls these two functions; and linked with
 * fuzz-replay.c in every ordinary build, where a plain main() feeds them
 * each file of the seed corpus and of the regressions, so every input that
 * once crashed stays a test everywhere.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Called once before the first input. */
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* Called for each input. Returns 0; a bug shows as a crash or a failed
 * FUZZ_CHECK (which aborts). */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#include <stdio.h>
#include <stdlib.h>

/* An invariant of the code under test. Unlike assert(), never compiled
 * out: the release build replays the regressions too. */
#define FUZZ_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond))                                                           \
      {                                                                    \
        fprintf (stderr, "%s:%d: invariant failed: %s\n",                  \
                 __FILE__, __LINE__, #cond);                               \
        abort ();                                                          \
      }                                                                    \
  } while (0)
