/* cmd_robustness: `ddpg robustness`, a checkpoint's return over a grid of perturbations of
 * its robot (docs/sim2real.md): each parameter varied alone around the nominal model (mass
 * x0.7..1.3, friction x0.5..1.5, actuator gain x0.8..1.2, action delay 0..2 control steps,
 * Gaussian observation noise), every point scored by eval_policy_randomized over the same
 * episodes and seed as `ddpg eval`. Writes DIR/robustness.csv, and DIR/robustness.png
 * through gnuplot (DIR/robustness.gp, re-runnable) when gnuplot is installed. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "env.h"
#include "eval.h"
#include "policy.h"
#include "randomize.h"
#include "trainer.h"
#include "util.h"

/* a row of the grid: which parameter, its value; the nominal value is 1 for the scales
 * and 0 for delay and noise */
typedef enum { G_MASS, G_FRICTION, G_GAIN, G_DELAY, G_OBS_NOISE, G_N } GridParam;

static const char *const G_NAMES[G_N] = {"mass", "friction", "gain", "delay", "obs_noise"};
static const char *const G_LABELS[G_N] = {"body mass scale", "geom friction scale",
                                          "actuator gain scale", "action delay (control steps)",
                                          "observation noise sigma"};
static const double G_NOMINAL[G_N] = {1.0, 1.0, 1.0, 0.0, 0.0};

#define GRID_MAX 8
static const double GRID[G_N][GRID_MAX] = {
    {0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3},
    {0.5, 0.75, 1.0, 1.25, 1.5},
    {0.8, 0.9, 1.0, 1.1, 1.2},
    {0, 1, 2},
    {0, 0.01, 0.02, 0.05, 0.1},
};
static const int GRID_N[G_N] = {7, 5, 5, 3, 5};

static void checkpoint_act(void *ctx, const float *obs, float *act) { policy_act(ctx, obs, act); }

/* the randomization of one grid point: that parameter fixed at v over every element */
static void grid_point(Randomization *r, GridParam g, double v, const EnvModel *m) {
  memset(r, 0, sizeof *r);
  const void *mj = env_model_mj(m);
  switch (g) {
    case G_MASS: randomize_set_all(r, RAND_MASS, v, v, mj); break;
    case G_FRICTION: randomize_set_all(r, RAND_FRICTION, v, v, mj); break;
    case G_GAIN: randomize_set_all(r, RAND_GAIN, v, v, mj); break;
    case G_DELAY: r->delay = (int)v; break;
    case G_OBS_NOISE: randomize_set_obs_noise(r, env_model_obs_dim(m), v); break;
    case G_N: break;
  }
}

static void csv_row(char **buf, size_t *len, size_t *cap, const char *name, double v,
                    int nominal, const EvalResult *r) {
  char line[256];
  int n = snprintf(line, sizeof line, "%s,%g,%d,%.6f,%.6f,%.6f,%.6f,%.1f,%d\n", name, v, nominal,
                   r->mean_return, r->std_return, r->min_return, r->max_return, r->mean_length,
                   r->unstable_episodes);
  if (*len + (size_t)n + 1 > *cap) {
    *cap = 2 * (*cap + (size_t)n);
    *buf = xrealloc(*buf, *cap);
  }
  memcpy(*buf + *len, line, (size_t)n + 1);
  *len += (size_t)n;
}

/* the gnuplot script of the plot: one panel per parameter, mean return +- std against the
 * value, the nominal point marked */
static int write_plot_script(const char *gp, const char *csv, const char *png, const char *title,
                             char *err) {
  char text[6000];
  size_t o = 0;
#define ADD(...) o += (size_t)snprintf(text + o, sizeof text - o, __VA_ARGS__)
  ADD("# written by ddpg robustness; re-run with: gnuplot %s\n", gp);
  ADD("set terminal pngcairo noenhanced size 1500,900 font 'sans,10'\nset output '%s'\n", png);
  ADD("set datafile separator ','\nset key off\nset grid\n");
  ADD("set offsets graph 0.05, graph 0.05, graph 0.08, graph 0.08\n");
  ADD("set multiplot layout 2,3 title '%s'\n", title);
  for (int g = 0; g < G_N; g++) {
    ADD("set title '%s'\nset xlabel '%s'\nset ylabel 'mean return'\n", G_NAMES[g], G_LABELS[g]);
    ADD("plot '%s' every ::1 using (strcol(1) eq '%s' ? $2 : 1/0):4:5 with yerrorlines "
        "lc rgb '#1f77b4' pt 7, \\\n"
        "     '%s' every ::1 using (strcol(1) eq '%s' && $3 == 1 ? $2 : 1/0):4 with points "
        "lc rgb '#d62728' pt 5 ps 2\n", csv, G_NAMES[g], csv, G_NAMES[g]);
  }
  ADD("unset multiplot\n");
#undef ADD
  if (o >= sizeof text) return err_set(err, "plot script too long (paths too long)");
  return write_file_atomic(gp, text, o, err);
}

/* run gnuplot on the script: 0 done, 1 gnuplot missing, -1 it failed */
static int run_gnuplot(const char *gp) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execlp("gnuplot", "gnuplot", gp, (char *)NULL);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  if (WIFEXITED(st) && WEXITSTATUS(st) == 127) return 1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int cmd_robustness(int argc, char **argv) {
  const char *checkpoint = NULL, *out = "robustness";
  int episodes = 10, plot = 1;
  long seed = 0;
  ArgSpec specs[] = {
      {"checkpoint", ARG_STRING, &checkpoint, 0, 0, NULL, "checkpoint.ddpg to test (required)", 0},
      {"episodes", ARG_INT, &episodes, 1, 1000000, NULL, "episodes per grid point", 0},
      {"seed", ARG_LONG, &seed, 0, 9007199254740991.0, NULL,
       "seed of the initial states and perturbations (default: training seed + 100, as "
       "`ddpg eval`)", 0},
      {"out", ARG_STRING, &out, 0, 0, NULL,
       "directory for robustness.csv, robustness.gp and robustness.png", 0},
      {"plot", ARG_INT, &plot, 0, 1, NULL, "1: draw robustness.png with gnuplot; 0: CSV only", 0},
  };
  const int n_specs = (int)(sizeof specs / sizeof specs[0]);
  const char *summary =
      "Score a checkpoint's policy over perturbations of its robot, one parameter at a time\n"
      "around the nominal model: body mass x0.7..1.3, friction x0.5..1.5, actuator gain\n"
      "x0.8..1.2, action delay 0..2 control steps, observation noise sigma 0..0.1. Writes\n"
      "OUT/robustness.csv (parameter,value,nominal,mean,std,min,max,mean_length,unstable;\n"
      "the nominal rows are `ddpg eval` of the same checkpoint and seed) and, with gnuplot,\n"
      "OUT/robustness.png (docs/sim2real.md).";
  char err[ERR_LEN];
  int rc = args_command("robustness", summary, specs, n_specs, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  if (!checkpoint) {
    fprintf(stderr, "ddpg robustness: --checkpoint FILE is required\n");
    return 2;
  }
  Policy pol;
  memset(&pol, 0, sizeof pol);
  EnvModel *m = NULL;
  if (policy_load(&pol, checkpoint, err) != 0 ||
      policy_model_load(&pol, checkpoint, NULL, NULL, &m, err) != 0) {
    fprintf(stderr, "ddpg robustness: %s\n", err);
    policy_free(&pol);
    return 2;
  }
  if (!env_model_mj(m)) {
    fprintf(stderr, "ddpg robustness: the toy task has no model to perturb (use a checkpoint "
            "of a MuJoCo robot)\n");
    env_model_free(m);
    policy_free(&pol);
    return 2;
  }
  if (!args_find(specs, n_specs, "seed")->seen) seed = pol.seed + EVAL_SEED_OFFSET;
  char csv[1100], gp[1100], png[1100];
  if (snprintf(csv, sizeof csv, "%s/robustness.csv", out) >= (int)sizeof csv ||
      snprintf(gp, sizeof gp, "%s/robustness.gp", out) >= (int)sizeof gp ||
      snprintf(png, sizeof png, "%s/robustness.png", out) >= (int)sizeof png) {
    fprintf(stderr, "ddpg robustness: --out path is too long\n");
    env_model_free(m);
    policy_free(&pol);
    return 2;
  }
  if (make_dirs(out) != 0) {
    fprintf(stderr, "ddpg robustness: cannot create --out %s: %s (choose another directory)\n",
            out, strerror(errno));
    env_model_free(m);
    policy_free(&pol);
    return 2;
  }

  size_t cap = 4096, len = 0;
  char *buf = xmalloc(cap);
  len = (size_t)snprintf(buf, cap, "parameter,value,nominal,mean,std,min,max,mean_length,"
                         "unstable_episodes\n");
  EvalResult nominal, worst = {0};
  const char *worst_name = "";
  double worst_v = 0;
  rc = eval_policy(m, checkpoint_act, &pol, episodes, (uint64_t)seed, &nominal, err);
  printf("robustness %s: %d episodes per point, seed %ld\n", env_model_name(m), episodes, seed);
  printf("  nominal        return %.2f +- %.2f\n", nominal.mean_return, nominal.std_return);
  worst = nominal;
  worst_name = "nominal";
  for (int g = 0; g < G_N && rc == 0; g++) {
    for (int i = 0; i < GRID_N[g] && rc == 0; i++) {
      double v = GRID[g][i];
      int is_nominal = v == G_NOMINAL[g];
      EvalResult r = nominal;
      if (!is_nominal) {
        Randomization rz;
        grid_point(&rz, (GridParam)g, v, m);
        rc = eval_policy_randomized(m, &rz, checkpoint_act, &pol, episodes, (uint64_t)seed, &r,
                                    err);
        randomize_free(&rz);
        if (rc != 0) break;
      }
      csv_row(&buf, &len, &cap, G_NAMES[g], v, is_nominal, &r);
      printf("  %-10s %-5g return %.2f +- %.2f%s\n", G_NAMES[g], v, r.mean_return, r.std_return,
             is_nominal ? "  (nominal)" : "");
      if (r.mean_return < worst.mean_return) {
        worst = r;
        worst_name = G_NAMES[g];
        worst_v = v;
      }
    }
  }
  const char *name = env_model_name(m);
  char title[300];
  snprintf(title, sizeof title, "%.100s: return over perturbations (red: nominal; %d episodes, "
           "seed %ld)", name, episodes, seed);
  for (char *p = title; *p; p++)
    if (*p == '\'') *p = '"'; /* the title sits between single quotes */
  env_model_free(m);
  policy_free(&pol);
  if (rc != 0) {
    fprintf(stderr, "ddpg robustness: %s\n", err);
    free(buf);
    return 1;
  }
  if (write_file_atomic(csv, buf, len, err) != 0) {
    fprintf(stderr, "ddpg robustness: %s\n", err);
    free(buf);
    return 2;
  }
  free(buf);
  printf("  worst case     return %.2f at %s %g\n", worst.mean_return, worst_name, worst_v);
  printf("wrote %s\n", csv);
  if (!plot) return 0;
  if (write_plot_script(gp, csv, png, title, err) != 0) {
    fprintf(stderr, "ddpg robustness: %s\n", err);
    return 2;
  }
  int g = run_gnuplot(gp);
  if (g == 1) {
    printf("plot skipped: gnuplot is not installed (Debian: gnuplot-nox); the script is %s\n", gp);
  } else if (g != 0) {
    fprintf(stderr, "ddpg robustness: gnuplot failed on %s (the CSV is written)\n", gp);
    return 1;
  } else {
    printf("wrote %s\n", png);
  }
  return 0;
}
