/* mlp: forward/backward over the blas wrapper, with optional batch normalization and a
 * second input; see mlp.h for the layout. */
#include "mlp.h"

#include <math.h>
#include <string.h>

#include "blas.h"
#include "team.h"
#include "vmath.h"
#include "util.h"

int mlp_max_width(const Mlp *m) {
  int w = 0;
  for (int l = 0; l <= m->n_layers; l++)
    if (m->sizes[l] > w) w = m->sizes[l];
  for (int l = 0; l < m->n_layers; l++)
    if (m->in_dim[l] > w) w = m->in_dim[l];
  return w;
}

int mlp_has_norm(const Mlp *m) {
  for (int u = 0; u <= m->n_layers; u++)
    if (m->norm[u].dim) return 1;
  return 0;
}

/* γ = 1, β = 0, running mean 0, running variance 1 (PyTorch's BatchNorm1d) */
static void norm_reset(Mlp *m) {
  for (int u = 0; u <= m->n_layers; u++) {
    const MlpNorm *n = &m->norm[u];
    for (int j = 0; j < n->dim; j++) {
      m->params[n->gamma_off + j] = 1.0f;
      m->params[n->beta_off + j] = 0.0f;
      m->params[n->mean_off + j] = 0.0f;
      m->params[n->var_off + j] = 1.0f;
    }
  }
}

void mlp_init(Mlp *m, int n_layers, const int *sizes, const Activation *act, int use_bias,
              int max_batch) {
  mlp_init_opt(m, n_layers, sizes, act, use_bias, NULL, max_batch);
}

void mlp_init_opt(Mlp *m, int n_layers, const int *sizes, const Activation *act, int use_bias,
                  const MlpOptions *opt, int max_batch) {
  static const MlpOptions none;
  if (!opt) opt = &none;
  DDPG_CHECK(n_layers >= 1 && n_layers <= MLP_MAX_LAYERS && max_batch >= 1);
  DDPG_CHECK(opt->aux_dim >= 0 && (opt->aux_dim == 0 || (opt->aux_layer >= 0 &&
                                                          opt->aux_layer < n_layers)));
  memset(m, 0, sizeof *m);
  m->n_layers = n_layers;
  m->use_bias = use_bias;
  m->max_batch = max_batch;
  m->aux_layer = opt->aux_dim ? opt->aux_layer : 0;
  m->aux_dim = opt->aux_dim;
  m->bn_momentum = opt->bn_momentum;
  for (int l = 0; l <= n_layers; l++) {
    DDPG_CHECK(sizes[l] >= 1);
    m->sizes[l] = sizes[l];
  }
  /* the trainable part: [γ0 β0] then per layer W_l, b_l or [γ β] */
  size_t off = 0;
  if (opt->bn_input) {
    m->norm[0].dim = sizes[0];
    m->norm[0].gamma_off = off;
    m->norm[0].beta_off = off + (size_t)sizes[0];
    off += 2 * (size_t)sizes[0];
  }
  for (int l = 0; l < n_layers; l++) {
    m->act[l] = act[l];
    m->in_dim[l] = sizes[l] + (m->aux_dim && l == m->aux_layer ? m->aux_dim : 0);
    m->w_off[l] = off;
    off += (size_t)sizes[l + 1] * (size_t)m->in_dim[l];
    m->has_bias[l] = use_bias && !opt->bn_layer[l];
    m->b_off[l] = off;
    if (m->has_bias[l]) off += (size_t)sizes[l + 1];
    if (opt->bn_layer[l]) {
      MlpNorm *n = &m->norm[l + 1];
      n->dim = sizes[l + 1];
      n->gamma_off = off;
      n->beta_off = off + (size_t)n->dim;
      off += 2 * (size_t)n->dim;
    }
  }
  m->n_train = off;
  /* the statistics part: running mean and variance of every site */
  for (int u = 0; u <= n_layers; u++) {
    MlpNorm *n = &m->norm[u];
    if (!n->dim) continue;
    n->mean_off = off;
    n->var_off = off + (size_t)n->dim;
    off += 2 * (size_t)n->dim;
    n->xhat = xcalloc((size_t)max_batch * (size_t)n->dim, sizeof(float));
    n->mean = xcalloc((size_t)n->dim, sizeof(float));
    n->istd = xcalloc((size_t)n->dim, sizeof(float));
  }
  m->n_params = off;
  m->params = xcalloc(off, sizeof(float));
  m->grads = xcalloc(off, sizeof(float));
  for (int l = 0; l < n_layers; l++)
    m->out[l] = xcalloc((size_t)max_batch * (size_t)sizes[l + 1], sizeof(float));
  if (m->norm[0].dim) m->x_norm = xcalloc((size_t)max_batch * (size_t)sizes[0], sizeof(float));
  if (m->aux_dim)
    m->cat = xcalloc((size_t)max_batch * (size_t)m->in_dim[m->aux_layer], sizeof(float));
  size_t w = (size_t)mlp_max_width(m);
  m->g0 = xcalloc((size_t)max_batch * w, sizeof(float));
  m->g1 = xcalloc((size_t)max_batch * w, sizeof(float));
  m->bn_sum = xcalloc(2 * w, sizeof(float));
  norm_reset(m);
}

void mlp_free(Mlp *m) {
  free(m->params);
  free(m->grads);
  for (int l = 0; l < MLP_MAX_LAYERS; l++) free(m->out[l]);
  for (int u = 0; u <= MLP_MAX_LAYERS; u++) {
    free(m->norm[u].xhat);
    free(m->norm[u].mean);
    free(m->norm[u].istd);
  }
  free(m->x_norm);
  free(m->cat);
  free(m->g0);
  free(m->g1);
  free(m->bn_sum);
  memset(m, 0, sizeof *m);
}

void mlp_init_params(Mlp *m, Rng *rng) {
  for (int l = 0; l < m->n_layers; l++) {
    double bound = 1.0 / sqrt((double)m->in_dim[l]);
    size_t nw = (size_t)m->sizes[l + 1] * (size_t)m->in_dim[l];
    float *W = m->params + m->w_off[l];
    for (size_t i = 0; i < nw; i++) W[i] = (float)rng_range(rng, -bound, bound);
    if (m->has_bias[l]) {
      float *b = m->params + m->b_off[l];
      for (int i = 0; i < m->sizes[l + 1]; i++) b[i] = (float)rng_range(rng, -bound, bound);
    }
  }
  norm_reset(m);
}

static float act_apply(float v, Activation a) {
  if (a == ACT_RELU) return v > 0.0f ? v : 0.0f;
  if (a == ACT_TANH) return tanhf(v);
  return v;
}

/* act'(z) written with y = act(z) */
static float act_grad(float y, Activation a) {
  if (a == ACT_RELU) return y > 0.0f ? 1.0f : 0.0f;
  if (a == ACT_TANH) return 1.0f - y * y;
  return 1.0f;
}

/* Y = act(Y + b), fused bias and activation over the GEMM output */
DDPG_SIMD_CLONES static void bias_act(float *Y, const float *b, int B, int O, Activation a) {
  for (int i = 0; i < B; i++) {
    float *restrict y = Y + (size_t)i * O; /* one pass per row; vectorizes */
    if (b && a == ACT_RELU) {
      const float *restrict bb = b;
      for (int j = 0; j < O; j++) {
        float v = y[j] + bb[j];
        y[j] = v > 0.0f ? v : 0.0f;
      }
      continue;
    }
    if (b)
      for (int j = 0; j < O; j++) y[j] += b[j];
    if (a == ACT_RELU)
      for (int j = 0; j < O; j++) y[j] = y[j] > 0.0f ? y[j] : 0.0f;
  }
  /* over the whole block at once: an output layer has few columns (6 for half-cheetah),
   * too few for a vector per row; libm's tanhf would be a call per element (vmath.h) */
  if (a == ACT_TANH) vm_tanh(Y, Y, (size_t)B * (size_t)O);
}

/* db[j0:j1] += column sums of G (B x O) over columns [j0, j1) */
DDPG_SIMD_CLONES static void col_sums_cols(float *restrict db, const float *restrict G, int B,
                                           int O, int j0, int j1) {
  for (int i = 0; i < B; i++) {
    const float *restrict g = G + (size_t)i * O;
    for (int j = j0; j < j1; j++) db[j] += g[j];
  }
}

/* G *= act'(Y), written with Y the post-activation output */
DDPG_SIMD_CLONES static void act_backward(float *G, const float *Y, size_t n, Activation a) {
  if (a == ACT_RELU) {
    float *restrict g = G; /* select form, so the loop vectorizes */
    const float *restrict y = Y;
    for (size_t i = 0; i < n; i++) g[i] = y[i] > 0.0f ? g[i] : 0.0f;
  } else if (a == ACT_TANH) {
    for (size_t i = 0; i < n; i++) G[i] *= 1.0f - Y[i] * Y[i];
  }
}

/* batch norm of site u fused with the activation: Y = act(γ ⊙ x̂ + β), x̂ = (Z − mean)·istd
 * over B rows of C = dim columns (Y may be Z). Train modes: mean and biased variance of the
 * batch, and (MLP_TRAIN) running r ← (1 − m)r + m·batch with the unbiased variance, as
 * PyTorch; eval: the running statistics */
static void norm_forward(Mlp *m, int u, float *Y, const float *Z, int B, Activation a) {
  MlpNorm *n = &m->norm[u];
  const int C = n->dim;
  float *mean = n->mean, *istd = n->istd;
  float *rmean = m->params + n->mean_off, *rvar = m->params + n->var_off;
  if (m->mode == MLP_EVAL) {
    for (int j = 0; j < C; j++) {
      mean[j] = rmean[j];
      istd[j] = 1.0f / sqrtf(rvar[j] + MLP_BN_EPS);
    }
  } else {
    /* two passes, mean then centered squares (istd holds the variance meanwhile) */
    memset(mean, 0, sizeof(float) * (size_t)C);
    memset(istd, 0, sizeof(float) * (size_t)C);
    for (int i = 0; i < B; i++) {
      const float *z = Z + (size_t)i * C;
      for (int j = 0; j < C; j++) mean[j] += z[j];
    }
    for (int j = 0; j < C; j++) mean[j] /= (float)B;
    for (int i = 0; i < B; i++) {
      const float *z = Z + (size_t)i * C;
      for (int j = 0; j < C; j++) {
        float d = z[j] - mean[j];
        istd[j] += d * d;
      }
    }
    const float mom = m->bn_momentum;
    for (int j = 0; j < C; j++) {
      float var = istd[j] / (float)B;
      if (m->mode == MLP_TRAIN) {
        rmean[j] = (1.0f - mom) * rmean[j] + mom * mean[j];
        rvar[j] = (1.0f - mom) * rvar[j] + mom * var * ((float)B / (float)(B - 1));
      }
      istd[j] = 1.0f / sqrtf(var + MLP_BN_EPS);
    }
  }
  const float *gamma = m->params + n->gamma_off, *beta = m->params + n->beta_off;
  for (int i = 0; i < B; i++) {
    const float *z = Z + (size_t)i * C;
    float *xh = n->xhat + (size_t)i * C, *y = Y + (size_t)i * C;
    for (int j = 0; j < C; j++) {
      xh[j] = (z[j] - mean[j]) * istd[j];
      y[j] = act_apply(gamma[j] * xh[j] + beta[j], a);
    }
  }
}

/* the backward twin of norm_forward, in place: G = dL/dY on entry, dL/dZ on exit.
 * g = G ⊙ act'(Y); dγ += Σ_rows g ⊙ x̂, dβ += Σ_rows g (wgrad);
 * train: dZ = γ·istd·(g − mean_rows(g) − x̂ ⊙ mean_rows(g ⊙ x̂)); eval: dZ = γ·istd·g */
static void norm_backward(Mlp *m, int u, float *G, const float *Y, int B, Activation a,
                          MlpWgrad wgrad) {
  const MlpNorm *n = &m->norm[u];
  const int C = n->dim;
  float *sg = m->bn_sum, *sgx = m->bn_sum + C;
  memset(m->bn_sum, 0, sizeof(float) * 2 * (size_t)C);
  for (int i = 0; i < B; i++) {
    float *g = G + (size_t)i * C;
    const float *y = Y + (size_t)i * C, *xh = n->xhat + (size_t)i * C;
    for (int j = 0; j < C; j++) {
      g[j] *= act_grad(y[j], a);
      sg[j] += g[j];
      sgx[j] += g[j] * xh[j];
    }
  }
  if (wgrad) {
    float *dgamma = m->grads + n->gamma_off, *dbeta = m->grads + n->beta_off;
    for (int j = 0; j < C; j++) {
      dgamma[j] += sgx[j];
      dbeta[j] += sg[j];
    }
  }
  const float *gamma = m->params + n->gamma_off;
  const int train = m->mode != MLP_EVAL;
  for (int j = 0; j < C; j++) { /* sums become the row means the train formula needs */
    sg[j] /= (float)B;
    sgx[j] /= (float)B;
  }
  for (int i = 0; i < B; i++) {
    float *g = G + (size_t)i * C;
    const float *xh = n->xhat + (size_t)i * C;
    for (int j = 0; j < C; j++) {
      float k = gamma[j] * n->istd[j];
      g[j] = train ? k * (g[j] - sg[j] - xh[j] * sgx[j]) : k * g[j];
    }
  }
}

/* C = [A, D] row by row: A (B x na), D (B x nd) */
static void concat_rows(float *C, const float *A, const float *D, int B, int na, int nd) {
  for (int i = 0; i < B; i++) {
    memcpy(C + (size_t)i * (na + nd), A + (size_t)i * na, sizeof(float) * (size_t)na);
    memcpy(C + (size_t)i * (na + nd) + na, D + (size_t)i * nd, sizeof(float) * (size_t)nd);
  }
}

/* one Linear layer with its activation, forward and backward, split across a team by
 * rows of the batch (forward, act' and dX) and by output units (db, dW) or, for a layer of
 * few outputs, by input columns (dW). This is the one code path of a layer: without a team
 * (team_size 1) the single part is the whole batch, the plain sequence of calls. Forward:
 * Y = X W^T (B x I)(I x O) by rows; backward: dX = G W (B x O)(O x I) by rows and
 * dW (+)= G^T X (O x B)(B x I) by outputs or inputs. */
typedef struct {
  float *Y, *G, *dX, *dW, *db;
  const float *X, *W, *b;
  const float *cat_h, *cat_aux; /* forward: X = [cat_h, cat_aux] built row by row when set */
  int B, I, O, set, cat_nh;
  Activation a;
} LayerJob;

/* forward rows [lo, hi): Y = act(X W^T + b) */
static void forward_part(void *ctx, int p, int n_parts) {
  const LayerJob *j = ctx;
  size_t lo, hi;
  team_range((size_t)j->B, p, n_parts, 16, &lo, &hi);
  if (hi <= lo) return;
  if (j->cat_h) /* this part's rows of [h, aux], where this thread multiplies them next */
    concat_rows((float *)j->X + lo * (size_t)j->I, j->cat_h + lo * (size_t)j->cat_nh,
                j->cat_aux + lo * (size_t)(j->I - j->cat_nh), (int)(hi - lo), j->cat_nh,
                j->I - j->cat_nh);
  float *Y = j->Y + lo * (size_t)j->O;
  blas_gemm_ld(0, 1, (int)(hi - lo), j->O, j->I, 1.0f, j->X + lo * (size_t)j->I, j->I, j->W,
               j->I, 0.0f, Y, j->O);
  bias_act(Y, j->b, (int)(hi - lo), j->O, j->a);
}

/* with cat_h set, X (B x I) is first filled with [cat_h (B x cat_nh), cat_aux] */
static void linear_act_forward(Team *t, float *Y, float *X, const float *W, const float *b,
                               int B, int I, int O, Activation a, const float *cat_h,
                               const float *cat_aux, int cat_nh) {
  LayerJob j = {.Y = Y, .X = X, .W = W, .b = b, .B = B, .I = I, .O = O, .a = a,
                .cat_h = cat_h, .cat_aux = cat_aux, .cat_nh = cat_nh};
  team_run(t, forward_part, &j, team_size(t));
}

/* backward rows [lo, hi): G ⊙= act'(Y), then dX = G W on those rows */
static void backward_rows_part(void *ctx, int p, int n_parts) {
  const LayerJob *j = ctx;
  size_t lo, hi;
  team_range((size_t)j->B, p, n_parts, 16, &lo, &hi);
  if (hi <= lo) return;
  float *G = j->G + lo * (size_t)j->O;
  act_backward(G, j->Y + lo * (size_t)j->O, (hi - lo) * (size_t)j->O, j->a);
  if (j->dX)
    blas_gemm_ld(0, 0, (int)(hi - lo), j->I, j->O, 1.0f, G, j->O, j->W, j->I, 0.0f,
                 j->dX + lo * (size_t)j->I, j->I);
}

/* weight gradients: db, dW rows [lo, hi) of the outputs, or dW columns [lo, hi) of the
 * inputs (db on part 0) when the layer has fewer outputs than inputs */
static void backward_wgrad_part(void *ctx, int p, int n_parts) {
  const LayerJob *j = ctx;
  const int by_out = j->O >= j->I;
  size_t lo, hi;
  team_range((size_t)(by_out ? j->O : j->I), p, n_parts, 16, &lo, &hi);
  if (hi <= lo) return;
  size_t o0 = by_out ? lo : 0, o1 = by_out ? hi : (size_t)j->O;
  if (j->db && (by_out || p == 0)) {
    if (j->set) memset(j->db + o0, 0, sizeof(float) * (o1 - o0));
    col_sums_cols(j->db, j->G, j->B, j->O, (int)o0, (int)o1);
  }
  if (!j->dW) return;
  float beta = j->set ? 0.0f : 1.0f;
  if (by_out) /* dW[o0:o1] (+)= G[:, o0:o1]^T X */
    blas_gemm_ld(1, 0, (int)(hi - lo), j->I, j->B, 1.0f, j->G + lo, j->O, j->X, j->I, beta,
                 j->dW + lo * (size_t)j->I, j->I);
  else /* dW[:, i0:i1] (+)= G^T X[:, i0:i1] */
    blas_gemm_ld(1, 0, j->O, (int)(hi - lo), j->B, 1.0f, j->G, j->O, j->X + lo, j->I, beta,
                 j->dW + lo, j->I);
}

/* the backward of linear_act_forward, in place on G (B x O, dL/dY on entry, dL/dZ on
 * exit): dX (B x I) = G W when not NULL; with dW not NULL, dW (O x I) and db (O, when not
 * NULL) are set (set) or accumulated */
static void linear_act_backward(Team *t, float *G, float *dX, float *dW, float *db, int set,
                                const float *Y, const float *X, const float *W, int B, int I,
                                int O, Activation a) {
  LayerJob j = {.Y = (float *)Y, .G = G, .dX = dX, .dW = dW, .db = db, .X = X, .W = W,
                .B = B, .I = I, .O = O, .set = set, .a = a};
  team_run(t, backward_rows_part, &j, team_size(t));
  if (dW || db) team_run(t, backward_wgrad_part, &j, team_size(t));
}

const float *mlp_forward(Mlp *m, const float *x, int B) {
  return mlp_forward_full(m, x, NULL, B, MLP_TRAIN);
}

/* the matrix layer l multiplies: its input after normalization and concatenation */
static const float *layer_input(const Mlp *m, int l) {
  if (m->aux_dim && l == m->aux_layer) return m->cat;
  if (l > 0) return m->out[l - 1];
  return m->norm[0].dim ? m->x_norm : m->in;
}

const float *mlp_forward_full(Mlp *m, const float *x, const float *aux, int B, MlpMode mode) {
  DDPG_CHECK(B >= 1 && B <= m->max_batch);
  DDPG_CHECK((aux != NULL) == (m->aux_dim > 0));
  DDPG_CHECK(mode == MLP_EVAL || B >= 2 || !mlp_has_norm(m));
  m->in = x;
  m->aux = aux;
  m->batch = B;
  m->mode = mode;
  const float *X = x;
  if (m->norm[0].dim) {
    norm_forward(m, 0, m->x_norm, x, B, ACT_IDENTITY);
    X = m->x_norm;
  }
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->in_dim[l], O = m->sizes[l + 1];
    float *Y = m->out[l];
    const float *bias = m->has_bias[l] ? m->params + m->b_off[l] : NULL;
    const int joins = m->aux_dim && l == m->aux_layer; /* this layer reads [h, aux] */
    if (m->norm[l + 1].dim) {
      if (joins) {
        concat_rows(m->cat, X, aux, B, m->sizes[l], m->aux_dim);
        X = m->cat;
      }
      /* Y = X W^T   (B x I)(I x O) */
      team_gemm(m->team, 0, 1, B, O, I, 1.0f, X, m->params + m->w_off[l], 0.0f, Y);
      norm_forward(m, l + 1, Y, Y, B, m->act[l]);
    } else {
      /* Y = act(X W^T + b)   (B x I)(I x O), X = [h, aux] where a joins */
      linear_act_forward(m->team, Y, joins ? m->cat : (float *)X, m->params + m->w_off[l], bias,
                         B, I, O, m->act[l], joins ? X : NULL, aux, m->sizes[l]);
    }
    X = Y;
  }
  return m->out[m->n_layers - 1];
}

void mlp_backward(Mlp *m, const float *dy, MlpWgrad wgrad, float *dx) {
  mlp_backward_full(m, dy, wgrad, dx, NULL);
}

void mlp_backward_full(Mlp *m, const float *dy, MlpWgrad wgrad, float *dx, float *daux) {
  const int B = m->batch, L = m->n_layers;
  /* SET writes every W and b gradient of the pass with beta = 0 instead of zeroing the slab
   * and accumulating (x + 0 = x: the same bits); batch norm's γ, β accumulate, so a network
   * with batch norm is zeroed first */
  int set = wgrad == MLP_WGRAD_SET;
  if (set && mlp_has_norm(m)) {
    mlp_zero_grad(m);
    set = 0;
  }
  DDPG_CHECK(!daux || m->aux_dim > 0);
  /* the gradient must reach the input when dx is wanted or the input norm's γ, β are;
   * otherwise it stops at the lowest layer that is still needed */
  const int to_input = dx != NULL || (wgrad && m->norm[0].dim);
  const int lowest = wgrad || to_input ? 0 : daux ? m->aux_layer : L;
  float *G = m->g0, *Gnext = m->g1;
  memcpy(G, dy, sizeof(float) * (size_t)B * (size_t)m->sizes[L]);
  for (int l = L - 1; l >= lowest; l--) {
    int I = m->in_dim[l], O = m->sizes[l + 1];
    const float *X = layer_input(m, l);
    /* G = dL/dY * act'(Y) (and through the batch norm): gradient at the GEMM output */
    int is_aux = m->aux_dim && l == m->aux_layer;
    int want_dx = !(l == 0 && !to_input && !(is_aux && daux)) &&
                  !(l > 0 && l == lowest && !(is_aux && daux));
    const float *W = m->params + m->w_off[l];
    if (m->norm[l + 1].dim) {
      norm_backward(m, l + 1, G, m->out[l], B, m->act[l], wgrad);
      if (wgrad) /* dW (+)= G^T X   (O x B)(B x I) */
        team_gemm(m->team, 1, 0, O, I, B, 1.0f, G, X, set ? 0.0f : 1.0f, m->grads + m->w_off[l]);
      if (!want_dx) break;
      /* dX = G W   (B x O)(O x I) */
      team_gemm(m->team, 0, 0, B, I, O, 1.0f, G, W, 0.0f, Gnext);
    } else {
      /* G ⊙= act'(Y); dX = G W   (B x O)(O x I); db (+)= Σ_rows G; dW (+)= G^T X */
      float *dW = wgrad ? m->grads + m->w_off[l] : NULL;
      float *db = wgrad && m->has_bias[l] ? m->grads + m->b_off[l] : NULL;
      linear_act_backward(m->team, G, want_dx ? Gnext : NULL, dW, db, set, m->out[l], X, W, B,
                          I, O, m->act[l]);
      if (!want_dx) break;
    }
    if (is_aux) {
      /* split d[h, aux] (B x I): daux out, dh compacted to (B x sizes[l]) in place */
      int H = m->sizes[l], A = m->aux_dim;
      for (int i = 0; i < B; i++) {
        if (daux)
          memcpy(daux + (size_t)i * A, Gnext + (size_t)i * I + H, sizeof(float) * (size_t)A);
        memmove(Gnext + (size_t)i * H, Gnext + (size_t)i * I, sizeof(float) * (size_t)H);
      }
    }
    float *t = G;
    G = Gnext;
    Gnext = t;
    if (l == 0 && to_input) {
      /* G = dL/d(normalized input); through the input norm to dL/dx */
      if (m->norm[0].dim) norm_backward(m, 0, G, m->x_norm, B, ACT_IDENTITY, wgrad);
      if (dx) memcpy(dx, G, sizeof(float) * (size_t)B * (size_t)m->sizes[0]);
    }
  }
}

void mlp_zero_grad(Mlp *m) { memset(m->grads, 0, sizeof(float) * m->n_params); }

/* y = γ (z − mean)·istd + β for one row, with site u's running statistics in `params` */
static float norm_infer(const Mlp *m, const float *params, int u, int j, float z) {
  const MlpNorm *n = &m->norm[u];
  float istd = 1.0f / sqrtf(params[n->var_off + j] + MLP_BN_EPS);
  float xh = (z - params[n->mean_off + j]) * istd;
  return params[n->gamma_off + j] * xh + params[n->beta_off + j];
}

void mlp_infer(const Mlp *m, const float *params, const float *x, float *y, float *scratch) {
  DDPG_CHECK(m->aux_dim == 0);
  int w = mlp_max_width(m);
  float *a = scratch, *b = scratch + w;
  const float *X = x;
  if (m->norm[0].dim) {
    for (int i = 0; i < m->sizes[0]; i++) b[i] = norm_infer(m, params, 0, i, x[i]);
    X = b;
  }
  for (int l = 0; l < m->n_layers; l++) {
    int I = m->sizes[l], O = m->sizes[l + 1];
    const float *W = params + m->w_off[l];
    float *Y = l == m->n_layers - 1 ? y : (X == a ? b : a);
    for (int o = 0; o < O; o++) {
      const float *wr = W + (size_t)o * I;
      float acc = m->has_bias[l] ? params[m->b_off[l] + o] : 0.0f;
      for (int i = 0; i < I; i++) acc += wr[i] * X[i];
      if (m->norm[l + 1].dim) acc = norm_infer(m, params, l + 1, o, acc);
      Y[o] = act_apply(acc, m->act[l]);
    }
    X = Y;
  }
}
