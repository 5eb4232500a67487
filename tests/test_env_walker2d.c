/* test_env_walker2d: the built-in walker2d (models/walker2d.{xml,yaml}) against Gymnasium
 * Walker2d-v4 (docs/environments.md; the spec ../shared/reference/SUITE.md §4).
 *
 * Compiled model constants against values written here (the v4 model: left foot friction
 * 1.9), the observation layout on a set state (velocities clipped to +-10), every reward term
 * and the termination recomputed by hand from qpos/qvel, each health condition on its
 * boundary (strict; no state-range test), the healthy bonus on the terminating step (v4) and
 * without termination (terminate_when_unhealthy false), the reset distribution, the time
 * limit, the Gymnasium id, the random policy's return near Gymnasium's and a short training
 * run. */
#include "helpers.h"

#include "robot_checks.h"

/* Gymnasium's is_healthy, written out: 0.8 < z = qpos[1] < 2 and -1 < qpos[2] < 1 */
static int healthy_by_hand(const mjData *d) {
  return d->qpos[1] > 0.8 && d->qpos[1] < 2.0 && d->qpos[2] > -1.0 && d->qpos[2] < 1.0;
}

START_TEST(test_walker2d_sizes) {
  rc_check_sizes("walker2d", 17, 6, 4, 0.008, 1000, -1.0f, 1.0f);
}
END_TEST

START_TEST(test_walker2d_constants) {
  EnvModel *em = th_load_env("walker2d");
  const mjModel *m = rc_mj(em);
  ck_assert_int_eq(m->nq, 9);
  ck_assert_int_eq(m->nv, 9);
  ck_assert_int_eq(m->nu, 6);
  ck_assert_int_eq(m->nbody, 8);
  ck_assert_int_eq(m->ngeom, 8);
  ck_assert_double_eq(m->opt.timestep, 0.002);
  ck_assert_int_eq(m->opt.integrator, mjINT_RK4);
  ck_assert_double_eq(m->opt.gravity[2], -9.81);
  for (int i = 0; i < 9; i++) ck_assert_double_eq(m->qpos0[i], i == 1 ? 1.25 : 0.0);

  /* joints in qpos order: the planar root is free, the leg hinges limited and damped */
  const char *joints[] = {"rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint",
                          "thigh_left_joint", "leg_left_joint", "foot_left_joint"};
  const double deg = 3.14159265358979323846 / 180.0;
  const double lo[] = {-150 * deg, -150 * deg, -45 * deg}, hi[] = {0, 0, 45 * deg};
  for (int j = 0; j < 9; j++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_JOINT, joints[j]), j);
    ck_assert_int_eq(m->jnt_qposadr[j], j);
    ck_assert_int_eq(m->jnt_type[j], j < 2 ? mjJNT_SLIDE : mjJNT_HINGE);
    ck_assert_int_eq(m->jnt_limited[j], j >= 3);
    if (j >= 3) {
      ck_assert_double_eq_tol(m->jnt_range[2 * j], lo[(j - 3) % 3], 1e-12);
      ck_assert_double_eq_tol(m->jnt_range[2 * j + 1], hi[(j - 3) % 3], 1e-12);
    }
    ck_assert_double_eq(m->dof_armature[j], j >= 3 ? 0.01 : 0.0);
    ck_assert_double_eq(m->dof_damping[j], j >= 3 ? 0.1 : 0.0);
  }

  /* masses (SUITE.md §4): the legs are identical */
  const char *bodies[] = {"torso", "thigh", "leg", "foot", "thigh_left", "leg_left", "foot_left"};
  const double mass[] = {3.665, 4.058, 2.781, 3.167, 4.058, 2.781, 3.167};
  for (int b = 0; b < 7; b++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_BODY, bodies[b]), b + 1);
    ck_assert_double_eq_tol(m->body_mass[b + 1], mass[b], 1e-3);
  }
  ck_assert_double_eq(m->body_mass[3], m->body_mass[6]);

  /* motors in joint order, gear 100 */
  for (int a = 0; a < 6; a++) {
    ck_assert_int_eq(m->actuator_trnid[2 * a], 3 + a);
    ck_assert_double_eq(m->actuator_gear[6 * a], 100.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a], -1.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a + 1], 1.0);
  }

  /* contacts: body geoms touch only the floor; friction 0.7 floor, 0.9 body and right
   * foot, 1.9 left foot (the v4 model; walker2d_v5.xml differs here) */
  const char *geoms[] = {"floor", "torso_geom", "thigh_geom", "leg_geom", "foot_geom",
                         "thigh_left_geom", "leg_left_geom", "foot_left_geom"};
  const double friction[] = {0.7, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.9};
  for (int g = 0; g < 8; g++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_GEOM, geoms[g]), g);
    ck_assert_int_eq(m->geom_contype[g], 1);
    ck_assert_int_eq(m->geom_conaffinity[g], g == 0);
    ck_assert_int_eq(m->geom_condim[g], 3);
    ck_assert_double_eq(m->geom_friction[3 * g], friction[g]);
    ck_assert_double_eq(m->geom_friction[3 * g + 1], 0.1);
  }
  env_model_free(em);
}
END_TEST

START_TEST(test_walker2d_observation_layout) {
  EnvModel *em = th_load_env("walker2d");
  Env e;
  env_init(&e, em);
  const double q[] = {0.3, 1.1, 0.05, -0.4, -0.7, 0.2, -0.1, -1.3, 0.6};
  const double v[] = {12.0, -3.0, 0.5, -25.0, 9.99, -10.5, 1.5, 10.0, -0.25};
  rc_set_state(&e, q, v);
  float obs[RC_OBS_CAP];
  env_observe(&e, obs);
  /* qpos[1..8] (rootx left out), then qvel clipped to [-10, 10] */
  for (int i = 0; i < 8; i++) ck_assert_float_eq(obs[i], (float)q[1 + i]);
  const double clipped[] = {10.0, -3.0, 0.5, -10.0, 9.99, -10.0, 1.5, 10.0, -0.25};
  for (int i = 0; i < 9; i++) ck_assert_float_eq(obs[8 + i], (float)clipped[i]);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_walker2d_reward_and_termination_by_hand) {
  EnvModel *em = th_load_env("walker2d");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 32, 0);
  float obs[RC_OBS_CAP];
  int terminations = 0, steps = 0;
  env_reset(&e, &rng, obs);
  while (steps < 3000) {
    float a[6];
    for (int k = 0; k < 6; k++) a[k] = (float)rng_range(&rng, -1.5, 1.5);
    double x0 = d->qpos[0];
    EnvStep st;
    env_step(&e, a, obs, &st);
    steps++;
    for (int k = 0; k < 6; k++) ck_assert_double_eq(d->ctrl[k], (double)a[k]); /* unclipped */
    double ctrl = 0.0;
    for (int k = 0; k < 6; k++) ctrl += (double)a[k] * a[k];
    double forward = (d->qpos[0] - x0) / 0.008;
    /* terms in file order: forward_velocity rootx, healthy, control_cost */
    ck_assert_int_eq(st.n_terms, 3);
    ck_assert_double_eq_tol(st.terms[0], forward, 1e-12);
    ck_assert_double_eq(st.terms[1], 1.0); /* paid on every step, the terminating one too */
    ck_assert_double_eq_tol(st.terms[2], -0.001 * ctrl, 1e-15);
    ck_assert_double_eq_tol(st.reward, forward + 1.0 - 0.001 * ctrl, 1e-12);
    ck_assert_int_eq(st.terminated, !healthy_by_hand(d));
    ck_assert_int_eq(st.unstable, 0);
    for (int i = 0; i < 8; i++) ck_assert_float_eq(obs[i], (float)d->qpos[1 + i]);
    for (int i = 0; i < 9; i++)
      ck_assert_float_eq(obs[8 + i], (float)fmin(10.0, fmax(-10.0, d->qvel[i])));
    if (st.terminated || st.truncated) {
      terminations += st.terminated;
      env_reset(&e, &rng, obs);
    }
  }
  ck_assert_int_gt(terminations, 50); /* random actions end an episode in about 21 steps */
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_walker2d_healthy_bounds) {
  EnvModel *em = th_load_env("walker2d");
  Env e;
  env_init(&e, em);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 1.25), 1);
  /* height qpos[1] in (0.8, 2) */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 0.8), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, nextafter(0.8, 1.0)), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 2.0), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, nextafter(2.0, 1.0)), 1);
  /* pitch qpos[2] in (-1, 1) */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, 1.0), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, -1.0), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, nextafter(1.0, 0.0)), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, nextafter(-1.0, 0.0)), 1);
  /* nothing else: no state range, no finiteness test (unlike Hopper) */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 0, 1e6), 1);
  for (int i = 3; i < 9; i++) ck_assert_int_eq(rc_healthy_with(&e, 0, i, 500.0), 1);
  for (int i = 0; i < 9; i++) ck_assert_int_eq(rc_healthy_with(&e, 1, i, 1e6), 1);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* a step that tips the torso past 1 rad: terminated, and the healthy bonus still paid (v4);
 * with terminate: false (terminate_when_unhealthy=False) not terminated, no bonus */
START_TEST(test_walker2d_terminating_step) {
  const double q[] = {0, 1.25, 0.999, 0, 0, 0, 0, 0, 0}, v[] = {0, 0, 5.0, 0, 0, 0, 0, 0, 0};
  const float a[6] = {0.5f, -0.5f, 0.25f, 1.0f, 0.0f, -1.0f};
  for (int variant = 0; variant < 2; variant++) {
    EnvModel *em = variant ? rc_load_variant("walker2d", "termination:\n",
                                             "termination:\n  terminate: false\n")
                           : th_load_env("walker2d");
    Env e;
    env_init(&e, em);
    mjData *d = e.data;
    rc_set_state(&e, q, v);
    float obs[RC_OBS_CAP];
    EnvStep st;
    env_step(&e, a, obs, &st);
    ck_assert_double_gt(d->qpos[2], 1.0);
    ck_assert_int_eq(st.terminated, !variant);
    ck_assert_int_eq(st.truncated, 0);
    double forward = d->qpos[0] / 0.008, ctrl = 0.001 * (0.25 + 0.25 + 0.0625 + 1.0 + 1.0);
    ck_assert_double_eq(st.terms[1], variant ? 0.0 : 1.0);
    ck_assert_double_eq_tol(st.reward, forward + (variant ? 0.0 : 1.0) - ctrl, 1e-12);
    env_free(&e);
    env_model_free(em);
  }
}
END_TEST

START_TEST(test_walker2d_reset) { rc_check_reset("walker2d", 0.005, 0.005, 4000); }
END_TEST

/* the last step tilts the torso to 1.5 rad: terminated and truncated */
START_TEST(test_walker2d_time_limit) { rc_check_time_limit("walker2d", 1, 2, 1.5); }
END_TEST

START_TEST(test_walker2d_gymnasium_id) { rc_check_alias("Walker2d-v4", "walker2d"); }
END_TEST

/* JAT's Gymnasium v4 figure: 2.68 (sd 6.06) per episode; 300 episodes give a standard
 * error of about 0.35; episodes last about 21 steps */
START_TEST(test_walker2d_random_policy) {
  EvalResult r = rc_random_return("walker2d", 300, 1);
  ck_assert_msg(r.mean_return > 1.0 && r.mean_return < 4.4, "mean %g", r.mean_return);
  ck_assert_msg(r.mean_length > 18.5 && r.mean_length < 24.0, "length %g", r.mean_length);
}
END_TEST

START_TEST(test_walker2d_train_smoke) { rc_check_train_smoke("walker2d"); }
END_TEST

TH_MAIN("env_walker2d", 60,
        test_walker2d_sizes,
        test_walker2d_constants,
        test_walker2d_observation_layout,
        test_walker2d_reward_and_termination_by_hand,
        test_walker2d_healthy_bounds,
        test_walker2d_terminating_step,
        test_walker2d_reset,
        test_walker2d_time_limit,
        test_walker2d_gymnasium_id,
        test_walker2d_random_policy,
        test_walker2d_train_smoke)
