/* worked_example: seed 001's hand-computed DDPG step through the production code. The toy
 * environment s' = s + a, r = −(s')², γ = 0.9 produced the stored transition
 * (s, a, r, s') = (2, −1.8, −0.04, 0.2); see docs/worked-example.md. */
#include "worked_example.h"

#include <stdio.h>
#include <string.h>

#include "ddpg.h"
#include "replay.h"
#include "util.h"

void worked_example_run(WorkedExample *out) {
  AgentConfig c;
  memset(&c, 0, sizeof c);
  c.obs_dim = 1;
  c.act_dim = 1;
  c.n_hidden = 0;            /* no hidden layer: the networks are linear */
  c.actor_out = ACT_IDENTITY;
  c.actor_bias = 0;          /* μθ(s) = θ·s */
  c.critic_bias = 1;         /* Q(s, a) = w0 + [w1 w2]·[s, a] */
  c.gamma = 0.9f;
  c.tau = 0.05f;
  c.actor_lr = 0.05f;
  c.critic_lr = 0.1f;
  c.optimizer = OPT_SGD;
  c.batch = 1;
  c.policy_delay = 1;
  Rng rng;
  rng_init(&rng, 0, 0);
  Agent ag;
  agent_init(&ag, &c, &rng);

  /* θ = −0.5; w = (0, 0.1, −0.2); targets equal to the online networks */
  ag.actor.params[ag.actor.w_off[0]] = -0.5f;
  float *W = ag.critic[0].params + ag.critic[0].w_off[0];
  W[0] = 0.1f;  /* w1, on s */
  W[1] = -0.2f; /* w2, on a */
  ag.critic[0].params[ag.critic[0].b_off[0]] = 0.0f; /* w0 */
  hard_copy(ag.actor_targ.params, ag.actor.params, ag.actor.n_params);
  hard_copy(ag.critic_targ[0].params, ag.critic[0].params, ag.critic[0].n_params);

  /* the one stored transition, sampled back as a minibatch of one */
  Replay rb;
  char err[ERR_LEN];
  DDPG_CHECK(replay_init(&rb, 8, 1, 1, err) == 0);
  Batch tr, mb;
  batch_init(&tr, 1, 1, 1);
  batch_init(&mb, 1, 1, 1);
  const float s = 2.0f, a = -1.8f, r = -0.04f, s2 = 0.2f;
  batch_set(&tr, 0, &s, &a, r, &s2, 1.0f);
  replay_add(&rb, &tr, 1);
  DDPG_CHECK(replay_sample(&rb, &rng, 1, &mb) == 1);
  DDPG_CHECK(ddpg_update(&ag, &mb, &rng, err) == 0);

  const Mlp *q = &ag.critic[0];
  out->a_next = ag.a_next[0];
  out->q_next = ag.q_next[0];
  out->y = ag.y[0];
  out->q = ag.q[0];
  out->delta = ag.q[0] - ag.y[0];
  out->grad_w0 = q->grads[q->b_off[0]];
  out->grad_w1 = q->grads[q->w_off[0]];
  out->grad_w2 = q->grads[q->w_off[0] + 1];
  out->w0 = q->params[q->b_off[0]];
  out->w1 = q->params[q->w_off[0]];
  out->w2 = q->params[q->w_off[0] + 1];
  /* the actor minimized −J, so ∇θJ is minus the stored gradient */
  out->grad_theta = -ag.actor.grads[ag.actor.w_off[0]];
  out->theta = ag.actor.params[ag.actor.w_off[0]];
  out->theta_target = ag.actor_targ.params[ag.actor_targ.w_off[0]];

  batch_free(&tr);
  batch_free(&mb);
  replay_free(&rb);
  agent_free(&ag);
}

void worked_example_print(const WorkedExample *w) {
  printf("a_next = %.7g\n", w->a_next);
  printf("q_next = %.7g\n", w->q_next);
  printf("y = %.7g\n", w->y);
  printf("q = %.7g\n", w->q);
  printf("delta = %.7g\n", w->delta);
  printf("grad_w0 = %.7g\n", w->grad_w0);
  printf("grad_w1 = %.7g\n", w->grad_w1);
  printf("grad_w2 = %.7g\n", w->grad_w2);
  printf("w0 = %.7g\n", w->w0);
  printf("w1 = %.7g\n", w->w1);
  printf("w2 = %.7g\n", w->w2);
  printf("grad_theta = %.7g\n", w->grad_theta);
  printf("theta = %.7g\n", w->theta);
  printf("theta_target = %.7g\n", w->theta_target);
}
