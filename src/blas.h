/* blas: the one thin row-major wrapper every matrix product goes through, and the naive
 * loop version the tests compare it against. */
#ifndef DDPG_BLAS_H
#define DDPG_BLAS_H

#include <stdio.h>

/* C (M x N) = alpha * op(A) op(B) + beta * C, row-major; op(X) = X or X^T.
 * A is (M x K) or, transposed, stored (K x M); B is (K x N) or, transposed, stored (N x K). */
void blas_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
               const float *B, float beta, float *C);

/* blas_gemm on blocks of larger matrices: leading dimensions given */
void blas_gemm_ld(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                  int lda, const float *B, int ldb, float beta, float *C, int ldc);

/* the same product with plain loops, for tests */
void naive_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                const float *B, float beta, float *C);

/* one recorded blas_gemm call (for `ddpg bench`: replaying an update's GEMMs back to back) */
typedef struct {
  int trans_a, trans_b, M, N, K;
  float beta;
} GemmShape;

/* record the shape of every GEMM (blas_gemm and blas_gemm_ld calls) into buf (cap entries)
 * until blas_trace_stop; bench-only, on one thread: traced without a learner team, a split
 * product is one call on the whole matrices, as one thread computes it */
void blas_trace_start(GemmShape *buf, int cap);

/* stop recording; returns the number of calls recorded (may exceed cap: only cap kept) */
int blas_trace_stop(void);

/* print the OpenBLAS kernel (core name), its thread count, and a warning when
 * OPENBLAS_CORETYPE forces a kernel older than the CPU supports */
void blas_report(FILE *f, const char *prefix);

/* set the learner's BLAS threads: n > 0 explicitly, else OPENBLAS_NUM_THREADS when set,
 * else 1 (measured fastest on 2 shared cores, docs/performance.md) */
void blas_set_threads(int n);

/* OpenBLAS's thread count */
int blas_threads(void);

/* the OpenBLAS core name in use */
const char *blas_corename(void);

/* 1 when OPENBLAS_CORETYPE is set in the environment */
int blas_coretype_forced(void);

#endif
