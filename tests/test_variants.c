/* test_variants: the algorithm variants against references. Batch normalization:
 * finite-difference gradient checks (weights, γ/β, inputs, the second input) in train and
 * eval mode, the running statistics, eval mode against a hand-written reference, and
 * single-row acting. The TD3 switches: the clipped double-Q target and target policy
 * smoothing against hand-computed values on tiny nets, the action entering the critic's
 * second layer, policy-delay counts, the critic's L2 decay leaving γ and β alone. The
 * presets' resolved configurations. Checkpoints of every variant: byte-exact round trip
 * and exact resume. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "config.h"
#include "ddpg.h"
#include "mlp.h"
#include "policy.h"
#include "serial.h"
#include "checkpoint.h"
#include "trainer.h"
#include "util.h"

/* ---- batch norm: gradient checks -------------------------------------------------- */

/* loss = Σ c ⊙ y, in double, so dLoss/dy = c */
static double probe_loss(Mlp *m, const float *x, const float *aux, int B, MlpMode mode,
                         const float *c) {
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
    double lp = probe_loss(m, x, aux, B, mode, c);
    v[p] = keep - h;
    double lm = probe_loss(m, x, aux, B, mode, c);
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

  probe_loss(&m, x, aux, B, mode, c);
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
  probe_loss(&m, x, aux, B, mode, c);
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

/* ---- tiny agents with known weights ----------------------------------------------- */

/* obs 1, act 1, actor μ(s) = θ·s (no hidden layer, no bias, identity), critics linear
 * Q(s, a) = w0 + w1·s + w2·a; action bounds [−1, 1] */
static void tiny_config(AgentConfig *c, int twin, int batch) {
  memset(c, 0, sizeof *c);
  c->obs_dim = 1;
  c->act_dim = 1;
  c->n_hidden = 0;
  c->actor_out = ACT_IDENTITY;
  c->actor_bias = 0;
  c->critic_bias = 1;
  c->act_low[0] = -1.0f;
  c->act_high[0] = 1.0f;
  c->gamma = 0.9f;
  c->tau = 0.05f;
  c->actor_lr = 0.05f;
  c->critic_lr = 0.1f;
  c->optimizer = OPT_SGD;
  c->batch = batch;
  c->twin = twin;
  c->policy_delay = 1;
}

static void set_linear_critic(Mlp *q, float w0, float w1, float w2) {
  q->params[q->b_off[0]] = w0;
  q->params[q->w_off[0]] = w1;
  q->params[q->w_off[0] + 1] = w2;
}

START_TEST(test_clipped_double_q_target) {
  AgentConfig c;
  tiny_config(&c, 1, 2);
  Rng rng;
  rng_init(&rng, 1, 0);
  Agent ag;
  agent_init(&ag, &c, &rng);
  ck_assert_int_eq(ag.n_critics, 2);
  ag.actor_targ.params[ag.actor_targ.w_off[0]] = 0.5f;   /* θ' */
  set_linear_critic(&ag.critic_targ[0], 0.1f, 1.0f, 2.0f); /* Q1' */
  set_linear_critic(&ag.critic_targ[1], 0.3f, -1.0f, 1.0f); /* Q2' */
  Batch b;
  batch_init(&b, 2, 1, 1);
  float s0 = 0.0f, a0 = 0.0f, s1 = 1.0f, s1n = -2.0f;
  batch_set(&b, 0, &s0, &a0, 1.0f, &s1, 1.0f);  /* s' = 1, not terminal */
  batch_set(&b, 1, &s0, &a0, -0.5f, &s1n, 0.0f); /* s' = −2, terminal */
  b.n = 2;
  char err[ERR_LEN];
  ck_assert_int_eq(ddpg_update(&ag, &b, &rng, err), 0);
  /* row 0: a' = 0.5; Q1' = 0.1 + 1 + 1 = 2.1, Q2' = 0.3 − 1 + 0.5 = −0.2 → min −0.2;
   *        y = 1 + 0.9·(−0.2) = 0.82
   * row 1: a' = −1; Q1' = 0.1 − 2 − 2 = −3.9, Q2' = 0.3 + 2 − 1 = 1.3 → min −3.9;
   *        terminal: y = −0.5 */
  ck_assert_float_eq_tol(ag.a_next[0], 0.5f, 1e-7f);
  ck_assert_float_eq_tol(ag.a_next[1], -1.0f, 1e-7f);
  ck_assert_float_eq_tol(ag.q_next[0], -0.2f, 1e-6f);
  ck_assert_float_eq_tol(ag.q_next[1], -3.9f, 1e-6f);
  ck_assert_float_eq_tol(ag.y[0], 0.82f, 1e-6f);
  ck_assert_float_eq_tol(ag.y[1], -0.5f, 1e-6f);
  batch_free(&b);
  agent_free(&ag);
}
END_TEST

START_TEST(test_target_policy_smoothing) {
  AgentConfig c;
  tiny_config(&c, 0, 2);
  c.target_noise = 0.3f;
  c.target_noise_clip = 0.2f;
  Rng rng;
  rng_init(&rng, 0, 0);
  Agent ag;
  agent_init(&ag, &c, &rng);
  ag.actor_targ.params[ag.actor_targ.w_off[0]] = 0.95f;      /* θ' */
  set_linear_critic(&ag.critic_targ[0], 0.0f, 0.5f, -1.0f);  /* Q' = 0.5 s − a */
  Batch b;
  batch_init(&b, 2, 1, 1);
  float s = 0.0f, a = 0.0f, n0 = 1.0f, n1 = -0.2f;
  batch_set(&b, 0, &s, &a, 0.0f, &n0, 1.0f); /* μ'(s') = 0.95: near the upper bound */
  batch_set(&b, 1, &s, &a, 1.0f, &n1, 1.0f); /* μ'(s') = −0.19 */
  b.n = 2;
  /* the noise the update will draw: ε_i = clip(0.3·N(0,1), −0.2, 0.2), row by row */
  Rng copy = rng;
  double eps[2];
  int clipped = 0;
  for (int i = 0; i < 2; i++) {
    eps[i] = 0.3 * rng_normal(&copy);
    if (fabs(eps[i]) > 0.2) clipped++, eps[i] = eps[i] > 0 ? 0.2 : -0.2;
  }
  char err[ERR_LEN];
  ck_assert_int_eq(ddpg_update(&ag, &b, &rng, err), 0);
  double mu[2] = {0.95, -0.19}, nxt[2] = {1.0, -0.2}, rew[2] = {0.0, 1.0};
  for (int i = 0; i < 2; i++) {
    double an = fmin(1.0, fmax(-1.0, mu[i] + eps[i]));
    double y = rew[i] + 0.9 * (0.5 * nxt[i] - an);
    ck_assert_double_eq_tol(ag.a_next[i], an, 1e-6);
    ck_assert_double_eq_tol(ag.y[i], y, 1e-6);
  }
  /* the draws exercise both clips for this seed: noise clipped, row 0 at the bound */
  ck_assert_int_eq(clipped, 2);
  ck_assert_float_eq(ag.a_next[0], 1.0f);
  batch_free(&b);
  agent_free(&ag);
}
END_TEST

/* the action joining the critic's second layer: Q(s, a) = v0 + v1·relu(u0 + u1·s) + v2·a;
 * the target uses the hand-computed Q', and the actor step's ∂Q/∂a is v2 (after the
 * critic step) */
START_TEST(test_critic_action_at_layer_2) {
  AgentConfig c;
  tiny_config(&c, 0, 2);
  c.n_hidden = 1;
  c.hidden[0] = 1;
  c.actor_bias = 1;
  c.critic_action_layer = 2;
  Rng rng;
  rng_init(&rng, 4, 0);
  Agent ag;
  agent_init(&ag, &c, &rng);
  Mlp *q = &ag.critic[0], *qt = &ag.critic_targ[0];
  ck_assert_int_eq(q->aux_layer, 1);
  ck_assert_int_eq(q->in_dim[0], 1);
  ck_assert_int_eq(q->in_dim[1], 2);
  /* μ'(s) = 1·relu(0.5 s + 0) + 0; the actor: hidden width 1 with bias */
  Mlp *mt = &ag.actor_targ;
  mt->params[mt->w_off[0]] = 0.5f;
  mt->params[mt->b_off[0]] = 0.0f;
  mt->params[mt->w_off[1]] = 1.0f;
  mt->params[mt->b_off[1]] = 0.0f;
  for (int k = 0; k < 2; k++) {
    Mlp *n = k ? qt : q;
    n->params[n->w_off[0]] = 2.0f;       /* u1 */
    n->params[n->b_off[0]] = -1.0f;      /* u0 */
    n->params[n->w_off[1]] = 0.5f;       /* v1, on h */
    n->params[n->w_off[1] + 1] = -3.0f;  /* v2, on a */
    n->params[n->b_off[1]] = 0.25f;      /* v0 */
  }
  Batch b;
  batch_init(&b, 2, 1, 1);
  float s0 = 1.0f, a0 = 0.5f, n0 = 2.0f, s1 = -1.0f, a1 = -0.5f, n1 = 0.4f;
  batch_set(&b, 0, &s0, &a0, 0.0f, &n0, 1.0f);
  batch_set(&b, 1, &s1, &a1, 1.0f, &n1, 1.0f);
  b.n = 2;
  char err[ERR_LEN];
  ck_assert_int_eq(ddpg_update(&ag, &b, &rng, err), 0);
  /* row 0: a' = relu(1) = 1; Q' = 0.25 + 0.5·relu(2·2 − 1) − 3·1 = −1.25; y = 0.9·(−1.25)
   * row 1: a' = relu(0.2) = 0.2; Q' = 0.25 + 0.5·relu(−0.2) − 0.6 = −0.35; y = 1 − 0.315 */
  ck_assert_float_eq_tol(ag.q_next[0], -1.25f, 1e-6f);
  ck_assert_float_eq_tol(ag.q_next[1], -0.35f, 1e-6f);
  ck_assert_float_eq_tol(ag.y[0], -1.125f, 1e-6f);
  ck_assert_float_eq_tol(ag.y[1], 0.685f, 1e-6f);
  /* Q(s, a) before the critic step: row 0 0.25 + 0.5·1 − 1.5 = −0.75, row 1 0.25 + 1.5 */
  ck_assert_float_eq_tol(ag.q[0], -0.75f, 1e-6f);
  ck_assert_float_eq_tol(ag.q[1], 1.75f, 1e-6f);
  /* the critic's gradient on v2 is mean δ·a; the actor step's dL/da = −v2_new / B */
  float d0 = -0.75f + 1.125f, d1 = 1.75f - 0.685f;
  float gv2 = (d0 * 0.5f + d1 * -0.5f) / 2.0f;
  ck_assert_float_eq_tol(q->grads[q->w_off[1] + 1], gv2, 1e-6f);
  float v2 = -3.0f - 0.1f * gv2;
  ck_assert_float_eq_tol(q->params[q->w_off[1] + 1], v2, 1e-6f);
  ck_assert_float_eq_tol(ag.dqa[0], -v2 / 2.0f, 1e-6f);
  ck_assert_float_eq_tol(ag.dqa[1], -v2 / 2.0f, 1e-6f);
  batch_free(&b);
  agent_free(&ag);
}
END_TEST

/* ---- policy delay ------------------------------------------------------------------ */

static int slab_changed(const float *a, const float *b, size_t n) {
  return memcmp(a, b, sizeof(float) * n) != 0;
}

START_TEST(test_policy_delay_counts) {
  for (int bn = 0; bn < 2; bn++) {
    AgentConfig c;
    tiny_config(&c, 1, 8);
    c.obs_dim = 3;
    c.act_dim = 2;
    c.act_low[1] = -1.0f;
    c.act_high[1] = 1.0f;
    c.n_hidden = 2;
    c.hidden[0] = c.hidden[1] = 8;
    c.actor_out = ACT_TANH;
    c.actor_bias = 1;
    c.optimizer = OPT_ADAM;
    c.actor_lr = c.critic_lr = 1e-3f;
    c.policy_delay = 3;
    c.batch_norm = bn;
    c.bn_momentum = 0.1f;
    c.critic_action_layer = 2;
    Rng rng;
    rng_init(&rng, 9, (uint64_t)bn);
    Agent ag;
    agent_init(&ag, &c, &rng);
    Batch b;
    batch_init(&b, 8, 3, 2);
    for (int i = 0; i < 8; i++) {
      float s[3], a[2], s2[3];
      for (int j = 0; j < 3; j++) s[j] = (float)rng_range(&rng, -1, 1), s2[j] = s[j] + 0.1f;
      for (int j = 0; j < 2; j++) a[j] = (float)rng_range(&rng, -1, 1);
      batch_set(&b, i, s, a, (float)rng_range(&rng, -1, 1), s2, 1.0f);
    }
    b.n = 8;
    size_t na = ag.actor.n_params, nq = ag.critic[0].n_params;
    float *actor = xmalloc(sizeof(float) * na), *actor_t = xmalloc(sizeof(float) * na);
    float *critic = xmalloc(sizeof(float) * nq), *critic_t = xmalloc(sizeof(float) * nq);
    char err[ERR_LEN];
    for (int u = 1; u <= 7; u++) {
      memcpy(actor, ag.actor.params, sizeof(float) * na);
      memcpy(actor_t, ag.actor_targ.params, sizeof(float) * na);
      memcpy(critic, ag.critic[1].params, sizeof(float) * nq);
      memcpy(critic_t, ag.critic_targ[1].params, sizeof(float) * nq);
      ck_assert_int_eq(ddpg_update(&ag, &b, &rng, err), 0);
      ck_assert_int_eq(ag.n_updates, u);
      int delayed = u % 3 == 0;
      ck_assert_msg(slab_changed(critic, ag.critic[1].params, nq), "critic fixed at %d", u);
      ck_assert_msg(slab_changed(actor, ag.actor.params, na) == delayed, "actor, update %d", u);
      ck_assert_msg(slab_changed(actor_t, ag.actor_targ.params, na) == delayed,
                    "target actor, update %d", u);
      ck_assert_msg(slab_changed(critic_t, ag.critic_targ[1].params, nq) == delayed,
                    "target critic, update %d", u);
    }
    free(actor);
    free(actor_t);
    free(critic);
    free(critic_t);
    batch_free(&b);
    agent_free(&ag);
  }
}
END_TEST

/* ---- critic L2 decay with batch norm ------------------------------------------------ */

/* two agents equal but for --critic-l2: after one update the critic gradients differ by
 * exactly λ·w on every W and b, and not at all on γ, β (or the running statistics) */
START_TEST(test_critic_l2_skips_batch_norm) {
  Agent ag[2];
  const float l2 = 0.25f;
  Batch b;
  batch_init(&b, 4, 3, 1);
  Rng data;
  rng_init(&data, 2, 0);
  for (int i = 0; i < 4; i++) {
    float s[3], a, s2[3];
    for (int j = 0; j < 3; j++) s[j] = (float)rng_range(&data, -1, 1), s2[j] = -s[j];
    a = (float)rng_range(&data, -1, 1);
    batch_set(&b, i, s, &a, (float)rng_range(&data, -1, 1), s2, 1.0f);
  }
  b.n = 4;
  for (int k = 0; k < 2; k++) {
    AgentConfig c;
    tiny_config(&c, 0, 4);
    c.obs_dim = 3;
    c.n_hidden = 2;
    c.hidden[0] = c.hidden[1] = 5;
    c.actor_bias = 1;
    c.optimizer = OPT_ADAM;
    c.batch_norm = 1;
    c.bn_momentum = 0.1f;
    c.critic_action_layer = 2;
    c.critic_l2 = k ? l2 : 0.0f;
    Rng rng;
    rng_init(&rng, 8, 0);
    agent_init(&ag[k], &c, &rng);
    char err[ERR_LEN];
    ck_assert_int_eq(ddpg_update(&ag[k], &b, &rng, err), 0);
  }
  /* the parameters before the step, recovered from agent 0's twin: same init, same seed */
  AgentConfig c0 = ag[0].cfg;
  Rng rng;
  rng_init(&rng, 8, 0);
  Agent init;
  agent_init(&init, &c0, &rng);
  const Mlp *q0 = &ag[0].critic[0], *q1 = &ag[1].critic[0], *w = &init.critic[0];
  char is_wb[4096] = {0};
  ck_assert_uint_lt(q0->n_params, sizeof is_wb);
  for (int l = 0; l < q0->n_layers; l++) {
    size_t n = (size_t)q0->sizes[l + 1] * (size_t)(q0->in_dim[l] + (q0->has_bias[l] ? 1 : 0));
    memset(is_wb + q0->w_off[l], 1, n);
  }
  int n_wb = 0, n_norm = 0;
  for (size_t i = 0; i < q0->n_params; i++) {
    float want = is_wb[i] ? q0->grads[i] + l2 * w->params[i] : q0->grads[i];
    ck_assert_msg(q1->grads[i] == want, "critic grad %zu: %g, want %g", i, q1->grads[i], want);
    n_wb += is_wb[i];
    n_norm += !is_wb[i] && i < q0->n_train;
  }
  ck_assert_int_gt(n_wb, 0);
  ck_assert_int_eq(n_norm, 2 * 3 + 2 * 5); /* γ, β of the input and of the first layer */
  batch_free(&b);
  agent_free(&ag[0]);
  agent_free(&ag[1]);
  agent_free(&init);
}
END_TEST

/* ---- presets ----------------------------------------------------------------------- */

/* the flags -> preset -> resolve path of `ddpg train`; 0 or -1 + err */
static int parse_train(TrainConfig *cfg, int argc, const char **argv, char *err) {
  config_defaults(cfg);
  int nf = config_n_fields();
  ArgSpec specs[80];
  const char *slots[80];
  config_arg_specs(cfg, specs, slots);
  if (args_parse("train", "", specs, nf, argc, (char **)argv, err) != 0) return -1;
  int seen[80] = {0};
  for (int i = 0; i < nf; i++) seen[i] = specs[i].seen;
  if (config_from_args(cfg, specs, slots, err) != 0 || config_apply_preset(cfg, seen, err) != 0 ||
      config_resolve(cfg, err) != 0)
    return -1;
  return 0;
}

START_TEST(test_presets_resolve) {
  TrainConfig c;
  char err[ERR_LEN];
  /* ourddpg: the TD3 author's re-tuned DDPG and CleanRL's defaults */
  const char *a0[] = {"--preset", "ourddpg"};
  ck_assert_msg(parse_train(&c, 2, a0, err) == 0, "%s", err);
  ck_assert_str_eq(c.hidden, "256,256");
  ck_assert_double_eq(c.actor_lr, 3e-4);
  ck_assert_double_eq(c.critic_lr, 3e-4);
  ck_assert_double_eq(c.critic_l2, 0.0);
  ck_assert_double_eq(c.tau, 0.005);
  ck_assert_double_eq(c.gamma, 0.99);
  ck_assert_int_eq(c.batch, 256);
  ck_assert_str_eq(c.noise, "gaussian");
  ck_assert_double_eq(c.noise_sigma, 0.1);
  ck_assert_int_eq(c.start_steps, 25000);
  ck_assert_int_eq(c.twin, 0);
  ck_assert_double_eq(c.target_noise, 0.0);
  ck_assert_int_eq(c.policy_delay, 1);
  ck_assert_int_eq(c.batch_norm, 0);
  ck_assert_double_eq(c.bn_momentum, 0.1);
  ck_assert_int_eq(c.critic_action_layer, 1);
  /* td3: the three switches on, everything else as ourddpg */
  const char *a1[] = {"--preset", "td3"};
  ck_assert_msg(parse_train(&c, 2, a1, err) == 0, "%s", err);
  ck_assert_int_eq(c.twin, 1);
  ck_assert_double_eq(c.target_noise, 0.2);
  ck_assert_double_eq(c.target_noise_clip, 0.5);
  ck_assert_int_eq(c.policy_delay, 2);
  ck_assert_str_eq(c.hidden, "256,256");
  ck_assert_double_eq(c.actor_lr, 3e-4);
  ck_assert_int_eq(c.batch, 256);
  ck_assert_int_eq(c.batch_norm, 0);
  ck_assert_int_eq(c.critic_action_layer, 1);
  /* paper: Lillicrap et al. 2016, low-dimensional */
  const char *a2[] = {"--preset", "paper"};
  ck_assert_msg(parse_train(&c, 2, a2, err) == 0, "%s", err);
  ck_assert_str_eq(c.hidden, "400,300");
  ck_assert_double_eq(c.actor_lr, 1e-4);
  ck_assert_double_eq(c.critic_lr, 1e-3);
  ck_assert_double_eq(c.critic_l2, 1e-2);
  ck_assert_double_eq(c.tau, 0.001);
  ck_assert_int_eq(c.batch, 64);
  ck_assert_str_eq(c.noise, "ou");
  ck_assert_double_eq(c.noise_sigma, 0.2);
  ck_assert_double_eq(c.ou_theta, 0.15);
  ck_assert_int_eq(c.batch_norm, 1);
  ck_assert_double_eq(c.bn_momentum, 0.001);
  ck_assert_int_eq(c.critic_action_layer, 2);
  ck_assert_double_eq(c.final_init, 3e-3);
  ck_assert_int_eq(c.twin, 0);
  ck_assert_int_eq(c.policy_delay, 1);
  /* an explicit flag wins over its preset; the preset still sets the rest */
  const char *a3[] = {"--preset", "paper", "--batch-norm", "0", "--tau", "0.01",
                      "--critic-action-layer", "1"};
  ck_assert_msg(parse_train(&c, 8, a3, err) == 0, "%s", err);
  ck_assert_int_eq(c.batch_norm, 0);
  ck_assert_double_eq(c.tau, 0.01);
  ck_assert_int_eq(c.critic_action_layer, 1);
  ck_assert_int_eq(c.batch, 64);
  ck_assert_str_eq(c.hidden, "400,300");
  const char *a4[] = {"--preset", "td3", "--policy-delay", "3", "--batch-norm", "1"};
  ck_assert_msg(parse_train(&c, 6, a4, err) == 0, "%s", err);
  ck_assert_int_eq(c.policy_delay, 3);
  ck_assert_int_eq(c.twin, 1);
  ck_assert_int_eq(c.batch_norm, 1);
  /* the flags reach the agent */
  AgentConfig ac;
  float lo[2] = {-1, -1}, hi[2] = {1, 1};
  ck_assert_msg(parse_train(&c, 2, a2, err) == 0, "%s", err);
  config_agent(&c, 11, 2, lo, hi, &ac);
  ck_assert_int_eq(ac.batch_norm, 1);
  ck_assert_int_eq(ac.critic_action_layer, 2);
  ck_assert_float_eq(ac.bn_momentum, 0.001f);
  /* impossible combinations are user errors naming the flag */
  const char *b0[] = {"--hidden", "64", "--critic-action-layer", "3"};
  ck_assert_int_ne(parse_train(&c, 4, b0, err), 0);
  ck_assert_msg(strstr(err, "--critic-action-layer"), "%s", err);
  const char *b1[] = {"--batch-norm", "1", "--batch", "1"};
  ck_assert_int_ne(parse_train(&c, 4, b1, err), 0);
  ck_assert_msg(strstr(err, "--batch-norm"), "%s", err);
  const char *b2[] = {"--critic-action-layer", "0"};
  ck_assert_int_ne(parse_train(&c, 2, b2, err), 0);
}
END_TEST

/* ---- checkpoints of every variant --------------------------------------------------- */

static char TMP[256];

static void small_toy(TrainConfig *c, const char *preset, long steps) {
  config_defaults(c);
  snprintf(c->env, sizeof c->env, "toy");
  snprintf(c->preset, sizeof c->preset, "%s", preset);
  char err[ERR_LEN];
  ck_assert_int_eq(config_apply_preset(c, NULL, err), 0);
  c->steps = steps;
  c->seed = 5;
  c->start_steps = 200;
  c->batch = 32;
  c->buffer_size = 10000;
  snprintf(c->hidden, sizeof c->hidden, "16,16");
  c->eval_every = 250;
  c->eval_episodes = 2;
  c->checkpoint_every = 250;
  c->save_replay = 1;
  ck_assert_msg(config_resolve(c, err) == 0, "%s", err);
}

static void run_trainer(const TrainConfig *c, const char *dir, long resume_steps) {
  Trainer tr;
  char err[ERR_LEN];
  if (resume_steps)
    ck_assert_msg(trainer_resume(&tr, dir, resume_steps, err) == 0, "%s", err);
  else
    ck_assert_msg(trainer_init(&tr, c, dir, err) == 0, "%s", err);
  tr.log.quiet = 1;
  ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
  trainer_free(&tr);
}

static void read_ckpt(const char *dir, uint8_t **buf, size_t *n) {
  char p[512], err[ERR_LEN];
  snprintf(p, sizeof p, "%s/%s", dir, CHECKPOINT_NAME);
  ck_assert_msg(read_file(p, buf, n, err) == 0, "%s", err);
}

START_TEST(test_variant_checkpoints_round_trip_and_resume) {
  snprintf(TMP, sizeof TMP, "/tmp/ddpg_test_variants_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(TMP));
  struct {
    const char *name, *preset;
    int batch_norm, action_layer;
  } V[] = {
      {"bn", "ourddpg", 1, 1},       {"layer2", "ourddpg", 0, 2}, {"paper", "paper", 1, 2},
      {"td3_bn_l2", "td3", 1, 2},
  };
  for (size_t v = 0; v < sizeof V / sizeof V[0]; v++) {
    TrainConfig c;
    small_toy(&c, V[v].preset, 600);
    c.batch_norm = V[v].batch_norm;
    c.critic_action_layer = V[v].action_layer;
    char full[400], split[400];
    snprintf(full, sizeof full, "%s/%s_full", TMP, V[v].name);
    snprintf(split, sizeof split, "%s/%s_split", TMP, V[v].name);
    /* an uninterrupted run and one stopped at 325 and resumed: the same bytes */
    run_trainer(&c, full, 0);
    TrainConfig half = c;
    half.steps = 325;
    run_trainer(&half, split, 0);
    run_trainer(NULL, split, 600);
    uint8_t *x, *y;
    size_t nx, ny;
    read_ckpt(full, &x, &nx);
    read_ckpt(split, &y, &ny);
    ck_assert_uint_eq(nx, ny);
    ck_assert_msg(memcmp(x, y, nx) == 0, "%s: resumed checkpoint differs", V[v].name);
    free(y);

    /* load and serialize again: the same bytes */
    Trainer tr;
    char err[ERR_LEN];
    ck_assert_msg(trainer_resume(&tr, full, 700, err) == 0, "%s", err);
    ck_assert_int_eq(tr.cfg.batch_norm, V[v].batch_norm);
    ck_assert_int_eq(tr.cfg.critic_action_layer, V[v].action_layer);
    ck_assert_int_eq(tr.agent.critic[0].aux_layer, V[v].action_layer - 1);
    ck_assert_int_eq(mlp_has_norm(&tr.agent.actor), V[v].batch_norm);
    tr.cfg.steps = 600; /* as stored */
    Writer w;
    writer_init(&w);
    trainer_serialize(&tr, &w);
    ck_assert_uint_eq(w.len, nx);
    ck_assert_msg(memcmp(w.buf, x, nx) == 0, "%s: round trip differs", V[v].name);
    writer_free(&w);
    free(x);

    /* the running statistics were trained and stored; the loaded policy acts with them */
    Mlp *a = &tr.agent.actor;
    if (V[v].batch_norm) {
      ck_assert(a->params[a->norm[0].mean_off] != 0.0f);
      ck_assert(a->params[a->norm[0].var_off] != 1.0f);
      ck_assert(tr.agent.actor_targ.params[a->norm[0].mean_off] != 0.0f);
    }
    Policy pol;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", full, CHECKPOINT_NAME);
    ck_assert_msg(policy_load(&pol, p, err) == 0, "%s", err);
    float scratch[256];
    for (int k = -4; k <= 4; k++) {
      float s = 0.2f * (float)k, a1, a2;
      policy_act(&pol, &s, &a1);
      agent_act(&tr.agent, tr.agent.actor.params, &s, &a2, scratch);
      ck_assert_float_eq(a1, a2);
    }
    policy_free(&pol);
    trainer_free(&tr);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("variants");
  TCase *tc = tcase_create("variants");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_bn_grad_train_tanh);
  tcase_add_test(tc, test_bn_grad_train_relu);
  tcase_add_test(tc, test_bn_grad_eval_relu);
  tcase_add_test(tc, test_bn_train_vs_eval_mode);
  tcase_add_test(tc, test_clipped_double_q_target);
  tcase_add_test(tc, test_target_policy_smoothing);
  tcase_add_test(tc, test_critic_action_at_layer_2);
  tcase_add_test(tc, test_policy_delay_counts);
  tcase_add_test(tc, test_critic_l2_skips_batch_norm);
  tcase_add_test(tc, test_presets_resolve);
  tcase_add_test(tc, test_variant_checkpoints_round_trip_and_resume);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
