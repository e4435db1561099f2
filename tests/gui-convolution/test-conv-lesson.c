/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lesson model against the engine: for every input preset × kernel
 * preset × stride × padding × activation (and a bias), the products, sums
 * and output cells the viewer shows equal the engine's Conv2D, ReLU and
 * max pool outputs; stepping rules; presets; words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>

#include "convolve-conv-lesson.h"

/* An independent network of the same geometry, built from its own spec:
 * conv [relu] [pool]. Returns the layer indices. */
static CvNet *
reference_net (int stride, gboolean same, gboolean relu, gboolean pool,
               const float *kernel, float bias, const float *input,
               int *relu_layer, int *pool_layer)
{
  g_autofree char *spec = g_strdup_printf ("8x8x1 conv1k3s%d%s%s%s flatten dense2 softmax",
                                           stride, same ? "same" : "valid",
                                           relu ? " relu" : "", pool ? " maxpool2" : "");
  CvNet *net = NULL;
  CvError err;
  const CvLayerInfo *conv;
  float *params;

  assert_int_equal (cv_net_new (spec, &net, &err), CV_OK);
  params = cv_net_params (net);
  memset (params, 0, cv_net_n_params (net) * sizeof (float));
  conv = cv_net_layer (net, 0);
  for (int k = 0; k < 9; k++)
    params[conv->param_offset + k] = kernel[k];
  params[conv->bias_offset] = bias;
  assert_int_equal (cv_net_forward (net, input, 1), CV_OK);
  *relu_layer = relu ? 1 : 0;
  *pool_layer = pool ? (relu ? 2 : 1) : -1;
  return net;
}

static void
check_lesson_against_engine (ConvolveConvLesson *lesson)
{
  int stride = convolve_conv_lesson_get_stride (lesson);
  gboolean same = convolve_conv_lesson_get_same (lesson);
  gboolean relu = convolve_conv_lesson_get_relu (lesson);
  int out = convolve_conv_lesson_get_out_size (lesson);
  int expected_out = same ? (8 + stride - 1) / stride : (8 - 3) / stride + 1;
  gboolean pool = out % 2 == 0;
  int pad = same ? ((out - 1) * stride + 3 - 8) / 2 : 0;
  const float *x = convolve_conv_lesson_get_input (lesson);
  const float *w = convolve_conv_lesson_get_kernel (lesson);
  float b = convolve_conv_lesson_get_bias (lesson);
  int relu_layer, pool_layer;
  CvNet *net;
  const float *ref_conv, *ref_act, *ref_pool;

  assert_int_equal (out, expected_out);
  assert_int_equal (convolve_conv_lesson_has_pool (lesson), pool);
  assert_int_equal (convolve_conv_lesson_get_pad_before (lesson), pad);

  net = reference_net (stride, same, relu, pool, w, b, x, &relu_layer, &pool_layer);
  ref_conv = cv_net_activation (net, 0);
  ref_act = cv_net_activation (net, relu_layer);

  for (int i = 0; i < out; i++)
    for (int j = 0; j < out; j++)
      {
        ConvolveConvStep st;
        float sum = 0.0f;

        convolve_conv_lesson_get_conv_step (lesson, i, j, &st);
        assert_int_equal (st.i, i);
        assert_int_equal (st.j, j);
        assert_int_equal (st.row0, i * stride - pad);
        assert_int_equal (st.col0, j * stride - pad);
        for (int m = 0; m < 3; m++)
          for (int q = 0; q < 3; q++)
            {
              int r = i * stride - pad + m, c = j * stride - pad + q, k = m * 3 + q;
              gboolean inside = r >= 0 && r < 8 && c >= 0 && c < 8;
              float xv = inside ? x[r * 8 + c] : 0.0f;

              assert_int_equal (st.padded[k], !inside);
              assert_true (st.x[k] == xv);
              assert_true (st.w[k] == w[k]);
              assert_true (st.products[k] == xv * w[k]);
              sum += st.products[k];
            }
        assert_true (st.sum == sum);
        assert_true (st.bias == b);
        /* The written-out arithmetic is the engine's cell. */
        assert_true (st.result == ref_conv[i * out + j]);
        assert_true (fabsf (st.sum + st.bias - st.result) <= 1e-5f * (1.0f + fabsf (st.sum)));
        assert_true (st.activated == ref_act[i * out + j]);
        assert_true (st.activated == (relu ? fmaxf (st.result, 0.0f) : st.result));
        assert_true (convolve_conv_lesson_get_conv_output (lesson)[i * out + j] == st.result);
      }

  if (pool)
    {
      int ps = out / 2;

      ref_pool = cv_net_activation (net, pool_layer);
      assert_int_equal (convolve_conv_lesson_get_pool_size (lesson), ps);
      for (int i = 0; i < ps; i++)
        for (int j = 0; j < ps; j++)
          {
            ConvolveConvPoolStep st;
            float m;

            convolve_conv_lesson_get_pool_step (lesson, i, j, &st);
            m = fmaxf (fmaxf (st.values[0], st.values[1]), fmaxf (st.values[2], st.values[3]));
            assert_true (st.result == ref_pool[i * ps + j]);
            assert_true (st.result == m);
            assert_true (st.values[st.winner] == m);
            for (int k = 0; k < st.winner; k++)
              assert_true (st.values[k] < m);
            assert_true (st.values[0] == ref_act[(2 * i) * out + 2 * j]);
            assert_true (st.values[3] == ref_act[(2 * i + 1) * out + 2 * j + 1]);
          }
      assert_int_equal (convolve_conv_lesson_get_n_positions (lesson),
                        out * out * (relu ? 2 : 1) + ps * ps);
    }
  else
    {
      assert_null (convolve_conv_lesson_get_pooled (lesson));
      assert_int_equal (convolve_conv_lesson_get_n_positions (lesson), out * out * (relu ? 2 : 1));
    }

  cv_net_free (net);
}

static void
test_every_preset_pair (void **state)
{
  g_autoptr(ConvolveConvLesson) lesson = convolve_conv_lesson_new ();
  int checked = 0;

  for (int in = 0; in < CONVOLVE_CONV_N_INPUT_PRESETS; in++)
    for (int kp = 0; kp < CONVOLVE_CONV_N_KERNEL_PRESETS; kp++)
      for (int stride = 1; stride <= 2; stride++)
        for (int same = 0; same <= 1; same++)
          for (int relu = 0; relu <= 1; relu++)
            for (int biased = 0; biased <= 1; biased++)
              {
                convolve_conv_lesson_set_input_preset (lesson, in, 42);
                convolve_conv_lesson_set_kernel_preset (lesson, kp);
                convolve_conv_lesson_set_stride (lesson, stride);
                convolve_conv_lesson_set_same (lesson, same);
                convolve_conv_lesson_set_relu (lesson, relu);
                convolve_conv_lesson_set_bias (lesson, biased ? -0.5f : 0.0f);
                check_lesson_against_engine (lesson);
                checked++;
              }
  assert_int_equal (checked, 7 * 7 * 2 * 2 * 2 * 2);
}

static void
test_learned_kernel (void **state)
{
  g_autoptr(ConvolveConvLesson) lesson = convolve_conv_lesson_new ();
  CvNet *net = NULL, *other = NULL;
  CvError err;
  CvRng rng;
  const CvLayerInfo *first;
  const float *params;

  assert_int_equal (cv_net_new ("16x16x1 conv4k3same relu maxpool2 flatten dense3 softmax",
                                &net, &err), CV_OK);
  cv_rng_seed (&rng, 7);
  cv_net_init (net, &rng);
  cv_net_params (net)[cv_net_layer (net, 0)->bias_offset + 2] = 0.25f;
  assert_int_equal (convolve_conv_learned_kernel_count (net), 4);

  assert_true (convolve_conv_lesson_set_learned_kernel (lesson, net, 2));
  first = cv_net_layer (net, 0);
  params = cv_net_params_const (net);
  for (int k = 0; k < 9; k++)
    assert_true (convolve_conv_lesson_get_kernel (lesson)[k] == params[first->param_offset + k * 4 + 2]);
  assert_true (convolve_conv_lesson_get_bias (lesson) == 0.25f);
  check_lesson_against_engine (lesson);

  assert_false (convolve_conv_lesson_set_learned_kernel (lesson, net, 4));
  assert_false (convolve_conv_lesson_set_learned_kernel (lesson, net, -1));

  /* A first layer of 5×5 kernels has no 3×3 kernels to show. */
  assert_int_equal (cv_net_new ("16x16x1 conv4k5 flatten dense3 softmax", &other, &err), CV_OK);
  assert_int_equal (convolve_conv_learned_kernel_count (other), 0);
  assert_int_equal (convolve_conv_learned_kernel_count (NULL), 0);

  cv_net_free (net);
  cv_net_free (other);
}

static void
test_stepping (void **state)
{
  g_autoptr(ConvolveConvLesson) lesson = convolve_conv_lesson_new ();
  int n;

  convolve_conv_lesson_set_stride (lesson, 1);
  convolve_conv_lesson_set_same (lesson, FALSE);
  n = convolve_conv_lesson_get_n_positions (lesson);
  /* The convolution, ReLU over the same 36 cells, then the 3×3 pool. */
  assert_int_equal (n, 36 + 36 + 9);
  assert_int_equal (convolve_conv_lesson_get_n_conv_positions (lesson), 36);
  assert_int_equal (convolve_conv_lesson_get_n_relu_positions (lesson), 36);

  /* prev at the first position stays there. */
  assert_int_equal (convolve_conv_lesson_get_position (lesson), 0);
  assert_false (convolve_conv_lesson_prev (lesson));
  assert_false (convolve_conv_lesson_first (lesson));
  assert_int_equal (convolve_conv_lesson_get_position (lesson), 0);

  assert_true (convolve_conv_lesson_next (lesson));
  assert_int_equal (convolve_conv_lesson_get_position (lesson), 1);
  assert_int_equal (convolve_conv_lesson_get_stage (lesson), CONVOLVE_CONV_STAGE_CONV);

  /* Row by row: position 6 is output cell (1, 0). */
  assert_true (convolve_conv_lesson_set_position (lesson, 6));
  assert_int_equal (convolve_conv_lesson_conv_position (lesson, 1, 0), 6);

  assert_true (convolve_conv_lesson_set_position (lesson, 35));
  assert_int_equal (convolve_conv_lesson_get_stage (lesson), CONVOLVE_CONV_STAGE_CONV);
  assert_true (convolve_conv_lesson_next (lesson));
  assert_int_equal (convolve_conv_lesson_get_stage (lesson), CONVOLVE_CONV_STAGE_RELU);
  assert_int_equal (convolve_conv_lesson_get_stage_index (lesson), 0);
  assert_int_equal (convolve_conv_lesson_relu_position (lesson, 1, 0), 42);
  assert_true (convolve_conv_lesson_set_position (lesson, 71));
  assert_int_equal (convolve_conv_lesson_get_stage (lesson), CONVOLVE_CONV_STAGE_RELU);
  assert_int_equal (convolve_conv_lesson_get_stage_index (lesson), 35);
  assert_true (convolve_conv_lesson_next (lesson));
  assert_int_equal (convolve_conv_lesson_get_stage (lesson), CONVOLVE_CONV_STAGE_POOL);
  assert_int_equal (convolve_conv_lesson_pool_position (lesson, 0, 0), 72);
  assert_int_equal (convolve_conv_lesson_get_stage_index (lesson), 0);

  /* Without ReLU there is no ReLU stage: the pool follows the convolution. */
  convolve_conv_lesson_set_relu (lesson, FALSE);
  assert_int_equal (convolve_conv_lesson_get_n_positions (lesson), 36 + 9);
  assert_int_equal (convolve_conv_lesson_relu_position (lesson, 0, 0), -1);
  assert_int_equal (convolve_conv_lesson_pool_position (lesson, 0, 0), 36);
  convolve_conv_lesson_set_relu (lesson, TRUE);
  n = convolve_conv_lesson_get_n_positions (lesson);

  /* next at the last position stays there; advance wraps. */
  assert_true (convolve_conv_lesson_last (lesson));
  assert_int_equal (convolve_conv_lesson_get_position (lesson), n - 1);
  assert_false (convolve_conv_lesson_next (lesson));
  assert_false (convolve_conv_lesson_last (lesson));
  assert_int_equal (convolve_conv_lesson_get_position (lesson), n - 1);
  convolve_conv_lesson_advance (lesson);
  assert_int_equal (convolve_conv_lesson_get_position (lesson), 0);
  convolve_conv_lesson_advance (lesson);
  assert_int_equal (convolve_conv_lesson_get_position (lesson), 1);

  /* Out-of-range positions clamp. */
  convolve_conv_lesson_set_position (lesson, -5);
  assert_int_equal (convolve_conv_lesson_get_position (lesson), 0);
  convolve_conv_lesson_set_position (lesson, 1000);
  assert_int_equal (convolve_conv_lesson_get_position (lesson), n - 1);

  /* A smaller map clamps the position into its range: valid, stride 2 is
   * 3×3 without a pool (9 convolution and 9 ReLU positions). */
  convolve_conv_lesson_set_stride (lesson, 2);
  assert_int_equal (convolve_conv_lesson_get_n_positions (lesson), 9 + 9);
  assert_int_equal (convolve_conv_lesson_get_position (lesson), 17);
  assert_false (convolve_conv_lesson_has_pool (lesson));
}

static void
test_output_size_text (void **state)
{
  g_autoptr(ConvolveConvLesson) lesson = convolve_conv_lesson_new ();
  char *text;

  text = convolve_conv_lesson_format_output_size (lesson);
  assert_string_equal (text, "(8 − 3 + 2·0) / 1 + 1 = 6");
  g_free (text);

  convolve_conv_lesson_set_same (lesson, TRUE);
  text = convolve_conv_lesson_format_output_size (lesson);
  assert_string_equal (text, "(8 − 3 + 2·1) / 1 + 1 = 8");
  g_free (text);

  convolve_conv_lesson_set_stride (lesson, 2);
  text = convolve_conv_lesson_format_output_size (lesson);
  assert_string_equal (text, "(8 − 3 + 0 + 1) / 2 + 1 = 4");
  g_free (text);

  convolve_conv_lesson_set_same (lesson, FALSE);
  text = convolve_conv_lesson_format_output_size (lesson);
  assert_string_equal (text, "⌊(8 − 3 + 2·0) / 2⌋ + 1 = 3");
  g_free (text);
}

static void
test_words (void **state)
{
  g_autoptr(ConvolveConvLesson) lesson = convolve_conv_lesson_new ();
  char buf[16];
  char *text;

  assert_string_equal (convolve_conv_format_value (-0.25f, buf, sizeof buf), "−0.25");
  assert_string_equal (convolve_conv_format_value (1.0f, buf, sizeof buf), "1");
  assert_string_equal (convolve_conv_format_value (0.5f, buf, sizeof buf), "0.5");
  assert_string_equal (convolve_conv_format_value (-0.001f, buf, sizeof buf), "0");
  assert_string_equal (convolve_conv_format_value (0.111f, buf, sizeof buf), "0.11");
  assert_string_equal (convolve_conv_format_value (12.0f, buf, sizeof buf), "12");

  /* Square and vertical edge at (0, 0): the patch is rows 0–2, columns
   * 0–2; only (2, 2) is ink, times −1. */
  convolve_conv_lesson_set_input_preset (lesson, CONVOLVE_CONV_INPUT_SQUARE, 0);
  convolve_conv_lesson_set_kernel_preset (lesson, CONVOLVE_CONV_KERNEL_VERTICAL_EDGE);
  text = convolve_conv_lesson_format_equation (lesson);
  assert_string_equal (text, "y[0, 0] = Σ x·w + b = −1 + 0 = −1");
  g_free (text);

  text = convolve_conv_lesson_describe_step (lesson);
  assert_non_null (strstr (text, "Step 1 of 81."));
  g_free (text);

  /* ReLU, cell by cell, with the engine's numbers. */
  convolve_conv_lesson_set_position (lesson, convolve_conv_lesson_relu_position (lesson, 0, 0));
  text = convolve_conv_lesson_format_equation (lesson);
  assert_string_equal (text, "a[0, 0] = ReLU(y[0, 0]) = max(0, −1) = 0");
  g_free (text);
  text = convolve_conv_lesson_describe_step (lesson);
  assert_non_null (strstr (text, "Step 37 of 81."));
  assert_non_null (strstr (text, "Cell y[0, 0] of the feature map holds −1."));
  assert_non_null (strstr (text, "ReLU turns the negative −1 into 0."));
  g_free (text);

  convolve_conv_lesson_set_position (lesson, convolve_conv_lesson_pool_position (lesson, 0, 0));
  text = convolve_conv_lesson_format_equation (lesson);
  assert_true (g_str_has_prefix (text, "p[0, 0] = max("));
  g_free (text);
  text = convolve_conv_lesson_describe_step (lesson);
  assert_non_null (strstr (text, "from 6×6 to 3×3"));
  g_free (text);

  for (int k = 0; k < CONVOLVE_CONV_N_KERNEL_PRESETS; k++)
    assert_true (strlen (convolve_conv_kernel_preset_name (k)) > 0);
  for (int k = 0; k < CONVOLVE_CONV_N_INPUT_PRESETS; k++)
    assert_true (strlen (convolve_conv_input_preset_name (k)) > 0);
}

static void
test_input_presets (void **state)
{
  g_autoptr(ConvolveConvLesson) a = convolve_conv_lesson_new ();
  g_autoptr(ConvolveConvLesson) b = convolve_conv_lesson_new ();
  float gray[32 * 32];
  const float *x;
  float ink = 0.0f, left = 0.0f, right = 0.0f;

  /* Random is seeded: the same seed gives the same grid, values in quarters. */
  convolve_conv_lesson_set_input_preset (a, CONVOLVE_CONV_INPUT_RANDOM, 5);
  convolve_conv_lesson_set_input_preset (b, CONVOLVE_CONV_INPUT_RANDOM, 5);
  assert_memory_equal (convolve_conv_lesson_get_input (a), convolve_conv_lesson_get_input (b),
                       64 * sizeof (float));
  for (int k = 0; k < 64; k++)
    {
      float v = convolve_conv_lesson_get_input (a)[k] * 4.0f;
      assert_true (v == floorf (v) && v >= 0.0f && v <= 4.0f);
    }

  convolve_conv_lesson_set_input_preset (a, CONVOLVE_CONV_INPUT_VERTICAL_BAR, 0);
  x = convolve_conv_lesson_get_input (a);
  assert_true (x[1 * 8 + 3] == 1.0f && x[1 * 8 + 2] == 0.0f);

  convolve_conv_lesson_set_input_preset (a, CONVOLVE_CONV_INPUT_EMPTY, 0);
  for (int k = 0; k < 64; k++)
    assert_true (convolve_conv_lesson_get_input (a)[k] == 0.0f);

  /* A drawing: dark ink (a vertical stroke) on white paper. */
  for (int y = 0; y < 32; y++)
    for (int xx = 0; xx < 32; xx++)
      gray[y * 32 + xx] = (xx >= 14 && xx <= 17 && y >= 4 && y <= 27) ? 0.0f : 1.0f;
  assert_true (convolve_conv_lesson_set_input_from_gray (a, gray, 32, 32));
  x = convolve_conv_lesson_get_input (a);
  for (int r = 0; r < 8; r++)
    for (int c = 0; c < 8; c++)
      {
        ink += x[r * 8 + c];
        if (c < 2) left += x[r * 8 + c];
        if (c > 5) right += x[r * 8 + c];
      }
  assert_true (ink > 2.0f);
  assert_true (left == 0.0f && right == 0.0f);
  check_lesson_against_engine (a);

  /* Blank paper: nothing drawn, an empty input. */
  for (int k = 0; k < 32 * 32; k++)
    gray[k] = 1.0f;
  assert_false (convolve_conv_lesson_set_input_from_gray (a, gray, 32, 32));
  for (int k = 0; k < 64; k++)
    assert_true (convolve_conv_lesson_get_input (a)[k] == 0.0f);

  /* Edits are clamped to 0…1 and reach the engine. */
  convolve_conv_lesson_set_input_cell (a, 2, 3, 7.0f);
  assert_true (convolve_conv_lesson_get_input (a)[2 * 8 + 3] == 1.0f);
  convolve_conv_lesson_set_kernel_cell (a, 4, 2.0f);
  check_lesson_against_engine (a);

  convolve_conv_lesson_copy_settings (b, a);
  assert_memory_equal (convolve_conv_lesson_get_input (a), convolve_conv_lesson_get_input (b),
                       64 * sizeof (float));
  assert_memory_equal (convolve_conv_lesson_get_kernel (a), convolve_conv_lesson_get_kernel (b),
                       9 * sizeof (float));
}

int
main (int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_every_preset_pair),
    cmocka_unit_test (test_learned_kernel),
    cmocka_unit_test (test_stepping),
    cmocka_unit_test (test_output_size_text),
    cmocka_unit_test (test_words),
    cmocka_unit_test (test_input_presets),
  };

  return cmocka_run_group_tests_name ("convolution/lesson", tests, NULL, NULL);
}
