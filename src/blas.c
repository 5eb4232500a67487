/* blas: row-major cblas_sgemm wrapper and its naive twin. */
#include "blas.h"

#include <stdlib.h>
#include <string.h>

#include <cblas.h>

/* the bench's trace of GEMM shapes: the only global state of the library besides the
 * signal flag of the trainer; NULL (off) except inside `ddpg bench` */
static GemmShape *g_trace;
static int g_trace_cap, g_trace_n;

void blas_trace_start(GemmShape *buf, int cap) {
  g_trace = buf;
  g_trace_cap = cap;
  g_trace_n = 0;
}

int blas_trace_stop(void) {
  g_trace = NULL;
  return g_trace_n;
}

static void trace_record(int trans_a, int trans_b, int M, int N, int K, float beta) {
  if (!g_trace) return;
  if (g_trace_n < g_trace_cap) g_trace[g_trace_n] = (GemmShape){trans_a, trans_b, M, N, K, beta};
  g_trace_n++;
}

void blas_gemm_ld(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
                  int lda, const float *B, int ldb, float beta, float *C, int ldc) {
  trace_record(trans_a, trans_b, M, N, K, beta);
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void blas_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha, const float *A,
               const float *B, float beta, float *C) {
  blas_gemm_ld(trans_a, trans_b, M, N, K, alpha, A, trans_a ? M : K, B, trans_b ? K : N, beta,
               C, N);
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

const char *blas_corename(void) { return openblas_get_corename(); }

int blas_threads(void) { return openblas_get_num_threads(); }

int blas_coretype_forced(void) { return getenv("OPENBLAS_CORETYPE") != NULL; }

/* does this CPU support AVX-512 (foundation + the subsets OpenBLAS's SkylakeX kernels use)? */
static int cpu_has_avx512(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}

void blas_report(FILE *f, const char *prefix) {
  const char *core = blas_corename();
  const char *forced = getenv("OPENBLAS_CORETYPE");
  fprintf(f, "%sOpenBLAS kernel %s, %d thread(s)%s%s%s\n", prefix, core,
          openblas_get_num_threads(), forced ? " (forced by OPENBLAS_CORETYPE=" : "",
          forced ? forced : "", forced ? ")" : "");
  if (forced && cpu_has_avx512() && strstr(core, "SkylakeX") == NULL &&
      strstr(core, "Cooperlake") == NULL && strstr(core, "Sapphire") == NULL)
    fprintf(f, "%swarning: OPENBLAS_CORETYPE=%s forces an older kernel than this CPU supports "
            "(AVX-512); sgemm runs about 2x slower. Run 'unset OPENBLAS_CORETYPE' to let "
            "OpenBLAS pick (see docs/performance.md)\n", prefix, forced);
}

void blas_set_threads(int n) {
  if (n > 0)
    openblas_set_num_threads(n);
  else if (!getenv("OPENBLAS_NUM_THREADS"))
    openblas_set_num_threads(1);
}
