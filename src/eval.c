/* eval: episode returns of a policy on a private Env; see eval.h. */
#include "eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void eval_baseline_init(EvalBaseline *b, const EnvModel *m, uint64_t seed, uint64_t stream) {
  memset(b, 0, sizeof *b);
  rng_init(&b->rng, seed, stream);
  b->act_dim = env_model_act_dim(m);
  b->low = env_model_act_low(m);
  b->high = env_model_act_high(m);
}

void eval_policy_zero(void *ctx, const float *obs, float *act) {
  const EvalBaseline *b = ctx;
  (void)obs;
  memset(act, 0, sizeof(float) * (size_t)b->act_dim);
}

void eval_policy_random(void *ctx, const float *obs, float *act) {
  EvalBaseline *b = ctx;
  (void)obs;
  for (int k = 0; k < b->act_dim; k++) act[k] = (float)rng_range(&b->rng, b->low[k], b->high[k]);
}

int eval_policy(const EnvModel *m, EvalPolicyFn fn, void *ctx, int episodes, uint64_t seed,
                EvalResult *out, char *err) {
  return eval_policy_randomized(m, NULL, fn, ctx, episodes, seed, out, err);
}

int eval_policy_randomized(const EnvModel *m, const Randomization *rand, EvalPolicyFn fn,
                           void *ctx, int episodes, uint64_t seed, EvalResult *out, char *err) {
  DDPG_CHECK(episodes > 0);
  memset(out, 0, sizeof *out);
  Env e;
  env_init_randomized(&e, m, rand);
  Rng rng;
  rng_init(&rng, seed, EVAL_STREAM);
  float *obs = xcalloc((size_t)e.obs_dim + (size_t)e.act_dim, sizeof(float));
  float *act = obs + e.obs_dim;
  double mean = 0.0, m2 = 0.0, len = 0.0; /* Welford's running mean and squared deviations */
  int rc = 0;
  out->min_return = INFINITY;
  out->max_return = -INFINITY;
  for (int ep = 0; ep < episodes && rc == 0; ep++) {
    env_reset(&e, &rng, obs);
    double ret = 0.0;
    int steps = 0, unstable = 0;
    for (;;) {
      fn(ctx, obs, act);
      for (int k = 0; k < e.act_dim; k++)
        if (!isfinite(act[k])) {
          rc = err_set(err, "the policy produced a non-finite action (entry %d, episode %d, "
                       "step %d)", k, ep, steps);
          break;
        }
      if (rc) break;
      EnvStep st;
      env_step(&e, act, obs, &st);
      ret += st.reward;
      steps++;
      unstable |= st.unstable;
      if (st.terminated || st.truncated) break;
    }
    if (rc) break;
    out->episodes++;
    out->unstable_episodes += unstable;
    double delta = ret - mean;
    mean += delta / out->episodes;
    m2 += delta * (ret - mean);
    len += steps;
    if (ret < out->min_return) out->min_return = ret;
    if (ret > out->max_return) out->max_return = ret;
  }
  env_free(&e);
  free(obs);
  if (out->episodes > 0) {
    out->mean_return = mean;
    out->std_return = sqrt(m2 / out->episodes);
    out->mean_length = len / out->episodes;
  } else {
    out->min_return = out->max_return = NAN;
    out->mean_return = out->std_return = out->mean_length = NAN;
  }
  return rc;
}
