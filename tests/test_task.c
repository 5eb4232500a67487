/* test_task: the task vocabulary of docs/robots.md against hand computations.
 *
 * Every observation, reward, termination and reset term is declared in a task file over
 * tests/data/task_robot.xml (one joint of each kind, sites, sensors, two motors), the test
 * sets the state, and the values are compared with what the term means, computed here from
 * the geometry or from mjData by hand. Also: the healthy-bonus rule (v4), reset
 * distributions, one-line refusals of bad task files naming the file and the entry, the
 * checkpoint's task record, and the built-ins' bit-identity with the hard-coded robots
 * they replaced (the digits of `ddpg eval --policy random --episodes 5 --seed 3`). */
#define _DEFAULT_SOURCE /* mkstemps */
#include "helpers.h"

#include <check.h>
#include <math.h>
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "config.h"
#include "env.h"
#include "env_state.h"
#include "eval.h"
#include "policy.h"
#include "task.h"
#include "trainer.h"
#include "util.h"

#define ROBOT DDPG_SOURCE_DIR "/tests/data/task_robot.xml"

static char task_path[64];

/* write "model: ROBOT, frame_skip, time_limit" + body as a task file; load it (0 or -1 + err) */
static int try_load(const char *body, EnvModel **m, char *err) {
  strcpy(task_path, "/tmp/test_task_XXXXXX.yaml");
  int fd = mkstemps(task_path, 5);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "model: %s\nframe_skip: 2\ntime_limit: 10\n%s", ROBOT, body);
  fclose(f);
  int rc = env_model_load(m, task_path, NULL, err);
  unlink(task_path);
  return rc;
}

static EnvModel *load(const char *body) {
  EnvModel *m = NULL;
  char err[ERR_LEN] = "";
  ck_assert_msg(try_load(body, &m, err) == 0, "%s", err);
  return m;
}

static int id(const mjModel *m, int type, const char *name) {
  int i = mj_name2id(m, type, name);
  ck_assert_msg(i >= 0, "%s", name);
  return i;
}

/* the test state: torso at (0.1, -0.2, 1.1) pitched 0.2 rad about y, elbow 0.3 rad, slider
 * 0.05 m; the torso moves at 0.5 m/s along x, the elbow turns at 2 rad/s, the slider slides
 * at 0.4 m/s; the elbow motor gets 0.5 */
static void set_state(const mjModel *m, mjData *d) {
  const double q[] = {0.1, -0.2, 1.1, cos(0.1), 0, sin(0.1), 0, 0.3, 0.05, 1, 0, 0, 0};
  const double v[] = {0.5, 0, 0, 0, 0, 0, 2.0, 0.4, 0, 0, 0};
  ck_assert_int_eq(m->nq, 13);
  ck_assert_int_eq(m->nv, 11);
  memcpy(d->qpos, q, sizeof q);
  memcpy(d->qvel, v, sizeof v);
  d->ctrl[0] = 0.5;
  d->ctrl[1] = 0.0;
  mj_forward(m, d);
}

/* ------------------------------------------------------------------------------------ */
/* observation terms                                                                      */

START_TEST(test_observation_terms) {
  EnvModel *em = load("observation:\n"
                      "  - qpos: [root]\n"              /*  0: 7 */
                      "  - qpos: root\n"                /*  7: 5 */
                      "    free_xy: false\n"
                      "  - qvel: [root, elbow]\n"       /* 12: 7 */
                      "  - cos: elbow\n"                /* 19 */
                      "  - sin: elbow\n"                /* 20 */
                      "  - qpos: all\n"                 /* 21: elbow, slider */
                      "    exclude: [root, wrist]\n"
                      "  - qpos: wrist\n"               /* 23: 4 */
                      "  - body_pos: arm\n"             /* 27: 3 */
                      "  - body_pos: arm\n"             /* 30: 3 */
                      "    relative_to: torso\n"
                      "  - site_pos: hand\n"            /* 33: 3 */
                      "    relative_to: nose\n"
                      "  - sensor: elbow_angle\n"       /* 36 */
                      "  - sensor: hand_pos\n"          /* 37: 3 */
                      "  - qvel: elbow\n"               /* 40 */
                      "    clip: [-0.5, 0.5]\n"
                      "  - cinert: [arm]\n"             /* 41: 10 */
                      "  - cvel: torso\n"               /* 51: 6 */
                      "  - qfrc_actuator: [elbow]\n"    /* 57 */
                      "  - body_linvel: finger\n"       /* 58: 3 */
                      "  - body_angvel: finger\n"       /* 61: 3 */
                      "  - site_pos: hand\n"            /* 64: 3 */
                      "reward:\n  - control_cost:\n");
  const mjModel *m = env_model_mj(em);
  Env e;
  env_init(&e, em);
  ck_assert_int_eq(e.obs_dim, 67);
  ck_assert_int_eq(e.act_dim, 2);
  mjData *d = e.data;
  set_state(m, d);
  float o[67];
  env_observe(&e, o);
  const float tol = 1e-6f;
  for (int k = 0; k < 7; k++) ck_assert_float_eq(o[k], (float)d->qpos[k]);
  for (int k = 0; k < 5; k++) ck_assert_float_eq(o[7 + k], (float)d->qpos[2 + k]); /* no x, y */
  const float v[] = {0.5f, 0, 0, 0, 0, 0, 2.0f};
  for (int k = 0; k < 7; k++) ck_assert_float_eq(o[12 + k], v[k]);
  ck_assert_float_eq(o[19], (float)cos(0.3));
  ck_assert_float_eq(o[20], (float)sin(0.3));
  ck_assert_float_eq(o[21], 0.3f);
  ck_assert_float_eq(o[22], 0.05f);
  ck_assert_float_eq(o[23], 1.0f);
  for (int k = 1; k < 4; k++) ck_assert_float_eq(o[23 + k], 0.0f);
  /* geometry: a pitch of a about y maps the x axis to (cos a, 0, -sin a); the arm hangs
   * 0.2 m along the torso's x, the hand 0.3 m further along the arm's (pitch 0.2 + 0.3) */
  double arm[3] = {0.1 + 0.2 * cos(0.2), -0.2, 1.1 - 0.2 * sin(0.2)};
  for (int k = 0; k < 3; k++) ck_assert_float_eq_tol(o[27 + k], (float)arm[k], tol);
  const double rel[3] = {0.2 * cos(0.2), 0, -0.2 * sin(0.2)};
  for (int k = 0; k < 3; k++) ck_assert_float_eq_tol(o[30 + k], (float)rel[k], tol);
  const double hand_nose[3] = {0.3 * cos(0.5), 0, -0.3 * sin(0.5)}; /* the nose is at the arm */
  for (int k = 0; k < 3; k++) ck_assert_float_eq_tol(o[33 + k], (float)hand_nose[k], tol);
  ck_assert_float_eq_tol(o[36], 0.3f, tol);
  for (int k = 0; k < 3; k++)
    ck_assert_float_eq_tol(o[37 + k], (float)(arm[k] + hand_nose[k]), tol);
  ck_assert_float_eq(o[40], 0.5f); /* 2.0 clipped */
  /* cinert: 10 per body (the mass last), cvel: 6 per body, as in mjData */
  int arm_id = id(m, mjOBJ_BODY, "arm"), torso = id(m, mjOBJ_BODY, "torso");
  for (int k = 0; k < 10; k++) ck_assert_float_eq(o[41 + k], (float)d->cinert[10 * arm_id + k]);
  ck_assert_float_eq_tol(o[50], 0.5f, tol);
  for (int k = 0; k < 6; k++) ck_assert_float_eq(o[51 + k], (float)d->cvel[6 * torso + k]);
  ck_assert_float_eq_tol(o[57], 5.0f, tol); /* gear 10 x ctrl 0.5 */
  /* the finger, 0.35 m along the arm (e = (cos 0.5, 0, -sin 0.5)): torso 0.5 x, the slide
   * 0.4 e, the elbow's 2 rad/s about y: w x r = 2 y x 0.35 e = (-0.7 sin 0.5, 0, -0.7 cos 0.5) */
  const double lin[3] = {0.5 - 0.7 * sin(0.5) + 0.4 * cos(0.5), 0,
                         -0.7 * cos(0.5) - 0.4 * sin(0.5)};
  for (int k = 0; k < 3; k++) ck_assert_float_eq_tol(o[58 + k], (float)lin[k], tol);
  ck_assert_float_eq_tol(o[61], 0.0f, tol);
  ck_assert_float_eq_tol(o[62], 2.0f, tol);
  ck_assert_float_eq_tol(o[63], 0.0f, tol);
  for (int k = 0; k < 3; k++)
    ck_assert_float_eq_tol(o[64 + k], (float)(arm[k] + hand_nose[k]), tol);
  /* labels name each entry */
  ck_assert_str_eq(env_model_obs_label(em, 0), "qpos root x (m)");
  ck_assert_str_eq(env_model_obs_label(em, 3), "qpos root qw");
  ck_assert_str_eq(env_model_obs_label(em, 7), "qpos root z (m)");
  ck_assert_str_eq(env_model_obs_label(em, 18), "qvel elbow (rad/s)");
  ck_assert_str_eq(env_model_obs_label(em, 19), "cos elbow");
  ck_assert_str_eq(env_model_obs_label(em, 22), "qpos slider (m)");
  ck_assert_str_eq(env_model_obs_label(em, 30), "body_pos arm - torso x (m)");
  ck_assert_str_eq(env_model_act_label(em, 1), "m_slider (gear 5)");
  ck_assert_float_eq(e.act_low[1], -2.0f);
  ck_assert_float_eq(e.act_high[1], 2.0f);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* cfrc_ext is filled by mj_rnePostConstraint after a step (Humanoid), and never at reset */
START_TEST(test_cfrc_ext_after_step) {
  EnvModel *em = load("observation:\n  - cfrc_ext: [torso]\n"
                      "reward:\n  - contact_cost:\n    weight: 0.001\n");
  const mjModel *m = env_model_mj(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 1, 0);
  float o[6], a[2] = {0, 0};
  env_reset(&e, &rng, o);
  for (int k = 0; k < 6; k++) ck_assert_float_eq(o[k], 0.0f);
  /* drop the robot onto the floor: after 60 steps it rests, contacts press on the torso */
  EnvStep st;
  double sum = 0.0;
  int torso = id(m, mjOBJ_BODY, "torso");
  for (int t = 0; t < 60; t++) {
    e.t = 0;
    env_step(&e, a, o, &st);
  }
  for (int k = 0; k < 6; k++) ck_assert_float_eq(o[k], (float)d->cfrc_ext[6 * torso + k]);
  for (int k = 0; k < 6 * m->nbody; k++) sum += d->cfrc_ext[k] * d->cfrc_ext[k];
  ck_assert_double_gt(sum, 0.0);
  ck_assert_double_eq_tol(st.terms[0], -0.001 * sum, 1e-12 * sum);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* reward terms                                                                           */

START_TEST(test_reward_terms) {
  EnvModel *em = load("observation:\n  - qpos: elbow\n"
                      "reward:\n"
                      "  - forward_velocity: torso\n"     /* 0 */
                      "  - forward_velocity: torso\n"     /* 1 */
                      "    of: subtree\n    axis: z\n    weight: 2\n"
                      "  - forward_velocity: slider\n"    /* 2 */
                      "    of: joint\n    weight: 0.5\n"
                      "  - control_cost:\n    weight: 0.1\n"   /* 3 */
                      "  - distance: hand\n"              /* 4 */
                      "    to: nose\n    of: site\n"
                      "  - distance: finger\n"            /* 5 */
                      "    to: torso\n    when: before\n    weight: 3\n"
                      "  - qvel_cost: elbow\n    weight: 0.01\n"   /* 6 */
                      "  - position_cost: hand\n"         /* 7 */
                      "    of: site\n    target: [0, 0, 2]\n    axis_weights: [0.01, 0, 1]\n"
                      "  - healthy:\n    weight: 5\n"     /* 8 */
                      "termination:\n  conditions:\n    - body_height: torso\n"
                      "      range: [0.2, 5]\n");
  const mjModel *m = env_model_mj(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  set_state(m, d);
  int torso = id(m, mjOBJ_BODY, "torso"), finger = id(m, mjOBJ_BODY, "finger");
  int hand = id(m, mjOBJ_SITE, "hand"), nose = id(m, mjOBJ_SITE, "nose");
  /* before the step: positions for the velocities, the `when: before` distance */
  double x0 = d->xpos[3 * torso], c0 = d->subtree_com[3 * torso + 2], s0 = d->qpos[8];
  double before = 0.0;
  for (int k = 0; k < 3; k++)
    before += (d->xpos[3 * finger + k] - d->xpos[3 * torso + k]) *
              (d->xpos[3 * finger + k] - d->xpos[3 * torso + k]);
  float a[2] = {0.7f, -2.5f}, o[1];
  EnvStep st;
  env_step(&e, a, o, &st);
  ck_assert_int_eq(st.n_terms, 9);
  double dt = 0.02; /* 0.01 x frame_skip 2 */
  ck_assert_double_eq_tol(st.terms[0], (d->xpos[3 * torso] - x0) / dt, 1e-9);
  ck_assert_double_eq_tol(st.terms[1], 2 * (d->subtree_com[3 * torso + 2] - c0) / dt, 1e-9);
  ck_assert_double_eq_tol(st.terms[2], 0.5 * (d->qpos[8] - s0) / dt, 1e-9);
  ck_assert_double_ne(st.terms[2], 0.0);
  /* the action as passed: -2.5 is outside [-2, 2] and is charged in full */
  ck_assert_double_eq_tol(st.terms[3], -0.1 * (0.7 * 0.7 + 2.5 * 2.5), 1e-7);
  double after = 0.0;
  for (int k = 0; k < 3; k++)
    after += (d->site_xpos[3 * hand + k] - d->site_xpos[3 * nose + k]) *
             (d->site_xpos[3 * hand + k] - d->site_xpos[3 * nose + k]);
  ck_assert_double_eq_tol(st.terms[4], -sqrt(after), 1e-12);
  ck_assert_double_eq_tol(st.terms[5], -3 * sqrt(before), 1e-12);
  ck_assert_double_eq_tol(st.terms[6], -0.01 * d->qvel[6] * d->qvel[6], 1e-12);
  const double *p = d->site_xpos + 3 * hand;
  ck_assert_double_eq_tol(st.terms[7], -(0.01 * p[0] * p[0] + (p[2] - 2) * (p[2] - 2)), 1e-12);
  ck_assert_double_eq(st.terms[8], 5.0);
  double sum = 0.0;
  for (int k = 0; k < 9; k++) sum += st.terms[k];
  ck_assert_double_eq_tol(st.reward, sum, 1e-12);
  ck_assert_int_eq(st.terminated, 0);
  env_free(&e);
  env_model_free(em);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* termination and the healthy bonus                                                      */

static const char *const TERM_TASK =
    "observation:\n  - qpos: elbow\n"
    "reward:\n  - healthy:\n    weight: 2\n%s"
    "termination:\n  terminate: %s\n  conditions:\n"
    "    - qpos: elbow\n      range: [-0.5, 0.5]\n%s"
    "    - finite: all\n";

/* one step from elbow = q (the elbow held still by a zero action and zero velocity): the
 * healthy term and terminated */
static void term_case(const char *on_term, const char *terminate, double q, double want_bonus,
                      int want_term) {
  char body[1024];
  snprintf(body, sizeof body, TERM_TASK, on_term, terminate, "");
  EnvModel *em = load(body);
  Env e;
  env_init(&e, em);
  Rng rng;
  rng_init(&rng, 1, 0);
  float o[1], a[2] = {0, 0};
  env_reset(&e, &rng, o);
  mjData *d = e.data;
  d->qpos[7] = q;
  mj_forward(env_model_mj(em), d);
  EnvStep st;
  env_step(&e, a, o, &st);
  ck_assert_msg(st.terms[0] == want_bonus && st.terminated == want_term,
                "%s terminate %s q %g: bonus %g terminated %d", on_term, terminate, q,
                st.terms[0], st.terminated);
  env_free(&e);
  env_model_free(em);
}

START_TEST(test_termination_and_healthy_bonus) {
  /* v4: the bonus is paid on the terminating step too */
  term_case("", "true", 0.0, 2.0, 0);
  term_case("", "true", 0.9, 2.0, 1);
  /* v5's rule on request: paid only while healthy */
  term_case("    on_terminating_step: false\n", "true", 0.9, 0.0, 1);
  /* terminate: false (Gymnasium's terminate_when_unhealthy=False): no termination, the
   * bonus only while healthy */
  term_case("", "false", 0.9, 0.0, 0);
  term_case("", "false", 0.0, 2.0, 0);

  /* range bounds: strict by default, inclusive on request; finite */
  char body[1024];
  for (int inc = 0; inc < 2; inc++) {
    snprintf(body, sizeof body, TERM_TASK, "", "true", inc ? "      inclusive: true\n" : "");
    EnvModel *em = load(body);
    const Task *t = env_model_task(em);
    const mjModel *m = env_model_mj(em);
    mjData *d = mj_makeData(m);
    d->qpos[7] = 0.5;
    ck_assert_int_eq(task_healthy(t, m, d), inc);
    d->qpos[7] = nextafter(0.5, 0.0);
    ck_assert_int_eq(task_healthy(t, m, d), 1);
    d->qpos[7] = -0.5;
    ck_assert_int_eq(task_healthy(t, m, d), inc);
    d->qpos[7] = 0.0;
    d->qvel[3] = NAN;
    ck_assert_int_eq(task_healthy(t, m, d), 0);
    d->qvel[3] = 0.0;
    d->qpos[0] = INFINITY;
    ck_assert_int_eq(task_healthy(t, m, d), 0);
    mj_deleteData(d);
    env_model_free(em);
  }
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* reset distributions                                                                    */

START_TEST(test_reset_noise_within_bounds) {
  EnvModel *em = load("observation:\n  - qpos: all\n"
                      "reward:\n  - control_cost:\n"
                      "reset:\n"
                      "  - qpos_noise: [elbow, slider]\n    uniform: 0.05\n"
                      "  - qvel_noise: all\n    normal: 0.2\n"
                      "  - qvel_zero: [wrist]\n");
  const mjModel *m = env_model_mj(em);
  Env e;
  env_init(&e, em);
  mjData *d = e.data;
  Rng rng;
  rng_init(&rng, 5, 0);
  float o[13];
  const int N = 4000;
  double lo = 1, hi = -1, s = 0, s2 = 0;
  for (int i = 0; i < N; i++) {
    env_reset(&e, &rng, o);
    for (int k = 0; k < 7; k++) ck_assert_double_eq(d->qpos[k], m->qpos0[k]); /* untouched */
    for (int k = 7; k < 9; k++) {
      ck_assert_double_lt(fabs(d->qpos[k] - m->qpos0[k]), 0.05);
      lo = fmin(lo, d->qpos[k]);
      hi = fmax(hi, d->qpos[k]);
    }
    for (int k = 0; k < 8; k++) {
      s += d->qvel[k];
      s2 += d->qvel[k] * d->qvel[k];
    }
    for (int k = 8; k < 11; k++) ck_assert_double_eq(d->qvel[k], 0.0); /* qvel_zero */
  }
  ck_assert_double_lt(lo, -0.049);
  ck_assert_double_gt(hi, 0.049);
  double n = 8.0 * N, mean = s / n, sd = sqrt(s2 / n - mean * mean);
  ck_assert_double_lt(fabs(mean), 0.01); /* standard error 0.2 / sqrt(32000) = 0.0011 */
  ck_assert_double_lt(fabs(sd - 0.2), 0.006);
  env_free(&e);
  env_model_free(em);
}
END_TEST

START_TEST(test_reset_goals) {
  /* a disc (Reacher's goal) and a box with a minimum norm (Pusher's object) */
  const char *tasks[] = {"  - goal: [slider, elbow]\n    disc: 0.08\n",
                         "  - goal: [slider, elbow]\n    box: [[-0.1, 0], [-0.2, 0.2]]\n"
                         "    min_norm: 0.17\n"};
  for (int c = 0; c < 2; c++) {
    char body[512];
    snprintf(body, sizeof body, "observation:\n  - qpos: all\nreward:\n  - control_cost:\n"
             "reset:\n%s", tasks[c]);
    EnvModel *em = load(body);
    Env e;
    env_init(&e, em);
    mjData *d = e.data;
    Rng rng;
    rng_init(&rng, 6, 0);
    float o[13];
    double rmax = 0, rmin = 1, xmin = 1, ymax = -1;
    for (int i = 0; i < 3000; i++) {
      env_reset(&e, &rng, o);
      double x = d->qpos[8], y = d->qpos[7], r = sqrt(x * x + y * y);
      rmax = fmax(rmax, r);
      rmin = fmin(rmin, r);
      xmin = fmin(xmin, x);
      ymax = fmax(ymax, y);
      if (c == 0) {
        ck_assert_double_lt(r, 0.08);
      } else {
        ck_assert_double_gt(r, 0.17);
        ck_assert(x >= -0.1 && x < 0 && y >= -0.2 && y < 0.2);
      }
    }
    if (c == 0) {
      ck_assert_double_gt(rmax, 0.079); /* the whole disc is reached */
      ck_assert_double_lt(xmin, -0.075);
    } else {
      ck_assert_double_lt(rmin, 0.175);
      ck_assert_double_gt(ymax, 0.19);
    }
    env_free(&e);
    env_model_free(em);
  }
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* bad task files                                                                         */

/* loading `body` fails with one line naming the task file, `entry` and `problem` */
static void expect_bad(const char *body, const char *entry, const char *problem) {
  EnvModel *m = (EnvModel *)1;
  char err[ERR_LEN] = "";
  ck_assert_int_eq(try_load(body, &m, err), -1);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err, task_path) == err, "'%s' does not start with the file", err);
  ck_assert_msg(strstr(err, entry), "'%s' does not name the entry '%s'", err, entry);
  ck_assert_msg(strstr(err, problem), "'%s' does not say '%s'", err, problem);
  ck_assert_ptr_null(strchr(err, '\n'));
}

#define OBS "observation:\n  - qpos: elbow\n"
#define REW "reward:\n  - control_cost:\n"

START_TEST(test_bad_task_files) {
  /* names the model lacks */
  expect_bad("observation:\n  - qpos: [elbow, elbw]\n" REW, "observation[0]",
             "has no joint named 'elbw'");
  expect_bad(OBS "  - body_pos: hand\n" REW, "observation[1]", "has no body named 'hand'");
  expect_bad(OBS "  - site_pos: arm\n" REW, "observation[1]", "has no site named 'arm'");
  expect_bad(OBS "  - sensor: touch\n" REW, "observation[1]", "has no sensor named 'touch'");
  expect_bad(OBS "action:\n  actuators: [m_elbow, m_wrist]\n" REW, "action.actuators",
             "no actuator named 'm_wrist'");
  expect_bad(OBS REW "  - distance: hand\n    to: nose\n", "reward[1]", "no body named 'hand'");
  expect_bad(OBS "track_body: head\n" REW, "track_body", "no body named 'head'");
  /* the wrong kind of joint */
  expect_bad("observation:\n  - cos: slider\n" REW, "observation[0]",
             "joint 'slider' is a slide joint; cos takes hinge joints only");
  expect_bad(OBS REW "  - forward_velocity: elbow\n    of: joint\n", "reward[1]",
             "is a hinge joint; forward_velocity of: joint takes slide joints");
  expect_bad(OBS REW "reset:\n  - goal: [root, elbow]\n    disc: 0.1\n", "reset[0]",
             "joint 'root' is a free joint; goal takes slide or hinge joints");
  /* wrong types and out-of-range numbers */
  expect_bad("frame_skip: 2\n" OBS REW, "top level", "key 'frame_skip' appears twice");
  expect_bad(OBS REW "reset:\n  - qvel_noise: all\n    normal: -0.1\n", "reset[0].normal",
             "out of range");
  expect_bad(OBS REW "reset:\n  - qvel_noise: all\n    normal: lots\n", "reset[0].normal",
             "expected a number, got 'lots'");
  expect_bad(OBS REW "  - healthy:\n    weight: [1]\n", "reward[1].weight",
             "expected a number, got a list");
  expect_bad("observation:\n  - qpos: elbow\n    clip: [1, -1]\n" REW, "observation[0].clip",
             "low 1 must be below high -1");
  expect_bad(OBS REW "termination:\n  terminate: maybe\n  conditions: []\n",
             "termination.terminate", "expected true or false");
  expect_bad("observation: {qpos: elbow}\n" REW, "observation", "expected a list of terms");
  expect_bad("observation:\n  - qpos:\n" REW, "observation[0].qpos", "expected all, a name");
  /* qvel_cost weights: one per qvel entry; of: mass_center names a body */
  expect_bad(OBS REW "  - qvel_cost: [elbow, slider]\n    weights: [1]\n", "reward[1]",
             "weights has 1 entries for 2 qvel entries");
  expect_bad(OBS REW "  - qvel_cost: elbow\n    weights: 1\n", "reward[1].weights",
             "expected a list of numbers");
  expect_bad(OBS REW "  - forward_velocity: hand\n    of: mass_center\n", "reward[1]",
             "no body named 'hand'");
  expect_bad(OBS REW "  - forward_velocity: arm\n    of: tree\n", "reward[1].of",
             "expected joint, body, subtree or mass_center");
  /* unknown keys and terms: typos are refused, never ignored */
  expect_bad("frameskip: 3\n" OBS REW, "top level", "unknown key 'frameskip'");
  expect_bad("observation:\n  - qpso: all\n" REW, "observation[0]", "unknown term 'qpso'");
  expect_bad("observation:\n  - qpos: all\n    clp: [0, 1]\n" REW, "observation[0]",
             "unknown key 'clp'");
  expect_bad(OBS REW "  - healthy:\n    wieght: 1\n", "reward[1]", "unknown key 'wieght'");
  expect_bad(OBS "reward:\n  - qpos: all\n", "reward[0]", "unknown term 'qpos'");
  expect_bad(OBS REW "action:\n  type: pd\n", "action.type", "expected direct");
  /* combinations */
  expect_bad(OBS REW "  - healthy:\n", "reward[1]", "healthy needs termination conditions");
  expect_bad(OBS REW "reset:\n  - goal: [slider, elbow, wrist]\n    disc: 0.1\n", "reset[0]",
             "goal names 3 joint(s) but its disc has 2");
  expect_bad(OBS REW "reset:\n  - qpos_noise: all\n", "reset[0]", "needs uniform: S");
  expect_bad(OBS REW "reset:\n  - goal: [slider]\n    box: [[0, 0.1]]\n    min_norm: 0.2\n",
             "reset[0]", "min_norm 0.2 leaves (almost) nothing of the box");
  expect_bad("observation:\n  - qpos: elbow\n    exclude: [slider]\n" REW,
             "observation[0].exclude", "exclude goes with 'all' only");
  expect_bad(OBS, "top level", "missing key 'reward'");
  /* not YAML, or not a task */
  expect_bad(OBS "reward:\n  - control_cost: [\n", "", "not valid YAML");
  expect_bad("- a\n- b\n", ":4: ", "not valid YAML");
  expect_bad(OBS REW "---\nmodel: x\n", "", "a second document");
}
END_TEST

/* empty, binary and truncated files, and a missing one */
START_TEST(test_bad_files) {
  const char *path = "/tmp/test_task_raw.yaml";
  struct {
    const char *bytes;
    size_t n;
    const char *problem;
  } cases[] = {
      {"", 0, "the task file is empty"},
      {"# only a comment\n", 17, "the task file is empty"},
      {"model: a.xml\n\0\1\2\3", 17, "not a text file"},
      {"model: a.xml\nobservation:\n  - qpos: [elbow", 42, "not valid YAML"},
      {"\xff\xfe\x00\x41", 4, "not a text file"},
      {"model: \"a.xml\n", 14, "not valid YAML"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    FILE *f = fopen(path, "wb");
    fwrite(cases[i].bytes, 1, cases[i].n, f);
    fclose(f);
    EnvModel *m = (EnvModel *)1;
    char err[ERR_LEN] = "";
    ck_assert_int_eq(env_model_load(&m, path, NULL, err), -1);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, path) && strstr(err, cases[i].problem), "case %zu: '%s'", i, err);
    ck_assert_ptr_null(strchr(err, '\n'));
  }
  unlink(path);
  EnvModel *m = (EnvModel *)1;
  char err[ERR_LEN] = "";
  ck_assert_int_eq(env_model_load(&m, "/nonexistent/task.yaml", NULL, err), -1);
  ck_assert_msg(strstr(err, "/nonexistent/task.yaml"), "%s", err);
  /* the MJCF the task names is missing */
  ck_assert_int_eq(try_load(OBS REW, &m, err), 0);
  env_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* the record a checkpoint keeps                                                          */

START_TEST(test_record_round_trip_and_changed_model) {
  EnvModel *m = NULL;
  char err[ERR_LEN] = "";
  ck_assert_int_eq(env_model_load(&m, "reacher", NULL, err), 0);
  Writer w;
  writer_init(&w);
  env_record_write(&w, m);
  Reader r;
  reader_init(&r, w.buf, w.len);
  EnvRecord rec;
  ck_assert_int_eq(env_record_read(&r, &rec), 0);
  ck_assert_int_eq((int)r.pos, (int)w.len);
  ck_assert_str_eq(rec.name, "reacher");
  ck_assert_str_eq(rec.mjcf, "reacher.xml");
  ck_assert_int_eq(rec.builtin, 1);
  /* the task comes from the recorded text, not from models/reacher.yaml */
  char *text = xmalloc(rec.text_len + 64);
  int n = snprintf(text, rec.text_len + 64, "%s", rec.text);
  char *tl = strstr(text, "time_limit: 50");
  ck_assert_ptr_nonnull(tl);
  memcpy(tl, "time_limit: 70", 14);
  EnvRecord edited = rec;
  edited.text = text;
  edited.text_len = (size_t)n;
  EnvModel *m2 = NULL;
  ck_assert_msg(env_model_load_record(&m2, &edited, err) == 0, "%s", err);
  ck_assert_int_eq(env_model_max_steps(m2), 70);
  env_model_free(m2);
  /* a changed MJCF is refused, saying what to do */
  edited.mjcf_hash ^= 1;
  ck_assert_int_eq(env_model_load_record(&m2, &edited, err), -1);
  ck_assert_msg(strstr(err, "changed since the checkpoint") && strstr(err, "restore"), "%s", err);
  free(text);
  writer_free(&w);
  env_model_free(m);
}
END_TEST

/* a state taken mid-episode and restored into a fresh Env continues bit for bit, also when
 * the task reads stale kinematics before the step (a subtree's centre of mass, sites) */
START_TEST(test_state_round_trip_with_stale_reads) {
  EnvModel *em = load("observation:\n  - qpos: all\n  - site_pos: hand\n"
                      "reward:\n  - forward_velocity: torso\n    of: subtree\n"
                      "  - distance: hand\n    to: nose\n    of: site\n    when: before\n");
  ck_assert_int_eq(task_reads_before(env_model_task(em)),
                   TASK_READS_SITE_XPOS | TASK_READS_SUBTREE_COM);
  Env a, b;
  env_init(&a, em);
  env_init(&b, em);
  const mjModel *m = env_model_mj(em);
  ck_assert_int_eq((int)env_state_size(&a), 3 + 13 + 11 + 0 + 2 + 11 + 3 * m->nbody +
                                                3 * m->nsite + 3 * m->nbody);
  Rng rng;
  rng_init(&rng, 2, 0);
  float oa[16], ob[16], act[2] = {0.8f, -1.5f};
  env_reset(&a, &rng, oa);
  EnvStep sa, sb;
  for (int t = 0; t < 3; t++) env_step(&a, act, oa, &sa);
  double *st = xmalloc(env_state_size(&a) * sizeof(double));
  env_get_state(&a, st);
  ck_assert_int_eq(env_set_state(&b, st), 0);
  free(st);
  for (int t = 0; t < 3; t++) {
    env_step(&a, act, oa, &sa);
    env_step(&b, act, ob, &sb);
    ck_assert_mem_eq(oa, ob, sizeof oa);
    ck_assert_mem_eq(sa.terms, sb.terms, 2 * sizeof(double));
  }
  env_free(&a);
  env_free(&b);
  env_model_free(em);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* the built-ins: the episodes of the hard-coded robots they replaced, digit for digit   */

START_TEST(test_builtins_bit_identical) {
  /* `ddpg eval --env NAME --policy random --episodes 5 --seed 3` before the task files */
  const char *names[] = {"half_cheetah", "reacher"};
  const char *want[] = {"-309.9837733", "-43.00643141"};
  for (int i = 0; i < 2; i++) {
    EnvModel *m = NULL;
    char err[ERR_LEN] = "";
    ck_assert_int_eq(env_model_load(&m, names[i], NULL, err), 0);
    EvalBaseline b;
    eval_baseline_init(&b, m, 3, EVAL_POLICY_STREAM);
    EvalResult r;
    ck_assert_int_eq(eval_policy(m, eval_policy_random, &b, 5, 3, &r, err), 0);
    char got[32];
    snprintf(got, sizeof got, "%.10g", r.mean_return);
    ck_assert_str_eq(got, want[i]);
    env_model_free(m);
  }
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* the guide's robot: a short run beats the zero policy; its checkpoint keeps its task    */

static void copy_file(const char *from, const char *to) {
  uint8_t *b;
  size_t n;
  char err[ERR_LEN];
  ck_assert_msg(read_file(from, &b, &n, err) == 0, "%s", err);
  ck_assert_int_eq(write_file_atomic(to, b, n, err), 0);
  free(b);
}

/* replace the first `from` in file `path` by `to` */
static void edit_file(const char *path, const char *from, const char *to) {
  uint8_t *b;
  size_t n;
  char err[ERR_LEN];
  ck_assert_int_eq(read_file(path, &b, &n, err), 0);
  char *at = strstr((char *)b, from);
  ck_assert_ptr_nonnull(at);
  FILE *f = fopen(path, "wb");
  fwrite(b, 1, (size_t)(at - (char *)b), f);
  fputs(to, f);
  fputs(at + strlen(from), f);
  fclose(f);
  free(b);
}

static void act_policy(void *ctx, const float *obs, float *act) { policy_act(ctx, obs, act); }

START_TEST(test_crawler_learns_and_its_checkpoint_keeps_the_task) {
  /* a copy of docs/robots/crawler.{yaml,xml}, so that the test can edit them afterwards */
  char dir[] = "/tmp/test_task_crawler_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char yaml[128], xml[128], out[128], ckpt[160];
  snprintf(yaml, sizeof yaml, "%s/crawler.yaml", dir);
  snprintf(xml, sizeof xml, "%s/crawler.xml", dir);
  snprintf(out, sizeof out, "%s/run", dir);
  snprintf(ckpt, sizeof ckpt, "%s/%s", out, CHECKPOINT_NAME);
  copy_file(DDPG_SOURCE_DIR "/docs/robots/crawler.yaml", yaml);
  copy_file(DDPG_SOURCE_DIR "/docs/robots/crawler.xml", xml);

  /* 8000 steps (1000 random), 64-64 networks, lock-step: about 16 s here */
  TrainConfig c;
  config_defaults(&c);
  snprintf(c.env, sizeof c.env, "%s", yaml);
  snprintf(c.hidden, sizeof c.hidden, "64,64");
  c.steps = 8000;
  c.seed = 1;
  c.start_steps = 1000;
  c.batch = 64;
  c.buffer_size = 100000;
  c.sync = 1;
  c.eval_every = 8000;
  c.eval_episodes = 3;
  c.checkpoint_every = 8000;
  char err[ERR_LEN];
  ck_assert_int_eq(config_resolve(&c, err), 0);
  Trainer tr;
  ck_assert_msg(trainer_init(&tr, &c, out, err) == 0, "%s", err);
  tr.log.quiet = 1;
  ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
  double trained = tr.count.last_eval;
  /* the zero policy on the same evaluation episodes: the robot stands still (about 0) */
  EvalBaseline b;
  eval_baseline_init(&b, tr.model, 1 + EVAL_SEED_OFFSET, EVAL_POLICY_STREAM);
  EvalResult zero;
  ck_assert_int_eq(eval_policy(tr.model, eval_policy_zero, &b, 3, 1 + EVAL_SEED_OFFSET, &zero,
                               err), 0);
  trainer_free(&tr);
  ck_assert_msg(trained > zero.mean_return + 5.0, "trained %.3f, zero policy %.3f", trained,
                zero.mean_return);

  /* an edited task file does not change what the checkpoint is evaluated on */
  edit_file(yaml, "time_limit: 400", "time_limit: 10");
  Policy p;
  ck_assert_msg(policy_load(&p, ckpt, err) == 0, "%s", err);
  ck_assert_int_eq((int)p.version, CHECKPOINT_VERSION);
  EnvModel *m = NULL;
  ck_assert_msg(policy_model_load(&p, ckpt, NULL, NULL, &m, err) == 0, "%s", err);
  ck_assert_int_eq(env_model_max_steps(m), 400);
  EvalResult again;
  ck_assert_int_eq(eval_policy(m, act_policy, &p, 3, 1 + EVAL_SEED_OFFSET, &again, err), 0);
  ck_assert_double_eq(again.mean_return, trained); /* the run's own evaluation, exactly */
  env_model_free(m);

  /* an edited MJCF is refused, by eval and by resume, until it is restored */
  copy_file(xml, "/tmp/test_task_crawler_xml.bak");
  edit_file(xml, "<mujoco model=\"crawler\">", "<mujoco model=\"crawler2\">");
  ck_assert_int_eq(policy_model_load(&p, ckpt, NULL, NULL, &m, err), -1);
  ck_assert_msg(strstr(err, "changed since the checkpoint was trained") && !strchr(err, '\n'),
                "%s", err);
  ck_assert_int_eq(trainer_resume(&tr, out, 8200, err), -1);
  ck_assert_msg(strstr(err, "changed since the checkpoint was trained"), "%s", err);
  trainer_free(&tr);
  copy_file("/tmp/test_task_crawler_xml.bak", xml);
  unlink("/tmp/test_task_crawler_xml.bak");
  ck_assert_msg(trainer_resume(&tr, out, 8200, err) == 0, "%s", err);
  ck_assert_int_eq(tr.workers[0].env.max_steps, 400);
  tr.log.quiet = 1;
  ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
  ck_assert_int_eq((int)tr.count.env_steps, 8200);
  trainer_free(&tr);
  policy_free(&p);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

TH_MAIN("task", 300,
        test_observation_terms,
        test_cfrc_ext_after_step,
        test_reward_terms,
        test_termination_and_healthy_bonus,
        test_reset_noise_within_bounds,
        test_reset_goals,
        test_bad_task_files,
        test_bad_files,
        test_record_round_trip_and_changed_model,
        test_state_round_trip_with_stale_reads,
        test_builtins_bit_identical,
        test_crawler_learns_and_its_checkpoint_keeps_the_task)
