/* example_controller: an exported policy header driving a robot in a fixed-rate control
 * loop, with the MuJoCo model standing in for the hardware.
 *
 * The policy is one header and one call. CONTROLLER_HEADER (default "reacher_actor.h") is a
 * header written by `ddpg export --name CONTROLLER_ID`; CONTROLLER_UID is that name in upper
 * case (the prefix of its macros). Everything the policy needs is in it: no library, no
 * allocation, no initialization.
 *
 * The robot side is the project's Env: env_reset/env_observe play the sensors, env_step the
 * motors and one control period of physics. Episodes start from the states `ddpg eval` uses
 * (Rng stream EVAL_STREAM of --seed, reset in the same order), so a float header scores the
 * same return, to the last bit, as `ddpg eval --checkpoint` on its checkpoint.
 *
 * --print-obs writes the sensor log instead of the returns: every observation the policy acts
 * on, one line of %.9g values (exact for float, and the input `ddpg act` reads); the firmware
 * check (scripts/mcu-check.sh) replays such a log on a microcontroller.
 *
 * usage: example_controller [--episodes N] [--seed S] [--model FILE.xml] [--json | --print-obs] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "env.h"
#include "eval.h" /* EVAL_STREAM: the evaluation's initial-state stream */
#include "rng.h"
#include "util.h" /* ERR_LEN */

#ifndef CONTROLLER_HEADER
#define CONTROLLER_HEADER "reacher_actor.h"
#define CONTROLLER_ID reacher
#define CONTROLLER_UID REACHER
#endif
#include CONTROLLER_HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
#define POLICY_ACT CAT(CONTROLLER_ID, _act)          /* e.g. reacher_act */
#define POLICY_OBS_DIM CAT(CONTROLLER_UID, _OBS_DIM)  /* e.g. REACHER_OBS_DIM */
#define POLICY_ACT_DIM CAT(CONTROLLER_UID, _ACT_DIM)
#define POLICY_ENV CAT(CONTROLLER_UID, _ENV)

#define MAX_STEPS_TIMED 100000 /* per-call timings kept for the median */

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return 1e9 * (double)t.tv_sec + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int episodes = 1, json = 0, print_obs = 0;
  long seed = 0;
  const char *model = NULL;
  ArgSpec specs[] = {
      {"episodes", ARG_INT, &episodes, 1, 1000000, NULL, "episodes to run", 0},
      {"seed", ARG_LONG, &seed, 0, 9007199254740991.0, NULL,
       "seed of the initial states (as ddpg eval --seed)", 0},
      {"model", ARG_STRING, &model, 0, 0, NULL, "MJCF file instead of the built-in model", 0},
      {"json", ARG_FLAG, &json, 0, 0, NULL, "print one JSON object", 0},
      {"print-obs", ARG_FLAG, &print_obs, 0, 0, NULL,
       "print every observation acted on (one line of %.9g values, ddpg act's input) instead", 0},
  };
  char err[ERR_LEN];
  int rc = args_parse("example_controller",
                      "Run the policy of " CONTROLLER_HEADER " (" STR(POLICY_ACT) ") on its robot.",
                      specs, 5, argc - 1, argv + 1, err);
  if (rc == 1) return 0;
  if (rc == 2) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  if (json && print_obs) {
    fprintf(stderr, "example_controller: --json and --print-obs both choose the output: give one\n");
    return 2;
  }

  /* the robot: the model the policy was trained on */
  EnvModel *m;
  if (env_model_load(&m, POLICY_ENV, model, err) != 0) {
    fprintf(stderr, "example_controller: %s\n", err);
    return 2;
  }
  Env robot;
  env_init(&robot, m);
  if (robot.obs_dim != POLICY_OBS_DIM || robot.act_dim != POLICY_ACT_DIM) {
    fprintf(stderr, "example_controller: %s has %d observations and %d actions, the policy "
            "%d and %d\n", POLICY_ENV, robot.obs_dim, robot.act_dim, POLICY_OBS_DIM,
            POLICY_ACT_DIM);
    env_free(&robot);
    env_model_free(m);
    return 2;
  }

  Rng rng;
  rng_init(&rng, (uint64_t)seed, EVAL_STREAM);
  float obs[POLICY_OBS_DIM], act[POLICY_ACT_DIM];
  double *call_ns = malloc(sizeof(double) * MAX_STEPS_TIMED);
  int n_timed = 0, unstable = 0;
  double mean = 0.0; /* Welford's running mean, as eval_policy keeps it */
  if (json) printf("{\"controller\": \"%s\", \"env\": \"%s\", \"returns\": [", STR(POLICY_ACT),
                   POLICY_ENV);
  for (int ep = 0; ep < episodes; ep++) {
    env_reset(&robot, &rng, obs); /* power on: the first sensor reading */
    double ret = 0.0;
    int ep_unstable = 0;
    for (;;) {
      /* one control period: sense (obs), decide, actuate, wait for the next tick */
      if (print_obs)
        for (int k = 0; k < POLICY_OBS_DIM; k++)
          printf(k + 1 < POLICY_OBS_DIM ? "%.9g " : "%.9g\n", (double)obs[k]);
      double t0 = now_ns();
      POLICY_ACT(obs, act);
      double t1 = now_ns();
      if (n_timed < MAX_STEPS_TIMED) call_ns[n_timed++] = t1 - t0;
      for (int k = 0; k < POLICY_ACT_DIM; k++)
        if (!isfinite(act[k])) { /* a real controller would hold a safe command instead */
          fprintf(stderr, "example_controller: non-finite action (episode %d)\n", ep);
          return 1;
        }
      EnvStep st;
      env_step(&robot, act, obs, &st); /* motors run for robot.dt seconds; sensors refresh */
      ret += st.reward;
      ep_unstable |= st.unstable;
      if (st.terminated || st.truncated) break;
    }
    unstable += ep_unstable;
    mean += (ret - mean) / (ep + 1);
    if (json)
      printf(ep ? ", %.10g" : "%.10g", ret);
    else if (!print_obs)
      printf("episode %d: return %.6f\n", ep, ret);
  }
  qsort(call_ns, (size_t)n_timed, sizeof *call_ns, cmp_double);
  double med = call_ns[n_timed / 2], worst = call_ns[n_timed - 1];
  if (json) {
    printf("], \"seed\": %ld, \"episodes\": %d, \"mean_return\": %.10g, \"act_ns_median\": %.0f, "
           "\"act_ns_max\": %.0f, \"control_dt\": %g, \"unstable_episodes\": %d}\n",
           seed, episodes, mean, med, worst, robot.dt, unstable);
  } else if (!print_obs) {
    printf("mean return %.6f over %d episodes (seed %ld)\n", mean, episodes, seed);
    printf("%s: median %.0f ns, max %.0f ns per action; control period %g s (%g Hz)\n",
           STR(POLICY_ACT), med, worst, robot.dt, 1.0 / robot.dt);
  }
  free(call_ns);
  env_free(&robot);
  env_model_free(m);
  return 0;
}
