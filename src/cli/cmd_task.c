/* cmd_task: `ddpg task FILE_OR_NAME`, check a task file against its model and print what the
 * agent will see: the observation and action layout, dt, time limit, reward terms,
 * termination and reset (docs/robots.md). With --checkpoint, the task a checkpoint recorded. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "env.h"
#include "policy.h"
#include "task.h"
#include "util.h"

int cmd_task(int argc, char **argv) {
  const char *env = NULL, *model = NULL, *ckpt = NULL;
  /* the task is the first argument when it is not a flag */
  if (argc > 0 && strncmp(argv[0], "--", 2) != 0) {
    env = argv[0];
    argc--;
    argv++;
  }
  ArgSpec specs[] = {
      {"model", ARG_STRING, &model, 0, 0, NULL, "MJCF file to load instead of the task's", 0},
      {"checkpoint", ARG_STRING, &ckpt, 0, 0, NULL,
       "print the task a checkpoint recorded (instead of FILE_OR_NAME)", 0},
  };
  const int n_specs = (int)(sizeof specs / sizeof specs[0]);
  const char *summary =
      "usage: ddpg task FILE_OR_NAME [--model MJCF] | ddpg task --checkpoint FILE\n"
      "Check a task (a built-in name such as half_cheetah, or a task file's path) against its\n"
      "model and print its observation entries, action entries with their bounds, dt, time\n"
      "limit, reward terms with weights, termination and reset (docs/robots.md).";
  char err[ERR_LEN];
  int rc = args_command("task", summary, specs, n_specs, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  if (!env == !ckpt) {
    fprintf(stderr, "ddpg task: give a task (a name or a file) or --checkpoint FILE, not both "
                    "(see ddpg task --help)\n");
    return 2;
  }
  EnvModel *m = NULL;
  const char *name = env;
  Policy pol;
  memset(&pol, 0, sizeof pol);
  if (ckpt) {
    if (policy_load(&pol, ckpt, err) != 0 ||
        policy_model_load(&pol, ckpt, NULL, model, &m, err) != 0) {
      fprintf(stderr, "ddpg task: %s\n", err);
      policy_free(&pol);
      return 2;
    }
    name = pol.env_name;
  } else if (env_model_load(&m, env, model, err) != 0) {
    fprintf(stderr, "ddpg task: %s\n", err);
    return 2;
  }
  printf("task: %s\n", name);
  EnvRecord rec;
  env_model_record(m, &rec);
  if (!env_model_task(m)) {
    printf("%s: 1 observation (s), 1 action a in [-1, 1], s' = s + a, reward -(s')^2, "
           "%d steps\n", env_model_description(m), env_model_max_steps(m));
  } else {
    printf("model: %s%s\n", rec.mjcf, rec.builtin == ENV_MJCF_BUILTIN ? " (built-in, in models/)"
                                      : rec.builtin == ENV_MJCF_SOURCE ? " (in the ddpg source tree)"
                                                                       : "");
    task_describe(env_model_task(m), env_model_mj(m), stdout);
  }
  env_model_free(m);
  policy_free(&pol);
  return 0;
}
