/* checkpoint: the one home of the checkpoint file format (DIR/checkpoint.ddpg).
 *
 * A checkpoint is a whole Trainer at an env step: resuming from it continues the run bit for
 * bit (docs/training.md). Layout, in this order (serial.h: little endian, counted arrays):
 *   header    "DDPGCKPT", u32 version, u32 S (observations), u32 A (actions),
 *             f32 low[A], f32 high[A] (action bounds), the configuration (config_write),
 *             and (version 2) the task record (env_record_write: the env name, the task
 *             file's text, the MJCF path and the hash of its bytes; docs/robots.md)
 *   agent     agent_write: networks, targets, Adam moments, batch-norm statistics, counters
 *   learner   rng (4 u64); counters: i64 env steps, updates, episodes, next evaluation,
 *             next checkpoint; f64 update credit, last evaluation return
 *   workers   u32 W, then per worker: rng (4 u64), noise state (A f64; version 1: 8),
 *             observation (S f32), f64 episode return, i64 episode length,
 *             environment state (env_state_size f64)
 *   replay    u32 flag; when 1, replay_write's block
 *   provenance (version 3) the text of checkpoint_note_build's lines, then its u32 length:
 *             which ddpg (version, git description), MuJoCo, OpenBLAS kernel and CPU
 *             trained it, one line per session that changed them. It is read from the
 *             end, and it is the only part two builds write differently, so
 *             scripts/same-checkpoints.sh compares the bytes before it
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

/* 3: learner_threads in the configuration and the provenance; 2: the task record
 * (docs/robots.md); 1 and 2 still read */
#define CHECKPOINT_VERSION 3
#define CHECKPOINT_V1_NOISE 8     /* version 1 stored 8 OU-noise doubles per worker */
#define CHECKPOINT_NAME "checkpoint.ddpg"
/* MPI runs (docs/distributed.md): rank k > 0 keeps its state in checkpoint.rank<k>.ddpg (and
 * the one before in checkpoint.rank<k>.prev.ddpg); checkpoint.ranks records R */
#define CHECKPOINT_RANK_FMT "checkpoint.rank%d%s.ddpg"
#define CHECKPOINT_RANKS_NAME "checkpoint.ranks"

/* the whole trainer, the replay buffer only when with_replay (the flag is written either
 * way), then the CRC */
void checkpoint_write(Writer *w, Trainer *tr, int with_replay);

/* append "from step N: BUILD" to tr->provenance (version_build_line: ddpg version and git
 * description, MuJoCo, OpenBLAS kernel, CPU) unless its last line names this build already:
 * a new run and a resume on another build or machine each add one line, a resume on the
 * same one none, so a run's checkpoints stay byte-identical across sessions */
void checkpoint_note_build(Trainer *tr);

/* the provenance text of the checkpoint bytes b[0..n) of this format version (not
 * NUL-terminated; "" and 0 before version 3); -1 when its stored length is impossible */
int checkpoint_provenance(const uint8_t *b, size_t n, uint32_t version, const char **text,
                          size_t *len);

/* read and check a checkpoint's header from a buffer: magic, version, CRC, dimensions,
 * bounds (*bounds: low then high, act_dim each, malloc'd: the caller frees it), configuration
 * and task record (version 2: its strings point into the buffer; version 1: rec->text is
 * NULL and rec->name the built-in env). name is used in messages; the buffer stays the
 * caller's. On success r is positioned at the agent. Returns 0 or -1 + err */
int checkpoint_parse(const uint8_t *b, size_t n, const char *name, Reader *r, TrainConfig *cfg,
                     int *obs_dim, int *act_dim, float **bounds, EnvRecord *rec,
                     uint32_t *version, uint32_t *crc, char *err);

/* checkpoint_parse of the file at path, read into *buf (freed on failure, else the caller's) */
int checkpoint_open(const char *path, uint8_t **buf, size_t *len, Reader *r, TrainConfig *cfg,
                    int *obs_dim, int *act_dim, float **bounds, EnvRecord *rec,
                    uint32_t *version, uint32_t *crc, char *err);

/* the learner part after the agent: the learner rng (NULL: skipped) and the counters,
 * checked for what a loop may safely use (a failure is latched in r) */
void checkpoint_read_learner(Reader *r, uint64_t rng[4], TrainCounters *c,
                             double updates_per_step);

/* the workers part (of a checkpoint of this format version) into tr's workers (built for the
 * stored configuration); 0, or -1 + err when the file's worker count differs (a failure of
 * the reads is latched in r) */
int checkpoint_read_workers(Reader *r, Trainer *tr, int obs_dim, int act_dim, uint32_t version,
                            const char *name, char *err);

/* write a copy of the checkpoint file `in` without its replay buffer to `out` (atomically):
 * everything else, the stored configuration included, byte for byte as trainer_save writes
 * it. For sharing or committing a run: eval, act, view and export read the copy, and a
 * resume from it refills the buffer (docs/training.md). *had_replay: whether `in` held one */
int checkpoint_strip_replay(const char *in, const char *out, int *had_replay, char *err);

#endif
