/* blas: row-major cblas_sgemm wrapper and its naive twin. */
#include "blas.h"

#include <cblas.h>

void blas_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
               const float *B, float beta, float *C) {
  int lda = trans_a ? M : K;
  int ldb = trans_b ? K : N;
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta, C, N);
}

void naive_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                const float *B, float beta, float *C) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      double acc = 0.0;
      for (int k = 0; k < K; k++) {
        float a = trans_a ? A[k * M + i] : A[i * K + k];
        float b = trans_b ? B[j * K + k] : B[k * N + j];
        acc += (double)a * (double)b;
      }
      C[i * N + j] = alpha * (float)acc + (beta == 0.0f ? 0.0f : beta * C[i * N + j]);
    }
}
