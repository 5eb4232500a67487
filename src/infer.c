/* infer: transposed-weight single-row inference; see infer.h. */
#include "infer.h"

#include <math.h>
#include <string.h>

#include "util.h"

#define INFER_BLOCK 32

int infer_supports(const Mlp *m) { return !mlp_has_norm(m) && m->aux_dim == 0; }

void infer_init(Infer *f, const Mlp *m) {
  memset(f, 0, sizeof *f);
  DDPG_CHECK(infer_supports(m));
  f->shape = m;
  size_t w = 0, b = 0;
  for (int l = 0; l < m->n_layers; l++) {
    f->wt_off[l] = w;
    f->b_off[l] = b;
    w += (size_t)m->sizes[l] * (size_t)m->sizes[l + 1];
    b += (size_t)m->sizes[l + 1];
  }
  f->wt = xcalloc(w, sizeof(float));
  f->bias = xcalloc(b, sizeof(float));
  size_t width = (size_t)mlp_max_width(m);
  f->a = xcalloc(width, sizeof(float));
  f->b = xcalloc(width, sizeof(float));
}

void infer_free(Infer *f) {
  free(f->wt);
  free(f->bias);
  free(f->a);
  free(f->b);
  memset(f, 0, sizeof *f);
}

void infer_load(Infer *f, const float *params) {
  const Mlp *m = f->shape;
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->sizes[l], O = m->sizes[l + 1];
    const float *W = params + m->w_off[l]; /* (O x I) */
    float *T = f->wt + f->wt_off[l];       /* (I x O) */
    for (int o = 0; o < O; o++)
      for (int i = 0; i < I; i++) T[(size_t)i * O + o] = W[(size_t)o * I + i];
    if (m->has_bias[l]) memcpy(f->bias + f->b_off[l], params + m->b_off[l], sizeof(float) * O);
  }
}

/* Y[o] = act(bias[o] + Σ_i X[i] T[i][o]) for one block of outputs [o0, o0 + n) */
static void block(const float *T, const float *bias, const float *X, float *Y, int I, int O,
                  int o0, int n, Activation a) {
  if (n == INFER_BLOCK) {
    float acc[INFER_BLOCK];
    for (int k = 0; k < INFER_BLOCK; k++) acc[k] = bias[o0 + k];
    for (int i = 0; i < I; i++) {
      const float *t = T + (size_t)i * O + o0;
      const float x = X[i];
      for (int k = 0; k < INFER_BLOCK; k++) acc[k] += t[k] * x;
    }
    for (int k = 0; k < INFER_BLOCK; k++) Y[o0 + k] = acc[k];
  } else {
    for (int k = 0; k < n; k++) {
      float acc = bias[o0 + k];
      for (int i = 0; i < I; i++) acc += T[(size_t)i * O + o0 + k] * X[i];
      Y[o0 + k] = acc;
    }
  }
  if (a == ACT_RELU)
    for (int k = o0; k < o0 + n; k++) Y[k] = Y[k] > 0.0f ? Y[k] : 0.0f;
  else if (a == ACT_TANH)
    for (int k = o0; k < o0 + n; k++) Y[k] = tanhf(Y[k]);
}

void infer_run(Infer *f, const float *x, float *y) {
  const Mlp *m = f->shape;
  const float *X = x;
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->sizes[l], O = m->sizes[l + 1];
    float *Y = l == m->n_layers - 1 ? y : (l % 2 ? f->b : f->a);
    for (int o0 = 0; o0 < O; o0 += INFER_BLOCK) {
      int n = O - o0 < INFER_BLOCK ? O - o0 : INFER_BLOCK;
      block(f->wt + f->wt_off[l], f->bias + f->b_off[l], X, Y, I, O, o0, n, m->act[l]);
    }
    X = Y;
  }
}
