/* util: the two error tiers and small helpers shared by every module.
 *
 * Programmer bugs and out-of-memory abort with file:line (DDPG_CHECK, xmalloc).
 * Bad user input never aborts: functions return a nonzero status and write a one-line
 * message into a caller's buffer (err_set), and only main decides to exit (status 2). */
#ifndef DDPG_UTIL_H
#define DDPG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define ERR_LEN 512  /* size of every user-error message buffer */

/* abort with file:line when a programmer invariant fails */
#define DDPG_CHECK(cond)                                                        \
  do {                                                                          \
    if (!(cond)) ddpg_fatal(__FILE__, __LINE__, "check failed: %s", #cond);     \
  } while (0)

/* print "file:line: message" to stderr and abort */
void ddpg_fatal(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* malloc / calloc that abort on out-of-memory */
#define xmalloc(n) ddpg_xmalloc((n), __FILE__, __LINE__)
#define xcalloc(n, sz) ddpg_xcalloc((n), (sz), __FILE__, __LINE__)
#define xrealloc(p, n) ddpg_xrealloc((p), (n), __FILE__, __LINE__)
void *ddpg_xmalloc(size_t n, const char *file, int line);
void *ddpg_xcalloc(size_t n, size_t sz, const char *file, int line);
void *ddpg_xrealloc(void *p, size_t n, const char *file, int line);

/* printf into an error buffer of size ERR_LEN (err may be NULL), control characters replaced
 * by '?' so the message stays one line; returns -1 */
int err_set(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* monotonic wall-clock seconds */
double now_seconds(void);

/* write `n` bytes to `path` atomically: temp file in the same directory, fsync, rename,
 * fsync of the directory. On failure the old file is untouched; returns 0 or -1 + err. */
int write_file_atomic(const char *path, const void *data, size_t n, char *err);

/* whether files can be created in directory `dir`, found by creating and removing one
 * (access() cannot tell: it passes for root on directories that refuse files, such as sysfs
 * and procfs ones); 0, or -1 with errno saying why */
int dir_probe_write(const char *dir);

/* mkdir -p: create dir and any missing parents (mode 0755); 0, or -1 with errno saying why
 * (a component that exists but is not a directory: ENOTDIR) */
int make_dirs(const char *dir);

/* the median of v[0..n) (n >= 1); sorts v in place */
double median_of(double *v, int n);

/* read a whole file into a malloc'd buffer; returns 0 or -1 + err */
int read_file(const char *path, uint8_t **data, size_t *n, char *err);

/* the learner's hot elementwise loops (Adam, Polyak, bias + activation and their backward):
 * compiled for AVX-512, AVX2 and baseline x86-64 and picked by the CPU when the program loads
 * (GCC's ifunc), since the build targets baseline x86-64. ISO C11 mode never contracts
 * a * b + c into a fused multiply-add, so every version computes the same bits
 * (docs/performance.md). Off under the sanitizers and other compilers. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define DDPG_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DDPG_SIMD_CLONES
#endif

#endif
