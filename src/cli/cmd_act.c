/* cmd_act: `ddpg act`, the deterministic action of a checkpoint for observations read from
 * stdin, one per line, written one line per observation with %.9g values (float exact). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "policy.h"
#include "util.h"

/* parse one line of exactly n floats; 0, or -1 with the problem in err */
int act_parse_line(const char *line, int n, float *out, char *err) {
  const char *p = line;
  int k = 0;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    if (!*p) break;
    char *end;
    errno = 0;
    float v = strtof(p, &end);
    if (end == p || (*end && *end != ' ' && *end != '\t' && *end != '\r' && *end != '\n')) {
      const char *q = p;
      while (*q && *q != ' ' && *q != '\t' && *q != '\n') q++;
      return err_set(err, "'%.*s' is not a number", (int)(q - p > 40 ? 40 : q - p), p);
    }
    /* nan, inf and values beyond the float range (strtof gives inf) are refused: the policy
     * needs finite observations */
    if (!isfinite(v))
      return err_set(err, "'%.*s' is not a finite float (observations must be finite)",
                     (int)(end - p > 40 ? 40 : end - p), p);
    if (k == n) return err_set(err, "more than %d values (the policy takes %d)", n, n);
    out[k++] = v;
    p = end;
  }
  if (k != n) return err_set(err, "%d values, the policy takes %d", k, n);
  return 0;
}

int cmd_act(int argc, char **argv) {
  char err[ERR_LEN];
  const char *ckpt = NULL;
  ArgSpec specs[] = {
      {.name = "checkpoint", .type = ARG_STRING, .dst = &ckpt,
       .help = "checkpoint.ddpg to act with (required)"},
  };
  int rc = args_command("act",
                      "Read observations from stdin (one per line, whitespace-separated floats)\n"
                      "and write the deterministic action for each, one line of %.9g values.",
                      specs, 1, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  if (!ckpt) {
    fprintf(stderr, "ddpg act: --checkpoint FILE is required\n");
    return 2;
  }
  Policy p;
  if (policy_load(&p, ckpt, err) != 0) {
    fprintf(stderr, "ddpg act: %s\n", err);
    return 2;
  }
  int S = p.agent.cfg.obs_dim, A = p.agent.cfg.act_dim;
  float obs[ENV_MAX_OBS], act[ENV_MAX_ACT];
  char *line = NULL;
  size_t cap = 0;
  long lineno = 0;
  int status = 0;
  while (getline(&line, &cap, stdin) >= 0) {
    lineno++;
    if (act_parse_line(line, S, obs, err) != 0) {
      fprintf(stderr, "ddpg act: line %ld: %s\n", lineno, err);
      status = 2;
      break;
    }
    policy_act(&p, obs, act);
    for (int j = 0; j < A; j++) printf(j ? " %.9g" : "%.9g", act[j]);
    putchar('\n');
  }
  free(line);
  policy_free(&p);
  return status;
}
