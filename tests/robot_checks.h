/* robot_checks: what the test programs of the Gymnasium suite's built-in robots share
 * (tests/test_env_hopper.c and its siblings), so each holds only its robot's spec.
 *
 *   rc_load_variant(name, from, to)
 *                        a copy of a built-in robot's task file with one edit (in the
 *                        running test's directory, naming the built-in MJCF by its path)
 *   rc_check_sizes()     observation, action, frame skip, dt, time limit, action bounds
 *   rc_set_state()       qpos and qvel of an Env, kinematics refreshed (mj_forward)
 *   rc_healthy_with()    the task's health on qpos0 / zero velocity with one entry changed
 *   rc_check_reset()     many resets: every entry within qpos0 +- s (qvel within +- s), the
 *                        uniform's mean and variance, fresh kinematics, the observation
 *   rc_check_time_limit()
 *                        an episode held healthy to the time limit: truncated at the last
 *                        step only, never terminal (and both flags when the last step
 *                        also terminates, for a robot that can terminate)
 *   rc_check_alias()     the Gymnasium id loads the same robot (the same episode, bitwise)
 *   rc_random_return()   ddpg eval's random policy (EVAL_POLICY_STREAM) over some episodes
 *   rc_check_train_smoke()
 *                        `ddpg train --env NAME` for 2000 steps writes a checkpoint that
 *                        `ddpg eval --checkpoint` scores on the robot
 *
 * Include after helpers.h. Header-only, every function static inline. */
#ifndef DDPG_TESTS_ROBOT_CHECKS_H
#define DDPG_TESTS_ROBOT_CHECKS_H

#include <math.h>
#include <mujoco/mujoco.h>

#include "env.h"
#include "eval.h"
#include "rng.h"
#include "task.h"

#define RC_OBS_CAP 64 /* observation and action arrays of the tests (Walker2d: 17 and 6) */
#define RC_ACT_CAP 16

/* models/NAME.yaml with `from` replaced by `to` (once; it must occur) and its model named by
 * absolute path, written to the running test's directory and loaded */
static inline EnvModel *rc_load_variant(const char *name, const char *from, const char *to) {
  char src[1024], err[ERR_LEN];
  snprintf(src, sizeof src, "%s/%s.yaml", DDPG_MODEL_DIR, name);
  uint8_t *text;
  size_t n;
  ck_assert_msg(read_file(src, &text, &n, err) == 0, "%s", err);
  char model_line[600], model_abs[1200];
  snprintf(model_line, sizeof model_line, "model: %s.xml\n", name);
  snprintf(model_abs, sizeof model_abs, "model: %s/%s.xml\n", DDPG_MODEL_DIR, name);
  const char *s = (const char *)text;
  const char *m = strstr(s, model_line), *f = strstr(s, from);
  ck_assert_msg(m && f && m < f, "%s: no '%s' after its model line", src, from);
  if (!th_tmp[0]) th_make_tmp();
  const char *path = th_path("variant.yaml");
  FILE *out = fopen(path, "w");
  ck_assert_ptr_nonnull(out);
  fwrite(s, 1, (size_t)(m - s), out);
  fputs(model_abs, out);
  const char *after = m + strlen(model_line);
  fwrite(after, 1, (size_t)(f - after), out);
  fputs(to, out);
  fputs(f + strlen(from), out);
  fclose(out);
  free(text);
  EnvModel *em = NULL;
  ck_assert_msg(env_model_load(&em, path, NULL, err) == 0, "load %s: %s", path, err);
  return em;
}

static inline const mjModel *rc_mj(const EnvModel *m) { return env_model_mj(m); }

static inline void rc_check_sizes(const char *name, int obs, int act, int frame_skip,
                                  double dt, int max_steps, float lo, float hi) {
  EnvModel *em = th_load_env(name);
  Env e;
  env_init(&e, em);
  ck_assert_str_eq(e.name, name);
  ck_assert_int_eq(e.obs_dim, obs);
  ck_assert_int_eq(e.act_dim, act);
  ck_assert_int_eq(e.frame_skip, frame_skip);
  ck_assert_int_eq(e.max_steps, max_steps);
  /* dt = timestep x frame_skip, the decimal literal exactly (SUITE.md §2) */
  ck_assert_double_eq(e.dt, dt);
  ck_assert_double_eq(env_model_dt(em), dt);
  for (int k = 0; k < act; k++) {
    ck_assert_float_eq(e.act_low[k], lo);
    ck_assert_float_eq(e.act_high[k], hi);
  }
  env_free(&e);
  env_model_free(em);
}

/* set the state of e (nq and nv values) and refresh the kinematics */
static inline void rc_set_state(Env *e, const double *qpos, const double *qvel) {
  const mjModel *m = rc_mj(e->model);
  mjData *d = e->data;
  memcpy(d->qpos, qpos, sizeof(double) * (size_t)m->nq);
  memcpy(d->qvel, qvel, sizeof(double) * (size_t)m->nv);
  mj_forward(m, d);
}

/* the task's health with the state at qpos0, zero velocity, and then qpos[i] (vel 0) or
 * qvel[i] (vel 1) set to v */
static inline int rc_healthy_with(Env *e, int vel, int i, double v) {
  const mjModel *m = rc_mj(e->model);
  mjData *d = e->data;
  mju_copy(d->qpos, m->qpos0, m->nq);
  mju_zero(d->qvel, m->nv);
  (vel ? d->qvel : d->qpos)[i] = v;
  return task_healthy(env_model_task(e->model), m, d);
}

/* n resets: qpos[i] in qpos0[i] + [-qs, qs], qvel[i] in [-vs, vs]; the uniform's mean 0 and
 * variance s^2 / 3 within 5 standard errors per coordinate; extremes near +-s; t = 0, time 0;
 * the kinematics fresh (reset ends with mj_forward); the observation the state's */
static inline void rc_check_reset(const char *name, double qs, double vs, int n) {
  EnvModel *em = th_load_env(name);
  const mjModel *m = rc_mj(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  mjData *fresh = mj_makeData(m);
  Rng rng;
  rng_init(&rng, 21, 0);
  float obs[RC_OBS_CAP], again[RC_OBS_CAP];
  double sum[64] = {0}, sum2[64] = {0}, lo[64], hi[64];
  int nq = m->nq, nv = m->nv;
  ck_assert_int_le(nq + nv, 64);
  for (int i = 0; i < nq + nv; i++) lo[i] = 1e9, hi[i] = -1e9;
  for (int r = 0; r < n; r++) {
    env_reset(&e, &rng, obs);
    ck_assert_int_eq(e.t, 0);
    ck_assert_double_eq(d->time, 0.0);
    for (int i = 0; i < nq + nv; i++) {
      double x = i < nq ? d->qpos[i] - m->qpos0[i] : d->qvel[i - nq];
      double s = i < nq ? qs : vs;
      ck_assert_msg(fabs(x) <= s, "reset entry %d: %g outside [-%g, %g]", i, x, s, s);
      sum[i] += x;
      sum2[i] += x * x;
      lo[i] = fmin(lo[i], x);
      hi[i] = fmax(hi[i], x);
    }
    if (r < 50) {
      mj_copyData(fresh, m, d);
      mj_forward(m, fresh);
      ck_assert_mem_eq(fresh->xpos, d->xpos, sizeof(mjtNum) * 3 * (size_t)m->nbody);
      env_observe(&e, again);
      ck_assert_mem_eq(obs, again, sizeof(float) * (size_t)e.obs_dim);
    }
  }
  for (int i = 0; i < nq + nv; i++) {
    double s = i < nq ? qs : vs, var = s * s / 3.0;
    /* U(-s, s): sd s / sqrt(3); the variance of x^2 is 4 s^4 / 45 */
    ck_assert_double_lt(fabs(sum[i] / n), 5.0 * sqrt(var / n));
    ck_assert_double_lt(fabs(sum2[i] / n - var), 5.0 * sqrt(4.0 * s * s * s * s / 45.0 / n));
    ck_assert_double_lt(lo[i], -0.98 * s);
    ck_assert_double_gt(hi[i], 0.98 * s);
  }
  mj_deleteData(fresh);
  env_free(&e);
  env_model_free(em);
}

/* Two episodes to the time limit with random actions in the bounds; before each step the
 * state is put back to qpos0 and zero velocity (a healthy state: the step from it is
 * healthy too), so the episode runs to the limit whatever the robot's termination. Every
 * step: not terminal, truncated exactly at the limit. With `doom` (a robot that can
 * terminate), the last step starts from a state that fails a condition after one step
 * (qpos[doom_i] = doom_v): terminated and truncated both. */
static inline void rc_check_time_limit(const char *name, int doom, int doom_i, double doom_v) {
  EnvModel *em = th_load_env(name);
  const mjModel *m = rc_mj(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 23, 0);
  float obs[RC_OBS_CAP], act[RC_ACT_CAP];
  double zero[64] = {0};
  for (int ep = 0; ep < 2; ep++) {
    env_reset(&e, &rng, obs);
    for (int t = 1; t <= e.max_steps; t++) {
      rc_set_state(&e, m->qpos0, zero);
      if (doom && t == e.max_steps) {
        d->qpos[doom_i] = doom_v;
        mj_forward(m, d);
      }
      for (int k = 0; k < e.act_dim; k++)
        act[k] = (float)rng_range(&rng, e.act_low[k], e.act_high[k]);
      EnvStep st;
      env_step(&e, act, obs, &st);
      ck_assert_int_eq(st.unstable, 0);
      ck_assert_int_eq(st.truncated, t == e.max_steps);
      ck_assert_int_eq(st.terminated, doom && t == e.max_steps);
    }
    ck_assert_int_eq(e.t, e.max_steps);
  }
  env_free(&e);
  env_model_free(em);
}

/* the Gymnasium id is the built-in: same canonical name, same episode bit for bit */
static inline void rc_check_alias(const char *id, const char *name) {
  ck_assert_str_eq(env_canonical(id), name);
  EnvModel *a = th_load_env(id), *b = th_load_env(name);
  ck_assert_str_eq(env_model_name(a), name);
  Env ea, eb;
  env_init(&ea, a);
  env_init(&eb, b);
  Rng ra, rb;
  rng_init(&ra, 25, 0);
  rng_init(&rb, 25, 0);
  float oa[RC_OBS_CAP], ob[RC_OBS_CAP], act[RC_ACT_CAP];
  env_reset(&ea, &ra, oa);
  env_reset(&eb, &rb, ob);
  for (int t = 0; t < 20; t++) {
    ck_assert_mem_eq(oa, ob, sizeof(float) * (size_t)ea.obs_dim);
    for (int k = 0; k < ea.act_dim; k++)
      act[k] = (float)rng_range(&ra, ea.act_low[k], ea.act_high[k]);
    EnvStep sa, sb;
    env_step(&ea, act, oa, &sa);
    env_step(&eb, act, ob, &sb);
    ck_assert_mem_eq(&sa.reward, &sb.reward, sizeof sa.reward);
    if (sa.terminated) break;
  }
  env_free(&ea);
  env_free(&eb);
  env_model_free(a);
  env_model_free(b);
}

/* `ddpg eval --policy random` on `episodes` episodes from seed */
static inline EvalResult rc_random_return(const char *name, int episodes, uint64_t seed) {
  EnvModel *em = th_load_env(name);
  EvalBaseline b;
  eval_baseline_init(&b, em, seed, EVAL_POLICY_STREAM);
  EvalResult r;
  char err[ERR_LEN];
  ck_assert_msg(eval_policy(em, eval_policy_random, &b, episodes, seed, &r, err) == 0, "%s", err);
  ck_assert_int_eq(r.episodes, episodes);
  ck_assert_int_eq(r.unstable_episodes, 0);
  env_model_free(em);
  return r;
}

/* `ddpg train --env NAME --steps 2000` (small networks, 1000 warm-up steps, so 1000 updates)
 * writes its checkpoint, and `ddpg eval --checkpoint` scores it on the robot */
static inline void rc_check_train_smoke(const char *name) {
  th_make_tmp();
  ck_assert_int_eq(th_sh("'%s' train --env %s --steps 2000 --start-steps 1000 --batch 32 "
                         "--hidden 32,32 --eval-every 2000 --eval-episodes 1 --seed 1 "
                         "--out %s --quiet 2>%s",
                         th_bin(), name, th_path("run"), th_path("err")), 0);
  ck_assert_int_eq(th_sh("test -s %s/" CHECKPOINT_NAME, th_path("run")), 0);
  ck_assert_int_eq(th_sh("grep -qx 'env = %s' %s/config.txt", name, th_path("run")), 0);
  ck_assert_int_eq(th_sh("'%s' eval --checkpoint %s/" CHECKPOINT_NAME " --episodes 1 --json "
                         ">%s && grep -q '\"env\": \"%s\"' %s",
                         th_bin(), th_path("run"), th_path("eval.json"), name,
                         th_path("eval.json")), 0);
}

#endif
