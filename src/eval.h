/* eval: the return of a policy over whole episodes, for `ddpg eval` and anything else that
 * scores a controller. A policy is a function from observation to action with a context
 * pointer, so the built-in baselines (zero, random) and a trained actor plug in the same way.
 *
 * Episodes run on one private Env seeded from rng_init(&r, seed, EVAL_STREAM), so a score is
 * reproducible from (model, policy, episodes, seed) and shares no random state with training. */
#ifndef DDPG_EVAL_H
#define DDPG_EVAL_H

#include <stdint.h>

#include "env.h"
#include "randomize.h"
#include "rng.h"

#define EVAL_STREAM 7         /* rng stream of the evaluation env's initial states */
#define EVAL_POLICY_STREAM 8  /* rng stream of the random baseline policy */

/* a policy: writes act (act_dim floats) for obs (obs_dim floats) */
typedef void (*EvalPolicyFn)(void *ctx, const float *obs, float *act);

typedef struct {
  int episodes;
  double mean_return, std_return; /* std over episodes (population, ddof 0) */
  double min_return, max_return;
  double mean_length;             /* env steps per episode */
  int unstable_episodes;          /* episodes cut short by a simulation failure */
} EvalResult;

/* context of the baseline policies (zero, random) */
typedef struct {
  Rng rng;                                   /* random: its own stream */
  int act_dim;
  const float *low, *high;                   /* action bounds (the model's) */
} EvalBaseline;

/* run `episodes` (> 0) episodes of fn on model m from seed; 0, or -1 + err when the policy
 * produced a non-finite action (the result then covers the episodes completed before it) */
int eval_policy(const EnvModel *m, EvalPolicyFn fn, void *ctx, int episodes, uint64_t seed,
                EvalResult *out, char *err);

/* eval_policy on episodes randomized by rand (randomize.h; NULL: the nominal model, exactly
 * eval_policy). Each episode's parameters are drawn from a seed the reset takes from the
 * evaluation stream, then the initial state, so a fixed-value rand (lo = hi) sees a
 * different set of initial states than the nominal run */
int eval_policy_randomized(const EnvModel *m, const struct Randomization *rand, EvalPolicyFn fn,
                           void *ctx, int episodes, uint64_t seed, EvalResult *out, char *err);

/* set up the baseline context for the bounds of model m, its rng from (seed, stream):
 * `ddpg eval` uses EVAL_POLICY_STREAM */
void eval_baseline_init(EvalBaseline *b, const EnvModel *m, uint64_t seed, uint64_t stream);

/* the all-zeros action (ctx: EvalBaseline) */
void eval_policy_zero(void *ctx, const float *obs, float *act);

/* actions drawn uniformly in [low, high) per entry (ctx: EvalBaseline) */
void eval_policy_random(void *ctx, const float *obs, float *act);

#endif
