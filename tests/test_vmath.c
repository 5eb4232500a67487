/* test_vmath: vm_tanh, the training forward's tanh, is the correctly rounded float tanh. */
#include "helpers.h"

#include <math.h>

#include "rng.h"
#include "vmath.h"

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

TH_MAIN("vmath", 240, test_vm_tanh_correctly_rounded)
