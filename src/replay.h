/* replay: the fixed-capacity ring of transitions shared by rollout workers and the learner.
 * See the DESIGN block in replay.c for the locking rules. */
#ifndef DDPG_REPLAY_H
#define DDPG_REPLAY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"
#include "serial.h"
#include "team.h"

typedef struct {
  int n;             /* rows held */
  int max_n;         /* rows allocated */
  int obs_dim, act_dim;
  float *obs;        /* (max_n x obs_dim) */
  float *act;        /* (max_n x act_dim) */
  float *rew;        /* (max_n) */
  float *next_obs;   /* (max_n x obs_dim) */
  float *not_done;   /* (max_n) 0 only for a true terminal state */
  size_t *idx;       /* (max_n) replay rows of the last sample */
} Batch;

typedef struct {
  pthread_mutex_t lock;   /* guards every field below */
  size_t capacity;        /* rows in the ring */
  size_t size;            /* rows filled, <= capacity */
  size_t next;            /* row the next append writes */
  uint64_t total_added;   /* appends since creation */
  int obs_dim, act_dim;
  float *obs, *act, *rew, *next_obs, *not_done; /* struct of arrays, `capacity` rows each */
} Replay;

/* allocate a ring of `capacity` rows; returns 0, or -1 + err when memory is short */
int replay_init(Replay *r, size_t capacity, int obs_dim, int act_dim, char *err);

/* release; accepts a zeroed struct */
void replay_free(Replay *r);

/* append the n rows of b (b->n ignored) under the lock, overwriting the oldest when full */
void replay_add(Replay *r, const Batch *b, int n);

/* draw `n` rows uniformly with replacement (indices from rng) into out; returns rows
 * available at the time (0 means nothing was sampled) */
size_t replay_sample(Replay *r, Rng *rng, int n, Batch *out);

/* replay_sample with the row copies split across team t (NULL: the caller alone); the
 * same draws and rows */
size_t replay_sample_team(Replay *r, Rng *rng, int n, Batch *out, Team *t);

/* the ring in a checkpoint's replay block (capacity, size, next, total, then the filled rows
 * of each array), under the lock */
void replay_write(Writer *w, Replay *r);

/* read replay_write's block into r, allocated with the same capacity and dimensions; 0, or -1
 * + err (naming file `name`) when the stored dimensions do not fit r. A failed read is
 * latched in rd */
int replay_read(Reader *rd, Replay *r, const char *name, char *err);

/* rows currently stored (takes the lock) */
size_t replay_size(Replay *r);

/* bytes of storage per transition */
size_t replay_bytes_per_transition(int obs_dim, int act_dim);

/* allocate / free a batch of max_n rows */
void batch_init(Batch *b, int max_n, int obs_dim, int act_dim);
void batch_free(Batch *b);

/* copy one transition into row i of b */
void batch_set(Batch *b, int i, const float *obs, const float *act, float rew,
               const float *next_obs, float not_done);

#endif
