/* test_ddpg: the update (src/ddpg.c) against hand-computed values. The TD target and its
 * done mask; the TD3 switches on tiny nets with known weights: the clipped double-Q target,
 * target policy smoothing, the action entering the critic's second layer, policy-delay
 * counts, the critic's L2 decay (PyTorch's weight_decay beside mse_loss; not on γ and β).
 * And the update learns: DDPG with small MLPs finds the worked example's optimal policy. */
#include "helpers.h"

#include <math.h>

#include "ddpg.h"
#include "mlp.h"
#include "replay.h"

START_TEST(test_td_target_done_mask) {
  const float r[3] = {1.0f, -0.5f, 2.0f}, nd[3] = {1.0f, 0.0f, 1.0f}, qn[3] = {10.0f, 10.0f, -2.0f};
  float y[3];
  td_target(y, r, nd, qn, 0.99f, 3);
  ck_assert_float_eq_tol(y[0], 1.0f + 0.99f * 10.0f, 1e-6f);
  ck_assert_float_eq_tol(y[1], -0.5f, 1e-7f); /* terminal: no bootstrap */
  ck_assert_float_eq_tol(y[2], 2.0f - 0.99f * 2.0f, 1e-6f);
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
  static const float low[2] = {-1.0f, -1.0f}, high[2] = {1.0f, 1.0f};
  c->act_low = low; /* two entries: test_policy_delay_counts uses act_dim 2 */
  c->act_high = high;
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

/* ---- critic L2 decay ----------------------------------------------------------------- */

/* --critic-l2 λ is the DDPG paper's "L2 weight decay" as the TD3 author's DDPG.py has it
 * (PyTorch mse_loss and Adam weight_decay λ): the critic descends
 * L(w) = mean (Q − y)² + ½λ‖w‖², gradient (2/B) Σ (Q − y)·∂Q/∂w + λw. Ours is of ½·mean,
 * so the critic gradient must be exactly half of that, decay included (Adam's step is the
 * same for both but for ε); a linear critic Q = w0 + w1·s + w2·a with hand-set weights,
 * computed by hand in double */
START_TEST(test_critic_l2_as_weight_decay) {
  AgentConfig c;
  tiny_config(&c, 0, 2);
  c.critic_l2 = 0.5f;
  Rng rng;
  rng_init(&rng, 3, 0);
  Agent ag;
  agent_init(&ag, &c, &rng);
  const double w[3] = {0.5, -1.0, 2.0}, theta = 0.25; /* critic (= its target), actor */
  set_linear_critic(&ag.critic[0], (float)w[0], (float)w[1], (float)w[2]);
  set_linear_critic(&ag.critic_targ[0], (float)w[0], (float)w[1], (float)w[2]);
  ag.actor.params[ag.actor.w_off[0]] = ag.actor_targ.params[ag.actor_targ.w_off[0]] =
      (float)theta;
  const float s[2] = {1.0f, -2.0f}, a[2] = {0.5f, -0.25f}, r[2] = {1.0f, -0.5f},
              s2[2] = {0.5f, 1.0f};
  Batch b;
  batch_init(&b, 2, 1, 1);
  for (int i = 0; i < 2; i++) batch_set(&b, i, &s[i], &a[i], r[i], &s2[i], 1.0f);
  b.n = 2;
  char err[ERR_LEN];
  ck_assert_int_eq(ddpg_update(&ag, &b, &rng, err), 0);
  double g[3] = {c.critic_l2 * w[0], c.critic_l2 * w[1], c.critic_l2 * w[2]};
  for (int i = 0; i < 2; i++) {
    double y = r[i] + 0.9 * (w[0] + w[1] * s2[i] + w[2] * theta * s2[i]);
    double delta = w[0] + w[1] * s[i] + w[2] * a[i] - y;
    g[0] += 2.0 / 2 * delta;
    g[1] += 2.0 / 2 * delta * s[i];
    g[2] += 2.0 / 2 * delta * a[i];
  }
  const Mlp *q = &ag.critic[0];
  ck_assert_double_eq_tol(q->grads[q->b_off[0]], 0.5 * g[0], 1e-6);
  ck_assert_double_eq_tol(q->grads[q->w_off[0]], 0.5 * g[1], 1e-6);
  ck_assert_double_eq_tol(q->grads[q->w_off[0] + 1], 0.5 * g[2], 1e-6);
  batch_free(&b);
  agent_free(&ag);
}
END_TEST


/* two agents equal but for --critic-l2: after one update the critic gradients differ by
 * exactly ½λ·w on every W and b (the gradient is of ½·mean (Q − y)², see
 * test_critic_l2_as_weight_decay), and not at all on γ, β (or the running statistics) */
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
    float want = is_wb[i] ? q0->grads[i] + 0.5f * l2 * w->params[i] : q0->grads[i];
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

/* ---- learning ----------------------------------------------------------------------- */

/* DDPG with small MLPs learns the worked example's task.
 *
 * Task: s' = s + a, r = −(s')², γ = 0.9, actions in [−1, 1], episodes of 10 steps from
 * s ~ U(−1, 1) (cut by the time limit, so not_done = 1). The optimum is a = −s.
 * "Close" means: over 19 states s ∈ {−0.9, −0.8, ..., 0.9}, the mean |μ(s) + s| is below
 * 0.1 and the worst below 0.25 (an untrained actor is near 0, a mean error of ~0.5). */
static double policy_error(const Agent *ag, double *worst) {
  float scratch[256];
  double sum = 0.0;
  *worst = 0.0;
  for (int k = -9; k <= 9; k++) {
    float s = 0.1f * (float)k, a;
    agent_act(ag, ag->actor.params, &s, &a, scratch);
    double e = fabs(a + s);
    sum += e;
    if (e > *worst) *worst = e;
  }
  return sum / 19.0;
}

START_TEST(test_toy_ddpg_learns_a_equals_minus_s) {
  AgentConfig c;
  memset(&c, 0, sizeof c);
  c.obs_dim = 1;
  c.act_dim = 1;
  c.n_hidden = 2;
  c.hidden[0] = 32;
  c.hidden[1] = 32;
  c.actor_out = ACT_TANH;
  c.actor_bias = c.critic_bias = 1;
  static const float low[1] = {-1.0f}, high[1] = {1.0f};
  c.act_low = low;
  c.act_high = high;
  c.gamma = 0.9f;
  c.tau = 0.01f;
  c.actor_lr = 1e-3f;
  c.critic_lr = 1e-3f;
  c.optimizer = OPT_ADAM;
  c.batch = 64;
  c.policy_delay = 1;
  Rng rng, env_rng;
  rng_init(&rng, 11, 0);
  rng_init(&env_rng, 11, 1);
  Agent ag;
  agent_init(&ag, &c, &rng);
  double worst0, err0 = policy_error(&ag, &worst0);

  Replay rb;
  char err[512];
  ck_assert_int_eq(replay_init(&rb, 100000, 1, 1, err), 0);
  Batch tr, mb;
  batch_init(&tr, 1, 1, 1);
  batch_init(&mb, c.batch, 1, 1);
  float s = 0.0f, scratch[256];
  for (int t = 0; t < 6000; t++) {
    if (t % 10 == 0) s = (float)rng_range(&env_rng, -1, 1); /* reset */
    float a;
    if (t < 500) {
      a = (float)rng_range(&env_rng, -1, 1);
    } else {
      agent_act(&ag, ag.actor.params, &s, &a, scratch);
      a += (float)(0.2 * rng_normal(&env_rng));
      a = fminf(1.0f, fmaxf(-1.0f, a));
    }
    float s2 = s + a, r = -s2 * s2;
    batch_set(&tr, 0, &s, &a, r, &s2, 1.0f);
    replay_add(&rb, &tr, 1);
    s = s2;
    if (t >= 500) {
      replay_sample(&rb, &rng, c.batch, &mb);
      ck_assert_int_eq(ddpg_update(&ag, &mb, &rng, err), 0);
    }
  }
  double worst, e = policy_error(&ag, &worst);
  printf("toy: mean |mu(s)+s| %.4f (worst %.4f), untrained %.4f\n", e, worst, err0);
  ck_assert_msg(err0 > 0.2, "untrained error %g unexpectedly small", err0);
  ck_assert_msg(e < 0.1 && worst < 0.25, "mean |mu(s)+s| = %g (worst %g), untrained %g", e,
                worst, err0);
  batch_free(&tr);
  batch_free(&mb);
  replay_free(&rb);
  agent_free(&ag);
}
END_TEST

TH_MAIN("ddpg", 240, test_td_target_done_mask, test_clipped_double_q_target,
        test_target_policy_smoothing, test_critic_action_at_layer_2, test_policy_delay_counts,
        test_critic_l2_as_weight_decay, test_critic_l2_skips_batch_norm, test_toy_ddpg_learns_a_equals_minus_s)
