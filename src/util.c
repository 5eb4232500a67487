/* util: error tiers, allocation that aborts on OOM, atomic file writes. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void ddpg_fatal(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

void *ddpg_xmalloc(size_t n, const char *file, int line) {
  void *p = malloc(n ? n : 1);
  if (!p) ddpg_fatal(file, line, "out of memory allocating %zu bytes", n);
  return p;
}

void *ddpg_xcalloc(size_t n, size_t sz, const char *file, int line) {
  void *p = calloc(n ? n : 1, sz ? sz : 1);
  if (!p) ddpg_fatal(file, line, "out of memory allocating %zu x %zu bytes", n, sz);
  return p;
}

void *ddpg_xrealloc(void *p, size_t n, const char *file, int line) {
  void *q = realloc(p, n ? n : 1);
  if (!q) ddpg_fatal(file, line, "out of memory reallocating %zu bytes", n);
  return q;
}

int err_set(char *err, const char *fmt, ...) {
  if (!err) return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, ERR_LEN, fmt, ap);
  va_end(ap);
  /* a message is one line even when it quotes user text (a flag, a path, a line of input,
   * a name read from a file): control characters in it become '?' */
  for (char *p = err; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
  return -1;
}

double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int write_file_atomic(const char *path, const void *data, size_t n, char *err) {
  size_t len = strlen(path);
  char *tmp = xmalloc(len + 32);
  snprintf(tmp, len + 32, "%s.tmp.%ld", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    err_set(err, "cannot write %s: %s (check the directory exists and is writable)", path,
            strerror(errno));
    free(tmp);
    return -1;
  }
  const uint8_t *p = data;
  size_t left = n;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      err_set(err, "cannot write %s: %s (previous file left untouched)", path, strerror(errno));
      close(fd);
      unlink(tmp);
      free(tmp);
      return -1;
    }
    p += w;
    left -= (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    err_set(err, "cannot write %s: %s (previous file left untouched)", path, strerror(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    err_set(err, "cannot replace %s: %s (previous file left untouched)", path, strerror(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  /* make the rename itself durable */
  char *dir = xmalloc(len + 1);
  memcpy(dir, path, len + 1);
  int dfd = open(dirname(dir), O_RDONLY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  free(dir);
  free(tmp);
  return 0;
}

int dir_probe_write(const char *dir) {
  size_t len = strlen(dir) + 32;
  char *probe = xmalloc(len);
  snprintf(probe, len, "%s/.ddpg-probe-XXXXXX", dir);
  int fd = mkstemp(probe);
  if (fd >= 0) {
    close(fd);
    unlink(probe);
  }
  int saved = errno;
  free(probe);
  errno = saved;
  return fd >= 0 ? 0 : -1;
}

int make_dirs(const char *dir) {
  size_t len = strlen(dir);
  char *p = xmalloc(len + 1);
  memcpy(p, dir, len + 1);
  int rc = 0;
  for (char *c = p + 1;; c++) {
    if (*c != '/' && *c != 0) continue;
    char saved = *c;
    *c = 0;
    struct stat st;
    if (mkdir(p, 0755) != 0 && errno != EEXIST) rc = -1;
    else if (stat(p, &st) != 0) rc = -1;
    else if (!S_ISDIR(st.st_mode)) rc = -1, errno = ENOTDIR;
    *c = saved;
    if (rc != 0 || saved == 0) break;
  }
  int e = errno;
  free(p);
  errno = e;
  return rc;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double median_of(double *v, int n) {
  DDPG_CHECK(n >= 1);
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int read_file(const char *path, uint8_t **data, size_t *n, char *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return err_set(err, "cannot open %s: %s", path, strerror(errno));
  if (fseek(f, 0, SEEK_END) != 0) {
    fclose(f);
    return err_set(err, "cannot read %s: not a regular file", path);
  }
  long sz = ftell(f);
  if (sz < 0) {
    fclose(f);
    return err_set(err, "cannot read %s: not a regular file", path);
  }
  rewind(f);
  uint8_t *buf = xmalloc((size_t)sz + 1);
  if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
    fclose(f);
    free(buf);
    return err_set(err, "cannot read %s: %s", path, strerror(errno));
  }
  fclose(f);
  buf[sz] = 0;
  *data = buf;
  *n = (size_t)sz;
  return 0;
}
