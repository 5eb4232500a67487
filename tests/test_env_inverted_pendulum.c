/* test_env_inverted_pendulum: the built-in inverted_pendulum (models/inverted_pendulum.
 * {xml,yaml}) against Gymnasium InvertedPendulum-v4 (docs/environments.md; the spec
 * ../shared/reference/SUITE.md §7).
 *
 * Compiled model constants against values written here (action box [-3, 3]), the
 * observation layout on a set state, the reward (1 per step, the terminating one included)
 * and the termination recomputed by hand, each condition on its boundary (|angle| > 0.2
 * strict: 0.2 itself is healthy; a non-finite state), the reset distribution, the time
 * limit, the Gymnasium id, the random policy's return near Gymnasium's and a short training
 * run. */
#include "helpers.h"

#include "robot_checks.h"

/* Gymnasium's termination, negated: every observation entry finite and |qpos[1]| <= 0.2 */
static int healthy_by_hand(const mjData *d) {
  for (int i = 0; i < 2; i++)
    if (!isfinite(d->qpos[i]) || !isfinite(d->qvel[i])) return 0;
  return !(fabs(d->qpos[1]) > 0.2);
}

START_TEST(test_inverted_pendulum_sizes) {
  rc_check_sizes("inverted_pendulum", 4, 1, 2, 0.04, 1000, -3.0f, 3.0f);
}
END_TEST

START_TEST(test_inverted_pendulum_constants) {
  EnvModel *em = th_load_env("inverted_pendulum");
  const mjModel *m = rc_mj(em);
  ck_assert_int_eq(m->nq, 2);
  ck_assert_int_eq(m->nv, 2);
  ck_assert_int_eq(m->nu, 1);
  ck_assert_int_eq(m->nbody, 3);
  ck_assert_int_eq(m->ngeom, 3);
  ck_assert_int_eq(m->nstack, 3000);
  ck_assert_double_eq(m->opt.timestep, 0.02);
  ck_assert_int_eq(m->opt.integrator, mjINT_RK4);
  ck_assert_double_eq(m->opt.gravity[2], -9.81);
  ck_assert_double_eq(m->qpos0[0], 0.0);
  ck_assert_double_eq(m->qpos0[1], 0.0);

  /* the cart's slide on [-1, 1], the pole's hinge on [-90, 90] degrees; both damped */
  ck_assert_int_eq(mj_name2id(m, mjOBJ_JOINT, "slider"), 0);
  ck_assert_int_eq(mj_name2id(m, mjOBJ_JOINT, "hinge"), 1);
  ck_assert_int_eq(m->jnt_type[0], mjJNT_SLIDE);
  ck_assert_int_eq(m->jnt_type[1], mjJNT_HINGE);
  const double half_pi = 3.14159265358979323846 / 2.0;
  const double range[] = {1.0, half_pi};
  for (int j = 0; j < 2; j++) {
    ck_assert_int_eq(m->jnt_limited[j], 1);
    ck_assert_double_eq_tol(m->jnt_range[2 * j], -range[j], 1e-12);
    ck_assert_double_eq_tol(m->jnt_range[2 * j + 1], range[j], 1e-12);
    ck_assert_double_eq(m->dof_damping[j], 1.0);
    ck_assert_double_eq(m->dof_armature[j], 0.0);
  }
  /* masses (SUITE.md §7) */
  ck_assert_double_eq_tol(m->body_mass[mj_name2id(m, mjOBJ_BODY, "cart")], 10.47, 1e-2);
  ck_assert_double_eq_tol(m->body_mass[mj_name2id(m, mjOBJ_BODY, "pole")], 5.02, 1e-2);
  /* a force on the cart: gear 100, ctrlrange [-3, 3] */
  ck_assert_int_eq(m->actuator_trnid[0], 0);
  ck_assert_double_eq(m->actuator_gear[0], 100.0);
  ck_assert_double_eq(m->actuator_ctrlrange[0], -3.0);
  ck_assert_double_eq(m->actuator_ctrlrange[1], 3.0);
  for (int g = 0; g < m->ngeom; g++) ck_assert_int_eq(m->geom_contype[g], 0);
  env_model_free(em);
}
END_TEST

START_TEST(test_inverted_pendulum_observation_layout) {
  EnvModel *em = th_load_env("inverted_pendulum");
  Env e;
  env_init(&e, em);
  const double q[] = {0.3, -0.15}, v[] = {12.0, -25.0};
  rc_set_state(&e, q, v);
  float obs[RC_OBS_CAP];
  env_observe(&e, obs);
  /* (cart x, pole angle, cart velocity, pole angular velocity), unclipped */
  const double want[] = {0.3, -0.15, 12.0, -25.0};
  for (int i = 0; i < 4; i++) ck_assert_float_eq(obs[i], (float)want[i]);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* random episodes with out-of-range actions: reward 1 on every step, terminated exactly
 * when Gymnasium's condition holds, the observation the state */
START_TEST(test_inverted_pendulum_reward_and_termination_by_hand) {
  EnvModel *em = th_load_env("inverted_pendulum");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 34, 0);
  float obs[RC_OBS_CAP];
  int terminations = 0, steps = 0, length = 0;
  env_reset(&e, &rng, obs);
  while (steps < 3000) {
    float a = (float)rng_range(&rng, -4.5, 4.5);
    EnvStep st;
    env_step(&e, &a, obs, &st);
    steps++;
    length++;
    ck_assert_double_eq(d->ctrl[0], (double)a); /* unclipped */
    ck_assert_int_eq(st.n_terms, 1);
    ck_assert_double_eq(st.terms[0], 1.0); /* the terminating step included */
    ck_assert_double_eq(st.reward, 1.0);
    ck_assert_int_eq(st.terminated, !healthy_by_hand(d));
    ck_assert_int_eq(st.unstable, 0);
    for (int i = 0; i < 2; i++) {
      ck_assert_float_eq(obs[i], (float)d->qpos[i]);
      ck_assert_float_eq(obs[2 + i], (float)d->qvel[i]);
    }
    if (st.terminated || st.truncated) {
      terminations += st.terminated;
      ck_assert_int_eq(e.t, length); /* the return is the length */
      length = 0;
      env_reset(&e, &rng, obs);
    }
  }
  ck_assert_int_gt(terminations, 200); /* random actions end an episode in about 6 steps */
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_inverted_pendulum_healthy_bounds) {
  EnvModel *em = th_load_env("inverted_pendulum");
  Env e;
  env_init(&e, em);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 0.0), 1);
  /* terminated when |angle| > 0.2: the bound itself is healthy */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, 0.2), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, -0.2), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, nextafter(0.2, 1.0)), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 1, nextafter(-0.2, -1.0)), 0);
  /* any non-finite observation entry */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 0, NAN), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 0, 0, INFINITY), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 1, 0, -INFINITY), 0);
  ck_assert_int_eq(rc_healthy_with(&e, 1, 1, NAN), 0);
  /* nothing else: the cart's position and the velocities are not bounded */
  ck_assert_int_eq(rc_healthy_with(&e, 0, 0, 0.99), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 1, 0, 1e6), 1);
  ck_assert_int_eq(rc_healthy_with(&e, 1, 1, -1e6), 1);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* a step that tips the pole past 0.2 rad: terminated, reward 1 all the same */
START_TEST(test_inverted_pendulum_terminating_step) {
  EnvModel *em = th_load_env("inverted_pendulum");
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  const double q[] = {0.0, 0.199}, v[] = {0.0, 2.0};
  rc_set_state(&e, q, v);
  float obs[RC_OBS_CAP], a = 0.0f;
  EnvStep st;
  env_step(&e, &a, obs, &st);
  ck_assert_double_gt(d->qpos[1], 0.2);
  ck_assert_int_eq(st.terminated, 1);
  ck_assert_int_eq(st.truncated, 0);
  ck_assert_double_eq(st.reward, 1.0);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_inverted_pendulum_reset) {
  rc_check_reset("inverted_pendulum", 0.01, 0.01, 4000);
}
END_TEST

/* the last step starts with the pole at 0.5 rad: terminated and truncated */
START_TEST(test_inverted_pendulum_time_limit) {
  rc_check_time_limit("inverted_pendulum", 1, 1, 0.5);
}
END_TEST

START_TEST(test_inverted_pendulum_gymnasium_id) {
  rc_check_alias("InvertedPendulum-v4", "inverted_pendulum");
}
END_TEST

/* JAT's Gymnasium v4 figure: 6.07 (sd 3.47) per episode, the episode's length; 2000
 * episodes give a standard error of about 0.08 */
START_TEST(test_inverted_pendulum_random_policy) {
  EvalResult r = rc_random_return("inverted_pendulum", 2000, 1);
  ck_assert_msg(r.mean_return > 5.75 && r.mean_return < 6.4, "mean %g", r.mean_return);
  ck_assert_double_eq_tol(r.mean_return, r.mean_length, 1e-9);
}
END_TEST

START_TEST(test_inverted_pendulum_train_smoke) { rc_check_train_smoke("inverted_pendulum"); }
END_TEST

TH_MAIN("env_inverted_pendulum", 60,
        test_inverted_pendulum_sizes,
        test_inverted_pendulum_constants,
        test_inverted_pendulum_observation_layout,
        test_inverted_pendulum_reward_and_termination_by_hand,
        test_inverted_pendulum_healthy_bounds,
        test_inverted_pendulum_terminating_step,
        test_inverted_pendulum_reset,
        test_inverted_pendulum_time_limit,
        test_inverted_pendulum_gymnasium_id,
        test_inverted_pendulum_random_policy,
        test_inverted_pendulum_train_smoke)
