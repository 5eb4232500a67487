/* mlp: forward/backward over the blas wrapper; see mlp.h for the layout. */
#include "mlp.h"

#include <math.h>
#include <string.h>

#include "blas.h"
#include "util.h"

int mlp_max_width(const Mlp *m) {
  int w = 0;
  for (int l = 0; l <= m->n_layers; l++)
    if (m->sizes[l] > w) w = m->sizes[l];
  return w;
}

void mlp_init(Mlp *m, int n_layers, const int *sizes, const Activation *act, int use_bias,
              int max_batch) {
  DDPG_CHECK(n_layers >= 1 && n_layers <= MLP_MAX_LAYERS && max_batch >= 1);
  memset(m, 0, sizeof *m);
  m->n_layers = n_layers;
  m->use_bias = use_bias;
  m->max_batch = max_batch;
  size_t off = 0;
  for (int l = 0; l < n_layers; l++) {
    DDPG_CHECK(sizes[l] >= 1 && sizes[l + 1] >= 1);
    m->sizes[l] = sizes[l];
    m->act[l] = act[l];
    m->w_off[l] = off;
    off += (size_t)sizes[l + 1] * (size_t)sizes[l];
    m->b_off[l] = off;
    if (use_bias) off += (size_t)sizes[l + 1];
  }
  m->sizes[n_layers] = sizes[n_layers];
  m->n_params = off;
  m->params = xcalloc(off, sizeof(float));
  m->grads = xcalloc(off, sizeof(float));
  for (int l = 0; l < n_layers; l++)
    m->out[l] = xcalloc((size_t)max_batch * (size_t)sizes[l + 1], sizeof(float));
  size_t w = (size_t)mlp_max_width(m);
  m->g0 = xcalloc((size_t)max_batch * w, sizeof(float));
  m->g1 = xcalloc((size_t)max_batch * w, sizeof(float));
}

void mlp_free(Mlp *m) {
  free(m->params);
  free(m->grads);
  for (int l = 0; l < MLP_MAX_LAYERS; l++) free(m->out[l]);
  free(m->g0);
  free(m->g1);
  memset(m, 0, sizeof *m);
}

void mlp_init_params(Mlp *m, Rng *rng) {
  for (int l = 0; l < m->n_layers; l++) {
    double bound = 1.0 / sqrt((double)m->sizes[l]);
    size_t nw = (size_t)m->sizes[l + 1] * (size_t)m->sizes[l];
    float *W = m->params + m->w_off[l];
    for (size_t i = 0; i < nw; i++) W[i] = (float)rng_range(rng, -bound, bound);
    if (m->use_bias) {
      float *b = m->params + m->b_off[l];
      for (int i = 0; i < m->sizes[l + 1]; i++) b[i] = (float)rng_range(rng, -bound, bound);
    }
  }
}

/* Y = act(Y + b), fused bias and activation over the GEMM output */
static void bias_act(float *Y, const float *b, int B, int O, Activation a) {
  for (int i = 0; i < B; i++) {
    float *y = Y + (size_t)i * O;
    if (b)
      for (int j = 0; j < O; j++) y[j] += b[j];
    if (a == ACT_RELU)
      for (int j = 0; j < O; j++) y[j] = y[j] > 0.0f ? y[j] : 0.0f;
    else if (a == ACT_TANH)
      for (int j = 0; j < O; j++) y[j] = tanhf(y[j]);
  }
}

const float *mlp_forward(Mlp *m, const float *x, int B) {
  DDPG_CHECK(B >= 1 && B <= m->max_batch);
  m->in = x;
  m->batch = B;
  const float *X = x;
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->sizes[l], O = m->sizes[l + 1];
    float *Y = m->out[l];
    /* Y = X W^T   (B x I)(I x O) */
    blas_gemm(0, 1, B, O, I, 1.0f, X, m->params + m->w_off[l], 0.0f, Y);
    bias_act(Y, m->use_bias ? m->params + m->b_off[l] : NULL, B, O, m->act[l]);
    X = Y;
  }
  return m->out[m->n_layers - 1];
}

/* G *= act'(Y), written with Y the post-activation output */
static void act_backward(float *G, const float *Y, size_t n, Activation a) {
  if (a == ACT_RELU) {
    for (size_t i = 0; i < n; i++)
      if (Y[i] <= 0.0f) G[i] = 0.0f;
  } else if (a == ACT_TANH) {
    for (size_t i = 0; i < n; i++) G[i] *= 1.0f - Y[i] * Y[i];
  }
}

void mlp_backward(Mlp *m, const float *dy, int want_wgrad, float *dx) {
  int B = m->batch;
  int L = m->n_layers;
  float *G = m->g0, *Gnext = m->g1;
  memcpy(G, dy, sizeof(float) * (size_t)B * (size_t)m->sizes[L]);
  for (int l = L - 1; l >= 0; l--) {
    int I = m->sizes[l], O = m->sizes[l + 1];
    const float *X = l == 0 ? m->in : m->out[l - 1];
    /* G = dL/dY * act'(Y): gradient at the pre-activation */
    act_backward(G, m->out[l], (size_t)B * (size_t)O, m->act[l]);
    if (want_wgrad) {
      /* dW += G^T X   (O x B)(B x I) */
      blas_gemm(1, 0, O, I, B, 1.0f, G, X, 1.0f, m->grads + m->w_off[l]);
      if (m->use_bias) {
        /* db += column sums of G */
        float *db = m->grads + m->b_off[l];
        for (int i = 0; i < B; i++) {
          const float *g = G + (size_t)i * O;
          for (int j = 0; j < O; j++) db[j] += g[j];
        }
      }
    }
    if (l == 0) {
      /* dX = G W   (B x O)(O x I) */
      if (dx) blas_gemm(0, 0, B, I, O, 1.0f, G, m->params + m->w_off[0], 0.0f, dx);
    } else {
      blas_gemm(0, 0, B, I, O, 1.0f, G, m->params + m->w_off[l], 0.0f, Gnext);
      float *t = G;
      G = Gnext;
      Gnext = t;
    }
  }
}

void mlp_zero_grad(Mlp *m) { memset(m->grads, 0, sizeof(float) * m->n_params); }

void mlp_infer(const Mlp *m, const float *params, const float *x, float *y, float *scratch) {
  int w = mlp_max_width(m);
  float *a = scratch, *b = scratch + w;
  const float *X = x;
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->sizes[l], O = m->sizes[l + 1];
    const float *W = params + m->w_off[l];
    float *Y = l == m->n_layers - 1 ? y : (l % 2 ? b : a);
    for (int o = 0; o < O; o++) {
      const float *wr = W + (size_t)o * I;
      float acc = m->use_bias ? params[m->b_off[l] + o] : 0.0f;
      for (int i = 0; i < I; i++) acc += wr[i] * X[i];
      if (m->act[l] == ACT_RELU)
        acc = acc > 0.0f ? acc : 0.0f;
      else if (m->act[l] == ACT_TANH)
        acc = tanhf(acc);
      Y[o] = acc;
    }
    X = Y;
  }
}
