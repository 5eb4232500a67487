/* viewer: watch a policy drive a robot, in a window or recorded to frames (`ddpg view`).
 *
 * A Viewer owns one Env over the caller's shared EnvModel, a private copy of the mjModel for
 * drawing (its offscreen buffer sized for the requested frames), a GLFW window with its
 * OpenGL context, and MuJoCo's abstract scene (mjv_) and renderer (mjr_). The policy is a
 * callback, so the viewer knows nothing about checkpoints. Windowed, the simulation is paced
 * to the wall clock (one env step per env dt, times the playback speed) and the controls
 * follow MuJoCo's `simulate` (docs/viewer.md: cameras, selection and mouse perturbation,
 * render toggles, screenshots, a reward plot); recording renders offscreen into an invisible
 * window, as fast as it can, to numbered PNG files or through an `ffmpeg` pipe to an .mp4.
 * Everything the viewer changes for drawing (its model copy, the floor following the camera)
 * stays out of the physics: its episodes are a plain Env's, unless the user pushes a body. */
#ifndef DDPG_VIEWER_H
#define DDPG_VIEWER_H

#include <stdint.h>
#include <stdio.h>

#include "env.h"

#define VIEWER_MAX_SIZE 4096  /* largest accepted frame / window side, pixels */

/* the policy: writes act_dim actions for one observation (obs_dim floats) */
typedef void (*ViewerActFn)(void *ctx, const float *obs, float *act);

typedef struct {
  ViewerActFn act;      /* the policy */
  void *act_ctx;        /* its state, passed back to act */
  uint64_t seed;        /* initial states of the episodes come from this seed ... */
  uint64_t stream;      /* ... and this rng stream (0 for `ddpg view`; EVAL_STREAM replays
                         * the evaluation's episodes) */
  long episodes;        /* stop after this many finished episodes; 0 = never (but a
                         * recording without a frame budget stops after one) */
  long frames;          /* stop after this many drawn frames; 0 = never */
  const char *record;   /* NULL: show a window; "x.mp4": ffmpeg video; else a PNG directory */
  int width, height;    /* window or frame size in pixels; 0 = default (1200x900 / 640x480) */
  double fps;           /* recording frames per simulated second; 0 = one per env step */
  const char *title;    /* window title (NULL: "ddpg view") */
  FILE *log;            /* one line per finished episode (NULL: quiet) */
} ViewerOptions;

typedef struct {
  long frames;          /* frames drawn (and written, when recording) */
  long steps;           /* env steps taken */
  long episodes;        /* episodes finished (time limit or terminal state) */
  double last_return;   /* return of the last finished episode (NAN if none) */
} ViewerStats;

typedef struct Viewer Viewer; /* opaque: holds GLFW and MuJoCo rendering state */

/* check the output path (creating a PNG directory; ffmpeg on PATH for .mp4), open the
 * window or offscreen context and reset the first episode. Returns 0, or -1 with a one-line
 * message in err (unwritable path, no ffmpeg, no display: suggests xvfb-run). The model
 * must have an mjModel (not toy) and outlive the viewer. */
int viewer_init(Viewer **out, const EnvModel *m, const ViewerOptions *opt, char *err);

/* play until the frame or episode budget is spent or the user quits (Esc, closing the
 * window); returns 0, or -1 with a message in err when writing a frame failed */
int viewer_run(Viewer *v, ViewerStats *stats, char *err);

/* can this process record videos (checked before a long job starts): ffmpeg on PATH, and
 * an X display with OpenGL (an invisible window opens and closes). 0, or -1 with a one-line
 * message in err naming what is missing and what to do; `command` goes into the hint to run
 * it under a virtual display ("xvfb-run -a ddpg train ...") */
int viewer_probe(const char *command, char *err);

/* close the window and release everything; accepts NULL */
void viewer_free(Viewer *v);

/* write an RGB image (h rows of w*3 bytes, top row first) as an 8-bit PNG; 0 or -1 + err */
int viewer_write_png(const char *path, const unsigned char *rgb, int w, int h, char *err);

/* the frame file of a PNG recording: DIR/frame_000123.png (buffer of n bytes) */
void viewer_frame_path(char *buf, size_t n, const char *dir, long index);

#endif
