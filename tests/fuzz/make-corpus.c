/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * make-corpus.c — writes the fuzz targets' seed corpora: a few small valid
 * inputs per target and near-valid ones (truncated, one byte off, a wrong
 * count), deterministic, so the committed files can be regenerated:
 *
 *   build/tests/fuzz/fuzz-make-corpus tests/fuzz/corpus
 *
 * Layouts of the composite inputs are described in each target's source.
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cv-engine.h"
#include "convolve-dataset.h"
#include "fuzz-common.h"

static const char *out_root;

static void
put (const char *target, const char *name, const void *data, gsize len)
{
  g_autofree char *dir = g_build_filename (out_root, target, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (path, data, (gssize) len, &error))
    g_error ("%s", error->message);
}

/* ------------------------------------------------------------ models */

static GBytes *
model_bytes (const char *spec, const char *const *names, CvInputSpec input, guint64 seed)
{
  CvNet *net = NULL;
  CvError err = { CV_OK, "" };
  CvRng rng;
  CvModelInfo info = { NULL, 0, (char **) names, input };
  uint8_t *bytes = NULL;
  size_t len = 0;
  GBytes *out;

  if (cv_net_new (spec, &net, &err) != CV_OK)
    g_error ("%s: %s", spec, err.message);
  cv_rng_seed (&rng, seed);
  cv_net_init (net, &rng);
  info.n_classes = cv_net_n_classes (net);
  if (cv_model_to_bytes (net, &info, &bytes, &len) != CV_OK)
    g_error ("cannot write %s", spec);
  out = g_bytes_new (bytes, len);
  free (bytes);
  cv_net_free (net);
  return out;
}

static void
put_variant (const char *name, GBytes *base, gsize offset, guint8 value, gboolean fix)
{
  gsize len;
  g_autofree guint8 *p = g_memdup2 (g_bytes_get_data (base, &len), g_bytes_get_size (base));

  if (offset < len)
    p[offset] = value;
  if (fix)
    fuzz_fix_crc (p, len);
  put ("model-bytes", name, p, len);
}

static void
make_models (void)
{
  const char *const yes_no[] = { "yes", "no" };
  const char *const three[] = { "circle", "square", "triangle" };
  CvInputSpec plain = convolve_input_spec_plain ();
  CvInputSpec digits = convolve_input_spec_digits ();
  g_autoptr(GBytes) tiny = model_bytes ("4x4x1 flatten dense2 softmax", yes_no, plain, 1);
  g_autoptr(GBytes) small = model_bytes ("8x8x1 conv2k3 relu maxpool2 flatten dense3 softmax",
                                         three, digits, 2);
  g_autoptr(GBytes) pool = model_bytes ("6x6x2 avgpool2s1 conv3k2s2valid relu flatten dense2 softmax",
                                        yes_no, plain, 3);
  gsize len = g_bytes_get_size (tiny);
  const guint8 *p = g_bytes_get_data (tiny, NULL);

  put ("model-bytes", "tiny.cvm", p, len);
  put ("model-bytes", "small.cvm", g_bytes_get_data (small, NULL), g_bytes_get_size (small));
  put ("model-bytes", "pool.cvm", g_bytes_get_data (pool, NULL), g_bytes_get_size (pool));
  /* near-valid */
  put ("model-bytes", "tiny-truncated.cvm", p, len / 2);
  put ("model-bytes", "tiny-no-checksum.cvm", p, len - 4);
  put ("model-bytes", "magic-only.cvm", "CVMODEL1", 8);
  put ("model-bytes", "foreign.cvm", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  put_variant ("tiny-version2.cvm", tiny, 8, 2, TRUE);
  put_variant ("tiny-flags.cvm", tiny, 12, 1, TRUE);
  put_variant ("tiny-bad-crc.cvm", tiny, len - 5, 0x7f, FALSE);
  put_variant ("tiny-classes3.cvm", tiny, 20 + strlen ("4x4x1 flatten dense2 softmax"), 3, TRUE);
  put_variant ("tiny-nan-param.cvm", tiny, len - 5, 0xff, TRUE);   /* last float: 0x7f… or 0xff… */
  put_variant ("tiny-spec-typo.cvm", tiny, 20, '5', TRUE);          /* 5x4x1: params no longer fit */
}

/* ------------------------------------------------------------ specs */

static void
make_specs (void)
{
  static const char *const extra[] = {
    "16x16x1 conv8k3s1same relu pool2 conv16k3 relu pool2 flatten dense32 relu dense3 softmax",
    "28x28x1 conv6k5valid relu avgpool2 conv16k5valid relu avgpool2 flatten dense120 relu dense84 relu dense10 softmax",
    "3x3x1 dense2 softmax",
    "1x1x1 conv1k1 flatten dense2 softmax",
    "5x7x3 conv4k3s2same maxpool3s2 flatten dense4 softmax",
    "8x8x1 conv2k9valid relu dense2 softmax",
    "16x16x1 conv8k3 relu",
    "16x16x1 dense3 softmax dense2",
    "16x16x0 dense3 softmax",
    "99999x1x1 dense2 softmax",
    "16X16X1 CONV8K3 RELU FLATTEN DENSE3 SOFTMAX",
    "",
  };
  const char *const *names = cv_arch_names ();

  for (int i = 0; names[i] != NULL; i++)
    {
      const char *spec = cv_arch_spec (names[i]);
      g_autofree char *file = g_strdup_printf ("arch-%s.txt", names[i]);
      put ("spec", file, spec, strlen (spec));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (extra); i++)
    {
      g_autofree char *file = g_strdup_printf ("spec-%02" G_GSIZE_FORMAT ".txt", i);
      put ("spec", file, extra[i], strlen (extra[i]));
    }
}

/* ------------------------------------------------------------ IDX */

static GByteArray *
idx (guint8 ndims, const guint32 *dims, guint8 fill_mod)
{
  GByteArray *a = g_byte_array_new ();
  guint8 head[4] = { 0, 0, 8, ndims };
  gsize count = 1;

  g_byte_array_append (a, head, 4);
  for (int d = 0; d < ndims; d++)
    {
      guint8 be[4] = { dims[d] >> 24, dims[d] >> 16, dims[d] >> 8, dims[d] };
      g_byte_array_append (a, be, 4);
      count *= dims[d];
    }
  for (gsize i = 0; i < count; i++)
    {
      guint8 v = (guint8) (fill_mod ? i % fill_mod : (i * 37) & 0xff);
      g_byte_array_append (a, &v, 1);
    }
  return a;
}

static GByteArray *
gzip (const GByteArray *raw)
{
  g_autoptr(GZlibCompressor) conv = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  GByteArray *out = g_byte_array_new ();
  gsize nread = 0, nwritten = 0;

  g_byte_array_set_size (out, raw->len + 1024);
  if (g_converter_convert (G_CONVERTER (conv), raw->data, raw->len, out->data, out->len,
                           G_CONVERTER_INPUT_AT_END, &nread, &nwritten, NULL) != G_CONVERTER_FINISHED)
    g_error ("gzip");
  g_byte_array_set_size (out, (guint) nwritten);
  return out;
}

static void
put_idx_pair (const char *name, guint8 flags, const GByteArray *images, const GByteArray *labels)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  guint8 head[3] = { flags, images->len & 0xff, images->len >> 8 };

  g_byte_array_append (a, head, 3);
  g_byte_array_append (a, images->data, images->len);
  g_byte_array_append (a, labels->data, labels->len);
  put ("idx", name, a->data, a->len);
}

static void
make_idx (void)
{
  const guint32 d3[] = { 3, 4, 4 }, d4[] = { 2, 2, 2, 3 }, l3[] = { 3 }, l2[] = { 2 }, l4[] = { 4 };
  g_autoptr(GByteArray) img3 = idx (3, d3, 0);
  g_autoptr(GByteArray) img4 = idx (4, d4, 0);
  g_autoptr(GByteArray) lab3 = idx (1, l3, 3);
  g_autoptr(GByteArray) lab2 = idx (1, l2, 2);
  g_autoptr(GByteArray) lab4 = idx (1, l4, 3);
  g_autoptr(GByteArray) gz_img = gzip (img3);
  g_autoptr(GByteArray) gz_lab = gzip (lab3);
  g_autoptr(GByteArray) cut = g_byte_array_new ();
  g_autoptr(GByteArray) gz_cut = g_byte_array_new ();

  put_idx_pair ("plain-3d.idx", 0, img3, lab3);
  put_idx_pair ("plain-4d.idx", 0, img4, lab2);
  put_idx_pair ("named.idx", 4, img3, lab3);
  put_idx_pair ("by-path.idx", 8, img3, lab3);
  put_idx_pair ("fuzzer-gzips.idx", 3, img3, lab3);
  put_idx_pair ("raw-gzip.idx", 0, gz_img, gz_lab);
  put_idx_pair ("count-mismatch.idx", 0, img3, lab4);

  g_byte_array_append (cut, img3->data, img3->len - 5);
  put_idx_pair ("truncated.idx", 0, cut, lab3);
  g_byte_array_append (gz_cut, gz_img->data, gz_img->len - 6);
  put_idx_pair ("gzip-truncated.idx", 0, gz_cut, gz_lab);
  /* a header that claims 2^31 images of 28×28 */
  {
    const guint8 huge[] = { 0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3 };
    const guint8 huge_labels[] = { 0, 0, 8, 1, 0x80, 0, 0, 0, 1 };
    g_autoptr(GByteArray) hi = g_byte_array_new ();
    g_autoptr(GByteArray) hl = g_byte_array_new ();
    g_byte_array_append (hi, huge, sizeof huge);
    g_byte_array_append (hl, huge_labels, sizeof huge_labels);
    put_idx_pair ("claims-2g.idx", 0, hi, hl);
  }
}

/* ------------------------------------------------------------ pictures */

static void
put_gray (const char *name, int w, int h, guint8 flags, guint8 box, int out, const guint8 *px, gsize n)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  guint8 head[7] = { (w - 1) & 0xff, (w - 1) >> 8, (h - 1) & 0xff, (h - 1) >> 8,
                     (guint8) (out - 1), box, flags };

  g_byte_array_append (a, head, 7);
  g_byte_array_append (a, px, (guint) n);
  put ("preprocess", name, a->data, a->len);
}

static void
make_gray (void)
{
  guint8 img[40 * 30];
  float fl[10 * 10];

  /* dark ink on white: a slanted stroke and a speck */
  memset (img, 252, sizeof img);
  for (int y = 3; y < 27; y++)
    img[y * 40 + 12 + y / 3] = img[y * 40 + 13 + y / 3] = 0;
  img[2 * 40 + 35] = 0;
  put_gray ("stroke-digits.gray", 40, 30, 3, 20, 28, img, sizeof img);
  put_gray ("stroke-plain.gray", 40, 30, 0, 0, 16, img, sizeof img);
  /* light ink on black */
  for (gsize i = 0; i < sizeof img; i++)
    img[i] = 252 - img[i];
  put_gray ("inverted.gray", 40, 30, 1, 20, 28, img, sizeof img);
  /* NaN and infinities in the ink */
  img[10 * 40 + 15] = 0xfd;
  img[11 * 40 + 15] = 0xfe;
  img[12 * 40 + 15] = 0xff;
  put_gray ("nan-inf.gray", 40, 30, 3, 20, 28, img, sizeof img);
  /* blank, a single pixel, a 1×300 line */
  memset (img, 252, sizeof img);
  put_gray ("blank.gray", 40, 30, 1, 20, 28, img, sizeof img);
  put_gray ("one-pixel.gray", 1, 1, 1, 20, 28, (const guint8 *) "\0", 1);
  put_gray ("thin-line.gray", 300, 1, 3, 20, 28, (const guint8 *) "\0\374", 2);
  /* raw floats: a box of 5.0 with a NaN and −inf on a 0 background */
  for (int i = 0; i < 100; i++)
    fl[i] = (i / 10 > 2 && i / 10 < 7 && i % 10 > 2 && i % 10 < 7) ? 5.0f : 0.0f;
  fl[0] = NAN;
  fl[99] = -INFINITY;
  put_gray ("floats.gray", 10, 10, 7, 20, 28, (const guint8 *) fl, sizeof fl);
}

static void
put_png (const char *name, GdkPixbuf *pb)
{
  g_autofree char *buf = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (!gdk_pixbuf_save_to_buffer (pb, &buf, &len, "png", &error, NULL))
    g_error ("%s", error->message);
  put ("image", name, buf, len);
}

static void
make_png (void)
{
  g_autoptr(GdkPixbuf) rgb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 28, 28);
  g_autoptr(GdkPixbuf) rgba = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 20, 12);
  g_autoptr(GdkPixbuf) dot = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1, 1);

  gdk_pixbuf_fill (rgb, 0xffffffff);
  {
    guint8 *p = gdk_pixbuf_get_pixels (rgb);
    int stride = gdk_pixbuf_get_rowstride (rgb);
    for (int y = 4; y < 24; y++)
      memset (p + y * stride + 13 * 3, 0, 6);   /* a "1" */
  }
  put_png ("one.png", rgb);

  gdk_pixbuf_fill (rgba, 0x00000000);            /* transparent */
  {
    guint8 *p = gdk_pixbuf_get_pixels (rgba);
    int stride = gdk_pixbuf_get_rowstride (rgba);
    for (int x = 2; x < 18; x++)
      {
        guint8 *q = p + 6 * stride + x * 4;
        q[0] = q[1] = q[2] = 10;
        q[3] = 255;
      }
  }
  put_png ("dash-alpha.png", rgba);

  gdk_pixbuf_fill (dot, 0x000000ff);
  put_png ("dot.png", dot);
}

/* ------------------------------------------------------------ My classes */

static void
make_class_index (void)
{
  /* The sample files fuzz-class-index.c puts beside the index:
   * 1, 2 real drawings; 3 garbage; 4 empty; 5 a folder; 9 too large. */
  static const struct { const char *name, *text; } seeds[] = {
    { "good.ini",
      "[Classes]\nVersion=1\nCount=2\nNextSample=10\n\n"
      "[Class 0]\nName=cat\nSamples=sample-000001.png;\n\n"
      "[Class 1]\nName=dog\nSamples=sample-000002.png;sample-000001.png;\n" },
    { "every-bad-sample.ini",
      "[Classes]\nVersion=1\nCount=3\nNextSample=1\n"
      "[Class 0]\nName=a\nSamples=sample-000003.png;sample-000004.png;sample-000005.png;\n"
      "[Class 1]\nName=b\nSamples=sample-000009.png;missing.png;../sample-000001.png;.hidden.png;notes.txt;\n"
      "[Class 2]\nName=c\nSamples=/etc/passwd;sample-000002.png\n" },
    { "no-count.ini", "[Classes]\nVersion=1\n[Class 0]\nName=x\n" },
    { "count-huge.ini",
      "[Classes]\nCount=2147483647\nNextSample=18446744073709551615\n"
      "[Class 0]\nName=only\nSamples=sample-000001.png\n" },
    { "count-negative.ini", "[Classes]\nCount=-3\n" },
    { "names.ini",
      "[Classes]\nCount=4\n[Class 0]\nName=\n[Class 1]\nName=\\s\\n\\t\n"
      "[Class 2]\nName=\xc3\x28\n[Class 3]\nName[fr]=chat\nName=\xe2\x98\x83\nSamples=sample-000002.png\n" },
    { "not-ini.ini", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR" },
    { "empty.ini", "" },
    { "duplicate-groups.ini",
      "[Classes]\nCount=1\nCount=2\n[Class 0]\nName=a\n[Class 0]\nName=b\nSamples=sample-000001.png\n[Class 1]\nName=c\n" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    put ("class-index", seeds[i].name, seeds[i].text, strlen (seeds[i].text));
  /* "not-ini" holds a NUL: write its whole length */
  put ("class-index", "not-ini.ini", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      g_printerr ("usage: %s CORPUS-DIR\n", argv[0]);
      return 2;
    }
  out_root = argv[1];
  make_models ();
  make_specs ();
  make_idx ();
  make_gray ();
  make_png ();
  make_class_index ();
  return 0;
}
