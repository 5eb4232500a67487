/* ddpg: the command-line entry point. Parses the subcommand and hands the rest of argv to
 * the command files (src/cli/cmd_*.c); nothing else lives here. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "version.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *help;
} Command;

static const Command COMMANDS[] = {
    {"train", cmd_train, "train a policy on a robot (the main job)"},
    {"eval", cmd_eval, "score a checkpoint's policy, or a zero or random one, over whole episodes"},
    {"bench", cmd_bench, "measure env and physics throughput on one thread"},
    {"act", cmd_act, "print a checkpoint's actions for observations read from stdin"},
    {"worked-example", cmd_worked_example,
     "run the worked example of docs/worked-example.md through the production update"},
    {"view", cmd_view, "play a policy on its robot in a window, or record it to PNG / mp4"},
    {"export", cmd_export, "write a checkpoint's actor as a C header for firmware"},
    {"strip", cmd_strip, "copy a checkpoint without its replay buffer (to share or commit)"},
    {"task", cmd_task, "check a task file and print its observation, action and reward layout"},
    {"robustness", cmd_robustness,
     "score a checkpoint over perturbed masses, friction, gains, delays and sensor noise"},
    {"info", cmd_info, "print what a checkpoint holds: robot, training step, configuration"},
};
static const int N_COMMANDS = (int)(sizeof COMMANDS / sizeof COMMANDS[0]);

static void usage(FILE *f) {
  fprintf(f,
          "usage: ddpg COMMAND [flags]\n"
          "DDPG (and TD3) for MuJoCo robots: train, evaluate, view and export policies.\n\n"
          "commands:\n");
  for (int i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-16s %s\n", COMMANDS[i].name, COMMANDS[i].help);
  fprintf(f, "\nRun 'ddpg COMMAND --help' for the flags of a command, 'ddpg --version' for the "
             "version.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    printf("ddpg %s (%s)\n", version_string(), version_git());
    return 0;
  }
  for (int i = 0; i < N_COMMANDS; i++)
    if (strcmp(argv[1], COMMANDS[i].name) == 0) return COMMANDS[i].run(argc - 2, argv + 2);
  fprintf(stderr, "ddpg: unknown command '%s' (run 'ddpg --help' for the list)\n", argv[1]);
  return 2;
}
