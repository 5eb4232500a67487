/* cmd_bench: `ddpg bench`, throughput figures on one thread, as text or one JSON object.
 *
 * Each section measures something and appends named figures to a BenchReport; printing
 * walks the report, so a new measurement is one more section function and one more call in
 * cmd_bench. Timings are medians over repetitions that alternate between the things being
 * compared, so a slow moment of the machine hits both sides alike.
 *
 * Section "env": env_step under uniformly random actions (episodes reset at the time limit)
 * against raw mj_step on the same model with the same kind of controls, divided by the
 * frame skip. Their ratio is the share of the physics speed the env keeps (goal >= 0.9). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mujoco/mujoco.h>

#include "args.h"
#include "commands.h"
#include "env.h"
#include "rng.h"
#include "util.h"

#define BENCH_MAX_FIGURES 32
#define BENCH_CHUNK 64 /* env steps between clock reads */

typedef struct {
  const char *key;   /* JSON key */
  const char *label; /* text-mode label */
  double value;      /* NAN when it does not apply (JSON null) */
} BenchFigure;

typedef struct {
  BenchFigure fig[BENCH_MAX_FIGURES];
  int n;
} BenchReport;

typedef struct {
  double seconds; /* total budget of a section */
  int repeats;    /* repetitions per measured quantity */
  uint64_t seed;
} BenchOptions;

static void report_add(BenchReport *r, const char *key, const char *label, double value) {
  DDPG_CHECK(r->n < BENCH_MAX_FIGURES);
  r->fig[r->n++] = (BenchFigure){key, label, value};
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* ------------------------------------------------------------------------------------ */
/* section env                                                                            */

/* env steps per second of env_step for about `seconds` (random actions, reset at the limit) */
static double time_env(Env *e, Rng *rng, float *obs, double seconds) {
  float act[ENV_MAX_ACT];
  long steps = 0;
  double t0 = now_seconds(), t = t0;
  while (t - t0 < seconds) {
    for (int i = 0; i < BENCH_CHUNK; i++) {
      for (int k = 0; k < e->act_dim; k++)
        act[k] = (float)rng_range(rng, e->act_low[k], e->act_high[k]);
      EnvStep st;
      env_step(e, act, obs, &st);
      if (st.terminated || st.truncated) env_reset(e, rng, obs);
    }
    steps += BENCH_CHUNK;
    t = now_seconds();
  }
  return (double)steps / (t - t0);
}

/* the same work without the env: ctrl drawn once per frame_skip mj_steps, mj_resetData at
 * the time limit; returns mj_step calls per second divided by frame_skip */
static double time_raw(const Env *e, mjData *d, Rng *rng, long *substep, double seconds) {
  const mjModel *m = env_model_mj(e->model);
  const long episode = (long)e->max_steps * e->frame_skip;
  long steps = 0;
  double t0 = now_seconds(), t = t0;
  while (t - t0 < seconds) {
    for (int i = 0; i < BENCH_CHUNK; i++) {
      for (int k = 0; k < m->nu; k++)
        d->ctrl[k] = rng_range(rng, e->act_low[k], e->act_high[k]);
      for (int s = 0; s < e->frame_skip; s++) mj_step(m, d);
      *substep += e->frame_skip;
      if (*substep >= episode) {
        mj_resetData(m, d);
        *substep = 0;
      }
    }
    steps += BENCH_CHUNK;
    t = now_seconds();
  }
  return (double)steps / (t - t0);
}

static void bench_env(const EnvModel *model, const BenchOptions *o, BenchReport *r) {
  Env e;
  env_init(&e, model);
  Rng rng;
  rng_init(&rng, o->seed, 0);
  float obs[ENV_MAX_OBS];
  env_reset(&e, &rng, obs);
  const mjModel *m = env_model_mj(model);
  mjData *d = m ? mj_makeData(m) : NULL;
  long substep = 0;
  double slice = o->seconds / (2.0 * o->repeats); /* env and raw share the budget */
  double env_sps[64], raw_sps[64];
  /* warm-up: caches, page faults, CPU clock */
  time_env(&e, &rng, obs, 0.25 * slice);
  if (d) time_raw(&e, d, &rng, &substep, 0.25 * slice);
  for (int i = 0; i < o->repeats; i++) {
    env_sps[i] = time_env(&e, &rng, obs, d ? slice : 2.0 * slice);
    if (d) raw_sps[i] = time_raw(&e, d, &rng, &substep, slice);
  }
  double env_med = median(env_sps, o->repeats);
  double raw_med = d ? median(raw_sps, o->repeats) : NAN;
  report_add(r, "env_steps_per_s", "env steps/s (env_step)", env_med);
  report_add(r, "raw_env_steps_per_s", "raw env steps/s (mj_step / frame skip)", raw_med);
  report_add(r, "env_ratio", "ratio env / raw (goal >= 0.9)", env_med / raw_med);
  if (d) mj_deleteData(d);
  env_free(&e);
}

/* ------------------------------------------------------------------------------------ */
/* command                                                                                */

static void print_report(const char *env, const BenchOptions *o, const BenchReport *r,
                         int json) {
  if (json) {
    printf("{\"env\": \"%s\", \"seconds\": %g, \"repeats\": %d", env, o->seconds, o->repeats);
    for (int i = 0; i < r->n; i++) {
      if (isfinite(r->fig[i].value))
        printf(", \"%s\": %.6g", r->fig[i].key, r->fig[i].value);
      else
        printf(", \"%s\": null", r->fig[i].key);
    }
    printf("}\n");
    return;
  }
  printf("bench %s: one thread, medians of %d repetitions, %g s per section\n", env,
         o->repeats, o->seconds);
  for (int i = 0; i < r->n; i++) {
    if (isfinite(r->fig[i].value))
      printf("  %-42s %.6g\n", r->fig[i].label, r->fig[i].value);
    else
      printf("  %-42s n/a\n", r->fig[i].label);
  }
}

int cmd_bench(int argc, char **argv) {
  const char *env = NULL, *model = NULL;
  int json = 0;
  BenchOptions o = {4.0, 5, 0};
  ArgSpec specs[] = {
      {"env", ARG_STRING, &env, 0, 0, NULL, "robot: half_cheetah, reacher or toy (required)", 0},
      {"seconds", ARG_DOUBLE, &o.seconds, 0.05, 3600, NULL, "time budget of each section", 0},
      {"repeats", ARG_INT, &o.repeats, 1, 64, NULL, "repetitions per figure (median)", 0},
      {"model", ARG_STRING, &model, 0, 0, NULL, "MJCF file instead of the built-in model", 0},
      {"json", ARG_FLAG, &json, 0, 0, NULL, "print one JSON object instead of text", 0},
  };
  const int n_specs = (int)(sizeof specs / sizeof specs[0]);
  const char *summary =
      "Measure throughput on one thread: env steps/s next to raw mj_step throughput of the\n"
      "same model divided by the frame skip, and their ratio (medians of repetitions).";
  char err[ERR_LEN];
  int rc = args_parse("bench", summary, specs, n_specs, argc, argv, err);
  if (rc == 1) return 0;
  if (rc == 2) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  if (!env) {
    fprintf(stderr, "ddpg bench: --env is required (half_cheetah, reacher or toy)\n");
    return 2;
  }
  EnvModel *m;
  if (env_model_load(&m, env, model, err) != 0) {
    fprintf(stderr, "ddpg bench: %s\n", err);
    return 2;
  }
  BenchReport r = {0};
  bench_env(m, &o, &r);
  env_model_free(m);
  print_report(env, &o, &r, json);
  return 0;
}
