/* test_env_hopper: the built-in hopper (models/hopper.{xml,yaml}) against Gymnasium
 * Hopper-v4 (docs/environments.md; the spec ../shared/reference/SUITE.md §3).
 *
 * Compiled model constants against values written here, the observation layout on a set
 * state (velocities clipped to +-10), every reward term and the termination recomputed by
 * hand from qpos/qvel, each health condition on its boundary (strict bounds, unclipped
 * velocities), the healthy bonus on the terminating step (v4) and without termination
 * (terminate_when_unhealthy false), the reset distribution, the time limit, the Gymnasium id,
 * the random policy's return near Gymnasium's and a short training run. */
#include "helpers.h"

#include "robot_checks.h"

/* Gymnasium's is_healthy, written out: every entry of state_vector()[2:] (qpos[2..5] and
 * the unclipped qvel) in (-100, 100), 0.7 < z = qpos[1] < inf, -0.2 < qpos[2] < 0.2 */
static int healthy_by_hand(const mjData *d) {
  for (int i = 2; i < 6; i++)
    if (!(d->qpos[i] > -100 && d->qpos[i] < 100)) return 0;
  for (int i = 0; i < 6; i++)
    if (!(d->qvel[i] > -100 && d->qvel[i] < 100)) return 0;
  return d->qpos[1] > 0.7 && d->qpos[1] < INFINITY && d->qpos[2] > -0.2 && d->qpos[2] < 0.2;
}

START_TEST(test_hopper_sizes) { rc_check_sizes("hopper", 11, 3, 4, 0.008, 1000, -1.0f, 1.0f); }
END_TEST

START_TEST(test_hopper_constants) {
  EnvModel *em = th_load_env("hopper");
  const mjModel *m = rc_mj(em);
  ck_assert_int_eq(m->nq, 6);
  ck_assert_int_eq(m->nv, 6);
  ck_assert_int_eq(m->nu, 3);
  ck_assert_int_eq(m->nbody, 5);
  ck_assert_int_eq(m->ngeom, 5);
  ck_assert_double_eq(m->opt.timestep, 0.002);
  ck_assert_int_eq(m->opt.integrator, mjINT_RK4);
  ck_assert_double_eq(m->opt.gravity[2], -9.81);
  const double qpos0[] = {0, 1.25, 0, 0, 0, 0};
  for (int i = 0; i < 6; i++) ck_assert_double_eq(m->qpos0[i], qpos0[i]);

  /* joints in qpos order: the planar root is free, the leg hinges limited and damped */
  const char *joints[] = {"rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint"};
  const double deg = 3.14159265358979323846 / 180.0;
  const double lo[] = {0, 0, 0, -150 * deg, -150 * deg, -45 * deg};
  const double hi[] = {0, 0, 0, 0, 0, 45 * deg};
  for (int j = 0; j < 6; j++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_JOINT, joints[j]), j);
    ck_assert_int_eq(m->jnt_qposadr[j], j);
    ck_assert_int_eq(m->jnt_type[j], j < 2 ? mjJNT_SLIDE : mjJNT_HINGE);
    ck_assert_int_eq(m->jnt_limited[j], j >= 3);
    ck_assert_double_eq_tol(m->jnt_range[2 * j], lo[j], 1e-12);
    ck_assert_double_eq_tol(m->jnt_range[2 * j + 1], hi[j], 1e-12);
    ck_assert_double_eq(m->dof_armature[j], j >= 3 ? 1.0 : 0.0);
    ck_assert_double_eq(m->dof_damping[j], j >= 3 ? 1.0 : 0.0);
    ck_assert_double_eq(m->jnt_stiffness[j], 0.0);
  }

  /* masses from the capsules at density 1000 (SUITE.md §3) */
  const char *bodies[] = {"torso", "thigh", "leg", "foot"};
  const double mass[] = {3.665, 4.058, 2.781, 5.316};
  for (int b = 0; b < 4; b++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_BODY, bodies[b]), b + 1);
    ck_assert_double_eq_tol(m->body_mass[b + 1], mass[b], 1e-3);
  }

  /* motors on the three leg hinges, gear 200, ctrlrange [-1, 1] */
  for (int a = 0; a < 3; a++) {
    ck_assert_int_eq(m->actuator_trnid[2 * a], 3 + a);
    ck_assert_double_eq(m->actuator_gear[6 * a], 200.0);
    ck_assert_int_eq(m->actuator_ctrllimited[a], 1);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a], -1.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a + 1], 1.0);
  }

  /* contacts: every geom collides (condim 1) but the floor (condim 3); friction 0.9 on the
   * body, 2 on the foot, 1 on the floor; margin 1 mm everywhere */
  const char *geoms[] = {"floor", "torso_geom", "thigh_geom", "leg_geom", "foot_geom"};
  const double friction[] = {1.0, 0.9, 0.9, 0.9, 2.0};
  for (int g = 0; g < 5; g++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_GEOM, geoms[g]), g);
    ck_assert_int_eq(m->geom_type[g], g == 0 ? mjGEOM_PLANE : mjGEOM_CAPSULE);
    ck_assert_int_eq(m->geom_contype[g], 1);
    ck_assert_int_eq(m->geom_conaffinity[g], 1);
    ck_assert_int_eq(m->geom_condim[g], g == 0 ? 3 : 1);
    ck_assert_double_eq(m->geom_friction[3 * g], friction[g]);
    ck_assert_double_eq(m->geom_margin[g], 0.001);
    ck_assert_double_eq(m->geom_solimp[5 * g], 0.8);
    ck_assert_double_eq(m->geom_solimp[5 * g + 2], 0.01);
  }
  ck_assert_double_eq(m->geom_size[3 * 4], 0.06); /* the foot's radius and half length */
  ck_assert_double_eq(m->geom_size[3 * 4 + 1], 0.195);
  env_model_free(em);
}
END_TEST

START_TEST(test_hopper_observation_layout) {
  EnvModel *em = th_load_env("hopper");
  Env e;
  env_init(&e, em);
  const double q[] = {0.3, 1.1, 0.05, -0.4, -0.7, 0.2};
  const double v[] = {12.0, -3.0, 0.5, -25.0, 9.99, -10.5};
  rc_set_state(&e, q, v);
  float obs[RC_OBS_CAP];
  env_observe(&e, obs);
  /* qpos[1..5] (rootx left out), then qvel clipped to [-10, 10] */
  for (int i = 0; i < 5; i++) ck_assert_float_eq(obs[i], (float)q[1 + i]);
  const double clipped[] = {10.0, -3.0, 0.5, -10.0, 9.99, -10.0};
  for (int i = 0; i < 6; i++) ck_assert_float_eq(obs[5 + i], (float)clipped[i]);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* random episodes with out-of-range actions: every term, the total, the termination and the
 * observation recomputed from the state */
START_TEST(test_hopper_reward_and_termination_by_hand) {
  EnvModel *em = th_load_env("hopper");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 31, 0);
  float obs[RC_OBS_CAP];
  int terminations = 0, steps = 0;
  env_reset(&e, &rng, obs);
  while (steps < 3000) {
    float a[3];
    for (int k = 0; k < 3; k++) a[k] = (float)rng_range(&rng, -1.5, 1.5);
    double x0 = d->qpos[0];
    EnvStep st;
    env_step(&e, a, obs, &st);
    steps++;
    for (int k = 0; k < 3; k++) ck_assert_double_eq(d->ctrl[k], (double)a[k]); /* unclipped */
    double ctrl = 0.0;
    for (int k = 0; k < 3; k++) ctrl += (double)a[k] * a[k];
    double forward = (d->qpos[0] - x0) / 0.008;
    /* terms in file order: forward_velocity rootx, healthy, control_cost */
    ck_assert_int_eq(st.n_terms, 3);
    ck_assert_double_eq_tol(st.terms[0], forward, 1e-12);
    ck_assert_double_eq(st.terms[1], 1.0); /* paid on every step, the terminating one too */
    ck_assert_double_eq_tol(st.terms[2], -0.001 * ctrl, 1e-15);
    ck_assert_double_eq_tol(st.reward, forward + 1.0 - 0.001 * ctrl, 1e-12);
    ck_assert_int_eq(st.terminated, !healthy_by_hand(d));
    ck_assert_int_eq(st.unstable, 0);
    for (int i = 0; i < 5; i++) ck_assert_float_eq(obs[i], (float)d->qpos[1 + i]);
    for (int i = 0; i < 6; i++)
      ck_assert_float_eq(obs[5 + i], (float)fmin(10.0, fmax(-10.0, d->qvel[i])));
    if (st.terminated || st.truncated) {
      terminations += st.terminated;
      env_reset(&e, &rng, obs);
    }
  }
  ck_assert_int_gt(terminations, 50); /* random actions end an episode in about 22 steps */
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* each condition on its boundary: strict bounds, on the unclipped state */
START_TEST(test_hopper_healthy_bounds) {
  EnvModel *em = th_load_env("hopper");
  Env e;
  env_init(&e, em);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 1.25), 1);
  /* height qpos[1] in (0.7, inf) */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 0.7), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, nextafter(0.7, 1.0)), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 1e6), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, INFINITY), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, NAN), 0);
  /* pitch qpos[2] in (-0.2, 0.2) */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, 0.2), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, -0.2), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, nextafter(0.2, 0.0)), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 2, nextafter(-0.2, 0.0)), 1);
  /* the leg angles qpos[3..5] in (-100, 100); rootx qpos[0] is not tested */
  for (int i = 3; i < 6; i++) {
    ck_assert_int_eq(rc_healthy_with(&e, 0, i, 100.0), 0);
    ck_assert_int_eq(rc_healthy_with(&e, 0, i, -100.0), 0);
    ck_assert_int_eq(rc_healthy_with(&e, 0, i, nextafter(100.0, 0.0)), 1);
  }
  ck_assert_int_eq(rc_healthy_with(&e, 0, 0, 1e6), 1);
  /* every velocity in (-100, 100), unclipped: 50 shows as 10 and is healthy, 100 too but is
   * not */
  for (int i = 0; i < 6; i++) {
    ck_assert_int_eq(rc_healthy_with(&e, 1, i, 50.0), 1);
    ck_assert_int_eq(rc_healthy_with(&e, 1, i, 100.0), 0);
    ck_assert_int_eq(rc_healthy_with(&e, 1, i, -100.0), 0);
    ck_assert_int_eq(rc_healthy_with(&e, 1, i, nextafter(-100.0, 0.0)), 1);
  }
  float obs[RC_OBS_CAP];
  rc_healthy_with(&e, 1, 3, 100.0);
  env_observe(&e, obs);
  ck_assert_float_eq(obs[8], 10.0f);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* a step that tips the torso past 0.2 rad: terminated, and the healthy bonus still paid
 * (v4); with terminate: false (terminate_when_unhealthy=False) not terminated, no bonus */
START_TEST(test_hopper_terminating_step) {
  const double q[] = {0, 1.25, 0.199, 0, 0, 0}, v[] = {0, 0, 5.0, 0, 0, 0};
  const float a[3] = {0.5f, -0.5f, 0.25f};
  for (int variant = 0; variant < 2; variant++) {
    EnvModel *em = variant ? rc_load_variant("hopper", "termination:\n",
                                             "termination:\n  terminate: false\n")
                           : th_load_env("hopper");
    Env e;
    env_init(&e, em);
    mjData *d = e.data;
    rc_set_state(&e, q, v);
    float obs[RC_OBS_CAP];
    EnvStep st;
    env_step(&e, a, obs, &st);
    ck_assert_double_gt(d->qpos[2], 0.2);
    ck_assert_int_eq(st.terminated, !variant);
    ck_assert_int_eq(st.truncated, 0);
    double forward = d->qpos[0] / 0.008, ctrl = 0.001 * (0.25 + 0.25 + 0.0625);
    ck_assert_double_eq(st.terms[1], variant ? 0.0 : 1.0);
    ck_assert_double_eq_tol(st.reward, forward + (variant ? 0.0 : 1.0) - ctrl, 1e-12);
    env_free(&e);
    env_model_free(em);
  }
}
END_TEST

START_TEST(test_hopper_reset) { rc_check_reset("hopper", 0.005, 0.005, 4000); }
END_TEST

/* the last step tilts the torso to 0.3 rad: terminated and truncated */
START_TEST(test_hopper_time_limit) { rc_check_time_limit("hopper", 1, 2, 0.3); }
END_TEST

START_TEST(test_hopper_gymnasium_id) { rc_check_alias("Hopper-v4", "hopper"); }
END_TEST

/* JAT's Gymnasium v4 figure: 18.38 (sd 17.09) per episode; 300 episodes give a standard
 * error of about 1; episodes last about 22 steps */
START_TEST(test_hopper_random_policy) {
  EvalResult r = rc_random_return("hopper", 300, 1);
  ck_assert_msg(r.mean_return > 14.0 && r.mean_return < 23.0, "mean %g", r.mean_return);
  ck_assert_msg(r.mean_length > 19.0 && r.mean_length < 25.0, "length %g", r.mean_length);
}
END_TEST

START_TEST(test_hopper_train_smoke) { rc_check_train_smoke("hopper"); }
END_TEST

TH_MAIN("env_hopper", 60,
        test_hopper_sizes,
        test_hopper_constants,
        test_hopper_observation_layout,
        test_hopper_reward_and_termination_by_hand,
        test_hopper_healthy_bounds,
        test_hopper_terminating_step,
        test_hopper_reset,
        test_hopper_time_limit,
        test_hopper_gymnasium_id,
        test_hopper_random_policy,
        test_hopper_train_smoke)
