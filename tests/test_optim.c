/* test_optim: exact values of Adam (against PyTorch's), SGD with weight decay, Polyak
 * averaging and the hard copy. */
#include "helpers.h"

#include "optim.h"

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

TH_MAIN("optim", 240, test_adam_three_steps, test_sgd_and_weight_decay, test_polyak_and_copy)
