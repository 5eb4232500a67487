/* test_core: the numerical core against references: BLAS vs naive GEMM, finite-difference
 * gradient checks of the MLP (weights and inputs; ReLU, tanh, identity), exact values of
 * Adam, SGD, Polyak and the TD target, the RNG, and the replay ring. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "infer.h"
#include "mlp.h"
#include "optim.h"
#include "ddpg.h"
#include "replay.h"
#include "rng.h"
#include "vmath.h"

START_TEST(test_gemm_matches_naive) {
  Rng r;
  rng_init(&r, 1, 0);
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++) {
      int M = 7, N = 5, K = 9;
      float A[63], B[45], C1[35], C2[35];
      for (int i = 0; i < 63; i++) A[i] = (float)rng_range(&r, -1, 1);
      for (int i = 0; i < 45; i++) B[i] = (float)rng_range(&r, -1, 1);
      for (int i = 0; i < 35; i++) C1[i] = C2[i] = (float)rng_range(&r, -1, 1);
      blas_gemm(ta, tb, M, N, K, 0.7f, A, B, 0.3f, C1);
      naive_gemm(ta, tb, M, N, K, 0.7f, A, B, 0.3f, C2);
      for (int i = 0; i < 35; i++) ck_assert_float_eq_tol(C1[i], C2[i], 1e-5f);
    }
}
END_TEST

/* loss = Σ c ⊙ y, in double, so dLoss/dy = c */
static double probe_loss(Mlp *m, const float *x, int B, const float *c) {
  const float *y = mlp_forward(m, x, B);
  double L = 0.0;
  int O = m->sizes[m->n_layers];
  for (int i = 0; i < B * O; i++) L += (double)c[i] * y[i];
  return L;
}

static void grad_check(Activation hidden, Activation out_act, int use_bias) {
  const int B = 4;
  int sizes[] = {5, 8, 6, 3};
  Activation act[] = {hidden, hidden, out_act};
  Mlp m;
  mlp_init(&m, 3, sizes, act, use_bias, B);
  Rng r;
  rng_init(&r, 42, (uint64_t)hidden * 10 + out_act);
  mlp_init_params(&m, &r);
  float x[4 * 5], c[4 * 3], dx[4 * 5];
  for (int i = 0; i < B * 5; i++) x[i] = (float)rng_range(&r, -1.5, 1.5);
  for (int i = 0; i < B * 3; i++) c[i] = (float)rng_range(&r, -1, 1);

  probe_loss(&m, x, B, c);
  mlp_zero_grad(&m);
  mlp_backward(&m, c, MLP_WGRAD_ADD, dx);

  const float h = 1e-2f;
  double max_rel = 0.0, norm = 0.0;
  for (size_t p = 0; p < m.n_params; p++) {
    float keep = m.params[p];
    m.params[p] = keep + h;
    double lp = probe_loss(&m, x, B, c);
    m.params[p] = keep - h;
    double lm = probe_loss(&m, x, B, c);
    m.params[p] = keep;
    double num = (lp - lm) / (2.0 * h);
    double ana = m.grads[p];
    norm += ana * ana;
    double rel = fabs(num - ana) / fmax(1e-2, fabs(num) + fabs(ana));
    if (rel > max_rel) max_rel = rel;
  }
  ck_assert_msg(norm > 1e-6, "weight gradient is zero");
  ck_assert_msg(max_rel < 2e-2, "weight gradient rel error %g", max_rel);

  double max_rel_x = 0.0, norm_x = 0.0;
  for (int i = 0; i < B * 5; i++) {
    float keep = x[i];
    x[i] = keep + h;
    double lp = probe_loss(&m, x, B, c);
    x[i] = keep - h;
    double lm = probe_loss(&m, x, B, c);
    x[i] = keep;
    double num = (lp - lm) / (2.0 * h);
    norm_x += (double)dx[i] * dx[i];
    double rel = fabs(num - dx[i]) / fmax(1e-2, fabs(num) + fabs(dx[i]));
    if (rel > max_rel_x) max_rel_x = rel;
  }
  ck_assert_msg(norm_x > 1e-6, "input gradient is zero");
  ck_assert_msg(max_rel_x < 2e-2, "input gradient rel error %g", max_rel_x);
  mlp_free(&m);
}

/* tolerance: relative error |num − ana| / max(0.01, |num| + |ana|) below 2% with central
 * differences h = 0.01 on float parameters */
START_TEST(test_mlp_grad_relu_identity) { grad_check(ACT_RELU, ACT_IDENTITY, 1); }
END_TEST
START_TEST(test_mlp_grad_tanh_tanh) { grad_check(ACT_TANH, ACT_TANH, 1); }
END_TEST
START_TEST(test_mlp_grad_relu_tanh_nobias) { grad_check(ACT_RELU, ACT_TANH, 0); }
END_TEST

START_TEST(test_mlp_backward_without_wgrad_leaves_grads) {
  int sizes[] = {3, 4, 2};
  Activation act[] = {ACT_RELU, ACT_IDENTITY};
  Mlp m;
  mlp_init(&m, 2, sizes, act, 1, 2);
  Rng r;
  rng_init(&r, 3, 0);
  mlp_init_params(&m, &r);
  float x[6] = {0.1f, -0.2f, 0.3f, 0.5f, 0.4f, -0.9f}, dy[4] = {1, -1, 0.5f, 2}, dx[6];
  mlp_forward(&m, x, 2);
  mlp_zero_grad(&m);
  mlp_backward(&m, dy, MLP_WGRAD_NONE, dx);
  for (size_t i = 0; i < m.n_params; i++) ck_assert_float_eq(m.grads[i], 0.0f);
  mlp_free(&m);
}
END_TEST

START_TEST(test_mlp_infer_matches_forward) {
  int sizes[] = {6, 16, 16, 3};
  Activation act[] = {ACT_RELU, ACT_RELU, ACT_TANH};
  Mlp m;
  mlp_init(&m, 3, sizes, act, 1, 1);
  Rng r;
  rng_init(&r, 5, 0);
  mlp_init_params(&m, &r);
  float x[6], y1[3], scratch[32];
  for (int i = 0; i < 6; i++) x[i] = (float)rng_range(&r, -1, 1);
  const float *y0 = mlp_forward(&m, x, 1);
  mlp_infer(&m, m.params, x, y1, scratch);
  for (int i = 0; i < 3; i++) ck_assert_float_eq_tol(y0[i], y1[i], 1e-6f);
  mlp_free(&m);
}
END_TEST

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

/* vm_tanh (the training forward's tanh) is the correctly rounded float tanh: exactly
 * (float)tanh((double)x) on special values, on half a million floats in [-10, 10] and half
 * a million random bit patterns (scripts/check-tanh.sh compares every float) */
START_TEST(test_vm_tanh_correctly_rounded) {
  float special[] = {0.0f, -0.0f, INFINITY, -INFINITY, 1e-45f, -1e-45f, 1e-38f, 1e-20f,
                     3e-8f, 1e-4f, 0.2499f, 0.25f, 0.2501f, 0.5f, 1.0f, -1.0f, 3.0f, 8.9f,
                     9.0f, 9.01f, 9.4999f, 9.5f, 20.0f, -20.0f, 88.8f, 3e38f, -3e38f};
  int ns = (int)(sizeof special / sizeof special[0]);
  float y[64];
  vm_tanh(y, special, (size_t)ns);
  for (int i = 0; i < ns; i++) {
    float want = (float)tanh((double)special[i]);
    ck_assert_msg(memcmp(&y[i], &want, sizeof want) == 0, "tanh(%a) = %a, want %a", special[i],
                  y[i], want);
  }
  float nan_in = NAN, nan_out;
  vm_tanh(&nan_out, &nan_in, 1);
  ck_assert(isnan(nan_out));
  enum { N = 4096 };
  static float x[N], t[N];
  Rng r;
  rng_init(&r, 77, 0);
  long mismatches = 0;
  for (int round = 0; round < 256; round++) {
    for (int i = 0; i < N; i++) {
      if (round % 2) { /* every sign and exponent alike: random bit patterns */
        uint32_t u = (uint32_t)(rng_u64(&r) >> 32);
        memcpy(&x[i], &u, sizeof u);
        if (isnan(x[i])) x[i] = 0.5f;
      } else { /* where pre-activations live */
        x[i] = (float)rng_range(&r, -10, 10);
      }
    }
    vm_tanh(t, x, N);
    for (int i = 0; i < N; i++) {
      float want = (float)tanh((double)x[i]);
      mismatches += memcmp(&t[i], &want, sizeof want) != 0;
    }
  }
  ck_assert_msg(mismatches == 0, "%ld of %d values differ from the correctly rounded tanh",
                mismatches, 256 * N);
  /* in place, and the same bits as element by element */
  for (int i = 0; i < 64; i++) x[i] = (float)rng_range(&r, -4, 4);
  memcpy(t, x, 64 * sizeof(float));
  vm_tanh(t, t, 64);
  for (int i = 0; i < 64; i++) {
    float one;
    vm_tanh(&one, &x[i], 1);
    ck_assert(memcmp(&one, &t[i], sizeof one) == 0);
  }
}
END_TEST

START_TEST(test_adam_three_steps) {
  /* reference: PyTorch's Adam, lr 0.1, β (0.9, 0.999), ε 1e-8, computed in double */
  float p[3] = {1.0f, -2.0f, 0.5f};
  const float g[3][3] = {{0.1f, -0.2f, 0.3f}, {-0.5f, 0.4f, 0.0f}, {0.2f, 0.2f, -1.0f}};
  const double want[3][3] = {{0.900000010, -1.900000005, 0.400000003},
                             {0.959835427, -1.936610357, 0.332994181},
                             {0.979554919, -1.988534436, 0.379316748}};
  Adam a;
  adam_init(&a, 3, 0.1f, 0.9f, 0.999f, 1e-8f, 0.0f);
  for (int t = 0; t < 3; t++) {
    adam_step(&a, p, g[t]);
    for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(p[i], want[t][i], 2e-6);
  }
  ck_assert_int_eq(a.t, 3);
  adam_free(&a);
}
END_TEST

START_TEST(test_sgd_and_weight_decay) {
  float p[2] = {1.0f, -2.0f};
  const float g[2] = {0.5f, 0.25f};
  sgd_step(p, g, 2, 0.1f, 0.0f);
  ck_assert_float_eq_tol(p[0], 0.95f, 1e-7f);
  ck_assert_float_eq_tol(p[1], -2.025f, 1e-7f);
  sgd_step(p, g, 2, 0.1f, 0.1f); /* p -= 0.1 (g + 0.1 p) */
  ck_assert_float_eq_tol(p[0], 0.95f - 0.1f * (0.5f + 0.095f), 1e-7f);
  ck_assert_float_eq_tol(p[1], -2.025f - 0.1f * (0.25f - 0.2025f), 1e-7f);
}
END_TEST

START_TEST(test_polyak_and_copy) {
  float t[3] = {1.0f, 2.0f, -4.0f};
  const float s[3] = {3.0f, 0.0f, 4.0f};
  polyak_update(t, s, 3, 0.25f); /* t = 0.25 s + 0.75 t */
  ck_assert_float_eq_tol(t[0], 1.5f, 1e-7f);
  ck_assert_float_eq_tol(t[1], 1.5f, 1e-7f);
  ck_assert_float_eq_tol(t[2], -2.0f, 1e-7f);
  hard_copy(t, s, 3);
  ck_assert_mem_eq(t, s, sizeof t);
}
END_TEST

START_TEST(test_td_target_done_mask) {
  const float r[3] = {1.0f, -0.5f, 2.0f}, nd[3] = {1.0f, 0.0f, 1.0f}, qn[3] = {10.0f, 10.0f, -2.0f};
  float y[3];
  td_target(y, r, nd, qn, 0.99f, 3);
  ck_assert_float_eq_tol(y[0], 1.0f + 0.99f * 10.0f, 1e-6f);
  ck_assert_float_eq_tol(y[1], -0.5f, 1e-7f); /* terminal: no bootstrap */
  ck_assert_float_eq_tol(y[2], 2.0f - 0.99f * 2.0f, 1e-6f);
}
END_TEST

START_TEST(test_rng_streams) {
  Rng a, b, c;
  rng_init(&a, 7, 0);
  rng_init(&b, 7, 0);
  rng_init(&c, 7, 1);
  int same = 0;
  for (int i = 0; i < 100; i++) {
    uint64_t x = rng_u64(&a), y = rng_u64(&b), z = rng_u64(&c);
    ck_assert_uint_eq(x, y);
    same += x == z;
  }
  ck_assert_int_eq(same, 0);
  double s = 0, s2 = 0, u = 0;
  const int n = 200000;
  for (int i = 0; i < n; i++) {
    double v = rng_normal(&a);
    s += v;
    s2 += v * v;
    double w = rng_uniform(&a);
    ck_assert(w >= 0.0 && w < 1.0);
    u += w;
  }
  ck_assert_double_eq_tol(s / n, 0.0, 0.01);
  ck_assert_double_eq_tol(s2 / n, 1.0, 0.02);
  ck_assert_double_eq_tol(u / n, 0.5, 0.01);
}
END_TEST

START_TEST(test_replay_ring) {
  Replay r;
  char err[512];
  ck_assert_int_eq(replay_init(&r, 3, 2, 1, err), 0);
  Batch b, out;
  batch_init(&b, 5, 2, 1);
  batch_init(&out, 64, 2, 1);
  for (int i = 0; i < 5; i++) {
    float o[2] = {(float)i, (float)-i}, a = (float)i * 10, no[2] = {(float)i + 1, 0};
    batch_set(&b, i, o, &a, (float)i, no, i == 4 ? 0.0f : 1.0f);
  }
  replay_add(&r, &b, 5);
  ck_assert_uint_eq(r.size, 3);
  ck_assert_uint_eq(r.total_added, 5);
  ck_assert_uint_eq(r.next, 2);
  /* rows 2, 3, 4 remain: each sampled row is internally consistent */
  Rng g;
  rng_init(&g, 1, 0);
  ck_assert_uint_eq(replay_sample(&r, &g, 64, &out), 3);
  int seen[5] = {0};
  for (int i = 0; i < 64; i++) {
    int k = (int)out.rew[i];
    ck_assert(k >= 2 && k <= 4);
    seen[k] = 1;
    ck_assert_float_eq(out.obs[2 * i], (float)k);
    ck_assert_float_eq(out.act[i], (float)k * 10);
    ck_assert_float_eq(out.next_obs[2 * i], (float)k + 1);
    ck_assert_float_eq(out.not_done[i], k == 4 ? 0.0f : 1.0f);
  }
  ck_assert(seen[2] && seen[3] && seen[4]);
  ck_assert_uint_eq(replay_bytes_per_transition(17, 6), 168);
  batch_free(&b);
  batch_free(&out);
  replay_free(&r);
}
END_TEST

int main(void) {
  Suite *s = suite_create("core");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_gemm_matches_naive);
  tcase_add_test(tc, test_mlp_grad_relu_identity);
  tcase_add_test(tc, test_mlp_grad_tanh_tanh);
  tcase_add_test(tc, test_mlp_grad_relu_tanh_nobias);
  tcase_add_test(tc, test_mlp_backward_without_wgrad_leaves_grads);
  tcase_add_test(tc, test_mlp_infer_matches_forward);
  tcase_add_test(tc, test_infer_bit_identical);
  tcase_add_test(tc, test_vm_tanh_correctly_rounded);
  tcase_add_test(tc, test_adam_three_steps);
  tcase_add_test(tc, test_sgd_and_weight_decay);
  tcase_add_test(tc, test_polyak_and_copy);
  tcase_add_test(tc, test_td_target_done_mask);
  tcase_add_test(tc, test_rng_streams);
  tcase_add_test(tc, test_replay_ring);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
