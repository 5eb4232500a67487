/* cmd_eval: `ddpg eval`, the return of a baseline policy (zero or random actions) over whole
 * episodes, as a human summary or one JSON object. The scoring itself is eval_policy
 * (src/eval.c); this file parses flags, picks the policy and prints. A trained policy plugs
 * in as one more --policy choice mapped to an EvalPolicyFn and its context. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "env.h"
#include "eval.h"
#include "policy.h"
#include "trainer.h"
#include "util.h"

#define EVAL_MAX_EPISODES 1000000

/* a JSON number, or null when not finite */
static void json_number(FILE *f, double v) {
  if (isfinite(v))
    fprintf(f, "%.10g", v);
  else
    fputs("null", f);
}

/* a JSON string with the characters JSON requires escaped */
static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

static void print_json(const char *env, const char *policy, long seed, const char *model,
                       const EvalResult *r) {
  printf("{\"env\": ");
  json_string(stdout, env);
  printf(", \"policy\": ");
  json_string(stdout, policy);
  if (model) {
    printf(", \"model\": ");
    json_string(stdout, model);
  }
  printf(", \"seed\": %ld, \"episodes\": %d", seed, r->episodes);
  const struct {
    const char *key;
    double v;
  } nums[] = {{"mean_return", r->mean_return}, {"std_return", r->std_return},
              {"min_return", r->min_return},   {"max_return", r->max_return},
              {"mean_length", r->mean_length}};
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    printf(", \"%s\": ", nums[i].key);
    json_number(stdout, nums[i].v);
  }
  printf(", \"unstable_episodes\": %d}\n", r->unstable_episodes);
}

static void print_human(const char *env, const char *policy, long seed, const EvalResult *r) {
  printf("eval %s: %s policy, %d episodes, seed %ld\n", env, policy, r->episodes, seed);
  printf("return       mean %.4f   std %.4f   min %.4f   max %.4f\n", r->mean_return,
         r->std_return, r->min_return, r->max_return);
  printf("length       mean %.1f steps\n", r->mean_length);
  if (r->unstable_episodes)
    printf("unstable     %d episodes ended by a simulation failure\n", r->unstable_episodes);
}

static void checkpoint_act(void *ctx, const float *obs, float *act) { policy_act(ctx, obs, act); }

int cmd_eval(int argc, char **argv) {
  const char *env = NULL, *policy = "random", *model = NULL, *checkpoint = NULL;
  int episodes = 10, json = 0;
  long seed = 0;
  ArgSpec specs[] = {
      {"checkpoint", ARG_STRING, &checkpoint, 0, 0, NULL,
       "evaluate the actor of this checkpoint.ddpg (its robot and model by default)", 0},
      {"env", ARG_STRING, &env, 0, 0, NULL,
       "robot: a built-in (half_cheetah, hopper, ...), its Gymnasium id, toy or a task file "
       "(required without --checkpoint)", 0},
      {"policy", ARG_CHOICE, &policy, 0, 0, "zero|random",
       "baseline policy: all-zero or uniformly random actions", 0},
      {"episodes", ARG_INT, &episodes, 1, EVAL_MAX_EPISODES, NULL, "episodes to average", 0},
      {"seed", ARG_LONG, &seed, 0, 9007199254740991.0, NULL,
       "seed of the initial states and the random policy (with --checkpoint: default "
       "training seed + 100, the seed of the run's own evaluations)", 0},
      {"model", ARG_STRING, &model, 0, 0, NULL, "MJCF file instead of the built-in model", 0},
      {"json", ARG_FLAG, &json, 0, 0, NULL, "print one JSON object instead of text", 0},
  };
  const int n_specs = (int)(sizeof specs / sizeof specs[0]);
  const char *summary =
      "Score a trained checkpoint (--checkpoint) or a baseline policy (--env, --policy): mean,\n"
      "std, min and max of the undiscounted episode return (an episode ends at the robot's\n"
      "time limit, 1000 steps for half_cheetah, 50 for reacher, 20 for toy, or when it\n"
      "terminates: hopper falling, ...).";
  char err[ERR_LEN];
  int rc = args_command("eval", summary, specs, n_specs, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  /* a checkpoint names its robot and model; without one, --env and --model do */
  Policy pol;
  memset(&pol, 0, sizeof pol);
  EnvModel *m = NULL;
  char env_buf[sizeof pol.env_name];
  if (checkpoint) {
    if (args_find(specs, n_specs, "policy")->seen) {
      fprintf(stderr, "ddpg eval: give either --checkpoint or --policy, not both\n");
      return 2;
    }
    if (policy_load(&pol, checkpoint, err) != 0 ||
        policy_model_load(&pol, checkpoint, env, model, &m, err) != 0) {
      fprintf(stderr, "ddpg eval: %s\n", err);
      policy_free(&pol);
      return 2;
    }
    snprintf(env_buf, sizeof env_buf, "%s", pol.env_name);
    env = env_buf;
    if (!model && pol.model_path[0]) model = pol.model_path;
    if (!args_find(specs, n_specs, "seed")->seen) seed = pol.seed + EVAL_SEED_OFFSET;
    policy = "checkpoint";
  } else if (!env) {
    fprintf(stderr, "ddpg eval: --env (with --policy) or --checkpoint is required\n");
    return 2;
  } else if (env_model_load(&m, env, model, err) != 0) {
    fprintf(stderr, "ddpg eval: %s\n", err);
    return 2;
  }

  EvalResult r;
  if (checkpoint) {
    rc = eval_policy(m, checkpoint_act, &pol, episodes, (uint64_t)seed, &r, err);
  } else {
    EvalBaseline base;
    eval_baseline_init(&base, m, (uint64_t)seed, EVAL_POLICY_STREAM);
    EvalPolicyFn fn = strcmp(policy, "zero") == 0 ? eval_policy_zero : eval_policy_random;
    rc = eval_policy(m, fn, &base, episodes, (uint64_t)seed, &r, err);
  }
  env_model_free(m);
  if (rc == 0 && json) print_json(env, policy, seed, model, &r);
  if (rc == 0 && !json) print_human(env, policy, seed, &r);
  policy_free(&pol); /* after printing: env and model may point into it */
  if (rc != 0) {
    fprintf(stderr, "ddpg eval: %s\n", err);
    return 1;
  }
  return 0;
}
