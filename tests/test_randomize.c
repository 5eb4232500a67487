/* test_randomize: domain randomization (src/randomize.c and its use in src/env.c): exact
 * scaled parameters with derived quantities refreshed by mj_setConst, the nominal model left
 * untouched and no drift over episodes, draws inside their ranges, the action delay, the
 * observation noise, and a randomized episode stopped and restored mid-way (env_state)
 * continuing bit for bit. The end-to-end checks (flags, task files, resume of a training
 * run, ddpg robustness) are tests/test_sim2real.sh. */
#include "helpers.h"

#include <math.h>
#include <mujoco/mujoco.h>

#include "env.h"
#include "env_state.h"
#include "randomize.h"

static EnvModel *load(const char *name) {
  EnvModel *m = NULL;
  char err[ERR_LEN] = "";
  ck_assert_msg(env_model_load(&m, name, NULL, err) == 0, "load %s: %s", name, err);
  return m;
}

START_TEST(test_fixed_scales_exact) {
  EnvModel *em = load("half_cheetah");
  const mjModel *nom = env_model_mj(em);
  Randomization r = {0};
  randomize_set_all(&r, RAND_MASS, 1.2, 1.2, nom);
  randomize_set_all(&r, RAND_FRICTION, 0.5, 0.5, nom);
  randomize_set_all(&r, RAND_DAMPING, 2.0, 2.0, nom);
  randomize_set_all(&r, RAND_ARMATURE, 3.0, 3.0, nom);
  randomize_set_all(&r, RAND_GAIN, 0.8, 0.8, nom);
  ck_assert_int_eq(r.p[RAND_MASS].n, nom->nbody - 1); /* every body but the world */
  Env e;
  env_init_randomized(&e, em, &r);
  ck_assert_ptr_nonnull(e.own_mj);
  ck_assert_ptr_eq(env_mj(&e), e.own_mj);
  float obs[32];
  Rng rng;
  rng_init(&rng, 5, 0);
  for (int ep = 0; ep < 2; ep++) { /* a second episode must not scale the scaled values */
    env_reset(&e, &rng, obs);
    const mjModel *m = env_mj(&e);
    for (int b = 1; b < m->nbody; b++) {
      ck_assert(m->body_mass[b] == nom->body_mass[b] * 1.2);
      for (int a = 0; a < 3; a++) ck_assert(m->body_inertia[3 * b + a] == nom->body_inertia[3 * b + a] * 1.2);
    }
    ck_assert(m->body_mass[0] == nom->body_mass[0]);
    /* mj_setConst refreshed what depends on the masses */
    ck_assert_double_eq_tol(m->body_subtreemass[0], 1.2 * nom->body_subtreemass[0],
                            1e-12 * nom->body_subtreemass[0]);
    for (int g = 0; g < m->ngeom; g++)
      for (int a = 0; a < 3; a++) ck_assert(m->geom_friction[3 * g + a] == nom->geom_friction[3 * g + a] * 0.5);
    for (int v = 0; v < m->nv; v++) {
      ck_assert(m->dof_damping[v] == nom->dof_damping[v] * 2.0);
      ck_assert(m->dof_armature[v] == nom->dof_armature[v] * 3.0);
    }
    for (int u = 0; u < m->nu; u++) ck_assert(m->actuator_gainprm[mjNGAIN * u] == nom->actuator_gainprm[mjNGAIN * u] * 0.8);
  }
  /* the shared model is the nominal one still */
  ck_assert(nom->body_subtreemass[0] > 0);
  EnvModel *fresh = load("half_cheetah");
  const mjModel *f = env_model_mj(fresh);
  for (int b = 0; b < f->nbody; b++) ck_assert(nom->body_mass[b] == f->body_mass[b]);
  ck_assert(nom->body_subtreemass[0] == f->body_subtreemass[0]);
  env_model_free(fresh);
  env_free(&e);
  randomize_free(&r);
  env_model_free(em);
}
END_TEST

START_TEST(test_ranges_drawn_inside) {
  EnvModel *em = load("half_cheetah");
  const mjModel *nom = env_model_mj(em);
  Randomization r = {0};
  randomize_set_all(&r, RAND_MASS, 0.7, 1.3, nom);
  randomize_set_all(&r, RAND_COM, -0.01, 0.01, nom);
  Env e;
  env_init_randomized(&e, em, &r);
  float obs[32];
  Rng rng;
  rng_init(&rng, 9, 0);
  double first = 0;
  int differ = 0;
  for (int ep = 0; ep < 20; ep++) {
    env_reset(&e, &rng, obs);
    const mjModel *m = env_mj(&e);
    for (int b = 1; b < m->nbody; b++) {
      double s = m->body_mass[b] / nom->body_mass[b];
      ck_assert_msg(s >= 0.7 - 1e-12 && s <= 1.3 + 1e-12, "scale %g", s);
      for (int a = 0; a < 3; a++)
        ck_assert(fabs(m->body_ipos[3 * b + a] - nom->body_ipos[3 * b + a]) <= 0.01 + 1e-12);
    }
    if (ep == 0) first = m->body_mass[1];
    differ |= m->body_mass[1] != first;
  }
  ck_assert_msg(differ, "20 episodes drew one mass");
  env_free(&e);
  randomize_free(&r);
  env_model_free(em);
}
END_TEST

START_TEST(test_delay_and_obs_noise) {
  EnvModel *em = load("half_cheetah");
  Randomization r = {0};
  r.delay = 2;
  randomize_set_obs_noise(&r, env_model_obs_dim(em), 0.5);
  r.obs_sigma[0] = 0.0; /* entry 0 without noise */
  Env e;
  env_init_randomized(&e, em, &r);
  float obs[32], clean[32], act[6];
  Rng rng;
  rng_init(&rng, 2, 0);
  env_reset(&e, &rng, obs);
  const mjData *d = e.data;
  for (int t = 1; t <= 4; t++) {
    for (int k = 0; k < 6; k++) act[k] = 0.1f * (float)t + 0.01f * (float)k;
    EnvStep st;
    env_step(&e, act, obs, &st);
    /* the actuators got the action of two steps ago, zeros before the first */
    for (int k = 0; k < 6; k++) {
      float want = t <= 2 ? 0.0f : 0.1f * (float)(t - 2) + 0.01f * (float)k;
      ck_assert_msg(d->ctrl[k] == (double)want, "t %d ctrl[%d] %g, want %g", t, k, d->ctrl[k],
                    (double)want);
    }
    env_observe(&e, clean);
    ck_assert(obs[0] == clean[0]);
    int noisy = 0;
    for (int i = 1; i < e.obs_dim; i++) {
      ck_assert(fabsf(obs[i] - clean[i]) < 0.5f * 7);
      noisy += obs[i] != clean[i];
    }
    ck_assert_int_eq(noisy, e.obs_dim - 1);
  }
  env_free(&e);
  randomize_free(&r);
  env_model_free(em);
}
END_TEST

/* an episode stopped after 7 steps and restored into a fresh Env continues bit for bit */
START_TEST(test_state_round_trip) {
  EnvModel *em = load("half_cheetah");
  const mjModel *nom = env_model_mj(em);
  Randomization r = {0};
  randomize_set_all(&r, RAND_MASS, 0.7, 1.3, nom);
  randomize_set_all(&r, RAND_ARMATURE, 0.5, 2.0, nom);
  randomize_set_all(&r, RAND_GAIN, 0.8, 1.2, nom);
  randomize_set_obs_noise(&r, env_model_obs_dim(em), 0.05);
  r.delay = 1;
  r.jitter = 1;
  r.action_noise = 0.1;
  Env a, b;
  env_init_randomized(&a, em, &r);
  env_init_randomized(&b, em, &r);
  float oa[32], ob[32], act[6];
  Rng ra, rb;
  rng_init(&ra, 11, 0);
  rng_init(&rb, 99, 0);
  env_reset(&a, &ra, oa);
  env_reset(&b, &rb, ob); /* another episode's parameters, overwritten below */
  EnvStep st;
  for (int t = 0; t < 7; t++) {
    for (int k = 0; k < 6; k++) act[k] = (float)sin(0.3 * t + k);
    env_step(&a, act, oa, &st);
  }
  size_t n = env_state_size(&a);
  ck_assert_uint_eq(n, env_state_size(&b));
  double *s = xcalloc(n, sizeof(double));
  env_get_state(&a, s);
  ck_assert_int_eq(env_set_state(&b, s), 0);
  free(s);
  const mjModel *ma = env_mj(&a), *mb = env_mj(&b);
  for (int i = 0; i < ma->nbody; i++) ck_assert(ma->body_mass[i] == mb->body_mass[i]);
  for (int t = 7; t < 40; t++) {
    for (int k = 0; k < 6; k++) act[k] = (float)sin(0.3 * t + k);
    EnvStep sa, sb;
    env_step(&a, act, oa, &sa);
    env_step(&b, act, ob, &sb);
    ck_assert(memcmp(oa, ob, sizeof(float) * (size_t)a.obs_dim) == 0);
    ck_assert(sa.reward == sb.reward);
  }
  env_free(&a);
  env_free(&b);
  randomize_free(&r);
  env_model_free(em);
}
END_TEST

START_TEST(test_flag_parsing) {
  EnvModel *em = load("reacher");
  const mjModel *m = env_model_mj(em);
  Randomization r = {0};
  char err[ERR_LEN] = "";
  ck_assert_int_eq(randomize_apply_flag(&r, "mass=0.8:1.2,delay=3,jitter=2,obs_noise=0.1,"
                                        "action_noise=0.2,gain=0.9", m, 11, 50, err), 0);
  ck_assert(r.p[RAND_MASS].on && r.p[RAND_MASS].lo == 0.8 && r.p[RAND_MASS].hi == 1.2);
  ck_assert(r.p[RAND_GAIN].lo == 0.9 && r.p[RAND_GAIN].hi == 0.9);
  ck_assert_int_eq(r.p[RAND_GAIN].n, m->nu);
  ck_assert_int_eq(r.delay, 3);
  ck_assert_int_eq(r.jitter, 2);
  ck_assert_int_eq(randomize_history(&r), 6);
  ck_assert(r.obs_sigma && r.obs_sigma[10] == 0.1);
  ck_assert(r.action_noise == 0.2);
  ck_assert(randomize_active(&r));
  ck_assert_int_eq(randomize_apply_flag(&r, "none", m, 11, 50, err), 0);
  ck_assert(!randomize_active(&r));
  const char *bad[] = {"mass=1.2:0.8", "friction=-1:1", "gain=0", "delay=50", "delay=48,jitter=2",
                       "jitter=-1", "com=nan", "mass=1e300", "obs_noise=-0.1", "x=1", "mass", ","};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = 0;
    ck_assert_msg(randomize_apply_flag(&r, bad[i], m, 11, 50, err) == -1, "%s accepted", bad[i]);
    ck_assert_msg(err[0] && !strchr(err, '\n'), "%s: message '%s'", bad[i], err);
  }
  randomize_free(&r);
  env_model_free(em);
}
END_TEST

TH_MAIN("randomize", 60,
        test_fixed_scales_exact,
        test_ranges_drawn_inside,
        test_delay_and_obs_noise,
        test_state_round_trip,
        test_flag_parsing)
