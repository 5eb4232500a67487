/* test_toy_learning: DDPG with small MLPs learns the worked example's task.
 *
 * Task: s' = s + a, r = −(s')², γ = 0.9, actions in [−1, 1], episodes of 10 steps from
 * s ~ U(−1, 1) (cut by the time limit, so not_done = 1). The optimum is a = −s.
 * "Close" means: over 19 states s ∈ {−0.9, −0.8, ..., 0.9}, the mean |μ(s) + s| is below
 * 0.1 and the worst below 0.25 (an untrained actor is near 0, a mean error of ~0.5). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddpg.h"
#include "replay.h"

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

int main(void) {
  Suite *s = suite_create("toy_learning");
  TCase *tc = tcase_create("toy_learning");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_toy_ddpg_learns_a_equals_minus_s);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
