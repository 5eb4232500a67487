/* worked-example: `ddpg worked-example` prints the DDPG step of docs/worked-example.md as
 * the production code computes it (the work is worked_example_run in src/worked_example.c). */
#include <stdio.h>

#include "args.h"
#include "commands.h"
#include "worked_example.h"

int cmd_worked_example(int argc, char **argv) {
  int rc = args_command("worked-example",
                        "Run the worked DDPG example (docs/worked-example.md) through the\n"
                        "production agent and update, printing one `name = value` line per "
                        "step.",
                        NULL, 0, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  WorkedExample w;
  worked_example_run(&w);
  worked_example_print(&w);
  return 0;
}
