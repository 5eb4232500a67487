/* test_trainer: the training system (src/trainer.c) end to end. Two runs give the same
 * checkpoint, on one learner thread and on two; a run interrupted and resumed ends in the
 * bytes of an uninterrupted one; a resume without the replay refills it first; the
 * asynchronous schedule holds the replay ratio; smoke runs of `ddpg train`, `ddpg act`,
 * `ddpg eval`; the toy task is learnt.
 * ThreadSanitizer runs this file in CI (CTest label tsan). */
#include "helpers.h"

#include <math.h>

#include <cblas.h>

#include "config.h"
#include "team.h"
#include "trainer.h"

START_TEST(test_determinism_two_runs_identical) {
  th_make_tmp();
  const char *envs[] = {"toy", "reacher"};
  for (int i = 0; i < 2; i++) {
    TrainConfig c;
    th_small_config(&c, envs[i], 1000);
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/%s_a", th_tmp, envs[i]);
    snprintf(b, sizeof b, "%s/%s_b", th_tmp, envs[i]);
    th_train_to(&c, a);
    th_train_to(&c, b);
    th_assert_same_checkpoints(a, b);
  }
}
END_TEST

START_TEST(test_resume_is_exact) {
  th_make_tmp();
  /* reacher: resume mid-episode exercises the saved MuJoCo state (50-step episodes,
   * 650 is not a multiple of 50) */
  TrainConfig c;
  th_small_config(&c, "reacher", 1300);
  c.save_replay = 1;
  char a[300], b[300];
  snprintf(a, sizeof a, "%s/full", th_tmp);
  snprintf(b, sizeof b, "%s/split", th_tmp);
  th_train_to(&c, a);
  TrainConfig half = c;
  half.steps = 625;
  th_train_to(&half, b);
  th_resume_to(b, 1300);
  th_assert_same_checkpoints(a, b);
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
  th_make_tmp();
  for (int workers = 1; workers <= 3; workers += 2) {
    TrainConfig c;
    th_small_config(&c, "toy", 1000);
    c.workers = workers;
    c.checkpoint_every = 1000;
    c.save_replay = 0;
    char d[300];
    snprintf(d, sizeof d, "%s/refill%d", th_tmp, workers);
    th_train_to(&c, d); /* 800 updates after the 200 warm-up steps */
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

START_TEST(test_async_pacing_holds_ratio) {
  th_make_tmp();
  const double ratios[] = {1.0, 0.5};
  for (int i = 0; i < 2; i++) {
    TrainConfig c;
    th_small_config(&c, "toy", 3000);
    c.workers = 3;
    c.updates_per_step = ratios[i];
    char d[300];
    snprintf(d, sizeof d, "%s/async%d", th_tmp, i);
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

START_TEST(test_cli_smoke_train_act_eval) {
  th_make_tmp();
  char d[300], p[400];
  snprintf(d, sizeof d, "%s/cli", th_tmp);
  ck_assert_int_eq(th_sh("%s train --env reacher --steps 1500 --start-steps 300 --batch 32 "
                         "--hidden 32,32 --eval-every 500 --eval-episodes 2 --quiet --out %s",
                         th_bin(), d), 0);
  const char *files[] = {"checkpoint.ddpg", "eval.csv", "progress.csv"};
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/%s", d, files[i]);
    ck_assert_msg(access(p, R_OK) == 0, "missing %s", p);
  }
  /* a second run into the same directory is refused (exit 2), nothing overwritten */
  ck_assert_int_eq(th_sh("%s train --env reacher --steps 100 --quiet --out %s 2>/dev/null",
                         th_bin(), d), 2);
  /* act: 11 numbers -> 2 actions in [-1, 1] */
  char in[400], out[400];
  snprintf(in, sizeof in, "%s/obs.txt", th_tmp);
  snprintf(out, sizeof out, "%s/act.txt", th_tmp);
  FILE *f = fopen(in, "w");
  fprintf(f, "1 0 0 1 0.1 -0.1 0 0 0.05 0.02 0\n0.5 0.5 0.5 0.5 0 0 1 -1 0 0 0\n");
  fclose(f);
  snprintf(p, sizeof p, "%s/checkpoint.ddpg", d);
  char cmd[1400];
  snprintf(cmd, sizeof cmd, "%s act --checkpoint %s < %s > %s", th_bin(), p, in, out);
  ck_assert_int_eq(system(cmd), 0);
  f = fopen(out, "r");
  float a0, a1, b0, b1;
  ck_assert_int_eq(fscanf(f, "%f %f %f %f", &a0, &a1, &b0, &b1), 4);
  fclose(f);
  ck_assert(fabsf(a0) <= 1 && fabsf(a1) <= 1 && fabsf(b0) <= 1 && fabsf(b1) <= 1);
  /* eval --checkpoint reproduces the run's last evaluation (same seed: training seed + 100) */
  snprintf(cmd, sizeof cmd, "%s eval --checkpoint %s --episodes 2 --json > %s", th_bin(), p,
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
  snprintf(cmd, sizeof cmd, "%s act --checkpoint %s < %s > /dev/null 2> %s", th_bin(),
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
  th_make_tmp();
  TrainConfig c;
  th_small_config(&c, "toy", 4000);
  c.eval_every = 4000;
  c.eval_episodes = 20;
  char d[300];
  snprintf(d, sizeof d, "%s/toylearn", th_tmp);
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

/* ---- learner threads ---------------------------------------------------------------- */

/* a small reacher run on 2 learner threads: `steps` from scratch into tmp/name, or, with
 * resume_at > 0, to resume_at first and then resumed to `steps` */
static void team_run_to(const char *tmp, const char *name, long steps, long resume_at) {
  TrainConfig c;
  config_defaults(&c);
  snprintf(c.env, sizeof c.env, "reacher");
  c.steps = resume_at > 0 ? resume_at : steps;
  c.seed = 3;
  c.start_steps = 200;
  c.batch = 64;
  c.buffer_size = 10000;
  snprintf(c.hidden, sizeof c.hidden, "64,64");
  c.eval_every = 400;
  c.eval_episodes = 1;
  c.checkpoint_every = 400;
  snprintf(c.learner_threads, sizeof c.learner_threads, "2"); /* stored: a resume keeps it */
  char err[ERR_LEN], dir[300];
  ck_assert_int_eq(config_resolve(&c, err), 0);
  snprintf(dir, sizeof dir, "%s/%s", tmp, name);
  for (int leg = 0; leg < (resume_at > 0 ? 2 : 1); leg++) {
    Trainer tr;
    if (leg == 0)
      ck_assert_msg(trainer_init(&tr, &c, dir, err) == 0, "%s", err);
    else
      ck_assert_msg(trainer_resume(&tr, dir, steps, err) == 0, "%s", err);
    tr.log.quiet = 1;
    ck_assert_int_eq(team_size(tr.agent.team), 2);
    ck_assert_str_eq(tr.cfg.learner_threads, "2");
    ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
    trainer_free(&tr);
  }
}

/* two runs on 2 learner threads write the same checkpoint bytes, and so does a run cut at
 * 650 steps (mid-episode) and resumed on 2 learner threads */
START_TEST(test_train_with_learner_threads_is_deterministic) {
  openblas_set_num_threads(1);
  const char *tmp = th_make_tmp();
  const char *names[3] = {"run0", "run1", "resumed"};
  team_run_to(tmp, names[0], 1300, 0);
  team_run_to(tmp, names[1], 1300, 0);
  team_run_to(tmp, names[2], 1300, 650);
  uint8_t *ck[3];
  size_t len[3];
  for (int i = 0; i < 3; i++) {
    char dir[300];
    snprintf(dir, sizeof dir, "%s/%s", tmp, names[i]);
    th_read_checkpoint(dir, &ck[i], &len[i]);
  }
  for (int i = 1; i < 3; i++) {
    ck_assert_uint_eq(len[0], len[i]);
    ck_assert_msg(memcmp(ck[0], ck[i], len[0]) == 0, "%s differs from %s", names[i], names[0]);
  }
  for (int i = 0; i < 3; i++) free(ck[i]);
}
END_TEST

TH_MAIN("trainer", 240, test_determinism_two_runs_identical, test_resume_is_exact,
        test_resume_without_replay_refills, test_async_pacing_holds_ratio,
        test_cli_smoke_train_act_eval, test_toy_trainer_learns,
        test_train_with_learner_threads_is_deterministic)
