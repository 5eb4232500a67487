/* test_blas: the row-major GEMM wrapper (blas_gemm, OpenBLAS) against the naive reference
 * loops (naive_gemm), every transpose. */
#include "helpers.h"

#include "blas.h"
#include "rng.h"

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

TH_MAIN("blas", 240, test_gemm_matches_naive)
