/* test_mlp: the MLP against references. Finite-difference gradient checks (weights and
 * inputs; ReLU, tanh, identity; with and without biases); the backward without weight
 * gradients; single-row mlp_infer against the forward. Batch normalization: gradient checks
 * (weights, γ/β, inputs, the second input) in train and eval mode, the running statistics,
 * eval mode against a hand-written reference, and single-row acting. */
#include "helpers.h"

#include <math.h>

#include "mlp.h"
#include "rng.h"

/* loss = Σ c ⊙ y, in double, so dLoss/dy = c */
static double probe_loss(Mlp *m, const float *x, int B, const float *c) {
  const float *y = mlp_forward(m, x, B);
  double L = 0.0;
  int O = m->sizes[m->n_layers];
  for (int i = 0; i < B * O; i++) L += (double)c[i] * y[i];
  return L;
}

static void grad_check(Activation hidden, Activation out_act, int use_bias) {
  const int B = 4;
  int sizes[] = {5, 8, 6, 3};
  Activation act[] = {hidden, hidden, out_act};
  Mlp m;
  mlp_init(&m, 3, sizes, act, use_bias, B);
  Rng r;
  rng_init(&r, 42, (uint64_t)hidden * 10 + out_act);
  mlp_init_params(&m, &r);
  float x[4 * 5], c[4 * 3], dx[4 * 5];
  for (int i = 0; i < B * 5; i++) x[i] = (float)rng_range(&r, -1.5, 1.5);
  for (int i = 0; i < B * 3; i++) c[i] = (float)rng_range(&r, -1, 1);

  probe_loss(&m, x, B, c);
  mlp_zero_grad(&m);
  mlp_backward(&m, c, MLP_WGRAD_ADD, dx);

  const float h = 1e-2f;
  double max_rel = 0.0, norm = 0.0;
  for (size_t p = 0; p < m.n_params; p++) {
    float keep = m.params[p];
    m.params[p] = keep + h;
    double lp = probe_loss(&m, x, B, c);
    m.params[p] = keep - h;
    double lm = probe_loss(&m, x, B, c);
    m.params[p] = keep;
    double num = (lp - lm) / (2.0 * h);
    double ana = m.grads[p];
    norm += ana * ana;
    double rel = fabs(num - ana) / fmax(1e-2, fabs(num) + fabs(ana));
    if (rel > max_rel) max_rel = rel;
  }
  ck_assert_msg(norm > 1e-6, "weight gradient is zero");
  ck_assert_msg(max_rel < 2e-2, "weight gradient rel error %g", max_rel);

  double max_rel_x = 0.0, norm_x = 0.0;
  for (int i = 0; i < B * 5; i++) {
    float keep = x[i];
    x[i] = keep + h;
    double lp = probe_loss(&m, x, B, c);
    x[i] = keep - h;
    double lm = probe_loss(&m, x, B, c);
    x[i] = keep;
    double num = (lp - lm) / (2.0 * h);
    norm_x += (double)dx[i] * dx[i];
    double rel = fabs(num - dx[i]) / fmax(1e-2, fabs(num) + fabs(dx[i]));
    if (rel > max_rel_x) max_rel_x = rel;
  }
  ck_assert_msg(norm_x > 1e-6, "input gradient is zero");
  ck_assert_msg(max_rel_x < 2e-2, "input gradient rel error %g", max_rel_x);
  mlp_free(&m);
}

/* tolerance: relative error |num − ana| / max(0.01, |num| + |ana|) below 2% with central
 * differences h = 0.01 on float parameters */
START_TEST(test_mlp_grad_relu_identity) { grad_check(ACT_RELU, ACT_IDENTITY, 1); }
END_TEST
START_TEST(test_mlp_grad_tanh_tanh) { grad_check(ACT_TANH, ACT_TANH, 1); }
END_TEST
START_TEST(test_mlp_grad_relu_tanh_nobias) { grad_check(ACT_RELU, ACT_TANH, 0); }
END_TEST

START_TEST(test_mlp_backward_without_wgrad_leaves_grads) {
  int sizes[] = {3, 4, 2};
  Activation act[] = {ACT_RELU, ACT_IDENTITY};
  Mlp m;
  mlp_init(&m, 2, sizes, act, 1, 2);
  Rng r;
  rng_init(&r, 3, 0);
  mlp_init_params(&m, &r);
  float x[6] = {0.1f, -0.2f, 0.3f, 0.5f, 0.4f, -0.9f}, dy[4] = {1, -1, 0.5f, 2}, dx[6];
  mlp_forward(&m, x, 2);
  mlp_zero_grad(&m);
  mlp_backward(&m, dy, MLP_WGRAD_NONE, dx);
  for (size_t i = 0; i < m.n_params; i++) ck_assert_float_eq(m.grads[i], 0.0f);
  mlp_free(&m);
}
END_TEST

START_TEST(test_mlp_infer_matches_forward) {
  int sizes[] = {6, 16, 16, 3};
  Activation act[] = {ACT_RELU, ACT_RELU, ACT_TANH};
  Mlp m;
  mlp_init(&m, 3, sizes, act, 1, 1);
  Rng r;
  rng_init(&r, 5, 0);
  mlp_init_params(&m, &r);
  float x[6], y1[3], scratch[32];
  for (int i = 0; i < 6; i++) x[i] = (float)rng_range(&r, -1, 1);
  const float *y0 = mlp_forward(&m, x, 1);
  mlp_infer(&m, m.params, x, y1, scratch);
  for (int i = 0; i < 3; i++) ck_assert_float_eq_tol(y0[i], y1[i], 1e-6f);
  mlp_free(&m);
}
END_TEST

/* ---- batch norm: gradient checks -------------------------------------------------- */

/* probe_loss with the second input and the mode (mlp_forward_full) */
static double probe_loss_full(Mlp *m, const float *x, const float *aux, int B,
                              MlpMode mode, const float *c) {
  const float *y = mlp_forward_full(m, x, aux, B, mode);
  double L = 0.0;
  int O = m->sizes[m->n_layers];
  for (int i = 0; i < B * O; i++) L += (double)c[i] * y[i];
  return L;
}

/* relative error |num − ana| / max(0.01, |num| + |ana|) of central differences of the probe
 * loss in v[0..n) against ana[0..n); returns the largest, *norm gets Σ ana² */
static double fd_check(Mlp *m, float *v, const float *ana, size_t n, const float *x,
                       const float *aux, int B, MlpMode mode, const float *c, float h,
                       double *norm) {
  double max_rel = 0.0;
  *norm = 0.0;
  for (size_t p = 0; p < n; p++) {
    float keep = v[p];
    v[p] = keep + h;
    double lp = probe_loss_full(m, x, aux, B, mode, c);
    v[p] = keep - h;
    double lm = probe_loss_full(m, x, aux, B, mode, c);
    v[p] = keep;
    double num = (lp - lm) / (2.0 * h);
    *norm += (double)ana[p] * ana[p];
    double rel = fabs(num - ana[p]) / fmax(1e-2, fabs(num) + fabs(ana[p]));
    if (rel > max_rel) max_rel = rel;
  }
  return max_rel;
}

/* a 3-layer net with batch norm on the input and both hidden layers and a second input
 * joining layer 1; checks every trainable parameter (γ/β reported on their own), x and
 * aux. Eval mode runs with random running statistics */
static void bn_grad_check(Activation hidden, MlpMode mode, uint64_t seed) {
  enum { B = 6, IN = 5, AUX = 2, OUT = 3 };
  int sizes[] = {IN, 8, 6, OUT};
  Activation act[] = {hidden, hidden, ACT_IDENTITY};
  MlpOptions o;
  memset(&o, 0, sizeof o);
  o.bn_input = 1;
  o.bn_layer[0] = o.bn_layer[1] = 1;
  o.bn_momentum = 0.1f;
  o.aux_layer = 1;
  o.aux_dim = AUX;
  Mlp m;
  mlp_init_opt(&m, 3, sizes, act, 1, &o, B);
  ck_assert(mlp_has_norm(&m));
  ck_assert_int_eq(m.has_bias[0], 0);
  ck_assert_int_eq(m.has_bias[2], 1);
  ck_assert_int_eq(m.in_dim[1], 8 + AUX);
  Rng r;
  rng_init(&r, seed, (uint64_t)hidden * 10 + mode);
  mlp_init_params(&m, &r);
  /* γ, β away from 1, 0 so their gradients are not special; running statistics random */
  for (int u = 0; u <= m.n_layers; u++) {
    const MlpNorm *n = &m.norm[u];
    for (int j = 0; j < n->dim; j++) {
      m.params[n->gamma_off + j] = (float)rng_range(&r, 0.5, 1.5);
      m.params[n->beta_off + j] = (float)rng_range(&r, -0.5, 0.5);
      m.params[n->mean_off + j] = (float)rng_range(&r, -0.3, 0.3);
      m.params[n->var_off + j] = (float)rng_range(&r, 0.3, 2.0);
    }
  }
  float x[B * IN], aux[B * AUX], c[B * OUT], dx[B * IN], daux[B * AUX];
  for (int i = 0; i < B * IN; i++) x[i] = (float)rng_range(&r, -1.5, 1.5) + (float)(i % IN);
  for (int i = 0; i < B * AUX; i++) aux[i] = (float)rng_range(&r, -1, 1);
  for (int i = 0; i < B * OUT; i++) c[i] = (float)rng_range(&r, -1, 1);

  probe_loss_full(&m, x, aux, B, mode, c);
  mlp_zero_grad(&m);
  mlp_backward_full(&m, c, MLP_WGRAD_ADD, dx, daux);
  for (size_t p = m.n_train; p < m.n_params; p++) ck_assert_float_eq(m.grads[p], 0.0f);

  /* h = 1e-3: batch norm centres the pre-activations on ReLU's kink, which a step of 1e-2
   * crosses; float rounding still stays well below the 2% tolerance */
  const float h = 1e-3f;
  double norm;
  double rel_w = fd_check(&m, m.params, m.grads, m.n_train, x, aux, B, mode, c, h, &norm);
  ck_assert_msg(norm > 1e-6, "weight gradient is zero");
  ck_assert_msg(rel_w < 2e-2, "weight gradient rel error %g", rel_w);
  for (int u = 0; u <= m.n_layers; u++) {
    const MlpNorm *n = &m.norm[u];
    if (!n->dim) continue;
    double ng, nb;
    double rg = fd_check(&m, m.params + n->gamma_off, m.grads + n->gamma_off, (size_t)n->dim,
                         x, aux, B, mode, c, h, &ng);
    double rb = fd_check(&m, m.params + n->beta_off, m.grads + n->beta_off, (size_t)n->dim, x,
                         aux, B, mode, c, h, &nb);
    ck_assert_msg(ng > 1e-8, "site %d: zero gamma gradient", u);
    /* the input norm feeds a batch-normed layer: in train mode that layer subtracts its
     * batch mean, so a shift β0 of its input cancels exactly and dL/dβ0 = 0 */
    if (u == 0 && mode != MLP_EVAL)
      ck_assert_msg(nb < 1e-10, "site 0: beta gradient %g, expected 0", nb);
    else
      ck_assert_msg(nb > 1e-8, "site %d: zero beta gradient", u);
    ck_assert_msg(rg < 2e-2 && rb < 2e-2, "site %d: gamma rel error %g, beta %g", u, rg, rb);
  }
  double rel_x = fd_check(&m, x, dx, B * IN, x, aux, B, mode, c, h, &norm);
  ck_assert_msg(norm > 1e-6, "input gradient is zero");
  ck_assert_msg(rel_x < 2e-2, "input gradient rel error %g", rel_x);
  double rel_a = fd_check(&m, aux, daux, B * AUX, x, aux, B, mode, c, h, &norm);
  ck_assert_msg(norm > 1e-6, "aux gradient is zero");
  ck_assert_msg(rel_a < 2e-2, "aux gradient rel error %g", rel_a);

  /* the aux gradient alone (no weight gradients, no dx: the actor's ∂Q/∂a) is the same */
  float daux2[B * AUX];
  probe_loss_full(&m, x, aux, B, mode, c);
  mlp_zero_grad(&m);
  mlp_backward_full(&m, c, MLP_WGRAD_NONE, NULL, daux2);
  for (int i = 0; i < B * AUX; i++) ck_assert_float_eq_tol(daux2[i], daux[i], 1e-6f);
  for (size_t p = 0; p < m.n_params; p++) ck_assert_float_eq(m.grads[p], 0.0f);
  mlp_free(&m);
}

START_TEST(test_bn_grad_train_tanh) { bn_grad_check(ACT_TANH, MLP_TRAIN, 42); }
END_TEST
START_TEST(test_bn_grad_train_relu) { bn_grad_check(ACT_RELU, MLP_TRAIN, 7); }
END_TEST
START_TEST(test_bn_grad_eval_relu) { bn_grad_check(ACT_RELU, MLP_EVAL, 42); }
END_TEST

/* ---- batch norm: train vs eval mode ----------------------------------------------- */

/* reference forward of the net below with plain doubles: input norm, layer 0 (no bias)
 * with norm and ReLU, layer 1 identity with bias. mean/var: NULL = the batch's (biased),
 * else per-site arrays {input (3), layer 0 (4)} */
static void ref_forward(const Mlp *m, const float *x, int B, int eval, double *y) {
  const float *p = m->params;
  double xn[8][3], z[8][4];
  for (int j = 0; j < 3; j++) {
    double mu = 0, var = 0;
    for (int i = 0; i < B; i++) mu += x[i * 3 + j];
    mu /= B;
    for (int i = 0; i < B; i++) var += (x[i * 3 + j] - mu) * (x[i * 3 + j] - mu);
    var /= B;
    if (eval) mu = p[m->norm[0].mean_off + j], var = p[m->norm[0].var_off + j];
    for (int i = 0; i < B; i++)
      xn[i][j] = p[m->norm[0].gamma_off + j] * (x[i * 3 + j] - mu) / sqrt(var + MLP_BN_EPS) +
                 p[m->norm[0].beta_off + j];
  }
  for (int i = 0; i < B; i++)
    for (int o = 0; o < 4; o++) {
      z[i][o] = 0;
      for (int j = 0; j < 3; j++) z[i][o] += p[m->w_off[0] + o * 3 + j] * xn[i][j];
    }
  for (int o = 0; o < 4; o++) {
    double mu = 0, var = 0;
    for (int i = 0; i < B; i++) mu += z[i][o];
    mu /= B;
    for (int i = 0; i < B; i++) var += (z[i][o] - mu) * (z[i][o] - mu);
    var /= B;
    if (eval) mu = p[m->norm[1].mean_off + o], var = p[m->norm[1].var_off + o];
    for (int i = 0; i < B; i++) {
      double v = p[m->norm[1].gamma_off + o] * (z[i][o] - mu) / sqrt(var + MLP_BN_EPS) +
                 p[m->norm[1].beta_off + o];
      z[i][o] = v > 0 ? v : 0;
    }
  }
  for (int i = 0; i < B; i++)
    for (int k = 0; k < 2; k++) {
      double acc = p[m->b_off[1] + k];
      for (int o = 0; o < 4; o++) acc += p[m->w_off[1] + k * 4 + o] * z[i][o];
      y[i * 2 + k] = acc;
    }
}

START_TEST(test_bn_train_vs_eval_mode) {
  enum { B = 5 };
  int sizes[] = {3, 4, 2};
  Activation act[] = {ACT_RELU, ACT_IDENTITY};
  MlpOptions o;
  memset(&o, 0, sizeof o);
  o.bn_input = 1;
  o.bn_layer[0] = 1;
  o.bn_momentum = 0.1f;
  Mlp m;
  mlp_init_opt(&m, 2, sizes, act, 1, &o, B);
  Rng r;
  rng_init(&r, 5, 0);
  mlp_init_params(&m, &r);
  /* fresh: γ 1, β 0, running mean 0, variance 1; the slab is trainables then statistics */
  ck_assert_uint_eq(m.n_train, 2 * 3 + 4 * 3 + 2 * 4 + 2 * 4 + 2);
  ck_assert_uint_eq(m.n_params, m.n_train + 2 * 3 + 2 * 4);
  for (int j = 0; j < 3; j++) {
    ck_assert_float_eq(m.params[m.norm[0].gamma_off + j], 1.0f);
    ck_assert_float_eq(m.params[m.norm[0].var_off + j], 1.0f);
    ck_assert_float_eq(m.params[m.norm[0].mean_off + j], 0.0f);
  }
  float x[B * 3];
  for (int i = 0; i < B * 3; i++) x[i] = (float)rng_range(&r, -1, 1) * (float)(1 + i % 3) + 2.0f;

  /* train mode: batch statistics, matching the reference; running statistics move by the
   * momentum toward the batch's mean and unbiased variance */
  double ref[B * 2];
  const float *y = mlp_forward_full(&m, x, NULL, B, MLP_TRAIN);
  ref_forward(&m, x, B, 0, ref);
  for (int i = 0; i < B * 2; i++) ck_assert_double_eq_tol(y[i], ref[i], 1e-4);
  for (int j = 0; j < 3; j++) {
    double mu = 0, var = 0;
    for (int i = 0; i < B; i++) mu += x[i * 3 + j];
    mu /= B;
    for (int i = 0; i < B; i++) var += (x[i * 3 + j] - mu) * (x[i * 3 + j] - mu);
    var /= B - 1;
    ck_assert_double_eq_tol(m.params[m.norm[0].mean_off + j], 0.1 * mu, 1e-5);
    ck_assert_double_eq_tol(m.params[m.norm[0].var_off + j], 0.9 + 0.1 * var, 1e-5);
  }
  /* MLP_TRAIN_FROZEN: the same output, running statistics unchanged */
  float stats[64];
  size_t ns = m.n_params - m.n_train;
  memcpy(stats, m.params + m.n_train, sizeof(float) * ns);
  float ytrain[B * 2];
  memcpy(ytrain, y, sizeof ytrain);
  y = mlp_forward_full(&m, x, NULL, B, MLP_TRAIN_FROZEN);
  for (int i = 0; i < B * 2; i++) ck_assert_float_eq(y[i], ytrain[i]);
  ck_assert(memcmp(stats, m.params + m.n_train, sizeof(float) * ns) == 0);

  /* a few more batches so the running statistics are far from the batch's */
  for (int k = 0; k < 3; k++) mlp_forward_full(&m, x, NULL, B, MLP_TRAIN);
  for (int j = 0; j < 4; j++) m.params[m.norm[1].gamma_off + j] = 1.0f + 0.25f * (float)j;

  /* eval mode: running statistics, matching the reference; not the train output; each
   * row's output independent of the rest of the batch; no statistic moves */
  memcpy(stats, m.params + m.n_train, sizeof(float) * ns);
  y = mlp_forward_full(&m, x, NULL, B, MLP_EVAL);
  float yeval[B * 2];
  memcpy(yeval, y, sizeof yeval);
  ref_forward(&m, x, B, 1, ref);
  double diff = 0.0;
  for (int i = 0; i < B * 2; i++) {
    ck_assert_double_eq_tol(yeval[i], ref[i], 1e-4);
    diff += fabs(yeval[i] - ytrain[i]);
  }
  ck_assert_msg(diff > 1e-2, "eval output equals train output (%g)", diff);
  ck_assert(memcmp(stats, m.params + m.n_train, sizeof(float) * ns) == 0);
  float scratch[16], yi[2];
  for (int i = 0; i < B; i++) {
    const float *y1 = mlp_forward_full(&m, x + i * 3, NULL, 1, MLP_EVAL);
    ck_assert_float_eq(y1[0], yeval[i * 2]);
    ck_assert_float_eq(y1[1], yeval[i * 2 + 1]);
    /* single-row acting (mlp_infer) applies the running statistics too */
    mlp_infer(&m, m.params, x + i * 3, yi, scratch);
    ck_assert_float_eq_tol(yi[0], yeval[i * 2], 1e-5f);
    ck_assert_float_eq_tol(yi[1], yeval[i * 2 + 1], 1e-5f);
  }
  mlp_free(&m);
}
END_TEST

TH_MAIN("mlp", 240, test_mlp_grad_relu_identity, test_mlp_grad_tanh_tanh,
        test_mlp_grad_relu_tanh_nobias, test_mlp_backward_without_wgrad_leaves_grads,
        test_mlp_infer_matches_forward, test_bn_grad_train_tanh, test_bn_grad_train_relu,
        test_bn_grad_eval_relu, test_bn_train_vs_eval_mode)
