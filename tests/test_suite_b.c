/* test_suite_b: four built-ins of the Gymnasium suite against ../shared/reference/SUITE.md:
 * InvertedDoublePendulum-v4, Ant-v4, Humanoid-v4 and Pusher-v4 (models/NAME.{xml,yaml}).
 *
 * Per robot, as tests/test_env.c does for the first two: sizes and action bounds, the
 * observation layout on a set state (compared with values read from mjData here), every
 * reward term recomputed by hand from mjData in Gymnasium's own order (so the comparisons are
 * exact, ==), each termination condition at its boundary, many resets within the noise
 * range, the time limit as a truncation, and a short `ddpg train` that writes a checkpoint. */
#include "helpers.h"

#include <check.h>
#include <math.h>
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "env_state.h"
#include "eval.h"
#include "rng.h"
#include "task.h"
#include "util.h"

#define OBS_CAP 400 /* Humanoid: 376 */
#define ACT_CAP 17

static const mjModel *mjm(const EnvModel *m) { return env_model_mj(m); }

static int id_of(const mjModel *m, int type, const char *name) {
  int id = mj_name2id(m, type, name);
  ck_assert_msg(id >= 0, "no %s in the model", name);
  return id;
}

static double clip10(double v) { return v < -10 ? -10 : v > 10 ? 10 : v; }

/* the healthy test of the task on the state in d (the termination conditions) */
static int healthy(const EnvModel *em, const mjData *d) {
  return task_healthy(env_model_task(em), mjm(em), d);
}

/* sizes, bounds, time limit and dt of one built-in, and its Gymnasium id loading the same */
static void check_sizes(const char *name, const char *gym_id, int nq, int nv, int obs, int act,
                        double bound, int steps, double dt) {
  EnvModel *em = th_load_env(name), *alias = th_load_env(gym_id);
  const mjModel *m = mjm(em);
  ck_assert_int_eq(m->nq, nq);
  ck_assert_int_eq(m->nv, nv);
  ck_assert_int_eq(env_model_obs_dim(alias), obs);
  int listed = 0;
  for (int i = 0; ENV_NAMES[i]; i++) listed |= strcmp(ENV_NAMES[i], name) == 0;
  ck_assert_msg(listed, "%s is not in ENV_NAMES", name);
  Env e;
  env_init(&e, em);
  ck_assert_int_eq(e.obs_dim, obs);
  ck_assert_int_eq(e.act_dim, act);
  ck_assert_int_eq(e.max_steps, steps);
  ck_assert_int_eq(e.frame_skip, 5);
  ck_assert_double_eq(e.dt, m->opt.timestep * 5);
  ck_assert_double_eq_tol(e.dt, dt, 1e-15);
  for (int k = 0; k < act; k++) {
    ck_assert_float_eq(e.act_low[k], (float)-bound);
    ck_assert_float_eq(e.act_high[k], (float)bound);
  }
  env_free(&e);
  env_model_free(alias);
  env_model_free(em);
}

/* the random policy's mean return over `episodes` (seed 1) lies in (lo, hi): four to five
 * standard errors around Gymnasium v4's mean (docs/environments.md) */
static void check_random_return(const char *name, int episodes, double lo, double hi) {
  EnvModel *em = th_load_env(name);
  EvalBaseline b;
  eval_baseline_init(&b, em, 1, EVAL_POLICY_STREAM);
  EvalResult r;
  char err[ERR_LEN];
  ck_assert_int_eq(eval_policy(em, eval_policy_random, &b, episodes, 1, &r, err), 0);
  ck_assert_int_eq(r.unstable_episodes, 0);
  ck_assert_msg(r.mean_return > lo && r.mean_return < hi, "%s: random mean %g not in (%g, %g)",
                name, r.mean_return, lo, hi);
  env_model_free(em);
}

/* a 2000-step `ddpg train` (small networks, 200 updates after 1800 random steps) writes a
 * checkpoint that evaluates */
static void train_smoke(const char *env) {
  th_make_tmp();
  const char *dir = th_path("run");
  int rc = th_sh("%s train --env %s --steps 2000 --start-steps 1800 --batch 32 --hidden 32,32 "
                 "--buffer-size 5000 --eval-every 2000 --eval-episodes 1 --seed 1 --out %s "
                 ">%s 2>&1",
                 th_bin(), env, dir, th_path("log"));
  ck_assert_msg(rc == 0, "train --env %s exited %d", env, rc);
  uint8_t *buf;
  size_t n;
  th_read_checkpoint(dir, &buf, &n);
  ck_assert_uint_gt(n, 1000);
  free(buf);
  rc = th_sh("%s eval --checkpoint %s/checkpoint.ddpg --episodes 1 --json >%s 2>&1", th_bin(),
             dir, th_path("eval"));
  ck_assert_int_eq(rc, 0);
}

/* ------------------------------------------------------------------------------------ */
/* InvertedDoublePendulum-v4                                                              */

START_TEST(test_idp_sizes) {
  check_sizes("inverted_double_pendulum", "InvertedDoublePendulum-v4", 3, 3, 11, 1, 1.0, 1000,
              0.05);
  EnvModel *em = th_load_env("inverted_double_pendulum");
  const mjModel *m = mjm(em);
  ck_assert_int_eq(m->opt.integrator, mjINT_RK4);
  ck_assert_double_eq(m->opt.gravity[0], 1e-5);
  ck_assert_double_eq(m->jnt_margin[0], 0.01);
  ck_assert_double_eq(m->actuator_gear[0], 500);
  env_model_free(em);
}
END_TEST

START_TEST(test_idp_observation_layout) {
  EnvModel *em = th_load_env("inverted_double_pendulum");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  /* the cart 1 mm from the rail's end, inside the limit's margin: a constraint force */
  const double q[] = {0.999, 0.3, -0.7}, v[] = {12.0, -0.5, -30.0};
  memcpy(d->qpos, q, sizeof q);
  memcpy(d->qvel, v, sizeof v);
  mj_forward(m, d);
  ck_assert_double_ne(d->qfrc_constraint[0], 0.0);
  float obs[OBS_CAP];
  env_observe(&e, obs);
  ck_assert_float_eq(obs[0], (float)0.999);
  ck_assert_float_eq(obs[1], (float)sin(0.3)); /* both sines, then both cosines */
  ck_assert_float_eq(obs[2], (float)sin(-0.7));
  ck_assert_float_eq(obs[3], (float)cos(0.3));
  ck_assert_float_eq(obs[4], (float)cos(-0.7));
  ck_assert_float_eq(obs[5], 10.0f); /* clipped */
  ck_assert_float_eq(obs[6], -0.5f);
  ck_assert_float_eq(obs[7], -10.0f);
  for (int k = 0; k < 3; k++) ck_assert_float_eq(obs[8 + k], (float)clip10(d->qfrc_constraint[k]));
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_idp_reward_and_termination) {
  EnvModel *em = th_load_env("inverted_double_pendulum");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  int tip = id_of(m, mjOBJ_SITE, "tip");
  Rng rng;
  rng_init(&rng, 11, 0);
  float obs[OBS_CAP];
  int episodes = 0, steps = 0;
  while (episodes < 50) {
    env_reset(&e, &rng, obs);
    for (;;) {
      float a = (float)rng_range(&rng, -1.2, 1.2);
      EnvStep st;
      env_step(&e, &a, obs, &st);
      steps++;
      /* v4: r = alive_bonus - dist_penalty - vel_penalty, from the site_xpos mj_step left
       * (stale) and the new qvel, in Gymnasium's order of operations */
      double x = d->site_xpos[3 * tip], y = d->site_xpos[3 * tip + 2];
      double v1 = d->qvel[1], v2 = d->qvel[2];
      double dist = 0.01 * (x * x) + (y - 2) * (y - 2);
      double vel = 1e-3 * (v1 * v1) + 5e-3 * (v2 * v2);
      ck_assert_int_eq(st.n_terms, 3);
      ck_assert_double_eq(st.terms[0], 10.0); /* paid on the terminating step too */
      ck_assert_double_eq(st.terms[1], -dist);
      ck_assert_double_eq(st.terms[2], -vel);
      ck_assert_double_eq(st.reward, 10 - dist - vel);
      ck_assert_int_eq(st.terminated, y <= 1);
      ck_assert_double_eq(d->ctrl[0], (double)a); /* unclipped */
      for (int k = 0; k < 3; k++) ck_assert_float_eq(obs[5 + k], (float)clip10(d->qvel[k]));
      if (st.terminated || st.truncated) break;
    }
    episodes++;
  }
  ck_assert_int_lt(steps, 50 * 30); /* random actions topple it in a few steps */
  /* the boundary: terminated when the tip's z <= 1 */
  d->site_xpos[3 * tip + 2] = 1.0;
  ck_assert_int_eq(healthy(em, d), 0);
  d->site_xpos[3 * tip + 2] = nextafter(1.0, 2.0);
  ck_assert_int_eq(healthy(em, d), 1);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_idp_reset_distribution) {
  EnvModel *em = th_load_env("inverted_double_pendulum");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 12, 0);
  float obs[OBS_CAP];
  const int n = 3000;
  double max_q = 0, sum_q = 0, sum_v = 0, sum_v2 = 0;
  for (int r = 0; r < n; r++) {
    env_reset(&e, &rng, obs);
    ck_assert_int_eq(e.t, 0);
    for (int i = 0; i < 3; i++) {
      ck_assert_double_lt(fabs(d->qpos[i]), 0.1); /* U(-0.1, 0.1) */
      max_q = fmax(max_q, fabs(d->qpos[i]));
      sum_q += d->qpos[i];
      sum_v += d->qvel[i];
      sum_v2 += d->qvel[i] * d->qvel[i];
    }
    ck_assert_float_eq(obs[0], (float)d->qpos[0]);
  }
  ck_assert_double_gt(max_q, 0.099);
  ck_assert_double_lt(fabs(sum_q / (3.0 * n)), 0.003);
  ck_assert_double_lt(fabs(sum_v / (3.0 * n)), 0.004);
  ck_assert_double_eq_tol(sqrt(sum_v2 / (3.0 * n)), 0.1, 0.003); /* 0.1 N(0, 1) */
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* held upright (the state put back before every step), an episode ends at 1000 steps by
 * truncation, never terminated */
START_TEST(test_idp_time_limit) {
  EnvModel *em = th_load_env("inverted_double_pendulum");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 13, 0);
  float obs[OBS_CAP], a = 0.0f;
  env_reset(&e, &rng, obs);
  for (int t = 1; t <= 1000; t++) {
    for (int k = 0; k < 3; k++) d->qpos[k] = d->qvel[k] = 0.0;
    EnvStep st;
    env_step(&e, &a, obs, &st);
    ck_assert_int_eq(st.terminated, 0);
    ck_assert_int_eq(st.truncated, t == 1000);
  }
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_idp_random_return) {
  check_random_return("inverted_double_pendulum", 2000, 55.4, 59.4);
}
END_TEST

START_TEST(test_idp_train_smoke) { train_smoke("inverted_double_pendulum"); }
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Ant-v4                                                                                 */

START_TEST(test_ant_sizes) {
  check_sizes("ant", "Ant-v4", 15, 14, 27, 8, 1.0, 1000, 0.05);
  EnvModel *em = th_load_env("ant");
  const mjModel *m = mjm(em);
  /* action order is actuator order: hip_4 ankle_4 hip_1 ankle_1 ... */
  const char *order[] = {"hip_4", "ankle_4", "hip_1", "ankle_1",
                         "hip_2", "ankle_2", "hip_3", "ankle_3"};
  for (int k = 0; k < 8; k++) {
    ck_assert_int_eq(m->actuator_trnid[2 * k], id_of(m, mjOBJ_JOINT, order[k]));
    ck_assert_double_eq(m->actuator_gear[6 * k], 150);
  }
  ck_assert_int_eq(m->opt.integrator, mjINT_RK4);
  double mass = 0;
  for (int b = 0; b < m->nbody; b++) mass += m->body_mass[b];
  ck_assert_double_eq_tol(mass, 0.911, 0.001);
  env_model_free(em);
}
END_TEST

START_TEST(test_ant_observation_layout) {
  EnvModel *em = th_load_env("ant");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  for (int i = 0; i < 15; i++) d->qpos[i] = 0.01 * (i + 1);
  for (int i = 0; i < 14; i++) d->qvel[i] = -0.1 * (i + 1);
  mj_forward(m, d);
  float obs[OBS_CAP];
  env_observe(&e, obs);
  for (int i = 0; i < 13; i++) ck_assert_float_eq(obs[i], (float)d->qpos[2 + i]); /* z, quat, */
  for (int i = 0; i < 14; i++) ck_assert_float_eq(obs[13 + i], (float)d->qvel[i]); /* hinges */
  ck_assert_float_eq(obs[0], 0.03f);
  ck_assert_float_eq(obs[26], -1.4f);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* Σa² summed as np.sum does for 8 entries: eight running sums combined pairwise */
static double np_sum_sq8(const double *a) {
  return ((a[0] * a[0] + a[1] * a[1]) + (a[2] * a[2] + a[3] * a[3])) +
         ((a[4] * a[4] + a[5] * a[5]) + (a[6] * a[6] + a[7] * a[7]));
}

START_TEST(test_ant_reward_and_termination) {
  EnvModel *em = th_load_env("ant");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  int torso = id_of(m, mjOBJ_BODY, "torso");
  Rng rng;
  rng_init(&rng, 21, 0);
  float obs[OBS_CAP];
  int ended = 0, steps = 0;
  for (int ep = 0; ep < 3; ep++) {
    env_reset(&e, &rng, obs);
    for (;;) {
      float a[8];
      double ad[8];
      for (int k = 0; k < 8; k++) ad[k] = a[k] = (float)rng_range(&rng, -1.2, 1.2);
      double x0 = d->xpos[3 * torso]; /* get_body_com before the step */
      EnvStep st;
      env_step(&e, a, obs, &st);
      steps++;
      double fwd = (d->xpos[3 * torso] - x0) / 0.05, ctrl = 0.5 * np_sum_sq8(ad);
      ck_assert_int_eq(st.n_terms, 3);
      ck_assert_double_eq(st.terms[0], fwd);
      ck_assert_double_eq(st.terms[1], 1.0); /* healthy, on the terminating step too */
      ck_assert_double_eq(st.terms[2], -ctrl);
      ck_assert_double_eq(st.reward, fwd + 1.0 - ctrl);
      double z = d->qpos[2];
      ck_assert_int_eq(st.terminated, !(z >= 0.2 && z <= 1.0));
      for (int k = 0; k < 8; k++) ck_assert_double_eq(d->ctrl[k], ad[k]);
      if (st.terminated || st.truncated) {
        ended += st.terminated;
        break;
      }
    }
  }
  ck_assert_int_gt(ended, 0); /* the light ant bounces above z = 1 */
  /* the boundaries, inclusive, and the finite check */
  mj_resetData(m, d);
  d->qpos[2] = 0.2;
  ck_assert_int_eq(healthy(em, d), 1);
  d->qpos[2] = nextafter(0.2, 0.0);
  ck_assert_int_eq(healthy(em, d), 0);
  d->qpos[2] = 1.0;
  ck_assert_int_eq(healthy(em, d), 1);
  d->qpos[2] = nextafter(1.0, 2.0);
  ck_assert_int_eq(healthy(em, d), 0);
  d->qpos[2] = 0.5;
  d->qvel[9] = NAN;
  ck_assert_int_eq(healthy(em, d), 0);
  d->qvel[9] = 0.0;
  d->qpos[12] = INFINITY;
  ck_assert_int_eq(healthy(em, d), 0);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_ant_reset_distribution) {
  EnvModel *em = th_load_env("ant");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 22, 0);
  float obs[OBS_CAP];
  const int n = 2000;
  double max_dev = 0, sum_v = 0, sum_v2 = 0;
  for (int r = 0; r < n; r++) {
    env_reset(&e, &rng, obs);
    for (int i = 0; i < 15; i++) {
      if (i >= 3 && i <= 6) continue; /* the quaternion, normalized by mj_forward */
      double dev = d->qpos[i] - m->qpos0[i];
      ck_assert_double_lt(fabs(dev), 0.1);
      max_dev = fmax(max_dev, fabs(dev));
    }
    double q2 = 0;
    for (int i = 3; i <= 6; i++) q2 += d->qpos[i] * d->qpos[i];
    ck_assert_double_eq_tol(q2, 1.0, 1e-12);
    ck_assert_double_gt(d->qpos[3], 0.8); /* (1, 0, 0, 0) + U(-0.1, 0.1), normalized */
    for (int i = 0; i < 14; i++) {
      sum_v += d->qvel[i];
      sum_v2 += d->qvel[i] * d->qvel[i];
    }
    for (int i = 0; i < 13; i++) ck_assert_float_eq(obs[i], (float)d->qpos[2 + i]);
  }
  ck_assert_double_gt(max_dev, 0.099);
  ck_assert_double_lt(fabs(sum_v / (14.0 * n)), 0.003);
  ck_assert_double_eq_tol(sqrt(sum_v2 / (14.0 * n)), 0.1, 0.003); /* 0.1 N(0, 1) */
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* the zero policy stands: 1000 steps, truncated at the last, never terminated */
START_TEST(test_ant_time_limit) {
  EnvModel *em = th_load_env("ant");
  Env e;
  env_init(&e, em);
  Rng rng;
  rng_init(&rng, 23, 0);
  float obs[OBS_CAP], a[8] = {0};
  env_reset(&e, &rng, obs);
  for (int t = 1; t <= 1000; t++) {
    EnvStep st;
    env_step(&e, a, obs, &st);
    ck_assert_int_eq(st.terminated, 0);
    ck_assert_int_eq(st.truncated, t == 1000);
  }
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_ant_random_return) { check_random_return("ant", 30, -140, 25); }
END_TEST

START_TEST(test_ant_train_smoke) { train_smoke("Ant-v4"); }
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Humanoid-v4                                                                            */

START_TEST(test_humanoid_sizes) {
  check_sizes("humanoid", "Humanoid-v4", 24, 23, 376, 17, 0.4, 1000, 0.015);
  EnvModel *em = th_load_env("humanoid");
  const mjModel *m = mjm(em);
  ck_assert_int_eq(m->nbody, 14);
  /* abdomen_y drives first, then abdomen_z: swapped relative to the joints */
  ck_assert_int_eq(m->actuator_trnid[0], id_of(m, mjOBJ_JOINT, "abdomen_y"));
  ck_assert_int_eq(m->actuator_trnid[2], id_of(m, mjOBJ_JOINT, "abdomen_z"));
  const double gear[] = {100, 100, 100, 100, 100, 300, 200, 100, 100, 300, 200,
                         25, 25, 25, 25, 25, 25};
  for (int k = 0; k < 17; k++) ck_assert_double_eq(m->actuator_gear[6 * k], gear[k]);
  double mass = 0;
  for (int b = 0; b < m->nbody; b++) mass += m->body_mass[b];
  ck_assert_double_eq_tol(mass, 42.12, 0.01);
  ck_assert_int_eq(m->opt.solver, mjSOL_PGS);
  ck_assert_int_eq(m->opt.iterations, 50);
  ck_assert_int_eq(m->ntendon, 2);
  env_model_free(em);
}
END_TEST

/* the 376 entries: qpos[2..23], qvel, cinert, cvel, qfrc_actuator, cfrc_ext */
static void check_humanoid_obs(const mjData *d, const float *obs) {
  int o = 0;
  for (int i = 2; i < 24; i++) ck_assert_float_eq(obs[o++], (float)d->qpos[i]);
  for (int i = 0; i < 23; i++) ck_assert_float_eq(obs[o++], (float)d->qvel[i]);
  for (int i = 0; i < 140; i++) ck_assert_float_eq(obs[o++], (float)d->cinert[i]);
  for (int i = 0; i < 84; i++) ck_assert_float_eq(obs[o++], (float)d->cvel[i]);
  for (int i = 0; i < 23; i++) ck_assert_float_eq(obs[o++], (float)d->qfrc_actuator[i]);
  for (int i = 0; i < 84; i++) ck_assert_float_eq(obs[o++], (float)d->cfrc_ext[i]);
  ck_assert_int_eq(o, 376);
}

START_TEST(test_humanoid_observation_layout) {
  EnvModel *em = th_load_env("humanoid");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  for (int i = 0; i < 24; i++) d->qpos[i] = m->qpos0[i] + 0.02 * (i % 5) - 0.03;
  for (int i = 0; i < 23; i++) d->qvel[i] = 0.1 * (i % 7) - 0.2;
  d->qpos[2] = 1.05; /* feet in the floor: contact forces */
  for (int k = 0; k < 17; k++) d->ctrl[k] = 0.3 * ((k % 3) - 1);
  mj_forward(m, d);
  mj_rnePostConstraint(m, d);
  float obs[OBS_CAP];
  env_observe(&e, obs);
  check_humanoid_obs(d, obs);
  double fz = 0;
  for (int b = 0; b < 14; b++) fz += fabs(d->cfrc_ext[6 * b + 5]);
  ck_assert_double_gt(fz, 1.0);
  for (int i = 0; i < 10; i++) ck_assert_float_eq(obs[45 + i], 0.0f); /* the world's rows */
  for (int i = 0; i < 6; i++) ck_assert_float_eq(obs[292 + i], 0.0f);
  ck_assert_float_ne(obs[45 + 10], 0.0f); /* the torso's mass */
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* Σ m_b xipos_b / Σ m_b in x, as Gymnasium's mass_center: the numerator row by row, the
 * denominator as np.sum adds 14 entries (eight running sums combined pairwise, then 6) */
static double mass_center_x(const mjModel *m, const mjData *d) {
  double s = 0;
  for (int b = 0; b < 14; b++) s += m->body_mass[b] * d->xipos[3 * b];
  const double *w = m->body_mass;
  double tot = ((w[0] + w[1]) + (w[2] + w[3])) + ((w[4] + w[5]) + (w[6] + w[7]));
  for (int b = 8; b < 14; b++) tot += w[b];
  return s / tot;
}

START_TEST(test_humanoid_reward_and_termination) {
  EnvModel *em = th_load_env("humanoid");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 31, 0);
  float obs[OBS_CAP];
  int terminated = 0;
  for (int ep = 0; ep < 3; ep++) {
    env_reset(&e, &rng, obs);
    check_humanoid_obs(d, obs);
    for (int i = 269; i < 376; i++) ck_assert_float_eq(obs[i], 0.0f); /* no force at reset */
    for (;;) {
      float a[17];
      for (int k = 0; k < 17; k++) a[k] = (float)rng_range(&rng, -0.5, 0.5);
      double c0 = mass_center_x(m, d);
      EnvStep st;
      env_step(&e, a, obs, &st);
      double c1 = mass_center_x(m, d);
      /* 0.1 * np.sum(np.square(ctrl)), 17 entries: r_j = e_j + e_{8+j}, combined, + e_16 */
      double sq[17];
      for (int k = 0; k < 17; k++) sq[k] = d->ctrl[k] * d->ctrl[k];
      double r[8];
      for (int j = 0; j < 8; j++) r[j] = sq[j] + sq[8 + j];
      double ctrl = 0.1 * ((((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))) +
                           sq[16]);
      double fwd = 1.25 * ((c1 - c0) / 0.015);
      ck_assert_int_eq(st.n_terms, 3);
      ck_assert_double_eq(st.terms[0], fwd);
      ck_assert_double_eq(st.terms[1], 5.0);
      ck_assert_double_eq(st.terms[2], -ctrl);
      ck_assert_double_eq(st.reward, fwd + 5.0 - ctrl);
      /* the same centre of mass as MuJoCo's subtree_com, to rounding */
      ck_assert_double_eq_tol(c1, d->subtree_com[0], 1e-12);
      check_humanoid_obs(d, obs); /* stale cinert, cvel, qfrc_actuator; cfrc_ext after rne */
      double z = d->qpos[2];
      ck_assert_int_eq(st.terminated, !(z > 1.0 && z < 2.0));
      if (st.terminated || st.truncated) {
        terminated += st.terminated;
        break;
      }
    }
  }
  ck_assert_int_eq(terminated, 3); /* random actions: it falls within about 25 steps */
  /* the boundaries, strict */
  mj_resetData(m, d);
  d->qpos[2] = 1.0;
  ck_assert_int_eq(healthy(em, d), 0);
  d->qpos[2] = nextafter(1.0, 2.0);
  ck_assert_int_eq(healthy(em, d), 1);
  d->qpos[2] = nextafter(2.0, 1.0);
  ck_assert_int_eq(healthy(em, d), 1);
  d->qpos[2] = 2.0;
  ck_assert_int_eq(healthy(em, d), 0);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_humanoid_reset_distribution) {
  EnvModel *em = th_load_env("humanoid");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 32, 0);
  float obs[OBS_CAP];
  const int n = 1000;
  double max_dev = 0, max_v = 0, sum_v = 0;
  for (int r = 0; r < n; r++) {
    env_reset(&e, &rng, obs);
    for (int i = 0; i < 24; i++) {
      if (i >= 3 && i <= 6) continue; /* the quaternion, normalized by mj_forward */
      double dev = d->qpos[i] - m->qpos0[i];
      ck_assert_double_lt(fabs(dev), 0.01);
      max_dev = fmax(max_dev, fabs(dev));
    }
    double q2 = 0;
    for (int i = 3; i <= 6; i++) q2 += d->qpos[i] * d->qpos[i];
    ck_assert_double_eq_tol(q2, 1.0, 1e-12);
    for (int i = 0; i < 23; i++) {
      ck_assert_double_lt(fabs(d->qvel[i]), 0.01); /* U(-0.01, 0.01) */
      max_v = fmax(max_v, fabs(d->qvel[i]));
      sum_v += d->qvel[i];
    }
    ck_assert_float_eq(obs[0], (float)d->qpos[2]);
  }
  ck_assert_double_gt(max_dev, 0.0099);
  ck_assert_double_gt(max_v, 0.0099);
  ck_assert_double_lt(fabs(sum_v / (23.0 * n)), 0.0003);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* env_clear_state (the reset's fast mj_resetData) clears mj_rnePostConstraint's outputs as
 * mj_resetData does: cfrc_ext is in Humanoid's observation, zero at every reset */
START_TEST(test_humanoid_reset_clears_contact_forces) {
  EnvModel *em = th_load_env("humanoid");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data, *ref = mj_makeData(m);
  Rng rng;
  rng_init(&rng, 34, 0);
  float obs[OBS_CAP], a[17] = {0};
  env_reset(&e, &rng, obs);
  for (int t = 0; t < 60; t++) { /* fallen: the body lies on the floor */
    EnvStep st;
    env_step(&e, a, obs, &st);
  }
  double f = 0;
  for (int i = 0; i < 6 * m->nbody; i++) f += fabs(d->cfrc_ext[i]);
  ck_assert_double_gt(f, 1.0);
  mj_copyData(ref, m, d);
  env_clear_state(&e);
  mj_resetData(m, ref);
  size_t n = sizeof(mjtNum) * 6 * (size_t)m->nbody;
  ck_assert_mem_eq(d->cacc, ref->cacc, n);
  ck_assert_mem_eq(d->cfrc_int, ref->cfrc_int, n);
  ck_assert_mem_eq(d->cfrc_ext, ref->cfrc_ext, n);
  env_reset(&e, &rng, obs);
  for (int i = 292; i < 376; i++) ck_assert_float_eq(obs[i], 0.0f);
  mj_deleteData(ref);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* a state taken mid-episode (as a checkpoint does) and restored into a fresh Env continues
 * bit for bit: the mass centre read before the next step comes from the saved xipos */
START_TEST(test_humanoid_state_round_trip) {
  EnvModel *em = th_load_env("humanoid");
  Env a, b;
  env_init(&a, em);
  env_init(&b, em);
  Rng rng;
  rng_init(&rng, 35, 0);
  float obs_a[OBS_CAP], obs_b[OBS_CAP], act[17];
  env_reset(&a, &rng, obs_a);
  EnvStep sa, sb;
  for (int t = 0; t < 5; t++) {
    for (int k = 0; k < 17; k++) act[k] = (float)rng_range(&rng, -0.4, 0.4);
    env_step(&a, act, obs_a, &sa);
  }
  size_t n = env_state_size(&a);
  ck_assert_uint_eq(n, env_state_size(&b));
  double *state = xcalloc(n, sizeof(double));
  env_get_state(&a, state);
  ck_assert_int_eq(env_set_state(&b, state), 0);
  for (int t = 0; t < 5; t++) {
    for (int k = 0; k < 17; k++) act[k] = (float)rng_range(&rng, -0.4, 0.4);
    env_step(&a, act, obs_a, &sa);
    env_step(&b, act, obs_b, &sb);
    ck_assert_double_eq(sa.reward, sb.reward);
    ck_assert_double_ne(sa.terms[0], 0.0);
    ck_assert_mem_eq(obs_a, obs_b, 376 * sizeof(float));
  }
  free(state);
  env_free(&a);
  env_free(&b);
  env_model_free(em);
}
END_TEST

/* z of the centre of mass of bodies b[0..2], summed in body order */
static double leg_center_z(const mjModel *m, const mjData *d, const int *b) {
  double s = 0, w = 0;
  for (int k = 0; k < 3; k++) {
    s += m->body_mass[b[k]] * d->xipos[3 * b[k] + 2];
    w += m->body_mass[b[k]];
  }
  return s / w;
}

/* of: mass_center on a subtree other than the world: the right leg's centre of mass, the
 * same point as MuJoCo's subtree_com of right_thigh (to rounding), its velocity by hand */
START_TEST(test_mass_center_of_a_subtree) {
  th_make_tmp();
  const char *task = th_path("leg.yaml");
  FILE *f = fopen(task, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "model: %s/humanoid.xml\nframe_skip: 5\ntime_limit: 50\n"
             "observation:\n  - qpos: all\nreward:\n  - forward_velocity: right_thigh\n"
             "    of: mass_center\n    axis: z\n",
          DDPG_MODEL_DIR);
  fclose(f);
  EnvModel *em = th_load_env(task);
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  const int leg[] = {id_of(m, mjOBJ_BODY, "right_thigh"), id_of(m, mjOBJ_BODY, "right_shin"),
                     id_of(m, mjOBJ_BODY, "right_foot")};
  Rng rng;
  rng_init(&rng, 36, 0);
  float obs[OBS_CAP], a[17];
  env_reset(&e, &rng, obs);
  for (int t = 0; t < 20; t++) {
    double c0 = leg_center_z(m, d, leg);
    for (int k = 0; k < 17; k++) a[k] = (float)rng_range(&rng, -0.4, 0.4);
    EnvStep st;
    env_step(&e, a, obs, &st);
    double c1 = leg_center_z(m, d, leg);
    ck_assert_double_eq(st.terms[0], (c1 - c0) / 0.015);
    ck_assert_double_eq_tol(c1, d->subtree_com[3 * leg[0] + 2], 1e-12);
  }
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* held standing (the reset state put back before every step): truncated at 1000 steps */
START_TEST(test_humanoid_time_limit) {
  EnvModel *em = th_load_env("humanoid");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 33, 0);
  float obs[OBS_CAP], a[17] = {0};
  env_reset(&e, &rng, obs);
  double q[24], v[23];
  memcpy(q, d->qpos, sizeof q);
  memcpy(v, d->qvel, sizeof v);
  for (int t = 1; t <= 1000; t++) {
    memcpy(d->qpos, q, sizeof q);
    memcpy(d->qvel, v, sizeof v);
    EnvStep st;
    env_step(&e, a, obs, &st);
    ck_assert_int_eq(st.terminated, 0);
    ck_assert_int_eq(st.truncated, t == 1000);
  }
  (void)m;
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_humanoid_random_return) { check_random_return("humanoid", 100, 104, 141); }
END_TEST

START_TEST(test_humanoid_train_smoke) { train_smoke("humanoid"); }
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Pusher-v4                                                                              */

START_TEST(test_pusher_sizes) {
  check_sizes("pusher", "Pusher-v4", 11, 11, 23, 7, 2.0, 100, 0.05);
  EnvModel *em = th_load_env("pusher");
  const mjModel *m = mjm(em);
  ck_assert_int_eq(m->opt.integrator, mjINT_EULER);
  ck_assert_double_eq(m->opt.gravity[2], 0.0);
  ck_assert_int_eq(m->opt.iterations, 20);
  int obj = id_of(m, mjOBJ_BODY, "object");
  ck_assert_double_lt(m->body_mass[obj], 1e-7);
  env_model_free(em);
}
END_TEST

START_TEST(test_pusher_observation_layout) {
  EnvModel *em = th_load_env("pusher");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  for (int i = 0; i < 11; i++) {
    d->qpos[i] = 0.05 * (i + 1) - 0.3;
    d->qvel[i] = 0.2 * (i + 1);
  }
  mj_forward(m, d);
  float obs[OBS_CAP];
  env_observe(&e, obs);
  for (int i = 0; i < 7; i++) ck_assert_float_eq(obs[i], (float)d->qpos[i]);
  for (int i = 0; i < 7; i++) ck_assert_float_eq(obs[7 + i], (float)d->qvel[i]);
  const char *bodies[] = {"tips_arm", "object", "goal"};
  for (int j = 0; j < 3; j++) {
    int b = id_of(m, mjOBJ_BODY, bodies[j]);
    for (int k = 0; k < 3; k++) ck_assert_float_eq(obs[14 + 3 * j + k], (float)d->xpos[3 * b + k]);
  }
  /* the object at (0.45 + qpos[8], -0.05 + qpos[7], -0.275), the goal likewise */
  ck_assert_float_eq(obs[17], (float)(0.45 + d->qpos[8]));
  ck_assert_float_eq(obs[18], (float)(-0.05 + d->qpos[7]));
  ck_assert_float_eq(obs[19], -0.275f);
  ck_assert_float_eq(obs[20], (float)(0.45 + d->qpos[10]));
  ck_assert_float_eq(obs[22], -0.323f);
  env_free(&e);
  env_model_free(em);
}
END_TEST

static double dist3(const double *a, const double *b) {
  double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return sqrt(dx * dx + dy * dy + dz * dz);
}

/* the reward comes from the xpos in d before the action (v4); never terminates; truncated
 * at step 100 */
START_TEST(test_pusher_reward_and_time_limit) {
  EnvModel *em = th_load_env("pusher");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  int tip = id_of(m, mjOBJ_BODY, "tips_arm"), obj = id_of(m, mjOBJ_BODY, "object"),
      goal = id_of(m, mjOBJ_BODY, "goal");
  Rng rng;
  rng_init(&rng, 41, 0);
  float obs[OBS_CAP];
  for (int ep = 0; ep < 3; ep++) {
    env_reset(&e, &rng, obs);
    for (int t = 1; t <= 100; t++) {
      float a[7];
      double ctrl = 0;
      for (int k = 0; k < 7; k++) {
        a[k] = (float)rng_range(&rng, -2.5, 2.5);
        ctrl += (double)a[k] * a[k];
      }
      double dist = dist3(d->xpos + 3 * obj, d->xpos + 3 * goal);
      double near = dist3(d->xpos + 3 * obj, d->xpos + 3 * tip);
      EnvStep st;
      env_step(&e, a, obs, &st);
      ck_assert_int_eq(st.n_terms, 3);
      ck_assert_double_eq(st.terms[0], -dist);
      ck_assert_double_eq(st.terms[1], 0.1 * -ctrl);
      ck_assert_double_eq(st.terms[2], 0.5 * -near);
      ck_assert_double_eq(st.reward, -dist + 0.1 * -ctrl + 0.5 * -near);
      ck_assert_int_eq(st.terminated, 0);
      ck_assert_int_eq(st.truncated, t == 100);
      ck_assert_int_eq(st.unstable, 0);
      for (int k = 0; k < 7; k++) ck_assert_double_eq(d->ctrl[k], (double)a[k]);
      /* the goal never moves */
      ck_assert_double_eq(d->qpos[9], 0.0);
      ck_assert_double_eq(d->qpos[10], 0.0);
    }
  }
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_pusher_reset_distribution) {
  EnvModel *em = th_load_env("pusher");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 42, 0);
  float obs[OBS_CAP];
  const int n = 3000;
  double min_y = 0, max_x = 0, min_norm = 1, max_v = 0;
  for (int r = 0; r < n; r++) {
    env_reset(&e, &rng, obs);
    for (int i = 0; i < 7; i++) ck_assert_double_eq(d->qpos[i], 0.0); /* no arm noise */
    double y = d->qpos[7], x = d->qpos[8];
    ck_assert(y >= -0.3 && y <= 0.0);
    ck_assert(x >= -0.2 && x <= 0.2);
    ck_assert_double_gt(sqrt(y * y + x * x), 0.17);
    min_norm = fmin(min_norm, sqrt(y * y + x * x));
    min_y = fmin(min_y, y);
    max_x = fmax(max_x, fabs(x));
    ck_assert_double_eq(d->qpos[9], 0.0);
    ck_assert_double_eq(d->qpos[10], 0.0);
    for (int i = 0; i < 7; i++) {
      ck_assert_double_le(fabs(d->qvel[i]), 0.005);
      max_v = fmax(max_v, fabs(d->qvel[i]));
    }
    for (int i = 7; i < 11; i++) ck_assert_double_eq(d->qvel[i], 0.0);
    ck_assert_float_eq(obs[17], (float)(0.45 + x));
  }
  ck_assert_double_lt(min_y, -0.299);
  ck_assert_double_gt(max_x, 0.199);
  ck_assert_double_lt(min_norm, 0.172);
  ck_assert_double_gt(max_v, 0.0049);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_pusher_random_return) { check_random_return("pusher", 100, -153.4, -146); }
END_TEST

START_TEST(test_pusher_train_smoke) { train_smoke("Pusher-v4"); }
END_TEST

TH_MAIN("suite_b", 120,
        test_idp_sizes,
        test_idp_observation_layout,
        test_idp_reward_and_termination,
        test_idp_reset_distribution,
        test_idp_time_limit,
        test_idp_random_return,
        test_idp_train_smoke,
        test_ant_sizes,
        test_ant_observation_layout,
        test_ant_reward_and_termination,
        test_ant_reset_distribution,
        test_ant_time_limit,
        test_ant_random_return,
        test_ant_train_smoke,
        test_humanoid_sizes,
        test_humanoid_observation_layout,
        test_humanoid_reward_and_termination,
        test_humanoid_reset_distribution,
        test_humanoid_reset_clears_contact_forces,
        test_humanoid_state_round_trip,
        test_mass_center_of_a_subtree,
        test_humanoid_time_limit,
        test_humanoid_random_return,
        test_humanoid_train_smoke,
        test_pusher_sizes,
        test_pusher_observation_layout,
        test_pusher_reward_and_time_limit,
        test_pusher_reset_distribution,
        test_pusher_random_return,
        test_pusher_train_smoke)
