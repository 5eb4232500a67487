/* cmd_info: `ddpg info --checkpoint FILE`, what a checkpoint holds in words: the robot, the
 * sizes, how far it trained, its networks and the whole stored configuration (config_print).
 * It reads the file as policy.c does (checkpoint.h: header, agent, learner counters). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "checkpoint.h"
#include "commands.h"
#include "config.h"
#include "ddpg.h"
#include "util.h"

/* the header, agent and counters of the checkpoint at path, printed; 0 or -1 + err */
static int info_print(const char *path, char *err) {
  uint8_t *buf;
  size_t len;
  Reader r;
  TrainConfig cfg;
  int S, A;
  float low[ENV_MAX_ACT], high[ENV_MAX_ACT];
  uint32_t crc;
  if (checkpoint_open(path, &buf, &len, &r, &cfg, &S, &A, low, high, &crc, err) != 0) return -1;
  AgentConfig ac;
  config_agent(&cfg, S, A, low, high, &ac);
  ac.batch = 1; /* reading only */
  Rng rng;
  rng_init(&rng, 0, 0);
  Agent ag;
  agent_init(&ag, &ac, &rng);
  agent_read(&r, &ag);
  TrainCounters c;
  checkpoint_read_learner(&r, NULL, &c, cfg.updates_per_step);
  if (r.bad) {
    agent_free(&ag);
    free(buf);
    return err_set(err, "%s is not a readable checkpoint: %s", path, r.what);
  }
  printf("checkpoint     %s (%zu bytes, format version %d, CRC-32 0x%08x)\n", path, len,
         CHECKPOINT_VERSION, (unsigned)crc);
  printf("robot          %s, %s%s\n", cfg.env, cfg.model[0] ? "model " : "built-in model",
         cfg.model);
  printf("sizes          %d observations, %d actions, bounds", S, A);
  for (int k = 0; k < A; k++) printf(" [%g, %g]", (double)low[k], (double)high[k]);
  printf("\n");
  printf("training       step %ld of %ld, %ld updates, %ld episodes\n", c.env_steps, cfg.steps,
         c.updates, c.episodes);
  if (isfinite(c.last_eval))
    printf("evaluation     last mean return %.6g (%d episodes)\n", c.last_eval,
           cfg.eval_episodes);
  else
    printf("evaluation     none yet\n");
  printf("networks       actor %zu parameters, critic %zu x %d\n", ag.actor.n_params,
         ag.critic[0].n_params, ag.n_critics);
  printf("written by     not recorded (format version %d stores no ddpg version, CPU or BLAS "
         "kernel)\n", CHECKPOINT_VERSION);
  printf("configuration\n");
  config_print(stdout, &cfg);
  agent_free(&ag);
  free(buf);
  return 0;
}

int cmd_info(int argc, char **argv) {
  const char *ckpt = NULL;
  ArgSpec specs[] = {
      {"checkpoint", ARG_STRING, &ckpt, 0, 0, NULL, "checkpoint.ddpg to describe", 0},
  };
  int rc = args_command("info",
                        "Print what a checkpoint holds: the robot, its sizes, the training step,\n"
                        "the last evaluation, the networks and the stored configuration\n"
                        "(name = value lines, the flags of ddpg train).",
                        specs, 1, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
  if (!ckpt) {
    fprintf(stderr, "ddpg info: --checkpoint FILE is required\n");
    return 2;
  }
  char err[ERR_LEN];
  if (info_print(ckpt, err) != 0) {
    fprintf(stderr, "ddpg info: %s\n", err);
    return 2;
  }
  return 0;
}
