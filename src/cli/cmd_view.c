/* cmd_view: `ddpg view`, a checkpoint's policy (or a zero / random one) playing a robot in a
 * window, or recorded to PNG frames or an .mp4. Parses flags, resolves the robot and the
 * policy, and hands both to the viewer (viewer.h); docs/viewer.md has the controls. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "env.h"
#include "eval.h"
#include "policy.h"
#include "rng.h"
#include "util.h"
#include "viewer.h"

static void act_checkpoint(void *ctx, const float *obs, float *act) {
  policy_act((Policy *)ctx, obs, act);
}

/* the flags of `ddpg view` */
typedef struct {
  const char *ckpt, *env_name, *policy, *model, *record;
  long seed, episodes, frames;
  int width, height;
  double fps;
} ViewFlags;

/* parse and check the flags; ARGS_CONTINUE, or the exit status to return (--help, bad input
 * with its one-line message printed) */
static int parse_flags(ViewFlags *o, int argc, char **argv) {
  *o = (ViewFlags){.policy = "zero"};
  ArgSpec specs[] = {
      {.name = "checkpoint", .type = ARG_STRING, .dst = &o->ckpt,
       .help = "checkpoint.ddpg whose policy to play (its robot is the env)"},
      {.name = "env", .type = ARG_STRING, .dst = &o->env_name,
       .help = "robot to play without a checkpoint: a built-in (half_cheetah, hopper, ...), "
               "its Gymnasium id or a task file"},
      {.name = "policy", .type = ARG_CHOICE, .dst = &o->policy, .choices = "zero|random",
       .help = "policy without a checkpoint: all-zero or uniform random actions"},
      {.name = "seed", .type = ARG_LONG, .dst = &o->seed, .min = 0, .max = 9007199254740992.0,
       .help = "seed of the initial states (and of the random policy)"},
      {.name = "episodes", .type = ARG_LONG, .dst = &o->episodes, .min = 0, .max = 1e9,
       .help = "stop after N episodes; 0 = forever (recording: 1 unless --frames)"},
      {.name = "model", .type = ARG_STRING, .dst = &o->model,
       .help = "MJCF file instead of the robot's built-in model"},
      {.name = "record", .type = ARG_STRING, .dst = &o->record,
       .help = "render offscreen to PATH: a .mp4 (needs ffmpeg) or a directory of PNGs"},
      {.name = "frames", .type = ARG_LONG, .dst = &o->frames, .min = 0, .max = 1e9,
       .help = "stop after N frames (also closes the window: scripted runs); 0 = no limit"},
      {.name = "width", .type = ARG_INT, .dst = &o->width, .min = 0, .max = VIEWER_MAX_SIZE,
       .help = "frame width in pixels; 0 = 640 recording, 1200 window"},
      {.name = "height", .type = ARG_INT, .dst = &o->height, .min = 0, .max = VIEWER_MAX_SIZE,
       .help = "frame height in pixels; 0 = 480 recording, 900 window"},
      {.name = "fps", .type = ARG_DOUBLE, .dst = &o->fps, .min = 0, .max = 1000,
       .help = "recorded frames per simulated second; 0 = one per env step"},
  };
  const int n = (int)(sizeof specs / sizeof specs[0]);
  int rc = args_command("view",
                        "Play a policy on its robot in a window (or record it offscreen).\n"
                        "Use --checkpoint FILE, or --env NAME with --policy zero|random.\n"
                        "Controls as in MuJoCo's simulate (docs/viewer.md): drag to rotate /\n"
                        "move, scroll to zoom, double-click selects, Ctrl + drag pushes the\n"
                        "selected body, Space pause, Right step, - = speed, [ ] cameras,\n"
                        "Esc free camera, Ctrl+P screenshot, F4 reward plot, F1 help,\n"
                        "Ctrl+Q quit. Without a display: xvfb-run -a ddpg view ...",
                        specs, n, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  /* 0 is each size's and the rate's default (shown by --help), so it is accepted as given */
  if ((o->width != 0 && o->width < 16) || (o->height != 0 && o->height < 16)) {
    fprintf(stderr, "ddpg view: --width and --height must be 0 (the default size) or at "
                    "least 16 pixels, got %d x %d\n", o->width, o->height);
    return 2;
  }
  if (o->fps != 0 && o->fps < 0.1) {
    fprintf(stderr, "ddpg view: --fps must be 0 (one frame per env step) or at least 0.1, "
                    "got %g\n", o->fps);
    return 2;
  }
  if (!o->ckpt && !o->env_name) {
    fprintf(stderr, "ddpg view: give --checkpoint FILE, or --env NAME with --policy zero|random\n");
    return 2;
  }
  if (o->ckpt && args_find(specs, n, "policy")->seen) {
    fprintf(stderr, "ddpg view: --policy is for viewing without a checkpoint; drop it or "
                    "drop --checkpoint\n");
    return 2;
  }
  if (!o->record && args_find(specs, n, "fps")->seen) {
    fprintf(stderr, "ddpg view: --fps only applies with --record (the window plays in "
                    "real time)\n");
    return 2;
  }
  return ARGS_CONTINUE;
}

/* the policy and its robot: a checkpoint names its robot, which must agree with --env; else
 * --env with a zero or random policy. 0, or 2 with the message printed */
static int load_policy_and_model(ViewFlags *o, Policy *pol, EnvModel **m) {
  char err[ERR_LEN];
  memset(pol, 0, sizeof *pol);
  *m = NULL;
  if (o->ckpt) {
    if (policy_load(pol, o->ckpt, err) != 0 ||
        policy_model_load(pol, o->ckpt, o->env_name, o->model, m, err) != 0) {
      fprintf(stderr, "ddpg view: %s\n", err);
      policy_free(pol);
      return 2;
    }
    o->env_name = pol->env_name;
  } else if (env_model_load(m, o->env_name, o->model, err) != 0) {
    fprintf(stderr, "ddpg view: %s\n", err);
    return 2;
  }
  if (!env_model_mj(*m)) {
    fprintf(stderr, "ddpg view: robot '%s' has no MuJoCo model to draw; view a built-in "
                    "MuJoCo robot (half_cheetah, hopper, ...) or a task file's robot\n",
            o->env_name);
    env_model_free(*m);
    policy_free(pol);
    return 2;
  }
  return 0;
}

int cmd_view(int argc, char **argv) {
  ViewFlags o;
  int rc = parse_flags(&o, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  Policy pol;
  EnvModel *m;
  if (load_policy_and_model(&o, &pol, &m) != 0) return 2;
  /* the baselines' random actions come from stream 1 of --seed */
  EvalBaseline simple;
  eval_baseline_init(&simple, m, (uint64_t)o.seed, 1);
  int random = strcmp(o.policy, "random") == 0;
  char title[128];
  snprintf(title, sizeof title, "ddpg view: %s, %s", o.env_name,
           o.ckpt ? "checkpoint" : random ? "random policy" : "zero policy");
  ViewerOptions opt = {
      .act = o.ckpt ? act_checkpoint : random ? eval_policy_random : eval_policy_zero,
      .act_ctx = o.ckpt ? (void *)&pol : (void *)&simple,
      .seed = (uint64_t)o.seed,
      .episodes = o.episodes,
      .frames = o.frames,
      .record = o.record,
      .width = o.width,
      .height = o.height,
      .fps = o.fps,
      .title = title,
      .log = stdout,
  };
  /* play (or record) */
  char err[ERR_LEN];
  Viewer *v = NULL;
  ViewerStats st;
  int status = 0;
  if (viewer_init(&v, m, &opt, err) != 0) {
    fprintf(stderr, "ddpg view: %s\n", err);
    status = 2;
  } else if (viewer_run(v, &st, err) != 0) {
    fprintf(stderr, "ddpg view: %s\n", err);
    status = 1;
  } else if (o.record) {
    printf("recorded %ld frames (%ld env steps, %ld episodes) to %s\n", st.frames, st.steps,
           st.episodes, o.record);
  }
  viewer_free(v);
  env_model_free(m);
  policy_free(&pol);
  return status;
}
