/* cmd_bench: `ddpg bench`, throughput figures on one thread, as text or one JSON object.
 *
 * Each section measures something and appends named figures to a BenchReport; printing
 * walks the report, so a new measurement is one more section function and one more call in
 * cmd_bench. Timings are medians over repetitions that alternate between the things being
 * compared, so a slow moment of the machine hits both sides alike.
 *
 * Section "env": a rollout worker's loop (the actor picks every action, env_step, reset at
 * the time limit) against raw mj_step x frame skip replaying the same trajectories from the
 * same states (bit-exact: raw_replay_exact). Their ratio is the share of the physics speed
 * a worker keeps (goal >= 0.9). The actor is an untrained one, or --checkpoint's: the
 * workers' kernel skips zero inputs, so acting costs what the weights make it cost (an
 * untrained actor's hidden layers are about half zeros, a trained one's sparser). Also
 * env_step under random actions against mj_step under random controls (mj_resetData at
 * the time limit): the env layer alone.
 *
 * Section "update": one learner update (minibatch sampling + ddpg_update) of the default
 * preset, and of td3, against the GEMMs of that update replayed back to back with the same
 * shapes (recorded with blas_trace_start). update_ratio = update_ms / update_gemm_ms is the
 * overhead around the GEMMs (goal <= 1.15). Measured with 1 and 2 BLAS threads.
 *
 * Section "workers": env steps/s with inference on 1..N threads at once.
 * Section "train": end-to-end synchronous training at one update per env step.
 * Section "rss": resident memory of a trainer holding a full 1M-transition replay buffer.
 * When OPENBLAS_CORETYPE forces a kernel, the update section runs once more in a child
 * process with the variable unset, for comparison (keys unset_*). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define BENCH_READ_AVX512 1 /* l2_read_gbps's AVX-512 loop, picked at run time */
#endif
#include <mujoco/mujoco.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actor.h"
#include "args.h"
#include "blas.h"
#include "commands.h"
#include "config.h"
#include "ddpg.h"
#include "env.h"
#include "env_state.h"
#include "export.h"
#include "policy.h"
#include "replay.h"
#include "rng.h"
#include "trainer.h"
#include "util.h"
#include "version.h"

#define BENCH_MAX_FIGURES 96
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
  double seconds;       /* total budget of a section */
  int repeats;          /* repetitions per measured quantity */
  uint64_t seed;
  const Agent *trained; /* --checkpoint's agent: acting sections act with its actor */
} BenchOptions;

static void report_add(BenchReport *r, const char *key, const char *label, double value) {
  DDPG_CHECK(r->n < BENCH_MAX_FIGURES);
  r->fig[r->n++] = (BenchFigure){key, label, value};
}

/* a figure already reported (programmer error if absent) */
static double report_get(const BenchReport *r, const char *key) {
  for (int i = 0; i < r->n; i++)
    if (strcmp(r->fig[i].key, key) == 0) return r->fig[i].value;
  DDPG_CHECK(!"figure not reported");
  return 0.0;
}

/* ------------------------------------------------------------------------------------ */
/* section env                                                                            */

/* env steps per second of env_step for about `seconds` (random actions, reset at the limit) */
static double time_env(Env *e, Rng *rng, float *obs, double seconds) {
  float *act = xcalloc((size_t)e->act_dim, sizeof(float));
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
  free(act);
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

/* a default-preset agent for the env, untrained (batch: the update section's minibatch) */
static void bench_agent(const EnvModel *model, const char *preset, int batch, Agent *ag) {
  TrainConfig c;
  config_defaults(&c);
  snprintf(c.env, sizeof c.env, "%s", env_model_name(model));
  snprintf(c.preset, sizeof c.preset, "%s", preset);
  char err[ERR_LEN];
  DDPG_CHECK(config_apply_preset(&c, NULL, err) == 0 && config_resolve(&c, err) == 0);
  c.batch = batch;
  AgentConfig ac;
  config_agent(&c, env_model_obs_dim(model), env_model_act_dim(model),
               env_model_act_low(model), env_model_act_high(model), &ac);
  Rng rng;
  rng_init(&rng, 1, 1);
  agent_init(ag, &ac, &rng);
}

/* the agent whose actor the acting sections (env, act, workers) use: --checkpoint's, or
 * an untrained default-preset one in *own (release with release_acting_agent). Skipping
 * zero inputs makes acting cost depend on the weights: an untrained actor's hidden layers
 * are about half zeros, a trained actor's sparser (docs/performance.md). */
static const Agent *acting_agent(const EnvModel *model, const BenchOptions *o, Agent *own) {
  if (o->trained) return o->trained;
  bench_agent(model, "ourddpg", 1, own);
  return own;
}

static void release_acting_agent(const Agent *ag, Agent *own) {
  if (ag == own) agent_free(own);
}

/* What the policy loop did, so that the raw loop can replay the same physics: the action of
 * every step, and the full MuJoCo state wherever a stretch of consecutive steps begins (the
 * start of a timing slice and every reset). An untrained actor drives the robot into other
 * states than random controls do (half-cheetah: contact-heavy ones), so a raw loop under
 * random controls would measure different physics, not the overhead of acting. */
typedef struct {
  size_t state_n;              /* doubles per state (env_state_size) */
  float *act;                  /* (cap x act_dim) */
  long n, cap;                 /* steps recorded */
  double *state;               /* (max_seg x state_n) */
  long *seg_at;                /* step index where segment k starts */
  int n_seg, max_seg;
  double *last;                /* (state_n) the state after the last step */
} Trace;

static void trace_free(Trace *tr) {
  free(tr->act);
  free(tr->state);
  free(tr->seg_at);
  free(tr->last);
}

static void trace_segment(Trace *tr, const Env *e) {
  if (tr->state_n == 0) return; /* no physics to replay (toy) */
  if (tr->n_seg == tr->max_seg) {
    tr->max_seg = tr->max_seg ? 2 * tr->max_seg : 16;
    tr->state = xrealloc(tr->state, (size_t)tr->max_seg * tr->state_n * sizeof(double));
    tr->seg_at = xrealloc(tr->seg_at, (size_t)tr->max_seg * sizeof(long));
  }
  env_get_state(e, tr->state + (size_t)tr->n_seg * tr->state_n);
  tr->seg_at[tr->n_seg++] = tr->n;
}

/* env steps per second with the actor choosing every action (a worker's loop); records the
 * trajectory into tr (reset first) for time_raw_replay */
static double time_env_policy(Env *e, Actor *a, Rng *rng, float *obs, double seconds,
                              Trace *tr) {
  float *act = xcalloc((size_t)e->act_dim, sizeof(float));
  const int A = e->act_dim;
  long steps = 0;
  tr->n = 0;
  tr->n_seg = 0;
  trace_segment(tr, e);
  double t0 = now_seconds(), t = t0;
  while (t - t0 < seconds) {
    if (tr->n + BENCH_CHUNK > tr->cap) {
      tr->cap = 2 * (tr->cap + BENCH_CHUNK);
      tr->act = xrealloc(tr->act, (size_t)tr->cap * (size_t)A * sizeof(float));
    }
    for (int i = 0; i < BENCH_CHUNK; i++) {
      actor_act(a, obs, act);
      memcpy(tr->act + (size_t)tr->n++ * A, act, sizeof(float) * (size_t)A);
      EnvStep st;
      env_step(e, act, obs, &st);
      if (st.terminated || st.truncated) {
        env_reset(e, rng, obs);
        trace_segment(tr, e);
      }
    }
    steps += BENCH_CHUNK;
    t = now_seconds();
  }
  if (tr->state_n) {
    if (!tr->last) tr->last = xcalloc(tr->state_n, sizeof(double));
    env_get_state(e, tr->last);
  }
  free(act);
  return (double)steps / (t - t0);
}

/* raw physics of the recorded trajectory: the same ctrl sequence from the same states with
 * plain mj_step x frame skip on a second instance (MuJoCo is deterministic, so this is the
 * policy loop's physics without the actor and the env layer); env steps per second */
static double time_raw_replay(Env *r, const Trace *tr, int *exact) {
  const mjModel *m = env_model_mj(r->model);
  mjData *d = r->data;
  const int A = r->act_dim;
  int seg = 0;
  double t0 = now_seconds();
  for (long i = 0; i < tr->n; i++) {
    if (seg < tr->n_seg && tr->seg_at[seg] == i)
      env_set_state(r, tr->state + (size_t)seg++ * tr->state_n);
    for (int k = 0; k < A; k++) d->ctrl[k] = (mjtNum)tr->act[(size_t)i * A + k];
    for (int s = 0; s < r->frame_skip; s++) mj_step(m, d);
  }
  double rate = (double)tr->n / (now_seconds() - t0);
  /* the replay must end in the policy loop's last state, bit for bit (else it timed other
   * physics); a reset on the last step leaves nothing to compare */
  if (tr->seg_at[tr->n_seg - 1] != tr->n) {
    double *now = xcalloc(tr->state_n, sizeof(double));
    env_get_state(r, now);
    /* entry 0 is the env's step counter, which plain mj_step does not advance */
    if (memcmp(now + 1, tr->last + 1, (tr->state_n - 1) * sizeof(double)) != 0) *exact = 0;
    free(now);
  }
  return rate;
}

static void bench_env(const EnvModel *model, const BenchOptions *o, BenchReport *r) {
  Env e, replay;
  env_init(&e, model);
  env_init(&replay, model);
  Rng rng;
  rng_init(&rng, o->seed, 0);
  float *obs = xcalloc((size_t)e.obs_dim, sizeof(float));
  env_reset(&e, &rng, obs);
  const mjModel *m = env_model_mj(model);
  mjData *d = m ? mj_makeData(m) : NULL;
  long substep = 0;
  double slice = o->seconds / (2.0 * o->repeats); /* env and raw share the budget */
  slice /= 2.0; /* four things share it: policy, its replay, random, raw random */
  double env_sps[64], rnd_sps[64], raw_sps[64], rawr_sps[64];
  Agent own;
  const Agent *ag = acting_agent(model, o, &own);
  Actor actor;
  actor_init(&actor, ag);
  actor_load(&actor, ag->actor.params);
  Trace tr = {.state_n = d ? env_state_size(&e) : 0};
  int exact = 1;
  /* warm-up: caches, page faults, CPU clock */
  time_env_policy(&e, &actor, &rng, obs, 0.25 * slice, &tr);
  if (d) time_raw(&e, d, &rng, &substep, 0.25 * slice);
  for (int i = 0; i < o->repeats; i++) {
    env_sps[i] = time_env_policy(&e, &actor, &rng, obs, slice, &tr);
    if (d) raw_sps[i] = time_raw_replay(&replay, &tr, &exact);
    rnd_sps[i] = time_env(&e, &rng, obs, slice);
    if (d) rawr_sps[i] = time_raw(&e, d, &rng, &substep, slice);
    env_reset(&e, &rng, obs); /* time_env left e mid-episode of random actions */
  }
  double env_med = median_of(env_sps, o->repeats);
  double rnd_med = median_of(rnd_sps, o->repeats);
  double raw_med = d ? median_of(raw_sps, o->repeats) : NAN;
  double rawr_med = d ? median_of(rawr_sps, o->repeats) : NAN;
  report_add(r, "env_steps_per_s", "env steps/s (env_step + actor inference)", env_med);
  report_add(r, "raw_env_steps_per_s",
             "raw env steps/s (mj_step x frame skip, the same trajectories)", raw_med);
  report_add(r, "env_ratio", "ratio env (with inference) / raw (goal >= 0.9)",
             env_med / raw_med);
  if (d) report_add(r, "raw_replay_exact", "raw replay ended in the policy loop's state (1: yes)",
                    exact);
  report_add(r, "env_random_steps_per_s", "env steps/s (env_step, random actions)", rnd_med);
  report_add(r, "raw_random_steps_per_s", "raw env steps/s (mj_step, random controls)",
             rawr_med);
  report_add(r, "env_random_ratio", "ratio env / raw, random actions (the env layer alone)",
             rnd_med / rawr_med);
  trace_free(&tr);
  actor_free(&actor);
  release_acting_agent(ag, &own);
  if (d) mj_deleteData(d);
  env_free(&replay);
  env_free(&e);
  free(obs);
}

/* ------------------------------------------------------------------------------------ */
/* section update                                                                         */

#define MAX_TRACE 256

/* a replay buffer of random transitions from the env, enough to sample minibatches */
static void fill_replay(const EnvModel *model, Replay *rb, long n) {
  Env e;
  env_init(&e, model);
  char err[ERR_LEN];
  DDPG_CHECK(replay_init(rb, (size_t)n, e.obs_dim, e.act_dim, err) == 0);
  Rng rng;
  rng_init(&rng, 5, 0);
  Batch b;
  batch_init(&b, 1, e.obs_dim, e.act_dim);
  float *obs = xcalloc(2 * (size_t)e.obs_dim + (size_t)e.act_dim, sizeof(float));
  float *next = obs + e.obs_dim, *act = next + e.obs_dim;
  env_reset(&e, &rng, obs);
  for (long i = 0; i < n; i++) {
    for (int k = 0; k < e.act_dim; k++) act[k] = (float)rng_range(&rng, e.act_low[k], e.act_high[k]);
    EnvStep st;
    env_step(&e, act, next, &st);
    batch_set(&b, 0, obs, act, (float)st.reward, next, 1.0f);
    replay_add(rb, &b, 1);
    if (st.truncated || st.terminated)
      env_reset(&e, &rng, obs);
    else
      memcpy(obs, next, sizeof(float) * (size_t)e.obs_dim);
  }
  free(obs);
  batch_free(&b);
  env_free(&e);
}

typedef struct {
  Agent ag;
  Replay *rb;
  Batch mb;
  Rng rng;
  GemmShape trace[MAX_TRACE];
  int n_trace;       /* GEMM calls of `per` updates */
  int per;           /* updates traced (policy delay: one full cycle) */
  float *A, *B, *C;  /* scratch operands for replaying the GEMMs */
  Team *team;        /* the learner's threads, or NULL (OpenBLAS's threads) */
} UpdateBench;

static void one_update(UpdateBench *u) {
  char err[ERR_LEN];
  replay_sample_team(u->rb, &u->rng, u->ag.cfg.batch, &u->mb, u->team);
  DDPG_CHECK(ddpg_update(&u->ag, &u->mb, &u->rng, err) == 0);
}

static void update_bench_init(UpdateBench *u, const EnvModel *model, Replay *rb,
                              const char *preset) {
  memset(u, 0, sizeof *u);
  bench_agent(model, preset, 256, &u->ag);
  u->rb = rb;
  batch_init(&u->mb, u->ag.cfg.batch, u->ag.cfg.obs_dim, u->ag.cfg.act_dim);
  rng_init(&u->rng, 2, 2);
  u->per = u->ag.cfg.policy_delay;
  for (int i = 0; i < u->per; i++) one_update(u); /* warm up */
  blas_trace_start(u->trace, MAX_TRACE);
  for (int i = 0; i < u->per; i++) one_update(u);
  u->n_trace = blas_trace_stop();
  DDPG_CHECK(u->n_trace <= MAX_TRACE);
  size_t big = 0;
  for (int i = 0; i < u->n_trace; i++) {
    const GemmShape *g = &u->trace[i];
    size_t a = (size_t)g->M * g->K, b = (size_t)g->K * g->N, c = (size_t)g->M * g->N;
    if (a > big) big = a;
    if (b > big) big = b;
    if (c > big) big = c;
  }
  u->A = xcalloc(big, sizeof(float));
  u->B = xcalloc(big, sizeof(float));
  u->C = xcalloc(big, sizeof(float));
  for (size_t i = 0; i < big; i++) u->A[i] = u->B[i] = 0.01f * (float)(i % 97);
}

static void update_bench_free(UpdateBench *u) {
  agent_free(&u->ag);
  batch_free(&u->mb);
  free(u->A);
  free(u->B);
  free(u->C);
}

/* seconds per update: full updates */
static double time_update(UpdateBench *u, double seconds) {
  long n = 0;
  double t0 = now_seconds(), t = t0;
  while (t - t0 < seconds) {
    for (int i = 0; i < u->per; i++) one_update(u);
    n += u->per;
    t = now_seconds();
  }
  return (t - t0) / (double)n;
}

/* seconds per update: only its GEMMs, same shapes, back to back */
static double time_gemms(UpdateBench *u, double seconds) {
  long n = 0;
  double t0 = now_seconds(), t = t0;
  while (t - t0 < seconds) {
    for (int i = 0; i < u->n_trace; i++) {
      const GemmShape *g = &u->trace[i];
      team_gemm(u->team, g->trans_a, g->trans_b, g->M, g->N, g->K, 1.0f, u->A, u->B, g->beta,
                u->C);
    }
    n += u->per;
    t = now_seconds();
  }
  return (t - t0) / (double)n;
}

static double update_flops(const UpdateBench *u) {
  double f = 0.0;
  for (int i = 0; i < u->n_trace; i++)
    f += 2.0 * u->trace[i].M * (double)u->trace[i].N * u->trace[i].K;
  return f / u->per;
}

/* medians of alternating repetitions; writes ms per update and per GEMM set */
static void measure_update(UpdateBench *u, const BenchOptions *o, double *update_ms,
                           double *gemm_ms) {
  double slice = o->seconds / (2.0 * o->repeats);
  double up[64], gm[64];
  time_update(u, 0.2 * slice);
  time_gemms(u, 0.2 * slice);
  for (int i = 0; i < o->repeats; i++) {
    up[i] = time_update(u, slice);
    gm[i] = time_gemms(u, slice);
  }
  *update_ms = 1e3 * median_of(up, o->repeats);
  *gemm_ms = 1e3 * median_of(gm, o->repeats);
}

static void bench_update(const EnvModel *model, const BenchOptions *o, BenchReport *r) {
  Replay rb;
  fill_replay(model, &rb, 20000);
  int threads0 = openblas_get_num_threads();
  UpdateBench u;
  update_bench_init(&u, model, &rb, "ourddpg");
  double up, gm;
  measure_update(&u, o, &up, &gm);
  report_add(r, "update_gemm_ms", "update GEMMs ms (ourddpg, trainer's default threads)", gm);
  report_add(r, "update_ms", "update ms (ourddpg, default threads)", up);
  report_add(r, "update_ratio", "update / GEMMs (goal <= 1.15)", up / gm);
  report_add(r, "updates_per_s", "updates/s (ourddpg, default threads)", 1e3 / up);
  report_add(r, "update_mflop", "MFLOP of GEMMs per update", update_flops(&u) * 1e-6);
  report_add(r, "sgemm_gflops", "sgemm GFLOP/s at the update's shapes", update_flops(&u) / gm * 1e-6);
  report_add(r, "blas_threads", "BLAS threads (default)", threads0);
  for (int t = 1; t <= 2; t++) {
    openblas_set_num_threads(t);
    measure_update(&u, o, &up, &gm);
    char *k1 = t == 1 ? "update_gemm_ms_1t" : "update_gemm_ms_2t";
    char *k2 = t == 1 ? "update_ms_1t" : "update_ms_2t";
    char *k3 = t == 1 ? "update_ratio_1t" : "update_ratio_2t";
    char *k4 = t == 1 ? "updates_per_s_1t" : "updates_per_s_2t";
    report_add(r, k1, t == 1 ? "update GEMMs ms, 1 BLAS thread" : "update GEMMs ms, 2 BLAS threads", gm);
    report_add(r, k2, t == 1 ? "update ms, 1 BLAS thread" : "update ms, 2 BLAS threads", up);
    report_add(r, k3, t == 1 ? "update / GEMMs, 1 thread" : "update / GEMMs, 2 threads", up / gm);
    report_add(r, k4, t == 1 ? "updates/s, 1 BLAS thread" : "updates/s, 2 BLAS threads", 1e3 / up);
  }
  /* the learner's own two threads (ddpg train --learner-threads 2): every step of the
   * update split in two, each GEMM as two single-threaded OpenBLAS calls on halves of C */
  double gm_blas2 = report_get(r, "update_gemm_ms_2t");
  openblas_set_num_threads(1);
  u.team = team_new(2);
  agent_set_team(&u.ag, u.team);
  measure_update(&u, o, &up, &gm);
  report_add(r, "update_gemm_ms_team2", "update GEMMs ms, 2 learner threads", gm);
  report_add(r, "update_ms_team2", "update ms, 2 learner threads", up);
  report_add(r, "update_ratio_team2", "update / its GEMMs, 2 learner threads", up / gm);
  report_add(r, "update_ratio_team2_blas2", "update (2 learner threads) / GEMMs (2 BLAS threads)",
             up / gm_blas2);
  report_add(r, "updates_per_s_team2", "updates/s, 2 learner threads", 1e3 / up);
  agent_set_team(&u.ag, NULL);
  team_free(u.team);
  u.team = NULL;
  update_bench_free(&u);
  openblas_set_num_threads(1);
  update_bench_init(&u, model, &rb, "td3");
  measure_update(&u, o, &up, &gm);
  report_add(r, "td3_update_gemm_ms", "td3 update GEMMs ms, 1 BLAS thread", gm);
  report_add(r, "td3_update_ms", "td3 update ms, 1 BLAS thread", up);
  report_add(r, "td3_update_ratio", "td3 update / GEMMs, 1 thread", up / gm);
  update_bench_free(&u);
  openblas_set_num_threads(threads0);
  replay_free(&rb);
}

/* ------------------------------------------------------------------------------------ */
/* section workers                                                                        */

typedef struct {
  const EnvModel *model;
  const BenchOptions *o;
  double seconds, sps;
  int id;
} WorkerBench;

static void *worker_bench_main(void *p) {
  WorkerBench *w = p;
  Env e;
  env_init(&e, w->model);
  Agent own;
  const Agent *ag = acting_agent(w->model, w->o, &own);
  Actor actor;
  actor_init(&actor, ag);
  actor_load(&actor, ag->actor.params);
  Rng rng;
  rng_init(&rng, 9, (uint64_t)w->id);
  float *obs = xcalloc((size_t)e.obs_dim, sizeof(float));
  env_reset(&e, &rng, obs);
  Trace tr = {.state_n = env_model_mj(w->model) ? env_state_size(&e) : 0};
  w->sps = time_env_policy(&e, &actor, &rng, obs, w->seconds, &tr);
  trace_free(&tr);
  free(obs);
  actor_free(&actor);
  release_acting_agent(ag, &own);
  env_free(&e);
  return NULL;
}

static void bench_workers(const EnvModel *model, const BenchOptions *o, BenchReport *r) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int max_w = cores < 1 ? 1 : cores > 4 ? 4 : (int)cores;
  static const char *keys[] = {"steps_per_s_1w", "steps_per_s_2w", "steps_per_s_3w",
                               "steps_per_s_4w"};
  static const char *labels[] = {"env steps/s, 1 worker thread", "env steps/s, 2 worker threads",
                                 "env steps/s, 3 worker threads", "env steps/s, 4 worker threads"};
  for (int w = 1; w <= max_w; w++) {
    double reps[64];
    for (int k = 0; k < o->repeats; k++) {
      WorkerBench wb[4];
      pthread_t th[4];
      for (int i = 0; i < w; i++) {
        wb[i] = (WorkerBench){model, o, o->seconds / (max_w * o->repeats), 0, i};
        pthread_create(&th[i], NULL, worker_bench_main, &wb[i]);
      }
      reps[k] = 0;
      for (int i = 0; i < w; i++) {
        pthread_join(th[i], NULL);
        reps[k] += wb[i].sps;
      }
    }
    report_add(r, keys[w - 1], labels[w - 1], median_of(reps, o->repeats));
  }
}

/* ------------------------------------------------------------------------------------ */
/* section act: the exported header's loops (float, int8), one observation per call        */

/* Sequential reads of a buffer with vector loads into 8 independent sums: the rate at which
 * this core can stream data from the cache level the buffer sits in. The workers' acting
 * kernel reads gathered weight rows (1 KB each for a 256-wide layer) from L2, so this is
 * the ceiling for its reads (docs/performance.md, "Acting"). */
#ifdef BENCH_READ_AVX512
__attribute__((target("avx512f"))) static float read_sum_avx512(const float *x, size_t n) {
  __m512 s[8];
  for (int k = 0; k < 8; k++) s[k] = _mm512_setzero_ps();
  for (size_t i = 0; i + 128 <= n; i += 128)
    for (int k = 0; k < 8; k++) s[k] = _mm512_add_ps(s[k], _mm512_load_ps(x + i + 16 * k));
  for (int k = 1; k < 8; k++) s[0] = _mm512_add_ps(s[0], s[k]);
  return _mm512_reduce_add_ps(s[0]);
}
#endif

static float read_sum_plain(const float *x, size_t n) {
  float s[32] = {0};
  for (size_t i = 0; i + 32 <= n; i += 32)
    for (int k = 0; k < 32; k++) s[k] += x[i + k];
  for (int k = 1; k < 32; k++) s[0] += s[k];
  return s[0];
}

/* GB/s of sequential reads of a 128 KB buffer (more than any L1, within any L2), median of
 * `repeats` runs of 20000 passes */
static double l2_read_gbps(int repeats) {
  const size_t n = 32768;
  float *x = aligned_alloc(64, n * sizeof(float));
  DDPG_CHECK(x != NULL);
  for (size_t i = 0; i < n; i++) x[i] = (float)(i % 7);
  float (*sum)(const float *, size_t) = read_sum_plain;
#ifdef BENCH_READ_AVX512
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) sum = read_sum_avx512;
#endif
  volatile float sink = 0.0f;
  double reps[64];
  const int passes = 20000;
  for (int k = 0; k < repeats; k++) {
    double t0 = now_seconds();
    for (int p = 0; p < passes; p++) sink += sum(x, n);
    reps[k] = (double)passes * (double)(n * sizeof(float)) / (now_seconds() - t0) * 1e-9;
  }
  (void)sink;
  free(x);
  return median_of(reps, repeats);
}

static void bench_act(const EnvModel *model, const BenchOptions *o, BenchReport *r) {
  Agent own;
  const Agent *ag = acting_agent(model, o, &own);
  const int n_obs = 64;
  float *obs = xcalloc(64 * (size_t)ag->cfg.obs_dim, sizeof(float));
  Rng rng;
  rng_init(&rng, 4, 0);
  for (int i = 0; i < n_obs * ag->cfg.obs_dim; i++) obs[i] = (float)rng_range(&rng, -1, 1);
  const ExportKind kinds[] = {EXPORT_FLOAT, EXPORT_INT8};
  const char *keys[] = {"act_ns_float", "act_ns_int8"};
  const char *labels[] = {"exported float actor, ns per action", "exported int8 actor, ns per action"};
  for (int k = 0; k < 2; k++) {
    ExportNet n;
    export_net_init(&n, ag, kinds[k]);
    int calls = (int)fmax(1000.0, 2e5 * o->seconds / 4.0);
    report_add(r, keys[k], labels[k], export_act_ns(&n, obs, n_obs, calls, o->repeats));
    export_net_free(&n);
  }
  Actor a;
  actor_init(&a, ag);
  actor_load(&a, ag->actor.params);
  float *act = xcalloc((size_t)ag->cfg.act_dim, sizeof(float));
  double reps[64];
  for (int k = 0; k < o->repeats; k++) {
    const int calls = 20000;
    double t0 = now_seconds();
    for (int i = 0; i < calls; i++) actor_act(&a, obs + (i % n_obs) * ag->cfg.obs_dim, act);
    reps[k] = (now_seconds() - t0) / calls * 1e9;
  }
  const double act_ns = median_of(reps, o->repeats);
  report_add(r, "act_ns_worker", "worker acting (Actor), ns per action", act_ns);
  /* the weights that acting reads, against what the core can stream from L2 */
  double kb = NAN;
  if (a.fast) {
    double bytes = 0.0;
    for (int i = 0; i < n_obs; i++) {
      actor_act(&a, obs + i * ag->cfg.obs_dim, act);
      bytes += (double)a.infer.bytes_read;
    }
    kb = bytes / n_obs / 1024.0;
  }
  report_add(r, "act_weight_kb_worker", "weights worker acting reads, KB per action", kb);
  report_add(r, "act_weight_gb_per_s", "worker acting's weight reads, GB/s",
             kb * 1024.0 / act_ns);
  report_add(r, "l2_read_gb_per_s", "sequential reads of a 128 KB buffer (L2), GB/s",
             l2_read_gbps(o->repeats));
  actor_free(&a);
  free(act);
  free(obs);
  release_acting_agent(ag, &own);
}

/* ------------------------------------------------------------------------------------ */
/* sections train and rss                                                                 */

static void remove_run_dir(const char *dir) {
  const char *files[] = {"checkpoint.ddpg", "eval.csv", "progress.csv"};
  char p[600];
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    unlink(p);
  }
  rmdir(dir);
}

/* wall seconds of a quiet synchronous run of `steps` steps (1000 random warm-up steps) */
static double time_train(const char *env, long steps, Team *team) {
  TrainConfig c;
  config_defaults(&c);
  snprintf(c.env, sizeof c.env, "%s", env);
  /* the full DDPG update after every env step (ourddpg), as the update section measures;
   * the default preset (cleanrl) updates the actor every second step and runs faster */
  snprintf(c.preset, sizeof c.preset, "ourddpg");
  char err[ERR_LEN], dir[] = "/tmp/ddpg_bench_XXXXXX";
  DDPG_CHECK(config_apply_preset(&c, NULL, err) == 0);
  c.steps = steps;
  c.start_steps = 1000;
  c.buffer_size = 100000;
  c.eval_every = 1000000000L;
  c.eval_episodes = 1;
  c.checkpoint_every = 1000000000L;
  DDPG_CHECK(config_resolve(&c, err) == 0 && mkdtemp(dir));
  Trainer tr;
  DDPG_CHECK(trainer_init(&tr, &c, dir, err) == 0);
  tr.log.quiet = 1;
  agent_set_team(&tr.agent, team);
  double t0 = now_seconds();
  DDPG_CHECK(trainer_run(&tr, err) == 0);
  double t = now_seconds() - t0;
  trainer_free(&tr);
  remove_run_dir(dir);
  return t;
}

/* training steps/s at one update per step: the run's time minus that of its first 1000
 * steps (warm-up and evaluation, no updates) over the steps after them */
static double train_rate(const char *env, const BenchOptions *o, Team *team) {
  double base = time_train(env, 1000, team);
  double probe = time_train(env, 1200, team) - base; /* sizes the measured run */
  double per_step = probe > 0 ? probe / 200.0 : 1e-3;
  long k = (long)(o->seconds / 2.0 / per_step);
  if (k < 200) k = 200;
  return (double)k / (time_train(env, 1000 + k, team) - base);
}

static void bench_train(const char *env, const BenchOptions *o, BenchReport *r) {
  double sps = train_rate(env, o, NULL);
  report_add(r, "train_steps_per_s", "training steps/s (1 update/step, synchronous)", sps);
  report_add(r, "projected_1m_hours", "projected hours for 1M steps at that rate",
             1e6 / sps / 3600.0);
  /* the same with the learner's own two threads (--learner-threads 2) */
  int threads0 = openblas_get_num_threads();
  openblas_set_num_threads(1);
  Team *team = team_new(2);
  sps = train_rate(env, o, team);
  team_free(team);
  openblas_set_num_threads(threads0);
  report_add(r, "train_steps_per_s_team2", "training steps/s, 2 learner threads", sps);
  report_add(r, "projected_1m_hours_team2", "projected hours for 1M steps, 2 learner threads",
             1e6 / sps / 3600.0);
}

static double rss_mb(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, res = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
    fclose(f);
  }
  return (double)res * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static void bench_rss(const EnvModel *model, const BenchOptions *o, BenchReport *r) {
  const int S = env_model_obs_dim(model), A = env_model_act_dim(model);
  Replay rb;
  char err[ERR_LEN];
  double before = rss_mb();
  if (replay_init(&rb, 1000000, S, A, err) == 0) {
    size_t n = 1000000;
    /* touch every page, as a full buffer does */
    memset(rb.obs, 1, n * (size_t)S * sizeof(float));
    memset(rb.next_obs, 1, n * (size_t)S * sizeof(float));
    memset(rb.act, 1, n * (size_t)A * sizeof(float));
    memset(rb.rew, 1, n * sizeof(float));
    memset(rb.not_done, 1, n * sizeof(float));
    Agent ag;
    bench_agent(model, "ourddpg", 256, &ag);
    report_add(r, "rss_mb", "resident MB with a full 1M replay and the agent", rss_mb());
    report_add(r, "replay_mb", "of which the replay buffer (MB)", rss_mb() - before);
    report_add(r, "replay_bytes_per_transition", "bytes per transition",
               (double)replay_bytes_per_transition(S, A));
    /* minibatch sampling from the full buffer (random rows of 168 MB: cache misses) next to
     * the 20k-row buffer the update section samples from (in cache) */
    rb.size = n;
    const size_t sizes[2] = {n, 20000};
    const char *keys[2] = {"sample_us_1m", "sample_us_20k"};
    const char *labels[2] = {"us per 256-row minibatch from a full 1M replay",
                             "us per 256-row minibatch from 20k rows (update section)"};
    Batch mb;
    batch_init(&mb, 256, S, A);
    Rng rng;
    rng_init(&rng, 3, 0);
    double t[2][64]; /* --repeats is at most 64 */
    for (int k = 0; k < o->repeats; k++)
      for (int v = 0; v < 2; v++) { /* alternating: load hits both alike */
        rb.size = sizes[v];
        double t0 = now_seconds();
        for (int i = 0; i < 500; i++) replay_sample(&rb, &rng, 256, &mb);
        t[v][k] = (now_seconds() - t0) / 500 * 1e6;
      }
    for (int v = 0; v < 2; v++) report_add(r, keys[v], labels[v], median_of(t[v], o->repeats));
    batch_free(&mb);
    agent_free(&ag);
    replay_free(&rb);
  }
}

/* the update section in a child process with OPENBLAS_CORETYPE unset (OpenBLAS picks its
 * kernel at load time, so it needs a new process) */
static void bench_unset(const char *env, const BenchOptions *o, BenchReport *r, char *core,
                        size_t core_len) {
  char *forced = getenv("OPENBLAS_CORETYPE");
  if (!forced) return;
  char saved[128];
  snprintf(saved, sizeof saved, "%s", forced);
  unsetenv("OPENBLAS_CORETYPE");
  char cmd[512];
  snprintf(cmd, sizeof cmd, "/proc/%ld/exe bench --env %s --sections update --seconds %g "
           "--repeats %d --json", (long)getpid(), env, o->seconds, o->repeats);
  FILE *p = popen(cmd, "r");
  char line[8192] = "";
  if (p) {
    if (!fgets(line, sizeof line, p)) line[0] = 0;
    pclose(p);
  }
  setenv("OPENBLAS_CORETYPE", saved, 1);
  static const char *keys[] = {"update_gemm_ms", "update_ms", "update_ratio", "updates_per_s",
                               "update_ms_1t", "updates_per_s_1t", "update_ratio_1t",
                               "sgemm_gflops", "update_ratio_team2", "updates_per_s_team2"};
  static const char *out_keys[] = {"unset_update_gemm_ms", "unset_update_ms",
                                   "unset_update_ratio", "unset_updates_per_s",
                                   "unset_update_ms_1t", "unset_updates_per_s_1t",
                                   "unset_update_ratio_1t", "unset_sgemm_gflops",
                                   "unset_update_ratio_team2", "unset_updates_per_s_team2"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", keys[i]);
    const char *q = strstr(line, pat);
    report_add(r, out_keys[i], out_keys[i], q ? strtod(q + strlen(pat), NULL) : NAN);
  }
  const char *q = strstr(line, "\"corename\": \"");
  if (q) {
    q += 13;
    size_t n = 0;
    while (q[n] && q[n] != '"' && n + 1 < core_len) n++;
    memcpy(core, q, n);
    core[n] = 0;
  }
}

/* ------------------------------------------------------------------------------------ */
/* command                                                                                */

/* a JSON string: the characters JSON must escape become '?' (a path is only shown) */
static void print_json_string(const char *s) {
  putchar('"');
  for (; *s; s++) putchar(*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ? '?' : *s);
  putchar('"');
}

static void print_report(const char *env, const BenchOptions *o, const BenchReport *r,
                         int json, const char *unset_core, const char *checkpoint) {
  const char *forced = getenv("OPENBLAS_CORETYPE");
  const char *actor = checkpoint ? checkpoint : "untrained";
  char cpu[256]; /* figures differ up to 2x between CPUs: every record names its own */
  version_cpu(cpu, sizeof cpu);
  if (json) {
    printf("{\"env\": \"%s\", \"seconds\": %g, \"repeats\": %d", env, o->seconds, o->repeats);
    printf(", \"cpu\": ");
    print_json_string(cpu);
    printf(", \"ddpg\": ");
    print_json_string(version_git());
    printf(", \"actor\": ");
    print_json_string(actor);
    printf(", \"corename\": \"%s\", \"corename_forced\": %s", blas_corename(),
           forced ? "true" : "false");
    if (unset_core[0]) printf(", \"unset_corename\": \"%s\"", unset_core);
    for (int i = 0; i < r->n; i++) {
      if (isfinite(r->fig[i].value))
        printf(", \"%s\": %.6g", r->fig[i].key, r->fig[i].value);
      else
        printf(", \"%s\": null", r->fig[i].key);
    }
    printf("}\n");
    return;
  }
  printf("bench %s: medians of %d repetitions, %g s per section\n", env, o->repeats,
         o->seconds);
  printf("  %-42s %s\n", "CPU", cpu);
  printf("  %-42s %s %s\n", "ddpg", version_string(), version_git());
  printf("  %-42s %s%s%s\n", "OpenBLAS kernel", blas_corename(),
         forced ? " (forced by OPENBLAS_CORETYPE)" : "", "");
  if (unset_core[0]) printf("  %-42s %s\n", "kernel with OPENBLAS_CORETYPE unset", unset_core);
  printf("  %-42s %s\n", "actor of the acting sections", actor);
  for (int i = 0; i < r->n; i++) {
    if (isfinite(r->fig[i].value))
      printf("  %-42s %.6g\n", r->fig[i].label, r->fig[i].value);
    else
      printf("  %-42s n/a\n", r->fig[i].label);
  }
}

int cmd_bench(int argc, char **argv) {
  const char *env = NULL, *model = NULL, *sections = "env,update,act,workers,train,rss";
  const char *checkpoint = NULL;
  int json = 0;
  BenchOptions o = {4.0, 5, 0, NULL};
  ArgSpec specs[] = {
      {"env", ARG_STRING, &env, 0, 0, NULL,
       "robot: a built-in (half_cheetah, hopper, ...), its Gymnasium id, toy or a task file "
       "(required)", 0},
      {"seconds", ARG_DOUBLE, &o.seconds, 0.05, 3600, NULL, "time budget of each section", 0},
      {"repeats", ARG_INT, &o.repeats, 1, 64, NULL, "repetitions per figure (median)", 0},
      {"model", ARG_STRING, &model, 0, 0, NULL, "MJCF file instead of the built-in model", 0},
      {"checkpoint", ARG_STRING, &checkpoint, 0, 0, NULL,
       "act with this checkpoint's actor in env, act and workers (default: an untrained one)",
       0},
      {"json", ARG_FLAG, &json, 0, 0, NULL, "print one JSON object instead of text", 0},
      {"sections", ARG_STRING, &sections, 0, 0, NULL,
       "comma-separated subset of env,update,act,workers,train,rss", 0},
  };
  const int n_specs = (int)(sizeof specs / sizeof specs[0]);
  const char *summary =
      "Measure the machine: env steps/s (with actor inference) next to raw mj_step, one\n"
      "learner update next to its own GEMMs (1 and 2 BLAS threads, 2 learner threads, ddpg\n"
      "and td3), env steps/s with 1..N worker threads, end-to-end training steps/s (1 and 2\n"
      "learner threads), and the memory of a 1M replay.\n"
      "Figures are medians of repetitions; docs/performance.md explains each.";
  char err[ERR_LEN];
  blas_set_threads(0); /* the trainer's default; the update section also measures 1 and 2 */
  int rc = args_command("bench", summary, specs, n_specs, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  if (!env) {
    fprintf(stderr, "ddpg bench: --env is required (a built-in robot such as half_cheetah, "
                    "its Gymnasium id, toy or a task file)\n");
    return 2;
  }
  EnvModel *m;
  if (env_model_load(&m, env, model, err) != 0) {
    fprintf(stderr, "ddpg bench: %s\n", err);
    return 2;
  }
  for (const char *p = sections; *p;) {
    const char *c = strchr(p, ',');
    size_t l = c ? (size_t)(c - p) : strlen(p);
    const char *ok[] = {"env", "update", "act", "workers", "train", "rss"};
    int found = 0;
    for (int i = 0; i < 6; i++) found |= strlen(ok[i]) == l && strncmp(ok[i], p, l) == 0;
    if (!found) {
      fprintf(stderr, "ddpg bench: unknown section '%.*s' (use env,update,act,workers,train,rss)\n",
              (int)l, p);
      env_model_free(m);
      return 2;
    }
    p = c ? c + 1 : p + l;
  }
  const int mujoco = env_model_mj(m) != NULL;
  const int obs_dim = env_model_obs_dim(m), act_dim = env_model_act_dim(m);
  Policy trained;
  memset(&trained, 0, sizeof trained);
  if (checkpoint) {
    if (policy_load(&trained, checkpoint, err) != 0) {
      fprintf(stderr, "ddpg bench: %s\n", err);
      env_model_free(m);
      return 2;
    }
    if (strcmp(trained.env_name, env) != 0 || trained.agent.cfg.obs_dim != obs_dim ||
        trained.agent.cfg.act_dim != act_dim) {
      fprintf(stderr, "ddpg bench: %s was trained on %s, not %s (pass a checkpoint of --env's "
              "robot)\n", checkpoint, trained.env_name, env);
      policy_free(&trained);
      env_model_free(m);
      return 2;
    }
    o.trained = &trained.agent;
  }
  BenchReport r = {0};
  char unset_core[64] = "";
  if (strstr(sections, "env")) bench_env(m, &o, &r);
  if (strstr(sections, "update")) bench_update(m, &o, &r);
  if (strstr(sections, "update")) bench_unset(env, &o, &r, unset_core, sizeof unset_core);
  if (strstr(sections, "act")) bench_act(m, &o, &r);
  if (strstr(sections, "workers")) bench_workers(m, &o, &r);
  if (strstr(sections, "train")) bench_train(env, &o, &r);
  if (strstr(sections, "rss") && mujoco) bench_rss(m, &o, &r);
  env_model_free(m);
  print_report(env, &o, &r, json, unset_core, checkpoint);
  policy_free(&trained);
  return 0;
}
