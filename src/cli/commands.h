/* commands: the subcommands of the `ddpg` executable.
 *
 * Each takes the arguments after the subcommand name and returns the process exit status:
 * 0 success, 2 bad input (a one-line message already printed to stderr), 1 runtime failure. */
#ifndef DDPG_COMMANDS_H
#define DDPG_COMMANDS_H

/* run the worked example of docs/worked-example.md through the production update
 * (src/cli/cmd_worked_example.c) */
int cmd_worked_example(int argc, char **argv);

/* train an agent (src/cli/cmd_train.c) */
int cmd_train(int argc, char **argv);

/* act with a checkpoint on observations from stdin (src/cli/cmd_act.c) */
int cmd_act(int argc, char **argv);

/* score a zero or random policy over episodes (src/cli/cmd_eval.c) */
int cmd_eval(int argc, char **argv);

/* env and physics throughput on one thread (src/cli/cmd_bench.c) */
int cmd_bench(int argc, char **argv);

/* parse one line of exactly n whitespace-separated floats (used by act; fuzzed) */
int act_parse_line(const char *line, int n, float *out, char *err);

/* play a policy on its robot in a window, or record it offscreen (docs/viewer.md) */
int cmd_view(int argc, char **argv);

/* write a checkpoint's actor as a dependency-free C header (src/cli/cmd_export.c) */
int cmd_export(int argc, char **argv);

/* copy a checkpoint without its replay buffer (src/cli/cmd_strip.c) */
int cmd_strip(int argc, char **argv);

/* check a task file and print its layout (src/cli/cmd_task.c, docs/robots.md) */
int cmd_task(int argc, char **argv);

/* print what a checkpoint holds (src/cli/cmd_info.c) */
int cmd_info(int argc, char **argv);

/* a checkpoint's return over a grid of perturbations of its robot
 * (src/cli/cmd_robustness.c, docs/sim2real.md) */
int cmd_robustness(int argc, char **argv);

#endif
