/* test_train: the training system. Replay under concurrent writers and a sampler; pacing
 * of the asynchronous schedule; determinism; exact resume; checkpoint round trip and
 * rejection of damaged files; smoke runs of `ddpg train`, `ddpg act`, `ddpg eval`. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "policy.h"
#include "replay.h"
#include "serial.h"
#include "checkpoint.h"
#include "trainer.h"
#include "util.h"

static char TMP[256];

static void make_tmp(void) {
  snprintf(TMP, sizeof TMP, "/tmp/ddpg_test_train_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(TMP));
}

static void tmp_path(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", TMP, name); }

/* ---- replay under concurrency ------------------------------------------------------- */

typedef struct {
  Replay *r;
  int id;
} WriterArg;

static void *writer_main(void *p) {
  WriterArg *a = p;
  Batch b;
  batch_init(&b, 4, 3, 2);
  for (int i = 0; i < 5000; i += 4) {
    for (int k = 0; k < 4; k++) {
      float v = (float)(a->id * 100000 + i + k);
      float o[3] = {v, v + 1, v + 2}, act[2] = {v, -v}, no[3] = {v + 3, v + 4, v + 5};
      batch_set(&b, k, o, act, v, no, 1.0f);
    }
    replay_add(a->r, &b, 4);
  }
  batch_free(&b);
  return NULL;
}

typedef struct {
  Replay *r;
  int bad;
  int samples;
} SamplerArg;

static void *sampler_main(void *p) {
  SamplerArg *a = p;
  Batch b;
  batch_init(&b, 64, 3, 2);
  Rng rng;
  rng_init(&rng, 9, 0);
  while (a->samples < 2000) { /* runs while the writers write */
    if (replay_sample(a->r, &rng, 64, &b) == 0) continue;
    a->samples++;
    for (int i = 0; i < 64; i++) { /* every row must be one whole transition */
      float v = b.rew[i];
      if (b.obs[3 * i] != v || b.obs[3 * i + 2] != v + 2 || b.act[2 * i + 1] != -v ||
          b.next_obs[3 * i + 2] != v + 5 || b.not_done[i] != 1.0f)
        a->bad++;
    }
  }
  batch_free(&b);
  return NULL;
}

START_TEST(test_replay_concurrent_writers_and_sampler) {
  Replay r;
  char err[ERR_LEN];
  ck_assert_int_eq(replay_init(&r, 8192, 3, 2, err), 0);
  pthread_t w[4], s;
  WriterArg wa[4];
  SamplerArg sa = {&r, 0, 0};
  pthread_create(&s, NULL, sampler_main, &sa);
  for (int i = 0; i < 4; i++) {
    wa[i] = (WriterArg){&r, i};
    pthread_create(&w[i], NULL, writer_main, &wa[i]);
  }
  for (int i = 0; i < 4; i++) pthread_join(w[i], NULL);
  pthread_join(s, NULL);
  ck_assert_int_eq(sa.bad, 0);
  ck_assert_int_gt(sa.samples, 0);
  ck_assert_uint_eq(r.total_added, 20000);
  ck_assert_uint_eq(r.size, 8192);
  ck_assert_uint_eq(r.next, 20000 % 8192);
  replay_free(&r);
}
END_TEST

/* ---- small configurations ----------------------------------------------------------- */

static void small_config(TrainConfig *c, const char *env, long steps) {
  config_defaults(c);
  snprintf(c->env, sizeof c->env, "%s", env);
  c->steps = steps;
  c->seed = 3;
  c->start_steps = 200;
  c->batch = 32;
  c->buffer_size = 100000;
  snprintf(c->hidden, sizeof c->hidden, "32,32");
  c->eval_every = 500;
  c->eval_episodes = 2;
  c->checkpoint_every = 400;
  char err[ERR_LEN];
  ck_assert_int_eq(config_resolve(c, err), 0);
}

static void train_to(const TrainConfig *c, const char *dir) {
  Trainer tr;
  char err[ERR_LEN];
  ck_assert_msg(trainer_init(&tr, c, dir, err) == 0, "%s", err);
  tr.log.quiet = 1;
  ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
  trainer_free(&tr);
}

static void resume_to(const char *dir, long steps) {
  Trainer tr;
  char err[ERR_LEN];
  ck_assert_msg(trainer_resume(&tr, dir, steps, err) == 0, "%s", err);
  tr.log.quiet = 1;
  ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
  trainer_free(&tr);
}

static void read_ckpt(const char *dir, uint8_t **buf, size_t *n) {
  char p[512], err[ERR_LEN];
  snprintf(p, sizeof p, "%s/%s", dir, CHECKPOINT_NAME);
  ck_assert_msg(read_file(p, buf, n, err) == 0, "%s", err);
}

static void assert_same_checkpoints(const char *a, const char *b) {
  uint8_t *x, *y;
  size_t nx, ny;
  read_ckpt(a, &x, &nx);
  read_ckpt(b, &y, &ny);
  ck_assert_uint_eq(nx, ny);
  ck_assert_msg(memcmp(x, y, nx) == 0, "checkpoints %s and %s differ", a, b);
  free(x);
  free(y);
}

START_TEST(test_determinism_two_runs_identical) {
  make_tmp();
  const char *envs[] = {"toy", "reacher"};
  for (int i = 0; i < 2; i++) {
    TrainConfig c;
    small_config(&c, envs[i], 1000);
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/%s_a", TMP, envs[i]);
    snprintf(b, sizeof b, "%s/%s_b", TMP, envs[i]);
    train_to(&c, a);
    train_to(&c, b);
    assert_same_checkpoints(a, b);
  }
}
END_TEST

START_TEST(test_resume_is_exact) {
  make_tmp();
  /* reacher: resume mid-episode exercises the saved MuJoCo state (50-step episodes,
   * 650 is not a multiple of 50) */
  TrainConfig c;
  small_config(&c, "reacher", 1300);
  c.save_replay = 1;
  char a[300], b[300];
  snprintf(a, sizeof a, "%s/full", TMP);
  snprintf(b, sizeof b, "%s/split", TMP);
  train_to(&c, a);
  TrainConfig half = c;
  half.steps = 625;
  train_to(&half, b);
  resume_to(b, 1300);
  assert_same_checkpoints(a, b);
  /* the logs continue where they were cut: one eval row per 500 steps plus the final one */
  char p[400];
  snprintf(p, sizeof p, "%s/eval.csv", b);
  FILE *f = fopen(p, "r");
  ck_assert_ptr_nonnull(f);
  char line[256];
  int rows = 0;
  long last = -1;
  while (fgets(line, sizeof line, f)) {
    if (rows++ == 0) continue;
    long s = strtol(line, NULL, 10);
    ck_assert_int_gt(s, last);
    last = s;
  }
  fclose(f);
  ck_assert_int_eq(last, 1300);
}
END_TEST

/* a resume without the replay refills the buffer for the warm-up length with the current
 * policy before updating again, and those skipped updates are not caught up afterwards:
 * updates on a few fresh transitions wrecked a good half-cheetah policy (docs/training.md).
 * Synchronous and asynchronous schedules alike. */
START_TEST(test_resume_without_replay_refills) {
  make_tmp();
  for (int workers = 1; workers <= 3; workers += 2) {
    TrainConfig c;
    small_config(&c, "toy", 1000);
    c.workers = workers;
    c.checkpoint_every = 1000;
    c.save_replay = 0;
    char d[300];
    snprintf(d, sizeof d, "%s/refill%d", TMP, workers);
    train_to(&c, d); /* 800 updates after the 200 warm-up steps */
    Trainer tr;
    char err[ERR_LEN];
    ck_assert_msg(trainer_resume(&tr, d, 2000, err) == 0, "%s", err);
    ck_assert_int_eq(tr.count.updates, 800);
    ck_assert_int_eq(tr.refill_until, 1000 + c.start_steps);
    tr.log.quiet = 1;
    ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
    ck_assert_int_eq(tr.count.env_steps, 2000);
    ck_assert_uint_eq(tr.replay.size, 1000); /* only the fresh transitions */
    long want = 800 + (2000 - 1000 - c.start_steps);
    ck_assert_msg(labs(tr.count.updates - want) <= 1, "W=%d: updates %ld, want %ld", workers,
                  tr.count.updates, want);
    trainer_free(&tr);
  }
}
END_TEST

/* ddpg strip: the same bytes up to the replay flag, no replay after it; idempotent; the
 * copy resumes (refilling its buffer) */
START_TEST(test_strip_replay) {
  make_tmp();
  TrainConfig c;
  small_config(&c, "reacher", 600);
  c.save_replay = 1;
  char a[300], b[300], in[400], out[400], again[400], err[ERR_LEN];
  snprintf(a, sizeof a, "%s/full_replay", TMP);
  snprintf(b, sizeof b, "%s/stripped", TMP);
  train_to(&c, a);
  snprintf(in, sizeof in, "%s/%s", a, CHECKPOINT_NAME);
  snprintf(out, sizeof out, "%s/%s", b, CHECKPOINT_NAME);
  int had = 0;
  ck_assert_msg(checkpoint_strip_replay(in, out, &had, err) == 0, "%s", err);
  ck_assert_int_eq(had, 1);
  uint8_t *x, *y, *z;
  size_t nx, ny, nz;
  read_ckpt(a, &x, &nx);
  read_ckpt(b, &y, &ny);
  /* 600 transitions of 11 + 2 + 1 + 11 + 1 floats went, with 4 counters and the 5 arrays'
   * length prefixes */
  ck_assert_uint_eq(nx - ny, 4 * 8 + 5 * 8 + 600 * 26 * sizeof(float));
  ck_assert(memcmp(x, y, ny - 8) == 0);       /* all but the replay flag and the CRC */
  uint32_t fx, fy;
  memcpy(&fx, x + ny - 8, 4);
  memcpy(&fy, y + ny - 8, 4);
  ck_assert_uint_eq(fx, 1);
  ck_assert_uint_eq(fy, 0);
  snprintf(again, sizeof again, "%s/again.ddpg", b);
  ck_assert_msg(checkpoint_strip_replay(out, again, &had, err) == 0, "%s", err);
  ck_assert_int_eq(had, 0);
  ck_assert_msg(read_file(again, &z, &nz, err) == 0, "%s", err);
  ck_assert_uint_eq(nz, ny);
  ck_assert(memcmp(y, z, ny) == 0);
  free(x);
  free(y);
  free(z);
  ck_assert_int_ne(checkpoint_strip_replay("/nonexistent/ckpt.ddpg", again, &had, err), 0);
  resume_to(b, 900); /* 200 refill steps (the warm-up length), then 100 updates */
  Trainer tr;
  ck_assert_msg(trainer_resume(&tr, b, 1000, err) == 0, "%s", err);
  ck_assert_int_eq(tr.count.env_steps, 900);
  ck_assert_int_eq(tr.count.updates, 400 + 100);
  trainer_free(&tr);
}
END_TEST

START_TEST(test_checkpoint_round_trip_and_damage) {
  make_tmp();
  TrainConfig c;
  small_config(&c, "toy", 600);
  c.save_replay = 1;
  char d[300];
  snprintf(d, sizeof d, "%s/rt", TMP);
  train_to(&c, d);
  /* load and serialize again: the same bytes */
  Trainer tr;
  char err[ERR_LEN];
  c.steps = 700;
  ck_assert_msg(trainer_resume(&tr, d, 600, err) != 0, "resume of a finished run must refuse");
  ck_assert_msg(strstr(err, "--steps") != NULL, "%s", err);
  trainer_free(&tr); /* a refused resume leaves what it built for the caller to free */
  ck_assert_int_eq(trainer_resume(&tr, d, 700, err), 0);
  tr.cfg.steps = 600; /* as stored */
  Writer w;
  writer_init(&w);
  trainer_serialize(&tr, &w);
  uint8_t *orig;
  size_t n;
  read_ckpt(d, &orig, &n);
  ck_assert_uint_eq(w.len, n);
  ck_assert(memcmp(w.buf, orig, n) == 0);
  trainer_free(&tr);
  writer_free(&w);

  /* a truncated copy and a bit-flipped copy are refused with a clear message */
  char p[400];
  Policy pol;
  tmp_path(p, sizeof p, "trunc.ddpg");
  ck_assert_int_eq(write_file_atomic(p, orig, n / 2, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "corrupt") || strstr(err, "truncated"), "%s", err);
  tmp_path(p, sizeof p, "flip.ddpg");
  orig[n / 3] ^= 0x10;
  ck_assert_int_eq(write_file_atomic(p, orig, n, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "CRC"), "%s", err);
  tmp_path(p, sizeof p, "other.ddpg");
  ck_assert_int_eq(write_file_atomic(p, "hello world, not a checkpoint", 29, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "magic"), "%s", err);
  orig[n / 3] ^= 0x10;
  memcpy(orig + 8, &(uint32_t){99}, 4);
  tmp_path(p, sizeof p, "version.ddpg");
  ck_assert_int_eq(write_file_atomic(p, orig, n, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "version 99"), "%s", err);
  free(orig);
}
END_TEST

START_TEST(test_async_pacing_holds_ratio) {
  make_tmp();
  const double ratios[] = {1.0, 0.5};
  for (int i = 0; i < 2; i++) {
    TrainConfig c;
    small_config(&c, "toy", 3000);
    c.workers = 3;
    c.updates_per_step = ratios[i];
    char d[300];
    snprintf(d, sizeof d, "%s/async%d", TMP, i);
    Trainer tr;
    char err[ERR_LEN];
    ck_assert_msg(trainer_init(&tr, &c, d, err) == 0, "%s", err);
    tr.log.quiet = 1;
    ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
    long want = (long)floor(ratios[i] * (double)(c.steps - c.start_steps));
    ck_assert_int_eq(tr.count.env_steps, 3000);
    ck_assert_msg(labs(tr.count.updates - want) <= 1, "updates %ld, want %ld", tr.count.updates, want);
    ck_assert_uint_eq(tr.replay.size, 3000);
    trainer_free(&tr);
  }
}
END_TEST

/* ---- the command line ----------------------------------------------------------------- */

static int run(const char *fmt, const char *arg1, const char *arg2) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, fmt, getenv("DDPG_BIN"), arg1, arg2);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

START_TEST(test_cli_smoke_train_act_eval) {
  make_tmp();
  char d[300], p[400];
  snprintf(d, sizeof d, "%s/cli", TMP);
  ck_assert_int_eq(run("%s train --env reacher --steps 1500 --start-steps 300 --batch 32 "
                       "--hidden 32,32 --eval-every 500 --eval-episodes 2 --quiet --out %s%s",
                       d, ""), 0);
  const char *files[] = {"checkpoint.ddpg", "eval.csv", "progress.csv"};
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/%s", d, files[i]);
    ck_assert_msg(access(p, R_OK) == 0, "missing %s", p);
  }
  /* a second run into the same directory is refused (exit 2), nothing overwritten */
  ck_assert_int_eq(run("%s train --env reacher --steps 100 --quiet --out %s 2>/dev/null%s", d,
                       ""), 2);
  /* act: 11 numbers -> 2 actions in [-1, 1] */
  char in[400], out[400];
  snprintf(in, sizeof in, "%s/obs.txt", TMP);
  snprintf(out, sizeof out, "%s/act.txt", TMP);
  FILE *f = fopen(in, "w");
  fprintf(f, "1 0 0 1 0.1 -0.1 0 0 0.05 0.02 0\n0.5 0.5 0.5 0.5 0 0 1 -1 0 0 0\n");
  fclose(f);
  snprintf(p, sizeof p, "%s/checkpoint.ddpg", d);
  char cmd[1400];
  snprintf(cmd, sizeof cmd, "%s act --checkpoint %s < %s > %s", getenv("DDPG_BIN"), p, in, out);
  ck_assert_int_eq(system(cmd), 0);
  f = fopen(out, "r");
  float a0, a1, b0, b1;
  ck_assert_int_eq(fscanf(f, "%f %f %f %f", &a0, &a1, &b0, &b1), 4);
  fclose(f);
  ck_assert(fabsf(a0) <= 1 && fabsf(a1) <= 1 && fabsf(b0) <= 1 && fabsf(b1) <= 1);
  /* eval --checkpoint reproduces the run's last evaluation (same seed: training seed + 100) */
  snprintf(cmd, sizeof cmd, "%s eval --checkpoint %s --episodes 2 --json > %s", getenv("DDPG_BIN"), p,
           out);
  ck_assert_int_eq(system(cmd), 0);
  f = fopen(out, "r");
  char js[1024] = "";
  ck_assert_ptr_nonnull(fgets(js, sizeof js, f));
  fclose(f);
  const char *k = strstr(js, "\"mean_return\": ");
  ck_assert_ptr_nonnull(k);
  double ev = strtod(k + 15, NULL);
  char ep[400], line[256], last[256] = "";
  snprintf(ep, sizeof ep, "%s/eval.csv", d);
  f = fopen(ep, "r");
  while (fgets(line, sizeof line, f)) snprintf(last, sizeof last, "%s", line);
  fclose(f);
  double logged = strtod(strchr(last, ',') + 1, NULL);
  ck_assert_msg(fabs(ev - logged) < 1e-5, "eval %f vs logged %f", ev, logged);
  /* a bad line: exit 2 naming the line */
  f = fopen(in, "w");
  fprintf(f, "1 0 0 1 0.1 -0.1 0 0 0.05 0.02 0\n1 2 3\n");
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s act --checkpoint %s < %s > /dev/null 2> %s", getenv("DDPG_BIN"),
           p, in, out);
  int rc = system(cmd);
  ck_assert_int_eq(WEXITSTATUS(rc), 2);
  f = fopen(out, "r");
  char msg[512] = "";
  ck_assert_ptr_nonnull(fgets(msg, sizeof msg, f));
  fclose(f);
  ck_assert_msg(strstr(msg, "line 2"), "%s", msg);
}
END_TEST

START_TEST(test_toy_trainer_learns) {
  make_tmp();
  TrainConfig c;
  small_config(&c, "toy", 4000);
  c.eval_every = 4000;
  c.eval_episodes = 20;
  char d[300];
  snprintf(d, sizeof d, "%s/toylearn", TMP);
  Trainer tr;
  char err[ERR_LEN];
  ck_assert_int_eq(trainer_init(&tr, &c, d, err), 0);
  tr.log.quiet = 1;
  EvalResult r0;
  ck_assert_int_eq(trainer_evaluate(&tr.agent, tr.agent.actor.params, tr.model, 3, 20, &r0, err), 0);
  double m0 = r0.mean_return;
  ck_assert_int_eq(trainer_run(&tr, err), 0);
  /* the optimum lands on 0 after one step: return = -s0^2 with s0 ~ U(-1, 1), about -0.33 */
  ck_assert_msg(tr.count.last_eval > -0.6 && tr.count.last_eval > m0 + 0.5,
                "toy eval %.3f (untrained %.3f)", tr.count.last_eval, m0);
  trainer_free(&tr);
}
END_TEST

int main(void) {
  Suite *s = suite_create("train");
  TCase *tc = tcase_create("train");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_replay_concurrent_writers_and_sampler);
  tcase_add_test(tc, test_determinism_two_runs_identical);
  tcase_add_test(tc, test_resume_is_exact);
  tcase_add_test(tc, test_resume_without_replay_refills);
  tcase_add_test(tc, test_strip_replay);
  tcase_add_test(tc, test_checkpoint_round_trip_and_damage);
  tcase_add_test(tc, test_async_pacing_holds_ratio);
  tcase_add_test(tc, test_cli_smoke_train_act_eval);
  tcase_add_test(tc, test_toy_trainer_learns);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
