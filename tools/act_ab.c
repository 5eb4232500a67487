/* act_ab: the workers' acting kernel of this build (src/infer.c) against another revision's,
 * in one process, on observations from rollouts of a trained actor: bit equality and ns per
 * action, alternating the two. Built by scripts/act-ab.sh, which compiles the other
 * revision's infer.c with its symbols renamed old_*. docs/performance.md quotes it.
 * Usage: act_ab CHECKPOINT [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "env.h"
#include "infer.h"
#include "policy.h"
#include "util.h"

/* the other revision's kernel; its Infer may differ in layout, so it lives in opaque storage */
void old_infer_init(void *f, const Mlp *m);
void old_infer_load(void *f, const float *params);
void old_infer_run(void *f, const float *x, float *y);

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: act_ab CHECKPOINT [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? atoi(argv[2]) : 7;
  Policy p;
  char err[ERR_LEN];
  if (policy_load(&p, argv[1], err) != 0) {
    fprintf(stderr, "act_ab: %s\n", err);
    return 2;
  }
  if (!infer_supports(&p.agent.actor)) {
    fprintf(stderr, "act_ab: %s's actor has batch norm; workers act through mlp_infer\n", argv[1]);
    return 2;
  }
  EnvModel *model = NULL;
  if (env_model_load(&model, p.env_name, p.model_path[0] ? p.model_path : NULL, err) != 0) {
    fprintf(stderr, "act_ab: %s\n", err);
    return 2;
  }
  /* observations the actor meets: its own rollouts (episodes restart at the time limit) */
  const int S = p.agent.cfg.obs_dim, A = p.agent.cfg.act_dim, N = 4000;
  float *obs = xcalloc((size_t)N * (size_t)S, sizeof(float));
  Env e;
  env_init(&e, model);
  Rng rng;
  rng_init(&rng, 7, 0);
  env_reset(&e, &rng, obs);
  for (int i = 1; i < N; i++) {
    float act[ENV_MAX_ACT];
    EnvStep st;
    policy_act(&p, obs + (size_t)(i - 1) * S, act);
    env_step(&e, act, obs + (size_t)i * S, &st);
    if (st.truncated || st.terminated) env_reset(&e, &rng, obs + (size_t)i * S);
  }
  Infer f;
  infer_init(&f, &p.agent.actor);
  infer_load(&f, p.agent.actor.params);
  static _Alignas(64) unsigned char old[4096];
  old_infer_init(old, &p.agent.actor);
  old_infer_load(old, p.agent.actor.params);
  float y1[ENV_MAX_ACT], y2[ENV_MAX_ACT];
  long mismatches = 0;
  for (int i = 0; i < N; i++) {
    infer_run(&f, obs + (size_t)i * S, y1);
    old_infer_run(old, obs + (size_t)i * S, y2);
    if (memcmp(y1, y2, sizeof(float) * (size_t)A) != 0) mismatches++;
  }
  printf("%s: %ld mismatches in %d actions\n", argv[1], mismatches, N);
  double *ratio = xcalloc((size_t)rounds, sizeof(double));
  for (int r = 0; r < rounds; r++) {
    double t0 = seconds();
    for (int i = 0; i < N; i++) infer_run(&f, obs + (size_t)i * S, y1);
    double t1 = seconds();
    for (int i = 0; i < N; i++) old_infer_run(old, obs + (size_t)i * S, y2);
    double t2 = seconds();
    ratio[r] = (t2 - t1) / (t1 - t0);
    printf("round %d: this build %.0f ns, other %.0f ns per action (other / this %.2f)\n", r + 1,
           (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9, ratio[r]);
  }
  for (int a = 0; a < rounds; a++) /* median */
    for (int b = a + 1; b < rounds; b++)
      if (ratio[b] < ratio[a]) {
        double t = ratio[a];
        ratio[a] = ratio[b];
        ratio[b] = t;
      }
  printf("median other / this: %.2f\n", ratio[rounds / 2]);
  free(ratio);
  free(obs);
  infer_free(&f);
  env_free(&e);
  env_model_free(model);
  policy_free(&p);
  return mismatches == 0 ? 0 : 1;
}
