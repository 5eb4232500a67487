/* paths: the model directories of an installed or a build-tree binary; see paths.h. */
#define _POSIX_C_SOURCE 200809L
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define PATHS_MAX 1024 /* as env.c's path buffer */
#define PATHS_MAX_DIRS 8

/* the candidate directories in lookup order (paths.h), written into store; returns their
 * count. dirs[k] points into store */
static int candidate_dirs(char store[PATHS_MAX_DIRS][PATHS_MAX], const char **dirs) {
  int n = 0;
  const char *env = getenv(PATHS_ENV);
  if (env && *env) {
    /* the override: each ':'-separated entry, empty ones skipped */
    const char *p = env;
    while (*p && n < PATHS_MAX_DIRS) {
      size_t len = strcspn(p, ":");
      if (len > 0 && len < PATHS_MAX) {
        memcpy(store[n], p, len);
        store[n][len] = 0;
        dirs[n] = store[n];
        n++;
      }
      p += len;
      if (*p == ':') p++;
    }
    return n;
  }
  char exe[PATHS_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return 0;
  exe[len] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash) return 0;
  *slash = 0; /* exe is now the executable's directory */
  static const char *const rel[] = {"/../share/ddpg/models", "/models"};
  for (int k = 0; k < 2; k++) {
    if ((size_t)snprintf(store[n], PATHS_MAX, "%s%s", exe, rel[k]) >= PATHS_MAX) continue;
    dirs[n] = store[n];
    n++;
  }
  return n;
}

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int paths_model_file(char *buf, size_t n, const char *file) {
  char store[PATHS_MAX_DIRS][PATHS_MAX]; /* 8 KB of stack; no static: thread-safe */
  const char *dirs[PATHS_MAX_DIRS];
  int nd = candidate_dirs(store, dirs);
  for (int k = 0; k < nd; k++) {
    char path[PATHS_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dirs[k], file) >= sizeof path) continue;
    if (access(path, R_OK) == 0) return snprintf(buf, n, "%s", path);
  }
  /* none has it: the first place looked, or the bare name */
  return nd > 0 ? snprintf(buf, n, "%s/%s", dirs[0], file) : snprintf(buf, n, "%s", file);
}

int paths_model_dir(char *buf, size_t n, char *err) {
  char store[PATHS_MAX_DIRS][PATHS_MAX]; /* 8 KB of stack; no static: thread-safe */
  const char *dirs[PATHS_MAX_DIRS];
  int nd = candidate_dirs(store, dirs);
  for (int k = 0; k < nd; k++)
    if (is_dir(dirs[k])) {
      if ((size_t)snprintf(buf, n, "%s", dirs[k]) >= n)
        return err_set(err, "model directory path is too long: %.200s", dirs[k]);
      return 0;
    }
  if (getenv(PATHS_ENV) && *getenv(PATHS_ENV))
    return err_set(err, "no directory of %s=%.300s exists (set it to the directory holding "
                   "the robots' .xml models)", PATHS_ENV, getenv(PATHS_ENV));
  return err_set(err, "no model directory beside the executable (%.300s); set %s to the "
                 "directory holding the robots' .xml models (installed: PREFIX/share/ddpg/"
                 "models)", nd > 0 ? dirs[0] : "unknown", PATHS_ENV);
}
