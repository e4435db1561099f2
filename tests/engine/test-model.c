/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-model.c — model bytes: round trip, truncation, corruption, foreign
 * and hostile bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "test-engine.h"

/* ------------------------------------------------- watching allocations
 *
 * The program is linked with --wrap for the allocator (see meson.build), so
 * every allocation the engine makes passes here; a test can then assert that
 * reading hostile bytes never asked for more than the bytes could justify.
 */
void *__real_malloc (size_t size);
void *__real_calloc (size_t n, size_t size);
void *__real_realloc (void *p, size_t size);
void *__real_aligned_alloc (size_t alignment, size_t size);
void *__wrap_malloc (size_t size);
void *__wrap_calloc (size_t n, size_t size);
void *__wrap_realloc (void *p, size_t size);
void *__wrap_aligned_alloc (size_t alignment, size_t size);

static size_t largest_request;

static void
note (size_t size)
{
  if (size > largest_request)
    largest_request = size;
}

void *__wrap_malloc (size_t size) { note (size); return __real_malloc (size); }
void *__wrap_realloc (void *p, size_t size) { note (size); return __real_realloc (p, size); }
void *__wrap_aligned_alloc (size_t alignment, size_t size)
{
  note (size);
  return __real_aligned_alloc (alignment, size);
}
void *__wrap_calloc (size_t n, size_t size)
{
  note (size != 0 && n > SIZE_MAX / size ? SIZE_MAX : n * size);
  return __real_calloc (n, size);
}

/* The parsed spec the reader keeps while it checks the bytes is a fixed
 * ~24 KiB; anything else must be paid for by the bytes themselves. */
#define FIXED_ALLOWANCE ((size_t) 64 * 1024)

static const char *const shape_names[] = { "circle", "square", "tri\xc3\xa1ngulo" };

static CvNet *
make_net (uint64_t seed)
{
  CvNet *net = NULL;
  assert_int_equal (cv_net_new (cv_arch_spec ("shapes"), &net, NULL), CV_OK);
  CvRng rng;
  cv_rng_seed (&rng, seed);
  cv_net_init (net, &rng);
  /* Non-zero biases, so they are part of what round-trips. */
  float *p = cv_net_params (net);
  for (int i = 0; i < cv_net_n_layers (net); i++)
    {
      const CvLayerInfo *L = cv_net_layer (net, i);
      for (size_t t = L->bias_offset; t < L->param_offset + L->n_params; t++)
        p[t] = cv_rng_normal (&rng);
    }
  return net;
}

static void
make_bytes (CvNet *net, uint8_t **bytes, size_t *len)
{
  CvModelInfo info = {
    .spec = NULL,
    .n_classes = 3,
    .class_names = (char **) shape_names,
    .input = { 12, 1, 0, 0.25f, 2.5f },
  };
  assert_int_equal (cv_model_to_bytes (net, &info, bytes, len), CV_OK);
}

static void
test_round_trip (void **state)
{
  CvNet *net = make_net (1);
  uint8_t *bytes;
  size_t len;
  make_bytes (net, &bytes, &len);
  assert_memory_equal (bytes, "CVMODEL1", 8);

  CvNet *back = NULL;
  CvModelInfo info;
  CvError err;
  largest_request = 0;
  assert_int_equal (cv_model_from_bytes (bytes, len, &back, &info, &err), CV_OK);
  assert_true (largest_request <= len);   /* the arena: 9,571 floats */
  assert_true (largest_request >= 9571 * sizeof (float));   /* the watch works */
  assert_string_equal (cv_net_spec (back), cv_net_spec (net));
  assert_memory_equal (cv_net_params (back), cv_net_params (net), sizeof (float) * 9571);
  assert_string_equal (info.spec, cv_arch_spec ("shapes"));
  assert_int_equal (info.n_classes, 3);
  for (int i = 0; i < 3; i++)
    assert_string_equal (info.class_names[i], shape_names[i]);
  assert_int_equal (info.input.box, 12);
  assert_int_equal (info.input.center_of_mass, 1);
  assert_int_equal (info.input.deskew, 0);
  assert_float_equal (info.input.mean, 0.25f, 0);
  assert_float_equal (info.input.scale, 2.5f, 0);

  /* Writing what was read gives the same bytes. */
  uint8_t *again;
  size_t again_len;
  assert_int_equal (cv_model_to_bytes (back, &info, &again, &again_len), CV_OK);
  assert_int_equal (again_len, len);
  assert_memory_equal (again, bytes, len);

  /* Without info: class names are the label numbers. */
  free (again);
  cv_model_info_clear (&info);
  assert_int_equal (cv_model_to_bytes (back, NULL, &again, &again_len), CV_OK);
  assert_int_equal (cv_model_from_bytes (again, again_len, NULL, &info, &err), CV_OK);
  assert_string_equal (info.class_names[2], "2");
  assert_float_equal (info.input.scale, 1.0f, 0);
  cv_model_info_clear (&info);
  cv_model_info_clear (&info);

  free (again);
  free (bytes);
  cv_net_free (back);
  cv_net_free (net);
}

static void
test_every_truncation (void **state)
{
  CvNet *net = make_net (2);
  uint8_t *bytes;
  size_t len;
  make_bytes (net, &bytes, &len);
  for (size_t cut = 0; cut < len; cut++)
    {
      /* A fresh allocation of exactly `cut` bytes, so ASan sees any overread. */
      uint8_t *part = malloc (cut > 0 ? cut : 1);
      memcpy (part, bytes, cut);
      CvNet *back = (CvNet *) 0x1;
      CvModelInfo info;
      CvError err = { CV_OK, "" };
      largest_request = 0;
      CvStatus status = cv_model_from_bytes (part, cut, &back, &info, &err);
      assert_true (largest_request <= FIXED_ALLOWANCE);
      assert_int_not_equal (status, CV_OK);
      assert_int_equal (err.status, status);
      assert_true (status == CV_ERR_TRUNCATED || status == CV_ERR_CHECKSUM || status == CV_ERR_CORRUPT);
      assert_true (strlen (err.message) > 10);
      assert_null (back);
      assert_null (info.spec);
      assert_null (info.class_names);
      free (part);
    }
  free (bytes);
  cv_net_free (net);
}

static void
test_random_corruption (void **state)
{
  CvNet *net = make_net (3);
  uint8_t *bytes;
  size_t len;
  make_bytes (net, &bytes, &len);
  uint8_t *copy = malloc (len);
  CvRng rng;
  cv_rng_seed (&rng, 1000);
  int by_status[CV_ERR_DIVERGED + 1] = { 0 };

  for (int round = 0; round < 1000; round++)
    {
      memcpy (copy, bytes, len);
      int edits = 1 + (int) cv_rng_below (&rng, 4);
      for (int e = 0; e < edits; e++)
        {
          /* Half the edits land in the first 128 bytes, where the structure is. */
          size_t at = cv_rng_below (&rng, 2) ? cv_rng_below (&rng, 128) : cv_rng_below (&rng, (uint32_t) len);
          if (cv_rng_below (&rng, 2))
            copy[at] ^= (uint8_t) (1u << cv_rng_below (&rng, 8));
          else
            copy[at] = (uint8_t) cv_rng_below (&rng, 256);
        }
      if (memcmp (copy, bytes, len) == 0)
        copy[cv_rng_below (&rng, (uint32_t) len)] ^= 0x80;   /* make sure something changed */

      CvNet *back = NULL;
      CvModelInfo info;
      CvError err = { CV_OK, "" };
      largest_request = 0;
      CvStatus status = cv_model_from_bytes (copy, len, &back, &info, &err);
      assert_true (largest_request <= FIXED_ALLOWANCE);
      assert_int_not_equal (status, CV_OK);
      assert_null (back);
      assert_true (err.message[0] != '\0');
      by_status[status]++;
    }
  print_message ("1000 corruptions: magic %d, version %d, truncated %d, corrupt %d, checksum %d\n",
                 by_status[CV_ERR_MAGIC], by_status[CV_ERR_VERSION], by_status[CV_ERR_TRUNCATED],
                 by_status[CV_ERR_CORRUPT], by_status[CV_ERR_CHECKSUM]);
  free (copy);
  free (bytes);
  cv_net_free (net);
}

/* ---------------------------------------------------- hand-made bytes */

typedef struct {
  uint8_t b[512];
  size_t len;
} Buf;

static void
put (Buf *b, const void *data, size_t len)
{
  memcpy (b->b + b->len, data, len);
  b->len += len;
}

static void
put32 (Buf *b, uint32_t v)
{
  uint8_t le[4] = { (uint8_t) v, (uint8_t) (v >> 8), (uint8_t) (v >> 16), (uint8_t) (v >> 24) };
  put (b, le, 4);
}

static CvStatus
read_status (const Buf *b, CvError *err)
{
  CvNet *net = NULL;
  CvModelInfo info;
  largest_request = 0;
  CvStatus status = cv_model_from_bytes (b->b, b->len, &net, &info, err);
  assert_true (largest_request <= FIXED_ALLOWANCE);
  assert_null (net);
  assert_int_equal (err->status, status);
  return status;
}

static void
header (Buf *b, uint32_t version)
{
  b->len = 0;
  put (b, "CVMODEL1", 8);
  put32 (b, version);
  put32 (b, 0);
}

static void
test_foreign_bytes (void **state)
{
  CvError err;
  Buf b = { { 0 }, 0 };

  put (&b, "\x89PNG\r\n\x1a\n and then some more bytes", 30);
  assert_int_equal (read_status (&b, &err), CV_ERR_MAGIC);
  b.len = 3;
  assert_int_equal (read_status (&b, &err), CV_ERR_MAGIC);
  b.len = 0;
  put (&b, "CVM", 3);
  assert_int_equal (read_status (&b, &err), CV_ERR_TRUNCATED);
  assert_int_equal (cv_model_from_bytes (NULL, 0, NULL, NULL, &err), CV_ERR_TRUNCATED);

  header (&b, 2);
  put32 (&b, 0);
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_VERSION);
  assert_non_null (strstr (err.message, "version 2"));
  header (&b, 0xffffffffu);
  assert_int_equal (read_status (&b, &err), CV_ERR_VERSION);
}

/* Counts that would need gigabytes are refused from the bytes at hand. */
static void
test_huge_counts (void **state)
{
  CvError err;
  Buf b;

  header (&b, 1);
  put32 (&b, 0xfffffff0u);             /* spec length */
  put32 (&b, 0);                       /* (checksum stand-in) */
  assert_int_equal (read_status (&b, &err), CV_ERR_CORRUPT);

  header (&b, 1);
  put32 (&b, 4000);                    /* plausible, but the bytes end */
  put (&b, "16x16x1", 7);
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_TRUNCATED);

  const char *spec = "4x4x1 dense2 softmax";
  header (&b, 1);
  put32 (&b, (uint32_t) strlen (spec));
  put (&b, spec, strlen (spec));
  put32 (&b, 0x7fffffffu);             /* classes */
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_CORRUPT);

  header (&b, 1);
  put32 (&b, (uint32_t) strlen (spec));
  put (&b, spec, strlen (spec));
  put32 (&b, 2);
  put32 (&b, 0xffffff00u);             /* a class name's length */
  put32 (&b, 0);
  put32 (&b, 0);
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_CORRUPT);

  /* A name that is not UTF-8 (an overlong '/') is refused. */
  header (&b, 1);
  put32 (&b, (uint32_t) strlen (spec));
  put (&b, spec, strlen (spec));
  put32 (&b, 2);
  put32 (&b, 2); put (&b, "\xc0\xaf", 2);
  put32 (&b, 1); put (&b, "b", 1);
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_CORRUPT);
  assert_non_null (strstr (err.message, "UTF-8"));

  header (&b, 1);
  put32 (&b, (uint32_t) strlen (spec));
  put (&b, spec, strlen (spec));
  put32 (&b, 200);                     /* 200 names claimed, 1 present */
  put32 (&b, 1);
  put (&b, "a", 1);
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_TRUNCATED);

  header (&b, 1);
  put32 (&b, (uint32_t) strlen (spec));
  put (&b, spec, strlen (spec));
  put32 (&b, 2);
  put32 (&b, 1); put (&b, "a", 1);
  put32 (&b, 1); put (&b, "b", 1);
  put32 (&b, 20);
  put32 (&b, 0); put32 (&b, 0); put32 (&b, 0); put32 (&b, 0); put32 (&b, 0x3f800000u);
  put32 (&b, 60000000u);               /* parameters: 240 MB claimed */
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_TRUNCATED);
  b.len -= 8;
  put32 (&b, 0xffffffffu);             /* beyond any sane network */
  put32 (&b, 0);
  assert_int_equal (read_status (&b, &err), CV_ERR_CORRUPT);
}

/* A consistent file whose spec asks for an absurd network is refused
 * because its parameters are not there, before anything is allocated. */
static void
test_spec_mismatch (void **state)
{
  CvNet *net = make_net (4);
  uint8_t *bytes;
  size_t len;
  make_bytes (net, &bytes, &len);
  CvNet *other = NULL;
  assert_int_equal (cv_net_new ("16x16x1 conv8k3same relu maxpool2 conv16k3same relu maxpool2 flatten dense32 relu dense4 softmax",
                                &other, NULL), CV_OK);
  CvModelInfo info = { NULL, 3, (char **) shape_names, { 0, 0, 0, 0.0f, 1.0f } };
  uint8_t *b2;
  size_t l2;
  assert_int_equal (cv_model_to_bytes (other, &info, &b2, &l2), CV_ERR_ARG);   /* 3 names, 4 classes */
  cv_net_free (other);
  free (bytes);
  cv_net_free (net);
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    CV_TEST ("engine/model/round-trip", test_round_trip),
    CV_TEST ("engine/model/truncation", test_every_truncation),
    CV_TEST ("engine/model/corruption", test_random_corruption),
    CV_TEST ("engine/model/foreign", test_foreign_bytes),
    CV_TEST ("engine/model/huge-counts", test_huge_counts),
    CV_TEST ("engine/model/spec-mismatch", test_spec_mismatch),
  };
  return CV_TEST_MAIN ("engine/model", tests);
}
