/* ddpg: agent construction and the DDPG / TD3 update.
 *
 * Symbols as in docs/algorithm.md: s, a, r, s', d (true terminal), μθ the actor, Qw the
 * critic, primes for target networks, γ the discount, τ the Polyak rate, B the batch. */
#include "ddpg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "serial.h"
#include "util.h"

/* Network shapes (docs/algorithms.md). The actor: s -> hidden ReLU layers -> out_act; with
 * batch norm, on s and on every hidden pre-activation (not before the output tanh). The
 * critic: s -> ... -> 1 with a joining the input of Linear layer critic_action_layer
 * (1: the input, [s, a]); with batch norm, on s and on every layer before a joins. */
static void build_mlp(Mlp *m, int in, int out, const AgentConfig *c, Activation out_act,
                      int bias, int aux_dim) {
  int sizes[MLP_MAX_LAYERS + 1];
  Activation act[MLP_MAX_LAYERS];
  int L = c->n_hidden + 1;
  sizes[0] = in;
  for (int l = 0; l < c->n_hidden; l++) {
    sizes[l + 1] = c->hidden[l];
    act[l] = ACT_RELU;
  }
  sizes[L] = out;
  act[L - 1] = out_act;
  MlpOptions o;
  memset(&o, 0, sizeof o);
  o.aux_dim = aux_dim;
  o.aux_layer = aux_dim && c->critic_action_layer > 1 ? c->critic_action_layer - 1 : 0;
  o.bn_momentum = c->bn_momentum;
  o.bn_input = c->batch_norm;
  int bn_below = aux_dim ? o.aux_layer : c->n_hidden; /* layers that get batch norm */
  for (int l = 0; l < bn_below; l++) o.bn_layer[l] = c->batch_norm;
  mlp_init_opt(m, L, sizes, act, bias, &o, c->batch);
}

/* the DDPG paper's output-layer init: W, b of the last layer ~ U(-x, x), so the initial
 * actions and Q values are near zero (Lillicrap et al. 2016, section 7) */
static void init_output_layer(Mlp *m, float x, Rng *rng) {
  int l = m->n_layers - 1;
  size_t nw = (size_t)m->sizes[l + 1] * (size_t)m->in_dim[l];
  for (size_t i = 0; i < nw; i++) m->params[m->w_off[l] + i] = (float)rng_range(rng, -x, x);
  if (m->has_bias[l])
    for (int i = 0; i < m->sizes[l + 1]; i++)
      m->params[m->b_off[l] + i] = (float)rng_range(rng, -x, x);
}

void agent_init(Agent *ag, const AgentConfig *cfg, Rng *rng) {
  memset(ag, 0, sizeof *ag);
  ag->cfg = *cfg;
  const AgentConfig *c = &ag->cfg;
  DDPG_CHECK(c->obs_dim >= 1 && c->act_dim >= 1);
  DDPG_CHECK(c->actor_out != ACT_TANH || (c->act_low && c->act_high)); /* tanh scales to them */
  /* the bounds and their tanh scaling in one slab the agent owns (bounds 0 when not given) */
  size_t A = (size_t)c->act_dim;
  ag->bounds = xcalloc(4 * A, sizeof(float));
  if (cfg->act_low) memcpy(ag->bounds, cfg->act_low, A * sizeof(float));
  if (cfg->act_high) memcpy(ag->bounds + A, cfg->act_high, A * sizeof(float));
  ag->cfg.act_low = ag->bounds;
  ag->cfg.act_high = ag->bounds + A;
  ag->act_scale = ag->bounds + 2 * A;
  ag->act_center = ag->bounds + 3 * A;
  DDPG_CHECK(c->n_hidden >= 0 && c->n_hidden <= AGENT_MAX_HIDDEN && c->batch >= 1);
  DDPG_CHECK(c->critic_action_layer <= c->n_hidden + 1 && c->policy_delay >= 1);
  ag->n_critics = c->twin ? 2 : 1;

  /* targets start as copies of the online networks, running statistics included */
  build_mlp(&ag->actor, c->obs_dim, c->act_dim, c, c->actor_out, c->actor_bias, 0);
  build_mlp(&ag->actor_targ, c->obs_dim, c->act_dim, c, c->actor_out, c->actor_bias, 0);
  mlp_init_params(&ag->actor, rng);
  if (c->final_init > 0.0f) init_output_layer(&ag->actor, c->final_init, rng);
  hard_copy(ag->actor_targ.params, ag->actor.params, ag->actor.n_params);
  for (int k = 0; k < ag->n_critics; k++) {
    build_mlp(&ag->critic[k], c->obs_dim, 1, c, ACT_IDENTITY, c->critic_bias, c->act_dim);
    build_mlp(&ag->critic_targ[k], c->obs_dim, 1, c, ACT_IDENTITY, c->critic_bias, c->act_dim);
    mlp_init_params(&ag->critic[k], rng);
    if (c->final_init > 0.0f) init_output_layer(&ag->critic[k], c->final_init, rng);
    hard_copy(ag->critic_targ[k].params, ag->critic[k].params, ag->critic[k].n_params);
  }
  /* the optimizers cover the trainable part only (n_train), not the running statistics */
  if (c->optimizer == OPT_ADAM) {
    adam_init(&ag->actor_opt, ag->actor.n_train, c->actor_lr, 0.9f, 0.999f, 1e-8f, 0.0f);
    for (int k = 0; k < ag->n_critics; k++) /* L2 decay: in optimizer_step */
      adam_init(&ag->critic_opt[k], ag->critic[k].n_train, c->critic_lr, 0.9f, 0.999f, 1e-8f,
                0.0f);
  }
  for (int j = 0; j < c->act_dim; j++) {
    int tanh_out = c->actor_out == ACT_TANH;
    ag->act_scale[j] = tanh_out ? 0.5f * (c->act_high[j] - c->act_low[j]) : 1.0f;
    ag->act_center[j] = tanh_out ? 0.5f * (c->act_high[j] + c->act_low[j]) : 0.0f;
  }
  size_t B = (size_t)c->batch;
  ag->a_next = xcalloc(B * (size_t)c->act_dim, sizeof(float));
  ag->q_next = xcalloc(B, sizeof(float));
  ag->y = xcalloc(B, sizeof(float));
  ag->q = xcalloc(B, sizeof(float));
  ag->dq = xcalloc(B, sizeof(float));
  ag->a_pi = xcalloc(B * (size_t)c->act_dim, sizeof(float));
  ag->dqa = xcalloc(B * (size_t)c->act_dim, sizeof(float));
  ag->da = xcalloc(B * (size_t)c->act_dim, sizeof(float));
  ag->infer_scratch = xcalloc((size_t)agent_infer_scratch_len(ag), sizeof(float));
}

void agent_free(Agent *ag) {
  mlp_free(&ag->actor);
  mlp_free(&ag->actor_targ);
  for (int k = 0; k < 2; k++) {
    mlp_free(&ag->critic[k]);
    mlp_free(&ag->critic_targ[k]);
    adam_free(&ag->critic_opt[k]);
  }
  adam_free(&ag->actor_opt);
  free(ag->a_next);
  free(ag->q_next);
  free(ag->y);
  free(ag->q);
  free(ag->dq);
  free(ag->a_pi);
  free(ag->dqa);
  free(ag->da);
  free(ag->infer_scratch);
  free(ag->bounds);
  memset(ag, 0, sizeof *ag);
}

int agent_infer_scratch_len(const Agent *ag) { return 2 * mlp_max_width(&ag->actor); }

void agent_act(const Agent *ag, const float *actor_params, const float *obs, float *act,
               float *scratch) {
  mlp_infer(&ag->actor, actor_params, obs, act, scratch);
  for (int j = 0; j < ag->cfg.act_dim; j++) act[j] = ag->act_center[j] + ag->act_scale[j] * act[j];
}

void td_target(float *y, const float *r, const float *not_done, const float *q_next,
               float gamma, int n) {
  for (int i = 0; i < n; i++) y[i] = r[i] + gamma * not_done[i] * q_next[i];
}

/* a = center + scale · μ(s) for B rows through the batched forward of actor network mu */
static void mu_forward(const Agent *ag, Mlp *mu, const float *s, int B, MlpMode mode,
                       float *a) {
  const float *u = mlp_forward_full(mu, s, NULL, B, mode);
  int A = ag->cfg.act_dim;
  for (int i = 0; i < B; i++)
    for (int j = 0; j < A; j++)
      a[i * A + j] = ag->act_center[j] + ag->act_scale[j] * u[i * A + j];
}

/* TD3 target policy smoothing: a' += clip(N(0, σ), -c, c), then clip a' to the bounds */
static void smooth_target_action(const Agent *ag, float *a, int B, Rng *rng) {
  const AgentConfig *c = &ag->cfg;
  for (int i = 0; i < B; i++)
    for (int j = 0; j < c->act_dim; j++) {
      double eps = c->target_noise * rng_normal(rng);
      if (eps > c->target_noise_clip) eps = c->target_noise_clip;
      if (eps < -c->target_noise_clip) eps = -c->target_noise_clip;
      float v = a[i * c->act_dim + j] + (float)eps;
      if (v < c->act_low[j]) v = c->act_low[j];
      if (v > c->act_high[j]) v = c->act_high[j];
      a[i * c->act_dim + j] = v;
    }
}

/* g += ½λ·w on every layer's W and b (contiguous in the slab): the L2 decay λ of the DDPG
 * paper and of the TD3 author's DDPG.py (PyTorch weight_decay λ), whose loss is
 * mean (Q − y)² + ½λ‖w‖², gradient 2·(Q − y)/B·∂Q + λw. Our critic's gradient g is that of
 * ½·mean (Q − y)² (critic_loss_grad), half theirs, so the decay is halved with it: the sum
 * is exactly half of theirs, the same direction, and the same Adam step (Adam ignores a
 * constant factor but for its ε). Adding the whole λ·w here made the decay twice as strong
 * relative to the TD error as in the recipe. Batch norm's γ and β are not decayed
 * (Lasagne/rllab mark them not regularizable): pulling γ to 0 switches a normalized feature
 * off */
static void add_l2_decay(Mlp *m, float l2) {
  if (l2 == 0.0f) return;
  const float half_l2 = 0.5f * l2;
  for (int l = 0; l < m->n_layers; l++) {
    size_t n = (size_t)m->sizes[l + 1] * (size_t)(m->in_dim[l] + (m->has_bias[l] ? 1 : 0));
    for (size_t i = m->w_off[l]; i < m->w_off[l] + n; i++)
      m->grads[i] += half_l2 * m->params[i];
  }
}

void agent_set_team(Agent *ag, Team *t) {
  ag->team = t;
  ag->actor.team = ag->actor_targ.team = t;
  for (int k = 0; k < 2; k++) ag->critic[k].team = ag->critic_targ[k].team = t;
}

typedef struct {
  const Adam *opt;
  float *params;
  const float *grads;
} AdamJob;

static void adam_part(void *ctx, int p, int n_parts) {
  const AdamJob *j = ctx;
  size_t lo, hi;
  team_range(j->opt->n, p, n_parts, 16, &lo, &hi);
  adam_apply(j->opt, j->params, j->grads, lo, hi);
}

/* the trainable part of the slab only: batch-norm running statistics are not trained */
static void optimizer_step(const Agent *ag, Adam *opt, Mlp *m, float lr, float l2) {
  const AgentConfig *c = &ag->cfg;
  if (ag->grad_reduce) ag->grad_reduce(ag->grad_reduce_ctx, m->grads, m->n_train);
  add_l2_decay(m, l2);
  if (c->optimizer == OPT_ADAM) {
    opt->t++; /* one Adam step, its elementwise part split across the team */
    AdamJob j = {opt, m->params, m->grads};
    team_run(ag->team, adam_part, &j, team_size(ag->team));
  } else {
    sgd_step(m->params, m->grads, m->n_train, lr, 0.0f);
  }
}

typedef struct {
  Agent *ag;
} PolyakJob;

/* θ' ← τθ + (1 − τ)θ' on part p of every online/target pair */
static void polyak_part(void *ctx, int p, int n_parts) {
  Agent *ag = ((PolyakJob *)ctx)->ag;
  for (int k = -1; k < ag->n_critics; k++) {
    Mlp *m = k < 0 ? &ag->actor : &ag->critic[k];
    Mlp *targ = k < 0 ? &ag->actor_targ : &ag->critic_targ[k];
    size_t lo, hi;
    team_range(m->n_params, p, n_parts, 16, &lo, &hi);
    polyak_update(targ->params + lo, m->params + lo, hi - lo, ag->cfg.tau);
  }
}

/* y = r + γ (1 − d) Q'(s', μθ'(s')) into ag->y. Batch norm (docs/algorithms.md): the target
 * networks normalize with their running statistics (MLP_EVAL) */
static void compute_target_q(Agent *ag, const Batch *b, Rng *rng) {
  const AgentConfig *c = &ag->cfg;
  const int B = b->n;
  /* a' = μθ'(s')  (TD3: plus clipped smoothing noise) */
  mu_forward(ag, &ag->actor_targ, b->next_obs, B, MLP_EVAL, ag->a_next);
  if (c->target_noise > 0.0f) smooth_target_action(ag, ag->a_next, B, rng);
  /* Q'(s', a')  (TD3: the smaller of the two target critics) */
  memcpy(ag->q_next, mlp_forward_full(&ag->critic_targ[0], b->next_obs, ag->a_next, B, MLP_EVAL),
         sizeof(float) * B);
  for (int k = 1; k < ag->n_critics; k++) {
    const float *q2 = mlp_forward_full(&ag->critic_targ[k], b->next_obs, ag->a_next, B, MLP_EVAL);
    for (int i = 0; i < B; i++) ag->q_next[i] = fminf(ag->q_next[i], q2[i]);
  }
  td_target(ag->y, b->rew, b->not_done, ag->q_next, c->gamma, B);
}

/* L = ½ mean (Q − y)² over B rows: dL/dQ = (Q − y)/B into dq; returns Σ (Q − y)² in double
 * (the loss's sum, non-finite when the critic diverged) and Σ Q in *sum_q */
static double critic_loss_grad(const float *q, const float *y, int B, float *dq,
                               double *sum_q) {
  double sq = 0.0, sq_q = 0.0;
  for (int i = 0; i < B; i++) {
    float delta = q[i] - y[i];
    dq[i] = delta / (float)B;
    sq += (double)delta * delta;
    sq_q += q[i];
  }
  *sum_q = sq_q;
  return sq;
}

/* one optimizer step of critic k on the batch towards ag->y; -1 + err on a non-finite loss */
static int critic_step(Agent *ag, const Batch *b, int k, char *err) {
  const AgentConfig *c = &ag->cfg;
  const int B = b->n;
  const float *q = mlp_forward_full(&ag->critic[k], b->obs, b->act, B, MLP_TRAIN);
  double sum_q;
  double sq = critic_loss_grad(q, ag->y, B, ag->dq, &sum_q);
  if (k == 0) { /* reported: the first critic's loss and mean Q */
    memcpy(ag->q, q, sizeof(float) * B);
    ag->critic_loss = sq / B;
    ag->mean_q = sum_q / B;
  }
  if (!isfinite(sq)) return err_set(err, "critic loss is not finite (critic %d)", k + 1);
  mlp_backward(&ag->critic[k], ag->dq, MLP_WGRAD_SET, NULL);
  optimizer_step(ag, &ag->critic_opt[k], &ag->critic[k], c->critic_lr, c->critic_l2);
  return 0;
}

/* one optimizer step of the actor, ascending J = mean Q(s, μθ(s)) with the critic just
 * updated: ∇θJ = mean ∂Q/∂a · ∂μ/∂θ, so dL/dQ = −1/B goes back through the critic to a only
 * (no critic weight gradients), then through the actor. The critic normalizes this batch as
 * in its own step (batch statistics) without counting it twice in its running statistics
 * (MLP_TRAIN_FROZEN). -1 + err on a non-finite loss */
static int actor_step(Agent *ag, const Batch *b, char *err) {
  const AgentConfig *c = &ag->cfg;
  const int B = b->n, A = c->act_dim;
  mu_forward(ag, &ag->actor, b->obs, B, MLP_TRAIN, ag->a_pi);
  const float *qpi = mlp_forward_full(&ag->critic[0], b->obs, ag->a_pi, B, MLP_TRAIN_FROZEN);
  double sum_qpi = 0.0;
  for (int i = 0; i < B; i++) {
    ag->dq[i] = -1.0f / (float)B;
    sum_qpi += qpi[i];
  }
  ag->actor_loss = -sum_qpi / B;
  if (!isfinite(ag->actor_loss)) return err_set(err, "actor loss is not finite");
  mlp_backward_full(&ag->critic[0], ag->dq, MLP_WGRAD_NONE, NULL, ag->dqa);
  /* chain rule through the action scaling: a = center + scale·u, dL/du = dL/da · scale */
  for (int i = 0; i < B; i++)
    for (int j = 0; j < A; j++) ag->da[i * A + j] = ag->dqa[i * A + j] * ag->act_scale[j];
  mlp_backward(&ag->actor, ag->da, MLP_WGRAD_SET, NULL);
  optimizer_step(ag, &ag->actor_opt, &ag->actor, c->actor_lr, 0.0f);
  return 0;
}

/* θ' ← τθ + (1 − τ)θ', w' ← τw + (1 − τ)w' over the whole slabs (the targets' batch-norm
 * running statistics follow the same average), split across the learner's team */
static void polyak_targets(Agent *ag) {
  PolyakJob pj = {ag};
  team_run(ag->team, polyak_part, &pj, team_size(ag->team));
}

/* The update, step for step as the TD3 author's DDPG.train (docs/algorithm.md). */
int ddpg_update(Agent *ag, const Batch *b, Rng *rng, char *err) {
  /* compute the target Q value: y = r + γ (1 − d) Q'(s', μθ'(s')). A time-limit cut is not
   * terminal: the replay stores not_done = 1 for it, so the target bootstraps */
  compute_target_q(ag, b, rng);

  /* optimize the critic(s): minimize ½ mean (Qw(s, a) − y)² */
  for (int k = 0; k < ag->n_critics; k++)
    if (critic_step(ag, b, k, err) != 0) return -1;
  ag->n_updates++;

  /* delayed policy updates (TD3; CleanRL's DDPG): the actor and the targets move only every
   * policy_delay critic updates */
  if (ag->n_updates % ag->cfg.policy_delay != 0) return 0;

  /* optimize the actor: maximize mean Qw(s, μθ(s)) */
  if (actor_step(ag, b, err) != 0) return -1;

  /* update the frozen target models */
  polyak_targets(ag);
  return 0;
}

/* ---- checkpoint serialization of the agent ---------------------------------------- */

/* the whole slab: parameters, then batch-norm running statistics */
static void mlp_write(Writer *w, const Mlp *m) { w_floats(w, m->params, m->n_params); }

static void adam_write(Writer *w, const Adam *a, size_t n) {
  w_i64(w, a->t);
  if (a->m) {
    w_floats(w, a->m, n);
    w_floats(w, a->v, n);
  } else {
    w_floats(w, NULL, 0);
    w_floats(w, NULL, 0);
  }
}

void agent_write(Writer *w, const Agent *ag) {
  w_u32(w, (uint32_t)ag->n_critics);
  mlp_write(w, &ag->actor);
  mlp_write(w, &ag->actor_targ);
  for (int k = 0; k < ag->n_critics; k++) {
    mlp_write(w, &ag->critic[k]);
    mlp_write(w, &ag->critic_targ[k]);
  }
  adam_write(w, &ag->actor_opt, ag->actor.n_train);
  for (int k = 0; k < ag->n_critics; k++)
    adam_write(w, &ag->critic_opt[k], ag->critic[k].n_train);
  w_i64(w, ag->n_updates);
}

static void adam_read(Reader *r, Adam *a, size_t n) {
  int64_t t = 0;
  r_i64(r, &t, "optimizer step");
  a->t = t;
  size_t k = a->m ? n : 0;
  r_floats(r, a->m, k, "optimizer moments");
  r_floats(r, a->v, k, "optimizer moments");
}

int agent_read(Reader *r, Agent *ag) {
  uint32_t nc;
  if (r_u32(r, &nc, "critic count")) return -1;
  if (nc != (uint32_t)ag->n_critics) {
    r->bad = 1;
    snprintf(r->what, sizeof r->what, "%u critics stored, configuration says %d", nc,
             ag->n_critics);
    return -1;
  }
  r_floats(r, ag->actor.params, ag->actor.n_params, "actor parameters");
  r_floats(r, ag->actor_targ.params, ag->actor_targ.n_params, "target actor parameters");
  for (int k = 0; k < ag->n_critics; k++) {
    r_floats(r, ag->critic[k].params, ag->critic[k].n_params, "critic parameters");
    r_floats(r, ag->critic_targ[k].params, ag->critic_targ[k].n_params,
             "target critic parameters");
  }
  adam_read(r, &ag->actor_opt, ag->actor.n_train);
  for (int k = 0; k < ag->n_critics; k++) adam_read(r, &ag->critic_opt[k], ag->critic[k].n_train);
  int64_t nu = 0;
  r_i64(r, &nu, "update count");
  ag->n_updates = nu;
  return r->bad ? -1 : 0;
}

