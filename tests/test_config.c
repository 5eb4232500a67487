/* test_config: the presets' resolved configurations through the flags -> preset -> resolve
 * path of `ddpg train`, explicit flags over presets, the flags reaching the agent, and
 * impossible combinations refused naming the flag. */
#include "helpers.h"

#include "args.h"
#include "config.h"

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

TH_MAIN("config", 240, test_presets_resolve)
