/* checkpoint: the one home of the checkpoint file format (DIR/checkpoint.ddpg).
 *
 * A checkpoint is a whole Trainer at an env step: resuming from it continues the run bit for
 * bit (docs/training.md). Layout, in this order (serial.h: little endian, counted arrays):
 *   header    "DDPGCKPT", u32 version, u32 S (observations), u32 A (actions),
 *             f32 low[A], f32 high[A] (action bounds), the configuration (config_write)
 *   agent     agent_write: networks, targets, Adam moments, batch-norm statistics, counters
 *   learner   rng (4 u64); counters: i64 env steps, updates, episodes, next evaluation,
 *             next checkpoint; f64 update credit, last evaluation return
 *   workers   u32 W, then per worker: rng (4 u64), noise state (ENV_MAX_ACT f64),
 *             observation (S f32), f64 episode return, i64 episode length,
 *             environment state (env_state_size f64)
 *   replay    u32 flag; when 1, replay_write's block
 *   trailer   u32 CRC-32 of every byte before it
 * Each part has one writer and one reader, here or in its module (agent_*, replay_*,
 * config_*); trainer.c saves and resumes through them, policy.c reads the header, agent and
 * learner parts of the same file. */
#ifndef DDPG_CHECKPOINT_H
#define DDPG_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "serial.h"
#include "trainer.h"

#define CHECKPOINT_VERSION 1
#define CHECKPOINT_NAME "checkpoint.ddpg"
/* MPI runs (docs/distributed.md): rank k > 0 keeps its state in checkpoint.rank<k>.ddpg (and
 * the one before in checkpoint.rank<k>.prev.ddpg); checkpoint.ranks records R */
#define CHECKPOINT_RANK_FMT "checkpoint.rank%d%s.ddpg"
#define CHECKPOINT_RANKS_NAME "checkpoint.ranks"

/* the whole trainer, the replay buffer only when with_replay (the flag is written either
 * way), then the CRC */
void checkpoint_write(Writer *w, Trainer *tr, int with_replay);

/* read and check a checkpoint's header from a buffer: magic, version, CRC, dimensions,
 * bounds and configuration (name is used in messages; the buffer stays the caller's). On
 * success r is positioned at the agent. Returns 0 or -1 + err */
int checkpoint_parse(const uint8_t *b, size_t n, const char *name, Reader *r, TrainConfig *cfg,
                     int *obs_dim, int *act_dim, float *low, float *high, uint32_t *crc,
                     char *err);

/* checkpoint_parse of the file at path, read into *buf (freed on failure, else the caller's) */
int checkpoint_open(const char *path, uint8_t **buf, size_t *len, Reader *r, TrainConfig *cfg,
                    int *obs_dim, int *act_dim, float *low, float *high, uint32_t *crc,
                    char *err);

/* the learner part after the agent: the learner rng (NULL: skipped) and the counters,
 * checked for what a loop may safely use (a failure is latched in r) */
void checkpoint_read_learner(Reader *r, uint64_t rng[4], TrainCounters *c,
                             double updates_per_step);

/* the workers part into tr's workers (built for the stored configuration); 0, or -1 + err
 * when the file's worker count differs (a failure of the reads is latched in r) */
int checkpoint_read_workers(Reader *r, Trainer *tr, int obs_dim, const char *name, char *err);

/* write a copy of the checkpoint file `in` without its replay buffer to `out` (atomically):
 * everything else, the stored configuration included, byte for byte as trainer_save writes
 * it. For sharing or committing a run: eval, act, view and export read the copy, and a
 * resume from it refills the buffer (docs/training.md). *had_replay: whether `in` held one */
int checkpoint_strip_replay(const char *in, const char *out, int *had_replay, char *err);

#endif
