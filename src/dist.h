/* dist: the MPI layer behind `mpirun -np R ddpg train` (data-parallel DDPG, as OpenAI
 * Baselines' DDPG with MPI; docs/distributed.md).
 *
 * Every rank runs the whole synchronous trainer on its own seed streams (own workers, own
 * replay buffer, own minibatches); before each optimizer step the gradient slab is summed
 * over the ranks with MPI_Allreduce and divided by R, so every rank applies the same step
 * and the parameters stay bit-identical. Rank 0 evaluates, logs and writes checkpoint.ddpg.
 *
 * The MPI world is process-global by MPI's own design (one MPI_Init per process), so Dist
 * is a per-process singleton (dist_world). MPI is initialized only when an MPI launcher
 * started the process (mpirun/mpiexec, srun with PMI/PMIx); a plain `ddpg train` never
 * touches MPI and every function below is then a cheap no-op for one rank. Built without
 * MPI (cmake -DDDPG_MPI=OFF) the same holds, and a launch under mpirun with R > 1 is refused.
 * Only the calling (learner) thread makes MPI calls (MPI_THREAD_FUNNELED). */
#ifndef DDPG_DIST_H
#define DDPG_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "ddpg.h"

#define DIST_CHECK_EVERY 1000  /* default updates between cross-rank parameter checks */
#define DIST_POLL_STEPS 64     /* env steps between cross-rank stop-flag polls */

typedef struct {
  int rank;                /* this process, 0 .. size-1 (0 without MPI) */
  int size;                /* ranks R (1 without MPI) */
  int mpi;                 /* 1: dist_init called MPI_Init (dist_finalize ends it) */
  /* gradient averaging statistics of this rank */
  long reduce_calls;       /* gradient allreduces */
  double reduce_bytes;     /* bytes each of them contributed, summed */
  double reduce_seconds;   /* wall time spent inside them */
  float *stats;            /* (n_stats) fused batch-norm running statistics (dist_attach) */
  size_t n_stats;
} Dist;

/* the process's MPI world (rank 0 of 1 until dist_init finds a launcher) */
Dist *dist_world(void);

/* 1 when this build contains the MPI layer */
int dist_available(void);

/* join the MPI world when an MPI launcher started this process; nothing otherwise.
 * Returns 0, or -1 + err when launched with R > 1 by a build without MPI */
int dist_init(char *err);

/* leave the MPI world (MPI_Finalize) if dist_init joined it; idempotent */
void dist_finalize(void);

/* make ag data-parallel over d: install the gradient-averaging hook and allocate the
 * buffer for batch-norm statistics; no-op for one rank */
void dist_attach(Dist *d, Agent *ag);

/* release what dist_attach allocated */
void dist_detach(Dist *d);

/* GradReduceFn: grads ← (1/R) Σ_ranks grads, in place (one MPI_Allreduce) */
void dist_grad_reduce(void *ctx, float *grads, size_t n);

/* average the batch-norm running statistics of every network of ag over the ranks (they
 * are updated from each rank's own minibatch); no-op without batch norm or for one rank */
void dist_sync_stats(Dist *d, Agent *ag);

/* logical OR / AND of flag over the ranks (flag itself for one rank) */
int dist_any(Dist *d, int flag);
int dist_all(Dist *d, int flag);

/* rank 0's value of v on every rank */
long dist_bcast_long(Dist *d, long v);

/* error agreement: every rank passes its own status (0 or -1, message in err). Returns 0
 * when all are 0; otherwise -1 on every rank, err holding the lowest failing rank's message
 * (prefixed "rank k: " when k > 0). A collective: all ranks must call it at the same point */
int dist_agree(Dist *d, int rc, char *err);

/* 1 when h is the same on every rank; *lo and *hi receive the smallest and largest h */
int dist_same_u64(Dist *d, uint64_t h, uint64_t *lo, uint64_t *hi);

/* print "ddpg train: rank k: msg" and abort every rank (MPI_Abort, exit status 1): the way
 * out of a failure only this rank saw, which would otherwise leave the others waiting in a
 * collective. Returns (does nothing) for one rank */
void dist_abort(Dist *d, const char *msg);

/* 64-bit hash of everything ranks must hold identically: parameters of the actor, the
 * critic(s) and their targets, Adam moments and step counts, the update count */
uint64_t dist_agent_hash(const Agent *ag);

#endif
