/* cmd_info: `ddpg info --checkpoint FILE`, what a checkpoint holds in words: the robot, the
 * sizes, how far it trained, its networks, the builds and CPUs that trained it and the
 * whole stored configuration (config_print).
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
  float *bounds;
  EnvRecord rec;
  uint32_t crc, version;
  if (checkpoint_open(path, &buf, &len, &r, &cfg, &S, &A, &bounds, &rec, &version, &crc, err))
    return -1;
  const float *low = bounds, *high = bounds + A;
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
    free(bounds);
    free(buf);
    return err_set(err, "%s is not a readable checkpoint: %s", path, r.what);
  }
  printf("checkpoint     %s (%zu bytes, format version %u, CRC-32 0x%08x)\n", path, len,
         (unsigned)version, (unsigned)crc);
  if (rec.text)
    printf("robot          %s, task recorded (%zu bytes; ddpg task --checkpoint prints it), "
           "model %s%s, hash %016llx\n", rec.name, rec.text_len, rec.mjcf,
           rec.builtin == ENV_MJCF_BUILTIN ? " (built-in)"
           : rec.builtin == ENV_MJCF_SOURCE ? " (in the ddpg source tree)" : "",
           (unsigned long long)rec.mjcf_hash);
  else
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
  /* the provenance: one line per session that changed the build or CPU (checkpoint.h) */
  const char *prov;
  size_t prov_len;
  if (version < 3 || checkpoint_provenance(buf, len, version, &prov, &prov_len) != 0 ||
      prov_len == 0) {
    printf("trained by     not recorded (format version %u keeps no ddpg version, CPU or "
           "BLAS kernel; version 3 does)\n", (unsigned)version);
  } else {
    const char *label = "trained by     ";
    for (size_t i = 0; i < prov_len;) {
      size_t j = i;
      while (j < prov_len && prov[j] != '\n') j++;
      printf("%s%.*s\n", label, (int)(j - i), prov + i);
      label = "               ";
      i = j + 1;
    }
  }
  printf("configuration\n");
  config_print(stdout, &cfg);
  agent_free(&ag);
  free(bounds);
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
                        "the last evaluation, the networks, the ddpg build, MuJoCo, OpenBLAS\n"
                        "kernel and CPU that trained it, and the stored configuration\n"
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
