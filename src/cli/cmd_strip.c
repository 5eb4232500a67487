/* cmd_strip: `ddpg strip`, a copy of a checkpoint without its replay buffer (for sharing or
 * committing a run; the work is checkpoint_strip_replay in src/checkpoint.c). */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "checkpoint.h"
#include "commands.h"
#include "trainer.h"
#include "util.h"

int cmd_strip(int argc, char **argv) {
  const char *ckpt = NULL, *out = NULL;
  ArgSpec specs[] = {
      {"checkpoint", ARG_STRING, &ckpt, 0, 0, NULL, "checkpoint.ddpg to copy (required)", 0},
      {"out", ARG_STRING, &out, 0, 0, NULL,
       "file to write (required; may not be the input: the full checkpoint is kept)", 0},
  };
  const int n_specs = (int)(sizeof specs / sizeof specs[0]);
  const char *summary =
      "Write a copy of a checkpoint without its replay buffer: the agent, optimizer, counters\n"
      "and configuration stay, so eval, act, view and export read it as the original, and a\n"
      "resume from it refills the buffer first (docs/training.md).";
  char err[ERR_LEN];
  int rc = args_command("strip", summary, specs, n_specs, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  if (!ckpt || !out) {
    fprintf(stderr, "ddpg strip: --checkpoint FILE and --out FILE are required\n");
    return 2;
  }
  if (strcmp(ckpt, out) == 0) {
    fprintf(stderr, "ddpg strip: --out must differ from --checkpoint (the original keeps the "
                    "replay); write the copy elsewhere\n");
    return 2;
  }
  int had = 0;
  if (checkpoint_strip_replay(ckpt, out, &had, err) != 0) {
    fprintf(stderr, "ddpg strip: %s\n", err);
    return 2;
  }
  printf("wrote %s (%s)\n", out, had ? "replay buffer removed" : "it held no replay buffer");
  return 0;
}
