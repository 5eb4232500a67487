/* cmd_export: `ddpg export`, a checkpoint's actor as a dependency-free C header for firmware.
 * Flag parsing and the report only; the work is export_checkpoint (src/export.c). */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "export.h"
#include "util.h"

int cmd_export(int argc, char **argv) {
  const char *ckpt = NULL, *out = NULL, *name = NULL, *int8_act = "int8";
  int int8 = 0;
  ArgSpec specs[] = {
      {"checkpoint", ARG_STRING, &ckpt, 0, 0, NULL, "checkpoint.ddpg to export (required)", 0},
      {"out", ARG_STRING, &out, 0, 0, NULL, "header to write, e.g. reacher_actor.h (required)", 0},
      {"name", ARG_STRING, &name, 0, 0, NULL,
       "C identifier prefixing the header's names (default: the robot's name)", 0},
      {"int8", ARG_FLAG, &int8, 0, 0, NULL, "int8 weights (per-channel float scales)", 0},
      {"int8-act", ARG_CHOICE, &int8_act, 0, 0, "int8|float",
       "with --int8: hidden activations uint8 with int32 sums, or float", 0},
  };
  const int n_specs = (int)(sizeof specs / sizeof specs[0]);
  const char *summary =
      "Write a checkpoint's actor as one C header (C99/C11/C++17, only <math.h>, no allocation)\n"
      "defining ID_OBS_DIM, ID_ACT_DIM and ID_act(obs, act). Float weights act exactly as\n"
      "`ddpg act`; --int8 reports its action error and returns. See docs/export.md.";
  char err[ERR_LEN];
  int rc = args_command("export", summary, specs, n_specs, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  if (!ckpt || !out) {
    fprintf(stderr, "ddpg export: --checkpoint FILE and --out PATH.h are required\n");
    return 2;
  }
  if (args_find(specs, n_specs, "int8-act")->seen && !int8) {
    fprintf(stderr, "ddpg export: --int8-act only applies with --int8\n");
    return 2;
  }
  ExportKind kind = !int8 ? EXPORT_FLOAT : strcmp(int8_act, "float") == 0 ? EXPORT_INT8_FACT
                                                                          : EXPORT_INT8;
  ExportReport rep;
  if (export_checkpoint(ckpt, out, name, kind, &rep, err) != 0) {
    fprintf(stderr, "ddpg export: %s\n", err);
    return 2;
  }
  printf("wrote %s: %s_act, %s, header %zu bytes, weights %zu bytes\n", out, rep.name,
         kind == EXPORT_FLOAT  ? "float32"
         : kind == EXPORT_INT8 ? "int8 weights, uint8 activations"
                               : "int8 weights, float activations",
         rep.header_bytes, rep.weight_bytes);
  if (kind == EXPORT_FLOAT) {
    printf("exact: max |header reference - checkpoint| = %g over evaluation rollouts and random "
           "observations\n", rep.ref_max_err);
  } else {
    printf("int8 max action error %.3g over %d observations of evaluation rollouts\n",
           rep.max_err, rep.n_test);
    printf("mean return over %d episodes (seed %d): float %.6g, int8 %.6g\n", rep.eval_episodes,
           EXPORT_TEST_SEED, rep.return_float, rep.return_int8);
  }
  return 0;
}
