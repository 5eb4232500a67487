/* viewer: plays a policy on a robot in a GLFW window, or records it offscreen; see viewer.h.
 *
 * Time. Every env step advances the simulation by env dt. Windowed, the loop owes the
 * simulation `debt` seconds (wall time times playback speed) and takes env steps while the
 * debt covers one, however many that is per drawn frame; after a long stall (window being
 * dragged, physics slower than the requested speed) it resyncs instead of racing to catch
 * up. Recording, frame k shows the state after floor(k * (1/dt) / fps) step slots, so the
 * default fps (1/dt) gives one frame per step.
 *
 * Episodes. When an episode ends, its final state stays on screen for one step slot; the
 * next slot resets the env (`need_reset`). The viewer stops after the final state of its
 * last episode has been drawn.
 *
 * GLFW's callbacks find the Viewer through the window's user pointer; the only global is
 * the text of the last GLFW error, because GLFW's error callback carries no user pointer. */
#define _POSIX_C_SOURCE 200809L
#include "viewer.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <GLFW/glfw3.h>
#include <mujoco/mujoco.h>

#include "rng.h"
#include "util.h"

#define VIEWER_MAXGEOM 2000      /* abstract scene capacity */
#define VIEWER_SPEED_MIN (-5)    /* playback speed 2^-5 = 1/32 of real time ... */
#define VIEWER_SPEED_MAX 3       /* ... up to 2^3 = 8 times real time */
#define VIEWER_MAX_FPS 60.0      /* windowed frame cap when swaps do not wait for vsync */
#define VIEWER_DOUBLE_CLICK 0.3  /* seconds between the presses of a double click */
#define VIEWER_MAX_LAG 0.5       /* wall seconds the simulation may fall behind, then resyncs */

struct Viewer {
  ViewerOptions opt;
  Env env;                       /* own mjData over the caller's shared model */
  Rng rng;                       /* initial states of the episodes */
  float obs[ENV_MAX_OBS];        /* current observation (obs_dim) */
  float act[ENV_MAX_ACT];        /* last action (act_dim) */
  int need_reset;                /* the episode ended: the next step slot resets */
  int ep_steps;                  /* steps of the current episode */
  double ep_return;              /* its return so far */
  double last_reward;            /* reward of the last step */
  ViewerStats stats;

  /* drawing */
  mjModel *vm;                   /* private copy of the model for drawing: only vis differs */
  mjvScene scn;
  mjvCamera cam;
  mjvOption vopt;
  mjvPerturb pert;               /* the selected body and its perturbation (Ctrl + drag) */
  mjrContext con;
  int have_scene, have_context;
  GLFWwindow *win;
  int glfw_up;                   /* glfwInit succeeded */
  int width, height;             /* frame size (recording) or initial window size */
  int track_body;                /* body the tracking camera follows (Tab) */
  int camera;                    /* 0 free, 1 tracking, 2 + k the model's fixed camera k */
  mjvFigure fig_reward;          /* live plots over the episode (F4): reward per step ... */
  mjvFigure fig_return;          /* ... and the return so far */

  /* recording */
  int recording, to_mp4;
  FILE *pipe;                    /* ffmpeg's stdin (.mp4) */
  char part[4200];               /* ffmpeg writes here; renamed to the .mp4 when complete */
  void (*old_sigpipe)(int);      /* SIGPIPE handler before the pipe was opened */
  unsigned char *rgb;            /* one frame, top row first (height x width x 3) */
  unsigned char *row;            /* one row, for the vertical flip (width x 3) */

  /* interaction */
  int paused, step_pending, show_help, show_info, show_plot;
  int ep_perturbed;              /* a perturbation force acted in this episode */
  int pert_applied;              /* xfrc_applied holds a perturbation force */
  int screenshot_pending;        /* Ctrl+P: save the next drawn frame */
  char message[640];             /* a note shown bottom left until message_until */
  double message_until;          /* wall time, seconds */
  int speed_log2;                /* playback speed = 2^speed_log2 */
  int button_left, button_right, button_middle;
  double mouse_x, mouse_y;       /* cursor, window coordinates */
  int last_button;               /* button and time of the last press, for double clicks */
  double last_press;
  double fps;                    /* measured frames per second */
};

static char glfw_error[256];     /* text of the last GLFW error */

static void on_glfw_error(int code, const char *desc) {
  (void)code;
  snprintf(glfw_error, sizeof glfw_error, "%s", desc);
}

/* ---------------------------------------------------------------------------------------
 * output paths */

static int ends_with(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* executable `prog` in one of PATH's directories */
static int on_path(const char *prog) {
  const char *path = getenv("PATH");
  if (!path) return 0;
  char dir[4096];
  while (*path) {
    size_t l = strcspn(path, ":");
    snprintf(dir, sizeof dir, "%.*s/%s", (int)(l ? l : 1), l ? path : ".", prog);
    if (access(dir, X_OK) == 0 && !is_dir(dir)) return 1;
    path += l;
    if (*path == ':') path++;
  }
  return 0;
}

/* the PNG directory of --record, created with its parents */
static int make_record_dir(const char *path, char *err) {
  if (make_dirs(path) == 0) return 0;
  if (errno == ENOTDIR)
    return err_set(err, "cannot record into %s: a part of it is a file (PNG frames go into a "
                        "directory; a video needs a name ending in .mp4)", path);
  return err_set(err, "cannot create directory %s: %s", path, strerror(errno));
}

/* a file can be created in `dir` (permissions, read-only file system) */
static int probe_dir(const char *dir, char *err) {
  if (dir_probe_write(dir) == 0) return 0;
  return err_set(err, "cannot write into %s: %s", dir, strerror(errno));
}

/* validate --record before any window opens: PNG directory created, or ffmpeg present and
 * the .mp4's directory writable */
static int viewer_check_output(const char *path, int *to_mp4, char *err) {
  if (!*path) return err_set(err, "--record needs a path: a directory for PNG frames or a .mp4");
  *to_mp4 = ends_with(path, ".mp4");
  if (!*to_mp4) {
    if (make_record_dir(path, err)) return -1;
    return probe_dir(path, err);
  }
  if (!on_path("ffmpeg"))
    return err_set(err, "ffmpeg not found: install the Debian package ffmpeg, or record PNG "
                        "frames to a directory");
  if (is_dir(path)) return err_set(err, "cannot write video %s: it is a directory", path);
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  if (!is_dir(dir)) return err_set(err, "cannot write video %s: no directory %s", path, dir);
  return probe_dir(dir, err);
}

void viewer_frame_path(char *buf, size_t n, const char *dir, long index) {
  snprintf(buf, n, "%s/frame_%06ld.png", dir, index);
}

/* libpng reports errors by longjmp; nothing assigned after setjmp is read after it */
static int png_encode(FILE *f, const unsigned char *rgb, int w, int h) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  if (!png) return -1;
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    return -1;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return -1;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < h; y++) png_write_row(png, rgb + (size_t)y * (size_t)w * 3);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  return 0;
}

int viewer_write_png(const char *path, const unsigned char *rgb, int w, int h, char *err) {
  FILE *f = fopen(path, "wb");
  if (!f) return err_set(err, "cannot write %s: %s", path, strerror(errno));
  int rc = png_encode(f, rgb, w, h);
  if (fclose(f) != 0) rc = -1;
  if (rc) return err_set(err, "cannot write %s (disk full?)", path);
  return 0;
}

/* ---------------------------------------------------------------------------------------
 * episodes */

static void viewer_reset_episode(Viewer *v) {
  env_reset(&v->env, &v->rng, v->obs); /* clears xfrc_applied too */
  v->need_reset = 0;
  v->ep_steps = 0;
  v->ep_return = 0.0;
  v->last_reward = 0.0;
  v->ep_perturbed = 0;
  v->pert_applied = 0;
  v->fig_reward.linepnt[0] = 0;
  v->fig_return.linepnt[0] = 0;
}

/* append (x, y) to line 0 of a figure; a full line scrolls (drops its oldest point) */
static void viewer_plot_push(mjvFigure *fig, double x, double y) {
  int n = fig->linepnt[0];
  if (n == mjMAXLINEPNT) {
    memmove(fig->linedata[0], fig->linedata[0] + 2, sizeof(float) * 2 * (mjMAXLINEPNT - 1));
    n--;
  }
  fig->linedata[0][2 * n] = (float)x;
  fig->linedata[0][2 * n + 1] = (float)y;
  fig->linepnt[0] = n + 1;
}

/* The mouse's perturbation acts as simulate's does: while Ctrl + drag holds a selected body,
 * mjv_applyPerturbForce turns the distance between the body and the dragged reference into a
 * force and torque in xfrc_applied (the viewer's own mjData), held over the env step's
 * frame_skip physics steps; it is zeroed again when the drag ends. The episode is marked
 * perturbed: its return is not the policy's alone. */
static void viewer_apply_perturbation(Viewer *v) {
  mjData *d = (mjData *)v->env.data;
  if (v->pert.active && v->pert.select > 0) {
    mju_zero(d->xfrc_applied, 6 * v->vm->nbody);
    mjv_applyPerturbForce(v->vm, d, &v->pert);
    v->pert_applied = 1;
    v->ep_perturbed = 1;
  } else if (v->pert_applied) {
    mju_zero(d->xfrc_applied, 6 * v->vm->nbody);
    v->pert_applied = 0;
  }
}

static int viewer_done(const Viewer *v) {
  return v->opt.episodes > 0 && v->stats.episodes >= v->opt.episodes;
}

/* one step slot: an env step with the policy's action, or the reset after an episode end */
static void viewer_advance(Viewer *v) {
  if (v->need_reset) {
    viewer_reset_episode(v);
    return;
  }
  EnvStep s;
  v->opt.act(v->opt.act_ctx, v->obs, v->act);
  viewer_apply_perturbation(v);
  env_step(&v->env, v->act, v->obs, &s);
  v->stats.steps++;
  v->ep_steps++;
  v->ep_return += s.reward;
  v->last_reward = s.reward;
  viewer_plot_push(&v->fig_reward, v->ep_steps, s.reward);
  viewer_plot_push(&v->fig_return, v->ep_steps, v->ep_return);
  /* a time limit ends the episode on screen just as a terminal state does */
  if (s.terminated || s.truncated) {
    v->stats.episodes++;
    v->stats.last_return = v->ep_return;
    v->need_reset = 1;
    if (v->opt.log)
      fprintf(v->opt.log, "episode %ld: return %.3f over %d steps%s%s\n", v->stats.episodes,
              v->ep_return, v->ep_steps, s.unstable ? " (simulation went unstable)" : "",
              v->ep_perturbed ? " (perturbed with the mouse)" : "");
  }
}

/* ---------------------------------------------------------------------------------------
 * drawing */

/* the body a tracking camera follows: "torso" if there is one, else the first body under the
 * world; *moves tells whether it translates (a free or slide joint), as half_cheetah does */
static int viewer_track_body(const mjModel *m, int *moves) {
  int b = mj_name2id(m, mjOBJ_BODY, "torso");
  if (b <= 0) b = m->nbody > 1 ? 1 : 0;
  *moves = 0;
  for (int j = m->body_jntadr[b]; j >= 0 && j < m->body_jntadr[b] + m->body_jntnum[b]; j++)
    if (m->jnt_type[j] == mjJNT_FREE || m->jnt_type[j] == mjJNT_SLIDE) *moves = 1;
  return b;
}

static void viewer_set_tracking(Viewer *v, int body) {
  v->cam.type = mjCAMERA_TRACKING;
  v->cam.trackbodyid = body;
  v->cam.fixedcamid = -1;
  v->camera = 1;
}

/* camera `c` of the cycle free (0), tracking (1), the model's fixed cameras (2 + k); the free
 * camera keeps the last lookat, so leaving tracking leaves the view where it was */
static void viewer_set_camera(Viewer *v, int c) {
  int n = 2 + v->vm->ncam;
  c = ((c % n) + n) % n;
  if (c == 1) {
    viewer_set_tracking(v, v->cam.trackbodyid > 0 ? v->cam.trackbodyid : v->track_body);
    return;
  }
  v->camera = c;
  v->cam.type = c == 0 ? mjCAMERA_FREE : mjCAMERA_FIXED;
  v->cam.fixedcamid = c == 0 ? -1 : c - 2;
}

/* radius about stat.center of every geom but the (infinite) planes, at the model's
 * reference pose; stat.extent counts the floor and would frame the robot too small */
static double viewer_model_radius(const mjModel *m) {
  mjData *d = mj_makeData(m);
  if (!d) return m->stat.extent;
  mj_forward(m, d);
  double r = 0.0;
  for (int g = 0; g < m->ngeom; g++) {
    int type = m->geom_type[g];
    if (type == mjGEOM_PLANE) continue;
    const mjtNum *pos = d->geom_xpos + 3 * g, *mat = d->geom_xmat + 9 * g;
    /* capsules and cylinders (the robots' limbs and walls): both ends of the axis plus the
     * radius; anything else: its bounding sphere */
    int capsule = type == mjGEOM_CAPSULE || type == mjGEOM_CYLINDER;
    for (int end = -1; end <= 1; end += 2) {
      mjtNum p[3];
      mjtNum half = capsule ? end * m->geom_size[3 * g + 1] : 0.0; /* along the local z */
      for (int i = 0; i < 3; i++) p[i] = pos[i] - m->stat.center[i] + half * mat[3 * i + 2];
      double rg = mju_norm3(p) + (capsule ? m->geom_size[3 * g] : m->geom_rbound[g]);
      if (rg > r) r = rg;
    }
  }
  mj_deleteData(d);
  return r > 0.0 ? r : m->stat.extent;
}

/* start the camera: a robot that runs away is tracked from the side; one fixed to the world
 * gets a free camera over the whole model, seen from above at an angle, close enough that
 * the model fills most of the frame */
static void viewer_init_camera(Viewer *v) {
  int moves;
  v->track_body = viewer_track_body(v->vm, &moves);
  mjv_defaultFreeCamera(v->vm, &v->cam);
  if (moves) {
    viewer_set_tracking(v, v->track_body);
    v->cam.distance = 4.0;
    v->cam.azimuth = 90.0;
    v->cam.elevation = -15.0;
  } else {
    double half_fovy = 0.5 * v->vm->vis.global.fovy * mjPI / 180.0;
    v->cam.distance = viewer_model_radius(v->vm) / tan(half_fovy);
    v->cam.elevation = -60.0;
  }
}

/* Keep the world's planes under the camera. A plane is drawn as a finite rectangle (half_cheetah's
 * floor ends 40 m out, which a trained runner passes in 3 s), so each frame the scene's copy of
 * every plane fixed to the world is shifted, within its own x-y plane, to the point nearest the
 * camera's lookat (a fixed camera: its eye), in whole texture periods so that the checker
 * stays put on the ground. Only the drawn scene changes: the physics (the env's model and
 * data) never sees it. */
static void viewer_follow_floor(Viewer *v) {
  const mjModel *m = v->vm;
  double target[3];
  for (int r = 0; r < 3; r++)
    target[r] = v->cam.type == mjCAMERA_FIXED ? v->scn.camera[0].pos[r] : v->cam.lookat[r];
  for (int i = 0; i < v->scn.ngeom; i++) {
    mjvGeom *g = v->scn.geoms + i;
    if (g->objtype != mjOBJ_GEOM || g->type != mjGEOM_PLANE) continue;
    int id = g->objid;
    if (id < 0 || id >= m->ngeom || m->geom_bodyid[id] != 0) continue;
    /* one texture period along each plane axis: the texture repeats texrepeat times over the
     * plane's full width 2 * size, or texrepeat times per metre when texuniform */
    double period[2];
    int mat = m->geom_matid[id];
    for (int k = 0; k < 2; k++) {
      double rep = mat >= 0 ? m->mat_texrepeat[2 * mat + k] : 0.0;
      double size = m->geom_size[3 * id + k];
      if (mat >= 0 && m->mat_texuniform[mat] && rep > 0)
        period[k] = 1.0 / rep;
      else
        period[k] = rep > 0 ? 2.0 * size / rep : size;
      if (!(period[k] > 0)) period[k] = 1.0;
    }
    /* g->mat is row-major: its columns are the plane's axes in world coordinates */
    double dx[3], shift[2];
    for (int r = 0; r < 3; r++) dx[r] = target[r] - g->pos[r];
    for (int k = 0; k < 2; k++) {
      double along = dx[0] * g->mat[k] + dx[1] * g->mat[3 + k] + dx[2] * g->mat[6 + k];
      shift[k] = period[k] * floor(along / period[k] + 0.5);
    }
    for (int r = 0; r < 3; r++)
      g->pos[r] += (float)(shift[0] * g->mat[3 * r] + shift[1] * g->mat[3 * r + 1]);
  }
}

static void viewer_draw_scene(Viewer *v, mjrRect vp) {
  const mjData *d = (const mjData *)v->env.data;
  /* MuJoCo's tracking camera moves its lookat only a fifth of the way to the body per drawn
   * frame, which leaves a 12 m/s runner metres behind; put the lookat on the body's subtree
   * centre of mass instead (the point MuJoCo tracks), keeping the user's distance, azimuth
   * and elevation, so the tracking filter has nothing left to do */
  if (v->cam.type == mjCAMERA_TRACKING && v->cam.trackbodyid >= 0)
    mju_copy3(v->cam.lookat, d->subtree_com + 3 * v->cam.trackbodyid);
  mjv_updateScene(v->vm, (mjData *)d, &v->vopt, &v->pert, &v->cam, mjCAT_ALL, &v->scn);
  viewer_follow_floor(v);
  mjr_render(vp, &v->scn, &v->con);
}

/* the help overlay (F1): simulate's bindings, and this viewer's own (Tab, Backspace, F4) */
static const char HELP_KEYS[] =
    "Space  Right arrow\n-  =\nBackspace\n[  ]   Tab   Esc\nDouble-click  Page Up\n"
    "Right double-click\nCtrl right double-click\nLeft / right drag\nScroll, middle drag\n"
    "Ctrl [Shift] drag\nCtrl [Shift] right drag\nC  F  T  W\nF6  F7  0-5\nCtrl P\n"
    "F1  F2  F4\nCtrl Q";
static const char HELP_ACTIONS[] =
    "pause / run, step\nslower / faster\nreset episode\ncycle cameras, tracking, free\n"
    "select body, its parent\ncenter camera there\ntrack that body\n"
    "rotate / move camera\nzoom\npush: rotate the body\npush: move the body\n"
    "contacts, forces, transparent, wire\nframes, labels, geom groups\nscreenshot (PNG)\n"
    "help, info, reward plot\nquit";

static void viewer_camera_name(const Viewer *v, char *buf, size_t n) {
  if (v->cam.type == mjCAMERA_TRACKING) {
    const char *body = mj_id2name(v->vm, mjOBJ_BODY, v->cam.trackbodyid);
    snprintf(buf, n, "tracking %s", body ? body : "");
  } else if (v->cam.type == mjCAMERA_FIXED) {
    const char *cam = mj_id2name(v->vm, mjOBJ_CAMERA, v->cam.fixedcamid);
    snprintf(buf, n, "fixed %d %s", v->cam.fixedcamid, cam ? cam : "");
  } else {
    snprintf(buf, n, "free");
  }
}

/* return over reward, the episode's steps across, bottom right: a third of the width and of
 * the height each */
static void viewer_draw_plots(Viewer *v, mjrRect vp) {
  int w = vp.width / 3, h = vp.height / 3;
  mjrRect r = {vp.left + vp.width - w, vp.bottom, w, h};
  v->fig_reward.range[0][1] = v->fig_return.range[0][1] = (float)v->env.max_steps;
  mjr_figure(r, &v->fig_reward, &v->con);
  r.bottom += h;
  mjr_figure(r, &v->fig_return, &v->con);
}

static void viewer_draw_overlay(Viewer *v, mjrRect vp) {
  char values[512];
  double speed = ldexp(1.0, v->speed_log2);
  char speed_s[32], camera[160];
  if (v->speed_log2 >= 0)
    snprintf(speed_s, sizeof speed_s, "%gx", speed);
  else
    snprintf(speed_s, sizeof speed_s, "1/%gx", 1.0 / speed);
  viewer_camera_name(v, camera, sizeof camera);
  if (v->show_info) {
    snprintf(values, sizeof values, "%ld%s\n%d / %d\n%.3f\n%.4f\n%s%s\n%.0f\n%s",
             v->stats.episodes + (v->need_reset ? 0 : 1), v->ep_perturbed ? " (perturbed)" : "",
             v->ep_steps, v->env.max_steps, v->ep_return, v->last_reward, speed_s,
             v->paused ? " (paused)" : "", v->fps, camera);
    mjr_overlay(mjFONT_NORMAL, mjGRID_TOPLEFT, vp,
                "Episode\nStep\nReturn\nLast reward\nSpeed\nFPS\nCamera", values, &v->con);
  }
  if (v->show_help)
    mjr_overlay(mjFONT_NORMAL, mjGRID_TOPRIGHT, vp, HELP_KEYS, HELP_ACTIONS, &v->con);
  else
    mjr_overlay(mjFONT_NORMAL, mjGRID_TOPRIGHT, vp, "F1", "help", &v->con);
  if (v->show_plot) viewer_draw_plots(v, vp);
  if (v->paused) mjr_overlay(mjFONT_BIG, mjGRID_BOTTOMRIGHT, vp, "Paused", NULL, &v->con);
  if (v->pert.select > 0) {
    const char *name = mj_id2name(v->vm, mjOBJ_BODY, v->pert.select);
    mjr_overlay(mjFONT_NORMAL, mjGRID_BOTTOMLEFT, vp,
                v->pert.active ? "Perturbing" : "Selected", name ? name : "(unnamed body)",
                &v->con);
  } else if (glfwGetTime() < v->message_until) {
    mjr_overlay(mjFONT_NORMAL, mjGRID_BOTTOMLEFT, vp, v->message, NULL, &v->con);
  }
}

/* ---------------------------------------------------------------------------------------
 * window input, as in MuJoCo's simulate */

static Viewer *viewer_of(GLFWwindow *w) { return (Viewer *)glfwGetWindowUserPointer(w); }

static void viewer_say(Viewer *v, const char *msg) {
  snprintf(v->message, sizeof v->message, "%s", msg);
  v->message_until = glfwGetTime() + 3.0;
  if (v->opt.log) fprintf(v->opt.log, "%s\n", msg);
}

static void viewer_double_click(Viewer *v, int button, int mods) {
  int ww, wh;
  glfwGetWindowSize(v->win, &ww, &wh);
  if (ww <= 0 || wh <= 0) return;
  mjData *d = (mjData *)v->env.data;
  mjtNum selpnt[3];
  int geom = -1, skin = -1;
  int body = mjv_select(v->vm, d, &v->vopt, (mjtNum)ww / wh, v->mouse_x / ww,
                        (wh - v->mouse_y) / wh, &v->scn, selpnt, &geom, &skin);
  if (button == GLFW_MOUSE_BUTTON_LEFT) {
    /* select a body: remember the point in its frame, as simulate does */
    if (body > 0) {
      mjtNum tmp[3];
      mju_sub3(tmp, selpnt, d->xpos + 3 * body);
      mju_mulMatTVec(v->pert.localpos, d->xmat + 9 * body, tmp, 3, 3);
      v->pert.select = body;
      v->pert.skinselect = skin;
    } else {
      v->pert.select = 0;
      v->pert.skinselect = -1;
    }
  } else if (button == GLFW_MOUSE_BUTTON_RIGHT && body >= 0) {
    if (mods & GLFW_MOD_CONTROL) {
      if (body > 0) viewer_set_tracking(v, body);
    } else {
      mju_copy3(v->cam.lookat, selpnt);
      v->cam.type = mjCAMERA_FREE;
      v->camera = 0;
    }
  }
  v->pert.active = 0; /* a double click never starts a push */
}

static void on_mouse_button(GLFWwindow *w, int button, int action, int mods) {
  Viewer *v = viewer_of(w);
  v->button_left = glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
  v->button_right = glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
  v->button_middle = glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_MIDDLE) == GLFW_PRESS;
  glfwGetCursorPos(w, &v->mouse_x, &v->mouse_y);
  if (action != GLFW_PRESS) {
    v->pert.active = 0; /* releasing the button ends a push */
    return;
  }
  /* Ctrl + press on a selected body starts a push: right translates, left rotates; the
   * reference starts at the body (mjv_initPerturb) */
  int push = 0;
  if ((mods & GLFW_MOD_CONTROL) && v->pert.select > 0) {
    if (button == GLFW_MOUSE_BUTTON_RIGHT) push = mjPERT_TRANSLATE;
    if (button == GLFW_MOUSE_BUTTON_LEFT) push = mjPERT_ROTATE;
    if (push && !v->pert.active)
      mjv_initPerturb(v->vm, (const mjData *)v->env.data, &v->scn, &v->pert);
  }
  v->pert.active = push;
  double t = glfwGetTime();
  if (button == v->last_button && t - v->last_press < VIEWER_DOUBLE_CLICK) {
    viewer_double_click(v, button, mods);
    t = -1.0; /* a third press starts a new double click */
  }
  v->last_button = button;
  v->last_press = t;
}

static void on_cursor(GLFWwindow *w, double x, double y) {
  Viewer *v = viewer_of(w);
  double dx = x - v->mouse_x, dy = y - v->mouse_y;
  v->mouse_x = x;
  v->mouse_y = y;
  if (!v->button_left && !v->button_right && !v->button_middle) return;
  int ww, wh;
  glfwGetWindowSize(w, &ww, &wh);
  if (wh <= 0) return;
  int shift = glfwGetKey(w, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS ||
              glfwGetKey(w, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS;
  int action;
  if (v->button_right)
    action = shift ? mjMOUSE_MOVE_H : mjMOUSE_MOVE_V;
  else if (v->button_left)
    action = shift ? mjMOUSE_ROTATE_H : mjMOUSE_ROTATE_V;
  else
    action = mjMOUSE_ZOOM;
  /* the mouse moves the push's reference while a push is on, else the camera */
  if (v->pert.active)
    mjv_movePerturb(v->vm, (const mjData *)v->env.data, action, dx / wh, dy / wh, &v->scn,
                    &v->pert);
  else
    mjv_moveCamera(v->vm, action, dx / wh, dy / wh, &v->scn, &v->cam);
}

static void on_scroll(GLFWwindow *w, double xoff, double yoff) {
  (void)xoff;
  Viewer *v = viewer_of(w);
  mjv_moveCamera(v->vm, mjMOUSE_ZOOM, 0.0, -0.05 * yoff, &v->scn, &v->cam);
}

/* simulate's one-key render toggles: the third string of mjVISSTRING (visualization flags:
 * C contact points, F contact forces, T transparent, ...) and of mjRNDSTRING (render flags:
 * W wireframe, S shadow, R reflection, ...); the first flag with the key wins, as there */
static int viewer_toggle_flag(Viewer *v, int key) {
  for (int i = 0; i < mjNVISFLAG; i++)
    if (mjVISSTRING[i][2][0] == key && mjVISSTRING[i][2][1] == 0) {
      v->vopt.flags[i] = !v->vopt.flags[i];
      return 1;
    }
  for (int i = 0; i < mjNRNDFLAG; i++)
    if (mjRNDSTRING[i][2][0] == key && mjRNDSTRING[i][2][1] == 0) {
      v->scn.flags[i] = !v->scn.flags[i];
      return 1;
    }
  return 0;
}

static void on_key(GLFWwindow *w, int key, int scancode, int action, int mods) {
  (void)scancode;
  Viewer *v = viewer_of(w);
  if (action == GLFW_RELEASE) return;
  if (key == GLFW_KEY_RIGHT) { /* repeats while held */
    if (v->paused) v->step_pending++;
    return;
  }
  if (action != GLFW_PRESS) return;
  if (mods & GLFW_MOD_CONTROL) {
    if (key == GLFW_KEY_Q) glfwSetWindowShouldClose(w, 1);
    if (key == GLFW_KEY_P) v->screenshot_pending = 1;
    return;
  }
  switch (key) {
    case GLFW_KEY_ESCAPE: viewer_set_camera(v, 0); return;
    case GLFW_KEY_SPACE:
      v->paused = !v->paused;
      v->pert.active = 0;
      return;
    case GLFW_KEY_BACKSPACE: viewer_reset_episode(v); return;
    case GLFW_KEY_F1: v->show_help = !v->show_help; return;
    case GLFW_KEY_F2: v->show_info = !v->show_info; return;
    case GLFW_KEY_F4: v->show_plot = !v->show_plot; return;
    case GLFW_KEY_F6: v->vopt.frame = (v->vopt.frame + 1) % mjNFRAME; return;
    case GLFW_KEY_F7: v->vopt.label = (v->vopt.label + 1) % mjNLABEL; return;
    case GLFW_KEY_TAB: viewer_set_camera(v, v->cam.type == mjCAMERA_TRACKING ? 0 : 1); return;
    case GLFW_KEY_PAGE_UP: /* select the parent body; the world ends the selection */
      if (v->pert.select > 0) {
        v->pert.select = v->vm->body_parentid[v->pert.select];
        v->pert.skinselect = -1;
        if (v->pert.select <= 0) v->pert.active = 0;
      }
      return;
    default: break;
  }
  if (mods & (GLFW_MOD_SHIFT | GLFW_MOD_ALT | GLFW_MOD_SUPER)) return;
  if (key >= GLFW_KEY_0 && key <= GLFW_KEY_5) { /* geom groups, as simulate */
    v->vopt.geomgroup[key - GLFW_KEY_0] = !v->vopt.geomgroup[key - GLFW_KEY_0];
    return;
  }
  /* GLFW's codes of letters and of , . / ; ' are their ASCII characters */
  if (key < 128) viewer_toggle_flag(v, key);
}

/* characters, not keys, so that [ ] - = + work on any keyboard layout */
static void on_char(GLFWwindow *w, unsigned int c) {
  Viewer *v = viewer_of(w);
  if (c == '[') viewer_set_camera(v, v->camera - 1);
  if (c == ']') viewer_set_camera(v, v->camera + 1);
  if (c == '-' && v->speed_log2 > VIEWER_SPEED_MIN) v->speed_log2--;
  if ((c == '=' || c == '+') && v->speed_log2 < VIEWER_SPEED_MAX) v->speed_log2++;
}

/* ---------------------------------------------------------------------------------------
 * init / free */

static void viewer_init_plot(mjvFigure *fig, const char *title, float r, float g, float b) {
  mjv_defaultFigure(fig);
  snprintf(fig->title, sizeof fig->title, "%s", title);
  snprintf(fig->xformat, sizeof fig->xformat, "%%.0f");
  snprintf(fig->yformat, sizeof fig->yformat, "%%.4g");
  snprintf(fig->minwidth, sizeof fig->minwidth, "-0000");
  fig->flg_extend = 1;        /* y grows to fit; x is the episode's steps, set when drawn */
  fig->gridsize[0] = fig->gridsize[1] = 3;
  fig->figurergba[3] = 0.6f;  /* see the robot through it */
  fig->linergb[0][0] = r;
  fig->linergb[0][1] = g;
  fig->linergb[0][2] = b;
}

static int viewer_open_gl(Viewer *v, char *err) {
  glfw_error[0] = 0;
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit())
    return err_set(err, "cannot open a display (%s); without a screen, run under a virtual "
                        "one: xvfb-run -a ddpg view ...",
                   glfw_error[0] ? glfw_error : "glfwInit failed");
  v->glfw_up = 1;
  glfwDefaultWindowHints();
  if (v->recording)
    glfwWindowHint(GLFW_VISIBLE, 0);
  else
    glfwWindowHint(GLFW_SAMPLES, 4);
  v->win = glfwCreateWindow(v->recording ? 64 : v->width, v->recording ? 64 : v->height,
                            v->opt.title ? v->opt.title : "ddpg view", NULL, NULL);
  if (!v->win)
    return err_set(err, "cannot create an OpenGL window (%s); without a screen, run under a "
                        "virtual one: xvfb-run -a ddpg view ...",
                   glfw_error[0] ? glfw_error : "glfwCreateWindow failed");
  glfwMakeContextCurrent(v->win);
  glfwSwapInterval(v->recording ? 0 : 1);

  mjv_defaultScene(&v->scn);
  mjv_defaultOption(&v->vopt);
  mjv_defaultPerturb(&v->pert);
  mjr_defaultContext(&v->con);
  viewer_init_plot(&v->fig_reward, "Reward per step", 0.3f, 0.9f, 0.3f);
  viewer_init_plot(&v->fig_return, "Return", 1.0f, 0.6f, 0.2f);
  mjv_makeScene(v->vm, &v->scn, VIEWER_MAXGEOM);
  v->have_scene = 1;
  mjr_makeContext(v->vm, &v->con, v->recording ? mjFONTSCALE_100 : mjFONTSCALE_150);
  v->have_context = 1;
  viewer_init_camera(v);

  if (v->recording) {
    mjr_setBuffer(mjFB_OFFSCREEN, &v->con);
    if (v->con.currentBuffer != mjFB_OFFSCREEN)
      return err_set(err, "this OpenGL has no offscreen framebuffer, so --record cannot work");
    if (v->con.offWidth < v->width || v->con.offHeight < v->height)
      return err_set(err, "offscreen buffer is %dx%d, smaller than the requested %dx%d",
                     v->con.offWidth, v->con.offHeight, v->width, v->height);
    return 0;
  }
  glfwSetWindowUserPointer(v->win, v);
  glfwSetKeyCallback(v->win, on_key);
  glfwSetCharCallback(v->win, on_char);
  glfwSetMouseButtonCallback(v->win, on_mouse_button);
  glfwSetCursorPosCallback(v->win, on_cursor);
  glfwSetScrollCallback(v->win, on_scroll);
  glfwGetCursorPos(v->win, &v->mouse_x, &v->mouse_y);
  return 0;
}

/* shell-quote `s` in single quotes */
static void shell_quote(char *buf, size_t n, const char *s) {
  size_t o = 0;
  if (o + 1 < n) buf[o++] = '\'';
  for (; *s && o + 5 < n; s++) {
    if (*s == '\'') {
      memcpy(buf + o, "'\\''", 4);
      o += 4;
    } else {
      buf[o++] = *s;
    }
  }
  if (o + 1 < n) buf[o++] = '\'';
  buf[o] = 0;
}

/* start ffmpeg reading raw RGB frames on stdin; odd sizes are padded for yuv420p. The video
 * goes to PATH.part (format named, as the extension no longer says it) and is renamed to
 * PATH once ffmpeg has finished it, so an interrupted recording leaves no truncated .mp4 */
static int viewer_open_ffmpeg(Viewer *v, double fps, char *err) {
  char quoted[8192], cmd[9000];
  if (snprintf(v->part, sizeof v->part, "%s.part", v->opt.record) >= (int)sizeof v->part)
    return err_set(err, "output path too long: %s", v->opt.record);
  shell_quote(quoted, sizeof quoted, v->part);
  snprintf(cmd, sizeof cmd,
           "ffmpeg -hide_banner -loglevel error -y -f rawvideo -pix_fmt rgb24 -s %dx%d "
           "-framerate %.6g -i - -vf 'pad=ceil(iw/2)*2:ceil(ih/2)*2' -pix_fmt yuv420p -f mp4 %s",
           v->width, v->height, fps, quoted);
  /* a dying ffmpeg must show up as a write error, not kill the viewer */
  v->old_sigpipe = signal(SIGPIPE, SIG_IGN);
  v->pipe = popen(cmd, "w");
  if (!v->pipe) return err_set(err, "cannot start ffmpeg: %s", strerror(errno));
  return 0;
}

static double viewer_record_fps(const Viewer *v) {
  return v->opt.fps > 0 ? v->opt.fps : 1.0 / v->env.dt;
}

int viewer_probe(const char *command, char *err) {
  if (!on_path("ffmpeg"))
    return err_set(err, "ffmpeg not found: videos need it; install the Debian package ffmpeg "
                        "(scripts/install-deps.sh)");
  glfw_error[0] = 0;
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit())
    return err_set(err, "cannot open a display to render videos (%s); without a screen, run "
                        "under a virtual one: xvfb-run -a %s",
                   glfw_error[0] ? glfw_error : "glfwInit failed", command);
  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_VISIBLE, 0);
  GLFWwindow *w = glfwCreateWindow(64, 64, "ddpg probe", NULL, NULL);
  if (!w) {
    err_set(err, "cannot create an OpenGL context to render videos (%s); without a screen, "
                 "run under a virtual one: xvfb-run -a %s",
            glfw_error[0] ? glfw_error : "glfwCreateWindow failed", command);
    glfwTerminate();
    return -1;
  }
  glfwDestroyWindow(w);
  glfwTerminate();
  return 0;
}

int viewer_init(Viewer **out, const EnvModel *m, const ViewerOptions *opt, char *err) {
  *out = NULL;
  DDPG_CHECK(opt->act != NULL);
  const mjModel *mj = (const mjModel *)env_model_mj(m);
  if (!mj) return err_set(err, "this robot has no MuJoCo model to draw (toy?)");
  int recording = opt->record != NULL;
  int w = opt->width > 0 ? opt->width : (recording ? 640 : 1200);
  int h = opt->height > 0 ? opt->height : (recording ? 480 : 900);
  if (w > VIEWER_MAX_SIZE || h > VIEWER_MAX_SIZE)
    return err_set(err, "frame size %dx%d is too large (at most %d per side)", w, h,
                   VIEWER_MAX_SIZE);
  Viewer *v = xcalloc(1, sizeof *v);
  v->opt = *opt;
  v->recording = recording;
  v->width = w;
  v->height = h;
  /* a recording needs an end: one episode unless a budget was given */
  if (v->recording && v->opt.episodes == 0 && v->opt.frames == 0) v->opt.episodes = 1;
  v->stats.last_return = NAN;
  v->last_button = -1;
  v->last_press = -1.0;
  v->show_info = 1;
  *out = v;

  if (v->recording && viewer_check_output(opt->record, &v->to_mp4, err)) return -1;

  /* the offscreen buffer is sized by <visual><global offwidth offheight> (default 640x480):
   * draw with a private copy of the model whose buffer fits the frames; recording, exactly
   * the frames (a smaller buffer draws faster), and a shadow map of about four texels per
   * pixel of the larger side (model default 4096: a 160x120 frame needs only 1024, and the
   * shadow pass dominates software rendering). Visual settings only: the physics runs on the
   * caller's model. */
  v->vm = mj_copyModel(NULL, mj);
  if (!v->vm) return err_set(err, "cannot copy the MuJoCo model (out of memory)");
  mjVisual *vis = &v->vm->vis;
  if (v->recording) {
    vis->global.offwidth = v->width;
    vis->global.offheight = v->height;
    int side = v->width > v->height ? v->width : v->height, shadow = 1024;
    while (shadow < 4 * side) shadow *= 2;
    if (vis->quality.shadowsize > shadow) vis->quality.shadowsize = shadow;
  } else {
    if (vis->global.offwidth < v->width) vis->global.offwidth = v->width;
    if (vis->global.offheight < v->height) vis->global.offheight = v->height;
  }

  env_init(&v->env, m);
  rng_init(&v->rng, opt->seed, opt->stream);
  viewer_reset_episode(v);

  if (viewer_open_gl(v, err)) return -1;
  if (v->recording) {
    v->rgb = xmalloc((size_t)v->width * (size_t)v->height * 3);
    v->row = xmalloc((size_t)v->width * 3);
    if (v->to_mp4 && viewer_open_ffmpeg(v, viewer_record_fps(v), err)) return -1;
  }
  return 0;
}

void viewer_free(Viewer *v) {
  if (!v) return;
  if (v->pipe) { /* stopped early: the partial video goes */
    pclose(v->pipe);
    signal(SIGPIPE, v->old_sigpipe);
    remove(v->part);
  }
  if (v->win) glfwMakeContextCurrent(v->win);
  if (v->have_context) mjr_freeContext(&v->con);
  if (v->have_scene) mjv_freeScene(&v->scn);
  if (v->win) glfwDestroyWindow(v->win);
  if (v->glfw_up) glfwTerminate();
  if (v->vm) {
    env_free(&v->env);
    mj_deleteModel(v->vm);
  }
  free(v->rgb);
  free(v->row);
  free(v);
}

/* ---------------------------------------------------------------------------------------
 * run */

static void sleep_seconds(double s) {
  struct timespec ts;
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
  nanosleep(&ts, NULL);
}

/* read the drawn frame back (rows bottom to top) into rgb, flipped into image order; rgb holds
 * vp.width x vp.height x 3 bytes and row one row of it */
static void viewer_read_frame(Viewer *v, mjrRect vp, unsigned char *rgb, unsigned char *row) {
  const size_t stride = (size_t)vp.width * 3;
  mjr_readPixels(rgb, NULL, vp, &v->con);
  for (int y = 0; y < vp.height / 2; y++) {
    unsigned char *a = rgb + (size_t)y * stride;
    unsigned char *b = rgb + (size_t)(vp.height - 1 - y) * stride;
    memcpy(row, a, stride);
    memcpy(a, b, stride);
    memcpy(b, row, stride);
  }
}

/* Ctrl+P: the window as drawn (overlay included) to ddpg_view_NNN.png in the working
 * directory, the first number not taken */
static void viewer_screenshot(Viewer *v, mjrRect vp) {
  char path[64], msg[600], err[ERR_LEN];
  v->screenshot_pending = 0;
  int k = 0;
  for (; k < 1000; k++) {
    snprintf(path, sizeof path, "ddpg_view_%03d.png", k);
    if (access(path, F_OK) != 0) break;
  }
  if (k == 1000) {
    viewer_say(v, "screenshot not saved: ddpg_view_000.png ... ddpg_view_999.png all exist");
    return;
  }
  unsigned char *rgb = xmalloc((size_t)vp.width * (size_t)vp.height * 3);
  unsigned char *row = xmalloc((size_t)vp.width * 3);
  viewer_read_frame(v, vp, rgb, row);
  if (viewer_write_png(path, rgb, vp.width, vp.height, err) == 0)
    snprintf(msg, sizeof msg, "screenshot saved to %s", path);
  else
    snprintf(msg, sizeof msg, "screenshot not saved: %s", err);
  viewer_say(v, msg);
  free(rgb);
  free(row);
}

static int viewer_run_window(Viewer *v) {
  const double dt = v->env.dt;
  double debt = 0.0;              /* simulated seconds owed to the wall clock */
  double t_prev = now_seconds();
  double t_fps = t_prev;
  long fps_frames = 0;
  while (!glfwWindowShouldClose(v->win)) {
    double t = now_seconds();
    double wall = t - t_prev;
    t_prev = t;
    if (!v->paused) {
      double speed = ldexp(1.0, v->speed_log2);
      debt += wall * speed;
      /* slow frames just take more steps each; a long stall (window dragged, process
       * stopped, physics slower than speed x real time) resyncs instead of racing */
      if (debt > VIEWER_MAX_LAG * speed + dt) debt = dt;
      while (debt >= dt && !viewer_done(v)) {
        viewer_advance(v);
        debt -= dt;
      }
    } else {
      debt = 0.0;
      for (; v->step_pending > 0 && !viewer_done(v); v->step_pending--) viewer_advance(v);
    }
    v->step_pending = 0;

    int fbw, fbh;
    glfwGetFramebufferSize(v->win, &fbw, &fbh);
    mjrRect vp = {0, 0, fbw, fbh};
    viewer_draw_scene(v, vp);
    viewer_draw_overlay(v, vp);
    if (v->screenshot_pending) viewer_screenshot(v, vp);
    glfwSwapBuffers(v->win);
    glfwPollEvents();
    v->stats.frames++;

    fps_frames++;
    if (t - t_fps >= 0.5) {
      v->fps = (double)fps_frames / (t - t_fps);
      fps_frames = 0;
      t_fps = t;
    }
    if (v->opt.frames > 0 && v->stats.frames >= v->opt.frames) break;
    if (viewer_done(v)) break;
    double rest = t + 1.0 / VIEWER_MAX_FPS - now_seconds();
    if (rest > 0) sleep_seconds(rest);
  }
  return 0;
}

static int viewer_write_frame(Viewer *v, long k, char *err) {
  size_t n = (size_t)v->width * (size_t)v->height * 3;
  if (v->to_mp4) {
    if (fwrite(v->rgb, 1, n, v->pipe) != n)
      return err_set(err, "writing frame %ld to ffmpeg failed (its messages are above)", k);
    return 0;
  }
  char path[4200];
  viewer_frame_path(path, sizeof path, v->opt.record, k);
  return viewer_write_png(path, v->rgb, v->width, v->height, err);
}

static int viewer_run_record(Viewer *v, char *err) {
  const double rate = 1.0 / v->env.dt; /* step slots per simulated second */
  const double fps = viewer_record_fps(v);
  mjrRect vp = {0, 0, v->width, v->height};
  long slots = 0;
  for (long k = 0; v->opt.frames == 0 || k < v->opt.frames; k++) {
    long target = (long)floor((double)k * rate / fps + 1e-9);
    while (slots < target && !viewer_done(v)) {
      viewer_advance(v);
      slots++;
    }
    viewer_draw_scene(v, vp);
    viewer_read_frame(v, vp, v->rgb, v->row);
    if (viewer_write_frame(v, k, err)) return -1;
    v->stats.frames++;
    if (viewer_done(v)) break;
  }
  if (v->pipe) {
    int status = pclose(v->pipe);
    v->pipe = NULL;
    signal(SIGPIPE, v->old_sigpipe);
    if (status != 0) {
      remove(v->part);
      return err_set(err, "ffmpeg failed to write %s (exit status %d; its messages are above)",
                     v->opt.record, WIFEXITED(status) ? WEXITSTATUS(status) : status);
    }
    if (rename(v->part, v->opt.record) != 0)
      return err_set(err, "cannot rename %s to %s: %s", v->part, v->opt.record,
                     strerror(errno));
  }
  return 0;
}

int viewer_run(Viewer *v, ViewerStats *stats, char *err) {
  int rc = v->recording ? viewer_run_record(v, err) : viewer_run_window(v);
  if (stats) *stats = v->stats;
  return rc;
}
