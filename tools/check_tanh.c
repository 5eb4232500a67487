/* check_tanh: vm_tanh (src/vmath.c) against (float)tanh((double)x) of the C library on
 * every float bit pattern (or every STEP-th), and libm's tanhf against the same reference;
 * then both timed on 1536 values (one minibatch of half-cheetah actions). Run by
 * scripts/check-tanh.sh; docs/performance.md quotes it. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmath.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  uint64_t step = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
  if (step < 1) step = 1;
  enum { N = 1 << 16 };
  static float x[N], y[N];
  uint64_t n = 0, ours_off = 0, libm_off = 0, max_ulp = 0;
  for (uint64_t b0 = 0; b0 < (1ull << 32); b0 += (uint64_t)N * step) {
    int m = 0;
    for (uint64_t b = b0; m < N && b < (1ull << 32); b += step, m++) {
      uint32_t u = (uint32_t)b;
      memcpy(&x[m], &u, sizeof u);
    }
    vm_tanh(y, x, (size_t)m);
    for (int i = 0; i < m; i++) {
      float ref = (float)tanh((double)x[i]), lib = tanhf(x[i]);
      if (isnan(x[i])) {
        if (!isnan(y[i])) {
          printf("check_tanh: NaN input gave %a\n", y[i]);
          return 1;
        }
        continue;
      }
      n++;
      uint32_t a, c;
      memcpy(&a, &y[i], sizeof a);
      memcpy(&c, &ref, sizeof c);
      if (a != c) {
        uint64_t d = a > c ? a - c : c - a;
        if (d > max_ulp) max_ulp = d;
        if (++ours_off <= 5) printf("  x = %a: vm_tanh %a, reference %a\n", x[i], y[i], ref);
      }
      libm_off += memcmp(&lib, &ref, sizeof lib) != 0;
    }
  }
  printf("%llu floats (every %llu-th bit pattern, NaNs aside): vm_tanh differs from "
         "(float)tanh((double)x) on %llu (max %llu ulp); libm tanhf differs on %llu\n",
         (unsigned long long)n, (unsigned long long)step, (unsigned long long)ours_off,
         (unsigned long long)max_ulp, (unsigned long long)libm_off);
  static float xs[1536], ys[1536];
  for (int i = 0; i < 1536; i++) xs[i] = (float)(i % 97) * 0.05f - 2.4f;
  for (int r = 0; r < 3; r++) {
    double t0 = now();
    long k = 0;
    for (; now() - t0 < 0.3; k++) vm_tanh(ys, xs, 1536);
    double t_ours = (now() - t0) / (double)k;
    t0 = now();
    for (k = 0; now() - t0 < 0.3; k++)
      for (int i = 0; i < 1536; i++) ys[i] = tanhf(xs[i]);
    double t_libm = (now() - t0) / (double)k;
    printf("1536 values: vm_tanh %.2f us, libm tanhf %.2f us (%.1fx)\n", 1e6 * t_ours,
           1e6 * t_libm, t_libm / t_ours);
  }
  return ours_off != 0;
}
