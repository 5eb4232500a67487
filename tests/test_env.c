/* test_env: the environments against the spec of docs/environments.md.
 *
 * Compiled model constants against values written here (from Gymnasium's models), the
 * observation layout entry by entry, the rewards recomputed by hand from qpos/xpos, reset
 * distributions, the time limit, determinism, the toy task, every kind of bad input, MuJoCo
 * errors and warnings turning into unstable episodes, and random-policy returns near the
 * published ones (HalfCheetah about -290, Reacher about -43). */
#define _POSIX_C_SOURCE 200809L
#include "helpers.h"

#include <check.h>
#include <math.h>
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "eval.h"
#include "util.h"

/* arrays for the built-in robots (17 x 6 and 11 x 2) */
#define OBS_CAP 32
#define ACT_CAP 8

static const mjModel *mjm(const EnvModel *m) { return env_model_mj(m); }

static int joint(const mjModel *m, const char *name) {
  int id = mj_name2id(m, mjOBJ_JOINT, name);
  ck_assert_msg(id >= 0, "joint %s", name);
  return id;
}

/* ------------------------------------------------------------------------------------ */
/* compiled constants                                                                     */

START_TEST(test_cheetah_constants) {
  EnvModel *em = th_load_env("half_cheetah");
  const mjModel *m = mjm(em);
  ck_assert_int_eq(m->nq, 9);
  ck_assert_int_eq(m->nv, 9);
  ck_assert_int_eq(m->nu, 6);
  ck_assert_int_eq(m->na, 0);
  ck_assert_int_eq(m->nbody, 8);
  ck_assert_int_eq(m->ngeom, 9);
  ck_assert_double_eq(m->opt.timestep, 0.01);
  ck_assert_int_eq(m->opt.integrator, mjINT_EULER);
  ck_assert_double_eq(m->opt.gravity[2], -9.81);
  for (int i = 0; i < 9; i++) ck_assert_double_eq(m->qpos0[i], 0.0);

  /* settotalmass="14" */
  const char *bodies[] = {"torso", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"};
  const double mass[] = {6.2502, 1.5435, 1.5874, 1.0954, 1.4381, 1.2008, 0.8845};
  double total = 0.0;
  for (int i = 0; i < 7; i++) {
    int b = mj_name2id(m, mjOBJ_BODY, bodies[i]);
    ck_assert_int_ge(b, 1);
    ck_assert_double_eq_tol(m->body_mass[b], mass[i], 1e-4);
    total += m->body_mass[b];
  }
  ck_assert_double_eq_tol(total, 14.0, 1e-9);
  ck_assert_double_eq(m->body_pos[3 * 1 + 2], 0.7);

  /* joints in qpos order; root coordinates free, legs sprung and limited */
  const char *joints[] = {"rootx", "rootz", "rooty", "bthigh", "bshin",
                          "bfoot", "fthigh", "fshin", "ffoot"};
  const double lo[] = {0, 0, 0, -0.52, -0.785, -0.4, -1.0, -1.2, -0.5};
  const double hi[] = {0, 0, 0, 1.05, 0.785, 0.785, 0.7, 0.87, 0.5};
  const double stiff[] = {0, 0, 0, 240, 180, 120, 180, 120, 60};
  const double damp[] = {0, 0, 0, 6, 4.5, 3, 4.5, 3, 1.5};
  for (int i = 0; i < 9; i++) {
    int j = joint(m, joints[i]);
    ck_assert_int_eq(j, i);
    ck_assert_int_eq(m->jnt_qposadr[j], i);
    ck_assert_int_eq(m->jnt_type[j], i < 2 ? mjJNT_SLIDE : mjJNT_HINGE);
    ck_assert_int_eq(m->jnt_limited[j], i >= 3);
    if (i >= 3) {
      ck_assert_double_eq(m->jnt_range[2 * j], lo[i]);
      ck_assert_double_eq(m->jnt_range[2 * j + 1], hi[i]);
    }
    ck_assert_double_eq(m->jnt_stiffness[j], stiff[i]);
    ck_assert_double_eq(m->dof_damping[i], damp[i]);
    ck_assert_double_eq(m->dof_armature[i], i >= 3 ? 0.1 : 0.0);
    ck_assert_double_eq(m->jnt_solref[2 * j], 0.02);
    ck_assert_double_eq(m->jnt_solimp[5 * j + 2], 0.03);
  }

  /* motors on the leg joints, action order bthigh..ffoot */
  const double gear[] = {120, 90, 60, 120, 60, 30};
  for (int a = 0; a < 6; a++) {
    ck_assert_int_eq(m->actuator_trnid[2 * a], 3 + a);
    ck_assert_double_eq(m->actuator_gear[6 * a], gear[a]);
    ck_assert_int_eq(m->actuator_ctrllimited[a], 1);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a], -1.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a + 1], 1.0);
  }

  /* geoms: floor plane, then capsules of radius 0.046 in body order */
  const char *geoms[] = {"floor", "torso", "head", "bthigh", "bshin",
                         "bfoot", "fthigh", "fshin", "ffoot"};
  const double half_len[] = {0, 0.5, 0.15, 0.145, 0.15, 0.094, 0.133, 0.106, 0.07};
  for (int g = 0; g < 9; g++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_GEOM, geoms[g]), g);
    ck_assert_int_eq(m->geom_type[g], g == 0 ? mjGEOM_PLANE : mjGEOM_CAPSULE);
    if (g > 0) {
      ck_assert_double_eq(m->geom_size[3 * g], 0.046);
      ck_assert_double_eq_tol(m->geom_size[3 * g + 1], half_len[g], 1e-12);
    }
    ck_assert_int_eq(m->geom_contype[g], 1);
    ck_assert_int_eq(m->geom_conaffinity[g], g == 0);
    ck_assert_int_eq(m->geom_condim[g], 3);
    ck_assert_double_eq(m->geom_friction[3 * g], 0.4);
    ck_assert_double_eq(m->geom_solref[2 * g], 0.02);
    ck_assert_double_eq(m->geom_solref[2 * g + 1], 1.0);
    ck_assert_double_eq(m->geom_solimp[5 * g], 0.0);
    ck_assert_double_eq(m->geom_solimp[5 * g + 1], 0.8);
    ck_assert_double_eq(m->geom_solimp[5 * g + 2], 0.01);
  }
  ck_assert_int_eq(m->nstack, 300000);
  env_model_free(em);
}
END_TEST

START_TEST(test_reacher_constants) {
  EnvModel *em = th_load_env("reacher");
  const mjModel *m = mjm(em);
  ck_assert_int_eq(m->nq, 4);
  ck_assert_int_eq(m->nv, 4);
  ck_assert_int_eq(m->nu, 2);
  ck_assert_int_eq(m->na, 0);
  ck_assert_int_eq(m->nbody, 5);
  ck_assert_int_eq(m->ngeom, 10);
  ck_assert_double_eq(m->opt.timestep, 0.01);
  ck_assert_int_eq(m->opt.integrator, mjINT_RK4);
  const double qpos0[] = {0, 0, 0.1, -0.1};
  for (int i = 0; i < 4; i++) ck_assert_double_eq(m->qpos0[i], qpos0[i]);

  const char *joints[] = {"joint0", "joint1", "target_x", "target_y"};
  for (int i = 0; i < 4; i++) {
    int j = joint(m, joints[i]);
    ck_assert_int_eq(j, i);
    ck_assert_int_eq(m->jnt_type[j], i < 2 ? mjJNT_HINGE : mjJNT_SLIDE);
    ck_assert_int_eq(m->jnt_limited[j], i != 0);
    ck_assert_double_eq(m->dof_armature[i], i < 2 ? 1.0 : 0.0);
    ck_assert_double_eq(m->dof_damping[i], i < 2 ? 1.0 : 0.0);
    ck_assert_double_eq(m->jnt_stiffness[j], 0.0);
  }
  ck_assert_double_eq(m->jnt_range[2 * 1], -3.0);
  ck_assert_double_eq(m->jnt_range[2 * 1 + 1], 3.0);
  for (int j = 2; j < 4; j++) {
    ck_assert_double_eq(m->jnt_range[2 * j], -0.27);
    ck_assert_double_eq(m->jnt_range[2 * j + 1], 0.27);
  }
  for (int a = 0; a < 2; a++) {
    ck_assert_int_eq(m->actuator_trnid[2 * a], a);
    ck_assert_double_eq(m->actuator_gear[6 * a], 200.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a], -1.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a + 1], 1.0);
  }
  /* nothing collides */
  for (int g = 0; g < m->ngeom; g++) ck_assert_int_eq(m->geom_contype[g], 0);

  /* links 0.1 m, fingertip 0.11 m along link 1, target at z 0.01 */
  int b1 = mj_name2id(m, mjOBJ_BODY, "body1"), tip = mj_name2id(m, mjOBJ_BODY, "fingertip");
  int tgt = mj_name2id(m, mjOBJ_BODY, "target");
  ck_assert_double_eq(m->body_pos[3 * b1], 0.1);
  ck_assert_double_eq(m->body_pos[3 * tip], 0.11);
  ck_assert_double_eq(m->body_pos[3 * tgt + 2], 0.01);
  int link0 = mj_name2id(m, mjOBJ_GEOM, "link0");
  ck_assert_double_eq(m->geom_size[3 * link0], 0.01);
  ck_assert_double_eq_tol(m->geom_size[3 * link0 + 1], 0.05, 1e-12);
  ck_assert_double_eq(m->geom_size[3 * mj_name2id(m, mjOBJ_GEOM, "target")], 0.009);

  /* masses from the geoms at density 1000: capsule links, sphere tip and target */
  const double pi = 3.14159265358979323846, rho = 1000.0;
  double link = rho * (pi * 0.01 * 0.01 * 0.1 + 4.0 / 3.0 * pi * 1e-6);
  ck_assert_double_eq_tol(m->body_mass[1], link, 1e-12);
  ck_assert_double_eq_tol(m->body_mass[b1], link, 1e-12);
  ck_assert_double_eq_tol(m->body_mass[tip], rho * 4.0 / 3.0 * pi * 1e-6, 1e-12);
  ck_assert_double_eq_tol(m->body_mass[tgt], rho * 4.0 / 3.0 * pi * 0.009 * 0.009 * 0.009,
                          1e-12);
  env_model_free(em);
}
END_TEST

START_TEST(test_sizes_and_bounds) {
  const char *names[] = {"half_cheetah", "reacher", "toy"};
  const int obs[] = {17, 11, 1}, act[] = {6, 2, 1}, steps[] = {1000, 50, 20}, skip[] = {5, 2, 1};
  const double dt[] = {0.05, 0.02, 1.0};
  for (int i = 0; i < 3; i++) {
    ck_assert_str_eq(ENV_NAMES[i], names[i]);
    EnvModel *em = th_load_env(names[i]);
    Env e;
    env_init(&e, em);
    ck_assert_str_eq(e.name, names[i]);
    ck_assert_int_eq(e.obs_dim, obs[i]);
    ck_assert_int_eq(e.act_dim, act[i]);
    ck_assert_int_eq(e.max_steps, steps[i]);
    ck_assert_int_eq(e.frame_skip, skip[i]);
    ck_assert_double_eq_tol(e.dt, dt[i], 1e-15);
    for (int k = 0; k < e.act_dim; k++) {
      ck_assert_float_eq(e.act_low[k], -1.0f);
      ck_assert_float_eq(e.act_high[k], 1.0f);
    }
    ck_assert_int_eq(e.data == NULL, i == 2);
    ck_assert_int_eq(env_model_mj(em) == NULL, i == 2);
    env_free(&e);
    env_model_free(em);
  }
  /* every built-in name loads: its task file and model are in models/ */
  for (int i = 3; ENV_NAMES[i]; i++) {
    EnvModel *em = th_load_env(ENV_NAMES[i]);
    ck_assert_str_eq(env_model_name(em), ENV_NAMES[i]);
    env_model_free(em);
  }
  Env z;
  memset(&z, 0, sizeof z);
  env_free(&z); /* a zeroed Env is fine */
  env_model_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* observations and rewards                                                               */

START_TEST(test_cheetah_observation_layout) {
  EnvModel *em = th_load_env("half_cheetah");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  for (int i = 0; i < 9; i++) {
    d->qpos[i] = 0.01 * (i + 1);
    d->qvel[i] = -0.1 * (i + 1);
  }
  float obs[OBS_CAP];
  env_observe(&e, obs);
  for (int i = 0; i < 8; i++) ck_assert_float_eq(obs[i], (float)(0.01 * (i + 2))); /* qpos[1..8] */
  for (int i = 0; i < 9; i++) ck_assert_float_eq(obs[8 + i], (float)(-0.1 * (i + 1)));
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_reacher_observation_layout) {
  EnvModel *em = th_load_env("reacher");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  const double q[] = {0.3, -1.2, 0.05, -0.15}, v[] = {0.7, -0.4, 0.0, 0.0};
  memcpy(d->qpos, q, sizeof q);
  memcpy(d->qvel, v, sizeof v);
  mj_forward(m, d);
  float obs[OBS_CAP];
  env_observe(&e, obs);
  ck_assert_float_eq(obs[0], (float)cos(0.3));
  ck_assert_float_eq(obs[1], (float)cos(-1.2));
  ck_assert_float_eq(obs[2], (float)sin(0.3));
  ck_assert_float_eq(obs[3], (float)sin(-1.2));
  ck_assert_float_eq(obs[4], (float)0.05);
  ck_assert_float_eq(obs[5], (float)-0.15);
  ck_assert_float_eq(obs[6], (float)0.7);
  ck_assert_float_eq(obs[7], (float)-0.4);
  /* fingertip by hand: link 0.1 at angle q0, then 0.11 at q0 + q1; target at (q2, q3) */
  double tx = 0.1 * cos(0.3) + 0.11 * cos(0.3 - 1.2), ty = 0.1 * sin(0.3) + 0.11 * sin(0.3 - 1.2);
  ck_assert_float_eq_tol(obs[8], (float)(tx - 0.05), 1e-6f);
  ck_assert_float_eq_tol(obs[9], (float)(ty + 0.15), 1e-6f);
  ck_assert_float_eq(obs[10], 0.0f);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_cheetah_reward) {
  EnvModel *em = th_load_env("half_cheetah");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 3, 0);
  float obs[OBS_CAP];
  env_reset(&e, &rng, obs);
  for (int t = 0; t < 200; t++) {
    /* out-of-range entries: ctrl gets them unclipped and the cost uses them as passed */
    float a[6];
    for (int k = 0; k < 6; k++) a[k] = (float)rng_range(&rng, -1.5, 1.5);
    double x0 = d->qpos[0];
    EnvStep st;
    env_step(&e, a, obs, &st);
    for (int k = 0; k < 6; k++) ck_assert_double_eq(d->ctrl[k], (double)a[k]);
    double ctrl = 0.0;
    for (int k = 0; k < 6; k++) ctrl += (double)a[k] * a[k];
    double run = (d->qpos[0] - x0) / 0.05;
    /* the task's terms in file order: forward_velocity rootx, control_cost */
    ck_assert_int_eq(st.n_terms, 2);
    ck_assert_double_eq_tol(st.terms[0], run, 1e-12);
    ck_assert_double_eq_tol(st.terms[1], -0.1 * ctrl, 1e-12);
    ck_assert_double_eq_tol(st.reward, run - 0.1 * ctrl, 1e-12);
    ck_assert_int_eq(st.terminated, 0);
    ck_assert_int_eq(st.unstable, 0);
    for (int i = 0; i < 8; i++) ck_assert_float_eq(obs[i], (float)d->qpos[1 + i]);
    for (int i = 0; i < 9; i++) ck_assert_float_eq(obs[8 + i], (float)d->qvel[i]);
  }
  ck_assert_int_eq(e.t, 200);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_reacher_reward_and_stale_xpos) {
  EnvModel *em = th_load_env("reacher");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  mjData *fresh = mj_makeData(m);
  int tip = mj_name2id(m, mjOBJ_BODY, "fingertip"), tgt = mj_name2id(m, mjOBJ_BODY, "target");
  Rng rng;
  rng_init(&rng, 4, 0);
  float obs[OBS_CAP];
  env_reset(&e, &rng, obs);
  double max_stale = 0.0;
  for (int t = 0; t < 50; t++) {
    float a[2] = {(float)rng_range(&rng, -1.5, 1.5), (float)rng_range(&rng, -1.5, 1.5)};
    /* the distance term comes from d->xpos before the step, i.e. the previous observation */
    double dx = d->xpos[3 * tip] - d->xpos[3 * tgt];
    double dy = d->xpos[3 * tip + 1] - d->xpos[3 * tgt + 1];
    double dz = d->xpos[3 * tip + 2] - d->xpos[3 * tgt + 2];
    double dist = sqrt(dx * dx + dy * dy + dz * dz);
    double prev = sqrt((double)obs[8] * obs[8] + (double)obs[9] * obs[9] + (double)obs[10] * obs[10]);
    EnvStep st;
    env_step(&e, a, obs, &st);
    /* terms: distance (read before the step), control_cost */
    ck_assert_int_eq(st.n_terms, 2);
    ck_assert_double_eq_tol(st.terms[0], -dist, 1e-15);
    ck_assert_double_eq_tol(st.terms[0], -prev, 1e-6);
    double ctrl = (double)a[0] * a[0] + (double)a[1] * a[1];
    ck_assert_double_eq_tol(st.terms[1], -ctrl, 1e-15);
    ck_assert_double_eq_tol(st.reward, -dist - ctrl, 1e-15);
    ck_assert_double_eq(d->ctrl[0], (double)a[0]);
    ck_assert_double_eq(d->ctrl[1], (double)a[1]);
    /* entries 0-7 from the integrated state, 8-10 from the xpos mj_step left behind */
    ck_assert_float_eq(obs[0], (float)cos(d->qpos[0]));
    ck_assert_float_eq(obs[3], (float)sin(d->qpos[1]));
    ck_assert_float_eq(obs[4], (float)d->qpos[2]);
    ck_assert_float_eq(obs[7], (float)d->qvel[1]);
    for (int k = 0; k < 3; k++)
      ck_assert_float_eq(obs[8 + k], (float)(d->xpos[3 * tip + k] - d->xpos[3 * tgt + k]));
    ck_assert_float_eq(obs[10], 0.0f);
    /* target fixed */
    ck_assert_double_eq(d->qvel[2], 0.0);
    ck_assert_double_eq(d->qvel[3], 0.0);
    /* the stale kinematics really differ from fresh ones (RK4's last stage) */
    mj_copyData(fresh, m, d);
    mj_forward(m, fresh);
    for (int k = 0; k < 3; k++)
      max_stale = fmax(max_stale, fabs(fresh->xpos[3 * tip + k] - d->xpos[3 * tip + k]));
  }
  ck_assert_double_gt(max_stale, 1e-5);
  ck_assert_double_lt(max_stale, 0.02);
  mj_deleteData(fresh);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* resets, time limits, determinism, toy                                                  */

START_TEST(test_cheetah_reset_distribution) {
  EnvModel *em = th_load_env("half_cheetah");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 5, 0);
  float obs[OBS_CAP];
  const int n = 2000;
  double sum_v = 0.0, sum_v2 = 0.0, sum_q = 0.0, max_x = 0.0;
  for (int r = 0; r < n; r++) {
    env_reset(&e, &rng, obs);
    ck_assert_int_eq(e.t, 0);
    ck_assert_double_eq(d->time, 0.0);
    for (int i = 0; i < 9; i++) {
      ck_assert_double_lt(fabs(d->qpos[i]), 0.1);
      sum_q += d->qpos[i];
      sum_v += d->qvel[i];
      sum_v2 += d->qvel[i] * d->qvel[i];
    }
    max_x = fmax(max_x, fabs(d->qpos[0])); /* rootx is randomized too */
    for (int i = 0; i < 8; i++) ck_assert_float_eq(obs[i], (float)d->qpos[1 + i]);
  }
  double N = 9.0 * n;
  ck_assert_double_lt(fabs(sum_q / N), 0.003);
  ck_assert_double_lt(fabs(sum_v / N), 0.003);
  ck_assert_double_eq_tol(sqrt(sum_v2 / N), 0.1, 0.003); /* 0.1 N(0, 1) */
  ck_assert_double_gt(max_x, 0.09);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_reacher_reset_distribution) {
  EnvModel *em = th_load_env("reacher");
  const mjModel *m = mjm(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  mjData *fresh = mj_makeData(m);
  Rng rng;
  rng_init(&rng, 6, 0);
  float obs[OBS_CAP];
  double max_r = 0.0, sum_gx = 0.0, sum_gy = 0.0;
  int outer = 0; /* goals with |g| > 0.1: a quarter of the disc's area lies inside 0.1 */
  const int n = 5000;
  for (int r = 0; r < n; r++) {
    env_reset(&e, &rng, obs);
    double gx = d->qpos[2], gy = d->qpos[3], g = sqrt(gx * gx + gy * gy);
    ck_assert_double_lt(g, 0.2);
    max_r = fmax(max_r, g);
    outer += g > 0.1;
    sum_gx += gx;
    sum_gy += gy;
    ck_assert_double_lt(fabs(d->qpos[0]), 0.1);
    ck_assert_double_lt(fabs(d->qpos[1]), 0.1);
    ck_assert_double_le(fabs(d->qvel[0]), 0.005);
    ck_assert_double_le(fabs(d->qvel[1]), 0.005);
    ck_assert_double_eq(d->qvel[2], 0.0);
    ck_assert_double_eq(d->qvel[3], 0.0);
    ck_assert_float_eq(obs[4], (float)gx);
    ck_assert_float_eq(obs[5], (float)gy);
    /* reset ends with mj_forward: the kinematics are fresh */
    mj_copyData(fresh, m, d);
    mj_forward(m, fresh);
    for (int i = 0; i < 3 * m->nbody; i++) ck_assert_double_eq(fresh->xpos[i], d->xpos[i]);
  }
  ck_assert_double_gt(max_r, 0.199);
  ck_assert_double_eq_tol((double)outer / n, 0.75, 0.03);
  ck_assert_double_lt(fabs(sum_gx / n), 0.006);
  ck_assert_double_lt(fabs(sum_gy / n), 0.006);
  mj_deleteData(fresh);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_time_limit_truncates) {
  const char *names[] = {"half_cheetah", "reacher", "toy"};
  for (int i = 0; i < 3; i++) {
    EnvModel *em = th_load_env(names[i]);
    Env e;
    env_init(&e, em);
    Rng rng;
    rng_init(&rng, 7, 0);
    float obs[OBS_CAP], act[ACT_CAP] = {0};
    for (int ep = 0; ep < 2; ep++) {
      env_reset(&e, &rng, obs);
      for (int t = 1; t <= e.max_steps; t++) {
        for (int k = 0; k < e.act_dim; k++) act[k] = (float)rng_range(&rng, -1, 1);
        EnvStep st;
        env_step(&e, act, obs, &st);
        ck_assert_int_eq(st.terminated, 0);
        ck_assert_int_eq(st.unstable, 0);
        ck_assert_int_eq(st.truncated, t == e.max_steps);
      }
    }
    env_free(&e);
    env_model_free(em);
  }
}
END_TEST

/* env_reset puts mjData in mj_resetData's state without clearing the whole buffer
 * (env_clear_state): after a dirty episode (contacts, constraints, warm start), clear one
 * instance that way and the other with mj_resetData, then simulate both from the same
 * initial state and controls; every state array must match bit for bit at every step */
START_TEST(test_reset_matches_mj_resetData) {
  const char *names[] = {"half_cheetah", "reacher"};
  for (int i = 0; i < 2; i++) {
    EnvModel *em = th_load_env(names[i]);
    const mjModel *m = mjm(em);
    Env a, b;
    env_init(&a, em);
    env_init(&b, em);
    mjData *da = a.data, *db = b.data;
    Rng rng;
    rng_init(&rng, 13, 0);
    float obs[OBS_CAP], act[ACT_CAP];
    env_reset(&a, &rng, obs);
    for (int t = 0; t < 300; t++) { /* leave a's buffer dirty */
      for (int k = 0; k < a.act_dim; k++) act[k] = (float)rng_range(&rng, -1, 1);
      EnvStep st;
      env_step(&a, act, obs, &st);
    }
    ck_assert_int_gt(da->maxuse_efc, 0);
    mj_copyData(db, m, da); /* b: the same dirty buffer */
    env_clear_state(&a);
    mj_resetData(m, db);
    ck_assert_int_eq(da->pstack, db->pstack);
    ck_assert_int_eq(da->nefc, db->nefc);
    ck_assert_int_eq(da->ncon, db->ncon);
    ck_assert_int_eq(da->maxuse_efc, db->maxuse_efc);
    ck_assert_double_eq(da->time, db->time);
    ck_assert_mem_eq(da->warning, db->warning, sizeof da->warning);
#define SAME(f, n) ck_assert_mem_eq(da->f, db->f, sizeof(mjtNum) * (size_t)(n))
    SAME(qpos, m->nq);
    SAME(qvel, m->nv);
    SAME(act, m->na);
    SAME(ctrl, m->nu);
    SAME(qacc_warmstart, m->nv);
    SAME(qfrc_applied, m->nv);
    SAME(xfrc_applied, 6 * m->nbody);
    SAME(mocap_pos, 3 * m->nmocap);
    SAME(mocap_quat, 4 * m->nmocap);
    SAME(userdata, m->nuserdata);
    for (int k = 0; k < m->nq; k++) da->qpos[k] = db->qpos[k] += rng_range(&rng, -0.1, 0.1);
    for (int k = 0; k < m->nv; k++) da->qvel[k] = db->qvel[k] = 0.1 * rng_normal(&rng);
    mj_forward(m, da);
    mj_forward(m, db);
    for (int t = 0; t < 400; t++) {
      for (int k = 0; k < m->nu; k++) da->ctrl[k] = db->ctrl[k] = rng_range(&rng, -1, 1);
      mj_step(m, da);
      mj_step(m, db);
      SAME(qpos, m->nq);
      SAME(qvel, m->nv);
      SAME(qacc, m->nv);
      SAME(qacc_warmstart, m->nv);
      SAME(xpos, 3 * m->nbody);
      SAME(sensordata, m->nsensordata);
      ck_assert_int_eq(da->nefc, db->nefc);
    }
#undef SAME
    ck_assert_int_gt(db->maxuse_efc, 0); /* constraints were active after the reset too */
    env_free(&a);
    env_free(&b);
    env_model_free(em);
  }
}
END_TEST

/* roll two instances with the same seeds side by side; every number must match */
START_TEST(test_same_seed_same_rollout) {
  const char *names[] = {"half_cheetah", "reacher", "toy"};
  for (int i = 0; i < 3; i++) {
    EnvModel *m1 = th_load_env(names[i]), *m2 = th_load_env(names[i]);
    Env a, b;
    env_init(&a, m1);
    env_init(&b, m2);
    Rng ra, rb;
    rng_init(&ra, 11, 3);
    rng_init(&rb, 11, 3);
    float oa[OBS_CAP], ob[OBS_CAP], act[ACT_CAP];
    for (int ep = 0; ep < 2; ep++) {
      env_reset(&a, &ra, oa);
      env_reset(&b, &rb, ob);
      ck_assert_mem_eq(oa, ob, sizeof(float) * (size_t)a.obs_dim);
      for (int t = 0; t < a.max_steps; t++) {
        for (int k = 0; k < a.act_dim; k++) act[k] = (float)rng_range(&ra, -1, 1);
        for (int k = 0; k < a.act_dim; k++) rng_range(&rb, -1, 1);
        EnvStep sa, sb;
        env_step(&a, act, oa, &sa);
        env_step(&b, act, ob, &sb);
        ck_assert_mem_eq(oa, ob, sizeof(float) * (size_t)a.obs_dim);
        ck_assert_int_eq(sa.n_terms, sb.n_terms);
        ck_assert_mem_eq(&sa.reward, &sb.reward, sizeof sa.reward);
        if (sa.n_terms) ck_assert_mem_eq(sa.terms, sb.terms, sizeof(double) * (size_t)sa.n_terms);
        ck_assert_int_eq(sa.terminated, sb.terminated);
        ck_assert_int_eq(sa.truncated, sb.truncated);
        ck_assert_int_eq(sa.unstable, sb.unstable);
      }
    }
    env_free(&a);
    env_free(&b);
    env_model_free(m1);
    env_model_free(m2);
  }
}
END_TEST

START_TEST(test_toy) {
  EnvModel *em = th_load_env("toy");
  Env e;
  env_init(&e, em);
  Rng rng;
  rng_init(&rng, 8, 0);
  float obs[1];
  double lo = 1.0, hi = -1.0;
  for (int r = 0; r < 1000; r++) {
    env_reset(&e, &rng, obs);
    ck_assert_double_lt(fabs(e.toy_s), 1.0);
    ck_assert_float_eq(obs[0], (float)e.toy_s);
    lo = fmin(lo, e.toy_s);
    hi = fmax(hi, e.toy_s);
  }
  ck_assert_double_lt(lo, -0.99);
  ck_assert_double_gt(hi, 0.99);
  /* the worked example's transition: s = 2, a = -1.8 -> s' = 0.2, r = -0.04 */
  e.toy_s = 2.0;
  float a = -1.8f;
  EnvStep st;
  env_step(&e, &a, obs, &st);
  ck_assert_double_eq_tol(e.toy_s, 0.2, 1e-7);
  ck_assert_float_eq_tol(obs[0], 0.2f, 1e-7f);
  ck_assert_double_eq_tol(st.reward, -0.04, 1e-7);
  ck_assert_int_eq(st.n_terms, 0);
  ck_assert_int_eq(st.terminated, 0);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* bad inputs                                                                             */

/* a copy of a project model with `from` replaced by `to` (every occurrence) in a temp file */
static void edited_model(const char *file, const char *from, const char *to, char *path) {
  char src[1024];
  snprintf(src, sizeof src, "%s/%s", DDPG_MODEL_DIR, file);
  uint8_t *text;
  size_t n;
  char err[ERR_LEN];
  ck_assert_msg(read_file(src, &text, &n, err) == 0, "%s", err);
  strcpy(path, "/tmp/test_env_XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "w");
  const char *p = (const char *)text;
  size_t lf = strlen(from);
  int hits = 0;
  for (const char *q; (q = strstr(p, from)); p = q + lf, hits++) {
    fwrite(p, 1, (size_t)(q - p), f);
    fputs(to, f);
  }
  fputs(p, f);
  fclose(f);
  free(text);
  ck_assert_int_gt(hits, 0);
}

/* load must fail with a one-line message containing `needle` */
static void expect_load_error(const char *name, const char *path, const char *needle) {
  EnvModel *m = (EnvModel *)1;
  char err[ERR_LEN] = "";
  ck_assert_int_eq(env_model_load(&m, name, path, err), -1);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err, needle) != NULL, "message '%s' lacks '%s'", err, needle);
  ck_assert_ptr_null(strchr(err, '\n'));
  ck_assert_int_gt((int)strlen(err), 10);
}

START_TEST(test_bad_inputs) {
  expect_load_error("walker3d", NULL, "unknown environment 'walker3d'");
  /* the message lists every built-in and Gymnasium id (from the tables) */
  expect_load_error("walker3d", NULL, "inverted_pendulum");
  expect_load_error("walker3d", NULL, "InvertedPendulum-v4");
  expect_load_error("walker3d", NULL, "Pusher-v4"); /* the last id still fits */
  expect_load_error("toy", "/tmp/x.xml", "toy has no MJCF model");
  expect_load_error("reacher", "/nonexistent/reacher.xml", "cannot open model file");

  char path[64];
  /* malformed XML: MuJoCo's message names the line */
  strcpy(path, "/tmp/test_env_XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  const char *bad = "<mujoco>\n  <worldbody>\n    <body>\n  </worldbody>\n</mujoco>\n";
  ck_assert_int_eq((int)write(fd, bad, strlen(bad)), (int)strlen(bad));
  close(fd);
  expect_load_error("reacher", path, "Line number=3");
  unlink(path);

  /* a joint the robot reads is missing (renamed in the joint and its motor) */
  edited_model("half_cheetah.xml", "\"bfoot\"", "\"bfoot2\"", path);
  expect_load_error("half_cheetah", path, "no joint named 'bfoot'");
  unlink(path);
  edited_model("reacher.xml", "\"target_y\"", "\"goal_y\"", path);
  expect_load_error("reacher", path, "no joint named 'target_y'");
  unlink(path);
  /* a body */
  edited_model("reacher.xml", "body name=\"fingertip\"", "body name=\"tip\"", path);
  expect_load_error("reacher", path, "no body named 'fingertip'");
  unlink(path);
  /* an actuator: the elbow motor drives the shoulder instead */
  edited_model("reacher.xml", "name=\"elbow\" joint=\"joint1\"", "name=\"elbow\" joint=\"joint0\"",
               path);
  expect_load_error("reacher", path, "reacher.yaml:18: action.actuators: model");
  expect_load_error("reacher", path, "no actuator named 'joint1' nor one driving a joint");
  unlink(path);
  /* the wrong kind of joint */
  edited_model("half_cheetah.xml", "class=\"planar_root\" type=\"slide\" axis=\"1 0 0\"",
               "class=\"planar_root\" type=\"hinge\" axis=\"1 0 0\"", path);
  expect_load_error("half_cheetah", path, "joint 'rootx' is a hinge joint; forward_velocity "
                    "of: joint takes slide joints");
  unlink(path);
  /* the built-in model of the other robot */
  expect_load_error("half_cheetah", DDPG_MODEL_DIR "/reacher.xml", "no joint named 'rootz'");
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* simulation health                                                                      */

/* a warning (qacc beyond MuJoCo's limit: gear 1e12) makes the episode unstable + truncated */
START_TEST(test_warning_marks_unstable) {
  char path[64];
  edited_model("reacher.xml", "gear=\"200\"", "gear=\"1e12\"", path);
  EnvModel *em = NULL;
  char err[ERR_LEN];
  ck_assert_msg(env_model_load(&em, "reacher", path, err) == 0, "%s", err);
  unlink(path);
  Env e;
  env_init(&e, em);
  Rng rng;
  rng_init(&rng, 9, 0);
  float obs[OBS_CAP], act[2] = {1.0f, 1.0f};
  for (int ep = 0; ep < 3; ep++) {
    env_reset(&e, &rng, obs);
    ck_assert_int_eq(e.unstable, 0);
    EnvStep st;
    env_step(&e, act, obs, &st);
    ck_assert_int_eq(st.unstable, 1);
    ck_assert_int_eq(st.truncated, 1);
    ck_assert_int_eq(st.terminated, 0);
    ck_assert_msg(strstr(env_mujoco_message(), "QACC"), "msg: %s", env_mujoco_message());
    env_step(&e, act, obs, &st); /* stays over until reset */
    ck_assert_int_eq(st.unstable, 1);
    ck_assert_int_eq(st.truncated, 1);
    for (int k = 0; k < 11; k++) ck_assert(isfinite(obs[k]));
  }
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* an error inside mj_step (stack too small once contacts appear) comes back as an unstable
 * episode instead of ending the process, and the Env can be reset and used again */
START_TEST(test_error_marks_unstable) {
  char path[64];
  edited_model("half_cheetah.xml", "nstack=\"300000\"", "nstack=\"300\"", path);
  EnvModel *em = NULL;
  char err[ERR_LEN];
  ck_assert_msg(env_model_load(&em, "half_cheetah", path, err) == 0, "%s", err);
  unlink(path);
  Env e;
  env_init(&e, em);
  Rng rng;
  rng_init(&rng, 10, 0);
  float obs[OBS_CAP], act[ACT_CAP] = {0};
  int unstable_episodes = 0;
  for (int ep = 0; ep < 5; ep++) {
    env_reset(&e, &rng, obs);
    for (int t = 0; t < 100; t++) {
      EnvStep st;
      env_step(&e, act, obs, &st);
      if (st.unstable) {
        ck_assert_int_eq(st.truncated, 1);
        unstable_episodes++;
        break;
      }
    }
  }
  ck_assert_int_eq(unstable_episodes, 5);
  ck_assert_ptr_nonnull(strstr(env_mujoco_message(), "tack"));
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* random-policy sanity: about -290 (HalfCheetah) and -43 (Reacher) per episode            */

static double random_return(const char *name, int episodes, uint64_t seed) {
  EnvModel *em = th_load_env(name);
  EvalBaseline b;
  eval_baseline_init(&b, em, seed, EVAL_POLICY_STREAM);
  EvalResult r;
  char err[ERR_LEN];
  ck_assert_int_eq(eval_policy(em, eval_policy_random, &b, episodes, seed, &r, err), 0);
  ck_assert_int_eq(r.episodes, episodes);
  ck_assert_int_eq(r.unstable_episodes, 0);
  ck_assert_double_le(r.min_return, r.mean_return);
  ck_assert_double_ge(r.max_return, r.mean_return);
  env_model_free(em);
  return r.mean_return;
}

START_TEST(test_random_policy_cheetah) {
  double mean = random_return("half_cheetah", 20, 1);
  ck_assert_msg(mean > -400 && mean < -180, "mean %g", mean);
}
END_TEST

START_TEST(test_random_policy_reacher) {
  double mean = random_return("reacher", 200, 1);
  ck_assert_msg(mean > -48 && mean < -38, "mean %g", mean);
}
END_TEST

START_TEST(test_eval_zero_policy_toy) {
  /* with a = 0 the state never moves: the return is -20 s0^2, s0 the reset draw */
  EnvModel *em = th_load_env("toy");
  EvalBaseline b;
  eval_baseline_init(&b, em, 5, EVAL_POLICY_STREAM);
  EvalResult r, r2;
  char err[ERR_LEN];
  ck_assert_int_eq(eval_policy(em, eval_policy_zero, &b, 1, 5, &r, err), 0);
  Rng rng;
  rng_init(&rng, 5, EVAL_STREAM);
  double s0 = rng_range(&rng, -1, 1);
  ck_assert_double_eq_tol(r.mean_return, -20.0 * s0 * s0, 1e-12);
  ck_assert_double_eq(r.std_return, 0.0);
  ck_assert_double_eq(r.mean_length, 20.0);
  ck_assert_int_eq(eval_policy(em, eval_policy_zero, &b, 1, 5, &r2, err), 0);
  ck_assert_mem_eq(&r, &r2, sizeof r);
  env_model_free(em);
}
END_TEST

TH_MAIN("env", 60,
        test_cheetah_constants,
        test_reacher_constants,
        test_sizes_and_bounds,
        test_cheetah_observation_layout,
        test_reacher_observation_layout,
        test_cheetah_reward,
        test_reacher_reward_and_stale_xpos,
        test_cheetah_reset_distribution,
        test_reacher_reset_distribution,
        test_time_limit_truncates,
        test_reset_matches_mj_resetData,
        test_same_seed_same_rollout,
        test_toy,
        test_bad_inputs,
        test_warning_marks_unstable,
        test_error_marks_unstable,
        test_random_policy_cheetah,
        test_random_policy_reacher,
        test_eval_zero_policy_toy)
