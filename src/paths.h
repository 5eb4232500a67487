/* paths: where the program finds the files it ships with (the robots' MJCF models).
 *
 * No path of the build machine is compiled in, so a build tree or an installed prefix can
 * move. The model directories are looked up in this order:
 *   1. DDPG_MODEL_PATH, when set: a ':'-separated list of directories (an override: nothing
 *      else is searched);
 *   2. EXE/../share/ddpg/models, EXE being the directory of the running executable
 *      (/proc/self/exe): the layout `cmake --install` writes (P/bin/ddpg, P/share/ddpg/models);
 *   3. EXE/models: a build tree, where CMake links build/models to the source tree's models/.
 * A program linking the library from elsewhere (not installed beside it) sets DDPG_MODEL_PATH,
 * e.g. to `pkg-config --variable=modeldir ddpg` (docs/api.md). */
#ifndef DDPG_PATHS_H
#define DDPG_PATHS_H

#include <stddef.h>

#define PATHS_ENV "DDPG_MODEL_PATH"

/* the path of model file `file` (e.g. "reacher.xml") into buf (n bytes): in the first model
 * directory that has it; when none has it, in the first directory looked in (so that the
 * caller's open fails naming a real place). Returns snprintf's count: the length of the whole
 * path, >= n when it did not fit */
int paths_model_file(char *buf, size_t n, const char *file);

/* the first model directory that exists into buf (n bytes); 0, or -1 with a one-line message
 * in err (ERR_LEN) naming where it looked and what to set */
int paths_model_dir(char *buf, size_t n, char *err);

#endif
