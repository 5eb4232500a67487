/* test_team: the learner's own threads (src/team.c). Every part of every step runs exactly
 * once (also across helpers that fell asleep); the ranges cover their span once; split GEMMs
 * against the naive loops; a DDPG update on a team against the same update on one thread
 * (same result to float rounding, and the same bits from run to run). A training run on two
 * learner threads is in test_trainer.
 * ThreadSanitizer runs this file in CI (CTest label tsan). */
#include "helpers.h"

#include <math.h>
#include <time.h>

#include <cblas.h>

#include "blas.h"
#include "config.h"
#include "ddpg.h"
#include "replay.h"
#include "team.h"

#define MAX_PARTS 9

typedef struct {
  int hits[MAX_PARTS];
  long value[MAX_PARTS];
  long step;
} PartLog;

static void log_part(void *ctx, int p, int n_parts) {
  PartLog *l = ctx;
  ck_assert_int_lt(p, n_parts);
  l->hits[p]++;
  l->value[p] = l->step * 100 + p;
}

START_TEST(test_team_runs_every_part_once) {
  for (int n = 1; n <= 3; n++) {
    Team *t = team_new(n);
    ck_assert_int_eq(team_size(t), n);
    PartLog l;
    for (long s = 0; s < 3000; s++) {
      memset(&l, 0, sizeof l);
      l.step = s;
      int parts = 1 + (int)(s % MAX_PARTS);
      team_run(t, log_part, &l, parts);
      for (int p = 0; p < MAX_PARTS; p++) {
        ck_assert_int_eq(l.hits[p], p < parts ? 1 : 0);
        if (p < parts) ck_assert_int_eq(l.value[p], s * 100 + p);
      }
      if (s % 500 == 499) { /* idle past the spin: helpers sleep and must be woken */
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
      }
    }
    team_free(t);
  }
  team_free(NULL);
  ck_assert_int_eq(team_size(NULL), 1);
}
END_TEST

START_TEST(test_team_range_covers_once) {
  size_t n_list[] = {0, 1, 15, 16, 100, 256, 1001};
  for (size_t i = 0; i < sizeof n_list / sizeof n_list[0]; i++)
    for (int parts = 1; parts <= 5; parts++) {
      size_t expect = 0;
      for (int p = 0; p < parts; p++) {
        size_t lo, hi;
        team_range(n_list[i], p, parts, 16, &lo, &hi);
        ck_assert_uint_eq(lo, expect); /* contiguous, in order, no gap or overlap */
        ck_assert_uint_le(lo, hi);
        ck_assert(p == 0 || lo % 16 == 0);
        expect = hi;
      }
      ck_assert_uint_eq(expect, n_list[i]);
    }
}
END_TEST

START_TEST(test_team_gemm_matches_naive) {
  openblas_set_num_threads(1);
  Rng r;
  rng_init(&r, 5, 0);
  /* split by rows (M >= N) and by columns (M < N), every transpose, beta 0 and not */
  int shapes[][3] = {{70, 40, 33}, {5, 200, 100}, {256, 6, 256}, {48, 48, 40}};
  for (int n = 2; n <= 3; n++) {
    Team *t = team_new(n);
    for (int s = 0; s < 4; s++)
      for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
          int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
          float *A = xcalloc((size_t)M * K, sizeof(float));
          float *B = xcalloc((size_t)K * N, sizeof(float));
          float *C1 = xcalloc((size_t)M * N, sizeof(float));
          float *C2 = xcalloc((size_t)M * N, sizeof(float));
          for (int i = 0; i < M * K; i++) A[i] = (float)rng_range(&r, -1, 1);
          for (int i = 0; i < K * N; i++) B[i] = (float)rng_range(&r, -1, 1);
          for (int i = 0; i < M * N; i++) C1[i] = C2[i] = (float)rng_range(&r, -1, 1);
          float beta = s % 2 ? 0.0f : 0.3f;
          team_gemm(t, ta, tb, M, N, K, 0.7f, A, B, beta, C1);
          naive_gemm(ta, tb, M, N, K, 0.7f, A, B, beta, C2);
          for (int i = 0; i < M * N; i++) ck_assert_float_eq_tol(C1[i], C2[i], 1e-4f);
          free(A);
          free(B);
          free(C1);
          free(C2);
        }
    team_free(t);
  }
}
END_TEST

/* an agent of the given preset and hidden widths on a 17-d observation, 6-d action */
static void make_agent(Agent *ag, const char *preset, const char *hidden, int batch) {
  TrainConfig c;
  config_defaults(&c);
  snprintf(c.env, sizeof c.env, "half_cheetah");
  snprintf(c.preset, sizeof c.preset, "%s", preset);
  char err[ERR_LEN];
  ck_assert_msg(config_apply_preset(&c, NULL, err) == 0 && config_resolve(&c, err) == 0, "%s",
                err);
  snprintf(c.hidden, sizeof c.hidden, "%s", hidden); /* after the preset's own */
  c.batch = batch;
  ck_assert_msg(config_resolve(&c, err) == 0, "%s", err);
  AgentConfig ac;
  float lo[6] = {-1, -1, -1, -1, -1, -1}, hi[6] = {1, 1, 1, 1, 1, 1};
  config_agent(&c, 17, 6, lo, hi, &ac);
  Rng rng;
  rng_init(&rng, 7, 7);
  agent_init(ag, &ac, &rng);
}

/* run `updates` updates of a fresh agent on team t (NULL: one thread); the parameters of
 * the actor, the first critic and their targets are written to out (returns floats) */
static size_t run_updates(const char *preset, const char *hidden, int batch, Team *t,
                          int updates, float *out) {
  Agent ag;
  make_agent(&ag, preset, hidden, batch);
  agent_set_team(&ag, t);
  Replay rb;
  char err[ERR_LEN];
  ck_assert(replay_init(&rb, 2000, 17, 6, err) == 0);
  Batch one, mb;
  batch_init(&one, 1, 17, 6);
  batch_init(&mb, batch, 17, 6);
  Rng rng;
  rng_init(&rng, 11, 0);
  for (int i = 0; i < 2000; i++) {
    float o[17], a[6], n[17];
    for (int j = 0; j < 17; j++) {
      o[j] = (float)rng_normal(&rng);
      n[j] = (float)rng_normal(&rng);
    }
    for (int j = 0; j < 6; j++) a[j] = (float)rng_range(&rng, -1, 1);
    batch_set(&one, 0, o, a, (float)rng_normal(&rng), n, i % 50 == 49 ? 0.0f : 1.0f);
    replay_add(&rb, &one, 1);
  }
  for (int u = 0; u < updates; u++) {
    replay_sample(&rb, &rng, batch, &mb);
    ck_assert_msg(ddpg_update(&ag, &mb, &rng, err) == 0, "%s", err);
  }
  size_t k = 0;
  const Mlp *nets[] = {&ag.actor, &ag.actor_targ, &ag.critic[0], &ag.critic_targ[0]};
  for (int i = 0; i < 4; i++) {
    memcpy(out + k, nets[i]->params, sizeof(float) * nets[i]->n_params);
    k += nets[i]->n_params;
  }
  agent_free(&ag);
  batch_free(&one);
  batch_free(&mb);
  replay_free(&rb);
  return k;
}

START_TEST(test_team_update_matches_one_thread) {
  openblas_set_num_threads(1);
  /* uneven splits (batch 100, widths 72 and 40) for ddpg and td3 (two critics, delayed
   * actor), and 256-256 at the trainer's batch */
  const char *cases[][2] = {{"ourddpg", "72,40"}, {"td3", "72,40"}, {"ourddpg", "256,256"}};
  const int batches[] = {100, 100, 256};
  size_t cap = 4 * (17 * 256 + 256 * 256 + 256 * 7 + 1000);
  float *one = xcalloc(cap, sizeof(float)), *two = xcalloc(cap, sizeof(float));
  float *again = xcalloc(cap, sizeof(float));
  for (int c = 0; c < 3; c++) {
    Team *t = team_new(2);
    size_t n = run_updates(cases[c][0], cases[c][1], batches[c], NULL, 4, one);
    ck_assert_uint_eq(run_updates(cases[c][0], cases[c][1], batches[c], t, 4, two), n);
    ck_assert_uint_eq(run_updates(cases[c][0], cases[c][1], batches[c], t, 4, again), n);
    team_free(t);
    ck_assert_msg(memcmp(two, again, n * sizeof(float)) == 0,
                  "%s %s: two runs on a team differ", cases[c][0], cases[c][1]);
    /* one thread vs two: the same sums up to the split GEMMs' rounding */
    double max_diff = 0.0, moved = 0.0;
    for (size_t i = 0; i < n; i++) {
      double d = fabs((double)one[i] - two[i]);
      if (d > max_diff) max_diff = d;
    }
    ck_assert_uint_eq(run_updates(cases[c][0], cases[c][1], batches[c], NULL, 0, again), n);
    for (size_t i = 0; i < n; i++) moved += fabs((double)one[i] - again[i]);
    ck_assert_msg(moved / (double)n > 1e-5, "the updates moved nothing");
    ck_assert_msg(max_diff < 1e-5, "%s %s: one thread vs a team differ by %g", cases[c][0],
                  cases[c][1], max_diff);
  }
  free(one);
  free(two);
  free(again);
}
END_TEST

TH_MAIN("team", 240, test_team_runs_every_part_once, test_team_range_covers_once,
        test_team_gemm_matches_naive, test_team_update_matches_one_thread)
