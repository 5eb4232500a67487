/* team: the learner's own threads. One update is a chain of short steps (GEMMs of a few
 * hundred microseconds and elementwise loops of a few microseconds); a team splits each
 * step into fixed parts that the calling thread and its helpers claim, so the whole update,
 * not only its GEMMs, runs on every thread. Parts have fixed boundaries, so results do not
 * depend on which thread ran a part (docs/performance.md, "Learner threads"). */
#ifndef DDPG_TEAM_H
#define DDPG_TEAM_H

#include <stddef.h>

typedef struct Team Team;

/* a step's part `part` of n_parts; parts of one step must not write the same memory */
typedef void (*TeamFn)(void *ctx, int part, int n_parts);

/* the most threads a team may have, and the most `auto` picks (measured: 2 on this 2-core
 * machine; docs/performance.md) */
#define TEAM_MAX_THREADS 64
#define TEAM_AUTO_MAX 4

/* the learner threads `--learner-threads auto` means: the cores this process may run on
 * (its CPU affinity), divided among the MPI ranks on this host (OMPI_COMM_WORLD_LOCAL_SIZE),
 * minus `busy` cores kept by asynchronous workers; at least 1, at most TEAM_AUTO_MAX */
int team_auto_threads(int busy);

/* a team of n threads: the caller and n - 1 helper threads (n >= 1; 1: no helpers) */
Team *team_new(int n);

/* stop and join the helpers; accepts NULL */
void team_free(Team *t);

/* threads of the team (1 for NULL) */
int team_size(const Team *t);

/* run fn(ctx, p, n_parts) for p = 0 .. n_parts-1 on the team and return when all are done;
 * t NULL (or of size 1) runs them in order on the caller */
void team_run(Team *t, TeamFn fn, void *ctx, int n_parts);

/* [lo, hi) of part p when n items are split into n_parts pieces whose starts are multiples
 * of `align` (cache lines: 16 floats) */
void team_range(size_t n, int p, int n_parts, size_t align, size_t *lo, size_t *hi);

/* blas_gemm split across the team by rows of C (or by columns when C has fewer rows than
 * columns); small products run on the caller. Each part is one cblas_sgemm on a block of C
 * with the full K, so an element of C is the same sum whichever thread computes it; OpenBLAS
 * should run single-threaded under a team (blas_set_threads(1)) */
void team_gemm(Team *t, int trans_a, int trans_b, int M, int N, int K, float alpha,
               const float *A, const float *B, float beta, float *C);

#endif
