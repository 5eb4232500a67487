/* infer: transposed-weight single-row inference; see infer.h. */
#include "infer.h"

#include <math.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif
#include <string.h>

#include "util.h"

/* Y[o] = bias[o] + sum_i X[i] T[i][o] for the B outputs [o0, o0 + B): B independent sums,
 * each over the N nonzero inputs in order (rows R[n], values X[n]), one multiply and one add
 * per term. The sums live in vector registers; B is chosen per instruction set so that 8
 * registers (16 for AVX-512's widest block) hold them (8 or more independent chains of
 * vector adds hide the add latency).
 *
 * Skipping the inputs that are zero (about half of a hidden layer's, after ReLU) leaves every
 * sum's bits as they are: with finite weights a skipped term is ±0, and s + ±0 == s for every
 * s except s == -0, which arises only while the bias and every term so far are zero (if all
 * stay zero, the output is a zero of the other sign: ReLU maps both to +0, and they compare
 * equal). It halves the weights read for the hidden layers. */
#define INFER_KERNEL(NAME, B, ATTR)                                                         \
  ATTR static void NAME(const float *T, const float *bias, const int *R, const float *X,    \
                        int N, float *Y, int O, int o0) {                                   \
    float acc[B];                                                                           \
    for (int k = 0; k < B; k++) acc[k] = bias[o0 + k];                                      \
    for (int n = 0; n < N; n++) {                                                           \
      const float *t = T + (size_t)R[n] * O + o0;                                           \
      const float x = X[n];                                                                 \
      for (int k = 0; k < B; k++) acc[k] += t[k] * x;                                       \
    }                                                                                       \
    for (int k = 0; k < B; k++) Y[o0 + k] = acc[k];                                         \
  }

/* baseline x86-64 (SSE2: 8 x 4 lanes), and any other target; block8 finishes a layer (its
 * width is padded to a multiple of 8) */
INFER_KERNEL(block32, 32, )
INFER_KERNEL(block8, 8, )

/* The build targets baseline x86-64, so wider versions are compiled for AVX2 (8 x 8 lanes)
 * and AVX-512 (16 x 16 lanes, then 8 x 16 for a remainder) and picked at run time by the
 * CPU. Every version computes each output with the same operations in the same order (this
 * file is compiled with -ffp-contract=off: no fused multiply-add), so all return the same
 * bits; wider vectors only compute more outputs at once. AVX-512 has 32 vector registers,
 * so a 256-output block fits and reads each gathered weight row as one contiguous 1 KB run
 * (faster than two 128-output passes: docs/performance.md). tests/test_infer.c checks the
 * bits against mlp_infer. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define INFER_WIDE 1
INFER_KERNEL(block64_avx2, 64, __attribute__((target("avx2"))))
INFER_KERNEL(block128_avx512, 128, __attribute__((target("avx512f"))))
INFER_KERNEL(block256_avx512, 256, __attribute__((target("avx512f"))))
#endif

/* The rows and values of the inputs a layer reads, in order: those != 0, or with relu those
 * > 0 (the entries of ReLU(X) that are not zero: the ReLU of a hidden layer happens here,
 * NaN included, which ReLU maps to 0 as well). Returns their count. Branch-free: after ReLU
 * about half the inputs are zero in no pattern a branch predictor could learn, and a
 * mispredicted branch per input cost more than the multiply-adds skipping saves. */
static int gather_nonzero(const float *X, int n, int relu, int *restrict rows,
                          float *restrict vals) {
  int N = 0;
  for (int i = 0; i < n; i++) {
    rows[N] = i;
    vals[N] = X[i];
    N += relu ? X[i] > 0.0f : X[i] != 0.0f;
  }
  return N;
}

#ifdef INFER_WIDE
/* the same, 16 inputs per step; writes up to 15 entries past the count (rows and vals have
 * that slack). Compresses in registers and stores whole vectors: the compress-to-memory form
 * is microcoded on some CPUs. */
__attribute__((target("avx512f,popcnt"))) static int gather_nonzero_avx512(
    const float *X, int n, int relu, int *restrict rows, float *restrict vals) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512i step = _mm512_set1_epi32(16);
  __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  int N = 0;
  for (int i = 0; i < n; i += 16) {
    __mmask16 live = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1u);
    __m512 v = _mm512_maskz_loadu_ps(live, X + i);
    __mmask16 k = relu ? _mm512_mask_cmp_ps_mask(live, v, zero, _CMP_GT_OQ)
                       : _mm512_mask_cmp_ps_mask(live, v, zero, _CMP_NEQ_UQ);
    _mm512_storeu_ps(vals + N, _mm512_maskz_compress_ps(k, v));
    _mm512_storeu_si512(rows + N, _mm512_maskz_compress_epi32(k, idx));
    N += _mm_popcnt_u32(k);
    idx = _mm512_add_epi32(idx, step);
  }
  return N;
}
#endif

int infer_supports(const Mlp *m) { return !mlp_has_norm(m) && m->aux_dim == 0; }

void infer_init(Infer *f, const Mlp *m) {
  memset(f, 0, sizeof *f);
  DDPG_CHECK(infer_supports(m));
  f->shape = m;
  size_t w = 0, b = 0;
  int width = 0;
  for (int l = 0; l < m->n_layers; l++) {
    f->wt_off[l] = w;
    f->b_off[l] = b;
    f->out_pad[l] = (m->sizes[l + 1] + 7) / 8 * 8;
    w += (size_t)m->sizes[l] * (size_t)f->out_pad[l];
    b += (size_t)f->out_pad[l];
    if (f->out_pad[l] > width) width = f->out_pad[l];
  }
  f->wt = xcalloc(w, sizeof(float)); /* padding columns stay zero */
  f->bias = xcalloc(b, sizeof(float));
  f->a = xcalloc((size_t)width, sizeof(float));
  f->b = xcalloc((size_t)width, sizeof(float));
  int in_max = m->sizes[0] > width ? m->sizes[0] : width;
  f->nz_row = xcalloc((size_t)in_max + 16, sizeof(int)); /* + the vector gather's slack */
  f->nz_val = xcalloc((size_t)in_max + 16, sizeof(float));
  f->gather = gather_nonzero;
  /* the kernels from widest to narrowest; block8 finishes every layer */
  f->kern[0] = block32;
  f->kern_n[0] = 32;
  f->n_kern = 1;
#ifdef INFER_WIDE
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    f->kern[0] = block256_avx512;
    f->kern_n[0] = 256;
    f->kern[1] = block128_avx512;
    f->kern_n[1] = 128;
    f->kern[2] = block32;
    f->kern_n[2] = 32;
    f->n_kern = 3;
    f->gather = gather_nonzero_avx512;
  } else if (__builtin_cpu_supports("avx2")) {
    f->kern[0] = block64_avx2;
    f->kern_n[0] = 64;
    f->kern[1] = block32;
    f->kern_n[1] = 32;
    f->n_kern = 2;
  }
#endif
}

void infer_free(Infer *f) {
  free(f->wt);
  free(f->bias);
  free(f->a);
  free(f->b);
  free(f->nz_row);
  free(f->nz_val);
  memset(f, 0, sizeof *f);
}

void infer_load(Infer *f, const float *params) {
  const Mlp *m = f->shape;
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->sizes[l], O = m->sizes[l + 1];
    const float *W = params + m->w_off[l]; /* (O x I) */
    float *T = f->wt + f->wt_off[l];       /* (I x out_pad) */
    size_t P = (size_t)f->out_pad[l];
    for (int o = 0; o < O; o++)
      for (int i = 0; i < I; i++) T[(size_t)i * P + o] = W[(size_t)o * I + i];
    if (m->has_bias[l]) memcpy(f->bias + f->b_off[l], params + m->b_off[l], sizeof(float) * O);
  }
}

void infer_run(Infer *f, const float *x, float *y) {
  const Mlp *m = f->shape;
  const float *X = x;
  int relu_in = 0; /* X still lacks its ReLU: the gather applies it */
  int O = 0;
  size_t bytes = 0;
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->sizes[l], P = f->out_pad[l];
    O = m->sizes[l + 1];
    float *Y = l % 2 ? f->b : f->a;
    const float *T = f->wt + f->wt_off[l], *bias = f->bias + f->b_off[l];
    const int N = f->gather(X, I, relu_in, f->nz_row, f->nz_val);
    bytes += (size_t)N * (size_t)P * sizeof(float);
    const int *R = f->nz_row;
    const float *V = f->nz_val;
    int o0 = 0;
    for (int k = 0; k < f->n_kern; k++)
      for (; P - o0 >= f->kern_n[k]; o0 += f->kern_n[k]) f->kern[k](T, bias, R, V, N, Y, P, o0);
    for (; o0 < P; o0 += 8) block8(T, bias, R, V, N, Y, P, o0);
    relu_in = m->act[l] == ACT_RELU && l + 1 < m->n_layers;
    if (m->act[l] == ACT_RELU && !relu_in)
      for (int k = 0; k < O; k++) Y[k] = Y[k] > 0.0f ? Y[k] : 0.0f;
    else if (m->act[l] == ACT_TANH)
      for (int k = 0; k < O; k++) Y[k] = tanhf(Y[k]);
    X = Y;
  }
  f->bytes_read = bytes;
  memcpy(y, X, sizeof(float) * (size_t)O);
}
