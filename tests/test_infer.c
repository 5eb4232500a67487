/* test_infer: the workers' acting kernel (src/infer.c: transposed weights, SSE2/AVX2/AVX-512
 * versions picked by the CPU) against mlp_infer, bit for bit, and its bytes_read count. */
#include "helpers.h"

#include <math.h>

#include "infer.h"
#include "mlp.h"
#include "rng.h"

/* the workers' acting kernel (transposed weights, multiversioned SSE2/AVX2/AVX-512 blocks
 * chosen by the CPU) returns exactly the bits of mlp_infer, on the half-cheetah actor's
 * shape and on one whose widths leave partial blocks */
START_TEST(test_infer_bit_identical) {
  int shapes[2][4] = {{17, 256, 256, 6}, {11, 40, 33, 2}};
  Activation act[] = {ACT_RELU, ACT_RELU, ACT_TANH};
  for (int s = 0; s < 2; s++) {
    Mlp m;
    mlp_init(&m, 3, shapes[s], act, 1, 1);
    Rng r;
    rng_init(&r, 11 + (uint64_t)s, 0);
    mlp_init_params(&m, &r);
    Infer f;
    infer_init(&f, &m);
    infer_load(&f, m.params);
    float x[17], y0[6], y1[6], scratch[512];
    int mismatches = 0, bytes_wrong = 0;
    for (int n = 0; n < 300; n++) {
      for (int i = 0; i < shapes[s][0]; i++) x[i] = (float)rng_range(&r, -3, 3);
      /* inputs that are exactly ±0 (skipped by the gather) and a NaN (kept at the input,
       * then dropped by ReLU in both paths) */
      if (n % 3 == 0)
        for (int i = n % 2; i < shapes[s][0]; i += 3) x[i] = i % 2 ? 0.0f : -0.0f;
      if (n == 7) x[shapes[s][0] - 1] = NAN;
      mlp_infer(&m, m.params, x, y0, scratch);
      infer_run(&f, x, y1);
      mismatches += memcmp(y0, y1, sizeof(float) * (size_t)shapes[s][3]) != 0;
      /* bytes_read (bench's act_weight_kb_worker): a padded weight row per input that is
       * not zero, i.e. the nonzero inputs and the positive hidden units (mlp_infer leaves
       * h1 and h2 in its scratch) */
      const float *h[3] = {x, scratch, scratch + mlp_max_width(&m)};
      size_t rows_bytes = 0;
      for (int l = 0; l < 3; l++) {
        int n_in = 0;
        for (int i = 0; i < shapes[s][l]; i++) n_in += l == 0 ? h[l][i] != 0.0f : h[l][i] > 0.0f;
        rows_bytes += (size_t)n_in * (size_t)((shapes[s][l + 1] + 7) / 8 * 8) * sizeof(float);
      }
      bytes_wrong += f.bytes_read != rows_bytes;
    }
    ck_assert_msg(mismatches == 0, "shape %d: %d of 300 actions differ", s, mismatches);
    ck_assert_msg(bytes_wrong == 0, "shape %d: bytes_read wrong on %d of 300", s, bytes_wrong);
    infer_free(&f);
    mlp_free(&m);
  }
}
END_TEST

TH_MAIN("infer", 240, test_infer_bit_identical)
