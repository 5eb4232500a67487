/* test_worked_example: every number of the worked example (docs/worked-example.md) through
 * the production update, to 1e-6, and the CLI's printed lines. */
#include "helpers.h"

#include "worked_example.h"

START_TEST(test_values) {
  WorkedExample w;
  worked_example_run(&w);
  const double tol = 1e-6;
  ck_assert_double_eq_tol(w.a_next, -0.1, tol);
  ck_assert_double_eq_tol(w.q_next, 0.04, tol);
  ck_assert_double_eq_tol(w.y, -0.004, tol);
  ck_assert_double_eq_tol(w.q, 0.56, tol);
  ck_assert_double_eq_tol(w.delta, 0.564, tol);
  ck_assert_double_eq_tol(w.grad_w0, 0.564, tol);
  ck_assert_double_eq_tol(w.grad_w1, 1.128, tol);
  ck_assert_double_eq_tol(w.grad_w2, -1.0152, tol);
  ck_assert_double_eq_tol(w.w0, -0.0564, tol);
  ck_assert_double_eq_tol(w.w1, -0.0128, tol);
  ck_assert_double_eq_tol(w.w2, -0.09848, tol);
  ck_assert_double_eq_tol(w.grad_theta, -0.19696, tol);
  ck_assert_double_eq_tol(w.theta, -0.509848, tol);
  ck_assert_double_eq_tol(w.theta_target, -0.5004924, tol);
}
END_TEST

START_TEST(test_cli_prints_every_name) {
  const char *bin = th_bin();
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s worked-example", bin);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  const char *names[] = {"a_next", "q_next", "y", "q", "delta", "grad_w0", "grad_w1",
                         "grad_w2", "w0", "w1", "w2", "grad_theta", "theta", "theta_target"};
  const double want[] = {-0.1, 0.04, -0.004, 0.56, 0.564, 0.564, 1.128, -1.0152, -0.0564,
                         -0.0128, -0.09848, -0.19696, -0.509848, -0.5004924};
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, p)) {
    char name[64];
    double v;
    ck_assert_int_eq(sscanf(line, "%63s = %lf", name, &v), 2);
    ck_assert_int_lt(n, 14);
    ck_assert_str_eq(name, names[n]);
    ck_assert_double_eq_tol(v, want[n], 1e-6);
    n++;
  }
  ck_assert_int_eq(pclose(p), 0);
  ck_assert_int_eq(n, 14);
}
END_TEST

TH_MAIN("worked_example", 240, test_values, test_cli_prints_every_name)
