/* test_env_swimmer: the built-in swimmer (models/swimmer.{xml,yaml}) against Gymnasium
 * Swimmer-v4 (docs/environments.md; the spec ../shared/reference/SUITE.md §6).
 *
 * Compiled model constants against values written here (fluid, armature on every joint, no
 * contacts), the observation layout on a set state (nothing clipped), every reward term
 * recomputed by hand from qpos over whole episodes (never terminated, truncated at 1000
 * steps), the reset distribution, the time limit, the Gymnasium id, the random policy's
 * spread near Gymnasium's and a short training run. */
#include "helpers.h"

#include "robot_checks.h"

START_TEST(test_swimmer_sizes) { rc_check_sizes("swimmer", 8, 2, 4, 0.04, 1000, -1.0f, 1.0f); }
END_TEST

START_TEST(test_swimmer_constants) {
  EnvModel *em = th_load_env("swimmer");
  const mjModel *m = rc_mj(em);
  ck_assert_int_eq(m->nq, 5);
  ck_assert_int_eq(m->nv, 5);
  ck_assert_int_eq(m->nu, 2);
  ck_assert_int_eq(m->nbody, 4);
  ck_assert_int_eq(m->ngeom, 4);
  ck_assert_double_eq(m->opt.timestep, 0.01);
  ck_assert_int_eq(m->opt.integrator, mjINT_RK4);
  /* the fluid: drag from density and viscosity, in the passive forces */
  ck_assert_double_eq(m->opt.density, 4000.0);
  ck_assert_double_eq(m->opt.viscosity, 0.1);
  for (int i = 0; i < 5; i++) ck_assert_double_eq(m->qpos0[i], 0.0);

  const char *joints[] = {"slider1", "slider2", "free_body_rot", "motor1_rot", "motor2_rot"};
  const double range = 100.0 * 3.14159265358979323846 / 180.0;
  for (int j = 0; j < 5; j++) {
    ck_assert_int_eq(mj_name2id(m, mjOBJ_JOINT, joints[j]), j);
    ck_assert_int_eq(m->jnt_type[j], j < 2 ? mjJNT_SLIDE : mjJNT_HINGE);
    ck_assert_int_eq(m->jnt_limited[j], j >= 3);
    if (j >= 3) {
      ck_assert_double_eq_tol(m->jnt_range[2 * j], -range, 1e-12);
      ck_assert_double_eq_tol(m->jnt_range[2 * j + 1], range, 1e-12);
    }
    ck_assert_double_eq(m->dof_armature[j], 0.1); /* the slides too */
    ck_assert_double_eq(m->dof_damping[j], 0.0);
  }

  /* three capsules of radius 0.1 and length 1 at density 1000: 35.6 kg each */
  const double pi = 3.14159265358979323846;
  const double seg = 1000.0 * (pi * 0.01 * 1.0 + 4.0 / 3.0 * pi * 0.001);
  for (int b = 1; b < 4; b++) ck_assert_double_eq_tol(m->body_mass[b], seg, 1e-9);
  for (int a = 0; a < 2; a++) {
    ck_assert_int_eq(m->actuator_trnid[2 * a], 3 + a);
    ck_assert_double_eq(m->actuator_gear[6 * a], 150.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a], -1.0);
    ck_assert_double_eq(m->actuator_ctrlrange[2 * a + 1], 1.0);
  }
  /* no contacts at all */
  for (int g = 0; g < m->ngeom; g++) {
    ck_assert_int_eq(m->geom_contype[g], 0);
    ck_assert_int_eq(m->geom_conaffinity[g], 0);
  }
  env_model_free(em);
}
END_TEST

START_TEST(test_swimmer_observation_layout) {
  EnvModel *em = th_load_env("swimmer");
  Env e;
  env_init(&e, em);
  const double q[] = {0.7, -0.3, 0.4, -1.2, 1.5}, v[] = {25.0, -3.0, 0.5, -12.0, 9.0};
  rc_set_state(&e, q, v);
  float obs[RC_OBS_CAP];
  env_observe(&e, obs);
  /* qpos[2..4] (the head's x and y left out), then qvel, unclipped */
  for (int i = 0; i < 3; i++) ck_assert_float_eq(obs[i], (float)q[2 + i]);
  for (int i = 0; i < 5; i++) ck_assert_float_eq(obs[3 + i], (float)v[i]);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* two whole episodes with out-of-range actions: every term and the total by hand, the
 * observation, never terminated, truncated at step 1000 */
START_TEST(test_swimmer_reward_by_hand) {
  EnvModel *em = th_load_env("swimmer");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 33, 0);
  float obs[RC_OBS_CAP];
  double max_y = 0.0;
  for (int ep = 0; ep < 2; ep++) {
    env_reset(&e, &rng, obs);
    for (int t = 1; t <= 1000; t++) {
      float a[2] = {(float)rng_range(&rng, -1.5, 1.5), (float)rng_range(&rng, -1.5, 1.5)};
      double x0 = d->qpos[0], y0 = d->qpos[1];
      EnvStep st;
      env_step(&e, a, obs, &st);
      ck_assert_double_eq(d->ctrl[0], (double)a[0]); /* unclipped */
      ck_assert_double_eq(d->ctrl[1], (double)a[1]);
      double forward = (d->qpos[0] - x0) / 0.04;
      double ctrl = (double)a[0] * a[0] + (double)a[1] * a[1];
      /* terms in file order: forward_velocity slider1, control_cost; y is not rewarded */
      ck_assert_int_eq(st.n_terms, 2);
      ck_assert_double_eq_tol(st.terms[0], forward, 1e-12);
      ck_assert_double_eq_tol(st.terms[1], -1e-4 * ctrl, 1e-15);
      ck_assert_double_eq_tol(st.reward, forward - 1e-4 * ctrl, 1e-12);
      ck_assert_int_eq(st.terminated, 0);
      ck_assert_int_eq(st.truncated, t == 1000);
      ck_assert_int_eq(st.unstable, 0);
      for (int i = 0; i < 3; i++) ck_assert_float_eq(obs[i], (float)d->qpos[2 + i]);
      for (int i = 0; i < 5; i++) ck_assert_float_eq(obs[3 + i], (float)d->qvel[i]);
      max_y = fmax(max_y, fabs(d->qpos[1] - y0));
    }
  }
  ck_assert_double_gt(max_y, 0.0); /* it does move sideways, unrewarded */
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_swimmer_reset) { rc_check_reset("swimmer", 0.1, 0.1, 4000); }
END_TEST

START_TEST(test_swimmer_time_limit) { rc_check_time_limit("swimmer", 0, 0, 0.0); }
END_TEST

START_TEST(test_swimmer_gymnasium_id) { rc_check_alias("Swimmer-v4", "swimmer"); }
END_TEST

/* JAT's Gymnasium v4 figure: 0.80 (sd 10.71) per episode, scattered around 0, so a weak
 * check of the mean (8 episodes: a standard error of about 4); the spread catches a wrong
 * scale (a dt off by 4 would give an sd of about 40) */
START_TEST(test_swimmer_random_policy) {
  EvalResult r = rc_random_return("swimmer", 8, 1);
  ck_assert_msg(fabs(r.mean_return - 0.8) < 15.0, "mean %g", r.mean_return);
  ck_assert_msg(r.std_return > 4.0 && r.std_return < 20.0, "sd %g", r.std_return);
  ck_assert_double_eq(r.mean_length, 1000.0);
}
END_TEST

START_TEST(test_swimmer_train_smoke) { rc_check_train_smoke("swimmer"); }
END_TEST

TH_MAIN("env_swimmer", 60,
        test_swimmer_sizes,
        test_swimmer_constants,
        test_swimmer_observation_layout,
        test_swimmer_reward_by_hand,
        test_swimmer_reset,
        test_swimmer_time_limit,
        test_swimmer_gymnasium_id,
        test_swimmer_random_policy,
        test_swimmer_train_smoke)
