/* test_rng: equal seeds and streams give equal draws, other streams other draws; the
 * normal and uniform draws have the right moments. */
#include "helpers.h"

#include "rng.h"

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

TH_MAIN("rng", 240, test_rng_streams)
